"""The LLM judge: faithfulness and correctness of an answer, graded by the chat model."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import metrics as m
from ..chat import ChatModel, LLMError
from ..templates import render_prompt

JUDGED = ("faithfulness", "correctness")
NO_REFERENCE = "(none: the release does not answer this; a correct answer says so)"
MAX_TOKENS = 60  # two numbers in a small JSON object; more is chatter


class Judge:
    """LLM-judged faithfulness and correctness, asked through the answerer's ChatModel.

    chat: any object with ChatModel's complete() (a scripted model in tests)."""

    def __init__(self, settings, chat=None):
        # Grades must not drift from run to run, whatever temperature the answerer uses.
        self.chat = chat or ChatModel(replace(settings, llm_temperature=0.0))

    def grade(self, question: str, answer: str, passages: list[str], reference: str) -> dict:
        """{"faithfulness", "correctness"} in 0..1, or {"error": why} (never raises)."""
        prompt = render_prompt(
            "judge",
            passages="\n\n".join(f"[{n}] {p}" for n, p in enumerate(passages, 1)) or "(none)",
            question=question,
            reference=reference or NO_REFERENCE,
            answer=m.strip_markers(answer),
        )
        messages = [{"role": "user", "content": prompt}]
        try:
            try:
                # JSON mode keeps small models to the format; not every server has it.
                text = self.chat.complete(messages, MAX_TOKENS, json=True)
            except LLMError as error:
                if "HTTP 400" not in str(error):
                    raise
                text = self.chat.complete(messages, MAX_TOKENS)
        except LLMError as error:  # a judge that fails must not stop the run
            return {"error": f"LLMError: {error}"[:300]}
        return grades(text)


def grades(text: str) -> dict:
    """The two grades in a judge's reply, clipped to 0..1, or {"error": why}."""
    # Read the two numbers wherever they are: small models wrap or cut their JSON.
    found = {
        key: re.search(rf'"{key}"\s*:\s*"?(-?\d+(?:\.\d+)?)', text) for key in JUDGED
    }
    if not all(found.values()):
        return {"error": f"the judge did not reply with the JSON asked for: {text[:120]!r}"}
    return {key: min(1.0, max(0.0, float(match.group(1)))) for key, match in found.items()}
