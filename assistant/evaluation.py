"""Question set -> scores and a report: `assistant eval` and its Python API.

    from assistant.evaluation import load_questions, evaluate
    report = evaluate(bot, load_questions("corpus/questions.jsonl"))
    print(report.to_markdown())

Metrics are defined in assistant/metrics.py; the report quotes those definitions.
"""

from __future__ import annotations

import base64
import html
import json
import re
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

from . import metrics as m
from .templates import render_prompt

EXIT_BAD_INPUT = 2

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

JUDGED = ("faithfulness", "correctness")
NO_REFERENCE = "(none: the release does not answer this; a correct answer says so)"


# --- question sets -----------------------------------------------------------------


class QuestionSetError(ValueError):
    """A question set cannot be used; .problems lists what is wrong, with line numbers."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Question:
    """One line of a question set (RAGAS / LlamaIndex field names)."""

    id: str
    user_input: str
    reference: str = ""
    reference_contexts: list[str] = field(default_factory=list)
    reference_context_ids: list[str] = field(default_factory=list)
    must_include: list[str] = field(default_factory=list)
    answerable: bool = True
    question_type: str = "unspecified"
    history: list[dict] = field(default_factory=list)
    split: str = ""  # "dev" or "test"; "" when the set is not split
    line: int = 0
    extra: dict = field(default_factory=dict)  # fields this harness does not know, kept

    def contexts(self, corpus) -> list[str]:
        """The gold quotes: reference_contexts plus the text of reference_context_ids."""
        by_id = [corpus.passage(i).text for i in self.reference_context_ids
                 if corpus.has_passage(i)]
        return self.reference_contexts + by_id


@dataclass
class QuestionSet:
    """What reading a question set found: the questions, errors and notes."""

    questions: list[Question]
    errors: list[str]
    notes: list[str]


_KNOWN = {
    "id", "user_input", "question", "reference", "reference_contexts",
    "reference_context_ids", "must_include", "answerable", "question_type", "history",
    "split",
}


def read_question_set(path: str | Path, corpus=None) -> QuestionSet:
    """Parse a JSONL question set; with a corpus, also look every quote up in it."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return QuestionSet([], [f"{path}: no such file."], [])
    except (OSError, UnicodeDecodeError) as error:
        return QuestionSet([], [f"{path}: cannot be read ({error})."], [])
    questions, errors, unknown, seen = [], [], {}, {}
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"line {n}: not valid JSON: {error.msg} (column {error.colno}).")
            continue
        if not isinstance(data, dict):
            errors.append(f"line {n}: expected a JSON object, got {type(data).__name__}.")
            continue
        problems: list[str] = []
        question = _question(data, n, problems)
        if question and question.id in seen:
            problems.append(f"id {question.id!r} is already used on line {seen[question.id]}.")
        if question and corpus is not None:
            problems += _missing_quotes(question, corpus)
        errors += [f"line {n}: {p}" for p in problems]
        if question and not problems:
            seen[question.id] = n
            questions.append(question)
            for key in question.extra:
                unknown.setdefault(key, []).append(n)
    notes = [
        f"unknown field {key!r} kept (lines {_lines(numbers)})."
        for key, numbers in unknown.items()
    ]
    if not questions and not errors:
        errors.append(f"{path}: holds no question.")
    return QuestionSet(questions, errors, notes)


def load_questions(path: str | Path, corpus=None) -> list[Question]:
    """The questions of a JSONL set; raises QuestionSetError listing every problem."""
    found = read_question_set(path, corpus)
    if found.errors:
        raise QuestionSetError(found.errors)
    return found.questions


