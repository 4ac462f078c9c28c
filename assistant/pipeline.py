"""The Assistant: corpus -> index -> retrieval -> answer, behind one small API."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .answerability import Assessor
from .answering import Answerer, Draft, ExtractiveAnswerer
from .config import Settings
from .conversation import (
    check_history,
    check_question,
    check_releases,
    needs_context,
    split_focus,
    standalone_query,
)
from .corpus import folder_state, load_corpus
from .embedding import Embedder
from .index import IndexDamaged, PassageIndex, Progress, SyncReport, set_aside
from .library import record_indexed
from .retrieval import Retrieval, Retriever, named_releases
from .types import Reply

log = logging.getLogger(__name__)


class Assistant:
    """Answers questions about the releases in a folder, citing exact passages."""

    def __init__(
        self,
        corpus_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        *,
        settings: Settings | None = None,
        answerer: Answerer | None = None,
        embedder: Embedder | None = None,
        progress: Progress | None = None,
        rebuild: bool = False,
    ):
        self.settings = settings or Settings.from_env(corpus_dir=corpus_dir, data_dir=data_dir)
        self._state = folder_state(self.settings.corpus_dir)
        self.corpus = load_corpus(self.settings.corpus_dir, self.settings.max_document_bytes)
        self.embedder = embedder or Embedder(self.settings.embedding_model)
        self.notes: list[str] = []  # what was repaired on the way (shown like problems)
        if rebuild:
            set_aside(self.settings)
        try:
            self.index = PassageIndex(self.settings, self.embedder)
            self.sync_report = self.index.sync(self.corpus, progress)
        except IndexDamaged as error:
            # The releases are at hand: build the index again rather than refuse to
            # answer, and keep the damaged one for a look.
            kept = set_aside(self.settings)
            if kept is None:
                raise
            log.info("%s", error)
            self.notes.append(f"The index could not be read; it was rebuilt from the "
                              f"releases (the damaged copy is in {kept}).")
            self.index = PassageIndex(self.settings, self.embedder)
            self.sync_report = self.index.sync(self.corpus, progress)
        record_indexed(self.settings.data_dir, self.corpus, self.sync_report.embedded)
        self.retriever = Retriever(self.corpus, self.index, self.embedder, self.settings.top_k)
        self.assessor = Assessor(self.corpus, self.index)
        self._given_answerer = answerer
        self._reloading = threading.Lock()  # an upload and the folder watcher, one at a time
        self.answerer = answerer or self._default_answerer()

    def reload(self, progress: Progress | None = None) -> SyncReport:
        """Read the corpus folder again and index what changed (a release added or
        removed); questions asked meanwhile are answered from the previous state."""
        with self._reloading:
            return self._reload(progress)

    def _reload(self, progress: Progress | None) -> SyncReport:
        state = folder_state(self.settings.corpus_dir)
        corpus = load_corpus(self.settings.corpus_dir, self.settings.max_document_bytes)
        report = self.index.sync(corpus, progress)
        record_indexed(self.settings.data_dir, corpus, report.embedded)
        retriever = Retriever(corpus, self.index, self.embedder, self.settings.top_k)
        assessor = Assessor(corpus, self.index)
        # Swapped together, after the slow part: a question sees one state or the other.
        self.corpus, self.retriever, self.assessor = corpus, retriever, assessor
        self.sync_report, self._state = report, state
        self.answerer = self._given_answerer or self._default_answerer()
        return report

    def reload_if_changed(self) -> SyncReport | None:
        """Reload when a release file was added, edited or removed since the last load
        (a running server then answers from the new text); None when nothing changed."""
        state = folder_state(self.settings.corpus_dir)
        if state == self._state:
            return None
        try:
            return self.reload()
        except Exception:
            self._state = state  # not tried again until the folder changes again
            raise

    @property
    def problems(self) -> list[str]:
        """Files of the corpus that could not be read (the rest were indexed), and
        what was repaired on the way."""
        return self.corpus.problems + self.notes

    def _default_answerer(self) -> Answerer:
        if self.settings.answerer == "llm":
            from .llm import LLMAnswerer

            return LLMAnswerer(
                self.settings, self.corpus, self.embedder, fallback=self._extractive()
            )
        return self._extractive()

    def _extractive(self) -> ExtractiveAnswerer:
        return ExtractiveAnswerer(self.corpus, self.assessor)

    @property
    def releases(self) -> list[dict]:
        """The releases that can be asked about: slug, title and date."""
        return [
            {"slug": d.slug, "title": d.title, "date": d.meta.get("date", "")}
            for d in self.corpus.documents
        ]

    def ask(
        self, question: str, history: list[dict] | None = None, releases: list[str] | None = None
    ) -> Reply:
        """Answer one question (with earlier turns, for follow-ups); releases: the slugs
        of the releases it may use (all when None)."""
        for item in self.stream(question, history, releases):
            if isinstance(item, Reply):
                return item
        raise RuntimeError("the answerer finished without a reply")  # a bug, not user error

    def stream(
        self, question: str, history: list[dict] | None = None, releases: list[str] | None = None
    ) -> Iterator[str | Reply]:
        """Yield the answer's text as it is written, then the finished Reply."""
        started = time.perf_counter()
        question = check_question(question, self.settings.max_question_chars)
        history = check_history(history)[-2 * self.settings.max_history_turns :]
        releases = check_releases(releases, self.corpus.slugs())
        timings: dict[str, float] = {}
        retrieval = self.retrieve(question, history, releases, timings)
        query = retrieval.query

        mark = time.perf_counter()
        draft = None
        for item in self.answerer.stream(question, retrieval):
            if isinstance(item, Draft):
                draft = item
            else:
                if "first_text" not in timings:
                    timings["first_text"] = _ms(started)
                yield item
        timings["answer"] = _ms(mark)
        timings["total"] = _ms(started)
        yield Reply(
            question=question,
            text=draft.text,
            answered=draft.answered,
            citations=draft.citations,
            passages=retrieval.passages,
            query=query,
            backend=getattr(self.answerer, "backend", self.answerer.name),
            timings=timings,
            notice=draft.notice,
            unsupported=draft.unsupported,
        )

    def retrieve(
        self, question: str, history: list[dict], releases: list[str] | None = None,
        timings: dict[str, float] | None = None,
    ) -> Retrieval:
        """The passages for a checked question: follow-ups condensed, then searched in
        the chosen releases, or in those the question names by date or place."""
        timings = {} if timings is None else timings
        asked = time.monotonic()
        mark = time.perf_counter()
        query, focus = self._condense(question, history)
        timings["condense"] = _ms(mark)
        mark = time.perf_counter()
        # "At the June 2023 Council" searches that release; the user's choice wins.
        named = None if releases else named_releases(focus or query, self.corpus)
        retrieval = self.retriever.retrieve(query, focus, releases or named)
        retrieval.started = asked
        timings["retrieve"] = _ms(mark)
        return retrieval

    def _condense(self, question: str, history: list[dict]) -> tuple[str, str]:
        """(search query, the question's own words when the query adds borrowed ones)."""
        focus = split_focus(question)[1]
        condense = getattr(self.answerer, "condense", None)
        # A model is asked only when the question leans on earlier turns; its rewrite
        # stands alone.
        if condense is not None and history and needs_context(focus):
            return condense(question, history), ""
        query = standalone_query(question, history)
        return query, (focus if query != focus else "")


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
