"""The corpus tables (BM25, words, IDF): built once, saved, read back the same, and
never rebuilt by a process that only asks."""

from __future__ import annotations

import pytest
from conftest import TINY, tiny_assistant

from assistant import tables
from assistant.corpus import load_corpus
from assistant.tables import CorpusTables, fingerprint, load_tables

FISHERIES = "agrifish-council-oslo-march"
ENERGY = "energy-council-lisbon-may"


def test_saved_tables_read_back_as_built(tmp_path):
    corpus = load_corpus(TINY)
    built = CorpusTables.build(corpus)
    built.save(tmp_path / "saved")
    read = CorpusTables.read(tmp_path / "saved")
    assert read.vocabulary == built.vocabulary and read.idf == built.idf
    assert read.numbers == built.numbers and read.headers == built.headers
    for query in ("catch limits for cod", "grid interconnection Lisbon", "ministers"):
        assert read.lexical.search(query, 5) == built.lexical.search(query, 5)


def test_a_release_filter_finds_that_releases_passages_even_when_others_rank_higher():
    corpus = load_corpus(TINY)
    lexical = CorpusTables.build(corpus).lexical
    query = "catch limits for cod ministers energy"
    everywhere = lexical.search(query, 1)
    assert everywhere[0][0].startswith(FISHERIES)  # the fisheries passage ranks first
    inside = lexical.search(query, 1, releases=[ENERGY])
    assert inside and all(pid.startswith(ENERGY) for pid, _ in inside)


def test_a_second_start_reads_the_saved_tables_instead_of_building_them(tmp_path, monkeypatch):
    first = tiny_assistant(TINY, tmp_path / "data")
    saved = tmp_path / "data" / "tables" / fingerprint(first.corpus)
    assert (saved / "words.json").is_file()

    def not_built(corpus):
        raise AssertionError("the tables were built again")

    monkeypatch.setattr(tables.CorpusTables, "build", not_built)
    again = tiny_assistant(TINY, tmp_path / "data")
    assert again.ask("By how much were the catch limits for cod lowered?").answered


def test_damaged_saved_tables_are_built_again(tmp_path):
    corpus = load_corpus(TINY)
    folder = tmp_path / "tables"
    load_tables(corpus, folder)
    (folder / fingerprint(corpus) / "words.json").write_text("{not json")
    repaired = load_tables(corpus, folder)
    assert repaired.lexical.search("cod", 3)
    assert CorpusTables.read(folder / fingerprint(corpus)).vocabulary == repaired.vocabulary


def test_a_read_only_use_saves_nothing(tmp_path):
    corpus = load_corpus(TINY)
    load_tables(corpus, tmp_path / "tables", save=False)
    assert not (tmp_path / "tables").exists()


@pytest.mark.parametrize("edit", ["add", "change"])
def test_tables_follow_the_corpus(tiny_copy, tmp_path, edit):
    bot = tiny_assistant(tiny_copy, tmp_path / "data")
    before = fingerprint(bot.corpus)
    if edit == "add":
        (tiny_copy / "ports.md").write_text(
            "---\ntitle: Ports\n---\nThe harbour of Zeebrugge joined the alliance.\n")
    else:
        path = tiny_copy / f"{ENERGY}.md"
        path.write_text(path.read_text() + "\nThe harbour of Zeebrugge joined the alliance.\n")
    bot.reload()
    assert fingerprint(bot.corpus) != before
    assert "zeebrugge" in bot.retriever._vocabulary
    assert bot.ask("Which harbour joined the alliance?").answered


class _Shared:
    """A stand-in for the Chroma store of tables (the real one is tested against a
    Chroma server in test_index)."""

    def __init__(self, blob=None):
        self.blob, self.put_calls = blob, 0

    def get(self, key):
        return self.blob

    def put(self, key, blob):
        self.put_calls += 1
        self.blob = blob


def test_unreadable_tables_from_the_server_are_built_again_and_replaced(tmp_path):
    corpus = load_corpus(TINY)
    shared = _Shared(b"not a tar file")
    tables = load_tables(corpus, tmp_path / "tables", shared)
    assert tables.lexical.search("cod", 3)
    assert shared.put_calls == 1
    again = load_tables(corpus, tmp_path / "elsewhere", shared)  # another machine
    assert again.vocabulary == tables.vocabulary