def _question(data: dict, n: int, problems: list[str]) -> Question | None:
    text = data.get("user_input", data.get("question"))
    if "id" not in data:
        problems.append("missing field 'id'.")
    elif not isinstance(data["id"], (str, int)) or isinstance(data["id"], bool):
        problems.append("'id' must be a string.")
    if text is None:
        problems.append("missing field 'user_input' (or 'question').")
    elif not isinstance(text, str) or not text.strip():
        problems.append("'user_input' must be a non-empty string.")
    answerable = data.get("answerable", True)
    if not isinstance(answerable, bool):
        problems.append("'answerable' must be true or false.")
    for key in ("reference", "question_type"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"{key!r} must be a string.")
    for key in ("reference_contexts", "reference_context_ids", "must_include"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{key!r} must be a list of non-empty strings.")
    history = data.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(t, dict) and t.get("role") in ("user", "assistant")
        and isinstance(t.get("content"), str)
        for t in history
    ):
        problems.append("'history' must be a list of {\"role\": \"user\"|\"assistant\", "
                        "\"content\": \"...\"} messages.")
    if answerable is True and not (data.get("reference_contexts")
                                   or data.get("reference_context_ids")):
        problems.append("an answerable question needs 'reference_contexts' (exact quotes "
                        "from the corpus) or 'reference_context_ids'.")
    if problems:
        return None
    return Question(
        id=str(data["id"]),
        user_input=text.strip(),
        reference=data.get("reference", ""),
        reference_contexts=list(data.get("reference_contexts", [])),
        reference_context_ids=list(data.get("reference_context_ids", [])),
        must_include=list(data.get("must_include", [])),
        answerable=answerable,
        question_type=data.get("question_type") or "unspecified",
        history=list(history),
        split=str(data.get("split", "")),
        line=n,
        extra={k: v for k, v in data.items() if k not in _KNOWN},
    )


def _missing_quotes(question: Question, corpus) -> list[str]:
    texts = [d.text for d in corpus.documents]
    squashed = [" ".join(t.split()).lower() for t in texts]
    problems = []
    for quote in question.reference_contexts:
        if any(quote in t for t in texts):
            continue
        near = " ".join(quote.split()).lower()
        hint = " (it differs only in case or spacing)" if any(near in t for t in squashed) else ""
        problems.append(f"reference_context not found verbatim in the corpus{hint}: "
                        f"{textwrap.shorten(quote, 80)!r}")
    for passage_id in question.reference_context_ids:
        if not corpus.has_passage(passage_id):
            problems.append(f"reference_context_id {passage_id!r} is not a passage of the corpus.")
    return problems


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:8]))
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


# --- the LLM judge -------------------------------------------------------------------


class Judge:
    """LLM-judged faithfulness and correctness through an OpenAI-compatible server."""

    def __init__(self, settings):
        from openai import OpenAI

        self.model = settings.llm_model
        self._client = OpenAI(
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key or "not-needed",  # local servers take any key
            timeout=settings.llm_timeout,
            max_retries=1,
        )

    def grade(self, question: str, answer: str, passages: list[str], reference: str) -> dict:
        """{"faithfulness", "correctness"} in 0..1, or {"error": why} (never raises)."""
        prompt = render_prompt(
            "judge",
            passages="\n\n".join(f"[{n}] {p}" for n, p in enumerate(passages, 1)) or "(none)",
            question=question,
            reference=reference or NO_REFERENCE,
            answer=m.strip_markers(answer),
        )
        from openai import BadRequestError

        request = dict(model=self.model, messages=[{"role": "user", "content": prompt}],
                       temperature=0, max_tokens=60)
        try:
            try:
                # JSON mode keeps small models to the format; not every server has it.
                response = self._client.chat.completions.create(
                    **request, response_format={"type": "json_object"})
            except BadRequestError:
                response = self._client.chat.completions.create(**request)
            return _grades(response.choices[0].message.content or "")
        except Exception as error:  # a judge that fails must not stop the run
            return {"error": f"{type(error).__name__}: {error}"[:300]}


