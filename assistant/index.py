"""Passages -> Chroma collections (on disk or a server), reused while unchanged.

Per settings fingerprint, four collections: passage vectors, sentence vectors, one
vector per corpus word, and a manifest of document versions. Each passage is read by
the model once: its vector pools all its tokens, and each sentence's vector pools the
sentence's own tokens, read in the passage's context (so "these priorities" carries
what the priorities are). Every vector id carries its document's fingerprint
("<key>@<doc-fp>"), so a new version of a document is written beside the old one; the
manifest marks a version complete only once all its vectors are stored, and only then
is the old one deleted: a crash never leaves a half-written document that looks done.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .breaker import Breaker
from .chroma import (
    SERVER_FAILURES,
    SERVER_PAUSE,
    IndexUnavailable,
    check_database,
    chroma_client,
    describe,
    guarded,
)
from .corpus import SPLITTER_VERSION, Corpus, vocabulary
from .embedding import Embedder
from .types import Document, Passage

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # done, total, what
# Bump when what is stored per passage changes: the index is rebuilt.
INDEX_VERSION = "pooled-v1"
MAX_CACHED_TERMS = 50_000  # word vectors kept in memory (about 75 MB as float32)
OVERFETCH = 1000  # nearest vectors read before a large release filter is applied here
CHECKPOINT = 1024  # passages embedded and stored together: what a killed run loses at most


@dataclass
class SyncReport:
    """What a sync did: which documents it embedded, kept and dropped."""

    embedded: list[str] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    vectors_written: int = 0


def sentence_key(passage: Passage, number: int) -> str:
    """The id of a passage's n-th sentence (1-based)."""
    return f"{passage.id}.s{number}"


