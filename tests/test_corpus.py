"""Passages and sentences: exact spans, stable ids, headings, bad files."""

from __future__ import annotations

import shutil

import pytest
from conftest import CORPUS, RELEASE

from assistant.corpus import (
    CorpusError,
    load_corpus,
    release_descriptions,
    release_headers,
    split_sentences,
)
from assistant.retrieval import compared_releases, meetings_compared, named_releases


def test_release_text_is_kept_verbatim():
    corpus = load_corpus(CORPUS)
    seed = (RELEASE.parent.parent.parent / "shared" / "seed" / "press-release.txt")
    document = corpus.documents[0]
    if seed.exists():  # the seed lives beside the repo in this workplace
        # The whole file is the text (front matter can be cited); the body is the seed.
        assert document.text[document.body_start :] == seed.read_text(encoding="utf-8")
    assert document.title == "Ministers discuss key topics related to migration and security"
    assert document.slug == "informal-jha-council-25-january"


def test_every_passage_and_sentence_is_an_exact_slice_of_the_source():
    corpus = load_corpus(CORPUS)
    for passage in corpus.passages:
        text = corpus.document(passage.doc_slug).text
        assert text[passage.start : passage.end] == passage.text
        for span in passage.sentences:
            sentence = text[span.start : span.end]
            assert sentence == passage.sentence_text(span)
            assert sentence == sentence.strip() and sentence


def test_paragraphs_become_passages_and_headings_become_sections():
    corpus = load_corpus(CORPUS)
    ids = [p.id for p in corpus.passages]
    assert ids[:2] == ["informal-jha-council-25-january#head", "informal-jha-council-25-january#p1"]
    assert len(ids) == len(set(ids)) == 10
    drugs = next(p for p in corpus.passages if "European Ports Alliance" in p.text)
    assert drugs.section.startswith("Fight against illegal drug trafficking")
    assert not any(p.text.startswith("Fight against") for p in corpus.passages)


def test_sentence_splitter_keeps_abbreviations_and_initials_together():
    text = "Talks e.g. on ports went well. Mr. J. Smith agreed! Then 2024 came. Done"
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == [
        "Talks e.g. on ports went well.",
        "Mr. J. Smith agreed!",
        "Then 2024 came.",
        "Done",
    ]


def test_ids_are_stable_when_another_release_is_added(corpus_copy):
    before = [p.id for p in load_corpus(corpus_copy).passages]
    (corpus_copy / "another-release.md").write_text(
        "---\ntitle: Another release\n---\nFirst paragraph here.\n\nSecond one.\n"
    )
    after = load_corpus(corpus_copy)
    assert [p.id for p in after.passages if p.doc_slug != "another-release"] == before
    assert {d.title for d in after.documents} == {
        "Another release",
        "Ministers discuss key topics related to migration and security",
    }


def test_unreadable_files_are_named_and_the_rest_still_loads(corpus_copy):
    (corpus_copy / "latin1.txt").write_bytes("Caf\xe9 ministers met.".encode("latin-1"))
    (corpus_copy / "empty.md").write_text("   \n")
    (corpus_copy / "notes.json").write_text("{}")  # not a document: ignored silently
    corpus = load_corpus(corpus_copy)
    assert len(corpus.documents) == 1
    assert any("latin1.txt" in p and "UTF-8" in p for p in corpus.problems)
    assert any("empty.md" in p for p in corpus.problems)


def test_missing_or_empty_corpus_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nowhere")
    with pytest.raises(CorpusError, match="No readable document"):
        load_corpus(tmp_path)


def test_windows_line_endings_split_like_unix_ones(tmp_path):
    (tmp_path / "crlf.md").write_bytes(
        b"---\r\ntitle: Ports\r\n---\r\nPress Release\r\n\r\nFirst para. Second one.\r\n\r\n"
        b"Another para.\r\n"
    )
    corpus = load_corpus(tmp_path)
    document = corpus.documents[0]
    assert document.title == "Ports"
    body = [p.text for p in corpus.passages if not p.id.endswith("#head")]
    assert body == ["First para. Second one.", "Another para."]
    for passage in corpus.passages:
        assert document.text[passage.start : passage.end] == passage.text


def test_a_file_of_headings_only_is_named_and_skipped(corpus_copy):
    (corpus_copy / "headings.md").write_text("# Title\n\n## Sub\n")
    corpus = load_corpus(corpus_copy)
    assert any("headings.md" in p and "only headings" in p for p in corpus.problems)
    assert len(corpus.documents) == 1