def _grades(text: str) -> dict:
    # Read the two numbers wherever they are: small models wrap or cut their JSON.
    found = {
        key: re.search(rf'"{key}"\s*:\s*"?(-?\d+(?:\.\d+)?)', text) for key in JUDGED
    }
    if not all(found.values()):
        return {"error": f"the judge did not reply with the JSON asked for: {text[:120]!r}"}
    return {key: min(1.0, max(0.0, float(match.group(1)))) for key, match in found.items()}


# --- running a set -----------------------------------------------------------------


@dataclass
class Report:
    """The result of an evaluation: a summary, one row per question, and renderings."""

    summary: dict
    rows: list[dict]

    def to_json(self) -> str:
        """Summary and rows as one JSON document."""
        return json.dumps({"summary": self.summary, "rows": self.rows}, indent=2,
                          ensure_ascii=False)

    def to_markdown(self) -> str:
        """The report in Markdown; plots are linked as PNG files written beside it."""
        return _markdown(_blocks(self, embed=False))

    def to_html(self) -> str:
        """The report as one self-contained HTML page (plots embedded as PNG data)."""
        return _html(_blocks(self, embed=True), "Evaluation report")

    @cached_property
    def plots(self) -> dict[str, bytes]:
        """PNG plots by file name: scores by type, latency, and comparison when comparing."""
        plots = {
            "scores_by_type.png": _plot_by_type(self.summary),
            "latency.png": _plot_latency(self.rows),
        }
        if self.summary.get("baseline") or self.summary.get("compare"):
            plots["comparison.png"] = _plot_comparison(self.summary)
        return plots

    def write(self, folder: str | Path, export: str | None = None) -> list[Path]:
        """Write results.jsonl, summary.json, report.md/.html and the plots; return paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []

        def put(name: str, content: str | bytes) -> None:
            path = folder / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            written.append(path)

        put("results.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in self.rows))
        put("summary.json", json.dumps(self.summary, indent=2, ensure_ascii=False) + "\n")
        for name, png in self.plots.items():
            put(name, png)
        put("report.md", self.to_markdown())
        put("report.html", self.to_html())
        if export == "ragas":
            put("ragas.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n"
                                       for r in ragas_rows(self.rows)))
        return written


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
        row = _ask(bot, question, corpus, judge)
        if baseline is not None:
            row["baseline"] = _ask_baseline(baseline, question, corpus, chunks)
        rows.append(row)
    summary = summarise(rows)
    summary["run"] = {
        "started": started,
        "question_set": source,
        "questions": len(rows),
        "errors": sum(1 for r in rows if r["error"]),
        "backend": next((r["backend"] for r in rows if r.get("backend")), ""),
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


def _ask(bot, question: Question, corpus, judge: Judge | None) -> dict:
    row = {
        "id": question.id,
        "question_type": question.question_type,
        "answerable": question.answerable,
        "user_input": question.user_input,
        "history": question.history,
        "reference": question.reference,
        "reference_contexts": question.contexts(corpus),
        "must_include": question.must_include,
        "error": None,
    }
    try:
        reply = bot.ask(question.user_input, question.history)
    except Exception as error:  # recorded in the row; the run goes on
        row.update(error=f"{type(error).__name__}: {error}", scores={}, citations=[],
                   retrieved=[], timings={}, response="", answered=None)
        return row
    citations = []
    for c in reply.citations:
        text = corpus.document(c.doc_slug).text if c.doc_slug in _slugs(corpus) else ""
        citations.append({
            "marker": c.marker, "passage_id": c.passage_id, "quote": c.quote,
            "start": c.start, "end": c.end, "valid": m.quote_valid(c.quote, c.start, c.end, text),
        })
    row.update(
        response=reply.text,
        answered=reply.answered,
        backend=reply.backend,
        query=reply.query,
        notice=reply.notice,
        citations=citations,
        retrieved=[{"id": sp.passage.id, "score": round(sp.score, 5), "text": sp.passage.text}
                   for sp in reply.passages],
        timings=reply.timings,
    )
    gold_count = sum(m.is_gold(p.text, row["reference_contexts"]) for p in corpus.passages)
    row["scores"] = score_reply(question, row, reply, gold_count)
    if judge is not None:
        passages = [c.passage_text for c in reply.citations] or [
            sp.passage.text for sp in reply.passages[:3]]
        row["judge"] = judge.grade(question.user_input, reply.text, passages, question.reference)
        for key in JUDGED:
            row["scores"][f"judge_{key}"] = row["judge"].get(key)
    return row


def _slugs(corpus) -> set[str]:
    return {d.slug for d in corpus.documents}


def score_reply(question: Question, row: dict, reply, gold_count: int) -> dict:
    """Every per-question score of one reply (None where a metric does not apply)."""
    contexts = row["reference_contexts"]
    scores: dict[str, float | None] = dict(_retrieval_scores(
        [p["text"] for p in row["retrieved"]], contexts, gold_count))
    if question.answerable:
        answer = m.strip_markers(reply.text)
        scores["gold_cited"] = m.gold_cited([c.passage_text for c in reply.citations], contexts)
        if question.must_include:
            scores["key_fact_recall"] = m.key_fact_recall(answer, question.must_include)
        if question.reference:
            scores["token_f1"] = m.token_f1(answer, question.reference)
            scores["exact_match"] = m.exact_match(answer, question.reference)
        scores["false_refusal"] = float(not reply.answered)
    else:
        scores["abstained"] = float(not reply.answered)
    if row["citations"]:
        scores["quote_validity"] = m.mean(float(c["valid"]) for c in row["citations"])
    alce = m.citation_scores(reply.text, {c.marker: c.passage_text for c in reply.citations})
    if reply.answered and alce is not None:
        scores["citation_recall_proxy"], scores["citation_precision_proxy"] = alce
    return scores


def _retrieval_scores(texts: list[str], contexts: list[str], gold_count: int) -> dict:
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


def _ask_baseline(baseline, question: Question, corpus, chunks: list[str]) -> dict:
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
        "scores": _retrieval_scores(texts, contexts, gold_count),
    }


def ragas_rows(rows: list[dict]) -> list[dict]:
    """Rows RAGAS reads (SingleTurnSample fields) for teams that run it with their LLM."""
    return [
        {
            "user_input": r["user_input"],
            "response": m.strip_markers(r["response"]),
            "retrieved_contexts": [p["text"] for p in r["retrieved"]],
            "reference": r["reference"],
            "reference_contexts": r["reference_contexts"],
        }
        for r in rows
        if not r["error"]
    ]


# --- summarising and comparing ---------------------------------------------------------


def summarise(rows: list[dict]) -> dict:
    """Averages over the rows that ran, per metric, per question type and per stage."""
    ok = [r for r in rows if not r["error"]]
    summary = {"metrics": _averages(ok), "counts": _counts(rows)}
    summary["by_type"] = {
        kind: {"n": len(group), **{k: _avg(group, k) for k in BY_TYPE}}
        for kind, group in _grouped(ok).items()
    }
    summary["latency_ms"] = _latency(ok)
    base = [r["baseline"] for r in rows if r.get("baseline") and not r["baseline"]["error"]]
    if base:
        retrieved = [p["chars"] for b in base for p in b["retrieved"]]
        summary["baseline"] = {
            "metrics": {
                **{k: _avg(base, k) for k in RETRIEVAL},
                "chars_per_citation": m.mean(retrieved),
            },
            "latency_ms": _latency(base),
            "errors": sum(1 for r in rows if r.get("baseline", {}).get("error")),
        }
    summary["per_question"] = {
        r["id"]: {k: r["scores"][k] for k in PER_QUESTION if r["scores"].get(k) is not None}
        for r in ok
    }
    summary["definitions"] = DEFINITIONS
    summary["targets"] = {k: f"{op} {v}" for k, (op, v) in TARGETS.items()}
    return summary


def _avg(rows: list[dict], key: str) -> float | None:
    return m.mean(r["scores"].get(key) for r in rows)


def _averages(rows: list[dict]) -> dict:
    averages = {k: _avg(rows, k) for k in HEADLINE}
    averages["abstention_unanswerable"] = _avg(rows, "abstained")
    averages["false_refusal_answerable"] = _avg(rows, "false_refusal")
    citations = [c for r in rows for c in r["citations"]]
    # Over all citations, not per question: one bad quote in a long answer still counts.
    averages["quote_validity"] = m.mean(float(c["valid"]) for c in citations)
    averages["chars_per_citation"] = m.mean(len(c["quote"]) for c in citations)
    return averages


def _counts(rows: list[dict]) -> dict:
    return {
        "questions": len(rows),
        "answerable": sum(1 for r in rows if r["answerable"]),
        "unanswerable": sum(1 for r in rows if not r["answerable"]),
        "errors": sum(1 for r in rows if r["error"]),
        "citations": sum(len(r["citations"]) for r in rows),
    }


def _grouped(rows: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["question_type"], []).append(r)
    return groups


def _latency(rows: list[dict]) -> dict:
    stages = [s for s in STAGES if any(s in r.get("timings", {}) for r in rows)]
    result = {}
    for stage in stages:
        values = [r["timings"][stage] for r in rows if stage in r.get("timings", {})]
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


# --- rendering: one list of blocks, drawn as Markdown, HTML and terminal text -----------


def headline_table(summary: dict) -> tuple[list[str], list[list[str]]]:
    """The metric table: ours, baseline, delta against an earlier run, and the target."""
    baseline = summary.get("baseline", {}).get("metrics", {})
    deltas = summary.get("compare", {}).get("deltas", {})
    headers = ["metric", "ours"]
    if summary.get("baseline"):
        headers.append("baseline (top-2)")
    if summary.get("compare"):
        headers.append("Δ vs previous")
    headers.append("target")
    rows = []
    for key in HEADLINE:
        value = summary["metrics"].get(key)
        if value is None and key not in baseline:
            continue
        row = [key, _fmt(value, key)]
        if summary.get("baseline"):
            row.append(_fmt(baseline.get(key), key) if key in baseline else "")
        if summary.get("compare"):
            delta = deltas.get(key)
            row.append(f"{delta['delta']:+.3f}" if delta else "")
        row.append(_target(key, value))
        rows.append(row)
    total = summary["latency_ms"].get("total")
    if total:
        for p in ("p50", "p95"):
            row = [f"latency total {p} (ms)", f"{total[p]:.0f}"]
            if summary.get("baseline"):
                row.append(f"{summary['baseline']['latency_ms']['total'][p]:.0f}")
            if summary.get("compare"):
                row.append("")
            rows.append(row + [""])
    return headers, rows


def _fmt(value, key: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if key == "chars_per_citation" else f"{value:.3f}"


def _target(key: str, value) -> str:
    if key not in TARGETS or value is None:
        return ""
    op, goal = TARGETS[key]
    met = value >= goal if op == ">=" else value <= goal
    return f"{op} {goal} {'met' if met else 'MISSED'}"


def terminal_table(summary: dict) -> str:
    """The headline table as aligned plain text."""
    headers, rows = headline_table(summary)
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    lines = [
        "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w)
                  for i, (x, w) in enumerate(zip(line, widths)))
        for line in [headers, *rows]
    ]
    counts = summary["counts"]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(0, f"{counts['questions']} questions ({counts['answerable']} answerable, "
                    f"{counts['unanswerable']} unanswerable), {counts['errors']} errors")
    return "\n".join(lines)


def _blocks(report: Report, embed: bool) -> list[tuple]:
    s, run = report.summary, report.summary["run"]
    blocks: list[tuple] = [
        ("h1", "Evaluation report"),
        ("p", f"{run['questions']} questions from {run['question_set'] or 'a question set'}, "
              f"run {run['started']}; answerer: {run['answerer']} ({run['backend']}); "
              f"{run['documents']} document(s), {run['passages']} passages, top_k "
              f"{run['top_k']}. Errors: {run['errors']}."),
        ("table", *headline_table(s)),
        ("p", "Retrieval scores count only answerable questions; abstention counts only "
              "unanswerable ones. The citation scores are an offline proxy for ALCE's "
              "NLI-based scores, not the real thing."),
    ]
    if s.get("baseline"):
        blocks.append(("p", "Baseline: the plain LlamaIndex starter (VectorStoreIndex over "
                            "Chroma, SentenceSplitter defaults, similarity_top_k=2, same "
                            "embedding model), retrieval only; it is given the question "
                            "without history. Its hit@3 and hit@5 see only 2 chunks."))
    if run["unknown_fields"]:
        blocks.append(("p", "Unknown fields kept in the rows: "
                            + ", ".join(run["unknown_fields"]) + "."))
    blocks += [("h2", "Scores by question type"), _image(report, "scores_by_type.png", embed),
               ("table", ["type", "n", *BY_TYPE],
                [[k, str(v["n"]), *(_fmt(v[x]) for x in BY_TYPE)]
                 for k, v in s["by_type"].items()])]
    blocks += [("h2", "Latency"), _image(report, "latency.png", embed),
               ("table", ["stage", "p50 ms", "p95 ms", "n"],
                [[k, f"{v['p50']:.1f}", f"{v['p95']:.1f}", str(v["n"])]
                 for k, v in s["latency_ms"].items()])]
    if "comparison.png" in report.plots:
        blocks += [("h2", "Comparison"), _image(report, "comparison.png", embed)]
    if s.get("compare"):
        worse = s["compare"]["worse"]
        blocks.append(("p", f"{len(worse)} question(s) got worse than in the previous run."))
        if worse:
            blocks.append(("table", ["id", "what dropped"], [
                [w["id"], ", ".join(f"{c['metric']} {c['before']:.2f}→{c['now']:.2f}"
                                    for c in w["changes"])] for w in worse]))
    blocks += [("h2", "Definitions"),
               ("ul", list(s["definitions"].values()))]
    failing = _to_look_at(report.rows)
    if failing:
        blocks += [("h2", "Questions to look at"),
                   ("table", ["id", "type", "what", "question", "answer"], failing)]
    return blocks


def _to_look_at(rows: list[dict]) -> list[list[str]]:
    found = []
    for r in rows:
        sc = r["scores"]
        what = [r["error"]] if r["error"] else []
        if r["answerable"] and not r["error"]:
            what += [label for label, bad in (
                ("refused", sc.get("false_refusal") == 1.0),
                ("key facts missing", sc.get("key_fact_recall", 1.0) < 1.0),
                ("gold not cited", sc.get("gold_cited") == 0.0 and r["answered"]),
                ("gold not in top 3", sc.get("hit@3") == 0.0),
            ) if bad]
        elif not r["error"] and r["answered"]:
            what.append("answered an unanswerable question")
        if what:
            found.append([r["id"], r["question_type"], "; ".join(what),
                          textwrap.shorten(r["user_input"], 70),
                          textwrap.shorten(r["response"], 90)])
    return found


def _image(report: Report, name: str, embed: bool) -> tuple:
    data = report.plots[name]
    source = f"data:image/png;base64,{base64.b64encode(data).decode()}" if embed else name
    return ("img", source, name.removesuffix(".png").replace("_", " "))


def _markdown(blocks: list[tuple]) -> str:
    out = []
    for kind, *rest in blocks:
        if kind == "h1":
            out.append(f"# {rest[0]}")
        elif kind == "h2":
            out.append(f"## {rest[0]}")
        elif kind == "p":
            out.append(rest[0])
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in rest[0]))
        elif kind == "img":
            out.append(f"![{rest[1]}]({rest[0]})")
        elif kind == "table":
            headers, rows = rest
            cell = lambda x: str(x).replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines = ["| " + " | ".join(map(cell, headers)) + " |",
                     "|" + "---|" * len(headers)]
            lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
img{max-width:100%;border:1px solid #eee}"""


