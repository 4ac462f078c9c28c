"""Metric functions against small cases computed by hand."""

from __future__ import annotations

import math

import pytest

from assistant import metrics as m

ALLIANCE = (
    "On the 24th of January, an important milestone has been reached on the launch of the "
    "European Ports Alliance, a public-private partnership."
)
UKRAINE = "The war is far from over, but the temporary protection is foreseen to end in 2025."


def test_retrieval_scores_of_gold_at_ranks_2_and_4():
    flags = [False, True, False, True, False]
    assert m.hit_at(flags, 1) == 0 and m.hit_at(flags, 3) == 1
    assert m.reciprocal_rank(flags) == 0.5
    # DCG = 1/log2(3) + 1/log2(5); ideal with 2 gold = 1/log2(2) + 1/log2(3).
    expected = (1 / math.log2(3) + 1 / math.log2(5)) / (1 + 1 / math.log2(3))
    assert m.ndcg_at(flags, gold_count=2, k=5) == pytest.approx(expected)
    assert m.ndcg_at([True, True], gold_count=2, k=5) == 1.0
    assert m.reciprocal_rank([False, False]) == 0 and m.ndcg_at([False], 0, 5) == 0


def test_gold_is_a_passage_containing_a_reference_context_whatever_the_line_breaks():
    passage = "Based on the EU roadmap, ten priority\nactions have been identified."
    assert m.is_gold(passage, ["ten priority actions"])
    assert not m.is_gold(passage, ["twelve priority actions"])
    texts = ["x ten priority actions y", "nothing", "the launch of the alliance"]
    contexts = ["ten priority actions", "launch of the alliance", "not anywhere"]
    assert m.recall_at(texts, contexts, 5) == pytest.approx(2 / 3)
    assert m.recall_at(texts, contexts, 1) == pytest.approx(1 / 3)


def test_key_fact_recall_counts_alternatives_and_whole_words_only():
    answer = "They met on Thursday the 25th of January [1]."
    assert m.key_fact_recall(answer, ["25TH", "march|january", "Brussels"]) == pytest.approx(2 / 3)
    # "ten" inside "often" or "attention" is not the fact "ten".
    assert m.key_fact_recall("It often needs attention.", ["ten"]) == 0
    # A number is found as an ordinal, but not inside a longer number.
    assert m.key_fact_recall(answer, ["25"]) == 1
    assert m.key_fact_recall("It ends in 2025.", ["25"]) == 0
    # The same fact written another way (facts.py's key) is found too.
    assert m.key_fact_recall("Ten ports joined, 21 per cent more.", ["10", "21%"]) == 1


def test_squad_token_f1_and_exact_match():
    # normalised: "24th of january" vs "on 24th january": 2 shared tokens of 3 each.
    assert m.token_f1("The 24th of January.", "On 24th January") == pytest.approx(2 / 3)
    assert m.exact_match("The Council.", "council") == 1
    assert m.exact_match("The Council met.", "council") == 0
    assert m.token_f1("", "") == 1 and m.token_f1("yes", "") == 0


def test_quote_validity_needs_the_exact_text_at_the_offsets():
    text = "Hello world. Bye."
    assert m.quote_valid("world", 6, 11, text)
    assert not m.quote_valid("world", 5, 10, text)
    assert not m.quote_valid("", 0, 0, text)


def test_gold_cited():
    assert m.gold_cited([UKRAINE, ALLIANCE], ["European Ports Alliance"]) == 1
    assert m.gold_cited([UKRAINE], ["European Ports Alliance"]) == 0


def test_statements_keep_their_markers():
    answer = "The alliance was launched on 24 January. [1] It ends in 2025 [2][3]. Ok [4, 5]."
    assert m.statements(answer) == [
        ("The alliance was launched on 24 January.", [1]),
        ("It ends in 2025.", [2, 3]),
        ("Ok.", [4, 5]),
    ]


def test_support_proxy_wants_the_words_numbers_and_names():
    assert m.supports(ALLIANCE, "The European Ports Alliance is a public-private partnership.")
    assert not m.supports(ALLIANCE, "The European Ports Alliance was launched on 26 January.")
    assert not m.supports(ALLIANCE, "Ylva Johansson launched the European Ports Alliance.")
    assert not m.supports("", "Anything at all.")


def test_support_proxy_reads_names_as_the_guard_does():
    source = "Minister Fernando Grande-Marlaska chaired the meeting in Logroño."
    # A hyphenated name is two words, as the evidence's words are.
    assert m.supports(source, "Fernando Grande-Marlaska chaired the meeting in Logroño.")
    assert not m.supports(source, "Fernando Grande-Marlaska chaired the meeting in Bilbao.")


def test_alce_precision_halves_when_one_of_two_citations_is_irrelevant():
    answer = "The European Ports Alliance is a public-private partnership. [1][2]"
    recall, precision = m.citation_scores(answer, {1: ALLIANCE, 2: UKRAINE})
    # [1] supports alone; [2] does not, and [1] supports without it: [2] is irrelevant.
    assert recall == 1 and precision == 0.5


def test_alce_two_citations_both_needed_are_both_precise():
    answer = (
        "The European Ports Alliance was launched while temporary protection ends in 2025. [1][2]"
    )
    assert m.citation_scores(answer, {1: ALLIANCE, 2: UKRAINE}) == (1, 1)


def test_alce_unsupported_or_uncited_sentences():
    answer = "The alliance costs 5 million euros. [1] The war is far from over."
    recall, precision = m.citation_scores(answer, {1: ALLIANCE})
    assert recall == 0 and precision == 0
    # A marker that points at no citation cites nothing.
    assert m.citation_scores("The war is far from over. [7]", {1: UKRAINE}) == (0, 0)
    assert m.citation_scores("", {}) is None


def test_rates_and_nearest_rank_percentiles():
    assert m.abstention_rate([False, False, True, False]) == 0.75
    assert m.false_refusal_rate([True, True, True, False]) == 0.25
    assert m.percentile([40, 10, 30, 20], 50) == 20
    assert m.percentile([40, 10, 30, 20], 95) == 40
    assert m.mean([1, None, 0]) == 0.5 and m.mean([None]) is None


def test_every_metric_has_a_one_line_definition():
    for function in (m.hit_at, m.recall_at, m.reciprocal_rank, m.ndcg_at, m.key_fact_recall,
                     m.token_f1, m.exact_match, m.quote_valid, m.gold_cited, m.supports):
        text = m.definition(function)
        assert text and "\n" not in text and len(text) < 300
