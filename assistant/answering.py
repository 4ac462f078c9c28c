"""Question + retrieved passages -> answer text with verified citations.

The extractive answerer is the offline default: it answers with the release's own
sentences, so every claim is a quote. Before answering it asks whether the
evidence can answer at all, and says "the release does not say" when it cannot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .answerability import Verdict
from .facts import MARKER
from .retrieval import Retrieval
from .types import Citation, ScoredPassage, Span

ABSTAIN_TEXT = "The release does not say."
ABSTAIN_DETAIL = (
    " The closest passages are listed as related reading; none of them answers the question."
)

@dataclass
class Draft:
    """What an answerer produces; the Assistant turns it into a Reply."""

    text: str
    answered: bool
    citations: list[Citation]
    notice: str = ""
    unsupported: list[str] = field(default_factory=list)


class Answerer(Protocol):
    """The seam between the answerability verdict and answer writing; the extractive
    and the LLM answerer are peers behind it."""

    name: str
    backend: str  # what a Reply names as its writer ("extractive", "llm:model@host")

    def stream(
        self, question: str, retrieval: Retrieval, verdict: Verdict
    ) -> Iterator[str | Draft]:
        """Yield text deltas as they are ready, then the finished Draft."""


def citation_for(marker: int, sp: ScoredPassage, span: Span, corpus) -> Citation:
    """A citation whose quote is, by construction, document.text[start:end]."""
    document = corpus.document(sp.passage.doc_slug)
    return Citation(
        marker=marker,
        passage_id=sp.passage.id,
        document=document.title,
        doc_slug=document.slug,
        quote=document.text[span.start : span.end],
        start=span.start,
        end=span.end,
        passage_text=sp.passage.text,
        passage_start=sp.passage.start,
        section=sp.passage.section,
        release=release_info(document),
    )


def abstention(reason: str) -> str:
    """The text of an abstention: the release does not say, why, and what is shown."""
    return ABSTAIN_TEXT + (f" {reason}." if reason else "") + ABSTAIN_DETAIL


class ExtractiveAnswerer:
    """Answers with the sentences the answerability stage chose, or abstains."""

    name = "extractive"
    backend = "extractive"

    def __init__(self, corpus):
        self.corpus = corpus

    def stream(
        self, question: str, retrieval: Retrieval, verdict: Verdict
    ) -> Iterator[str | Draft]:
        """Yield the verdict's sentences one by one, then the Draft (or one abstention)."""
        if not verdict.answerable:
            # Saying why ("It never mentions Antwerp.") helps a user rephrase.
            text = abstention(verdict.reason)
            yield text
            yield Draft(text=text, answered=False, citations=[])
            return
        several = len({sp.passage.doc_slug for sp, _, _ in verdict.sentences}) > 1
        citations, parts, named = [], [], set()
        for marker, (sp, span, _) in enumerate(verdict.sentences, 1):
            citation = citation_for(marker, sp, span, self.corpus)
            citations.append(citation)
            # A bracketed number inside the release would read as one of our markers.
            shown = MARKER.sub(r"(\1)", citation.quote)
            part = f"{shown} [{marker}]"
            if several and citation.doc_slug not in named:
                # Across releases, each answer says which release it comes from.
                named.add(citation.doc_slug)
                part = f"{release_label(self.corpus.document(citation.doc_slug))}: {part}"
            parts.append(part)
            yield part if marker == 1 else " " + part
        yield Draft(text=" ".join(parts), answered=True, citations=citations)


def release_info(document) -> dict:
    """What a citation says of its release: title, and date, place, meeting and file
    where known (from the front matter, or what a reader found in an HTML, PDF or
    Word file)."""
    meta = document.meta
    info = {
        "title": document.title,
        "date": meta.get("date", ""),
        "place": meta.get("place") or meta.get("location", ""),
        "meeting": meta.get("meeting", ""),
        "file": meta.get("source") or document.path,
    }
    return {k: v for k, v in info.items() if v}


def release_label(document) -> str:
    """How an answer names a release: its title, and its date when the front matter has one."""
    date = document.meta.get("date", "")
    return f"“{document.title}”" + (f" ({date})" if date else "")
