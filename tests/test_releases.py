"""Several releases side by side: filters, meetings named by date, titles as evidence,
answers that cite each release they draw on, and no answer from an unrelated one.

The three releases are made up here, on overlapping topics so that each is the
others' distractor; no question here is from a question set.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

from assistant import Assistant, QuestionError, Settings

SPRING = """---
date: 3-4 April 2031
place: Valletta
---
Fisheries Council, 3-4 April 2031

Valletta, 3-4 April 2031

Baltic cod

Ministers agreed catch limits for cod in the Baltic Sea, lowered by 12% from last year.

Harbour inspections

Ministers discussed inspections of fishing vessels in harbours. The Commission will
report on inspections by June.
"""

AUTUMN = """---
date: 9 October 2031
place: Riga
---
Fisheries Council, 9 October 2031

Riga, 9 October 2031

Baltic cod

Ministers reviewed the state of cod stocks in the Baltic Sea and kept the catch limits unchanged.

Eel recovery

Ministers agreed to close eel fishing for three months each winter.

“Our rivers need their eels back,” said Ilze Ozola, Latvian Minister of Agriculture.
"""

TRANSPORT = """---
date: 20 November 2031
place: Brussels
---
Transport Council, 20 November 2031

Brussels, 20 November 2031

Rail freight

Ministers adopted rules on rail freight corridors that cross borders.
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    folder = tmp_path_factory.mktemp("releases")
    for slug, text in (("spring", SPRING), ("autumn", AUTUMN), ("transport", TRANSPORT)):
        (folder / f"{slug}.md").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def shelf(library, tmp_path_factory, embedder) -> Assistant:
    settings = Settings.from_env(
        {}, corpus_dir=library, data_dir=tmp_path_factory.mktemp("releases-data")
    )
    return Assistant(settings=settings, embedder=embedder)


def _slugs(reply) -> set[str]:
    return {c.doc_slug for c in reply.citations}


@pytest.mark.slow
def test_a_question_kept_to_one_release_cites_only_that_one(shelf):
    reply = shelf.ask("What did ministers decide about cod catch limits?", releases=["autumn"])
    assert reply.answered and _slugs(reply) == {"autumn"}
    assert "unchanged" in reply.text


@pytest.mark.slow
def test_what_only_an_excluded_release_says_is_not_answered(shelf):
    reply = shelf.ask("What rules on rail freight corridors were adopted?",
                      releases=["spring", "autumn"])
    assert not reply.answered and not reply.citations


@pytest.mark.slow
def test_an_unknown_release_is_refused_with_the_known_ones(shelf):
    with pytest.raises(QuestionError, match="spring"):
        shelf.ask("What was agreed?", releases=["winter"])


@pytest.mark.slow
def test_a_meeting_named_by_its_date_is_the_one_answered_from(shelf):
    reply = shelf.ask("What did the October 2031 meeting decide on cod?")
    assert reply.answered and _slugs(reply) == {"autumn"}


@pytest.mark.slow
def test_where_a_meeting_took_place_is_cited_from_its_title_lines(shelf):
    reply = shelf.ask("In which city did the April 2031 Fisheries Council meet?")
    assert reply.answered and "Valletta" in reply.text
    citation = reply.citations[0]
    document = shelf.corpus.document(citation.doc_slug)
    assert citation.passage_id == "spring#head"
    assert document.text[citation.start : citation.end] == citation.quote


@pytest.mark.slow
def test_an_answer_drawn_from_two_releases_cites_and_names_each(shelf):
    reply = shelf.ask("What was decided about cod in the Baltic Sea?")
    assert reply.answered and _slugs(reply) == {"spring", "autumn"}
    assert "3-4 April 2031" in reply.text and "9 October 2031" in reply.text


@pytest.mark.slow
def test_title_lines_join_an_answer_only_when_they_hold_what_is_asked(shelf):
    reply = shelf.ask("What did ministers agree about eel fishing?")
    assert reply.answered and "close eel fishing" in reply.text
    assert all(not c.passage_id.endswith("#head") for c in reply.citations)


@pytest.mark.slow
def test_words_that_point_at_the_release_need_no_support(shelf):
    reply = shelf.ask("Who is the minister quoted in the release on eels?")
    assert reply.answered and "Ilze Ozola" in reply.text


@pytest.mark.slow
def test_the_cli_lists_releases_and_keeps_a_question_to_one(library, tmp_path):
    command = [sys.executable, "-m", "assistant"]
    common = ["--corpus", str(library), "--data", str(tmp_path / "data")]
    listed = subprocess.run([*command, "releases", *common], capture_output=True, text=True,
                            cwd=REPO, timeout=300)
    assert listed.returncode == 0, listed.stderr
    assert all(slug in listed.stdout for slug in ("spring", "autumn", "transport"))
    asked = subprocess.run(
        [*command, "ask", "What was decided about cod?", "--release", "spring", "--json",
         *common], capture_output=True, text=True, cwd=REPO, timeout=300,
    )
    assert asked.returncode == 0, asked.stderr
    reply = json.loads(asked.stdout)
    assert reply["citations"] and {c["doc_slug"] for c in reply["citations"]} == {"spring"}
    wrong = subprocess.run([*command, "ask", "What was decided?", "--release", "winter",
                            *common], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert wrong.returncode != 0 and "spring" in wrong.stderr


@pytest.mark.slow
def test_a_question_asked_in_the_middle_of_a_reload_is_answered_from_the_old_state(
        library, tmp_path, embedder):
    import shutil

    from assistant.corpus import load_corpus

    folder = tmp_path / "releases"
    shutil.copytree(library, folder)
    settings = Settings.from_env({}, corpus_dir=folder, data_dir=tmp_path / "data")
    live = Assistant(settings=settings, embedder=embedder)
    (folder / "autumn.md").unlink()
    # The index already holds the new state; the questions' state is not swapped yet.
    live.index.sync(load_corpus(folder))
    reply = live.ask("What was decided about cod in the Baltic Sea?")
    assert reply.answered
    live.reload()
    after = live.ask("What was decided about cod in the Baltic Sea?")
    assert after.answered and {c.doc_slug for c in after.citations} == {"spring"}
