"""The records passed between stages: plain dataclasses, no framework objects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Document:
    """One release: its exact source text and what it says about itself."""

    slug: str
    title: str
    path: str
    text: str
    meta: dict
    fingerprint: str
    body_start: int = 0  # where the text begins after any front matter


@dataclass(frozen=True)
class Span:
    """A character range [start, end) in a document's text."""

    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A paragraph of a document, with its exact span and its sentences."""

    id: str  # "<doc-slug>#p<n>", stable while the document is unchanged
    doc_slug: str
    doc_title: str
    section: str  # the heading the paragraph sits under ("" before any)
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]  # absolute spans into the document text

    def sentence_text(self, span: Span) -> str:
        return self.text[span.start - self.start : span.end - self.start]


@dataclass
class ScoredPassage:
    """A retrieved passage, its fused score and the sentences that match best."""

    passage: Passage
    score: float
    dense: float = 0.0  # cosine similarity of the passage to the query
    bm25: float = 0.0
    best_sentences: list[tuple[Span, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Citation:
    """A claim's source: the exact quote, where it sits, and the passage around it."""

    marker: int
    passage_id: str
    document: str  # the document's title
    doc_slug: str
    quote: str  # == document.text[start:end]
    start: int
    end: int
    passage_text: str
    passage_start: int
    section: str
    # What the release says about itself: title, date, place, meeting, file.
    release: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Plain JSON-ready form."""
        return asdict(self)


@dataclass
class Reply:
    """An answer with its citations and everything needed to check it."""

    question: str
    text: str
    answered: bool
    citations: list[Citation]
    passages: list[ScoredPassage]
    query: str
    backend: str
    timings: dict[str, float]
    notice: str = ""  # e.g. why an LLM answer fell back to the extractive one
    unsupported: list[str] = field(default_factory=list)

    @property
    def related(self) -> list[ScoredPassage]:
        """Closest passages, offered as reading when the release does not answer."""
        return [] if self.answered else self.passages[:3]

    def to_dict(self) -> dict:
        """The one JSON form of a reply: CLI --json, web API, feedback and eval rows."""
        return {
            "question": self.question,
            "answer": self.text,
            "answered": self.answered,
            "citations": [c.to_dict() for c in self.citations],
            "related": [_passage_dict(sp) for sp in self.related],
            "passages": [
                {
                    **_passage_dict(sp),
                    "score": round(sp.score, 5),
                    "dense": round(sp.dense, 5),
                    "bm25": round(sp.bm25, 5),
                    "best_sentences": [
                        {"start": s.start, "end": s.end, "score": round(score, 4)}
                        for s, score in sp.best_sentences
                    ],
                }
                for sp in self.passages
            ],
            "query": self.query,
            "backend": self.backend,
            "timings": self.timings,
            "notice": self.notice,
            "unsupported": list(self.unsupported),
        }


def _passage_dict(scored: ScoredPassage) -> dict:
    passage = scored.passage
    return {
        "passage_id": passage.id,
        "document": passage.doc_title,
        "doc_slug": passage.doc_slug,
        "section": passage.section,
        "passage_text": passage.text,
        "passage_start": passage.start,
    }