def test_one_line_quotation_is_text_not_a_heading(tmp_path):
    (tmp_path / "q.md").write_text(
        "## Background\n\n“This is a milestone for Europe,” said the Minister\n\nMore text.\n"
    )
    passages = load_corpus(tmp_path).passages[1:]  # after the header passage
    assert passages[0].text.startswith("“This is a milestone")
    assert passages[0].section == "Background"  # without the markdown marks


def test_sentences_may_start_with_a_non_ascii_capital():
    text = "They met in Brussels. Österreich raised a point. Élisabeth spoke."
    assert len(split_sentences(text)) == 3


def test_non_ascii_file_names_get_distinct_stable_slugs(tmp_path):
    (tmp_path / "пресс.md").write_text("Один абзац.\n")
    (tmp_path / "新闻.md").write_text("Another paragraph here.\n")
    slugs = {d.slug for d in load_corpus(tmp_path).documents}
    assert len(slugs) == 2 and all(s.startswith("document-") for s in slugs)
    assert slugs == {d.slug for d in load_corpus(tmp_path).documents}


RELEASE_WITH_QUOTE = """---
title: Ministers agree on border rules
date: 14 May 2031
place: Tallinn
---
Press release

Ministers agree on border rules

Tallinn, 14-15 May 2031

Interior ministers agreed on common rules for border checks.

“We have waited long enough for these rules.”

Kari Tamm, Estonian Minister of the Interior

Next steps

The rules will apply from 2033.
"""


def test_title_dateline_and_front_matter_are_a_citable_header_passage(tmp_path):
    (tmp_path / "r.md").write_text(RELEASE_WITH_QUOTE)
    corpus = load_corpus(tmp_path)
    document, head = corpus.documents[0], corpus.passages[0]
    assert head.id == "r#head"
    lines = [document.text[s.start : s.end] for s in head.sentences]
    # Values without their keys, the dateline, and no label or repeated title.
    assert lines == ["Ministers agree on border rules", "14 May 2031", "Tallinn",
                     "Tallinn, 14-15 May 2031"]


def test_an_attribution_line_stays_with_the_quotation_it_attributes(tmp_path):
    (tmp_path / "r.md").write_text(RELEASE_WITH_QUOTE)
    corpus = load_corpus(tmp_path)
    quote = next(p for p in corpus.passages if "waited long enough" in p.text)
    assert quote.text.endswith("Kari Tamm, Estonian Minister of the Interior")
    attribution = quote.sentence_text(quote.sentences[-1])
    assert attribution == "Kari Tamm, Estonian Minister of the Interior"
    # ... while a heading after an ordinary paragraph still starts a section.
    assert next(p for p in corpus.passages if "2033" in p.text).section == "Next steps"


def test_a_list_stays_in_the_passage_of_the_sentence_that_announces_it(tmp_path):
    (tmp_path / "r.md").write_text(
        "# Ministers meet in Tallinn\n\nMinisters agreed on three priorities:\n\n"
        "- herring quotas;\n- eel stocks;\n- coastal fleets.\n\n"
        "Inspectors visited two states:\n\n- Latvia\n\n- Estonia\n\n"
        "Ministers also discussed ports.\n\n- an item no sentence announces.\n")
    corpus = load_corpus(tmp_path)
    announced = next(p for p in corpus.passages if "three priorities" in p.text)
    assert announced.text.endswith("- coastal fleets.")
    assert announced.sentence_text(announced.sentences[-1]).startswith("- herring quotas;")
    # Items as short as a heading, each a paragraph of its own, stay in the list.
    visited = next(p for p in corpus.passages if "two states" in p.text)
    assert visited.text.endswith("- Estonia")
    assert all(p.section != "- Latvia" for p in corpus.passages)
    # A list after a sentence that does not announce it is a passage of its own.
    assert any(p.text == "- an item no sentence announces." for p in corpus.passages)


def test_a_heading_after_a_quotation_attributed_on_its_next_line_starts_a_section(tmp_path):
    (tmp_path / "r.md").write_text(
        "Ministers meet in Tallinn\n\nMinisters discussed border rules.\n\n"
        "\"We have waited long enough.\"\nKari Tamm, Estonian Minister of the Interior\n\n"
        "Fisheries\n\nMinisters set the herring quota at 40,000 tonnes.\n")
    corpus = load_corpus(tmp_path)
    quote = next(p for p in corpus.passages if "waited long enough" in p.text)
    assert quote.text.endswith("Kari Tamm, Estonian Minister of the Interior")
    assert next(p for p in corpus.passages if "herring" in p.text).section == "Fisheries"


