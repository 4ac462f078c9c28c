"""Summaries: every rate is the metric function that bears its name, over the right rows."""

from __future__ import annotations

import pytest

from assistant import metrics
from assistant.evaluation import EvalRow, summarise


def _row(qid: str, answerable: bool, answered: bool | None, kind: str = "factoid",
         error: str | None = None) -> EvalRow:
    # The per-question scores the runner gives a row of this kind.
    key = "false_refusal" if answerable else "abstained"
    scores = {} if error else {key: float(not answered)}
    return EvalRow(id=qid, question_type=kind, answerable=answerable, user_input="?",
                   history=[], reference="", reference_contexts=[], must_include=[],
                   error=error, answered=answered, scores=scores)


ROWS = [
    _row("a1", True, True), _row("a2", True, False), _row("a3", True, True, "list"),
    _row("u1", False, False, "list"), _row("u2", False, True), _row("u3", False, False),
    _row("e1", False, None, error="RuntimeError: boom"),  # an error counts in no rate
]


def test_abstention_and_false_refusal_are_the_shares_a_reader_can_count():
    summary = summarise(ROWS)
    assert summary["metrics"]["abstention_unanswerable"] == pytest.approx(2 / 3)
    assert summary["metrics"]["false_refusal_answerable"] == pytest.approx(1 / 3)
    assert summary["by_type"]["list"]["abstained"] == 1.0
    assert summary["by_type"]["factoid"]["abstained"] == pytest.approx(1 / 2)


def test_the_rates_are_the_ones_the_per_question_scores_average_to():
    # The figures of runs before the rates went through the metric functions.
    ok = [r for r in ROWS if not r.error]
    metrics_now = summarise(ROWS)["metrics"]
    assert metrics_now["abstention_unanswerable"] == metrics.mean(
        r.scores.get("abstained") for r in ok)
    assert metrics_now["false_refusal_answerable"] == metrics.mean(
        r.scores.get("false_refusal") for r in ok)


def test_each_rate_is_computed_by_its_metric_function(monkeypatch):
    # The report prints these functions' docstrings as definitions: the numbers must be theirs.
    monkeypatch.setattr(metrics, "abstention_rate", lambda answered: 0.25)
    monkeypatch.setattr(metrics, "false_refusal_rate", lambda answered: 0.75)
    summary = summarise(ROWS)
    assert summary["metrics"]["abstention_unanswerable"] == 0.25
    assert summary["metrics"]["false_refusal_answerable"] == 0.75
    assert summary["by_type"]["list"]["abstained"] == 0.25


def test_a_rate_with_no_question_of_its_kind_is_not_applicable_rather_than_zero():
    summary = summarise([_row("a1", True, True)])
    assert summary["metrics"]["abstention_unanswerable"] is None
    assert summary["by_type"]["factoid"]["abstained"] is None
    assert summary["metrics"]["false_refusal_answerable"] == 0.0
