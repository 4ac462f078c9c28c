"""Corpus -> the tables every question reads: the BM25 index, the corpus's words, the
sentence frequency of each stem, and the numbers and lower-case words names are
checked against. Built once when the corpus changes, saved beside Chroma under the
corpus's fingerprint, and loaded at start, so a process that asks does not rebuild
them. With a Chroma server they are also stored in Chroma, for the other machines."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
import tarfile
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .corpus import SPLITTER_VERSION, Corpus, release_descriptions, release_headers, vocabulary
from .facts import common_initials, numbers, spelled_out_initials
from .text import content_stems, stem

log = logging.getLogger(__name__)
TABLES_VERSION = "10"  # bump when what is built here changes: saved tables are rebuilt
KEPT = 3  # saved versions kept (a reload may still read the one before)


class LexicalIndex:
    """BM25 over passage texts (bm25s, tokenised and scored as llama-index's
    BM25Retriever does it), searchable within a set of releases."""

    def __init__(self, ids: list[str], slugs: list[str], documents: np.ndarray, bm25):
        self.ids = ids  # passage ids, in the index's order
        self.slug_numbers = {slug: n for n, slug in enumerate(slugs)}
        self.documents = documents  # each passage's release number, for release filters
        self.bm25 = bm25
        self._lock = threading.Lock()  # the stemmer must not serve two threads at once

    @classmethod
    def build(cls, corpus: Corpus) -> LexicalIndex:
        import bm25s

        numbered = {slug: n for n, slug in enumerate(corpus.slugs())}
        documents = np.array([numbered[p.doc_slug] for p in corpus.passages], dtype=np.int32)
        tokens = bm25s.tokenize([p.text for p in corpus.passages], stopwords="english",
                                stemmer=_stemmer(), show_progress=False)
        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        return cls([p.id for p in corpus.passages], corpus.slugs(), documents, bm25)

    def count(self, releases) -> int:
        """How many passages these releases hold."""
        return int(self._within(releases).sum())

    def _within(self, releases) -> np.ndarray:
        wanted = [self.slug_numbers[s] for s in releases if s in self.slug_numbers]
        return np.isin(self.documents, wanted)

    def search(self, query: str, k: int, releases=None) -> list[tuple[str, float]]:
        """(passage id, score) of the k best passages with a score above 0."""
        import bm25s

        mask = None if releases is None else self._within(releases).astype(np.float32)
        with self._lock:
            tokens = bm25s.tokenize(query, stemmer=_stemmer(), show_progress=False)
            if not tokens.vocab:
                return []
            found, scores = self.bm25.retrieve(tokens, k=min(k, len(self.ids)),
                                               show_progress=False, weight_mask=mask)
        return [(self.ids[int(i)], float(s)) for i, s in zip(found[0], scores[0]) if s > 0]


@dataclass
class CorpusTables:
    """What questions read about the corpus as a whole."""

    vocabulary: set[str]  # distinct content words: the words whose vectors are stored
    stems: set[str]
    idf: dict[str, float]  # inverse sentence frequency of each stem
    numbers: set[str]  # every number written in some release
    lower_case: set[str]  # words some release writes in lower case
    headers: dict[str, set[str]]  # the words each release says about itself
    descriptions: dict[str, set[str]]  # stems of the words that say which meeting it was
    lexical: LexicalIndex
    initials: dict[str, str]  # what abbreviations would stand for ("jha" -> "Justice and …")

    @classmethod
    def build(cls, corpus: Corpus) -> CorpusTables:
        words = vocabulary(corpus)
        headers = release_headers(corpus)
        return cls(
            vocabulary=words,
            stems={stem(w) for w in words},
            idf=_sentence_idf(corpus),
            numbers={n for d in corpus.documents for n in numbers(d.text)},
            # (with the abbreviations of lower-case words: "artificial intelligence (AI)")
            lower_case={w for d in corpus.documents
                        for w in {*re.findall(r"\b[a-z]+\b", d.text), *common_initials(d.text)}},
            headers=headers,
            descriptions=release_descriptions(corpus, headers),
            lexical=LexicalIndex.build(corpus),
            initials=_initials(corpus),
        )

    def save(self, folder: Path) -> None:
        """Write to a new folder: JSON and numpy files (nothing that runs code on load)."""
        folder.mkdir(parents=True)
        words = {"vocabulary": sorted(self.vocabulary), "idf": self.idf,
                 "numbers": sorted(self.numbers), "lower_case": sorted(self.lower_case),
                 "headers": {slug: sorted(ws) for slug, ws in self.headers.items()},
                 "descriptions": {slug: sorted(ws) for slug, ws in self.descriptions.items()},
                 "ids": self.lexical.ids, "slugs": list(self.lexical.slug_numbers),
                 "initials": self.initials}
        (folder / "words.json").write_text(json.dumps(words))
        np.save(folder / "documents.npy", self.lexical.documents)
        self.lexical.bm25.save(folder / "bm25", show_progress=False)

    @classmethod
    def read(cls, folder: Path) -> CorpusTables:
        """Read what save() wrote; BM25's arrays are memory-mapped, not read in."""
        import bm25s

        words = json.loads((folder / "words.json").read_text())
        bm25 = bm25s.BM25.load(folder / "bm25", mmap=True, show_progress=False)
        documents = np.load(folder / "documents.npy", mmap_mode="r")
        vocabulary_words = set(words["vocabulary"])
        return cls(vocabulary=vocabulary_words, stems={stem(w) for w in vocabulary_words},
                   idf=words["idf"], numbers=set(words["numbers"]),
                   lower_case=set(words["lower_case"]),
                   headers={slug: set(ws) for slug, ws in words["headers"].items()},
                   descriptions={slug: set(ws) for slug, ws in words["descriptions"].items()},
                   lexical=LexicalIndex(words["ids"], words["slugs"], documents, bm25),
                   initials=words["initials"])