def _meeting(tmp_path, slug, place, dates):
    (tmp_path / f"{slug}.md").write_text(
        f"Fisheries Council, {dates}\n\n{place}, {dates}\n\nMinisters talked about quotas.\n"
    )


def test_a_question_naming_a_meeting_by_date_or_place_searches_that_release(tmp_path):
    _meeting(tmp_path, "spring", "Valletta", "3-4 April 2031")
    _meeting(tmp_path, "autumn", "Riga", "9 October 2031")
    _meeting(tmp_path, "winter", "Riga", "11 December 2031")
    headers = release_headers(load_corpus(tmp_path))
    assert named_releases("What did the April 2031 meeting decide?", headers) == ["spring"]
    assert named_releases("What was agreed in Riga?", headers) == ["autumn", "winter"]
    # A date names a meeting more surely than a place the question gets wrong.
    assert named_releases("Why was the April 2031 meeting held in Riga?", headers) == ["spring"]
    assert named_releases("What did ministers say about quotas?", headers) is None


def test_a_long_first_line_of_a_plain_text_release_is_its_citable_title(tmp_path):
    title = ("Agriculture and Fisheries Council, Valletta, 3-4 April 2031: ministers agree "
             "the herring quota and discuss the future of small coastal fleets")
    (tmp_path / "r.txt").write_text(
        f"Press release\n\n{title}\n\nValletta, 4 April 2031. Ministers met on Friday.\n\n"
        "Coastal fleets\n\nMinisters discussed small coastal fleets.\n")
    corpus = load_corpus(tmp_path)
    document, head = corpus.documents[0], corpus.passages[0]
    assert document.title == title
    assert head.id == "r#head" and head.sentence_text(head.sentences[0]) == title
    # The short line further down is a section heading, not the title.
    assert next(p for p in corpus.passages if "coastal fleets." in p.text).section \
        == "Coastal fleets"
    assert {"valletta", "april", "2031"} <= release_headers(corpus)["r"]


def test_the_words_describing_a_meeting_pick_among_releases_of_the_same_month(tmp_path):
    (tmp_path / "fish.md").write_text(
        "# Council meets, Valletta, 3 April 2031\n\n"
        "Valletta, 3 April 2031. Fisheries ministers met on Friday.\n\n"
        "Ministers talked about quotas.\n")
    (tmp_path / "money.md").write_text(
        "# Council meets, Valletta, 17 April 2031\n\n"
        "Valletta, 17 April 2031. Finance ministers met on Tuesday.\n\n"
        "Ministers talked about budgets.\n")
    (tmp_path / "autumn.md").write_text(
        "# Council meets, Riga, 9 October 2031\n\nFinance ministers met in Riga.\n")
    (tmp_path / "winter.md").write_text(
        "# Council meets, Tallinn, 4 December 2031\n\nTransport ministers met in Tallinn.\n")
    corpus = load_corpus(tmp_path)
    headers = release_headers(corpus)
    descriptions = release_descriptions(corpus, headers)
    # The lead sentence says who met: the month names two releases, "finance" one.
    assert named_releases("What did the April finance ministers' meeting decide?",
                          headers, descriptions) == ["money"]
    assert named_releases("What did the April meeting decide?", headers,
                          descriptions) == ["fish", "money"]
    # Without a date or place, the description alone names the releases it fits.
    assert named_releases("What did the finance ministers say?", headers,
                          descriptions) == ["autumn", "money"]
    # A word most releases hold describes none of them.
    assert named_releases("What did the Council ministers say?", headers, descriptions) is None
    # Two meetings described: a comparison, answered from each, names no one release.
    assert named_releases("What did the fisheries ministers and the finance ministers "
                          "each decide?", headers, descriptions) is None


@pytest.mark.parametrize("question, described, kept, gone", [
    # The words naming the meeting go where they stand, not where they are the topic.
    ("What did the health ministers' meeting in Riga say about health data?", True,
     ["say", "health data"], ["Riga", "ministers", "meeting"]),
    ("Who is quoted on returns at the March 2031 Council?", False,
     ["quoted on returns"], ["March", "2031", "Council"]),
    # Until the release is known, the describing words still tell it apart.
    ("Under which Presidency did the telecom ministers meet in June 2031?", False,
     ["telecom ministers"], ["June"]),
    # A question that is all naming keeps them: something must be searched for.
    ("What did the informal transport ministers' meeting in Gdansk do?", True,
     ["transport"], ["Gdansk"]),
])
def test_a_question_without_the_words_naming_its_meeting(question, described, kept, gone):
    from assistant.retrieval import without_naming

    rest = without_naming(question, described=described)
    assert all(words in rest for words in kept), rest
    assert not any(word in rest.split() for word in gone), rest


