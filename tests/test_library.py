"""The library: releases added as HTML, PDF and Word files, listed, removed; bad files
refused with one sentence and nothing already indexed lost. Files are made here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_readers import write_release_docx, write_release_html, write_release_pdf

from assistant import library
from assistant.corpus import load_corpus

QUESTION = "What did ministers agree about cod?"
ANSWER = "Ministers agreed catch limits for cod in the Baltic Sea, lowered by 12% from last year."


def _three_formats(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    name = "fisheries-3-4-april-2031"
    return [write_release_html(folder / f"{name}.html"), write_release_pdf(folder / f"{name}.pdf"),
            write_release_docx(folder / f"{name}.docx")]


def test_add_copies_readable_files_and_refuses_the_rest_by_name(tmp_path):
    files = _three_formats(tmp_path / "in")
    (tmp_path / "in" / "broken.pdf").write_bytes(b"%PDF-1.7\nnot really")
    (tmp_path / "in" / "notes.json").write_text("{}")
    corpus = tmp_path / "missing" / "corpus"  # a corpus folder that does not exist yet
    added = library.add(corpus, [tmp_path / "in"], max_bytes=10**7)
    assert sorted(name for _, name in added.copied) == sorted(f.name for f in files)
    assert added.refused == ["broken.pdf is damaged or not a PDF."]
    again = library.add(corpus, [files[1]], max_bytes=10**7)
    assert not again.copied
    assert again.refused == [f"{files[1].name} is already in the library as {files[1].name}."]


def test_a_file_over_the_size_limit_is_refused_and_the_library_unchanged(tmp_path):
    corpus = tmp_path / "corpus"
    library.add(corpus, _three_formats(tmp_path / "in")[:1], max_bytes=10**7)
    big = tmp_path / "big.txt"
    big.write_text("Ministers met. " * 5000)
    added = library.add(corpus, [big], max_bytes=50_000)
    assert not added.copied and "big.txt" in added.refused[0] and "limit" in added.refused[0]
    assert [p.name for p in corpus.iterdir()] == ["fisheries-3-4-april-2031.html"]


def test_the_same_release_in_three_formats_is_three_releases_with_their_own_slugs(tmp_path):
    _three_formats(tmp_path)
    corpus = load_corpus(tmp_path)
    assert sorted(corpus.slugs()) == [
        "fisheries-3-4-april-2031", "fisheries-3-4-april-2031-docx", "fisheries-3-4-april-2031-pdf"
    ]
    assert corpus.document("fisheries-3-4-april-2031").path.endswith(".html")
    for document in corpus.documents:
        assert ANSWER in document.text
        assert document.meta["format"] in ("html", "pdf", "docx")


def test_adding_another_format_of_a_release_leaves_the_first_its_slug(tmp_path):
    files = _three_formats(tmp_path / "in")
    corpus = tmp_path / "corpus"
    library.add(corpus, [files[1]], max_bytes=10**7)  # the PDF first
    assert load_corpus(corpus).slugs() == ["fisheries-3-4-april-2031"]
    library.add(corpus, [files[2]], max_bytes=10**7)  # then the Word file
    after = load_corpus(corpus)
    assert after.document("fisheries-3-4-april-2031").path.endswith(".pdf")
    assert after.document("fisheries-3-4-april-2031-docx").path.endswith(".docx")


def test_a_copied_file_with_nothing_to_answer_from_is_taken_out_again(tmp_path):
    corpus = tmp_path / "corpus"
    _three_formats(corpus)
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "headings.md").write_text("# Title\n\n## Sub\n")
    (inbox / ".hidden.md").write_text("Ministers met.\n")
    added = library.add(corpus, [inbox / "headings.md", inbox / ".hidden.md"], 10**7)
    assert any(".hidden.md" in m and "hidden" in m for m in added.refused)
    kept, unusable = library.keep_readable(corpus, load_corpus(corpus), added.copied)
    assert kept == [] and unusable == ["headings.md: only headings, no paragraph to answer "
                                       "from; skipped."]
    assert not (corpus / "headings.md").exists()


def test_removing_an_unknown_release_names_the_known_ones(tmp_path):
    _three_formats(tmp_path)
    with pytest.raises(library.LibraryError, match="fisheries-3-4-april-2031-pdf"):
        library.remove(load_corpus(tmp_path), ["nope"])


def test_a_link_out_of_the_corpus_folder_is_not_read(tmp_path):
    corpus = tmp_path / "corpus"
    _three_formats(corpus)
    secret = tmp_path / "secret.md"
    secret.write_text("The password is swordfish.\n")
    (corpus / "secret.md").symlink_to(secret)
    loaded = load_corpus(corpus)
    assert "secret" not in loaded.slugs()
    assert any("secret.md" in p and "outside the corpus folder" in p for p in loaded.problems)


def test_links_that_loop_or_lead_nowhere_and_pipes_are_named_and_skipped(tmp_path):
    import os

    corpus = tmp_path / "corpus"
    _three_formats(corpus)
    (corpus / "loop.md").symlink_to(corpus / "loop.md")
    (corpus / "gone.md").symlink_to(tmp_path / "missing.md")
    os.mkfifo(corpus / "pipe.txt")  # reading it would wait forever
    loaded = load_corpus(corpus)
    assert len(loaded.documents) == 3
    for name, says in (("loop.md", "leads nowhere"), ("gone.md", "leads nowhere"),
                       ("pipe.txt", "not a regular file")):
        assert any(name in p and says in p for p in loaded.problems), (name, loaded.problems)


def _run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=600)


@pytest.mark.slow
def test_releases_added_as_html_pdf_and_word_answer_alike_and_survive_a_removal(tmp_path):
    inbox = tmp_path / "in"
    _three_formats(inbox)
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.7\nbroken")
    common = ["--corpus", str(tmp_path / "corpus"), "--data", str(tmp_path / "data")]
    added = _run("add", str(inbox), *common, cwd=tmp_path)
    assert added.returncode == 2  # one file was refused ...
    assert "scan.pdf is damaged or not a PDF." in added.stderr
    assert added.stdout.count("added ") == 3  # ... and the three others were added

    listed = json.loads(_run("list", "--json", *common, cwd=tmp_path).stdout)
    assert {row["file"] for row in listed} == {
        "fisheries-3-4-april-2031.html", "fisheries-3-4-april-2031.pdf",
        "fisheries-3-4-april-2031.docx",
    }
    assert all(row["passages"] >= 2 and row["indexed"] for row in listed)

    corpus = load_corpus(tmp_path / "corpus")
    for slug in corpus.slugs():
        asked = _run("ask", QUESTION, "--release", slug, "--json", *common, cwd=tmp_path)
        reply = json.loads(asked.stdout)
        assert reply["answered"] and ANSWER in reply["answer"]
        citation = reply["citations"][0]
        assert citation["doc_slug"] == slug
        text = corpus.document(slug).text
        assert text[citation["start"] : citation["end"]] == citation["quote"]
        assert citation["release"]["date"] and citation["release"]["file"]

    assert _run("remove", "fisheries-3-4-april-2031-pdf", "fisheries-3-4-april-2031-pdf",
                *common, cwd=tmp_path).returncode == 0  # a slug named twice is removed once
    after = json.loads(_run("ask", QUESTION, "--json", *common, cwd=tmp_path).stdout)
    assert after["answered"] and ANSWER in after["answer"]
    assert "fisheries-3-4-april-2031-pdf" not in {c["doc_slug"] for c in after["citations"]}
    assert not (tmp_path / "corpus" / "fisheries-3-4-april-2031.pdf").exists()