class PassageIndex:
    """Dense vectors of passages, sentences and corpus words in Chroma."""

    @guarded
    def __init__(self, settings, embedder: Embedder):
        self.settings = settings
        self.embedder = embedder
        # A Chroma server that keeps failing is left alone for a while: each question
        # would otherwise wait out the deadline again.
        self.breaker = Breaker(SERVER_FAILURES, SERVER_PAUSE)
        # (read_only_copy: where a read-only index was copied to be opened, or None)
        self._client, self.read_only_copy = chroma_client(settings)
        self._on_disk = None if settings.chroma_url else (
            self.read_only_copy or settings.data_dir / "chroma")
        key = hashlib.sha256(
            f"{embedder.model_id}|{SPLITTER_VERSION}|{INDEX_VERSION}".encode()
        ).hexdigest()[:10]
        name = settings.collection
        self._passages = self._collection(f"{name}-passages-{key}")
        self._sentences = self._collection(f"{name}-sentences-{key}")
        self._terms = self._collection(f"{name}-terms-{key}")
        self._manifest = self._collection(f"{name}-documents-{key}")
        self._tables = self._collection(f"{name}-tables-{key}") if settings.chroma_url else None
        # Only this collection's own older versions, never another setup's collections.
        self._ours = re.compile(
            re.escape(name) + r"-(passages|sentences|terms|documents|tables)-[0-9a-f]{10}")
        self._live_suffix = key
        self._vector_cache: dict[str, np.ndarray] = {}
        self._term_cache: dict[str, np.ndarray] = {}
        self._fingerprints: dict[str, str] = {}

    def _collection(self, name: str):
        try:
            return self._client.get_or_create_collection(
                name=name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        except Exception as error:  # connection refused, auth, bad name
            raise IndexUnavailable(describe(self.settings, error)) from None

    def _versions(self) -> dict[tuple[str, str], bool]:
        """Stored document versions: (slug, fingerprint) -> whether complete."""
        got = self._manifest.get(include=["metadatas"])
        return {(m["doc_slug"], m["fingerprint"]): bool(m["complete"])
                for m in got["metadatas"]}

    def _mark(self, documents: list[Document], complete: bool) -> None:
        for batch in self._batches(documents):
            self._manifest.upsert(
                ids=[_chroma_id(d.slug, d) for d in batch],
                embeddings=np.ones((len(batch), 1), dtype=np.float32),
                metadatas=[{**_version(d), "complete": complete} for d in batch])

    @guarded
    def sync(self, corpus: Corpus, progress: Progress | None = None,
             words: set[str] | None = None) -> SyncReport:
        """Make the collections hold exactly the corpus; embed only what changed.
        words: the corpus's vocabulary, when already at hand."""
        if self._on_disk:
            check_database(self._on_disk)
        report = SyncReport()
        versions = self._versions()
        stale = [d for d in corpus.documents if not versions.get((d.slug, d.fingerprint))]
        stale_slugs = {d.slug for d in stale}
        report.reused = [d.slug for d in corpus.documents if d.slug not in stale_slugs]
        # Marked before any vector is written, so an abandoned version is found and
        # deleted later even if its document is gone by then.
        self._mark([d for d in stale if (d.slug, d.fingerprint) not in versions], False)
        todo = self._unstored([p for d in stale for p in corpus.passages_of(d.slug)], corpus)
        words = vocabulary(corpus) if words is None else words
        new_words = sorted(words - set(self._terms.get(include=[])["ids"]))
        counter = _Counter(len(todo) + len(new_words), progress)
        left = {d.slug: 0 for d in stale}
        for passage in todo:
            left[passage.doc_slug] += 1
        self._finish([d for d in stale if not left[d.slug]], versions)
        for chunk in _chunks(todo):
            report.vectors_written += self._write(chunk, corpus, counter)
            for passage in chunk:
                left[passage.doc_slug] -= 1
            touched = {p.doc_slug for p in chunk}
            self._finish([corpus.document(s) for s in touched if not left[s]], versions)
        report.embedded = [d.slug for d in stale]
        wanted = {d.slug: d.fingerprint for d in corpus.documents}
        gone = [(s, fp) for s, fp in versions if s not in wanted]
        self._delete(gone)
        report.removed = sorted({s for s, _ in gone})
        report.vectors_written += self._sync_terms(words, new_words, counter)
        self._drop_other_versions()
        # Searches that name no corpus of their own use this one from now on.
        self._fingerprints = wanted
        return report

    def _unstored(self, passages: list[Passage], corpus: Corpus) -> list[Passage]:
        """The passages whose vector is not stored yet (a passage is stored after its
        sentences, so a stored passage is whole): a killed run resumes where it stopped."""
        ids = [_chroma_id(p.id, corpus.document(p.doc_slug)) for p in passages]
        stored: set[str] = set()
        for batch in self._batches(ids):
            stored.update(self._passages.get(ids=batch, include=[])["ids"])
        return [p for p, i in zip(passages, ids) if i not in stored]

    def _write(self, passages: list[Passage], corpus: Corpus, counter) -> int:
        """Embed the passages, each in one encoder pass that also gives its sentences'
        vectors, and store the sentences, then the passages."""
        spans = [[(s.start - p.start, s.end - p.start) for s in p.sentences] for p in passages]
        passage_vectors, sentence_vectors = counter.pooled(
            self.embedder, [p.text for p in passages], spans, passages[-1].doc_slug)
        sentence_ids, sentence_meta = [], []
        for passage in passages:
            document = corpus.document(passage.doc_slug)
            for n in range(1, len(passage.sentences) + 1):
                sentence_ids.append(_chroma_id(sentence_key(passage, n), document))
                sentence_meta.append(_version(document))
        if sentence_ids:
            self._add(self._sentences, sentence_ids, np.concatenate(sentence_vectors),
                      sentence_meta)
        documents = [corpus.document(p.doc_slug) for p in passages]
        self._add(self._passages, [_chroma_id(p.id, d) for p, d in zip(passages, documents)],
                  passage_vectors, [_version(d) for d in documents])
        return len(sentence_ids) + len(passages)

    def _finish(self, documents: list[Document], versions) -> None:
        """Mark these versions complete; only then delete their documents' other versions."""
        self._mark(documents, True)
        fingerprints = {d.slug: d.fingerprint for d in documents}
        self._delete([(s, fp) for s, fp in versions
                      if s in fingerprints and fp != fingerprints[s]])

    def _delete(self, versions: list[tuple[str, str]]) -> None:
        for slug, fingerprint in versions:
            where = {"$and": [{"doc_slug": slug}, {"fingerprint": fingerprint}]}
            for store in (self._passages, self._sentences, self._manifest):
                store.delete(where=where)

    @guarded
    def warm(self) -> None:
        """Have Chroma read each vector index now (it does on a collection's first query)."""
        for store in (self._passages, self._sentences, self._terms):
            some = store.peek(1)["embeddings"]
            if some is not None and len(some):
                store.query(query_embeddings=np.asarray(some[:1]), n_results=1, include=[])

    @property
    def shared_tables(self):
        """Where the corpus tables are shared with other machines: this Chroma server
        (None on disk, where the data folder holds them)."""
        return _SharedTables(self._tables) if self._tables is not None else None

    def use(self, corpus: Corpus) -> None:
        """Answer for this corpus's versions without a sync (all of them are stored)."""
        self._fingerprints = {d.slug: d.fingerprint for d in corpus.documents}

    @guarded
    def drop(self) -> None:
        """Delete this setup's collections (all versions), so the next sync starts anew."""
        for collection in self._client.list_collections():
            name = getattr(collection, "name", collection)
            if self._ours.fullmatch(name):
                self._client.delete_collection(name)

    def _batches(self, items: list) -> list[list]:
        """items in the largest batches Chroma takes in one call (a few thousand)."""
        size = max(1, self._client.get_max_batch_size() - 1)
        return [items[start : start + size] for start in range(0, len(items), size)]

    def _add(self, store, ids: list[str], vectors: np.ndarray, metadatas=None) -> None:
        """Write in the largest batches the store takes (thousands of vectors a call)."""
        start = 0
        for batch in self._batches(ids):
            end = start + len(batch)
            store.add(ids=batch, embeddings=vectors[start:end],
                      metadatas=metadatas[start:end] if metadatas else None)
            start = end

    def _sync_terms(self, wanted: set[str], new: list[str], counter) -> int:
        """One vector per distinct corpus word, so a question's unseen word can be
        matched to the nearest word the corpus does use ("stop" ~ "prevent")."""
        for gone in self._batches(sorted(set(self._terms.get(include=[])["ids"]) - wanted)):
            self._terms.delete(ids=gone)
        if new:
            self._add(self._terms, new, counter.embed(self.embedder, new, "vocabulary"))
        return len(new)

    def remember_terms(self, words: list[str], vectors) -> None:
        """Vectors of words embedded with a question: the nearest-word look-up and the
        answerability stage then read them here instead of encoding them again."""
        if len(self._term_cache) + len(words) > MAX_CACHED_TERMS:
            self._term_cache.clear()  # a long-running server meets ever new words
        for word, vector in zip(words, vectors):
            self._term_cache[word] = np.asarray(vector, dtype=np.float32)

    @guarded
    def nearest_terms(self, words: list[str]) -> dict[str, tuple[str, float]]:
        """For each word, the closest corpus word and its cosine similarity."""
        if not words:
            return {}
        vectors = self.term_vectors(words)
        result = self._terms.query(
            query_embeddings=np.array([vectors[w] for w in words]), n_results=1,
            include=["distances"])
        return {
            word: (ids[0], 1.0 - distances[0])
            for word, ids, distances in zip(words, result["ids"], result["distances"])
            if ids
        }

    @guarded
    def term_vectors(self, terms: list[str]) -> dict[str, np.ndarray]:
        """Vectors of words: the stored ones of corpus words (cached); a word neither
        stored nor remembered is embedded (and cached)."""
        missing = [t for t in dict.fromkeys(terms) if t not in self._term_cache]
        if missing:
            got = self._terms.get(ids=missing, include=["embeddings"])
            self.remember_terms(got["ids"], got["embeddings"])
            unseen = [t for t in missing if t not in self._term_cache]
            if unseen:
                self.remember_terms(unseen, self.embedder.many(unseen))
        return {t: self._term_cache[t] for t in terms}

    @guarded
    def ready(self, corpus: Corpus) -> set[str]:
        """The documents whose current version is stored whole (servable before a sync)."""
        versions = self._versions()
        return {d.slug for d in corpus.documents if versions.get((d.slug, d.fingerprint))}

    def _drop_other_versions(self) -> None:
        """Collections of an older model, splitter or layout are removed once ours is full."""
        for collection in self._client.list_collections():
            name = getattr(collection, "name", collection)
            if self._ours.fullmatch(name) and not name.endswith(self._live_suffix):
                self._client.delete_collection(name)

    @guarded
    def search_passages(self, vector, k: int, releases=None,
                        fingerprints: dict | None = None) -> list[tuple[str, float]]:
        """Nearest passages: (passage id, cosine similarity), best first; releases:
        only these document slugs (all when None); fingerprints: the versions the
        asking corpus holds (slug -> fingerprint; the last synced corpus's when None)."""
        return self._search(self._passages, vector, k, releases, fingerprints)

    @guarded
    def search_sentences(self, vector, k: int, releases=None,
                         fingerprints: dict | None = None) -> list[tuple[str, float]]:
        """Nearest sentences: (sentence key, cosine similarity), best first."""
        return self._search(self._sentences, vector, k, releases, fingerprints)

    def _search(self, store, vector, k, releases, fingerprints) -> list[tuple[str, float]]:
        fingerprints = self._fingerprints if fingerprints is None else fingerprints
        query = np.asarray([vector], dtype=np.float32)
        if releases:
            # Chroma's own filter scans its metadata (tens to hundreds of ms); the
            # nearest thousand, filtered here, usually hold k of the chosen releases.
            wanted = set(releases)
            found = store.query(query_embeddings=query, n_results=OVERFETCH,
                                include=["distances"])
            hits = [h for h in _hits(found, fingerprints) if h[0].split("#")[0] in wanted]
            if len(hits) >= k:
                return hits[:k]
        where = {"doc_slug": {"$in": list(releases)}} if releases else None
        found = store.query(query_embeddings=query, n_results=k, include=["distances"],
                            where=where)
        return _hits(found, fingerprints)

    @guarded
    def sentence_vectors(self, keys: list[str],
                         fingerprints: dict | None = None) -> dict[str, np.ndarray]:
        """Stored vectors of the given sentences, of the versions in fingerprints (the
        last synced corpus's when None); cached per version, which never changes."""
        return self._vectors(self._sentences, keys, fingerprints)

    @guarded
    def passage_vectors(self, keys: list[str],
                        fingerprints: dict | None = None) -> dict[str, np.ndarray]:
        """Stored vectors of the given passages (as sentence_vectors)."""
        return self._vectors(self._passages, keys, fingerprints)

    def _vectors(self, store, keys: list[str], fingerprints) -> dict[str, np.ndarray]:
        fingerprints = self._fingerprints if fingerprints is None else fingerprints
        ids = {k: f"{k}@{fingerprints[k.split('#')[0]]}" for k in keys
               if k.split("#")[0] in fingerprints}
        missing = [i for i in ids.values() if i not in self._vector_cache]
        if len(self._vector_cache) + len(missing) > MAX_CACHED_TERMS:
            self._vector_cache.clear()  # edits over a long run leave old versions behind
            missing = list(ids.values())
        for batch in self._batches(missing):
            got = store.get(ids=batch, include=["embeddings"])
            for chroma_id, vector in zip(got["ids"], got["embeddings"]):
                self._vector_cache[chroma_id] = np.asarray(vector, dtype=np.float32)
        return {k: self._vector_cache[i] for k, i in ids.items() if i in self._vector_cache}


class _SharedTables:
    """Saved corpus tables, as parts of a few MB in a Chroma collection (its records
    need a vector: a constant one)."""

    PART = 4_000_000  # base64 characters a record

    def __init__(self, collection):
        self.collection = collection

    def get(self, key: str) -> bytes | None:
        got = self.collection.get(where={"key": key}, include=["metadatas"])
        parts = sorted(got["metadatas"], key=lambda m: m["part"])
        if not parts or len(parts) != parts[0]["parts"]:
            return None  # none, or still being written
        return base64.b64decode("".join(m["data"] for m in parts))

    def put(self, key: str, blob: bytes) -> None:
        text = base64.b64encode(blob).decode()
        parts = range(0, len(text), self.PART)
        for n, start in enumerate(parts):
            self.collection.upsert(
                ids=[f"{key}/{n}"], embeddings=np.ones((1, 1), dtype=np.float32),
                metadatas=[{"key": key, "part": n, "parts": len(parts),
                            "data": text[start : start + self.PART]}])
        self.collection.delete(where={"key": {"$ne": key}})  # older corpora's


class _Counter:
    """Embeds and reports (done, total, what) after each call."""

    def __init__(self, total: int, progress: Progress | None):
        self.done, self.total, self.progress = 0, total, progress

    def embed(self, embedder: Embedder, texts: list[str], what: str) -> np.ndarray:
        vectors = embedder.many(texts)
        self._count(len(texts), what)
        return vectors

    def pooled(self, embedder: Embedder, texts: list[str], spans, what: str):
        vectors = embedder.pooled(texts, spans)
        self._count(len(texts), what)
        return vectors

    def _count(self, texts: int, what: str) -> None:
        self.done += texts
        if self.progress:
            self.progress(self.done, self.total, what)


def _chunks(passages: list[Passage]):
    """About CHECKPOINT passages a chunk, across documents."""
    chunk = []
    for passage in passages:
        chunk.append(passage)
        if len(chunk) >= CHECKPOINT:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _hits(result, fingerprints: dict) -> list[tuple[str, float]]:
    """(key, cosine similarity) of a query's results, best first, skipping vectors of a
    document version that is no longer the corpus's."""
    hits = []
    for chroma_id, distance in zip(result["ids"][0], result["distances"][0]):
        key, _, fingerprint = chroma_id.rpartition("@")
        if fingerprints.get(key.split("#")[0]) == fingerprint:
            hits.append((key, 1.0 - distance))
    return hits


def _chroma_id(key: str, document: Document) -> str:
    return f"{key}@{document.fingerprint}"


def _version(document: Document) -> dict:
    """The metadata every vector carries: which document version it belongs to."""
    return {"doc_slug": document.slug, "fingerprint": document.fingerprint}
