"""The whole question path on the tiny fixture corpus, with the hashing embedder: what a
user sees of Assistant.ask and .stream, in milliseconds and with no model loaded."""

from __future__ import annotations

import copy
import dataclasses
import shutil
from types import SimpleNamespace

import pytest
from conftest import TINY, tiny_assistant

from assistant import Assistant, Reply, Settings
from assistant.answering import ExtractiveAnswerer
from assistant.chat import ScriptedChat
from assistant.chroma import IndexUnavailable
from assistant.conversation import QuestionError
from assistant.embedding import HashingEmbedder
from assistant.guard import Guard
from assistant.llm import LLMAnswerer, LLMRewriter

FISHERIES = "agrifish-council-oslo-march"
ENERGY = "energy-council-lisbon-may"
COD = "By how much were the catch limits for cod lowered?"


def assert_exact(bot, reply: Reply) -> None:
    for citation in reply.citations:
        text = bot.corpus.document(citation.doc_slug).text
        assert text[citation.start : citation.end] == citation.quote


def test_an_answer_quotes_the_release_that_holds_it_with_exact_spans(tiny_bot):
    reply = tiny_bot.ask(COD)
    assert reply.answered and "15%" in reply.text
    assert [c.doc_slug for c in reply.citations] == [FISHERIES]
    assert reply.citations[0].release["place"] == "Oslo"
    assert_exact(tiny_bot, reply)


def test_the_place_of_a_meeting_is_answered_from_its_own_release(tiny_bot):
    reply = tiny_bot.ask("Where did the energy ministers meet?")
    assert reply.answered and "Lisbon" in reply.text
    assert {c.doc_slug for c in reply.citations} == {ENERGY}
    assert_exact(tiny_bot, reply)


def test_take_place_asks_when_or_where_not_for_the_words_take_and_place(tiny_bot):
    # The fisheries release says its next meeting "will take place in Tallinn".
    reply = tiny_bot.ask("When did the energy ministers' meeting take place?")
    assert reply.answered and "22 May 2031" in reply.text
    assert {c.doc_slug for c in reply.citations} == {ENERGY}


def test_a_question_no_release_answers_gets_no_sources_only_related_reading(tiny_bot):
    reply = tiny_bot.ask("What is the capital of France?")
    assert not reply.answered and not reply.citations
    assert reply.text.startswith("The release does not say.")
    assert reply.related and "France" in reply.text


def test_the_release_filter_keeps_answers_inside_the_chosen_releases(tiny_bot):
    reply = tiny_bot.ask(COD, releases=[ENERGY])
    assert all(c.doc_slug == ENERGY for c in reply.citations)
    assert all(sp.passage.doc_slug == ENERGY for sp in reply.passages)
    with pytest.raises(QuestionError, match="no-such-release"):
        tiny_bot.ask(COD, releases=["no-such-release"])


def test_the_answer_streams_before_the_reply(tiny_bot):
    items = list(tiny_bot.stream(COD))
    *deltas, reply = items
    assert deltas and all(isinstance(d, str) for d in deltas)
    assert isinstance(reply, Reply) and "".join(deltas) == reply.text


def test_a_release_added_later_is_embedded_alone_and_answered(tiny_copy, tmp_path):
    bot = tiny_assistant(tiny_copy, tmp_path / "data")
    before = bot.embedder.texts_embedded
    shutil.copy(TINY / f"{ENERGY}.md", tiny_copy / "energy-council-lisbon-june.md")
    (tiny_copy / "energy-council-lisbon-june.md").write_text(
        (TINY / f"{ENERGY}.md").read_text().replace("78%", "81%").replace("22 May", "19 June"))
    report = bot.reload_if_changed()
    assert report.embedded == ["energy-council-lisbon-june"]
    assert sorted(report.reused) == [FISHERIES, ENERGY]
    new_passages = sum(p.doc_slug == "energy-council-lisbon-june" for p in bot.corpus.passages)
    assert 0 < bot.embedder.texts_embedded - before < 10 * new_passages
    assert bot.reload_if_changed() is None  # nothing changed since


def test_a_model_s_unsupported_claim_is_never_shown(tiny_bot):
    corpus = tiny_bot.corpus
    chat = ScriptedChat(
        "The catch limits for cod were lowered by 25% [1]. "
        "The catch limits for cod in the eastern Baltic were lowered by 15% from last year [1]."
    )
    bot = copy.copy(tiny_bot)
    guard = Guard(corpus, tiny_bot.embedder, tiny_bot.index)
    bot.use(LLMAnswerer(corpus, chat, guard, fallback=ExtractiveAnswerer(corpus)),
            LLMRewriter(chat))
    reply = bot.ask(COD)
    assert "25%" not in reply.text and "15%" in reply.text
    assert reply.unsupported == ["The catch limits for cod were lowered by 25%."]
    assert reply.backend == "llm:scripted@in-process"
    assert_exact(tiny_bot, reply)


def test_a_fresh_assistant_reuses_the_index_it_finds(tmp_path):
    tiny_assistant(TINY, tmp_path / "data")
    again = tiny_assistant(TINY, tmp_path / "data")
    assert again.embedder.texts_embedded == 0
    assert sorted(again.sync_report.reused) == [FISHERIES, ENERGY]
    assert again.ask(COD).answered


def test_a_read_only_assistant_answers_from_the_index_and_embeds_nothing(tiny_copy, tmp_path):
    data = tmp_path / "data"
    settings = Settings.from_env({}, corpus_dir=tiny_copy, data_dir=data)
    with pytest.raises(IndexUnavailable, match="run `assistant index` first"):
        Assistant(settings=settings, embedder=HashingEmbedder(), build_index=False)
    tiny_assistant(tiny_copy, data)  # what `assistant index` does
    (tiny_copy / "energy-council-lisbon-june.md").write_text(
        (TINY / f"{ENERGY}.md").read_text().replace("22 May", "19 June"))
    reader = Assistant(settings=settings, embedder=HashingEmbedder(), build_index=False)
    assert reader.embedder.texts_embedded == 0
    assert reader.pending == ["energy-council-lisbon-june"]
    assert reader.ask(COD).answered


def test_a_question_costs_one_encoder_call_even_with_words_the_corpus_never_uses(tmp_path):
    bot = tiny_assistant(TINY, tmp_path / "data")
    calls = []
    real_many = bot.embedder.many
    bot.embedder.many = lambda texts: calls.append(list(texts)) or real_many(texts)
    question = "By how much did the ministers slash the quotas for cod?"  # "slash", "quotas"
    bot.ask(question)  # (the hashing embedder cannot tell "slash" means "lower")
    assert len(calls) == 1 and calls[0][0] == question
    assert {"slash", "quotas"} <= set(calls[0][1:])  # embedded with the question


def test_an_edited_release_keeps_only_its_new_version_in_the_index(tiny_copy, tmp_path):
    bot = tiny_assistant(tiny_copy, tmp_path / "data")
    path = tiny_copy / f"{ENERGY}.md"
    path.write_text(path.read_text().replace("78%", "81%"))
    report = bot.reload()
    assert report.embedded == [ENERGY] and report.removed == []
    stored = bot.index._sentences.get(where={"doc_slug": ENERGY}, include=["metadatas"])
    assert {m["fingerprint"] for m in stored["metadatas"]} == {
        bot.corpus.document(ENERGY).fingerprint}
    reply = bot.ask("Gas storage stands at what share of capacity?")
    found = [sp.passage.text for sp in reply.passages]
    assert any("81%" in text for text in found) and not any("78%" in text for text in found)


@pytest.mark.parametrize("exact_below", [2000, 0])  # ranked here, or by Chroma then filtered
def test_a_release_filter_holds_whichever_way_the_search_goes(tmp_path, monkeypatch,
                                                               exact_below):
    from assistant import retrieval

    monkeypatch.setattr(retrieval, "EXACT_SEARCH", exact_below)
    bot = tiny_assistant(TINY, tmp_path / "data")
    reply = bot.ask(COD, releases=[FISHERIES])
    assert reply.answered and "15%" in reply.text
    assert {sp.passage.doc_slug for sp in reply.passages} == {FISHERIES}
    other = bot.ask(COD, releases=[ENERGY])
    assert {sp.passage.doc_slug for sp in other.passages} == {ENERGY}


def _quoted(reply: Reply) -> str:
    """Everything the reply's citations quote, as one text."""
    return " ".join(c.quote for c in reply.citations)


def _assess(bot: Assistant, question: str):
    """The answerability stage's verdict on a first question."""
    return bot.assessor.assess(question, bot.retrieve(question, []))


def _passage(text: str, slug: str = "spring") -> SimpleNamespace:
    """A passage of a release, as the assessor reads one: its heading and text."""
    return SimpleNamespace(id=f"{slug}#p1", doc_slug=slug, section="", text=text)


