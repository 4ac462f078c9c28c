"""Passages -> Chroma collections (on disk or a server), reused while unchanged.

Two collections per settings fingerprint: passages and their sentences. Every
Chroma id carries the document's fingerprint ("<passage-id>@<doc-fp>"), so a new
version of a document is written beside the old one and the old one is deleted
only once the new one is complete: a crash never leaves a half-written document
that looks finished, and the next sync repairs it.
"""

from __future__ import annotations

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
    chroma_client,
    describe,
    guarded,
)
from .corpus import SPLITTER_VERSION, Corpus, vocabulary
from .embedding import Embedder
from .types import Document, Passage

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]  # done, total, what
MAX_CACHED_TERMS = 50_000  # word vectors kept in memory (about 75 MB as float32)
CHECKPOINT = 512  # texts embedded and stored together: what a killed indexing run loses


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


# A sentence that opens by pointing back ("One of these priorities is …") means little alone.
POINTS_BACK = re.compile(
    r"^(?:\W*\w+\W+){0,3}?(?:this|these|those|they|it|its|such|both|he|she|his|her)\b",
    re.IGNORECASE,
)


def sentence_in_context(passage: Passage, number: int) -> str:
    """What is embedded for a sentence: the sentence, after the one before it when it
    points back to it, so "One of these priorities" is found by what the priorities are."""
    spans = passage.sentences
    text = passage.sentence_text(spans[number - 1])
    if number > 1 and POINTS_BACK.search(text):
        return f"{passage.sentence_text(spans[number - 2])} {text}"
    return text