def _html(blocks: list[tuple], title: str) -> str:
    esc = html.escape
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}"
           f"</title><style>{_CSS}</style></head><body>"]
    for kind, *rest in blocks:
        if kind in ("h1", "h2", "p"):
            out.append(f"<{kind}>{esc(rest[0])}</{kind}>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in rest[0]) + "</ul>")
        elif kind == "img":
            out.append(f"<p><img src='{rest[0]}' alt='{esc(rest[1])}'></p>")
        elif kind == "table":
            headers, rows = rest
            out.append("<table><tr>" + "".join(f"<th>{esc(str(h))}</th>" for h in headers)
                       + "</tr>" + "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>"
                                                            for c in row) + "</tr>"
                                           for row in rows) + "</table>")
    return "\n".join(out) + "\n</body></html>\n"


# --- plots (matplotlib, Agg, imported only when a report is drawn) ---------------------


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure) -> bytes:
    import io

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    _pyplot().close(figure)
    return buffer.getvalue()


def _bars(ax, groups: list[str], series: dict[str, list[float | None]]) -> None:
    """Grouped horizontal bars; a missing value draws no bar."""
    height = 0.8 / max(1, len(series))
    for i, (label, values) in enumerate(series.items()):
        ys = [g + i * height for g in range(len(groups))]
        ax.barh(ys, [v or 0 for v in values], height=height, label=label)
    ax.set_yticks([g + 0.4 - height / 2 for g in range(len(groups))], groups)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)


