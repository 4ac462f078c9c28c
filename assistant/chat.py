"""One OpenAI-compatible chat endpoint: streaming with a hard deadline, retries and a
circuit breaker. Shared by the LLM answerer, the follow-up rewriter and the eval judge."""

from __future__ import annotations

import math
import queue
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlparse

from .breaker import Breaker

MAX_ATTEMPTS = 3  # one try and two retries, for failures worth retrying
BACKOFF = 0.5  # seconds before the first retry; doubles after
BREAKER_FAILURES = 3  # failures in a row after which the endpoint is left alone ...
BREAKER_PAUSE = 60.0  # ... for this many seconds, then tried again once


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
               deadline: float | None = None, json: bool = False) -> Iterator[str]:
        """Text deltas of one answer; raises LLMError. Ends with "" if cut at max tokens.
        deadline: a time.monotonic() the answer must be done by (default: timeout from now).
        json: ask the server for a JSON object only (JSON mode; not every server has it)."""
        if resting := self.breaker.resting():
            raise LLMError(f"The model at {self.host} failed {self.breaker.in_a_row} times in "
                           f"a row; it is not asked again for {resting:.0f} s.")
        deadline = min(deadline or math.inf, time.monotonic() + self.timeout)
        try:
            yield from self._attempts(messages, max_tokens, deadline, json)
        except LLMError:
            self.breaker.record(ok=False)
            raise
        self.breaker.record(ok=True)

    def _attempts(self, messages, max_tokens, deadline, json) -> Iterator[str]:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            sent_text = False
            try:
                tokens = max_tokens or self.max_tokens
                for delta in self._attempt(messages, tokens, deadline, json):
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
                 deadline: float | None = None, json: bool = False) -> str:
        """The whole text of one short answer; raises LLMError."""
        return "".join(self.stream(messages, max_tokens, deadline, json))

    def _attempt(self, messages, max_tokens: int, deadline: float, json: bool) -> Iterator[str]:
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
                    **({"response_format": {"type": "json_object"}} if json else {}),
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


class ScriptedChat:
    """A chat model in process, for tests and demos: it answers from a script.

    Each step is the reply's text (streamed word by word), an exception to raise (an
    LLMError is how an endpoint failure looks), or a callable that takes the request's
    messages and returns either. `requests` keeps every request's messages."""

    host = "in-process"

    def __init__(self, *steps, model: str = "scripted", timeout: float = 30.0):
        self.steps = list(steps)
        self.requests: list[list[dict]] = []
        self.deadlines: list[float | None] = []
        self.model = model
        self.timeout = timeout

    def enqueue(self, *steps) -> None:
        """Add replies for the next requests."""
        self.steps.extend(steps)

    def stream(self, messages: list[dict], max_tokens: int | None = None,
               deadline: float | None = None, json: bool = False) -> Iterator[str]:
        """Yield the next step's text word by word (or raise its exception)."""
        self.requests.append(messages)
        self.deadlines.append(deadline)
        if not self.steps:
            raise LLMError("The scripted model has no reply left.")
        step = self.steps.pop(0)
        if callable(step):
            step = step(messages)
        if isinstance(step, BaseException):
            raise step
        yield from _words(step)

    def complete(self, messages: list[dict], max_tokens: int,
                 deadline: float | None = None, json: bool = False) -> str:
        """The next step's whole text."""
        return "".join(self.stream(messages, max_tokens, deadline, json))


def _words(text: str) -> list[str]:
    """Text cut after each space, as a server streams it."""
    return [part for part in text.replace(" ", " \0").split("\0") if part]