def test_a_date_without_month_weekday_or_number_names_no_meeting(tmp_path):
    _meeting(tmp_path, "spring", "Valletta", "3-4 April 2031")
    (tmp_path / "winter.md").write_text(
        "Fisheries Council closes the year, 11 December 2031\n\nRiga, 11 December 2031\n\n"
        "Ministers talked about quotas.\n")
    headers = release_headers(load_corpus(tmp_path))
    # "each year" is how often, not which meeting, though one title says "the year".
    assert named_releases("How many boats are scrapped each year?", headers) is None
    assert named_releases("What was agreed in December 2031?", headers) == ["winter"]


def test_a_period_deadline_or_bare_year_names_no_meeting(tmp_path):
    _meeting(tmp_path, "spring", "Valletta", "3-4 April 2031")
    _meeting(tmp_path, "winter", "Riga", "11 December 2032")
    headers = release_headers(load_corpus(tmp_path))
    # What a date is for ("the budget for 2032", "by the end of April 2031") is not
    # when a meeting was: the answer may stand in any release.
    assert named_releases("What budget was announced for 2032?", headers) is None
    assert named_releases("How much had been spent by the end of April 2031?", headers) is None
    assert named_releases("How many boats were scrapped in 2031?", headers) is None
    # A year describing the meeting, or a month, still names it.
    assert named_releases("What did ministers decide at the 2031 meeting?", headers) == ["spring"]
    assert named_releases("What was agreed in April 2031?", headers) == ["spring"]


def test_a_question_comparing_meetings_names_each_of_them(tmp_path):
    _meeting(tmp_path, "spring", "Valletta", "3-4 April 2031")
    _meeting(tmp_path, "autumn", "Riga", "9 October 2031")
    _meeting(tmp_path, "winter", "Riga", "11 December 2031")
    _meeting(tmp_path, "old", "Valletta", "5 April 2030")
    headers = release_headers(load_corpus(tmp_path))
    # The small entity model misses a bare month beside a dated one.
    assert compared_releases("How did quotas change between April and October 2031?",
                             headers) == ["autumn", "spring"]
    # Naming every release narrows nothing.
    assert compared_releases("What was said in Valletta and in Riga?", headers) is None
    assert compared_releases("Were quotas discussed in Valletta and in Riga in 2031?",
                             headers) == ["autumn", "spring", "winter"]
    # Each meeting is answered alone: the two in Riga are one place's meetings.
    assert meetings_compared("Were quotas discussed in Valletta and in Riga in 2031?",
                             headers)[0] == [["autumn", "winter"], ["spring"]]
    # A month and a place compare two meetings when the question says so ...
    assert compared_releases("What did the December meeting and the one in Valletta each "
                             "say about quotas in 2031?", headers) == ["spring", "winter"]
    # ... not when they name one meeting, rightly or wrongly.
    assert compared_releases("Why was the October 2031 meeting held in Valletta?",
                             headers) is None
    # One meeting, or none, is not a comparison.
    assert compared_releases("What did the April 2031 meeting in Valletta decide?", headers) is None
    assert compared_releases("What did ministers say about quotas?", headers) is None