def fingerprint(corpus: Corpus) -> str:
    """Changes when any release (or the way tables are built) changes."""
    versions = sorted(f"{d.slug}@{d.fingerprint}" for d in corpus.documents)
    text = "|".join([SPLITTER_VERSION, TABLES_VERSION, *versions])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_tables(corpus: Corpus, folder: Path, shared=None, save: bool = True) -> CorpusTables:
    """The corpus's tables: read from folder when saved there for this corpus, else
    fetched from shared (a Chroma store of them), else built. save: keep what was
    fetched or built, in folder and in shared (False for a read-only use)."""
    key = fingerprint(corpus)
    if (folder / key).is_dir():
        try:
            return CorpusTables.read(folder / key)
        except (OSError, ValueError, KeyError) as error:  # damaged: build anew
            log.info("saved tables in %s unreadable (%s); rebuilding", folder / key, error)
            shutil.rmtree(folder / key, ignore_errors=True)
    blob = shared.get(key) if shared is not None else None
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / key
        tables = _unpacked(blob, built) if blob is not None else None
        if tables is None:
            tables = CorpusTables.build(corpus)
            tables.save(built)
            if save and shared is not None:
                shared.put(key, _packed(built))
        if save:
            _keep(built, folder)
        # Read back from where it is kept, so the arrays are mapped from a file that stays.
        return CorpusTables.read(folder / key) if (folder / key).is_dir() else tables


def _keep(built: Path, folder: Path) -> None:
    """Move built tables into folder in one step (another process may be reading);
    keep the newest few."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            shutil.move(built, folder / f".{built.name}.{os.getpid()}")
            os.rename(folder / f".{built.name}.{os.getpid()}", folder / built.name)
        except OSError:  # another process saved the same tables first
            shutil.rmtree(folder / f".{built.name}.{os.getpid()}", ignore_errors=True)
        saved = sorted((p for p in folder.iterdir() if not p.name.startswith(".")),
                       key=lambda p: p.stat().st_mtime)
        for old in saved[:-KEPT]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as error:  # a read-only data folder: the tables live in memory only
        log.info("tables not saved in %s: %s", folder, error)


def _unpacked(blob: bytes, target: Path) -> CorpusTables | None:
    """Tables fetched from the server, or None when what came is not readable."""
    try:
        with tarfile.open(fileobj=io.BytesIO(blob)) as packed:
            packed.extractall(target.parent, filter="data")
        return CorpusTables.read(target)
    except (tarfile.TarError, OSError, ValueError, KeyError) as error:
        log.info("tables from the Chroma server unreadable (%s); rebuilding", error)
        shutil.rmtree(target, ignore_errors=True)
        return None


def _packed(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as packed:
        packed.add(folder, arcname=folder.name)
    return buffer.getvalue()


def _initials(corpus: Corpus) -> dict[str, str]:
    """Initials -> the words they stand for, the most often written first."""
    counts: dict[tuple[str, str], int] = {}
    for document in corpus.documents:
        for pair in spelled_out_initials(document.text).items():
            counts[pair] = counts.get(pair, 0) + 1
    initials: dict[str, str] = {}
    for (short, phrase), _ in sorted(counts.items(), key=lambda item: -item[1]):
        initials.setdefault(short, phrase)
    return initials


def _sentence_idf(corpus: Corpus) -> dict[str, float]:
    """Inverse sentence frequency of every stem in the corpus."""
    counts: dict[str, int] = {}
    total = 0
    for passage in corpus.passages:
        for span in passage.sentences:
            total += 1
            for s in set(content_stems(passage.sentence_text(span))):
                counts[s] = counts.get(s, 0) + 1
    return {s: math.log((total + 1) / (n + 0.5)) for s, n in counts.items()}


def _stemmer():
    import Stemmer

    global _STEMMER
    if _STEMMER is None:
        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER


_STEMMER = None
