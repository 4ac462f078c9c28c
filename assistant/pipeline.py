"""The Assistant: corpus -> index -> retrieval -> answer, behind one small API."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .answerability import HEADER_KINDS, Assessor, Verdict
from .answering import Answerer, Draft, ExtractiveAnswerer
from .chroma import IndexDamaged, IndexUnavailable, set_aside
from .config import Settings, quiet_telemetry
from .conversation import (
    OfflineRewriter,
    QueryRewriter,
    check_history,
    check_question,
    check_releases,
    needs_context,
    split_focus,
    split_parts,
    standalone_query,
)
from .corpus import Corpus, CorpusError, folder_state, load_corpus
from .embedding import Embedder
from .facts import asked_kind, find_facts, spell_out
from .index import PassageIndex, Progress, SyncReport
from .library import record_indexed
from .retrieval import (
    Retrieval,
    Retriever,
    meetings_compared,
    named_releases,
    without_naming,
)
from .tables import CorpusTables, fingerprint, load_tables
from .types import Reply

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Loaded:
    """Everything a question reads, built for one state of the corpus folder."""

    corpus: Corpus
    tables: CorpusTables
    retriever: Retriever
    assessor: Assessor  # the one answerability stage, whichever answerer writes
    answerer: Answerer
    rewriter: QueryRewriter


class Assistant:
    """Answers questions about the releases in a folder, citing exact passages."""

    def __init__(
        self,
        corpus_dir: str | Path | None = None,
        data_dir: str | Path | None = None,
        *,
        settings: Settings | None = None,
        answerer: Answerer | None = None,
        rewriter: QueryRewriter | None = None,
        embedder: Embedder | None = None,
        progress: Progress | None = None,
        rebuild: bool = False,
        serve_while_indexing: bool = False,
        build_index: bool = True,
    ):
        """serve_while_indexing: when some releases are indexed and others are not (new,
        edited, or a run was stopped), answer from those now and leave the rest in
        .pending for reload() (which `assistant web` runs in the background).
        build_index=False: a read-only use; answer from what `assistant index` stored,
        embed and write nothing (releases not indexed yet are listed in .pending)."""
        quiet_telemetry()  # the Python API's start: before any model library is imported
        self.settings = settings or Settings.from_env(corpus_dir=corpus_dir, data_dir=data_dir)
        self._folder = folder_state(self.settings.corpus_dir)
        self._writes = build_index  # a read-only use saves no tables either
        self._last_tables: tuple[str, CorpusTables] | None = None
        corpus = self._read_corpus(save=build_index, state=self._folder)
        self.embedder = embedder or Embedder(self.settings.embedding_model)
        self.notes: list[str] = []  # what was repaired on the way (shown like problems)
        self.pending: list[str] = []  # releases not indexed yet (serve_while_indexing)
        ready = set()
        if (serve_while_indexing or not build_index) and not rebuild:
            try:
                self.index = PassageIndex(self.settings, self.embedder)
                ready = self.index.ready(corpus)
            except IndexDamaged:
                if not build_index:
                    raise
                # else repaired below, as on any start
        if not build_index and not ready:
            raise IndexUnavailable(
                f"No release of {self.settings.corpus_dir} is indexed in "
                f"{self.settings.data_dir} yet: run `assistant index` first.")
        if ready and (len(ready) < len(corpus.documents) or not build_index):
            self.pending = [s for s in corpus.slugs() if s not in ready]
            corpus = corpus.subset(ready)
            self.index.use(corpus)
            self.sync_report = SyncReport(reused=sorted(ready))
            if self.pending:
                self._folder = ()  # the folder is not all in: the next reload_if_changed runs
        else:
            self.index = self._open_index(corpus, progress, rebuild)
        if self.index.read_only_copy:
            self.notes.append(
                f"{self.settings.data_dir} is read-only: answering from a copy of its index "
                "(what changes is not saved).")
        if build_index:
            record_indexed(self.settings.data_dir, corpus, self.sync_report.embedded)
        self._given_answerer, self._given_rewriter = answerer, rewriter
        self._reloading = threading.Lock()  # an upload and the folder watcher, one at a time
        self._loaded = self._load(corpus)

    def _open_index(self, corpus: Corpus, progress, rebuild: bool) -> PassageIndex:
        if rebuild and not set_aside(self.settings):
            PassageIndex(self.settings, self.embedder).drop()  # an index on a server
        try:
            index = PassageIndex(self.settings, self.embedder)
            words = self._tables(corpus, index).vocabulary
            self.sync_report = index.sync(corpus, progress, words)
            return index
        except IndexDamaged as error:
            # The releases are at hand: build the index again rather than refuse to
            # answer, and keep the damaged one for a look.
            kept = set_aside(self.settings)
            if kept is None:
                raise
            log.info("%s", error)
            self.notes.append(f"The index could not be read; it was rebuilt from the "
                              f"releases (the damaged copy is in {kept}).")
            index = PassageIndex(self.settings, self.embedder)
            self.sync_report = index.sync(corpus, progress)
            return index

    def _load(self, corpus: Corpus) -> _Loaded:
        """What questions read, built for one corpus."""
        tables = self._tables(corpus)
        retriever = Retriever(corpus, self.index, self.embedder, self.settings.top_k, tables)
        assessor = Assessor(corpus, self.index, tables)
        answerer, rewriter = ExtractiveAnswerer(corpus), OfflineRewriter()
        if self.settings.answerer == "llm":
            from .chat import ChatModel
            from .guard import Guard
            from .llm import LLMAnswerer, LLMRewriter

            chat = ChatModel(self.settings)
            guard = Guard(corpus, self.embedder, self.index)
            answerer = LLMAnswerer(corpus, chat, guard, fallback=answerer)
            rewriter = LLMRewriter(chat)
        return _Loaded(corpus, tables, retriever, assessor, self._given_answerer or answerer,
                       self._given_rewriter or rewriter)

    def warm_up(self) -> None:
        """Load what a first question reads (the entity model, Chroma's vector indexes)
        in background threads, while the question itself loads the embedding model: a
        cold `assistant ask` then waits for the slowest of them, not for their sum."""
        def quietly(job):
            try:
                job()
            except Exception as error:  # the question meets it again, and reports it
                log.debug("warm-up: %s", error)

        for job in (lambda: find_facts("Ministers met in Brussels on 25 January."),
                    self.index.warm):
            threading.Thread(target=quietly, args=(job,), daemon=True).start()

    def _read_corpus(self, save: bool, state: tuple) -> Corpus:
        # (state: the folder's listing, already taken to watch it: not listed twice)
        return load_corpus(self.settings.corpus_dir, self.settings.max_document_bytes,
                           cache=self.settings.data_dir / "corpus.marshal", save=save,
                           state=state)

    def _tables(self, corpus: Corpus, index: PassageIndex | None = None) -> CorpusTables:
        """The corpus tables: saved in the data folder, and on a Chroma server if any."""
        key = fingerprint(corpus)
        if self._last_tables is None or self._last_tables[0] != key:
            tables = load_tables(corpus, self.settings.data_dir / "tables",
                                 (index or self.index).shared_tables, save=self._writes)
            self._last_tables = key, tables
        return self._last_tables[1]

    # What questions read lives in one snapshot, swapped in one step by reload().
    corpus = property(lambda self: self._loaded.corpus)
    retriever = property(lambda self: self._loaded.retriever)
    assessor = property(lambda self: self._loaded.assessor)

    answerer = property(lambda self: self._loaded.answerer)
    rewriter = property(lambda self: self._loaded.rewriter)

    def use(self, answerer: Answerer | None = None, rewriter: QueryRewriter | None = None):
        """Answer with these stages from now on (and after reloads); None keeps one."""
        self._given_answerer = answerer or self._given_answerer
        self._given_rewriter = rewriter or self._given_rewriter
        self._loaded = replace(self._loaded, answerer=answerer or self.answerer,
                               rewriter=rewriter or self.rewriter)

    def reload(self, progress: Progress | None = None) -> SyncReport:
        """Read the corpus folder again and index what changed (a release added or
        removed); questions asked meanwhile are answered from the previous state."""
        with self._reloading:
            return self._reload(folder_state(self.settings.corpus_dir), progress)

    def reload_if_changed(self) -> SyncReport | None:
        """Reload when a release file was added, edited or removed since the last load
        (a running server then answers from the new text); None when nothing changed."""
        with self._reloading:  # (a reload that was running meanwhile may have seen it)
            folder = folder_state(self.settings.corpus_dir)
            if folder == self._folder:
                return None
            try:
                return self._reload(folder, None)
            except CorpusError:
                self._folder = folder  # the files are at fault: wait until they change
                raise

    def _reload(self, folder: tuple, progress: Progress | None) -> SyncReport:
        corpus = self._read_corpus(save=self._writes, state=folder)
        report = self.index.sync(corpus, progress, self._tables(corpus).vocabulary)
        record_indexed(self.settings.data_dir, corpus, report.embedded)
        self._loaded = self._load(corpus)
        self.sync_report, self._folder, self.pending = report, folder, []
        return report

    @property
    def problems(self) -> list[str]:
        """Files of the corpus that could not be read (the rest were indexed), and
        what was repaired on the way."""
        return self.corpus.problems + self.notes

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
        loaded = self._loaded  # one state for the whole question, whatever reloads meanwhile
        question = check_question(question, self.settings.max_question_chars)
        history = check_history(history)[-2 * self.settings.max_history_turns :]
        releases = check_releases(releases, loaded.corpus.slugs())
        timings: dict[str, float] = {}
        retrieval, verdict = self.understand(question, history, releases, timings, loaded)
        query = retrieval.query
        mark = time.perf_counter()
        draft = None
        for item in loaded.answerer.stream(question, retrieval, verdict):
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
            backend=loaded.answerer.backend,
            timings=timings,
            notice=" ".join(filter(None, [draft.notice, *(
                f"Not answered: “{part}” ({reason})." for part, reason in verdict.left_out
                if draft.answered)])),
            unsupported=draft.unsupported,
        )

    def understand(
        self, question: str, history: list[dict], releases: list[str] | None = None,
        timings: dict[str, float] | None = None, loaded: _Loaded | None = None,
    ) -> tuple[Retrieval, Verdict]:
        """The passages and the verdict for a checked question. One that asks two things
        ("When was it launched, and how many ports joined?") is searched and assessed
        part by part, each later part as a follow-up to the earlier ones, and answered
        from every part that can be: each part may stand in another release."""
        loaded = loaded or self._loaded
        timings = {} if timings is None else timings
        found = []
        earlier = list(history)
        for part in split_parts(question):
            retrieval = self.retrieve(part, earlier, releases, timings, loaded,
                                      follows=bool(found))
            mark = time.perf_counter()
            verdict = loaded.assessor.assess(part, retrieval)
            timings["assess"] = timings.get("assess", 0.0) + _ms(mark)
            if len(retrieval.meetings) > 1:
                retrieval, verdict = _each_compared(retrieval, verdict, [
                    self._alone(part, earlier, meeting, timings, loaded, bool(found))
                    for meeting in retrieval.meetings])
            found.append((part, retrieval, verdict))
            # The next part reads this one as an earlier turn: "and what is his role?"
            said = " ".join(sp.passage.sentence_text(span) for sp, span, _ in verdict.sentences)
            earlier += [{"role": "user", "content": part},
                        {"role": "assistant", "content": said if verdict.answerable
                         else verdict.reason}]
        if len(found) == 1:
            return found[0][1:]
        return _joined(question, found)

    def _alone(self, question: str, history: list[dict], meeting: list[str],
               timings: dict[str, float], loaded: _Loaded, follows: bool
               ) -> tuple[str, Retrieval, Verdict]:
        """A question that compares meetings, searched and assessed in the releases of
        one of them; with the title of the release it found best."""
        retrieval = self.retrieve(question, history, None, timings, loaded, follows, meeting)
        mark = time.perf_counter()
        verdict = loaded.assessor.assess(question, retrieval)
        timings["assess"] = timings.get("assess", 0.0) + _ms(mark)
        slug = retrieval.passages[0].passage.doc_slug if retrieval.passages else meeting[0]
        return loaded.corpus.document(slug).title, retrieval, verdict

    def retrieve(
        self, question: str, history: list[dict], releases: list[str] | None = None,
        timings: dict[str, float] | None = None, loaded: _Loaded | None = None,
        follows: bool = False, within: list[str] | None = None,
    ) -> Retrieval:
        """The passages for a checked question: follow-ups condensed, then searched in
        the chosen releases, or in those the question names by date or place."""
        loaded = loaded or self._loaded
        timings = {} if timings is None else timings
        asked = time.monotonic()
        mark = time.perf_counter()
        query, focus = loaded.rewriter.rewrite(question, history)
        if follows and query == question:  # a later part borrows its earlier part's topic
            query = standalone_query(question, history, follows=True)
            focus = split_focus(question)[1] if query != question else ""
        timings["condense"] = timings.get("condense", 0.0) + _ms(mark)
        mark = time.perf_counter()
        # "At the April 2031 meeting" searches that release; the user's choice wins.
        tables = loaded.tables
        headers = tables.headers
        # A follow-up stays at the meetings the earlier question (or its lead-in) named.
        earlier = [m["content"] for m in history if m["role"] == "user"][-1:]
        spoken = " ".join([*earlier, question]) if needs_context(focus or query) else question
        texts = list(dict.fromkeys([focus or query, spoken]))  # each read once
        # Only the question itself compares (with its lead-in: "Both the June and the
        # May meetings touched on ports. What was said at each?"): a follow-up that
        # names another meeting than the last turn's moves on to it.
        meetings, compared = (None if releases else meetings_compared(
            spell_out(question, tables.initials, tables.vocabulary), headers,
            tables.descriptions)) or (None, None)
        named = None if releases or compared else next(
            filter(None, (named_releases(t, headers, tables.descriptions)
                          for t in texts)), None)
        # The words that named the meeting chose its release; what is asked is the rest.
        unnamed = bool(named or compared) and asked_kind(focus or query) not in HEADER_KINDS
        if unnamed:
            if focus:  # a follow-up: the meeting it borrows picked the release too
                query = without_naming(query, borrowed=bool(compared))
            # Words describing a meeting ("the telecom ministers") tell apart the
            # releases of its month until one is left.
            focus = without_naming(focus or query,
                                   described=bool(compared) or len(named or []) == 1)
        if within:  # one of the meetings compared, searched alone
            retrieval = loaded.retriever.retrieve(query, focus, within)
        else:
            retrieval = loaded.retriever.retrieve(query, focus, releases or named or compared,
                                                  compared)
            retrieval.meetings = meetings or []
        retrieval.started = asked
        timings["retrieve"] = timings.get("retrieve", 0.0) + _ms(mark)
        return retrieval


def _each_compared(retrieval: Retrieval, verdict: Verdict,
                   alone: list[tuple[str, Retrieval, Verdict]]) -> tuple[Retrieval, Verdict]:
    """A question that compares meetings, answered from each meeting as that meeting
    alone answers it (each brings the sentences it needs: a date, a name, what
    completes them), else as the question read across all of them does; a meeting
    neither way answers is named in the notice. Unanswered when neither way answers."""
    if not verdict.answerable and not any(v.answerable for _, _, v in alone):
        return retrieval, verdict
    sentences, left_out, shown = [], [], []
    for meeting, (title, own, each) in zip(retrieval.meetings, alone):
        if each.answerable:
            sentences += each.sentences
            shown += own.passages
            continue
        joint = [c for c in verdict.sentences if c[0].passage.doc_slug in meeting] \
            if verdict.answerable else []
        sentences += joint
        if not joint:
            left_out.append((title, each.reason))
    # (what the question read across them found in releases it does not name)
    sentences += [c for c in verdict.sentences if verdict.answerable
                  and c[0].passage.doc_slug not in retrieval.compared]
    sentences = _once(sentences)
    passages = _once_each([*shown, *retrieval.passages])
    best = max([verdict, *(v for _, _, v in alone)], key=lambda v: v.probability)
    return replace(retrieval, passages=passages), Verdict(
        True, "", sentences, best.probability, best.signals, verdict.left_out + left_out)


def _joined(question: str, found: list[tuple[str, Retrieval, Verdict]]
            ) -> tuple[Retrieval, Verdict]:
    """One retrieval and verdict for a question asked in parts: the passages of every
    part, and the sentences of every part that is answered (once each, in order)."""
    first = found[0][1]
    # An answerer reads the passages of the parts it answers: a part refused (and named
    # in the notice) is not answered from them after all.
    shown = [r for _, r, v in found if v.answerable] or [r for _, r, _ in found]
    passages = _once_each([sp for r in shown for sp in r.passages])
    retrieval = replace(first, query=question, passages=passages,
                        near_terms={w: t for _, r, _ in found for w, t in r.near_terms.items()},
                        compared=list(dict.fromkeys(s for _, r, _ in found for s in r.compared)))
    answered = [v for _, _, v in found if v.answerable]
    sentences = _once([c for v in answered for c in v.sentences])
    if not answered:
        return retrieval, max((v for _, _, v in found), key=lambda v: v.probability)
    left_out = [(part, v.reason) for part, _, v in found if not v.answerable]
    return retrieval, Verdict(True, "", sentences, max(v.probability for v in answered),
                              answered[0].signals, left_out)


def _once(sentences: list) -> list:
    """Candidate sentences, each once, where it first stands."""
    return list({(sp.passage.id, span): (sp, span, score)
                 for sp, span, score in sentences}.values())


def _once_each(passages: list) -> list:
    """Scored passages, each once, where it first stands."""
    return list({sp.passage.id: sp for sp in passages}.values())


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)