def _plot_by_type(summary: dict) -> bytes:
    plt = _pyplot()
    types = list(summary["by_type"])
    figure, ax = plt.subplots(figsize=(8, 0.6 * len(types) + 1.5))
    _bars(ax, types, {k: [summary["by_type"][t][k] for t in types] for k in BY_TYPE})
    ax.set_title("Scores by question type (abstained: unanswerable questions only)")
    return _png(figure)


def _plot_latency(rows: list[dict]) -> bytes:
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    totals = [r["timings"]["total"] for r in rows if "total" in r.get("timings", {})]
    left.hist(totals or [0], bins=20, color="#4a7ab5")
    for p, style in ((50, "--"), (95, ":")):
        left.axvline(m.percentile(totals, p), color="k", linestyle=style, label=f"p{p}")
    left.set_xlabel("total ms per question")
    left.set_ylabel("questions")
    left.legend()
    stages = [s for s in STAGES if any(s in r.get("timings", {}) for r in rows)]
    right.boxplot([[r["timings"][s] for r in rows if s in r.get("timings", {})] or [0]
                   for s in stages], tick_labels=stages, orientation="horizontal")
    right.set_xlabel("ms per stage")
    return _png(figure)


def _plot_comparison(summary: dict) -> bytes:
    plt = _pyplot()
    others = {}
    if summary.get("compare"):
        others["previous"] = {k: d["before"] for k, d in summary["compare"]["deltas"].items()}
    if summary.get("baseline"):
        others["baseline"] = summary["baseline"]["metrics"]
    # Only metrics something else measured too: a lone bar compares nothing.
    keys = [k for k in HEADLINE if k != "chars_per_citation"
            and summary["metrics"].get(k) is not None
            and any(o.get(k) is not None for o in others.values())]
    series = {"ours": [summary["metrics"][k] for k in keys]}
    series.update({name: [o.get(k) for k in keys] for name, o in others.items()})
    sizes = {name: o.get("chars_per_citation") for name, o in others.items()}
    sizes = {"ours": summary["metrics"].get("chars_per_citation"), **sizes}
    sizes = {k: v for k, v in sizes.items() if v is not None}
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(11, 0.2 * len(keys) * len(series) + 2),
        gridspec_kw={"width_ratios": [3, 1.2]})
    _bars(left, keys, series)
    left.set_title("Scores (higher is better, except false_refusal)")
    right.bar(list(sizes), list(sizes.values()), color="#888")
    right.set_title("Characters per citation")
    for x, value in enumerate(sizes.values()):
        right.annotate(f"{value:.0f}", (x, value), ha="center", va="bottom", fontsize=8)
    return _png(figure)