def test_a_question_comparing_meetings_it_describes_names_each_of_them(tmp_path):
    for slug, title, lead in (
            ("fish", "Agriculture and Fisheries Council, Valletta, 3 April 2031",
             "Fisheries ministers met in Valletta on Friday."),
            ("money", "Economic and Financial Affairs Council, Valletta, 17 April 2031",
             "Finance ministers met in Valletta on Tuesday."),
            ("health", "Health Council, Riga, 9 June 2031", "Health ministers met in Riga."),
            ("roads", "Transport Council, Riga, 12 June 2031", "Transport ministers met in Riga."),
            ("early", "Informal meeting of fisheries ministers, Tallinn, 20 January",
             "Fisheries ministers met informally in Tallinn.")):
        (tmp_path / f"{slug}.md").write_text(f"# {title}\n\n{lead}\n\nMinisters talked.\n")
    corpus = load_corpus(tmp_path)
    headers = release_headers(corpus)
    descriptions = release_descriptions(corpus, headers)
    # A month names two releases each; the words describing each meeting say which.
    assert compared_releases("What did the April finance ministers and the June health "
                             "Council each say about fraud?", headers,
                             descriptions) == ["money", "health"]
    assert meetings_compared("What did the April finance ministers and the June health "
                             "Council each say about fraud?", headers,
                             descriptions)[0] == [["money"], ["health"]]
    # A name with "and" in it describes one meeting; two Councils joined by "and", two.
    assert compared_releases("What did the April Economic and Financial Affairs Council and "
                             "the Transport Council say about fuel?", headers,
                             descriptions) == ["money", "roads"]
    # A meeting is named by what follows its noun too ("the meeting in Tallinn").
    assert compared_releases("How did cod come up at the informal meeting in Tallinn and at "
                             "the June health Council?", headers,
                             descriptions) == ["early", "health"]
    # Two mentions of one meeting ("health ministers at their June Council") compare
    # nothing, nor do two meetings the question does not join ("the fisheries ministers
    # … from the June health Council" asks about the first).
    assert compared_releases("What did health ministers decide at their June Council?",
                             headers, descriptions) is None
    assert compared_releases("What did the fisheries ministers take up from the June "
                             "health Council?", headers, descriptions) is None
    # A sentence that sets the scene joins its meeting to the one asked about.
    assert compared_releases("The June health Council spoke of fraud. What did the April "
                             "finance ministers say?", headers,
                             descriptions) == ["health", "money"]


def test_the_corpus_cache_is_read_while_no_file_changes_and_read_anew_after(tmp_path,
                                                                            monkeypatch):
    from conftest import TINY

    from assistant import corpus as corpus_module

    folder = tmp_path / "corpus"
    shutil.copytree(TINY, folder)
    cache = tmp_path / "data" / "corpus.marshal"
    first = load_corpus(folder, cache=cache)
    real_read = corpus_module.read_document

    def unread(*args):
        raise AssertionError("a release file was read again")

    monkeypatch.setattr(corpus_module, "read_document", unread)
    again = load_corpus(folder, cache=cache)
    assert again.documents == first.documents
    assert [p.text for p in again.passages] == [p.text for p in first.passages]

    monkeypatch.setattr(corpus_module, "read_document", real_read)
    edited = folder / "energy-council-lisbon-may.md"
    edited.write_text(edited.read_text().replace("78%", "81%"))
    changed = load_corpus(folder, cache=cache)
    assert "81%" in changed.document("energy-council-lisbon-may").text
    cache.write_bytes(b"damaged")
    assert load_corpus(folder, cache=cache).documents == changed.documents


def test_a_long_attribution_line_stays_with_its_quotation(tmp_path):
    (tmp_path / "r.md").write_text(
        "# Ministers meet in Tallinn\n\n“Our harbours need rules that work on the quay.”\n\n"
        "Aino Saar, Minister of State at the Department of Fisheries, Harbours and the "
        "Coast of Estonia\n\nMinisters also discussed eel stocks.\n")
    corpus = load_corpus(tmp_path)
    quote = next(p for p in corpus.passages if "on the quay" in p.text)
    assert quote.sentence_text(quote.sentences[-1]).startswith("Aino Saar, Minister of State")
    assert "eel stocks" not in quote.text  # the next paragraph is a passage of its own


@pytest.mark.parametrize("body, kept", [
    ("Ministers discussed herring.\n\nHerring stocks are recovering\n",  # the last line
     "Herring stocks are recovering"),
    ("Ministers discussed herring.\n\n— Marta Kowal, Minister of Fisheries\n\nEel came next.\n",
     "Marta Kowal, Minister of Fisheries"),
])
def test_a_short_line_that_heads_nothing_or_names_someone_is_kept_as_text(tmp_path, body,
                                                                           kept):
    (tmp_path / "autumn.md").write_text(
        "# Fisheries Council, Riga, 5 October 2031\n\nRiga, 5 October 2031\n\n" + body)
    corpus = load_corpus(tmp_path)
    assert any(kept in p.text for p in corpus.passages_of("autumn"))


def test_a_council_s_short_name_is_spelled_out_when_no_release_writes_it():
    from assistant.facts import spell_out

    # No run of capitals spells "EPSCO" out of the name a release writes.
    assert "Employment, Social Policy, Health and Consumer Affairs" in spell_out(
        "When did the EPSCO Council meet?", {}, set())
    assert "Economic and Financial Affairs" in spell_out("Did Ecofin meet?", {}, set())
    # A short name the releases write stays as they write it.
    assert spell_out("When did ECOFIN meet?", {}, {"ecofin"}) == "When did ECOFIN meet?"
