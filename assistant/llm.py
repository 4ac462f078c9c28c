"""Answers written by a model behind any OpenAI-compatible endpoint, every claim guarded.

The model's text is split into sentences as it streams; each finished sentence goes
through the grounding guard before it is shown, so what the user reads is always
backed by the passage it cites. When the endpoint fails, or no claim survives, the
extractive answer is shown with a one-line notice saying why.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from .answerability import Verdict
from .answering import ABSTAIN_TEXT, Answerer, Draft, citation_for
from .chat import ChatModel, LLMError
from .conversation import OfflineRewriter, needs_context, split_focus
from .facts import KIND_NOUNS, asked_kind, new_facts
from .guard import Claim, Guard, split_claims
from .retrieval import Retrieval
from .templates import render_prompt
from .text import content_words

CONDENSE_TOKENS = 64
CONDENSE_SHARE = 0.4  # of a question's time budget the follow-up rewrite may use
MAX_QUERY_CHARS = 300


class LLMRewriter:
    """Follow-ups rewritten by the chat model into a standalone query; the offline
    rewrite when the question stands alone, or when the model fails or drifts."""

    def __init__(self, chat: ChatModel):
        self.chat = chat
        self.offline = OfflineRewriter()

    def rewrite(self, question: str, history: list[dict]) -> tuple[str, str]:
        """(search query, the question's own words when the query adds borrowed ones)."""
        # A model is asked only when the question leans on earlier turns; its rewrite
        # stands alone.
        if not history or not needs_context(split_focus(question)[1]):
            return self.offline.rewrite(question, history)
        conversation = "\n".join(f"{m['role']}: {m['content']}" for m in history)
        messages = [
            {"role": "user", "content": render_prompt(
                "condense", conversation=conversation, question=question
            )},
        ]  # fmt: skip
        # The rewrite and the answer share one question's time budget.
        share = time.monotonic() + CONDENSE_SHARE * self.chat.timeout
        try:
            text = self.chat.complete(messages, CONDENSE_TOKENS, deadline=share)
        except LLMError:
            return self.offline.rewrite(question, history)
        lines = [line.strip().strip("\"'“”") for line in text.strip().splitlines()]
        query = next((line for line in lines if line), "")
        query = re.sub(r"^(standalone question|question|user)\s*:\s*", "", query, flags=re.I)
        # A follow-up that leans on earlier turns must carry some of their words over.
        said = " ".join(m["content"] for m in history)
        earlier = set(content_words(said)) - set(content_words(question))
        carried = earlier & set(content_words(query))
        if not query or len(query) > MAX_QUERY_CHARS or (needs_context(question) and not carried):
            return self.offline.rewrite(question, history)
        return query, ""


class LLMAnswerer:
    """Writes answers with a chat model; shows only the sentences the guard supports.
    Where the verdict says the releases do not answer, the fallback answers instead."""

    name = "llm"

    def __init__(self, corpus, chat: ChatModel, guard: Guard, fallback: Answerer):
        self.corpus = corpus
        self.chat = chat
        self.guard = guard
        self.fallback = fallback
        self.backend = f"llm:{chat.model}@{chat.host}"

    def stream(
        self, question: str, retrieval: Retrieval, verdict: Verdict
    ) -> Iterator[str | Draft]:
        """Stream the supported sentences as the model writes them, then the Draft."""
        # The answerability stage has decided: where the releases do not answer, no
        # model is asked (small models invent exactly these). Nor is it for "who is
        # named?": the sentences naming people are the answer.
        if not retrieval.passages or not verdict.answerable or verdict.probability >= 1.0:
            yield from self.fallback.stream(question, retrieval, verdict)
            return
        messages = self.messages(retrieval)
        kept: list[str] = []
        unsupported: list[str] = []
        citations: dict[tuple, object] = {}
        buffer, done, cut_at_limit = "", 0, False

        def judge(claim: Claim) -> str:
            if any(k.startswith(claim.text + " [") for k in kept):
                return ""  # small models repeat themselves; once is enough
            if _is_abstention(claim.text):
                return ""  # "the passage does not say …" is no claim; the stage decides
            verdict = self.guard.check(claim, retrieval)
            if not verdict.supported:
                unsupported.append(claim.text)
                return ""
            markers = []
            for sp, span in verdict.anchors:
                key = (sp.passage.doc_slug, span.start, span.end)
                if key not in citations:
                    citations[key] = citation_for(len(citations) + 1, sp, span, self.corpus)
                markers.append(f"[{citations[key].marker}]")
            sentence = f"{claim.text} {''.join(markers)}"
            kept.append(sentence)
            return sentence if len(kept) == 1 else " " + sentence

        try:
            budget_end = (retrieval.started or time.monotonic()) + self.chat.timeout
            for delta in self.chat.stream(messages, deadline=budget_end):
                if delta == "":
                    cut_at_limit = True
                    continue
                buffer += delta
                claims = split_claims(buffer)
                # All but the last sentence are finished: the last may still grow.
                for claim in claims[done : len(claims) - 1]:
                    shown = judge(claim)
                    if shown:
                        yield shown
                done = max(done, len(claims) - 1)
        except LLMError as error:
            yield from self._fall_back(question, retrieval, str(error), verdict=verdict)
            return
        claims = split_claims(buffer)
        for n, claim in enumerate(claims[done:], done):
            # A sentence cut by the token limit is unfinished, not wrong: leave it out.
            if cut_at_limit and n == len(claims) - 1 and not claim.text.endswith((".", "!", "?")):
                continue
            shown = judge(claim)
            if shown:
                yield shown

        if not kept:
            # "The release does not say" from the model is not an answer: the stage has
            # found that the passages answer, so their own sentences are shown.
            notice = (
                "The model said the release does not answer, but its passages do"
                if _is_abstention(buffer)
                else "The model's answer had no claim the release supports"
            )
            yield from self._fall_back(question, retrieval, notice + ".", unsupported,
                                       verdict=verdict)
            return
        text = " ".join(kept)
        kind = asked_kind(split_focus(question)[1])
        if kind and not new_facts(kind, text, f"{question}\n{retrieval.query}"):
            notice = f"The model's supported sentences do not give {KIND_NOUNS[kind]}"
            yield from self._fall_back(question, retrieval, notice + ".", unsupported,
                                       verdict=verdict)
            return
        yield Draft(text, True, list(citations.values()), unsupported=unsupported)

    def messages(self, retrieval: Retrieval) -> list[dict]:
        """The system prompt and the numbered passages with the (standalone) question."""
        passages = "\n\n".join(
            f"[{n}] {sp.passage.text}" for n, sp in enumerate(retrieval.passages, 1)
        )
        return [
            {"role": "system", "content": render_prompt("system")},
            {"role": "user", "content": render_prompt(
                "answer", passages=passages, question=retrieval.query
            )},
        ]  # fmt: skip

    def _fall_back(self, question, retrieval, notice: str, unsupported=None, *, verdict):
        """The extractive answer, with a notice saying why the model's was not shown."""
        for item in self.fallback.stream(question, retrieval, verdict):
            if isinstance(item, Draft):
                item.notice = notice + " Showing the release's own sentences instead."
                item.unsupported = list(unsupported or [])
            yield item


_SAYS_NOTHING = re.compile(
    r"\b(?:does not|doesn't|do not|don't|did not|didn't)\s+(?:say|mention|state|specify"
    r"|contain|provide|give)\b|\bno (?:information|mention)\b|\bnot (?:mentioned|stated"
    r"|specified)\b",
    re.IGNORECASE,
)


def _is_abstention(text: str) -> bool:
    """Whether the model said that the passages do not answer."""
    return ABSTAIN_TEXT.lower().rstrip(".") in text.lower() or bool(_SAYS_NOTHING.search(text))