# --- the command ---------------------------------------------------------------------


def run_cli(args) -> int:
    """`assistant eval`: check or run a question set and write the report; exit code."""
    from .config import Settings
    from .corpus import load_corpus

    settings = Settings.from_env(corpus_dir=args.corpus, data_dir=args.data)
    path = Path(args.file) if args.file else Path(settings.corpus_dir) / "questions.jsonl"
    corpus = load_corpus(settings.corpus_dir)
    found = read_question_set(path, corpus)
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    for error in found.errors:
        print(f"{path}: {error}" if error.startswith("line ") else error, file=sys.stderr)
    if args.check:
        print(f"{path}: {len(found.questions)} question(s) valid, "
              f"{len(found.errors)} error(s).")
        return EXIT_BAD_INPUT if found.errors else 0
    if found.errors:
        print(f"assistant: {path} has errors; fix them (see `assistant eval --check`).",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.judge and settings.answerer != "llm":
        print("assistant: --judge needs an LLM. Set OPENAI_API_KEY (and OPENAI_BASE_URL for "
              "a local server) or ASSISTANT_ANSWERER=llm, then run again.", file=sys.stderr)
        return EXIT_BAD_INPUT
    previous = _previous(args.compare) if args.compare else None
    if args.compare and previous is None:
        return EXIT_BAD_INPUT
    if args.limit is not None and args.limit < 1:
        print("assistant: --limit must be at least 1.", file=sys.stderr)
        return EXIT_BAD_INPUT
    questions = found.questions
    if args.split:  # rows without a split field belong to every split
        questions = [q for q in questions if (q.split or args.split) == args.split]
    questions = questions[: args.limit] if args.limit else questions

    from .pipeline import Assistant

    print("loading the assistant…", file=sys.stderr)
    bot = Assistant(settings=settings)
    baseline = None
    if args.baseline:
        from .baseline import StarterPipeline

        print("building the LlamaIndex starter baseline…", file=sys.stderr)
        baseline = StarterPipeline(bot.corpus, settings.data_dir, settings.embedding_model)
    judge = Judge(settings) if args.judge else None
    report = evaluate(bot, questions, baseline=baseline, judge=judge, previous=previous,
                      source=str(path))
    out = Path(args.out) if args.out else (
        Path("eval-output") / datetime.now().strftime("%Y%m%d-%H%M%S"))
    report.write(out, export=args.export)
    print(terminal_table(report.summary))
    errors = report.summary["counts"]["errors"]
    if errors:
        print(f"\n{errors} question(s) failed with an error; see results.jsonl.",
              file=sys.stderr)
    if previous is not None and report.summary["compare"]["worse"]:
        ids = ", ".join(w["id"] for w in report.summary["compare"]["worse"])
        print(f"\ngot worse than the previous run: {ids}")
    print(f"\nreport: {out / 'report.html'}")
    return 0


def _previous(path: str) -> dict | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"assistant: cannot read {path} to compare with ({error}).", file=sys.stderr)
        return None
    if not isinstance(data, dict) or "metrics" not in data:
        print(f"assistant: {path} is not a summary.json written by `assistant eval`.",
              file=sys.stderr)
        return None
    return data
