"""Question + retrieved passages -> answer text with verified citations.

The extractive answerer is the offline default: it answers with the release's own
sentences, so every claim is a quote. Before answering it asks whether the
evidence can answer at all, and says "the release does not say" when it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from .conversation import split_focus
from .corpus import vocabulary
from .index import POINTS_BACK
from .retrieval import TERM_SIMILARITY, Retrieval
from .text import DATE_WORDS, STOPWORDS, content_stems, content_words, numbers, stem, words
from .types import Citation, ScoredPassage, Span

ABSTAIN_TEXT = "The release does not say."
ABSTAIN_DETAIL = (
    " The closest passages are listed as related reading; none of them answers the question."
)

# Set by reading the scores of assistant eval on the public set and on a second set
# written apart from it; deliberately round.
MIN_SENTENCE_SCORE = 0.30  # combined dense + lexical score of the best sentence
# Below both, the question is about something else entirely ("tell me a joke").
UNRELATED_SCORE = 0.25
UNRELATED_COVERAGE = 0.2
MIN_NEW_WORDS = 2  # an answer to "what/which …" must say more than the question did
SECOND_SENTENCE_RATIO = 0.85  # a continuing sentence must score this close to the first
COMPLEMENT_RATIO = 0.7  # a sentence adding new question words may score this much lower
FOLLOWER_RATIO = 0.6  # a next sentence pointing back to the best one may score this low


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

_PERSONAL_NAME = re.compile(r"\b[A-Z][a-z]+ (de |van |von |der |da )?[A-Z][a-z]+\b")
_WHO_IS_ROLE = re.compile(r"^\s*who (is|was|will be) the ([^?]+)", re.IGNORECASE)
_YES_NO = re.compile(
    r"^\s*(is|are|was|were|did|does|do|has|have|had|will|would|can|could|should)\b"
    r"|\b(right|correct|true|is that so|isn't it|didn't they|wasn't it)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
_WANTS = {
    "date": re.compile(
        r"^\s*(when|since when|until when)\b"
        r"|\b(what|which)( exact| precise| specific)? (date|day|year|month|time)\b"
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
    "role": _WHO_IS_ROLE,
    # "Which ports joined?": wants named instances, not the topic restated.
    "list": re.compile(
        r"\b(which|what|name the|list the)"
        r"(?:\s+(?!(?:did|do|does|is|are|was|were|has|have|had|will|would|can|could)\b)[\w-]+)"
        r"{0,2}\s+(ports|countries|companies|cities|members|states"
        r"|organisations|organizations|firms|people|persons|officials|nations)\b",
        re.IGNORECASE,
    ),
}
_HAS = {
    "date": re.compile(
        rf"\b({'|'.join(sorted(DATE_WORDS))}"
        r"|today|yesterday|tomorrow|week|month|months|year|years|day)\b|\b(19|20)\d\d\b",
        re.IGNORECASE,
    ),
    "money": re.compile(r"€|\$|£|\b(EUR|USD|euros?|dollars?|million|billion)\b", re.IGNORECASE),
    "count": re.compile(
        r"\b(?!(19|20)\d\d\b)\d+\b(?!(st|nd|rd|th)\b)"
        r"|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand|million|billion|dozen)\b",
        re.IGNORECASE,
    ),
    "place": re.compile(r"\b(in|at) (the )?[A-Z][a-z]+|\bports?\b|\bcity\b"),
    # A name ("Annelies Verlinden", "Nicole de Moor") or a body of people.
    "person": re.compile(
        _PERSONAL_NAME.pattern
        + r"|\b(ministers|commission|presidency|member states|authorities|stakeholders)\b"
    ),
}
# Words that shape a question rather than name what it is about ("what *role* does
# education *play*"); missing from the release, they do not make a question unanswerable.
FRAME_WORDS = frozenset(
    """type types role roles play plays part parts way ways describe described
    regarding concerning meant supposed like happen happened reason reasons purpose
    example examples main aspect aspects detail details list topic topics period
    every each correct true false wrong matter matters mean means aim aims goal goals
    point significance idea problem problems message status issue issues concern
    concerns challenge challenges plan plans outcome benefit benefits advantage
    danger dangers threat threats situation context background summary gist""".split()
)
_KIND_NOUNS = {
    "date": "the date asked for", "money": "the amount asked for",
    "count": "the number asked for", "place": "the place asked for",
    "person": "the person asked for", "role": "who holds that role",
    "list": "the names asked for",
}
_GENERIC_NAMES = {
    "eu", "european", "union", "ministers", "minister", "member", "states", "the", "ai",
    "council", "commission", "presidency", "parliament", "justice", "home", "affairs",
}


# Where a question names what it asks about: the noun of "what is the …". (Not the verb
# of "who …": "Who attended?" is answered by who met.)
_ASKED_ABOUT = re.compile(
    r"^\s*what (?:is|was|are|were|will be) the (\w+)(?= (?:of|for|like|on|in|at|to)\b|\s*\?)",
    re.IGNORECASE,
)


def _asked_about(question: str) -> list[str]:
    """The content word in the asked-about place of the question, if it has one."""
    match = _ASKED_ABOUT.search(question)
    return [match.group(1).lower()] if match and match.group(1).lower() not in STOPWORDS else []


# "Which officials are named in the release?", "Who is mentioned?": the names are the
# answer, whatever the passages that hold them are about.
_NAMES_ASKED = re.compile(
    r"\b(?:which|what|who)\b[^?]*\b(?:officials|people|persons|politicians|speakers"
    r"|individuals|ministers|names)\b[^?]*\b(?:named|mentioned|quoted|cited)\b"
    r"|\bwho (?:is|are|was|were|gets?|got) (?:named|mentioned|quoted|cited)\b",
    re.IGNORECASE,
)
MAX_NAMED_SENTENCES = 4


def wanted_kinds(question: str) -> list[str]:
    """The kinds of fact the question asks for ("date", "money", ...)."""
    return [kind for kind, pattern in _WANTS.items() if pattern.search(question)]


def is_yes_no(question: str) -> bool:
    """Whether the question asks for a yes or a no ("Did they …?", "…, right?")."""
    return bool(_YES_NO.search(question))


# --- can the evidence answer it? ---------------------------------------------------

@dataclass
class Evidence:
    """The chosen sentences and the signals used to decide whether they answer."""

    sentences: list[tuple[ScoredPassage, Span, float]]
    coverage: float
    unknown: list[str]
    missing_kind: str
    foreign: list[str] = field(default_factory=list)  # asked-about words never used
    new_words: list[str] = field(default_factory=list)  # what the best sentence adds
    names_listed: bool = False  # the question asks who is named; these sentences name them


class ExtractiveAnswerer:
    """Answers with the best-matching sentences of the release, or abstains."""

    name = "extractive"

    def __init__(self, corpus, index):
        self.corpus = corpus
        self.index = index
        self._corpus_stems = {stem(w) for w in vocabulary(corpus)}
        self._common_words = frozenset(
            w for p in corpus.passages for w in re.findall(r"\b[a-z][\w'-]*", p.text)
        )
        # Numbers as written ("5.5", "2,000"), which word stems split apart.
        self._corpus_numbers = {n for d in corpus.documents for n in numbers(d.text)}

    def weigh(self, question: str, retrieval: Retrieval) -> Evidence:
        """Pick the answering sentences and measure how well they cover the question."""
        candidates = sorted(
            (
                (sp, span, score)
                for sp in retrieval.passages[:3]
                for span, score in sp.best_sentences
            ),
            key=lambda c: c[2],
            reverse=True,
        )
        _, question = split_focus(question)
        kinds = wanted_kinds(question)
        if not candidates:
            return Evidence([], 0.0, [], "")
        if _NAMES_ASKED.search(question):
            named = self._named_people(retrieval)
            if named:
                return Evidence(named, 1.0, [], "", names_listed=True)
        # Sentences that hold the kind of fact asked for (a date for "when") go first,
        # if they match the question nearly as well as the best one does.
        fitting = [
            c for c in candidates
            if c[2] >= COMPLEMENT_RATIO * candidates[0][2]
            and all(self.holds(k, c[0].passage.sentence_text(c[1]), question, retrieval.query)
                    for k in kinds)
        ]
        query_stems = set(content_stems(retrieval.query))
        chosen = _choose_sentences(
            fitting or candidates, query_stems, _max_sentences(question), candidates
        )

        evidence_text = " ".join(
            f"{sp.passage.doc_title} {sp.passage.section} {sp.passage.text}" for sp, _, _ in chosen
        )
        evidence_stems = set(content_stems(evidence_text))
        words = content_words(retrieval.query)
        coverage = sum(1 for w in words if stem(w) in evidence_stems) / len(words) if words else 0.0
        unknown = self._unknown_names(question)
        asked_about = [
            w for w in _asked_about(question)
            if stem(w) not in self._corpus_stems and w not in FRAME_WORDS
        ]
        near = retrieval.near_terms
        if any(w not in near for w in asked_about):  # a retrieval made without them
            near = self.index.nearest_terms(asked_about)
        foreign = [w for w in asked_about if near.get(w, ("", 0.0))[1] < TERM_SIMILARITY]

        quotes = "\n".join(sp.passage.sentence_text(span) for sp, span, _ in chosen)
        missing = next(
            (k for k in kinds if not self.holds(k, quotes, question, retrieval.query)), ""
        )
        # What the best sentence adds to the question (a second one may only repeat it).
        top_sp, top_span, _ = max(chosen, key=lambda c: c[2])
        asked = query_stems | set(content_stems(question))
        new_words = [
            w for w in content_words(top_sp.passage.sentence_text(top_span))
            if stem(w) not in asked
        ]
        return Evidence(chosen, coverage, unknown, missing, foreign, new_words)

    def _named_people(self, retrieval: Retrieval):
        """The sentences of the best-matching release that name people, in reading
        order: what "Which officials are named?" asks for, wherever they stand."""
        scored = {
            (sp.passage.id, span): (sp, score)
            for sp in retrieval.passages
            for span, score in sp.best_sentences
        }
        slug = retrieval.passages[0].passage.doc_slug
        named = []
        for passage in self.corpus.passages:
            if passage.doc_slug != slug:
                continue
            for span in passage.sentences:
                if _has_personal_name(passage.sentence_text(span)):
                    sp, score = scored.get((passage.id, span), (ScoredPassage(passage, 0.0), 0.0))
                    named.append((sp, span, score))
        return named[:MAX_NAMED_SENTENCES]

    def holds(self, kind: str, quotes: str, question: str, context: str = "") -> bool:
        """has_kind, knowing which capitalised words are ordinary words in this corpus."""
        return has_kind(kind, quotes, question, context, self._common_words)

    def _unknown_names(self, question: str) -> list[str]:
        """Names and numbers in the question that no document mentions ("Antwerp", "2026")."""
        unknown = []
        # Capitalised mid-sentence words, but not labels such as "USER:" or "Note:".
        for match in re.finditer(r"(?<![.?!:#]\s)(?<!^)\b([A-Z][\w-]+)\b(?!:)", question.strip()):
            word = match.group(1)
            parts = [w for w in words(word) if w not in STOPWORDS]
            if parts and any(stem(w) not in self._corpus_stems for w in parts):
                unknown.append(word)
        unknown += [
            n for n in sorted(numbers(question)) if n[0].isdigit() and n not in self._corpus_numbers
        ]
        return unknown

    def refusal(self, question: str, evidence: Evidence) -> str:
        """Why no answerer should answer from this evidence, as a sentence that follows
        "The release does not say." ("" when one may try): the kind of fact asked for
        is absent, the question names what no document does, the thing it asks about
        appears nowhere, or the best sentence only repeats the question."""
        if not evidence.sentences:
            return "Nothing in it could be searched"
        if evidence.missing_kind:
            return f"None of its passages gives {_KIND_NOUNS[evidence.missing_kind]}"
        if evidence.unknown and not _premise_to_correct(question, evidence):
            return f"It never mentions {', '.join(evidence.unknown)}"
        if evidence.foreign:
            return f"It never mentions {', '.join(f'“{w}”' for w in evidence.foreign)}"
        if self._only_repeats(question, evidence):
            return "Its closest passages only repeat the question"
        best = max(score for _, _, score in evidence.sentences)
        if best < UNRELATED_SCORE and evidence.coverage < UNRELATED_COVERAGE:
            return "Nothing in it is close to the question"
        return ""

    def _only_repeats(self, question: str, evidence: Evidence) -> bool:
        """The best sentence adds nothing to a what/which question but a word or two
        (a name, as in "The harbour of *Zeebrugge* joined", is an answer)."""
        if is_yes_no(question) or evidence.names_listed:
            return False
        if len(evidence.new_words) >= MIN_NEW_WORDS:
            return False
        return all(w in self._common_words for w in evidence.new_words)

    def answers(self, question: str, evidence: Evidence) -> bool:
        """Whether the chosen sentences answer the question (or correct its premise)."""
        if self.refusal(question, evidence):
            return False
        best = max(score for _, _, score in evidence.sentences)
        return best >= MIN_SENTENCE_SCORE or evidence.names_listed

    def stream(
        self, question: str, retrieval: Retrieval, evidence: Evidence | None = None
    ) -> Iterator[str | Draft]:
        """Yield the answer sentence by sentence, then the Draft (or one abstention);
        evidence already weighed for this retrieval may be passed in."""
        evidence = evidence or self.weigh(question, retrieval)
        if not self.answers(question, evidence):
            reason = self.refusal(question, evidence)
            # Saying why ("It never mentions Antwerp.") helps a user rephrase.
            text = ABSTAIN_TEXT + (f" {reason}." if reason else "") + ABSTAIN_DETAIL
            yield text
            yield Draft(text=text, answered=False, citations=[])
            return
        citations, parts = [], []
        for marker, (sp, span, _) in enumerate(evidence.sentences, 1):
            citation = citation_for(marker, sp, span, self.corpus)
            citations.append(citation)
            # A bracketed number inside the release would read as one of our markers.
            shown = _BRACKETED_NUMBER.sub(r"(\1)", citation.quote)
            part = f"{shown} [{marker}]"
            parts.append(part)
            yield part if marker == 1 else " " + part
        yield Draft(text=" ".join(parts), answered=True, citations=citations)


_BRACKETED_NUMBER = re.compile(r"\[(\d+)\]")


def _max_sentences(question: str) -> int:
    """Questions that ask for several things may take a sentence more."""
    several = re.search(r"\b(and|list|which two|both|what are)\b", question, re.IGNORECASE)
    return 3 if several else 2


def _choose_sentences(candidates, query_stems: set[str], limit: int, everything=()):
    """The best sentence, then sentences that add question words it does not cover
    (or continue it), while they score close enough; in reading order. everything:
    all scored sentences, where the best one's follower is looked for."""
    best = candidates[0]
    chosen = [best]
    covered = query_stems & set(content_stems(best[0].passage.sentence_text(best[1])))
    for cand in candidates[1:]:
        if len(chosen) >= limit or cand[2] < COMPLEMENT_RATIO * best[2]:
            break
        words = query_stems & set(content_stems(cand[0].passage.sentence_text(cand[1])))
        adds = words - covered
        if adds or (_adjacent(best, cand) and cand[2] >= SECOND_SENTENCE_RATIO * best[2]):
            chosen.append(cand)
            covered |= words
    follower = _follower(best, everything or candidates)
    if follower and len(chosen) < limit and follower not in chosen:
        chosen.append(follower)
    # Reading order within a document; documents in the order they were chosen.
    doc_rank = {}
    for sp, _, _ in chosen:
        doc_rank.setdefault(sp.passage.doc_slug, len(doc_rank))
    return sorted(chosen, key=lambda c: (doc_rank[c[0].passage.doc_slug], c[1].start))


