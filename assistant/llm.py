"""Answers written by a model behind any OpenAI-compatible endpoint, every claim guarded.

The model's text is split into sentences as it streams; each finished sentence goes
through the grounding guard before it is shown, so what the user reads is always
backed by the passage it cites. When the endpoint fails, or no claim survives, the
extractive answer is shown with a one-line notice saying why.
"""

from __future__ import annotations

import math
import queue
import re
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlparse

from .answering import ABSTAIN_TEXT, Draft, citation_for
from .breaker import Breaker
from .conversation import needs_context, split_focus, standalone_query
from .facts import KIND_NOUNS, asked_kind, new_facts
from .guard import Claim, Guard, split_claims
from .retrieval import Retrieval
from .templates import render_prompt
from .text import content_words

MAX_ATTEMPTS = 3  # one try and two retries, for failures worth retrying
BACKOFF = 0.5  # seconds before the first retry; doubles after
CONDENSE_TOKENS = 64
CONDENSE_SHARE = 0.4  # of a question's time budget the follow-up rewrite may use
BREAKER_FAILURES = 3  # failures in a row after which the endpoint is left alone ...
BREAKER_PAUSE = 60.0  # ... for this many seconds, then tried again once
MAX_QUERY_CHARS = 300


class LLMError(RuntimeError):
    """The endpoint failed; the message is the one-line notice a user sees."""

    def __init__(self, message: str, retry: bool = False, retry_after: float = 0.0):
        super().__init__(message)
        self.retry = retry
        self.retry_after = retry_after


class ChatModel:
    """One OpenAI-compatible chat endpoint: streaming with a hard deadline and retries."""

    def __init__(self, settings):
        self.model = settings.llm_model
        self.base_url = settings.llm_base_url or None
        self.api_key = settings.llm_api_key or "none"  # local servers take any key
        self.timeout = float(settings.llm_timeout)
        self.max_tokens = settings.llm_max_tokens
        self.temperature = settings.llm_temperature
        self.host = urlparse(self.base_url).netloc if self.base_url else "api.openai.com"
        self.breaker = Breaker(BREAKER_FAILURES, BREAKER_PAUSE)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            from openai import OpenAI

            # Retries are ours: the client's own would wait out Retry-After past our deadline.
            self._client = OpenAI(
                api_key=self.api_key, base_url=self.base_url, timeout=self.timeout, max_retries=0
            )
        return self._client

    def stream(self, messages: list[dict], max_tokens: int | None = None,
               deadline: float | None = None) -> Iterator[str]:
        """Text deltas of one answer; raises LLMError. Ends with "" if cut at max tokens.
        deadline: a time.monotonic() the answer must be done by (default: timeout from now)."""
        if resting := self.breaker.resting():
            raise LLMError(f"The model at {self.host} failed {self.breaker.in_a_row} times in "
                           f"a row; it is not asked again for {resting:.0f} s.")
        deadline = min(deadline or math.inf, time.monotonic() + self.timeout)
        try:
            yield from self._attempts(messages, max_tokens, deadline)
        except LLMError:
            self.breaker.record(ok=False)
            raise
        self.breaker.record(ok=True)

    def _attempts(self, messages, max_tokens, deadline) -> Iterator[str]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            sent_text = False
            try:
                for delta in self._attempt(messages, max_tokens or self.max_tokens, deadline):
                    sent_text = sent_text or bool(delta)
                    yield delta
                return
            except LLMError as error:
                # Once text is on screen a retry would repeat it: only retry before that.
                wait = max(error.retry_after, BACKOFF * 2 ** (attempt - 1))
                late = time.monotonic() + wait >= deadline
                if sent_text or not error.retry or attempt == MAX_ATTEMPTS or late:
                    if error.retry and attempt > 1:
                        raise LLMError(f"{str(error).rstrip('.')} after {attempt} tries.") from None
                    raise
                time.sleep(wait)

    def complete(self, messages: list[dict], max_tokens: int,
                 deadline: float | None = None) -> str:
        """The whole text of one short answer; raises LLMError."""
        return "".join(self.stream(messages, max_tokens, deadline))

    def _attempt(self, messages, max_tokens: int, deadline: float) -> Iterator[str]:
        # The request runs in a thread, so a server that stalls mid-stream cannot hold the
        # answer past the deadline: we stop waiting and let the thread die on its timeout.
        events: queue.Queue = queue.Queue()
        opened: list = []
        stop = threading.Event()

        def work():
            try:
                response = self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,
                    max_tokens=max_tokens,
                    temperature=self.temperature,
                    stream=True,
                    timeout=max(0.1, deadline - time.monotonic()),
                )
                opened.append(response)
                finish = None
                for chunk in response:
                    if stop.is_set():
                        return
                    if not getattr(chunk, "choices", None):
                        continue
                    choice = chunk.choices[0]
                    if choice.delta is not None and choice.delta.content:
                        events.put(("text", choice.delta.content))
                    finish = choice.finish_reason or finish
                events.put(("end", finish))
            except Exception as error:  # every failure becomes a notice, never a traceback
                events.put(("error", error))

        threading.Thread(target=work, daemon=True, name="llm-stream").start()
        try:
            while True:
                try:
                    kind, value = events.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise LLMError(self._timed_out()) from None
                if kind == "text":
                    yield value
                elif kind == "error":
                    raise self._describe(value) from None
                elif value is None:
                    raise LLMError("The model's answer was cut off mid-stream.", retry=True)
                else:
                    if value == "length":
                        yield ""  # tells the answerer the last sentence may be unfinished
                    return
        finally:
            stop.set()
            for response in opened:
                try:
                    response.close()
                except Exception:
                    pass  # closing a broken connection can fail; it is being dropped anyway

    def _timed_out(self) -> str:
        return f"The model at {self.host} did not answer within {self.timeout:g}s."

    def _describe(self, error: Exception) -> LLMError:
        """A one-line notice for what went wrong, and whether trying again may help."""
        import openai

        host = self.host
        if isinstance(error, openai.APITimeoutError):
            return LLMError(self._timed_out())
        if isinstance(error, openai.APIConnectionError):
            cause = error.__cause__
            if cause is not None and "RemoteProtocolError" in type(cause).__name__:
                return LLMError("The model's answer was cut off mid-stream.", retry=True)
            return LLMError(f"Could not reach the model at {host}.", retry=True)
        if isinstance(error, openai.AuthenticationError):
            return LLMError(f"The model at {host} refused the API key (401): check OPENAI_API_KEY.")
        if isinstance(error, openai.PermissionDeniedError):
            return LLMError(f"The model at {host} denied access (403): check the API key.")
        if isinstance(error, openai.NotFoundError):
            return LLMError(f"The model {self.model!r} was not found at {host} (404).")
        if isinstance(error, openai.RateLimitError):
            return LLMError(
                f"The model at {host} is rate limiting requests (429).",
                retry=True,
                retry_after=_retry_after(error),
            )
        if isinstance(error, openai.APIStatusError):
            status = error.status_code
            return LLMError(f"The model at {host} failed (HTTP {status}).", retry=status >= 500)
        return LLMError(f"The model at {host} sent a malformed answer stream.", retry=True)


