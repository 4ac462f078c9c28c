"""Question sets: JSONL files of questions (RAGAS / LlamaIndex field names), read and checked."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path


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


# The fields a question set may carry; any other is kept in Question.extra and noted.
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
    # Every problem of a line is listed, not just the first: one --check shows all to fix.
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
    # A gold quote that is not verbatim in the corpus can never be retrieved: the scores
    # of its question would be zero whatever the assistant does.
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
