"""The facts module: kinds of fact in text, and the kind a question asks for.

Examples are made up here; none is from a question set."""

from __future__ import annotations

import re

import pytest

from assistant import facts, metrics
from assistant.facts import (
    FactType,
    asked_kind,
    asked_kinds,
    asks_for_several,
    fact_key,
    facts_of,
    markers,
    new_facts,
    spell_out,
    spelled_out_initials,
    strip_markers,
)
from assistant.guard import Claim, Guard


@pytest.mark.parametrize("text, kind, expected", [
    ("The ministers will meet again on 26-27 June 2031 in Lisbon.", "date", "26-27 June 2031"),
    ("It entered into force on the 3rd of November.", "date", "the 3rd of November"),
    ("The fund holds EUR 12.5 million for training.", "amount", "EUR 12.5 million"),
    ("Arrivals rose by 17% in the first quarter.", "amount", "17%"),
    ("The meeting took place in Lisbon.", "place", "Lisbon"),
    ("Minister Jan van Dijk spoke first.", "person", "Jan van Dijk"),
    ("The statement was issued at 09:15 CET.", "time", "09:15 CET"),
])
def test_facts_of_a_kind_are_found_whole(text, kind, expected):
    assert expected in [f.text for f in facts_of(kind, text)]


def test_thousands_grouped_by_spaces_are_one_number():
    # EU texts write "EUR 10 000": the same number as "10,000", not a 10 and a 000.
    assert facts.numbers("a payment of EUR 10 000 per person") == {"10000"}
    assert fact_key("24\u00a0000") == fact_key("24,000") == "24000"
    assert [f.text for f in facts_of("amount", "It costs EUR 10 000 a year.")] == ["EUR 10 000"]
    # A year beside a number, or two small numbers, stay apart.
    assert facts.numbers("In 2025 100 people applied, between 15 and 24 a day.") \
        == {"2025", "100", "15", "24"}


def test_a_date_range_is_new_to_a_question_that_names_only_its_month():
    sentence = "Ministers will meet again on 26-27 June 2031."
    assert new_facts("date", sentence, "When will they meet, according to the June meeting?")
    # ... but "June" alone says nothing the question did not.
    assert not new_facts("date", "They met in June.", "What did the June meeting decide?")


@pytest.mark.parametrize("question, kind", [
    ("According to the autumn meeting, when will the rules apply?", "date"),
    ("How much will the new agency cost?", "amount"),
    ("What was the agency's total budget last year?", "amount"),
    ("How many officers were deployed?", "count"),
    ("In which city did the ministers gather?", "place"),
    ("Who is the minister quoted on borders?", "human"),
    ("Which commissioner presented the plan?", "human"),
    ("Who presented the plan?", "person"),
    ("Who is responsible for the new register?", "person"),
    ("On what exact day will the rules apply?", "date"),
    ("In which two member states will the pilot run?", "place"),
    # After a common noun, a participle starts a clause: the sum is asked, not the countries.
    ("What was the record sum exporting countries paid in port fees?", "amount"),
    ("What did the ministers decide?", ""),
    ("What is the name of the new network?", "name"),
    ("Which delegations abstained?", "name"),
    ("What kind of body is the new network?", ""),
    ("At what time did the talks end?", "time"),
    ("What time frame did the ministers set?", "date"),
    # The head of the phrase after "which" is its last noun, past modifiers and names.
    ("Which are the four Member States that signed the letter?", "place"),
    ("Which Nordic associated countries joined the call?", "place"),
    ("What is the name of the Maltese minister who opened the talks?", "human"),
    ("What are the names of the towns hit by the floods?", "place"),
    # A common noun does not modify a name: "period" heads "the period Eurojust
    # officers want", not "officers".
    ("What is the longest period Eurojust officers want data kept?", ""),
    ("Which three regions received funds?", "place"),
    # "How long" asks for a span of time or a length, either of which answers it.
    ("How long is the new gas pipeline?", "duration"),
    ("What did the Maltese minister say about quotas?", "quote"),
    # Only one speaker's words are a quotation; what releases or ministers "say" is
    # what they report.
    ("What do the two releases say about quotas?", ""),
    ("What did ministers say about quotas?", ""),
])
def test_the_kind_of_fact_a_question_asks_for(question, kind):
    assert asked_kind(question) == kind