def _councils(tmp_path, *meetings) -> Assistant:
    """An assistant over one release per (slug, place, dates, body): a title line and
    a dateline naming the meeting, then the body."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for slug, place, dates, body in meetings:
        (folder / f"{slug}.md").write_text(
            f"# Fisheries Council, {place}, {dates}\n\n{place}, {dates}\n\n{body}\n")
    return tiny_assistant(folder, tmp_path / "data")


def test_a_question_comparing_two_meetings_is_answered_from_each(tmp_path):
    bot = _councils(
        tmp_path,
        ("march", "Oslo", "11 March 2031",
         "Ministers set the cod catch limit for the eastern Baltic at 20,000 tonnes."),
        ("june", "Riga", "5 June 2031",
         "Ministers set the cod catch limit for the western Baltic at 8,000 tonnes."),
        ("october", "Tallinn", "9 October 2031",
         "After a good spawning season, ministers raised the cod catch limit for the "
         "eastern Baltic to 24,000 tonnes."),
    )
    reply = bot.ask("How did the cod catch limit for the eastern Baltic change between "
                    "the March and October 2031 meetings?")
    assert reply.answered
    assert {c.doc_slug for c in reply.citations} == {"march", "october"}
    assert "20,000" in reply.text and "24,000" in reply.text
    assert_exact(bot, reply)


def test_a_weekday_is_dated_by_its_release_s_dateline(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11-12 March 2031",
         "Ministers adopted the herring recovery plan on Tuesday. The plan runs for "
         "six years."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    reply = bot.ask("On what date was the herring recovery plan adopted?")
    assert reply.answered and "Tuesday" in reply.text, reply.text
    assert "11-12 March 2031" in reply.text  # which Tuesday: the dateline says
    assert_exact(bot, reply)


def test_a_weekday_is_dated_by_the_dateline_beside_another_event_s_month(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11-12 March 2031",
         "Ministers met on Tuesday to adopt the eel plan and to prepare the ocean "
         "conference in November."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring stocks."),
    )
    reply = bot.ask("On what date did ministers adopt the eel plan?")
    assert reply.answered and "11-12 March 2031" in reply.text, reply.text


def test_a_meeting_named_in_the_question_picks_its_release_not_its_title(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas and the state of coastal fleets.\n\n"
         '"Herring stocks need a pause, not a race to the bottom."\n'
         "Ingrid Haugland, Minister for Fisheries of Norway"),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    reply = bot.ask("Who is the minister quoted on herring at the March 2031 Council?")
    assert reply.answered and "Ingrid Haugland" in reply.text, reply.text
    assert {c.doc_slug for c in reply.citations} == {"spring"}
    assert_exact(bot, reply)


def test_an_abbreviation_the_releases_spell_out_is_understood(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The Marine Stewardship Committee approved the herring recovery plan."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    reply = bot.ask("Which plan did the MSC approve?")
    assert reply.answered and "herring recovery plan" in reply.text, reply.text
    assert "MSC" not in reply.text  # not "It never mentions MSC"


def test_a_follow_up_stays_at_the_meeting_and_with_the_person_named_before(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         '"Herring quotas must fall before the stocks do."\n'
         "Ingrid Haugland, Minister for Fisheries of Norway"),
        ("summer", "Riga", "5 June 2031",
         '"Herring quotas can rise once the survey is in."\n'
         "Liga Ozola, Minister of Agriculture of Latvia"),
    )
    history = [{"role": "user", "content": "Who is quoted on herring at the June 2031 Council?"},
               {"role": "assistant", "content": "Liga Ozola, Minister of Agriculture of Latvia."}]
    reply = bot.ask("What did she say about it?", history)
    assert reply.answered and "once the survey is in" in reply.text, reply.text
    assert {c.doc_slug for c in reply.citations} == {"summer"}


def test_a_count_written_in_words_answers_how_many(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers want marine reserves in the North Sea designated faster. "
         "Fishing fleets asked for a review. Last year ministers designated seven "
         "reserves."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    reply = bot.ask("How many marine reserves did ministers designate in the North Sea?")
    assert reply.answered, reply.text
    assert any("seven" in c.quote for c in reply.citations), reply.text


def test_a_follow_up_is_judged_on_its_own_words_not_those_it_borrows(tiny_bot):
    history = [{"role": "user", "content": "What did ministers agree about coastal fleets?"},
               {"role": "assistant", "content": "A fund of EUR 120 million for old engines."}]
    question = "When do the calls open?"
    retrieval = tiny_bot.retrieve(question, history)
    assert retrieval.query != question  # the topic words came from the earlier turn
    alone = dataclasses.replace(retrieval, query=question)
    # The borrowed words found the passage; the earlier answer already met them.
    assert (tiny_bot.assessor.assess(question, retrieval).signals
            == tiny_bot.assessor.assess(question, alone).signals)
    reply = tiny_bot.ask(question, history=history)
    assert reply.answered and "1 June 2031" in reply.text


def test_a_question_about_meetings_in_the_plural_cites_each_that_speaks_to_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("march", "Oslo", "11 March 2031",
         "Ministers discussed eel stocks in the Baltic and agreed to close eel fisheries "
         "in winter."),
        ("june", "Riga", "5 June 2031",
         "Ministers also talked about eel stocks and river barriers."),
        ("october", "Tallinn", "9 October 2031",
         "Ministers discussed herring quotas for the Gulf of Riga."),
    )
    reply = bot.ask("At which meetings did ministers discuss eel stocks?")
    assert reply.answered, reply.text
    assert {c.doc_slug for c in reply.citations} == {"march", "june"}
    # The answer names each release, so it says which meetings.
    assert "11 March 2031" in reply.text and "5 June 2031" in reply.text


def test_a_follow_up_with_no_words_of_its_own_is_judged_on_those_it_borrows(tiny_bot):
    history = [{"role": "user", "content": "What did the Norwegian fisheries minister say?"},
               {"role": "assistant", "content": "A smaller catch today keeps the fleet at sea."}]
    # No word of its own (or only one that names the kind asked) is no evidence
    # against answering.
    for question in ("What did he say about it?", "And on which date?"):
        retrieval = tiny_bot.retrieve(question, history)
        verdict = tiny_bot.assessor.assess(question, retrieval)
        assert verdict.signals["weakest_word"] > 0.5, question


def test_meetings_compared_by_their_description_are_each_quoted_on_the_topic(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for slug, title, lead, body in (
            ("fish", "Fisheries Council, Oslo, 11 June 2031",
             "Fisheries ministers met in Oslo on Tuesday.",
             "Ministers agreed to fit every trawler with a satellite tracker by 2033."),
            ("health", "Health Council, Riga, 19 June 2031",
             "Health ministers met in Riga on Thursday.",
             "Ministers asked for satellite links to reach every rural clinic by 2034."),
            ("roads", "Transport Council, Riga, 26 June 2031",
             "Transport ministers met in Riga on Friday.",
             "Ministers discussed tolls for heavy lorries."),
            ("winter", "Informal meeting of fisheries ministers, Tallinn, 20 January",
             "Fisheries ministers of the member states met informally in Tallinn.",
             "Ministers called for a ban on bottom trawling in cold-water coral reefs.")):
        (folder / f"{slug}.md").write_text(f"# {title}\n\n{lead} {body}\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    # "June" alone names three meetings and the words describing each say which; the
    # sentence quoted is the one on the topic, not the one saying who met.
    reply = bot.ask("What did the June fisheries Council and the health ministers' meeting "
                    "in Riga each say about satellites?")
    assert reply.answered
    assert {c.doc_slug for c in reply.citations} == {"fish", "health"}, reply.text
    assert "tracker" in reply.text and "rural clinic" in reply.text, reply.text
    assert_exact(bot, reply)


def test_each_meeting_compared_may_answer_in_two_sentences(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers also discussed eels. Satellite tracking of trawlers will start in 2033. "
         "Satellite tracking will cost EUR 5 million."),
        ("autumn", "Riga", "9 October 2031",
         "Ministers also discussed seals. Satellite data will cover every Baltic stock by "
         "2034. Satellite data will be shared with Norway."),
        ("summer", "Tallinn", "5 June 2031", "Ministers discussed cod quotas."),
    )
    reply = bot.ask("What did the March Council and the October Council each say about "
                    "satellite tracking and satellite data?")
    assert reply.answered and {c.doc_slug for c in reply.citations} == {"spring", "autumn"}
    for fact in ("2033", "EUR 5 million", "2034", "Norway"):
        assert fact in reply.text, reply.text
    assert "eels" not in reply.text and "seals" not in reply.text, reply.text


def test_a_figure_for_another_year_is_no_answer_however_close_the_sentence(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Customs officers seized 40 tonnes of cocaine in Baltic ports in 2030."),
        ("summer", "Riga", "5 June 2031", "The eel plan was first discussed in 2029."),
    )
    # However sure the model: a model that answers everything still refuses.
    bot.assessor.model = dataclasses.replace(bot.assessor.model, bias=30.0)
    reply = bot.ask("How many tonnes of cocaine did customs officers seize in Baltic ports "
                    "in 2029?")
    assert not reply.answered and not reply.citations, reply.text
    assert "2030" in reply.text and "2029" in reply.text  # the reason says which years
    reply = bot.ask("How many tonnes of cocaine did customs officers seize in Baltic ports "
                    "in 2030?")
    assert reply.answered and "40 tonnes" in reply.text, reply.text


def test_the_meeting_s_own_year_in_its_dateline_is_no_other_year(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "autumn.md").write_text(
        "---\ndate: 2031-09-16\n---\n# Fisheries Council, Tallinn\n\n"
        "Tallinn, 16 September 2031. Fisheries ministers met in Tallinn.\n\n"
        "Ministers agreed to close the eel fishery for six months from January 2032.\n")
    (folder / "spring.md").write_text(
        "# Fisheries Council, Oslo\n\nOslo, 11 March 2030. Ministers met in Oslo.\n\n"
        "Ministers discussed herring quotas.\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    verdict = _assess(bot, "What did the ministers agree about the eel fishery in 2031?")
    assert not verdict.signals.get("other_year"), verdict.reason


def test_a_question_in_parts_shows_the_passages_of_the_parts_it_answers(tmp_path):
    from assistant.answerability import Verdict
    from assistant.pipeline import _joined

    bot = _councils(
        tmp_path,
        ("march", "Oslo", "11 March 2031", "Ministers set up the herring fund on Tuesday."),
        ("october", "Tallinn", "9 October 2031", "Ministers discussed seal populations."),
    )
    answered = bot.retrieve("When was the herring fund set up?", [], ["march"])
    refused = bot.retrieve("Who chairs the seal board?", [], ["october"])
    sentence = (answered.passages[0], answered.passages[0].passage.sentences[0], 1.0)
    retrieval, verdict = _joined("When …, and who …?", [
        ("When was the herring fund set up?", answered, Verdict(True, "", [sentence], 0.9)),
        ("Who chairs the seal board?", refused, Verdict(False, "It never says", [], 0.2)),
    ])
    # An answerer (a model among them) reads only what the answered part found.
    assert {sp.passage.doc_slug for sp in retrieval.passages} == {"march"}
    assert verdict.answerable and verdict.left_out == [("Who chairs the seal board?",
                                                        "It never says")]


def test_a_later_part_keeps_a_model_s_rewrite(tmp_path):
    class Rewriter:
        def rewrite(self, question, history):
            return "when did the herring fund open", ""

    bot = _councils(
        tmp_path,
        ("march", "Oslo", "11 March 2031", "Ministers set up the herring fund on Tuesday."),
        ("october", "Tallinn", "9 October 2031", "Ministers discussed seal populations."),
    )
    bot.use(rewriter=Rewriter())
    history = [{"role": "user", "content": "What is the herring fund?"}]
    retrieval = bot.retrieve("And when did it open?", history, follows=True)
    assert retrieval.query == "when did the herring fund open"


def test_a_sum_of_money_asked_for_is_not_given_by_a_share(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The new eel ladder will cut eel deaths at the dam by 40%. "
         "Ministers discussed eel quotas."),
        ("summer", "Riga", "5 June 2031", "The herring fund will receive EUR 2 million."),
    )
    reply = bot.ask("How much will the new eel ladder at the dam cost?")
    assert "40%" not in reply.text, reply.text
    reply = bot.ask("By how much will the new eel ladder cut eel deaths at the dam?")
    assert reply.answered and "40%" in reply.text, reply.text
    reply = bot.ask("How much will the herring fund receive?")
    assert reply.answered and "EUR 2 million" in reply.text, reply.text
    # "How much of it", "how much more": a share or a rise answers.
    reply = bot.ask("How much of the eel deaths at the dam will the new eel ladder cut?")
    assert reply.answered and "40%" in reply.text, reply.text


def test_tonnes_of_one_thing_do_not_answer_how_many_tonnes_of_another(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed nickel supplies from Norway. "
         "The steel import quota will be 18 million tonnes a year."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel quotas."),
    )
    reply = bot.ask("How many tonnes of nickel will be imported each year?")
    assert "18 million tonnes" not in reply.text, reply.text
    verdict = _assess(bot, "How many tonnes of nickel will be imported each year?")
    assert verdict.signals["kind_missing"] == 1.0  # the steel figure is no figure asked for
    reply = bot.ask("How many tonnes of steel will be imported each year?")
    assert reply.answered and "18 million tonnes" in reply.text, reply.text


def test_on_which_days_asks_for_dates_not_for_things_named_one_by_one(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11-12 March 2031",
         "Fisheries ministers met in Oslo for a two-day meeting on eel stocks."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    verdict = _assess(bot, "On which days did fisheries ministers meet in Oslo?")
    assert verdict.signals["kind_missing"] == 0.0, verdict.reason


def test_a_question_asking_two_things_is_answered_from_each_release_that_holds_one(tmp_path):
    bot = _councils(
        tmp_path,
        ("march", "Oslo", "11 March 2031",
         "Ministers set up the herring recovery fund on Tuesday. They also discussed eels."),
        ("june", "Riga", "5 June 2031",
         "The herring recovery fund received EUR 40 million from the budget reserve. "
         "Ministers discussed cod quotas."),
        ("october", "Tallinn", "9 October 2031", "Ministers discussed seal populations."),
    )
    # Each part is searched on its own; the second leans on the first ("it").
    reply = bot.ask("When was the herring recovery fund set up, and how much did it receive "
                    "from the budget reserve?")
    assert reply.answered
    assert {c.doc_slug for c in reply.citations} == {"march", "june"}, reply.text
    assert "Tuesday" in reply.text and "EUR 40 million" in reply.text, reply.text
    assert_exact(bot, reply)
    assert not reply.notice
    # A part no release answers is said to be unanswered, not answered from elsewhere.
    reply = bot.ask("When was the herring recovery fund set up, and who chairs its board?")
    assert reply.answered and "Tuesday" in reply.text, reply.text
    assert "Not answered: “Who chairs its board?”" in reply.notice, reply.notice


def test_a_compared_meeting_that_never_mentions_the_topic_is_not_quoted(tmp_path):
    bot = _councils(
        tmp_path,
        ("march", "Oslo", "11 March 2031",
         "Ministers set the cod catch limit for the eastern Baltic at 20,000 tonnes."),
        ("june", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
        ("october", "Tallinn", "9 October 2031",
         "Ministers discussed herring quotas for the Gulf of Riga."),
    )
    reply = bot.ask("What did ministers decide on the cod catch limit for the eastern Baltic "
                    "at the March and October 2031 meetings?")
    assert reply.answered and {c.doc_slug for c in reply.citations} == {"march"}, reply.text
    # The answer says which meeting it leaves unanswered, so one meeting's answer is not
    # read as both meetings'.
    assert "Fisheries Council, Tallinn, 9 October 2031" in reply.notice, reply.notice
    assert "Oslo" not in reply.notice, reply.notice


def test_which_member_states_is_not_answered_by_where_the_meeting_was(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Several member states asked for more time to cut eel catches."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    reply = bot.ask("Which member states asked for more time to cut eel catches?")
    # The meeting's place answers "where", not "which member states".
    assert not any("Oslo" in c.quote for c in reply.citations), reply.text


def test_a_count_of_member_states_does_not_name_them(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Four Member States asked for more time to cut eel catches."),
        ("summer", "Riga", "5 June 2031",
         "Denmark, Estonia and Latvia asked for a review of herring quotas."),
    )
    question = "Which four Member States asked for more time to cut eel catches?"
    verdict = _assess(bot, question)
    # "Member States" is written in lower case elsewhere: a common phrase, not a place.
    assert verdict.signals["kind_missing"] == 1.0
    question = "Which Member States asked for a review of herring quotas?"
    verdict = _assess(bot, question)
    assert verdict.signals["kind_missing"] == 0.0


def test_a_number_answers_how_many_only_when_it_counts_what_is_asked(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "An outbreak of fish disease has affected 340 fish farms since last summer. "
         "Inspectors have reported 12 incidents of illegal discards since January. "
         "Coastguards have run 85 unannounced and joint patrols in the fishing zone."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    for question, counted in (
            ("How many inspectors were sent to the fish farms hit by the disease?", False),
            ("How many fish farms has the outbreak of fish disease affected?", True),
            ("How many times have inspectors reported illegal discards?", True),
            # What a number counts is the noun phrase after it, however long.
            ("How many patrols have coastguards run in the fishing zone?", True),
            # What is counted stands before the verb: the patrols are not the coastguards.
            ("How many coastguards ran patrols in the fishing zone?", False),
            # A counted word no release uses is the asker's own word for what it counts.
            ("How many hatcheries has the outbreak of fish disease affected?", True)):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == float(not counted), question


def test_an_attribution_line_is_quoted_with_the_quotation_it_attributes(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas for the Norwegian Sea.\n\n"
         '"We cannot fish tomorrow what we overfish today. The quota must follow the '
         'science, and the science says less."\n'
         "Ingrid Haugland, Minister for Fisheries of Norway"),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    reply = bot.ask("What did Norway's fisheries minister Ingrid Haugland say?")
    assert reply.answered, reply.text
    quotes = _quoted(reply)
    assert "Ingrid Haugland" in quotes and "the science says less" in quotes, quotes


def test_concerning_or_regarding_is_no_topic_word(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers signed a joint declaration on the safety of fishing ports."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    for question in ("What was signed concerning fishing ports?",
                     "What did ministers sign regarding fishing ports?"):
        reply = bot.ask(question)
        assert reply.answered and "joint declaration" in _quoted(reply), reply.text


def test_a_question_the_closest_line_only_repeats_is_not_answered(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas for the Norwegian Sea. Before the meeting, "
         "ministers became aware of a new herring survey.\n\n"
         '"We cannot fish tomorrow what we overfish today. The quota must follow the '
         'science, and the science says less."\n'
         "Ingrid Haugland, Minister for Fisheries of Norway"),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    # Every word is in the release, but the line naming her says only what the question
    # does: her past is not told, and her quotation is no answer to it.
    question = "What did Ingrid Haugland do before she became Norway's Minister for Fisheries?"
    reply = bot.ask(question)
    assert not reply.answered and "only repeat the question" in reply.text, reply.text
    assert _assess(bot, question).signals["nothing_new"] == 1.0
    # What she said is in the quotation the same line attributes.
    reply = bot.ask("What did Norway's fisheries minister Ingrid Haugland say?")
    assert reply.answered and "the science says less" in _quoted(reply), reply.text


def test_where_and_when_is_answered_with_the_place_and_date_of_the_meeting(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers reached a general approach on the eel regulation."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    reply = bot.ask("Where and when did ministers reach a general approach on the eel regulation?")
    assert reply.answered, reply.text
    quotes = _quoted(reply)
    assert "Oslo" in quotes and "11 March 2031" in quotes, quotes


def test_where_something_will_happen_is_not_where_the_meeting_was(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "An expert workshop on eel tagging will be held in May.\n\n"
         "Ministers met in Bergen on Monday evening for a working dinner."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    question = "Where will the expert workshop on eel tagging be held?"
    verdict = _assess(bot, question)
    # Neither the dateline's place nor one in an unrelated sentence says where.
    assert verdict.signals["kind_missing"] == 1.0
    quoted = " ".join(sp.passage.sentence_text(span) for sp, span, _ in verdict.sentences)
    assert "Oslo" not in quoted and "Bergen" not in quoted, quoted


def test_a_lead_that_opens_with_the_dateline_says_where_and_when(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "spring.md").write_text(
        "# Fisheries ministers agree on eel recovery\n\n"
        "Bergen, 11 March 2031 – Fisheries ministers met under the Norwegian chair and "
        "agreed on a recovery plan for eels.\n\n"
        "The plan closes eel fisheries in winter.\n")
    (folder / "summer.md").write_text(
        "# Fisheries ministers discuss herring\n\n"
        "Riga, 5 June 2031 – Ministers discussed herring quotas.\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    reply = bot.ask("Where and when did fisheries ministers agree on eel recovery?")
    assert reply.answered, reply.text
    quotes = _quoted(reply)
    assert "Bergen" in quotes and "11 March 2031" in quotes, quotes


def test_which_things_is_not_answered_by_how_many_there_are(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Norway met 13 of the 16 reform indicators set for the quarter."),
        ("summer", "Riga", "5 June 2031",
         "The indicators Latvia missed were port inspections, vessel tracking and "
         "landing controls."),
    )
    for question, named in (
            ("Which three reform indicators did Norway miss in the quarter?", False),
            ("Which indicators did Latvia miss?", True)):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == float(not named), question


def test_a_topic_heading_under_the_title_is_read_with_its_paragraph(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "spring.md").write_text(
        "Fisheries Council, 3-4 April 2031\n\nValletta, 3-4 April 2031\n\nHerring quotas\n\n"
        "Ministers agreed herring catch limits for the North Sea, lowered by 9%.\n")
    (folder / "summer.md").write_text(
        "Fisheries Council, 5 June 2031\n\nRiga, 5 June 2031\n\nEel recovery\n\n"
        "Ministers agreed to close eel fishing in winter.\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    question = "What was decided about herring quotas?"
    verdict = bot.assessor.assess(question, bot.retrieve(question, [], releases=["spring"]))
    quoted = [sp.passage.sentence_text(span) for sp, span, _ in verdict.sentences]
    # The heading names the topic; the paragraph under it says what was decided.
    assert any("lowered by 9%" in q for q in quoted), quoted


def test_a_title_line_without_the_kind_of_fact_asked_is_no_answer(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed the herring stocks of the coastal fleet.\n\n"
         '"The fleet can live with lower quotas, not with empty seas."\n'
         "Ingrid Haugland, Minister for Fisheries of Norway"),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    # The title matches the words naming the meeting best, but names no person.
    reply = bot.ask("Who is the minister quoted at the Oslo Fisheries Council of 11 March 2031?")
    assert reply.answered and "Ingrid Haugland" in reply.text, reply.text


def test_where_something_else_is_is_not_where_the_meeting_was(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed the work of the European Fisheries Agency, which supports "
         "inspections in all coastal states."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    question = "Where is the European Fisheries Agency based?"
    verdict = _assess(bot, question)
    # The title's town is where the meeting was, not where the agency is.
    assert verdict.signals["kind_missing"] == 1.0
    quoted = " ".join(sp.passage.sentence_text(span) for sp, span, _ in verdict.sentences)
    assert "Oslo" not in quoted, quoted
    # ... while where those who met did something is where they met.
    question = "Where did ministers discuss the work of the European Fisheries Agency?"
    verdict = _assess(bot, question)
    assert verdict.signals["kind_missing"] == 0.0


def test_which_things_are_answered_by_the_list_a_sentence_announces(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Inspectors reviewed the eel fisheries of four member states, in protocol order:"
         "\n\n- Denmark;\n- Estonia;\n- Latvia;\n- Poland.\n\n"
         "Ministers also discussed herring quotas."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    reply = bot.ask("Which member states had their eel fisheries reviewed by inspectors?")
    assert reply.answered and "Estonia" in reply.text and "Poland" in reply.text, reply.text


def test_the_year_asked_of_a_figure_is_the_figure_s_not_a_neighbour_s(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2030",
         "Ministers discussed the future of the fisheries agency ahead of a Commission "
         "proposal expected in 2031. The agency has a budget of EUR 25 million for 2030."),
        ("summer", "Riga", "5 June 2030", "Ministers discussed eel stocks."),
    )
    # 2031 is in the sentence beside the figure, not in the one that gives it.
    reply = bot.ask("What will the fisheries agency's budget be in 2031?")
    assert not reply.answered and "2030, not 2031" in reply.text, reply.text
    reply = bot.ask("What is the fisheries agency's budget for 2030?")
    assert reply.answered and "EUR 25 million" in _quoted(reply), reply.text


def test_figures_for_another_year_do_not_answer(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Customs authorities seized 400 tonnes of cocaine in EU ports in 2030."),
        ("summer", "Riga", "5 June 2031", "The eel plan was first discussed in 2029."),
    )
    reply = bot.ask("How many tonnes of cocaine were seized in EU ports in 2029?")
    assert not reply.answered, reply.text
    assert "2030" in reply.text and "2029" in reply.text, reply.text  # says why
    reply = bot.ask("How many tonnes of cocaine were seized in EU ports in 2030?")
    assert reply.answered and "400 tonnes" in reply.text, reply.text
    # A yes/no question with the wrong year is answered: the release corrects it.
    reply = bot.ask("Were 400 tonnes of cocaine seized in EU ports in 2029?")
    assert reply.answered and "2030" in reply.text, reply.text


def test_the_date_of_the_next_meeting_is_not_the_date_of_this_one(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "spring.txt").write_text(
        "Fisheries Council, Bergen, 11 March 2031: ministers agree on eel recovery\n\n"
        "Bergen, 11 March 2031. Fisheries ministers met on Tuesday and agreed on a "
        "recovery plan for eels.\n\nThe plan closes eel fisheries in winter.\n")
    (folder / "summer.txt").write_text(
        "Fisheries Council, Riga, 5 June 2031: ministers discuss herring\n\n"
        "Riga, 5 June 2031. Ministers discussed herring quotas.\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    question = "When is the next Fisheries Council on eel recovery?"
    verdict = _assess(bot, question)
    # The title, the dateline and the lead date this meeting, not the next one.
    assert verdict.signals["kind_missing"] == 1.0
    reply = bot.ask("When did fisheries ministers agree on eel recovery?")
    assert reply.answered and "11 March 2031" in reply.text, reply.text


def test_who_said_a_quotation_is_answered_with_its_attribution_line(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas.\n\n"
         '"Herring is a shared resource for all Nordic coastal communities. Quotas must '
         'follow the science. The Norwegian Presidency will keep the talks going."\n'
         "Ingrid Haugland, Minister for Fisheries of Norway"),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    question = "Who called herring a shared resource for all Nordic coastal communities?"
    retrieval = bot.retrieve(question, [])
    quote = next(sp for sp in retrieval.passages if "shared resource" in sp.passage.text)
    first, _, third, attribution = quote.passage.sentences
    # The quotation's sentences chosen, the attribution line not among the candidates
    # ("Norwegian" gives a name of the kind asked, but not who spoke).
    chosen = bot.assessor.choose(question, retrieval, [(quote, first, 0.8), (quote, third, 0.5)])
    assert (quote.passage.id, attribution) in {(sp.passage.id, span) for sp, span, _ in chosen}


def test_a_piece_of_a_longer_name_is_no_place(tmp_path):
    sentence = ("Ministers from EU Member States, Schengen associated countries and partners "
                "met on Thursday to discuss the Asylum and Migration Pact.")
    bot = _councils(tmp_path, ("spring", "Oslo", "11 March 2031", sentence),
                    ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."))
    asked = "In which city did the ministers meet?"
    # The small entity model reads "States" in "EU Member States" as a place.
    assert not bot.assessor.holds("place", sentence, asked)
    assert bot.assessor.holds("place", "In Tallinn, ministers discussed the pact.", asked)


def test_what_day_of_the_week_is_answered_by_a_weekday_in_the_lead_the_dateline_dates(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "spring.txt").write_text(
        "Fisheries Council, Bergen, 11 March 2031: ministers agree on eel recovery\n\n"
        "Bergen, 11 March 2031. Fisheries ministers met on Tuesday and agreed on a "
        "recovery plan for eels.\n\n"
        "The next Fisheries Council will take place on 14 April 2031 in Bergen.\n")
    (folder / "summer.txt").write_text(
        "Fisheries Council, Riga, 5 June 2031: ministers discuss herring\n\n"
        "Riga, 5 June 2031. Ministers discussed herring quotas.\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    reply = bot.ask("What day of the week was the Fisheries Council of 11 March 2031?")
    # Another sentence's date is no weekday; the dateline is read with its lead.
    assert reply.answered and "Tuesday" in reply.text, reply.text


def test_who_did_something_is_answered_only_by_a_sentence_that_says_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas.\n\n"
         '"Herring quotas must follow the science."\n'
         "Ingrid Haugland, Minister for Fisheries of Norway"),
        ("summer", "Riga", "5 June 2031",
         "The meeting was chaired by Liga Ozola, Minister of Agriculture of Latvia. "
         "Ministers discussed eel stocks."),
    )
    # A quoted minister is not who chaired the meeting.
    question = "Who chaired the Fisheries Council in Oslo?"
    verdict = _assess(bot, question)
    assert verdict.signals["kind_missing"] == 1.0
    reply = bot.ask("Who chaired the Fisheries Council in Riga?")
    assert reply.answered and "Liga Ozola" in reply.text, reply.text
    # Who said something is answered by the quotation, whatever its verbs.
    reply = bot.ask("Who said that herring quotas must follow the science?")
    assert reply.answered and "Ingrid Haugland" in reply.text, reply.text


def test_a_day_asked_within_a_month_is_not_answered_by_a_date_in_another(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers welcomed the eel plan the Commission tabled in October. The plan "
         "will apply from the 1st of January 2032."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    question = "On which day in October 2030 did the Commission table the eel plan?"
    verdict = _assess(bot, question)
    # "1st of January 2032" is a new date, but not one in October.
    assert verdict.signals["kind_missing"] == 1.0
    assert bot.assessor.holds("date", "The plan will apply from the 1st of January 2032.",
                              "On which day in January 2032 will the eel plan apply?")


def test_a_number_no_release_writes_is_named_as_the_asker_wrote_it(tmp_path):
    bot = _councils(tmp_path, ("spring", "Oslo", "11 March 2031", "Ministers discussed eels."),
                    ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."))
    reply = bot.ask("What happened to the 12 500 000 eels ministers discussed?")
    assert not reply.answered and "12 500 000" in reply.text, reply.text


def test_a_sum_in_another_release_about_something_else_does_not_answer(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers launched the North Sea Harbour Alliance, which brings port "
         "authorities together against smuggling."),
        ("summer", "Riga", "5 June 2031",
         "The eel restoration fund has a budget of EUR 40 million for harbour works."),
    )
    question = "What budget has been given to the North Sea Harbour Alliance?"
    verdict = _assess(bot, question)
    # The fund's sum is another thing's: its release is not drawn in to supply one.
    assert {sp.passage.doc_slug for sp, _, _ in verdict.sentences} == {"spring"}
    assert verdict.signals["kind_missing"] == 1.0
    reply = bot.ask("What budget does the eel restoration fund have?")
    assert reply.answered and "EUR 40 million" in reply.text, reply.text


def test_what_is_still_to_come_is_not_answered_by_what_happened_before_the_meeting(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers recalled the first harbour summit, held in Gdansk in May 2030. "
         "The eel fishing ban has applied since 1 January 2031.\n\n"
         "The trawling ban will apply from 1 June 2031."),
    )
    for question in ("Where will the next harbour summit be held?",
                     "When will the eel fishing ban apply?"):
        assert _assess(bot, question).signals["kind_missing"] == 1.0, question
    reply = bot.ask("When will the trawling ban apply?")
    assert reply.answered and "1 June 2031" in reply.text, reply.text
    reply = bot.ask("Where was the first harbour summit held?")
    assert reply.answered and "Gdansk" in reply.text, reply.text


def test_a_figure_asked_for_is_not_given_by_a_date_or_a_count_of_things(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed whether to set a common minimum age for buying fishing "
         "licences, first raised in May 2030 by 12 member states.\n\n"
         "The eel licence fee was set at EUR 40."),
    )
    verdict = _assess(bot, "What minimum age for buying fishing licences did ministers set?")
    assert verdict.signals["kind_missing"] == 1.0  # "May 2030" and "12 member states" are no age
    reply = bot.ask("What fee was set for eel licences?")
    assert reply.answered and "EUR 40" in reply.text, reply.text


def test_whether_a_deadline_was_set_is_answered_only_by_a_date(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Fisheries ministers met in Oslo on 10-11 March and held a first exchange of "
         "views on the eel recovery package.\n\n"
         "Ministers agreed to adopt the herring package by 30 June 2031."),
    )
    reply = bot.ask("Did ministers agree on a deadline for the eel recovery package?")
    assert not reply.answered, reply.text
    # The meeting's own date is no deadline, however the question opens.
    verdict = _assess(bot, "At the Oslo meeting, did ministers agree on a deadline for the "
                           "eel recovery package?")
    assert verdict.signals["kind_missing"] == 1.0 and not verdict.answerable
    reply = bot.ask("Did ministers agree on a deadline for adopting the herring package?")
    assert reply.answered and "30 June 2031" in reply.text, reply.text


def test_when_those_who_met_did_something_is_the_meeting_s_date(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers held a long debate on the eel recovery plan.\n\n"
         "Ministers discussed export controls on fishing drones. Several ministers "
         "stressed that controls on drones should stay national."),
    )
    reply = bot.ask("On what date did ministers discuss export controls on fishing drones?")
    assert reply.answered and "11 March 2031" in reply.text, reply.text


def test_how_many_of_a_nationality_is_answered_by_a_count_of_people(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Around 40,000 people in Norwegian coastal regions earn a living from fishing."),
        ("summer", "Riga", "5 June 2031", "The Norwegian fleet counts 900 vessels."),
    )
    verdict = _assess(bot, "How many Norwegians in coastal regions earn a living from fishing?")
    assert verdict.signals["kind_missing"] == 0.0
    # ... and a count of things is still no count of them.
    verdict = _assess(bot, "How many Norwegians does the fleet count?")
    assert verdict.signals["kind_missing"] == 1.0


def test_a_length_of_time_does_not_say_when(tiny_bot):
    asked = "On what date was the eel recovery plan agreed?"
    for text, says_when in (
            ("Fishers are compensated for delays of 60 to 119 minutes.", False),
            ("Eel fisheries will close for two years.", False),
            ("The eel recovery plan was agreed on 2 February 2031.", True),
            ("The plan applies from the first half of 2032.", True)):
        assert tiny_bot.assessor.holds("date", text, asked) == says_when, text


def test_a_figure_for_another_place_does_not_answer(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Denmark landed 12,000 tonnes of herring in 2030, while Sweden landed 9,000 "
         "tonnes.\n\nFinland reported a good eel season."),
    )
    reply = bot.ask("How many tonnes of herring did Finland land in 2030?")
    assert not reply.answered, reply.text
    assert "Finland" in reply.text and "Denmark" in reply.text, reply.text  # says why
    reply = bot.ask("How many tonnes of herring did Denmark land in 2030?")
    assert reply.answered and "12,000 tonnes" in reply.text, reply.text
    # The meeting's own place is the release's, not another place's figure.
    reply = bot.ask("How many tonnes of herring did Denmark land in 2030, according to "
                    "the Oslo Council?")
    assert reply.answered, reply.text


def test_a_sum_of_another_body_of_the_same_sort_does_not_answer(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The Eel Restoration Fund has a budget of EUR 40 million for 2031."),
        ("summer", "Riga", "5 June 2031",
         "Ministers looked forward to the launch of the Herring Innovation Fund."),
    )
    reply = bot.ask("What budget does the Herring Innovation Fund have for 2031?")
    assert not reply.answered, reply.text
    assert "Eel Restoration Fund, not Herring Innovation Fund" in reply.text, reply.text
    reply = bot.ask("What budget does the Eel Restoration Fund have for 2031?")
    assert reply.answered and "EUR 40 million" in reply.text, reply.text


def test_a_year_a_figure_is_only_compared_with_is_not_given_a_figure(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "In 2030, 1 900 fishers were injured at sea, 3% fewer than in 2029.\n\n"
         "Harbour inspectors found 640 unlicensed vessels in 2030, compared with 700 "
         "in 2029."),
    )
    reply = bot.ask("How many fishers were injured at sea in 2029?")
    assert not reply.answered, reply.text
    assert "2030" in reply.text and "2029" in reply.text, reply.text  # says why
    reply = bot.ask("How many fishers were injured at sea in 2030?")
    assert reply.answered and "1 900" in reply.text, reply.text
    # A comparison that gives the figure of its year answers for that year.
    reply = bot.ask("How many unlicensed vessels did harbour inspectors find in 2029?")
    assert reply.answered and "700" in reply.text, reply.text


def test_the_meeting_s_place_answers_which_town_hosted_it_not_what_else_a_town_hosted(
        tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed the herring festivals held in coastal towns in 2030."),
    )
    reply = bot.ask("Which town held the most herring festivals in 2030?")
    assert not reply.answered, reply.text
    reply = bot.ask("Which town held the fisheries meeting?")
    assert reply.answered and "Oslo" in reply.text, reply.text


def test_an_abbreviation_of_common_words_is_no_place_or_body(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed unmanned aerial vehicles (UAV) and artificial intelligence "
         "(AI).\n\nThe use of UAV by criminal networks rose in 2030. Ministers warned that "
         "AI can be used by criminal networks to forge documents.\n\n"
         "Europol and Norway reported the first cases."),
    )
    asked = "Which organisations use drones to smuggle?"
    # (the entity model takes "UAV" for an organisation and "AI" for a country)
    assert not bot.assessor.holds("name", "The use of UAV by criminal networks rose.", asked)
    assert not bot.assessor.holds("place", "Ministers warned that AI can be used by "
                                  "criminal networks.", "Which countries forge documents?")
    # A name the release writes as one stays one.
    assert bot.assessor.holds("name", "Europol reported the first cases.", asked)
    assert bot.assessor.holds("place", "Criminal networks forge documents in Norway.",
                              "Which countries forge documents?")


def test_who_talked_about_something_is_answered_by_who_presented_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed eel stocks in the Baltic.\n\n"
         "Aoife Ní Bhriain, Minister of State for the Marine of Ireland, presented the "
         "experience of Galway with eel stocks and river barriers."),
    )
    verdict = _assess(bot, "Who talked about Galway's experience with eel stocks?")
    assert verdict.signals["kind_missing"] == 0.0
    assert any("Aoife Ní Bhriain" in sp.passage.sentence_text(span)
               for sp, span, _ in verdict.sentences)


def test_a_count_written_with_a_word_counts_the_hyphenated_noun_after_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Around 4.6 billion low-value parcels entered the EU in 2030."),
    )
    verdict = _assess(bot, "How many parcels entered the EU in 2030?")
    assert verdict.signals["kind_missing"] == 0.0


def test_who_did_something_is_not_answered_by_who_chaired(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The meeting was chaired by Aino Saar, Minister of Fisheries of Estonia.\n\n"
         "The Commission presented its assessment of eel stocks."),
    )
    verdict = _assess(bot, "Who is the EU fisheries commissioner who presented the "
                           "assessment of eel stocks?")
    assert verdict.signals["kind_missing"] == 1.0


def test_a_total_asked_for_is_not_given_by_a_figure_for_each_one(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The eel voucher scheme offers fishers vouchers of up to EUR 5 000 each.\n\n"
         "The herring fund has EUR 12 million in total."),
    )
    verdict = _assess(bot, "How much money in total does the eel voucher scheme have?")
    assert verdict.signals["kind_missing"] == 1.0
    verdict = _assess(bot, "How much money does each eel voucher give?")
    assert verdict.signals["kind_missing"] == 0.0


def test_a_wrong_figure_in_the_question_is_a_premise_the_release_corrects(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers set the eel licence fee at EUR 800 to fund river restoration."),
    )
    verdict = _assess(bot, "Why did ministers set the eel licence fee at EUR 900?")
    assert verdict.signals["unknown_name"] == 0.0  # EUR 800 corrects it
    # With no figure of its sort in the evidence, a number no release writes stays unknown.
    verdict = _assess(bot, "Why did ministers set the eel licence fee at 45%?")
    assert verdict.signals["unknown_name"] == 1.0


def test_how_many_of_them_is_answered_by_a_share(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "One in four arrests for eel smuggling concerned a person under 20."),
        ("summer", "Riga", "5 June 2031", "Many people visited the herring fair."),
    )
    question = "How many of the people arrested for eel smuggling were under 20?"
    sentence = "One in four arrests for eel smuggling concerned a person under 20."
    assert bot.assessor.holds("count", sentence, question)


def test_a_country_that_acts_is_not_where_something_happens(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Denmark proposed an eel monitoring exercise on the 3rd of May 2031.\n\n"
         "The herring exercise will take place in Bergen in June 2031."),
    )
    assert not bot.assessor.holds(
        "place", "Denmark proposed an eel monitoring exercise on the 3rd of May 2031.",
        "Where will the eel monitoring exercise take place?")
    reply = bot.ask("Where will the herring exercise take place?")
    assert reply.answered and "Bergen" in reply.text, reply.text


def test_a_place_named_as_a_topic_is_not_where_something_happens(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers prepared the eel summit, which will discuss support for Latvia and "
         "Estonia."),
    )
    sentence = ("Ministers prepared the eel summit, which will discuss support for Latvia and "
                "Estonia.")
    assert not bot.assessor.holds("place", sentence, "Where will the eel summit be held?")
    # ... while a question asking which countries is answered by their names.
    assert bot.assessor.holds("place", sentence, "Which countries will the eel summit "
                                                 "discuss support for?")


def test_a_place_after_in_is_where_even_before_a_verb(tiny_bot):
    assert tiny_bot.assessor.holds(
        "place", "The informal meeting in Riga was chaired by the Presidency.",
        "Where was the informal meeting held?")


def test_which_things_are_not_answered_by_how_many_there_are(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The eel restocking programme now covers 12 rivers, and ministers called for:"
         "\n\n- more fish passes;\n- fewer turbines.\n\n"
         "Inspectors reviewed the herring fisheries of three member states, in order: "
         "Denmark, Estonia and Latvia."),
    )
    verdict = _assess(bot, "Which rivers does the eel restocking programme cover?")
    assert verdict.signals["kind_missing"] == 1.0, verdict.sentences
    assert "named one by one" in verdict.reason
    verdict = _assess(bot, "Which member states had their herring fisheries reviewed?")
    assert verdict.signals["kind_missing"] == 0.0, verdict.reason


def test_a_figure_for_the_next_year_does_not_answer_for_the_meeting_s_year(tmp_path):
    bot = _councils(
        tmp_path,
        ("autumn", "Oslo", "11 November 2031",
         "The Commission announced an eel restocking budget of EUR 40 million for 2032.\n\n"
         "Herring catches will be cut by 5% compared with 2031."),
    )
    # The title's year is the meeting's: it does not say the budget is for 2031.
    verdict = _assess(bot, "What is the eel restocking budget for 2031?")
    assert not verdict.answerable and "2032" in verdict.reason, verdict.reason
    assert _assess(bot, "What is the eel restocking budget for 2032?").answerable
    # A year a figure is compared with is no period the sentence speaks of.
    verdict = _assess(bot, "By how much will herring catches be cut in 2032?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.reason


def test_a_figure_asked_of_a_country_is_given_only_by_a_passage_naming_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed the state of fish stocks in the Baltic Sea.\n\n"
         "## Eel\n\nThe eel restocking fund has EUR 40 million for 2031-2035.\n\n"
         "## Herring\n\nLatvia presented a note on herring. The Herring Advisory Board "
         "met twice."),
    )
    verdict = _assess(bot, "How much money does Latvia receive from the eel restocking fund?")
    assert verdict.signals["unknown_name"] == 1.0, verdict.reason
    assert "Latvia" in verdict.reason, verdict.reason
    # A named body too; "the Board" in the passage names it by its short form.
    asked = "How much money does the Herring Advisory Board receive?"
    assert bot.assessor._unnamed(asked, [], [_passage("The fund has EUR 40 million.")]) == [
        "Herring Advisory Board"]
    assert bot.assessor._unnamed(
        asked, [], [_passage("The Board will receive EUR 2 million.")]) == []
    # The meeting's own place (its title) names where the meeting was, not the fund's.
    verdict = _assess(bot, "How much money does the eel restocking fund in Oslo have?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.reason


def test_who_a_named_person_is_is_answered_by_the_sentence_that_names_them(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed eel stocks and the herring quota for 2032 at length.\n\n"
         "## Herring\n\nThe Director of the Herring Institute, Ōda Lindqvist, presented "
         "the new stock assessment.\n\n"
         "> “We cannot fish what is not there.”\n\n— Marta Kowal, Minister of Fisheries"),
    )
    for question, role in (("Who is Ōda Lindqvist?", "Director of the Herring Institute"),
                           ("what is Marta Kowal's job?", "Minister of Fisheries"),
                           ("Who is Minister Marta Kowal?", "Minister of Fisheries")):
        reply = bot.ask(question)
        assert reply.answered and role in reply.text, (question, reply.text)
    # A name no release writes is still unknown, even inside a longer one.
    assert not bot.ask("Who is Jonas Berg?").answered
    assert not bot.ask("Who is Da Lindqvist?").answered


def test_how_much_something_cost_is_a_sum_not_a_quantity_of_stuff(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers visited an eel farm near Oslo that raises eels on 40 hectares of "
         "ponds.\n\nInspectors seized more than 310 tonnes of mislabelled eel in 2030."),
    )
    verdict = _assess(bot, "How much did the eel farm near Oslo cost to build?")
    assert verdict.signals["kind_missing"] == 1.0, verdict.sentences
    verdict = _assess(bot, "How much mislabelled eel did inspectors seize in 2030?")
    assert verdict.answerable and verdict.signals["kind_missing"] == 0.0, verdict.reason
    verdict = _assess(bot, "How much did inspectors seize in 2030?")
    assert verdict.signals["kind_missing"] == 0.0, verdict.reason


def test_what_proportion_is_met_by_a_percentage_whatever_word_the_release_uses(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Inspectors found that 12% of the eel sold online was mislabelled."),
    )
    verdict = _assess(bot, "What proportion of the eel sold online was mislabelled?")
    assert verdict.signals["unknown_share"] == 0.0, verdict.reason
    assert verdict.answerable, verdict.reason


def test_only_the_capitalised_parts_of_a_hyphenated_word_are_a_name(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed how AI tools can detect mislabelled eel in online shops."),
    )
    verdict = _assess(bot, "How can AI-driven tools detect mislabelled eel?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.reason
    verdict = _assess(bot, "How can AI-Nordic tools detect mislabelled eel?")
    assert verdict.signals["unknown_name"] == 1.0, verdict.reason


def test_a_count_for_another_country_in_the_same_passage_does_not_answer(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Young eels have been released into rivers in Latvia and Estonia since 2029. "
         "In Estonia alone, around 40 000 young eels were released into rivers."),
    )
    verdict = _assess(bot, "How many young eels were released into rivers in Latvia?")
    assert verdict.signals["unknown_name"] == 1.0, verdict.reason
    assert "Estonia" in verdict.reason and "Latvia" in verdict.reason, verdict.reason
    verdict = _assess(bot, "How many young eels were released into rivers in Estonia?")
    assert verdict.answerable, verdict.reason


def test_a_nationality_in_the_question_names_the_country_the_release_writes(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ukrainian and Moldovan delegates joined the ministers.\n\n"
         "Under the trade agreement, the annual quota for wheat from Ukraine is 1.3 million "
         "tonnes, and for honey from Moldova 6 000 tonnes."),
    )
    # (The small entity model reads "Ukrainian" here as a place.)
    verdict = _assess(bot, "What is the annual quota for Ukrainian wheat?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.reason
    assert verdict.answerable, verdict.reason


def test_who_a_named_person_is_stays_within_the_releases_asked_about(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031", "Ministers discussed eel stocks."),
        ("autumn", "Riga", "5 October 2031",
         "Ministers discussed herring.\n\n> “Herring comes first.”\n\n"
         "— Marta Kowal, Minister of Fisheries"),
    )
    assert bot.ask("Who is Marta Kowal?").answered
    assert not bot.ask("Who is Marta Kowal?", releases=["spring"]).answered


def test_which_things_a_sentence_counts_and_names_are_answered(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Three Baltic ports joined the shore power scheme: Riga, Tallinn and Klaipeda.\n\n"
         "Fourteen member states, including Latvia and Estonia, signed the eel declaration."),
    )
    for question in ("Which Baltic ports joined the shore power scheme?",
                     "Which member states signed the eel declaration?"):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == 0.0, (question, verdict.reason)


def test_a_place_is_named_by_a_capitalised_word_not_by_a_word_it_begins_with(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Portugal sent an observer.\n\n## Shore power\n\n"
         "Ports in Latvia will receive EUR 10 million for shore power installations."),
    )
    verdict = _assess(bot, "How much will ports in Portugal receive for shore power?")
    assert verdict.signals["unknown_name"] == 1.0, verdict.reason
    assert "Portugal" in verdict.reason, verdict.reason


def test_a_sentence_that_points_back_may_name_another_place(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Latvia will host the new eel hatchery. Designed with experts from Estonia, it "
         "will cost EUR 40 million."),
    )
    verdict = _assess(bot, "How much will the new eel hatchery in Latvia cost?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.reason


def test_a_body_is_named_by_its_initials_in_the_passage_giving_its_figure(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The Baltic Eel Bank (BEB) presented its plans.\n\n"
         "## Loans\n\nThe BEB will lend EUR 2 billion to eel farms."),
    )
    asked = "How much will the Baltic Eel Bank lend to eel farms?"
    assert bot.assessor._unnamed(asked, [], [_passage("The BEB will lend EUR 2 billion.")]) == []


def test_a_figure_asked_of_one_owner_is_not_given_by_another_owners_figure(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Inspectors counted 420 illegal nets in EU harbours in 2030. "
         "Danish fleets landed most of the European herring."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel quotas. The European "
         "Union (EU) funds the inspections."),
    )
    verdict = _assess(bot, "How many illegal nets were counted in Danish harbours in 2030?")
    assert not verdict.answerable
    assert verdict.reason == "Its closest passages speak of EU harbours, not Danish harbours"
    # The same figure asked of the owner the release names is given.
    verdict = _assess(bot, "How many illegal nets were counted in EU harbours in 2030?")
    assert verdict.signals["unknown_name"] == 0.0 and verdict.answerable, verdict.signals
    # "European harbours" may be the EU's: initials stand for the words they spell.
    verdict = _assess(bot, "How many illegal nets were counted in European harbours in 2030?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.signals


@pytest.mark.parametrize("body, other, vetoed, reason, answered", [
    # The owner is named only in a sentence about another thing of its.
    ("Storms damaged around 30% of the EU's coastline in the winter of 2030. "
     "Portugal lost 25% of its trawlers to storms in 2030.", "Ministers discussed eel quotas.",
     "What share of Portugal's coastline was damaged by storms in 2030?",
     "Its closest passages speak of EU coastline, not Portugal coastline",
     "What share of the EU's coastline was damaged by storms in 2030?"),
    # A name owns a thing after "of" ...
    ("Inspectors seized 312 illegal nets in EU harbours in 2030, most of them in the "
     "harbours of Vigo, Brest and Aberdeen.",
     "Ministers discussed eel quotas with harbour masters from Bergen.",
     "How many illegal nets were seized in the harbour of Bergen in 2030?",
     "Its closest passages speak of EU harbour, Vigo harbour, not Bergen harbour",
     "How many illegal nets were seized in EU harbours in 2030?"),
    # ... and after "in"; a name the question writes ("from Syria") is not the owner's.
    ("In the 2030-2031 school year, some 9,000 pupils from Syria were enrolled in "
     "schools in the EU, while 2,000 followed only Syrian online lessons.",
     "Danish ministers discussed eel quotas.",
     "How many pupils from Syria were enrolled in Danish schools in 2030-2031?",
     "Its closest passages speak of EU schools, not Danish schools",
     "How many pupils from Syria were enrolled in schools in the EU in 2030-2031?"),
], ids=["named-beside-another-thing", "after-of", "after-in"])
def test_a_figure_of_one_owner_is_not_given_by_another_owner_s_in_any_form(
        tmp_path, body, other, vetoed, reason, answered):
    bot = _councils(tmp_path, ("spring", "Oslo", "11 March 2031", body),
                    ("summer", "Riga", "5 June 2031", other))
    verdict = _assess(bot, vetoed)
    assert not verdict.answerable and verdict.reason == reason, verdict.reason
    verdict = _assess(bot, answered)
    assert verdict.signals["unknown_name"] == 0.0 and verdict.answerable, verdict.signals


def test_an_owner_named_before_a_word_pointing_back_or_beside_another_word_owns_its_figure(
        tmp_path):
    for n, (body, question) in enumerate((
        ("Greece was the member state hardest hit by the 2030 drought. Some 40% of its "
         "territory was affected, compared with 15% of EU territory.",
         "What share of the territory of Greece was affected by the 2030 drought?"),
        ("Italy presented its national recovery plan. The plan's budget of EUR 190 billion "
         "is the largest of all, ahead of the Spanish plan.",
         "What is the budget of the recovery plan of Italy?"),
        ("Harbours in Spain handled 560 million tonnes of cargo in 2030. EU ports as a whole "
         "handled 3.5 billion tonnes of cargo.",
         "How many tonnes of cargo did Spain's ports handle in 2030?"),
        ("The European Parliament adopted its position in April 2031. The Parliament's vote "
         "took place on 3 May 2031, with 420 votes in favour.",
         "How many votes in favour did the vote in the European Parliament get?"),
    )):
        folder = tmp_path / f"case{n}"
        folder.mkdir()
        bot = _councils(folder, ("spring", "Oslo", "11 March 2031", body),
                        ("summer", "Riga", "5 June 2031", "Ministers discussed eel quotas."))
        verdict = _assess(bot, question)
        assert verdict.signals["unknown_name"] == 0.0 and verdict.answerable, \
            (question, verdict.reason)


def test_a_building_asked_for_is_named_by_where_they_met_not_by_the_town(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Fisheries ministers met on Tuesday at Villa Solberg in Oslo. They discussed eels."),
        ("summer", "Riga", "5 June 2031", "Fisheries ministers met in Riga on Thursday. They "
         "discussed herring."),
    )
    reply = bot.ask("In which building in Oslo did the fisheries ministers meet?")
    assert reply.answered and "Villa Solberg" in reply.text, reply.text
    reply = bot.ask("In which hotel in Riga did the fisheries ministers meet?")
    assert not reply.answered, reply.text


def test_a_family_name_with_a_particle_is_a_name_whose_role_can_be_asked(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed eel stocks. The Commission was represented by Joost ter "
         "Horst, Commissioner for Oceans and Fisheries."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    for question in ("What is Joost ter Horst's role?", "Who is Joost ter Horst?"):
        reply = bot.ask(question)
        assert reply.answered and "Commissioner for Oceans and Fisheries" in reply.text, \
            (question, reply.text)


def test_a_day_asked_is_not_given_by_a_month_or_a_quarter(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Fisheries ministers met in Oslo on Tuesday. "
         "The new eel register will start operating in the last quarter of 2032. "
         "The herring register started operating on 2 February 2031."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod quotas."),
    )
    verdict = _assess(bot, "On what exact day will the eel register start operating?")
    assert verdict.signals["kind_missing"] == 1.0, verdict.reason
    verdict = _assess(bot, "When will the eel register start operating?")
    assert verdict.signals["kind_missing"] == 0.0 and verdict.answerable, verdict.reason
    verdict = _assess(bot, "On what exact day did the herring register start operating?")
    assert verdict.signals["kind_missing"] == 0.0 and verdict.answerable, verdict.reason


def test_a_figure_asked_for_one_thing_is_not_given_by_the_figure_for_another(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. The annual catch quota for eels is 300 tonnes. "
         "\n\nMinisters also discussed salmon farming in fjords."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    verdict = _assess(bot, "What is the annual catch quota for salmon?")
    assert not verdict.answerable
    assert verdict.reason == ("Its closest passages speak of quota for eels, "
                              "not quota for salmon"), verdict.reason
    verdict = _assess(bot, "What is the annual catch quota for eels?")
    assert verdict.answerable and verdict.signals["unknown_name"] == 0.0, verdict.reason


def test_what_a_number_counts_may_stand_before_it_or_be_said_by_the_rest_of_the_question(
        tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. The fisheries agency's staff is expected to "
         "reach 430 by the end of 2032. Since 2029, more than 4,300 war patients have "
         "been evacuated by sea. Fishing days for trawlers were reduced by 7%."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    for question, counted in (
            # The counted word is the subject the number ends: "staff … reach 430".
            ("How many staff will the fisheries agency have by the end of 2032?", True),
            # "People" are counted as the rest of the question says: injured in the war.
            ("How many people injured in the war have been evacuated by sea?", True),
            # A share is no count, wherever the counted word stands.
            ("How many fishing days do trawlers have?", False)):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == float(not counted), question


def test_a_body_named_by_its_head_before_for_is_the_body_asked_of(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. The Nordic Panel for Media Services "
         "reported on illegal nets.\n\nAccording to the Panel, 260 illegal nets were "
         "found in 2030."),
        ("summer", "Riga", "5 June 2031", "The Baltic Council for Eels reported 90 eels."),
    )
    # (the entity model reads "Media Services" as a name of its own)
    verdict = _assess(bot, "How many illegal nets were found in 2030 according to the "
                           "Nordic Panel for Media Services?")
    assert verdict.signals["unknown_name"] == 0.0 and verdict.answerable, verdict.reason


def test_a_council_asked_by_its_short_name_is_the_meeting_its_title_spells_out(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "spring.md").write_text(
        "# Agriculture and Fisheries Council, Oslo, 11 March 2031\n\nOslo, 11 March 2031\n\n"
        "Ministers met in Oslo for the Agriculture and Fisheries Council (AGRIFISH).\n\n"
        "Young farmers make up only 12% of farm managers in the Union.\n")
    (folder / "summer.md").write_text(
        "# Fisheries Council, Riga, 5 June 2031\n\nRiga, 5 June 2031\n\n"
        "Ministers discussed herring quotas.\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    verdict = _assess(bot, "What share of farm managers are young farmers, according to "
                           "the March 2031 AgriFish Council?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.reason


def test_a_short_negation_is_the_verb_and_not():
    from assistant.text import words
    assert words("It can't, won't and shan't") == [
        "it", "can", "not", "will", "not", "and", "shall", "not"]


def test_things_asked_for_by_a_count_or_in_which_are_not_named_by_the_count(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. Inspectors checked nets in 14 harbours of "
         "nine countries. The eel fund supports fishers in six Member States."),
        ("summer", "Riga", "5 June 2031",
         "Ministers met in Riga. Eel traps were checked in Riga, Ventspils and Liepaja."),
    )
    for question in ("In which harbours did inspectors check nets?",
                     "In which harbours was the net check carried out?",
                     "Which six Member States does the eel fund support?"):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == 1.0, question
    # The count of things is what "how many" asks for.
    verdict = _assess(bot, "In how many harbours did inspectors check nets?")
    assert verdict.signals["kind_missing"] == 0.0, verdict.reason


def test_a_short_form_of_a_name_the_corpus_writes_is_no_unknown_name(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. In the western Mediterranean, eel catches "
         "fell by 40% since 2020. Ministers also discussed media freedom."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    verdict = _assess(bot, "By how much have eel catches dropped in the western Med?")
    assert verdict.signals["unknown_name"] == 0.0, verdict.reason
    # A longer name is no short form of one that starts like it, nor is a name that
    # starts a word the corpus writes in lower case.
    for question in ("By how much have eel catches dropped in France?",
                     "By how much have eel catches dropped in the Fre Sea?"):
        verdict = _assess(bot, question)
        assert verdict.signals["unknown_name"] == 1.0, question


def test_a_year_a_sentence_opens_with_since_is_the_period_its_figure_covers(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2032",
         "Ministers met in Oslo on Tuesday. Since the 1st of January 2032, 400 outbreaks "
         "of eel disease have been reported. Herring catches grew by 12% since 2028."),
        ("summer", "Riga", "5 June 2032", "Ministers discussed cod quotas."),
    )
    verdict = _assess(bot, "How many outbreaks of eel disease were reported in 2031?")
    assert verdict.signals["other_year"] == 1.0 and not verdict.answerable, verdict.reason
    # A year a change is measured from is no period: "grew by 12% since 2028".
    verdict = _assess(bot, "By how much did herring catches grow in 2031?")
    assert verdict.signals["other_year"] == 0.0, verdict.reason


def test_where_and_when_dated_by_weekdays_is_completed_by_the_dateline(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11-12 March 2031",
         "Fisheries ministers met on Monday and Tuesday in Oslo to discuss eel stocks."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring quotas."),
    )
    reply = bot.ask("Where and when did the fisheries ministers meet to discuss eel stocks?")
    assert reply.answered and "Oslo" in reply.text and "11-12 March 2031" in reply.text, \
        reply.text


def test_an_owner_written_in_another_form_where_the_figure_is_given_is_the_owner(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. The European Union (EU) set up the eel fund "
         "in 2030. The Union contribution to the eel fund is EUR 5 million. Ministers "
         "welcomed the European Defence Fund (EDF). The budget for the EDF is EUR 8 "
         "billion.\n\nIn 2031, inspectors inspected 30 ports of Finland and 20 Swedish "
         "ports. Under the plan, Latvia's Baltic ports will receive EUR 3 million for "
         "modernisation.\n\nMinisters set the quota for herring at 20,000 tonnes. The "
         "quota for sprat was set by ministers in Oslo after long talks."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks with Finnish "
         "and Latvian fleets."),
    )
    for question in (
            "How much is the EU contribution to the eel fund?",  # initials
            "What is the budget for the European Defence Fund?",  # what initials stand for
            "How many Finnish ports were inspected in 2031?",  # a name and its adjective
            "How much will Latvian ports receive for modernisation?",  # an earlier owner
            "What is the quota for herring?"):  # another sentence's rival does not veto
        verdict = _assess(bot, question)
        assert verdict.signals["unknown_name"] == 0.0, (question, verdict.reason)


def test_a_count_is_not_of_what_its_clause_names_without_a_counting_verb(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. The floods hit 40 villages in Slovenia, and "
         "many people were evacuated from the villages. In 2031, fishing vessels in "
         "Latvian ports were inspected by a team of 12. In total, the countries also "
         "sent 4,000 troops to the mission."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    for question in (
            "How many people were evacuated from the villages in Slovenia?",
            "How many fishing vessels were inspected in 2031?",
            "How many countries also sent troops to the mission?"):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == 1.0, question


def test_a_share_or_a_name_before_the_noun_asks_for_one_thing():
    from assistant.facts import asks_for_several
    for question in ("What was the 55% target agreed by ministers?",
                     "What is the 5G strategy for fishing ports?",
                     "What is the 12-point plan?"):
        assert not asks_for_several(question), question
    assert asks_for_several("Which four harbours joined the eel pact?")


def test_a_date_in_figures_names_a_day(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo to discuss eels. The eel regulation enters into force "
         "on 2031-04-01.\n\nThe cod regulation enters into force on 1 Sep 2031."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring stocks."),
    )
    for question in ("On which day does the eel regulation enter into force?",
                     "On which day does the cod regulation enter into force?"):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == 0.0, (question, verdict.reason)


def test_a_first_name_is_no_short_form_of_a_longer_name(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. \"Eels need time,\" said Minister Jonas Berg."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    verdict = _assess(bot, "What did Jon Berg say about eels?")
    assert verdict.signals["unknown_name"] == 1.0, verdict.reason


def test_a_period_a_sentence_opens_with_covers_the_years_after_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. Since 2029, the landing fee for herring has "
         "been EUR 5 per tonne."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    verdict = _assess(bot, "What was the landing fee for herring in 2030?")
    assert verdict.signals["other_year"] == 0.0, verdict.reason
    verdict = _assess(bot, "What was the landing fee for herring in 2028?")
    assert verdict.signals["other_year"] == 1.0, verdict.reason


def test_the_minister_quoted_on_a_topic_is_named_under_its_heading(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday.\n\n## Eels\n\nMinisters held a policy debate "
         "on eel stocks and the eel recovery plan.\n\n\"A plan that is never enforced "
         "protects no fish.\"\nJonas Berg, Minister of Fisheries of Norway\n\n## Herring\n\n"
         "Ministers discussed herring quotas.\n\n\"Quotas must follow the science.\"\n"
         "Liga Ozola, Minister of Agriculture of Latvia"),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    reply = bot.ask("Who is the minister quoted on eel stocks?")
    assert reply.answered and "Jonas Berg" in reply.text, reply.text
    assert "Liga Ozola" not in reply.text, reply.text


def test_a_wage_or_a_salary_asked_for_is_a_sum(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met the chair of the eel authority, Jonas Berg, on his plans for "
         "inspections.\n\nThe minimum wage of eel fishers was set at EUR 900 a month."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    verdict = _assess(bot, "What salary does Jonas Berg earn as chair of the eel authority?")
    assert verdict.signals["kind_missing"] == 1.0, verdict.reason
    verdict = _assess(bot, "What minimum wage was set for eel fishers?")
    assert verdict.signals["kind_missing"] == 0.0 and verdict.answerable, verdict.reason


def test_a_quotation_under_a_broad_heading_names_no_one_quoted_on_another_topic(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday.\n\n## Main results\n\nMinisters agreed "
         "herring quotas for 2032.\n\nMinisters also discussed energy prices.\n\n"
         "\"Energy prices are too high.\"\nAnna Berg, Minister of Energy of Latvia"),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    reply = bot.ask("Who is the minister quoted on herring quotas?")
    assert "Anna Berg" not in reply.text, reply.text


def test_a_count_after_a_verb_of_amount_or_change_counts_its_subject(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. The staff of the eel agency amounted to 430 "
         "in 2031.\n\nThe staff of the cod agency rose from 300 to 380 in 2031."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed herring stocks."),
    )
    for question in ("How many staff does the eel agency have?",
                     "How many staff does the cod agency have?"):
        verdict = _assess(bot, question)
        assert verdict.signals["kind_missing"] == 0.0, (question, verdict.reason)


def test_a_word_that_starts_like_a_month_names_no_day(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. The herring fund will close within 2 decades."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    verdict = _assess(bot, "On what exact day will the herring fund close?")
    assert verdict.signals["kind_missing"] == 1.0, verdict.reason


def test_a_later_year_stated_beside_a_since_is_another_year(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. Since 2029, Estonia has chaired the herring "
         "group and the landing fee for herring was EUR 5 per tonne in 2030."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    verdict = _assess(bot, "What was the landing fee for herring in 2033?")
    assert verdict.signals["other_year"] == 1.0, verdict.reason


def test_an_owner_is_not_written_by_a_word_that_only_starts_like_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo on Tuesday. EU Finance ministers agreed a budget of EUR 5 "
         "million for EU ports."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed Finnish cod stocks."),
    )
    verdict = _assess(bot, "What is the budget for Finnish ports?")
    assert verdict.signals["unknown_name"] == 1.0, verdict.reason


def test_how_a_vote_went_is_said_only_by_a_passage_that_reports_the_vote(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas.\n\n"
         "Ministers agreed the Council's position on the eel restoration regulation."),
        ("summer", "Riga", "5 June 2031",
         "Ministers discussed seal populations.\n\n"
         "The Council adopted the cod regulation by a qualified majority vote, with the "
         "member states Denmark and Estonia abstaining."),
    )
    for question in ("Did any member state vote against the Council's position on the eel "
                     "restoration regulation?",
                     "Was the Council's position on the eel restoration regulation agreed "
                     "unanimously?"):
        verdict = _assess(bot, question)
        assert not verdict.answerable and "vote" in verdict.reason, (question, verdict.reason)
    reply = bot.ask("Which member states abstained in the vote on the cod regulation?")
    assert reply.answered and "Denmark and Estonia" in reply.text, reply.text


def test_how_a_vote_went_is_read_from_the_paragraph_under_the_same_heading(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas.\n\n## Eel restoration\n\n"
         "Ministers agreed the Council's position on the eel restoration regulation.\n\n"
         "The position was approved by a qualified majority, with one member state "
         "voting against.\n\n## Seals\n\nMinisters discussed seal populations."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    reply = bot.ask("Was the Council's position on the eel restoration regulation agreed "
                    "by all member states, or did any vote against?")
    assert reply.answered and "qualified majority" in reply.text, reply.text


def test_when_something_starts_is_not_given_by_the_date_it_ends(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas, which begin to recover.\n\n"
         "Eel fishers will have a transition period ending on 31 December 2033."),
        ("summer", "Riga", "5 June 2031",
         "Ministers discussed cod stocks.\n\n"
         "The eel tagging scheme will start as a pilot with six member states on "
         "1 March 2032, and Latvia will end its own scheme."),
    )
    for question in ("When does the transition period for eel fishers begin?",
                     "When will the eel tagging scheme pilot end?"):
        verdict = _assess(bot, question)
        assert not verdict.answerable and "date" in verdict.reason, (question, verdict.reason)
    reply = bot.ask("When does the transition period for eel fishers end?")
    assert reply.answered and "31 December 2033" in reply.text, reply.text
    reply = bot.ask("When will the eel tagging scheme pilot start?")
    assert reply.answered and "1 March 2032" in reply.text, reply.text


def test_a_figure_asked_for_a_year_is_not_given_by_another_year_s(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas.\n\n"
         "In 2030, inspectors found 420 illegal eel traps in the Baltic."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    # 2031 is the meeting's year, but here it is the year the figure is asked for.
    verdict = _assess(bot, "How many illegal eel traps did inspectors find in 2031?")
    assert not verdict.answerable and "2030" in verdict.reason, verdict.reason
    reply = bot.ask("How many illegal eel traps did inspectors find in 2030?")
    assert reply.answered and "420" in reply.text, reply.text


def test_a_title_that_only_names_the_meeting_asked_about_brings_its_best_body_sentence(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed herring quotas.\n\n"
         "The Council approved conclusions on eel recovery."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks."),
    )
    question = "Did the Fisheries Council in Oslo on 11 March 2031 act on eels?"
    retrieval = bot.retrieve(question, [])
    head = next(sp for sp in retrieval.passages if sp.passage.id == "spring#head")
    body = next(sp for sp in retrieval.passages if "eel recovery" in sp.passage.text)
    # The title matches far better than the sentence that says what was done there.
    title, said = head.passage.sentences[0], body.passage.sentences[0]
    head = dataclasses.replace(head, best_sentences=[(title, 0.8)])
    body = dataclasses.replace(body, best_sentences=[(said, 0.3)])
    chosen = bot.assessor.choose(question, retrieval, [(head, title, 0.8), (body, said, 0.3)])
    assert [sp.passage.id for sp, _, _ in chosen] == ["spring#head", body.passage.id]


def test_words_describing_the_one_meeting_asked_about_do_not_pick_its_opening_line(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "transport.md").write_text(
        "# Informal meeting of transport ministers, Gdansk, 3 March 2031\n\n"
        "Gdansk, 3 March 2031\n\n"
        "Transport ministers of the EU member states met in Gdansk for an informal "
        "meeting on rail and road transport hosted by the Polish Presidency.\n\n"
        "Ministers also discussed the future of night trains and the funding of "
        "cross-border rail links.\n")
    (folder / "energy.md").write_text(
        "# Informal meeting of energy ministers, Riga, 3 March 2031\n\n"
        "Riga, 3 March 2031\n\nEnergy ministers of the EU member states met in Riga for "
        "an informal meeting on grids.\n\nMinisters discussed the electricity grid.\n")
    bot = tiny_assistant(folder, tmp_path / "data")
    reply = bot.ask("What did the Polish Presidency's informal meeting of transport "
                    "ministers discuss about trains?")
    # (the opening line holds every word that named the meeting, and no trains)
    assert reply.answered and "night trains" in reply.text, reply.text
    assert {c.doc_slug for c in reply.citations} == {"transport"}
    assert_exact(bot, reply)


def test_a_heading_says_what_the_sentences_under_it_are_about(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers met in Oslo to discuss transport.\n\n## Road safety\n\n"
         "Ministers agreed to fund new speed cameras on main roads from 2032.\n\n"
         "## Night trains\n\nMinisters agreed to fund twelve new routes from 2032.\n\n"
         "## Ports\n\nMinisters agreed to fund new cranes in ports from 2032."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed eel stocks."),
    )
    reply = bot.ask("What did ministers agree on night trains?")
    assert reply.answered and "twelve new routes" in reply.text, reply.text
    assert "speed cameras" not in reply.text and "cranes" not in reply.text
    assert_exact(bot, reply)


def test_meetings_compared_on_a_topic_are_searched_for_the_topic_not_for_their_names(tmp_path):
    # Many paragraphs name the meeting; only one speaks of the topic asked about.
    oslo = "\n\n".join(
        f"At the Fisheries Council in Oslo, ministers discussed {stock} stocks in the Baltic."
        for stock in ("herring", "sprat", "salmon", "plaice", "sole", "mackerel", "whiting"))
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         f"{oslo}\n\nMinisters also agreed to close glass eel fisheries from May."),
        ("summer", "Riga", "5 June 2031",
         "At the Fisheries Council in Riga, ministers discussed seal populations.\n\n"
         "Ministers in Riga asked for a ban on eel exports."),
        ("autumn", "Tallinn", "9 October 2031", "Ministers discussed cod stocks."),
    )
    question = ("How did eel come up at the Fisheries Council in Oslo compared with the "
                "Fisheries Council in Riga?")
    retrieval = bot.retrieve(question, [])
    assert retrieval.compared == ["spring", "summer"]
    # (the passages naming the meeting in Oslo would fill the top five)
    assert any("glass eel" in sp.passage.text for sp in retrieval.passages)
    assert any("eel exports" in sp.passage.text for sp in retrieval.passages)


@pytest.mark.parametrize("question, yes_no", [
    ("Can you write me a short poem about eels?", False),  # a request, not a question
    ("Could you tell me the eel fund's budget?", False),
    ("Can member states close eel fisheries?", True),
    ("At the Oslo meeting, did ministers agree on eels?", True),
    ("Can you confirm that the eel ban will start in 2032?", True),  # asks, not requests
])
def test_a_request_to_the_assistant_is_no_yes_no_question(question, yes_no):
    from assistant.answerability import is_yes_no

    assert is_yes_no(question) is yes_no


def test_review_cases_of_votes_dates_and_years_are_still_answered(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers adopted the eel regulation.\n\n## Eels\n\n"
         "Member states will report their eel catches in an electronic format from "
         "1 January 2032. The eel fishing season runs from 1 May to 30 September 2032.\n\n"
         "## Parliament\n\nThe European Parliament will vote on the cod regulation on "
         "12 May 2032.\n\n## Vessels\n\nThis year, 40 eel vessels will be decommissioned."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed cod stocks. It will end."),
        ("autumn", "Tallinn", "9 October 2031", "Ministers discussed seal populations."),
    )
    for question, expected in (
            # (a second "in what …" that asks no kind of fact is no second kind)
            ("When and in what format will member states report their eel catches?",
             "1 January 2032"),
            # (a vote asked about that is not how a vote went)
            ("When will the European Parliament vote on the cod regulation?", "12 May 2032"),
            # ("this year" is the meeting's year)
            ("How many eel vessels will be decommissioned in 2031?", "40")):
        reply = bot.ask(question)
        assert reply.answered and expected in reply.text, (question, reply.text)
    # ("from … to …" gives both ends)
    assert _assess(bot, "When does the eel fishing season end?").signals["kind_missing"] == 0.0


@pytest.mark.parametrize("question, kinds", [
    ("From what date, under the new rules, will eel vessels need a licence?", ["date"]),
    ("Given what the ministers agreed, what budget will the eel agency have?", ["amount"]),
])
def test_a_question_word_after_a_preposition_is_still_the_question_s(question, kinds):
    from assistant.facts import asked_kinds, asks_for_several

    assert asked_kinds(question) == kinds and not asks_for_several(question)


def test_more_than_a_figure_in_a_year_gives_that_year_s_figure(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Harbour inspectors checked more than 12 000 fishing vessels in 2030."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed seal colonies counted in 2029."),
    )
    reply = bot.ask("How many fishing vessels did harbour inspectors check in 2029?")
    assert not reply.answered, reply.text
    assert "2030" in reply.text and "2029" in reply.text, reply.text  # says why
    reply = bot.ask("How many fishing vessels did harbour inspectors check in 2030?")
    assert reply.answered and "12 000" in reply.text, reply.text


def test_one_of_a_series_is_not_answered_by_another_of_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The 13th cycle of the herring survey counted 4 000 schools of fish."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed 12 seal colonies."),
    )
    reply = bot.ask("How many schools of fish did the 12th cycle of the herring survey count?")
    assert not reply.answered, reply.text
    assert "13th cycle" in reply.text and "12th cycle" in reply.text, reply.text
    reply = bot.ask("How many schools of fish did the thirteenth cycle of the herring "
                    "survey count?")
    assert reply.answered and "4 000" in reply.text, reply.text


def test_why_is_not_answered_by_a_sentence_that_only_states_what_happened(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers noted that eel catches decreased by 12% in 2030.\n\n"
         "Herring catches rose by 5% in 2030 because of warmer waters.\n\n"
         "Ministers raised the cod licence fee to fund river restoration.\n\n"
         "Seal numbers rose by 8% in 2030."),
    )
    reply = bot.ask("Why did eel catches decrease by 12% in 2030?")
    assert not reply.answered, reply.text
    assert "no reason" in reply.text, reply.text
    reply = bot.ask("Why did seal numbers rise by 8% in 2030?")  # ("rose": a form of it)
    assert not reply.answered, reply.text
    reply = bot.ask("Why did herring catches rise by 5% in 2030?")
    assert reply.answered and "warmer waters" in reply.text, reply.text
    reply = bot.ask("Why did ministers raise the cod licence fee?")
    assert reply.answered and "river restoration" in reply.text, reply.text


def test_what_was_decided_or_asked_next_is_no_reason_but_what_for_is(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers noted that queues at some ferry ports reached three hours in the summer "
         "of 2030 and asked the Commission to propose practical solutions.\n\n"
         "Ministers decided to postpone the vote on the trawler levy to 2032.\n\n"
         "The Commission set up a new task force to reduce delays at harbours."),
    )
    for question in ("Why did queues at some ferry ports reach three hours in the summer "
                     "of 2030?", "Why did ministers decide to postpone the vote on the trawler "
                     "levy to 2032?"):
        reply = bot.ask(question)
        assert not reply.answered and "no reason" in reply.text, (question, reply.text)
    reply = bot.ask("Why did the Commission set up a new task force?")
    assert reply.answered and "reduce delays" in reply.text, reply.text


def test_a_purpose_after_an_object_is_a_reason_whatever_the_parse_calls_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The Council imposed sanctions on three trawler owners to deter illegal fishing.\n\n"
         "The Council invited the Commission to use the reserve to support fishers hit by "
         "storms.\n\n"
         "The Council appointed a special envoy to coordinate the response."),
    )
    for question, reason in (
            ("Why did the Council impose sanctions on three trawler owners?", "deter"),
            ("Why did the Council invite the Commission to use the reserve?", "support"),
            ("Why did the Council appoint a special envoy?", "coordinate")):
        reply = bot.ask(question)
        assert reply.answered and reason in reply.text, (question, reply.text)


def test_a_year_in_a_premise_the_question_opens_with_is_not_the_year_asked(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The eel fund opened in 2030 and has financed 40 river projects so far."),
        ("summer", "Riga", "5 June 2031", "Ministers discussed seal colonies counted in 2029."),
    )
    # (the release corrects the premise: the fund opened in 2030)
    reply = bot.ask("Since the eel fund opened in 2029, how many river projects has it "
                    "financed?")
    assert reply.answered and "40" in reply.text, reply.text
    # A year asked of the figure itself is still one the release must give.
    reply = bot.ask("How many river projects did the eel fund finance in 2029?")
    assert not reply.answered, reply.text


def test_a_currency_is_not_whose_budget_it_is(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers discussed the Eel Restoration programme. Its 2031 annual work "
         "programme has a budget of EUR 40 million."),
    )
    reply = bot.ask("What is the budget of the Eel Restoration annual work programme for 2031?")
    assert reply.answered and "EUR 40 million" in reply.text, reply.text


def test_a_budget_or_a_price_is_a_sum_of_money_not_any_figure(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The Eel Agency presented its yearly report: eel catches fell by 12% in 2030. "
         "The Agency's budget will grow by 5% in 2032."),
    )
    for question in ("What is the annual budget of the Eel Agency?",
                     "What price did eels fetch at auction in 2030?"):
        reply = bot.ask(question)
        assert not reply.answered, reply.text
    # ... but how much a budget changes is met by a share
    for question in ("By how much will the Eel Agency's budget grow in 2032?",
                     "How much will the Eel Agency's budget increase in 2032?",
                     "How much will the Eel Agency's budget go up in 2032?"):
        reply = bot.ask(question)
        assert reply.answered and "5%" in reply.text, reply.text


def test_an_abbreviation_names_the_body_whose_figure_is_asked(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers heard the European Eel Monitoring Office (EEMO) on river barriers.\n\n"
         "The Salmon Restoration Fund has a budget of EUR 40 million for 2031."),
        ("summer", "Riga", "5 June 2031",
         "Ministers welcomed the fisheries partnership agreement (FPA) with Norway.\n\n"
         "The agreement is due to be signed on 3 May 2032.\n\n"
         "Support for small and medium-sized enterprises (SMEs) was discussed, and an SME "
         "fund.\n\n"
         "Each voucher for fish processors will be worth EUR 5 000."),
    )
    reply = bot.ask("What is EEMO's annual budget?")
    assert not reply.answered, reply.text
    assert "EEMO" in reply.text, reply.text  # says why
    # (an abbreviation the release spells out in lower case names a thing, not a body)
    reply = bot.ask("When is the FPA due to be signed?")
    assert reply.answered and "3 May 2032" in reply.text, reply.text
    reply = bot.ask("How much will the SME voucher be worth?")
    assert reply.answered and "EUR 5 000" in reply.text, reply.text


def test_a_body_named_by_its_abbreviation_is_referred_to_by_its_head_noun(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers heard the European Eel Monitoring Office (EEMO) on river barriers.\n\n"
         "The office's budget for 2031 amounts to EUR 4 million.\n\n"
         "The Salmon Restoration Fund has a budget of EUR 40 million for 2031."),
    )
    reply = bot.ask("What is EEMO's budget for 2031?")
    assert reply.answered and "EUR 4 million" in reply.text, reply.text


def test_the_head_noun_names_an_abbreviated_body_only_in_the_release_spelling_it_out(
        tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers heard the European Eel Monitoring Office (EEMO) on river barriers."),
        ("summer", "Riga", "5 June 2031",
         "Ministers heard the Baltic Salmon Office on river barriers.\n\n"
         "The office's budget for 2032 amounts to EUR 9 million."),
    )
    # ("the office" of another release is another office)
    reply = bot.ask("What is EEMO's budget for 2032?")
    assert not reply.answered, reply.text


def test_the_year_of_a_figure_asked_of_a_body_is_that_of_a_passage_naming_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Ministers heard the European Eel Monitoring Office (EEMO) on river barriers. "
         "The EEMO budget for 2031 amounts to EUR 4 million.\n\n"
         "Ministers agreed that national budgets should fund fish ladders, with repayments "
         "of the Eel Loan Facility estimated at EUR 2 billion a year from 2032."),
    )
    reply = bot.ask("What will EEMO's budget be in 2032?")
    assert not reply.answered, reply.text
    assert "2031" in reply.text, reply.text  # says why
    reply = bot.ask("What will EEMO's budget be in 2031?")
    assert reply.answered and "EUR 4 million" in reply.text, reply.text


def test_a_figure_for_now_does_not_answer_one_asked_for_the_start(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "The Eel Harbours Network, launched in May 2030, now brings together 41 harbours."),
    )
    reply = bot.ask("How many harbours joined the Eel Harbours Network when it was launched?")
    assert not reply.answered, reply.text
    assert "now" in reply.text, reply.text  # says why
    reply = bot.ask("How many harbours does the Eel Harbours Network bring together?")
    assert reply.answered and "41" in reply.text, reply.text


@pytest.mark.parametrize("question, sentence", [
    # (an ordinal word inside another, an adverb, several of a series)
    ("What did the twenty-first session of the eel committee decide?",
     "The 21st session of the eel committee adopted three opinions."),
    ("When did ministers first meet in Bergen?",
     "This was the second meeting in Bergen, after the first in 2017."),
    ("What happened in the first herring cycle?",
     "In the first and second herring cycles, 12 countries reported."),
])
def test_an_ordinal_that_names_no_other_of_a_series_vetoes_nothing(question, sentence):
    from assistant.answerability import _other_ordinals

    assert _other_ordinals(question, sentence, sentence) is None


@pytest.mark.parametrize("question, sentence, vetoed", [
    ("How many harbours joined when it was launched?",
     "The network now brings together 41 harbours.", True),
    # ("now" said of something else, the start figure given too, "now" asked)
    ("How much money did the eel fund have when it was set up?",
     "The Council has now adopted the regulation setting up the eel fund, with a budget "
     "of EUR 40 million.", False),
    ("How many harbours took part when the network was first launched?",
     "The network, launched in 2030 with 12 harbours, now covers 41.", False),
    ("The fund was originally worth EUR 5 million; how much is it worth now?",
     "The fund is now worth EUR 8 million.", False),
    ("How many amendments did Parliament adopt at first reading?",
     "The text now includes 12 amendments.", False),
])
def test_a_figure_for_now_is_told_from_one_for_the_start(question, sentence, vetoed):
    from assistant.answerability import _now_for_start

    assert _now_for_start(question, [sentence]) is vetoed


@pytest.mark.parametrize("question, sentence, restated", [
    ("Why did eel catches decrease?", "Eel catches decreased by 12% in 2030.", True),
    ("Why did the harbours close?", "The harbours closed after the storm damaged the quays.",
     False),
    ("Why did the Council adopt the eel regulation?",
     "The Council adopted the eel regulation as eel prices had doubled.", False),
    ("Why did licence fees rise?", "Licence fees rose, reflecting higher fuel costs.", False),
])
def test_a_reason_in_other_words_is_no_restatement(question, sentence, restated):
    from assistant.answerability import _restates_why

    assert _restates_why(question, sentence, []) is restated


@pytest.mark.parametrize("question, sentence, unmet, restated", [
    # (a change stated the way it is asked, in other words, is a restatement)
    ("Why did the number of eel licences fall by 12%?",
     "Some 4 000 eel licences were issued in 2030, 12% fewer than in 2029.",
     ["number", "fall"], True),
    # (... stated the other way, it corrects the premise: an answer)
    ("Why did eel licences rise by 12%?",
     "Some 4 000 eel licences were issued in 2030, 12% fewer than in 2029.", ["rise"], False),
    # (a word the sentence does not meet in any form is still unmet)
    ("Why did the eel licences fall after the floods?",
     "Some 4 000 eel licences were issued in 2030, 12% fewer than in 2029.",
     ["fall", "floods"], False),
    # (a clause saying why, opened by "as" or "after", is a reason)
    ("Why did eel catches fall?",
     "Eel catches declined by 4% as a parasite spread to new rivers in Latvia.",
     ["fall"], False),
    ("Why did eel catches fall?",
     "Eel catches declined by 4% after the Daugava weir was closed.", ["fall"], False),
    ("Why did the eel catch levels fall?", "Eel catches declined by 4%.", ["levels", "fall"],
     True),
])
def test_a_change_restated_is_no_reason_and_one_corrected_is_an_answer(
        question, sentence, unmet, restated):
    from assistant.answerability import _restates_why

    assert _restates_why(question, sentence, unmet) is restated


def test_the_change_corrected_is_that_of_the_sentence_that_answers_best():
    from assistant.answerability import _restates_why

    best = "Eel farm income increased by 5% in 2030."
    quoted = f"{best} The number of eel farms was halved."
    assert not _restates_why("Why did eel farm income fall?", quoted, ["fall"], best)


def test_a_reason_given_right_after_the_fact_answers_why(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "11 March 2031",
         "Eel prices increased by 12% in 2030. Higher feed costs weighed on eel farms.\n\n"
         "Salmon prices increased by 7% in 2030. The salmon fund is due to start in 2031."),
    )
    reply = bot.ask("Why did eel prices increase in 2030?")
    assert reply.answered and "feed costs" in reply.text, reply.text
    # ("due to start" schedules; it gives no cause)
    reply = bot.ask("Why did salmon prices increase in 2030?")
    assert not reply.answered, reply.text


def test_what_happened_after_a_release_is_not_reported_by_it(tmp_path):
    bot = _councils(
        tmp_path,
        ("spring", "Oslo", "10-11 March 2031",
         "Ministers discussed eel stocks. The Council will adopt the eel regulation at "
         "its meeting on 5 May 2031."),
    )
    reply = bot.ask("Did the Council adopt the eel regulation at its meeting on 5 May 2031?")
    assert not reply.answered, reply.text
    assert "cannot report" in reply.text and "5 May 2031" in reply.text, reply.text
    # What is to come, and a day of the meeting itself, are another matter.
    reply = bot.ask("When will the Council adopt the eel regulation?")
    assert reply.answered and "5 May 2031" in reply.text, reply.text
    for question in ("What did ministers discuss on 11 March 2031?",
                     "What did ministers agree to prepare for the Council meeting of 5 May 2031?"):
        verdict = _assess(bot, question)
        assert "cannot report" not in verdict.reason, (question, verdict.reason)
