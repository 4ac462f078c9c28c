"""Rows -> summary: every rate by the metric function that bears its name; and comparing."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .. import metrics as m

if TYPE_CHECKING:
    from .runner import EvalRow

# The targets for the offline default on the public set.
TARGETS = {
    "hit@3": (">=", 0.95),
    "key_fact_recall": (">=", 0.90),
    "gold_cited": (">=", 0.90),
    "abstention_unanswerable": (">=", 0.80),
    "false_refusal_answerable": ("<=", 0.05),
}
RETRIEVAL = ("hit@1", "hit@3", "hit@5", "recall@5", "mrr", "ndcg@5")
HEADLINE = RETRIEVAL + (
    "key_fact_recall",
    "token_f1",
    "exact_match",
    "quote_validity",
    "gold_cited",
    "citation_recall_proxy",
    "citation_precision_proxy",
    "abstention_unanswerable",
    "false_refusal_answerable",
    "chars_per_citation",
    "judge_faithfulness",
    "judge_correctness",
)
LOWER_IS_BETTER = {"false_refusal_answerable", "false_refusal", "chars_per_citation"}
# Per-question scores kept in summary.json, so --compare can name what got worse.
PER_QUESTION = (
    "hit@3", "key_fact_recall", "gold_cited", "citation_recall_proxy", "abstained",
    "false_refusal",
)
BY_TYPE = ("hit@3", "key_fact_recall", "gold_cited", "abstained")
STAGES = ("condense", "retrieve", "first_text", "answer", "total")

DEFINITIONS = {
    "hit@k": m.definition(m.hit_at),
    "recall@5": m.definition(m.recall_at),
    "mrr": m.definition(m.reciprocal_rank),
    "ndcg@5": m.definition(m.ndcg_at),
    "gold passage": m.definition(m.is_gold),
    "answer text": "Answers are scored without their [n] citation markers.",
    "key_fact_recall": m.definition(m.key_fact_recall),
    "token_f1": m.definition(m.token_f1),
    "exact_match": m.definition(m.exact_match),
    "quote_validity": m.definition(m.quote_valid),
    "gold_cited": m.definition(m.gold_cited),
    "citation_recall_proxy": "ALCE citation recall, proxy: share of an answer's sentences "
    "whose cited passages, joined, support them.",
    "citation_precision_proxy": "ALCE citation precision, proxy: share of citations that "
    "are not irrelevant (irrelevant: does not support its sentence alone, and the "
    "sentence's other citations support it without it; all citations of an unsupported "
    "sentence count as imprecise).",
    "support (proxy)": m.definition(m.supports),
    "abstention_unanswerable": m.definition(m.abstention_rate),
    "false_refusal_answerable": m.definition(m.false_refusal_rate),
    "chars_per_citation": "Characters per citation: average length of what a citation "
    "sends the reader to read (our exact quote; the baseline's retrieved chunk).",
    "latency": "Latency p50/p95, in ms per stage of Reply.timings: the "
    + m.definition(m.percentile),
    "judge_faithfulness": "Judge faithfulness (LLM, 0-1): share of the answer's claims "
    "its passages support.",
    "judge_correctness": "Judge correctness (LLM, 0-1): how far the answer agrees with "
    "the reference.",
}


def summarise(rows: list[EvalRow]) -> dict:
    """Averages over the rows that ran, per metric, per question type and per stage."""
    ok = [r for r in rows if not r.error]
    summary = {"metrics": _averages(ok), "counts": _counts(rows)}
    summary["by_type"] = {
        kind: {"n": len(group), **_by_type(group)} for kind, group in _grouped(ok).items()
    }
    summary["latency_ms"] = _latency([r.timings for r in ok])
    base = [r.baseline for r in rows if r.baseline and not r.baseline["error"]]
    if base:
        retrieved = [p["chars"] for b in base for p in b["retrieved"]]
        summary["baseline"] = {
            "metrics": {
                **{k: _avg([b["scores"] for b in base], k) for k in RETRIEVAL},
                "chars_per_citation": m.mean(retrieved),
            },
            "latency_ms": _latency([b.get("timings", {}) for b in base]),
            "errors": sum(1 for r in rows if r.baseline and r.baseline["error"]),
        }
    summary["per_question"] = {
        r.id: {k: r.scores[k] for k in PER_QUESTION if r.scores.get(k) is not None}
        for r in ok
    }
    summary["definitions"] = DEFINITIONS
    summary["targets"] = {k: f"{op} {v}" for k, (op, v) in TARGETS.items()}
    return summary


def rate(metric: Callable[[list[bool]], float], rows: Iterable[EvalRow],
         answerable: bool) -> float | None:
    """metric over whether each row of one kind (answerable or not) was answered;
    None when the rows hold no question of that kind, as a mean over nothing is."""
    answered = [bool(r.answered) for r in rows if r.answerable is answerable]
    return metric(answered) if answered else None


def _avg(scores: list[dict], key: str) -> float | None:
    return m.mean(s.get(key) for s in scores)


def _averages(rows: list[EvalRow]) -> dict:
    averages = {k: _avg([r.scores for r in rows], k) for k in HEADLINE}
    averages["abstention_unanswerable"] = rate(m.abstention_rate, rows, answerable=False)
    averages["false_refusal_answerable"] = rate(m.false_refusal_rate, rows, answerable=True)
    citations = [c for r in rows for c in r.citations]
    # Over all citations, not per question: one bad quote in a long answer still counts.
    averages["quote_validity"] = m.mean(float(c["valid"]) for c in citations)
    averages["chars_per_citation"] = m.mean(len(c["quote"]) for c in citations)
    return averages


def _by_type(group: list[EvalRow]) -> dict:
    scores = {k: _avg([r.scores for r in group], k) for k in BY_TYPE}
    # Within a type, "abstained" is that type's abstention rate.
    scores["abstained"] = rate(m.abstention_rate, group, answerable=False)
    return scores


def _counts(rows: list[EvalRow]) -> dict:
    return {
        "questions": len(rows),
        "answerable": sum(1 for r in rows if r.answerable),
        "unanswerable": sum(1 for r in rows if not r.answerable),
        "errors": sum(1 for r in rows if r.error),
        "citations": sum(len(r.citations) for r in rows),
    }


def _grouped(rows: list[EvalRow]) -> dict[str, list[EvalRow]]:
    groups: dict[str, list[EvalRow]] = {}
    for r in rows:
        groups.setdefault(r.question_type, []).append(r)
    return groups


def _latency(timings: list[dict[str, float]]) -> dict:
    stages = [s for s in STAGES if any(s in t for t in timings)]
    result = {}
    for stage in stages:
        values = [t[stage] for t in timings if stage in t]
        result[stage] = {"p50": m.percentile(values, 50), "p95": m.percentile(values, 95),
                         "n": len(values)}
    return result


def compare(summary: dict, previous: dict) -> dict:
    """Deltas per metric against an earlier summary, and the questions that got worse."""
    before, now = previous.get("metrics", {}), summary["metrics"]
    deltas = {
        k: {"before": before[k], "now": now[k], "delta": now[k] - before[k]}
        for k in HEADLINE
        if isinstance(before.get(k), (int, float)) and now.get(k) is not None
    }
    worse = []
    old_rows = previous.get("per_question", {})
    for qid, scores in summary["per_question"].items():
        dropped = [
            {"metric": k, "before": old_rows[qid][k], "now": v}
            for k, v in scores.items()
            if k in old_rows.get(qid, {}) and _worse(k, old_rows[qid][k], v)
        ]
        if dropped:
            worse.append({"id": qid, "changes": dropped})
    return {"previous": previous.get("run", {}).get("started", ""), "deltas": deltas,
            "worse": worse}


def _worse(metric: str, before: float, now: float) -> bool:
    return now > before if metric in LOWER_IS_BETTER else now < before
