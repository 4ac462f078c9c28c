"""Ask, time and score one question into an EvalRow; run a whole set into a Report."""

from __future__ import annotations

import sys
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime

from .. import metrics as m
from .dataset import Question
from .judge import JUDGED, Judge
from .report import Report
from .summary import compare, summarise

# Keys an errored row has never carried in results.jsonl: left out rather than null.
_ONLY_WHEN_SET = ("backend", "query", "notice", "judge", "baseline")


@dataclass
class EvalRow:
    """One question's row of results.jsonl: the question, the reply, and its scores."""

    id: str
    question_type: str
    answerable: bool
    user_input: str
    history: list[dict]
    reference: str
    reference_contexts: list[str]  # the gold quotes, ids resolved to text
    must_include: list[str]
    error: str | None = None
    response: str = ""  # the answer text, with its [n] markers
    answered: bool | None = None  # None when the question failed with an error
    backend: str | None = None
    query: str | None = None
    notice: str | None = None
    citations: list[dict] = field(default_factory=list)  # Citation.to_dict() + "valid"
    retrieved: list[dict] = field(default_factory=list)  # {"id", "score", "text"}, best first
    timings: dict[str, float] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    judge: dict | None = None
    baseline: dict | None = None  # the starter pipeline's {"error", "retrieved", "scores"}

    @property
    def retrieved_contexts(self) -> list[str]:
        """The texts of the retrieved passages, best first (RAGAS's field)."""
        return [p["text"] for p in self.retrieved]

    def to_dict(self) -> dict:
        """The JSON form written to results.jsonl."""
        data = asdict(self)
        return {k: v for k, v in data.items() if not (k in _ONLY_WHEN_SET and v is None)}

    @classmethod
    def from_dict(cls, data: dict) -> EvalRow:
        """A row read back from results.jsonl, older runs' rows included."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def evaluate(
    bot,
    questions: list[Question],
    *,
    baseline=None,
    judge: Judge | None = None,
    previous: dict | None = None,
    progress: bool = True,
    source: str = "",
) -> Report:
    """Ask every question, score each reply, and summarise (errors are rows, not stops)."""
    from tqdm import tqdm

    corpus = bot.corpus
    chunks = baseline.chunk_texts() if baseline is not None else []
    started = datetime.now().isoformat(timespec="seconds")
    rows = []
    for question in tqdm(questions, desc="evaluating", unit="question", file=sys.stderr,
                         disable=not progress):
        row = ask(bot, question, judge)
        if baseline is not None:
            row.baseline = ask_baseline(baseline, question, corpus, chunks)
        rows.append(row)
    summary = summarise(rows)
    summary["run"] = {
        "started": started,
        "question_set": source,
        "questions": len(rows),
        "errors": sum(1 for r in rows if r.error),
        "backend": next((r.backend for r in rows if r.backend), ""),
        "answerer": bot.settings.answerer,
        "top_k": bot.settings.top_k,
        "documents": len(corpus.documents),
        "passages": len(corpus.passages),
        "judge": judge is not None,
        "baseline": baseline.name if baseline is not None else None,
        "unknown_fields": sorted({k for q in questions for k in q.extra}),
    }
    if previous is not None:
        summary["compare"] = compare(summary, previous)
    return Report(summary, rows)


def ask(bot, question: Question, judge: Judge | None = None) -> EvalRow:
    """Ask one question and score the reply; an exception becomes the row's error."""
    corpus = bot.corpus
    row = EvalRow(
        id=question.id,
        question_type=question.question_type,
        answerable=question.answerable,
        user_input=question.user_input,
        history=question.history,
        reference=question.reference,
        reference_contexts=question.contexts(corpus),
        must_include=question.must_include,
    )
    try:
        reply = bot.ask(question.user_input, question.history)
    except Exception as error:  # recorded in the row; the run goes on
        row.error = f"{type(error).__name__}: {error}"
        return row
    sent = reply.to_dict()  # the one JSON form of a reply, as the CLI and web API send it
    texts = {d.slug: d.text for d in corpus.documents}
    row.response, row.answered = sent["answer"], sent["answered"]
    row.backend, row.query, row.notice = sent["backend"], sent["query"], sent["notice"]
    row.timings = sent["timings"]
    row.citations = [
        {**c, "valid": m.quote_valid(c["quote"], c["start"], c["end"],
                                     texts.get(c["doc_slug"], ""))}
        for c in sent["citations"]
    ]
    row.retrieved = [{"id": sp.passage.id, "score": round(sp.score, 5), "text": sp.passage.text}
                     for sp in reply.passages]
    gold_count = sum(m.is_gold(p.text, row.reference_contexts) for p in corpus.passages)
    row.scores = score_reply(question, row, gold_count)
    if judge is not None:
        passages = [c["passage_text"] for c in row.citations] or row.retrieved_contexts[:3]
        row.judge = judge.grade(question.user_input, row.response, passages, question.reference)
        for key in JUDGED:
            row.scores[f"judge_{key}"] = row.judge.get(key)
    return row


def score_reply(question: Question, row: EvalRow, gold_count: int) -> dict:
    """Every per-question score of a row's reply (None where a metric does not apply)."""
    contexts = row.reference_contexts
    cited = {c["marker"]: c["passage_text"] for c in row.citations}
    scores: dict[str, float | None] = dict(
        retrieval_scores(row.retrieved_contexts, contexts, gold_count))
    if question.answerable:
        answer = m.strip_markers(row.response)
        scores["gold_cited"] = m.gold_cited([c["passage_text"] for c in row.citations], contexts)
        if question.must_include:
            scores["key_fact_recall"] = m.key_fact_recall(answer, question.must_include)
        if question.reference:
            scores["token_f1"] = m.token_f1(answer, question.reference)
            scores["exact_match"] = m.exact_match(answer, question.reference)
        scores["false_refusal"] = float(not row.answered)
    else:
        scores["abstained"] = float(not row.answered)
    if row.citations:
        scores["quote_validity"] = m.mean(float(c["valid"]) for c in row.citations)
    alce = m.citation_scores(row.response, cited)
    if row.answered and alce is not None:
        scores["citation_recall_proxy"], scores["citation_precision_proxy"] = alce
    return scores


def retrieval_scores(texts: list[str], contexts: list[str], gold_count: int) -> dict:
    """hit@1/3/5, recall@5, MRR and nDCG@5 of passages ranked best first ({} without gold)."""
    if not contexts:
        return {}
    flags = m.gold_flags(texts, contexts)
    return {
        "hit@1": m.hit_at(flags, 1),
        "hit@3": m.hit_at(flags, 3),
        "hit@5": m.hit_at(flags, 5),
        "recall@5": m.recall_at(texts, contexts, 5),
        "mrr": m.reciprocal_rank(flags),
        "ndcg@5": m.ndcg_at(flags, gold_count, 5),
    }


def ask_baseline(baseline, question: Question, corpus, chunks: list[str]) -> dict:
    """The starter pipeline's retrieval for one question, scored like ours."""
    contexts = question.contexts(corpus)
    try:
        hits, elapsed = baseline.retrieve(question.user_input)
    except Exception as error:  # recorded; the run goes on
        return {"error": f"{type(error).__name__}: {error}", "scores": {}, "retrieved": []}
    texts = [h.text for h in hits]
    gold_count = sum(m.is_gold(t, contexts) for t in chunks)
    return {
        "error": None,
        "retrieved": [{"id": h.node_id, "score": round(h.score, 5), "chars": len(h.text)}
                      for h in hits],
        "timings": {"retrieve": elapsed, "total": elapsed},
        "scores": retrieval_scores(texts, contexts, gold_count),
    }