def _retry_after(error) -> float:
    try:
        return float(error.response.headers.get("retry-after", 0))
    except (TypeError, ValueError, AttributeError):
        return 0.0


class LLMAnswerer:
    """Writes answers with a chat model; shows only the sentences the guard supports."""

    name = "llm"

    def __init__(self, settings, corpus, embedder, fallback, chat: ChatModel | None = None):
        self.corpus = corpus
        self.chat = chat or ChatModel(settings)
        self.guard = Guard(corpus, embedder, fallback.assessor.index)
        self.fallback = fallback
        self.assessor = fallback.assessor  # the same answerability stage as the fallback
        self.backend = f"llm:{self.chat.model}@{self.chat.host}"

    def condense(self, question: str, history: list[dict]) -> str:
        """A standalone search query for a follow-up; the offline rewrite if the model fails."""
        offline = standalone_query(question, history)
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
            return offline
        lines = [line.strip().strip("\"'“”") for line in text.strip().splitlines()]
        query = next((line for line in lines if line), "")
        query = re.sub(r"^(standalone question|question|user)\s*:\s*", "", query, flags=re.I)
        # A follow-up that leans on earlier turns must carry some of their words over.
        said = " ".join(m["content"] for m in history)
        earlier = set(content_words(said)) - set(content_words(question))
        carried = earlier & set(content_words(query))
        if not query or len(query) > MAX_QUERY_CHARS or (needs_context(question) and not carried):
            return offline
        return query

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Draft]:
        """Stream the supported sentences as the model writes them, then the Draft."""
        # The answerability stage decides first: where the releases do not answer, no
        # model is asked (small models invent exactly these). Nor is it for "who is
        # named?": the sentences naming people are the answer.
        verdict = self.assessor.assess(question, retrieval)
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
            yield from self._fall_back(question, retrieval, str(error))
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
            yield from self._fall_back(question, retrieval, notice + ".", unsupported, verdict)
            return
        text = " ".join(kept)
        kind = asked_kind(split_focus(question)[1])
        if kind and not new_facts(kind, text, f"{question}\n{retrieval.query}"):
            notice = f"The model's supported sentences do not give {KIND_NOUNS[kind]}"
            yield from self._fall_back(question, retrieval, notice + ".", unsupported, verdict)
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

    def _fall_back(self, question, retrieval, notice: str, unsupported=None, verdict=None):
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