def _has_personal_name(text: str) -> bool:
    """A "Firstname Lastname" pair, not an institution ("Home Affairs", "Member States")."""
    return any(
        not {w.lower() for w in match.group(0).split()} & _GENERIC_NAMES
        for match in _PERSONAL_NAME.finditer(text)
    )


def has_kind(
    kind: str, quotes: str, question: str, context: str = "", common: frozenset = frozenset()
) -> bool:
    """Whether the quotes hold the kind of fact asked for, beyond what the question (and
    the context it borrowed) says. common: words the corpus also writes in lower case,
    which are therefore not names ("Migration" in a heading)."""
    asked = f"{question}\n{context}".lower()
    if kind == "list":
        names = {
            w.lower() for w in re.findall(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'-]+", quotes, re.M)
        }
        names -= set(words(asked)) | _GENERIC_NAMES | DATE_WORDS | common
        return bool(names)
    if kind == "role":
        # "Who is the Belgian Minister of Justice?": every word of the role must be there.
        role = set(content_stems(_WHO_IS_ROLE.search(question).group(2)))
        return any(
            role <= set(content_stems(sentence)) and _has_personal_name(sentence)
            for sentence in quotes.split("\n")
        )
    found = [m.group(0).lower() for m in _HAS[kind].finditer(quotes)]
    if is_yes_no(question):  # "Was it worth 5 million euros?" may be confirmed as asked
        return bool(found)
    # Otherwise the fact must be new: "in 2025" is no answer to "which date in 2025?"
    asked_words = set(words(asked))
    return any(not set(words(fact)) <= asked_words for fact in found)


def _follower(best, candidates):
    """The sentence right after the best one when it points back to it ("One of these
    priorities is …" after "ten priority actions have been identified"), if it matches
    the question fairly well: it says what the best sentence announces."""
    spans = list(best[0].passage.sentences)
    index = spans.index(best[1])
    if index + 1 >= len(spans):
        return None
    text = best[0].passage.sentence_text(spans[index + 1])
    if not POINTS_BACK.search(text):
        return None
    return next(
        (
            c for c in candidates
            if c[0].passage.id == best[0].passage.id and c[1] == spans[index + 1]
            and c[2] >= FOLLOWER_RATIO * best[2]
        ),
        None,
    )


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
        if word.lower() in DATE_WORDS and _HAS["date"].search(quotes):
            continue
        if numbers(word) and (numbers(quotes) or _HAS["date"].search(quotes)):
            continue
        return False
    return True


