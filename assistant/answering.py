"""Question + retrieved passages -> answer text with verified citations.

The extractive answerer is the offline default: it answers with the release's own
sentences, so every claim is a quote. Before answering it asks whether the
evidence can answer at all, and says "the release does not say" when it cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Protocol

from .retrieval import Retrieval
from .text import content_words, numbers, stem
from .types import Citation, ScoredPassage, Span

ABSTAIN_TEXT = "The release does not say."
ABSTAIN_DETAIL = (
    " The closest passages are listed as related reading; none of them answers the question."
)

# Calibrated on corpus/questions.jsonl (see benchmarks/calibrate.py); deliberately round.
MIN_SENTENCE_SCORE = 0.30  # combined dense + lexical score of the best sentence
MIN_COVERAGE = 0.5  # share of the question's words the evidence accounts for
TERM_SIMILARITY = 0.55  # an unseen word counts as the nearest corpus word above this
SECOND_SENTENCE_RATIO = 0.85  # a second sentence must score this close to the first


@dataclass
class Draft:
    """What an answerer produces; the Assistant turns it into a Reply."""

    text: str
    answered: bool
    citations: list[Citation]
    notice: str = ""
    unsupported: list[str] = field(default_factory=list)


class Answerer(Protocol):
    """The seam between retrieval and answer writing (extractive, LLM)."""

    name: str

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Draft]:
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
    )


# --- what kind of answer does the question want? ---------------------------------

_YES_NO = re.compile(
    r"^\s*(is|are|was|were|did|does|do|has|have|had|will|would|can|could|should)\b"
    r"|\b(right|correct|true|is that so|isn't it|didn't they|wasn't it)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WANTS = {
    "date": re.compile(
        r"^\s*(when|since when|until when)\b|\b(what|which) (date|day|year|month|time)\b"
        r"|\bon what (date|day)\b|\bhow long\b",
        re.IGNORECASE,
    ),
    "money": re.compile(
        r"\bhow much (money|funding|budget|did it cost|does it cost|will it cost)\b"
        r"|\b(budget|budgets|funding|funded|cost|costs|euros?|money|financing|spent"
        r"|spend|price|salary|fee|fees)\b",
        re.IGNORECASE,
    ),
    "count": re.compile(r"\bhow many\b|\bwhat (number|percentage|share)\b", re.IGNORECASE),
    "place": re.compile(
        r"^\s*where\b|\b(in|at) (which|what) (city|country|place|town|venue|location|building)\b"
        r"|\bwhich (city|town|venue|location|building)\b",
        re.IGNORECASE,
    ),
    "person": re.compile(r"^\s*(who|whom|whose)\b", re.IGNORECASE),
}
_HAS = {
    "date": re.compile(
        r"\b(january|february|march|april|may|june|july|august|september|october"
        r"|november|december|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
        r"|today|yesterday|tomorrow|week|month|months|year|years|day)\b|\b(19|20)\d\d\b",
        re.IGNORECASE,
    ),
    "money": re.compile(r"€|\$|£|\b(EUR|USD|euros?|dollars?|million|billion)\b", re.IGNORECASE),
    "count": re.compile(
        r"\b\d+\b(?!(st|nd|rd|th)\b)|\b(one|two|three|four|five|six|seven|eight|nine|ten"
        r"|eleven|twelve|twenty|hundred|thousand|million|billion|dozen)\b",
        re.IGNORECASE,
    ),
    "place": re.compile(r"\b(in|at) (the )?[A-Z][a-z]+|\bports?\b|\bcity\b"),
    "person": re.compile(r"(?<!^)\b[A-Z][a-z]+\b|\b(ministers?|secretary|commission|presidency"
                         r"|states|authorities|politicians|partners)\b"),
}


def wanted_kinds(question: str) -> list[str]:
    """The kinds of fact the question asks for ("date", "money", ...)."""
    return [kind for kind, pattern in _WANTS.items() if pattern.search(question)]


def is_yes_no(question: str) -> bool:
    return bool(_YES_NO.search(question))


# --- can the evidence answer it? ---------------------------------------------------

@dataclass
class Evidence:
    """The chosen sentences and the signals used to decide whether they answer."""

    sentences: list[tuple[ScoredPassage, Span, float]]
    coverage: float
    unknown: list[str]
    missing_kind: str


class ExtractiveAnswerer:
    """Answers with the best-matching sentences of the release, or abstains."""

    name = "extractive"

    def __init__(self, corpus, index):
        self.corpus = corpus
        self.index = index
        self._vocabulary = None

    def _corpus_words(self) -> set[str]:
        if self._vocabulary is None:
            from .index import vocabulary

            self._vocabulary = {stem(w) for w in vocabulary(self.corpus)}
        return self._vocabulary

    def weigh(self, question: str, retrieval: Retrieval) -> Evidence:
        """Pick the answering sentences and measure how well they cover the question."""
        candidates = [
            (sp, span, score)
            for rank, sp in enumerate(retrieval.passages[:3])
            for span, score in sp.best_sentences
        ]
        candidates.sort(key=lambda c: c[2], reverse=True)
        if not candidates:
            return Evidence([], 0.0, [], "")
        best = candidates[0]
        chosen = [best]
        for cand in candidates[1:]:
            if cand[2] >= SECOND_SENTENCE_RATIO * best[2] and _adjacent(best, cand):
                chosen.append(cand)
                break
        chosen.sort(key=lambda c: c[1].start)

        words = content_words(retrieval.query)
        evidence_text = " ".join(
            f"{sp.passage.section} {sp.passage.text}" for sp, _, _ in chosen
        )
        evidence_stems = {stem(w) for w in content_words(evidence_text)}
        corpus_stems = self._corpus_words()
        unseen = [w for w in words if stem(w) not in corpus_stems]
        near = self.index.nearest_terms(unseen) if unseen else {}
        unknown = [w for w in unseen if near.get(w, ("", 0.0))[1] < TERM_SIMILARITY]
        covered = 0
        for w in words:
            s = stem(w)
            if s in evidence_stems:
                covered += 1
            elif w in near and near[w][1] >= TERM_SIMILARITY and stem(near[w][0]) in evidence_stems:
                covered += 1
        coverage = covered / len(words) if words else 0.0

        quotes = " ".join(sp.passage.sentence_text(span) for sp, span, _ in chosen)
        missing = next(
            (kind for kind in wanted_kinds(question) if not _HAS[kind].search(quotes)), ""
        )
        return Evidence(chosen, coverage, unknown, missing)

    def answers(self, question: str, evidence: Evidence) -> bool:
        """Whether the chosen sentences answer the question (or correct its premise)."""
        if not evidence.sentences or evidence.missing_kind:
            return False
        if evidence.sentences[0][2] < MIN_SENTENCE_SCORE:
            return False
        if evidence.unknown and not _premise_to_correct(question, evidence):
            return False
        return evidence.coverage >= MIN_COVERAGE

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Draft]:
        evidence = self.weigh(question, retrieval)
        if not self.answers(question, evidence):
            text = ABSTAIN_TEXT + ABSTAIN_DETAIL
            yield text
            yield Draft(text=text, answered=False, citations=[])
            return
        citations, parts = [], []
        for marker, (sp, span, _) in enumerate(evidence.sentences, 1):
            citation = citation_for(marker, sp, span, self.corpus)
            citations.append(citation)
            part = f"{citation.quote} [{marker}]"
            parts.append(part)
            yield part if marker == 1 else " " + part
        yield Draft(text=" ".join(parts), answered=True, citations=citations)


def _adjacent(a, b) -> bool:
    """Same passage, neighbouring sentences: a second sentence that continues the first."""
    if a[0].passage.id != b[0].passage.id:
        return False
    spans = list(a[0].passage.sentences)
    return abs(spans.index(a[1]) - spans.index(b[1])) == 1


def _premise_to_correct(question: str, evidence: Evidence) -> bool:
    """A yes/no question whose unknown words are dates or numbers the release states
    differently ("they met in March, right?"): answer with what the release says."""
    if not is_yes_no(question):
        return False
    quotes = " ".join(sp.passage.sentence_text(span) for sp, span, _ in evidence.sentences)
    for word in evidence.unknown:
        if word in MONTHS_AND_DAYS and _HAS["date"].search(quotes):
            continue
        if numbers(word) and (numbers(quotes) or _HAS["date"].search(quotes)):
            continue
        return False
    return True


MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november "
    "december monday tuesday wednesday thursday friday saturday sunday".split()
)