@pytest.mark.parametrize("question, kinds", [
    ("Where and when did ministers agree on the eel regulation?", ["place", "date"]),
    ("When and where will the next meeting be?", ["date", "place"]),
    ("Where and on what date did the fisheries ministers meet?", ["place", "date"]),
    ("When and in which town will the eel summit be held?", ["date", "place"]),
    ("On which dates was the Fisheries Council held?", ["date"]),
    ("Where did ministers agree on the eel regulation?", ["place"]),
    ("What did ministers agree?", []),
])
def test_a_question_may_ask_for_two_kinds_of_fact(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("question, several", [
    ("Which five files are still under negotiation?", True),
    ("What were the main risks listed in the report?", True),
    ("What is one of the main priorities of the Presidency?", False),
    ("Which of the priority actions is mentioned?", False),
    ("Which agency will run the register?", False),
])
def test_a_question_may_ask_for_several_things_by_a_plural_noun(question, several):
    assert asks_for_several(question) == several


def test_a_share_written_in_words_is_a_percentage():
    # "What share of farmers …?" is answered by "one in five" as by "20%".
    assert [f.text for f in facts_of("amount", "One in five farmers is over 65.")] == [
        "One in five"]
    assert [f.text for f in facts_of("amount", "Two out of 3 boats are old.")] == [
        "Two out of 3"]


def test_markers_are_read_and_stripped_in_one_place():
    text = "They met in May [1] and agreed [2, 3]."
    assert markers(text) == [1, 2, 3]
    assert strip_markers(text) == "They met in May and agreed."


def test_markers_small_models_write_with_spaces_are_markers_too():
    assert markers("Agreed [ 4 ] and met [2 ,3].") == [4, 2, 3]
    assert strip_markers("Agreed [ 4 ] and met [2 ,3].") == "Agreed and met."


# --- one table of fact types: the guard and the metrics read the same entries ---------


def _guard_and_passage(bot, needle: str):
    """The guard over the tiny corpus, a retrieval, and the [n] of the passage with needle."""
    retrieval = bot.retriever.retrieve(needle)
    n = next(n for n, sp in enumerate(retrieval.passages, 1) if needle in sp.passage.text)
    return Guard(bot.corpus, bot.embedder, bot.index), retrieval, n


def test_percentages_in_the_table_are_checked_by_the_guard_and_both_metrics(tiny_bot):
    guard, retrieval, n = _guard_and_passage(tiny_bot, "30 gigawatts")
    # The number is in the passage, but not as a percentage.
    wrong = guard.check(Claim("The grid will carry 30% of the power by 2040.", [n]), retrieval)
    assert wrong.reason == "not in the cited passages: 30%"
    source = "Gas storage stands at 78 per cent of capacity."
    assert metrics.supports(source, "Gas storage stands at 78% of capacity.")
    assert not metrics.supports("Gas storage stands at 78 units of capacity.",
                                "Gas storage stands at 78% of capacity.")
    assert metrics.key_fact_recall("Storage stands at 78 per cent.", ["78%"]) == 1
    assert metrics.key_fact_recall("Storage stands at 78 units.", ["78%"]) == 0


def test_a_fact_type_is_added_by_one_entry_in_the_table(monkeypatch, tiny_bot):
    guard, retrieval, n = _guard_and_passage(tiny_bot, "30 gigawatts")
    claim = "The grid will carry 30 gigawatts in the 2040s."
    source = "The grid will carry 30 gigawatts by 2040."
    # No type knows decades yet: "the 2040s" passes for the year 2040.
    assert metrics.supports(source, claim)
    assert "2040s" not in guard.check(Claim(claim, [n]), retrieval).reason

    decade = FactType("decade", re.compile(r"\b\d{3}0s\b"), key=lambda m: m.group(0))
    monkeypatch.setattr(facts, "FACT_TYPES", [*facts.FACT_TYPES, decade])
    assert not metrics.supports(source, claim)
    assert guard.check(Claim(claim, [n]), retrieval).reason == "not in the cited passages: 2040s"
    assert metrics.key_fact_recall("It ends in the 2040s.", ["2040s"]) == 1


@pytest.mark.parametrize("written, same", [
    ("25th", "25"), ("ten", "10"), ("21 per cent", "21%"), ("EUR", "€"), ("1,000", "1000"),
])
def test_one_fact_written_two_ways_has_one_key(written, same):
    assert fact_key(written) == fact_key(same) is not None


def test_an_abbreviation_the_corpus_never_writes_is_spelled_out_as_it_writes_it():
    initials = spelled_out_initials(
        "Ministers of the Marine Stewardship Committee met the Baltic Fisheries Forum (BFF).")
    assert initials["msc"] == "Marine Stewardship Committee"
    question = "What did the MSC say to the BFF?"
    # "BFF" is written in the corpus, so it stays; "MSC" is not, so it is spelled out.
    assert spell_out(question, initials, {"bff", "marine"}) == (
        "What did the Marine Stewardship Committee say to the BFF?")
    assert spell_out("Is the XYZ plan ready?", initials, set()) == "Is the XYZ plan ready?"


def test_a_blend_of_word_beginnings_is_spelled_out_as_the_corpus_writes_it():
    initials = spelled_out_initials(
        "The Maritime and Fisheries Board met. The Coastal Transport Forum met in Oslo.")
    vocabulary = {"board", "forum", "oslo", "met"}
    # "MarFish" and "COTRA" take two or more letters from each word, in order.
    assert spell_out("What did MarFish decide?", initials, vocabulary) == (
        "What did Maritime and Fisheries decide?")
    assert spell_out("Did COTRA meet?", initials, vocabulary) == "Did Coastal Transport meet?"
    # A name that is no blend, and a word the corpus writes, stay as they are.
    assert spell_out("Was Marseille at the Forum?", initials, vocabulary) == (
        "Was Marseille at the Forum?")


@pytest.mark.parametrize("text, person", [
    # Names the small entity model takes for a body, a place or a nationality.
    ("Aoife Ní Bhriain, Minister of State for Fisheries of Ireland, opened the debate.",
     "Aoife Ní Bhriain"),
    ("Saoirse Breathnach, Minister for the Marine, opened the debate.", "Saoirse Breathnach"),
    ("The Deputy Minister of Energy of Moldova, Taras Melnychuk, joined by video link.",
     "Taras Melnychuk"),
])
def test_a_name_set_off_beside_a_role_is_a_person(text, person):
    assert person in [f.text for f in facts_of("human", text)]


def test_a_body_beside_a_role_is_no_person():
    text = "The Commissioner for Home Affairs, European Commission, presented the plan."
    assert facts_of("human", text) == []


@pytest.mark.parametrize("text, parts", [
    ("17-18 December 2031", (2031, 12, 17)),
    ("the 3rd of March 2032", (2032, 3, 3)),
    ("November 2030", (2030, 11, 0)),
    ("on Thursday 25 January", None),  # no year: not placed in time
])
def test_a_written_date_is_read_as_year_month_and_day(text, parts):
    assert facts.date_parts(text) == parts


def test_a_date_is_before_another_only_as_far_as_both_say():
    assert facts.before((2030, 11, 0), (2031, 3, 11))
    assert facts.before((2031, 1, 1), (2031, 3, 11))
    assert not facts.before((2031, 3, 0), (2031, 3, 11))  # same month, day unknown
    assert not facts.before((2031, 6, 1), (2031, 3, 11))


@pytest.mark.parametrize("question", [
    "What age did ministers propose for opening an account?",
    "Which catch limit applies to hake?",
    "What was the vacancy rate in spring?",
])
def test_a_noun_whose_value_is_a_figure_asks_for_one(question):
    assert asked_kind(question) == "measure"


@pytest.mark.parametrize("question, kinds", [
    ("Did ministers set a deadline for the eel package?", ["date"]),
    ("Was a timetable agreed for the herring plan?", ["date"]),
    ("Was the date of the meeting 11 March?", []),  # a date to check, not one asked for
])
def test_whether_a_deadline_was_set_asks_for_a_date(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("question, kind", [
    ("What's the name of the minister who opened the debate?", "human"),
    ("Where's the fisheries agency based?", "place"),
    ("When's the next Council?", "date"),
])
def test_a_contracted_question_word_asks_as_the_full_one(question, kind):
    assert asked_kind(question) == kind


@pytest.mark.parametrize("text, label, fact", [
    ("Some 4.6 billion low-value parcels arrived, and 5.8 billion in 2032.", "CARDINAL",
     "5.8 billion"),
    ("One in four boats was inspected.", "PERCENT", "One in four"),
])
def test_large_counts_and_shares_are_read_as_written(text, label, fact):
    assert (label, fact) in [(f.label, f.text) for f in facts.find_facts(text)]
    # "billion in 2032" is no share
    assert "billion in 2032" not in [f.text for f in facts.find_facts(text)]


@pytest.mark.parametrize("question", [
    "Who is the EU fisheries commissioner?",
    "Who is the Home Affairs Minister quoted on eels?",
])
def test_who_is_a_role_named_by_a_compound_asks_for_a_person(question):
    assert asked_kind(question) == "human"


def test_a_one_word_person_after_in_is_a_town():
    text = "The new fisheries agency will have its seat in Jelgava from 2032."
    assert "Jelgava" in [f.text for f in facts_of("place", text)]


@pytest.mark.parametrize("text, parts", [
    ("the marketing year 2031", (2031, 0, 0)),  # "mar" in "marketing" is no March
    ("12 December 2030 to 15 January 2031", (2030, 12, 12)),
])
def test_a_date_s_month_is_the_month_name_written_before_its_year(text, parts):
    assert facts.date_parts(text) == parts


@pytest.mark.parametrize("text, name", [
    ("The Foreign Minister of Albania, North Macedonia and Serbia met.", "North Macedonia"),
    ("New Zealand, whose Prime Minister attended, joined.", "New Zealand"),
])
def test_a_country_beside_a_role_is_no_person(text, name):
    assert name not in [f.text for f in facts_of("human", text)]


@pytest.mark.parametrize("question, kinds", [
    ("Has the eel fund paid out any money to date?", []),
    ("Who is the minister Ana Pereira?", ["human"]),
    ("Who chaired the meeting, was it the Polish minister?", ["person"]),
    # (the "what" of a phrase saying where to look is not the question's)
    ("Under what the fisheries ministers agreed, how many eel traps will be removed?",
     ["count"]),
    ("According to what the Commissioner said, when will the eel fund open?", ["date"]),
    ("Under what programme will the eel fund be paid?", []),
])
def test_questions_that_only_look_like_other_kinds(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("text, quantity", [
    ("Inspectors seized more than 310 tonnes of mislabelled eel in 2031.", "310 tonnes"),
    ("The new herring cable is 1 200 km long.", "1 200 km"),
    ("The wind farm adds 90 MW to the grid.", "90 MW"),
])
def test_a_number_with_its_unit_of_measure_is_a_quantity(text, quantity):
    assert ("QUANTITY", quantity) in [(f.label, f.text) for f in facts.find_facts(text)]


@pytest.mark.parametrize("question, kinds", [
    ("What will the eel fund's budget be in 2032?", ["amount"]),
    ("What would the total cost of the herring plan be?", ["amount"]),
    ("What will the date of the next meeting be?", ["date"]),
    ("What will ministers discuss next?", []),
    ("What will ministers be discussing in June?", []),
    ("What will the agency be able to do?", []),
])
def test_what_will_a_noun_be_asks_for_the_kind_of_that_noun(question, kinds):
    assert asked_kinds(question) == kinds


def test_abbreviations_of_lower_case_words_are_found_and_names_are_not():
    text = ("Ministers discussed weapons of mass destruction (WMD), unmanned aerial "
            "vehicles (UAVs) and the European Maritime Safety Agency (EMSA). The state "
            "of play (SOP) was noted, as was the budget (XYZ).")
    assert facts.common_initials(text) == {"wmd", "uav", "sop"}
