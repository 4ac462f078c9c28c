"""The suggested questions under an empty chat, each about a different passage."""

import json
import re
import textwrap
from pathlib import Path

EXAMPLE_COUNT = 4
EXAMPLE_MAX_CHARS = 70  # longer examples wrap badly in the chips


def example_questions(bot, count: int = EXAMPLE_COUNT) -> list[str]:
    """Short questions about different passages: from questions.jsonl when the corpus has one,
    else one per section heading."""
    picked: list[str] = []
    seen: set[str] = set()
    for question, context in _question_rows(Path(bot.settings.corpus_dir) / "questions.jsonl"):
        passage = next(
            (p.id for p in bot.corpus.passages if context and context in p.text), None
        )
        if passage is None or passage in seen:
            continue
        seen.add(passage)
        picked.append(question)
        if len(picked) == count:
            return picked
    for passage in bot.corpus.passages:
        if len(picked) == count:
            break
        heading = passage.section.lstrip("#").strip()
        if re.search(r"[<>{}\[\]]", heading):
            continue  # markup makes a poor suggestion (it would still be shown as text)
        if heading and heading not in seen and len(picked) < count:
            seen.add(heading)
            topic = textwrap.shorten(heading, EXAMPLE_MAX_CHARS - 32, placeholder="…")
            if topic[1:2].islower():
                topic = topic[0].lower() + topic[1:]  # keep "EU", lower "Fight"
            picked.append(f"What does the release say about {topic}?")
    return picked


def _question_rows(path: Path):
    """(question, its first reference context) for short answerable first questions."""
    try:  # examples are a nicety: a broken question file must not stop the page
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    except (OSError, ValueError):
        lines = []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if not isinstance(row, dict):
            continue
        question = row.get("user_input", "")
        context = (row.get("reference_contexts") or [""])[0]
        if not (isinstance(question, str) and isinstance(context, str)):
            continue
        if (row.get("answerable") and not row.get("history")
                and row.get("question_type") == "factoid"
                and len(question) <= EXAMPLE_MAX_CHARS):
            yield question, context