class PassageIndex:
    """Dense vectors of passages and sentences in Chroma, via llama-index."""

    @guarded
    def __init__(self, settings, embedder: Embedder):
        self.settings = settings
        self.embedder = embedder
        # A Chroma server that keeps failing is left alone for a while: each question
        # would otherwise wait out the deadline again.
        self.breaker = Breaker(SERVER_FAILURES, SERVER_PAUSE)
        # (read_only_copy: where a read-only index was copied to be opened, or None)
        self._client, self.read_only_copy = chroma_client(settings)
        key = hashlib.sha256(
            f"{embedder.model_id}|{SPLITTER_VERSION}".encode()
        ).hexdigest()[:10]
        self._passages = self._store(f"{settings.collection}-passages-{key}")
        self._sentences = self._store(f"{settings.collection}-sentences-{key}")
        self._terms = self._store(f"{settings.collection}-terms-{key}")
        # Only this collection's own older versions, never another setup's collections.
        self._ours = re.compile(
            re.escape(settings.collection) + r"-(passages|sentences|terms)-[0-9a-f]{10}"
        )
        self._live_suffix = key
        self._vector_cache: dict[str, list[float]] = {}
        self._term_cache: dict[str, object] = {}
        self._fingerprints: dict[str, str] = {}

    def _store(self, name: str):
        from llama_index.vector_stores.chroma import ChromaVectorStore

        try:
            collection = self._client.get_or_create_collection(
                name=name, metadata={"hnsw:space": "cosine"}
            )
        except Exception as error:  # connection refused, auth, bad name
            raise IndexUnavailable(describe(self.settings, error)) from None
        return ChromaVectorStore(chroma_collection=collection)

    @guarded
    def sync(self, corpus: Corpus, progress: Progress | None = None) -> SyncReport:
        """Make the collections hold exactly the corpus; embed only what changed."""
        report = SyncReport()
        wanted = {d.slug: d.fingerprint for d in corpus.documents}
        present = _ids_by_document(self._passages), _ids_by_document(self._sentences)
        by_doc: dict[str, list[Passage]] = {}
        for passage in corpus.passages:
            by_doc.setdefault(passage.doc_slug, []).append(passage)
        stale = [d for d in corpus.documents if not self._complete(d, by_doc, present)]
        words = vocabulary(corpus)
        new_words = sorted(words - set(self._terms.client.get(include=[])["ids"]))
        done_before = sum(  # stored by an earlier run that was stopped mid-document
            len(ids.get(d.slug, {}).get(d.fingerprint, ())) for d in stale for ids in present
        )
        total = len(new_words) - done_before + sum(
            len(p.sentences) + 1 for d in stale for p in by_doc.get(d.slug, ())
        )
        counter = _Counter(total, progress)
        for document in corpus.documents:
            if document not in stale:
                report.reused.append(document.slug)
                continue
            passages = by_doc.get(document.slug, [])
            self._write(document, passages, present, counter)
            report.embedded.append(document.slug)
            report.vectors_written += len(passages) + sum(len(p.sentences) for p in passages)
        for store, ids in zip((self._passages, self._sentences), present):
            gone = [slug for slug in ids if slug not in wanted]
            for slug in gone:
                store.client.delete(ids=[i for fp in ids[slug].values() for i in fp])
            report.removed.extend(s for s in gone if s not in report.removed)
        report.vectors_written += self._sync_terms(words, new_words, counter)
        self._drop_other_versions()
        # Searches that name no corpus of their own use this one from now on.
        self._fingerprints = wanted
        return report

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

    def _add(self, store, nodes: list) -> None:
        """Write nodes in the largest batches the store takes (a big release has more
        vectors than Chroma accepts in one call)."""
        size = max(1, self._client.get_max_batch_size() - 1)
        for start in range(0, len(nodes), size):
            store.add(nodes[start : start + size])

    def _sync_terms(self, wanted: set[str], new: list[str], counter) -> int:
        """One vector per distinct corpus word, so a question's unseen word can be
        matched to the nearest word the corpus does use ("stop" ~ "prevent")."""
        from llama_index.core.schema import TextNode

        gone = sorted(set(self._terms.client.get(include=[])["ids"]) - wanted)
        if gone:
            self._terms.client.delete(ids=gone)
        vectors = counter.embed(self.embedder, new, "vocabulary")
        if new:
            self._add(self._terms,
                      [TextNode(id_=w, text=w, embedding=v) for w, v in zip(new, vectors)])
        return len(new)

    @guarded
    def nearest_terms(self, words: list[str]) -> dict[str, tuple[str, float]]:
        """For each word, the closest corpus word and its cosine similarity."""
        if not words:
            return {}
        vectors = self.term_vectors(words)  # cached: the answerability stage reuses them
        result = self._terms.client.query(
            query_embeddings=[vectors[w] for w in words], n_results=1, include=["distances"]
        )
        return {
            word: (ids[0], 1.0 - distances[0])
            for word, ids, distances in zip(words, result["ids"], result["distances"])
            if ids
        }

    @guarded
    def term_vectors(self, terms: list[str]) -> dict[str, list[float]]:
        """Stored vectors of corpus words (cached); words the corpus never uses are
        embedded once and cached too."""
        missing = [t for t in dict.fromkeys(terms) if t not in self._term_cache]
        if len(self._term_cache) + len(missing) > MAX_CACHED_TERMS:
            self._term_cache.clear()  # a long-running server meets ever new words
            missing = list(dict.fromkeys(terms))
        if missing:
            got = self._terms.client.get(ids=missing, include=["embeddings"])
            for term, vector in zip(got["ids"], got["embeddings"]):
                self._term_cache[term] = np.asarray(vector, dtype=np.float32)
            unseen = [t for t in missing if t not in self._term_cache]
            for term, vector in zip(unseen, self.embedder.many(unseen)):
                self._term_cache[term] = np.asarray(vector, dtype=np.float32)
        return {t: self._term_cache[t] for t in terms}

    @guarded
    def ready(self, corpus: Corpus) -> set[str]:
        """The documents whose current version is stored whole (servable before a sync)."""
        present = _ids_by_document(self._passages), _ids_by_document(self._sentences)
        by_doc: dict[str, list[Passage]] = {}
        for passage in corpus.passages:
            by_doc.setdefault(passage.doc_slug, []).append(passage)
        return {d.slug for d in corpus.documents
                if self._complete(d, by_doc, present, old_versions_ok=True)}

    def _complete(self, document: Document, by_doc, present, old_versions_ok=False) -> bool:
        passages = by_doc.get(document.slug, [])
        want_p = {_chroma_id(p.id, document) for p in passages}
        want_s = {
            _chroma_id(sentence_key(p, n), document)
            for p in passages
            for n in range(1, len(p.sentences) + 1)
        }
        have_p = present[0].get(document.slug, {}).get(document.fingerprint, set())
        have_s = present[1].get(document.slug, {}).get(document.fingerprint, set())
        others = [
            fp for ids in present for fp in ids.get(document.slug, {}) if fp != document.fingerprint
        ]
        return have_p == want_p and have_s == want_s and (old_versions_ok or not others)

    def _write(self, document: Document, passages: list[Passage], present, counter) -> None:
        """Embed and store what the document's current version still lacks, a batch at
        a time: each stored batch is a checkpoint, so a killed run resumes where it
        stopped instead of starting the document over."""
        from llama_index.core.schema import TextNode

        have = [ids.get(document.slug, {}).get(document.fingerprint, set()) for ids in present]
        sentences = [
            (sentence_key(p, n), p, sentence_in_context(p, n))
            for p in passages
            for n in range(1, len(p.sentences) + 1)
        ]
        work = [
            (self._passages, [(p.id, p, p.text) for p in passages], have[0]),
            (self._sentences, sentences, have[1]),
        ]
        for store, items, stored in work:
            todo = [item for item in items if _chroma_id(item[0], document) not in stored]
            for start in range(0, len(todo), CHECKPOINT):
                batch = todo[start : start + CHECKPOINT]
                vectors = counter.embed(self.embedder, [t for _, _, t in batch], document.slug)
                self._add(store, [
                    TextNode(id_=_chroma_id(key, document), text=text, embedding=vector,
                             metadata={"key": key, "passage_id": passage.id,
                                       "doc_slug": document.slug})
                    for (key, passage, text), vector in zip(batch, vectors)
                ])
        # Only now that the new version is complete does the old one go.
        for store, ids in zip((self._passages, self._sentences), present):
            old = [
                i
                for fp, fp_ids in ids.get(document.slug, {}).items()
                if fp != document.fingerprint
                for i in fp_ids
            ]
            if old:
                store.client.delete(ids=old)

    def _drop_other_versions(self) -> None:
        """Collections of an older model or splitter are removed once ours is full."""
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
        collection = store.client
        where = {"doc_slug": {"$in": list(releases)}} if releases else None
        result = collection.query(
            query_embeddings=[vector], n_results=k, include=["distances"], where=where
        )
        hits = []
        for chroma_id, distance in zip(result["ids"][0], result["distances"][0]):
            key, _, fingerprint = chroma_id.rpartition("@")
            # Skip vectors of a document version that is no longer the corpus's.
            if fingerprints.get(key.split("#")[0]) == fingerprint:
                hits.append((key, 1.0 - distance))
        return hits

    @guarded
    def sentence_vectors(self, keys: list[str],
                         fingerprints: dict | None = None) -> dict[str, list[float]]:
        """Stored vectors of the given sentences, of the versions in fingerprints (the
        last synced corpus's when None); cached per version, which never changes."""
        fingerprints = self._fingerprints if fingerprints is None else fingerprints
        ids = {k: f"{k}@{fingerprints[k.split('#')[0]]}" for k in keys
               if k.split("#")[0] in fingerprints}
        missing = [i for i in ids.values() if i not in self._vector_cache]
        if len(self._vector_cache) + len(missing) > MAX_CACHED_TERMS:
            self._vector_cache.clear()  # edits over a long run leave old versions behind
            missing = list(ids.values())
        if missing:
            got = self._sentences.client.get(ids=missing, include=["embeddings"])
            for chroma_id, vector in zip(got["ids"], got["embeddings"]):
                self._vector_cache[chroma_id] = list(vector)
        return {k: self._vector_cache[i] for k, i in ids.items() if i in self._vector_cache}


class _Counter:
    """Embeds in batches and reports (done, total, document) after each batch."""

    BATCH = 32

    def __init__(self, total: int, progress: Progress | None):
        self.done, self.total, self.progress = 0, total, progress

    def embed(self, embedder: Embedder, texts: list[str], what: str) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.BATCH):
            vectors.extend(embedder.many(texts[start : start + self.BATCH]))
            self.done += len(texts[start : start + self.BATCH])
            if self.progress:
                self.progress(self.done, self.total, what)
        return vectors


def _chroma_id(key: str, document: Document) -> str:
    return f"{key}@{document.fingerprint}"


def _ids_by_document(store) -> dict[str, dict[str, set[str]]]:
    """All ids in a collection, grouped by document slug and fingerprint."""
    ids = store.client.get(include=[])["ids"]
    grouped: dict[str, dict[str, set[str]]] = {}
    for chroma_id in ids:
        key, _, fingerprint = chroma_id.rpartition("@")
        slug = key.split("#")[0]
        grouped.setdefault(slug, {}).setdefault(fingerprint, set()).add(chroma_id)
    return grouped
