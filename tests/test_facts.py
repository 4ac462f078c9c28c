"""The facts module: kinds of fact in text, and the kind a question asks for.

Examples are made up here; none is from a question set."""

from __future__ import annotations

import pytest

from assistant.facts import asked_kind, facts_of, markers, new_facts, strip_markers


@pytest.mark.parametrize("text, kind, expected", [
    ("The ministers will meet again on 26-27 June 2031 in Lisbon.", "date", "26-27 June 2031"),
    ("It entered into force on the 3rd of November.", "date", "the 3rd of November"),
    ("The fund holds EUR 12.5 million for training.", "amount", "EUR 12.5 million"),
    ("Arrivals rose by 17% in the first quarter.", "amount", "17%"),
    ("The meeting took place in Lisbon.", "place", "Lisbon"),
    ("Minister Jan van Dijk spoke first.", "person", "Jan van Dijk"),
])
def test_facts_of_a_kind_are_found_whole(text, kind, expected):
    assert expected in [f.text for f in facts_of(kind, text)]


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
    ("Who is the minister quoted on borders?", "person"),
    ("Which commissioner presented the plan?", "person"),
    ("On what exact day will the rules apply?", "date"),
    ("In which two member states will the pilot run?", "place"),
    ("What did the ministers decide?", ""),
    ("What is the name of the new network?", "name"),
    ("Which delegations abstained?", "name"),
    ("What kind of body is the new network?", ""),
])
def test_the_kind_of_fact_a_question_asks_for(question, kind):
    assert asked_kind(question) == kind


def test_markers_are_read_and_stripped_in_one_place():
    text = "They met in May [1] and agreed [2, 3]."
    assert markers(text) == [1, 2, 3]
    assert strip_markers(text) == "They met in May and agreed."
