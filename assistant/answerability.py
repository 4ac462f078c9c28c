"""Question + retrieval -> Verdict: which sentences answer, and whether they do at all.

One stage, used by every answerer. It picks the sentences (preferring those that hold
the kind of fact asked for, and the best one of each release that answers nearly as
well as the best), measures general signals of support, and a logistic model fitted
on the dev split (`python -m assistant.calibration`) turns them into a probability.
Below the fitted threshold the answer is "the release does not say", with the
signal that weighed most against answering as the reason.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources

from .conversation import split_focus
from .corpus import closes_quotation, lead_spans
from .facts import (
    COUNCIL_CONFIGURATIONS,
    DATE_WORDS,
    KIND_LABELS,
    KIND_NAMES,
    KIND_NOUNS,
    KIND_OF_NOUN,
    MONTHS,
    WEEKDAYS,
    asked_kinds,
    asked_noun,
    asks_for_several,
    before,
    date_parts,
    facts_of,
    find_facts,
    new_facts,
    number_forms,
    numbers,
    parsed,
    people,
    spell_out,
    tagged,
)
from .retrieval import TERM_SIMILARITY, Retrieval
from .tables import CorpusTables
from .text import STOPWORDS, content_stems, content_words, stem, words, words_as_written
from .types import ScoredPassage, Span

Candidate = tuple[ScoredPassage, Span, float]  # a sentence and how well it matches

# Sentence choice; fixed by reasoning, not fitted.
SECOND_SENTENCE_RATIO = 0.85  # a continuing sentence must score this close to the first
COMPLEMENT_RATIO = 0.7  # a sentence adding new question words may score this much lower
FOLLOWER_RATIO = 0.6  # a next sentence pointing back to the best one may score this low
# A meeting the question names is expected to speak to it, so its best sentence may
# score this far below the best one (set on the dev rows; an unrelated one scores lower).
COMPARED_RATIO = 0.6
MAX_RELEASES = 3  # an answer draws on at most this many releases
MAX_NAMED_SENTENCES = 4
QUOTE_SENTENCES = 3  # an attribution line brings at most this much of its quotation
# Places a question asks to name ("which member states"), not where something was.
INSTANCE_NOUNS = frozenset("countries country states state".split())
# Places that go by a name the entity model may read as a body's ("at Palazzo Pitti").
BUILDING_NOUNS = frozenset("building buildings hotel hotels hall halls room rooms venue venues"
                           .split())
_AT = re.compile(r"\bat\s+(?:the\s+)?$", re.I)
PLACE_LABELS = KIND_LABELS["place"]
PLACE_KEYS = ("place", "location", "city", "venue")  # front-matter keys that name a place
# What a release's title lines say without words: where and when its meeting took place.
HEADER_GLOSS = "meeting meet met held take took place convened gathered"
SIGNALS = (
    "best_score", "passage_dense", "sentence_coverage", "evidence_coverage",
    "unknown_share", "unknown_name", "kind_asked", "kind_missing", "nothing_new",
    "yes_no", "margin", "weakest_word", "second_weakest_word", "mean_word",
)

_YES_NO = re.compile(
    # (after an opening phrase: "At the Oslo meeting, did …?")
    r"^\s*(?:(?!(?:who|whom|what|when|where|which|how|why)\b)[^,?]{1,60},\s*)?"
    r"(is|are|was|were|did|does|do|has|have|had|will|would|can|could"
    r"|should)\b(?!\s+you\s+(?:please\s+)?(?:write|give|list|summari[sz]e|explain|translate"
    r"|recommend|help|show|make|create|draw|compose|suggest|describe"
    r"|tell\s+(?:me|us)\s+(?:the|what|when|where|who|which|how|about))\b)"
    # ("Can you write …?" asks for something; "Can you confirm …?" is a question)
    r"|\b(right|correct|true|is that so|isn't it|didn't they|wasn't it)\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# "Which officials are named?", "Who is mentioned?": the names are the answer,
# whatever the passages that hold them are about.
_NAMES_ASKED = re.compile(
    r"\b(?:which|what|who)\b[^?]*\b(?:officials|people|persons|politicians|speakers"
    r"|individuals|ministers|names)\b[^?]*\b(?:named|mentioned|quoted|cited)\b"
    r"|\bwho (?:is|are|was|were|gets?|got) (?:named|mentioned|quoted|cited)\b",
    re.IGNORECASE,
)
# "Who is Ana Pereira?", "What is Ana Pereira's job?": a person named in full (two to
# four capitalised words) whose role is asked.
# (with the lower-case particles of family names: "Piet van Loon", "Ana da Silva")
_NAME = (r"([A-ZÀ-Ž][\w'’-]+(?:\s+(?:(?:van|von|de|der|den|da|di|du|del|della|dos|das"
         r"|la|le|ter|ten|af|zu)\s+)*[A-ZÀ-Ž][\w'’-]+){1,3})")
_WHO_IS = re.compile(
    rf"^\s*(?:(?i:who\s+(?:is|was)\s+){_NAME}"
    rf"|(?i:what\s+(?:is|was)\s+){_NAME}(?i:['’]s?\s+(?:job|role|position|title|post|function))"
    rf"|(?i:what\s+(?:job|role|position|title|post|function)\s+(?:does|did)\s+){_NAME}"
    rf"(?i:\s+(?:hold|have))|(?i:what\s+does\s+){_NAME}(?i:\s+do))\s*\??\s*$")
# Words a question uses to point at the document rather than at what it reports
# ("the minister quoted", "as cited"), beside those STOPWORDS already drops
# ("according to the release"), or at how exactly to answer ("on what exact day"):
# no sentence need hold them.
FRAME_WORDS = frozenset(
    "releases cite cites cited quote quotes quoted documents passage passages meetings sessions"
    " exact exactly precise precisely".split()
)
# A question that asks about meetings or releases in the plural ("in which sessions
# …?", "what do all the releases say about …?") is answered from each release that
# speaks to it; "according to the releases, …" asks about something else.
_ACROSS = re.compile(
    r"\b(which|what|both|all|each|several)\b[^?]*\b(meetings|releases|councils|sessions)\b",
    re.IGNORECASE,
)
_SEVERAL = re.compile(r"\b(and|list|both|each|all|which \w+s|what are)\b", re.IGNORECASE)

# What a "what did X say?" question is answered by: a quotation, an attribution line
# (the quotation comes with it), or reported speech.
_REPORTED = re.compile(
    r"[\"“”«»]|^\s*[—–-]\s*\w|\b(said|says|stressed|underlined|noted|added|warned|emphasi[sz]ed"
    r"|insisted|recalled|pointed out|called for|according to)\b", re.IGNORECASE)
# How a vote went ("Did any country vote against?", "Was it adopted unanimously?") is
# said only by a passage that reports the vote.
_VOTE_ASKED = re.compile(
    r"\b(?:vot(?:e|ed|ing)\s+(?:against|for|in\s+favou?r)|abstain\w*|abstentions?|unanim\w*"
    r"|qualified\s+majority|how\s+did\b[^?]{1,60}\bvote|the\s+vote\b"
    r"|(?:which|how\s+many)\b[^?]{1,40}\b(?:voted|opposed))\b", re.I)
_VOTE_SAID = re.compile(
    r"\b(?:vot(?:e|es|ed|ing)|abstain\w*|abstentions?|unanim\w*|consensus|veto\w*"
    r"|objections?|opposed|(?:qualified|simple|required|large|broad)\s+majority"
    r"|majority\s+of\s+(?:the\s+)?(?:member\s+states|ministers|delegations|countries))\b",
    re.I)
# "How much did it cost?", "how much will Latvia receive?": words of money ask for a
# sum or a share, unlike "how much olive oil …?", which a quantity of stuff answers.
_MONEY_ASKED = re.compile(r"\b(?:costs?|costing|spen[dt]|pa(?:y|id)|receiv\w*|gets?|got|grant\w*"
                          r"|allocat\w*|invest\w*|worth|fund\w*|money|cash|budget\w*)\b", re.I)
# Words that ask for a sum of money itself (not a share of it, nor what it is spent on),
# and the currencies a sum is written in.
_SUM_ASKED = re.compile(
    r"\b(?:costs?|costing|spen[dt]|spending|pa(?:y|id)|money|cash|euros?|budgets?|prices?|fees?"
    r"|salar(?:y|ies)|revenues?|value)\b|\bEUR\b", re.I)
_ABBREVIATION = re.compile(r"\b[A-Z][A-Z\d]{2,}\b")
_CURRENCY_CODES = frozenset("eur usd gbp chf".split())
_CURRENCY = re.compile(r"\b(?:EUR|USD|GBP|euros?|dollars?|cents?)\b|[€$£]", re.I)
# ... but "how much of the cost", "how much more do they pay", "how much will the budget
# grow" ask for a share or a change, which a percentage may give.
_SHARE_ASKED = re.compile(r"\bhow much (?:of|more|less|\w+er)\b|\b(?:ris(?:e|es|en|ing)|rose"
                          r"|grow\w*|grew|increas\w*|decreas\w*|fall\w*|fell|drop\w*|cut"
                          r"|reduc\w*|chang\w*|declin\w*|climb\w*|jump\w*|soar\w*|plung\w*"
                          r"|rais\w*|lower\w*|(?:go|goes|going|gone|went)\s+(?:up|down))\b",
                          re.I)
# A total asked for ("how much in total", "the overall budget"), which a figure for
# each one ("EUR 500 each", "EUR 3 per item") does not give.
_TOTAL_ASKED = re.compile(r"\b(?:in total|total|overall|altogether|combined)\b", re.I)
_PER_UNIT = re.compile(r"\s*(?:for\s+)?(?:each|apiece|per\s+\w+|a head)\b", re.I)
# "On what exact date …?", "which day …?": a day is asked, not a month or a quarter
# ("on what date" may be met by "from 2032").
_DAY_ASKED = re.compile(r"\b(?:(?:exact|precise)\s+(?:day|date)|(?:what|which)\s+day)\b"
                        r"(?!\s+of\s+the\s+week)", re.I)
# A length of time ("60 to 119 minutes", "two years"), which the entity model labels
# as a date or a time.
_DURATION = re.compile(r"\b(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b", re.I)
_WEEKDAY_ASKED = re.compile(r"\b(day of the week|week ?day)\b", re.IGNORECASE)
# When something starts is not given by the date it ends, nor the other way round: the
# words of the date's own clause say which it is ("a transition period *ending on* …",
# "the pilot will *start* … on …").
_START_ASKED = re.compile(r"\b(?:begin\w*|began|begun|start\w*|open\w*|launch\w*|commenc\w*"
                          r"|kick\w* off)\b", re.I)
_END_ASKED = re.compile(r"\b(?:end|ends|ended|ending|finish\w*|expir\w*|close|closes|closed"
                        r"|conclude\w*|run out|wind down|phased? out)\b", re.I)
_STARTS = re.compile(r"\b(?:from|starting|starts?|started|begin\w*|began|open\w*|launch\w*"
                     r"|as of|since|commenc\w*)\b", re.I)
_ENDS = re.compile(r"\b(?:until|till|end|ends|ending|ended|expir\w*|clos(?:e|es|ed|ing)"
                   r"|conclud\w*|finish\w*|phased? out|wound down|runs? to|running to)\b"
                   r"|\bfrom\b.*\bto\s*$", re.I)  # ("from 1 May to 30 September")
# "On which day in October 2031 …?": the date asked for lies in that month.
_DATE_WITHIN = re.compile(
    rf"\b(?:day|days|date|dates)\s+in\s+({'|'.join(MONTHS)})(?:\s+(\d{{4}}))?\b", re.IGNORECASE)
# A question about what is still to come: where the meeting was does not answer it.
_FUTURE = re.compile(r"\b(will|shall|going to|next|upcoming|expected to)\b", re.IGNORECASE)
# A word that stands for something named before it ("it will cost", "their share").
_POINTING = re.compile(r"\b(?:it|its|they|their|this|these|those|such)\b", re.I)
# A word that points back to an owner named before ("its share", "the country's ports").
_REFERRING = re.compile(r"\b(?:its|their|there)\b|\b[Tt]he [a-z]+['’]s\b")
# A sentence that opens by pointing back ("One of these priorities is …") means little alone.
POINTS_BACK = re.compile(
    r"^(?:\W*\w+\W+){0,3}?(?:this|these|those|they|it|its|such|both|he|she|his|her)\b",
    re.IGNORECASE,
)


@dataclass
class Model:
    """The fitted parameters: logistic weights over SIGNALS, and the choice knobs."""

    weights: dict[str, float]
    bias: float
    threshold: float = 0.5
    kind_bonus: float = 0.1  # score added to a sentence holding the kind of fact asked for
    cross_ratio: float = 0.9  # another release's best sentence joins when this close
    fitted_on: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path=None) -> Model:
        """The shipped model (assistant/answerability.json), or one from a file."""
        if path is None:
            text = resources.files("assistant").joinpath("answerability.json").read_text()
        else:
            text = open(path, encoding="utf-8").read()
        return cls(**json.loads(text))

    def probability(self, signals: dict[str, float]) -> float:
        """P(answerable) under the logistic model."""
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in signals.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass
class Verdict:
    """Whether the sentences answer the question, which, and if not, why (one sentence
    that follows "The release does not say.")."""

    answerable: bool
    reason: str
    sentences: list[Candidate]
    probability: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)
    # A question asked in parts: each part the sentences leave unanswered, and why.
    left_out: list[tuple[str, str]] = field(default_factory=list)


def is_yes_no(question: str) -> bool:
    """Whether the question asks for a yes or a no ("Did they …?", "…, right?")."""
    return bool(_YES_NO.search(question))


class Assessor:
    """Decides answerability for any answerer, from signals that hold on any release."""

    def __init__(self, corpus, index, tables: CorpusTables, model: Model | None = None):
        self.corpus = corpus
        self.index = index
        self.model = model or Model.load()
        self._corpus_stems = tables.stems
        self._corpus_numbers = tables.numbers
        self._lower_case = tables.lower_case
        self._initials, self._vocabulary = tables.initials, tables.vocabulary
        self._abbreviation_heads: dict[str, dict[str, set[str]]] = {}  # ENISA: {slug: {agency}}
        self._common_abbreviations: dict[str, bool] = {}  # "FTA": True
        # Front matter names places the small entity model may not know ("place: Valletta").
        self._places = {d.meta[k] for d in corpus.documents for k in PLACE_KEYS if d.meta.get(k)}
        self._first_paragraphs: dict[str, object] = {}
        self._meeting_dates: dict[str, tuple | None] = {}
        self._release_dates: dict[str, datetime.date | None] = {}

    def holds(self, kind: str, text: str, asked: str) -> bool:
        """Whether text gives a fact of the kind asked for that the asked text does not."""
        if not kind:
            return False
        if kind == "quote":
            return bool(_REPORTED.search(text))
        if kind == "vote":
            return bool(_VOTE_SAID.search(text))
        if kind in ("person", "human") and not self._does(asked, text):
            return False
        facts = new_facts(kind, text, asked)
        if kind == "place" and asked_noun(asked.split("\n")[0]) in BUILDING_NOUNS:
            facts += [f for f in new_facts("name", text, asked)
                      if f.label == "ORG" and _AT.search(text[:f.start])]
        if kind == "date" and _WEEKDAY_ASKED.search(asked):  # "what day of the week …?"
            facts = [f for f in facts if any(w in WEEKDAYS for w in words(f.text))]
        within = _DATE_WITHIN.search(asked.split("\n")[0])
        if kind == "date" and within:  # "on which day in October 2031 …?"
            facts = [f for f in facts if within.group(1).lower() in words(f.text)
                     and (not within.group(2) or within.group(2) in f.text)]
        if any(self._gives(kind, f, text, asked) for f in facts):
            return True
        return kind in ("place", "name") and any(
            place in text and place.lower() not in asked.lower() for place in self._places
        )

    def gives(self, kind: str, passage, span: Span, asked: str, about_meeting: bool) -> bool:
        """Whether a sentence holds a fact of the kind asked for. The title lines' place
        and date are the meeting's: they answer only a question about the meeting
        (about_meeting, from _about_meeting); nor does the lead sentence's (who met
        where and when) answer one about what is still to come."""
        first_line = asked.split("\n")[0]
        if kind in HEADER_KINDS and (
                not about_meeting and passage.id.endswith("#head")
                or (_FUTURE.search(first_line) or is_yes_no(first_line))
                and self._lead_line(passage, span)):
            return False  # (nor a deadline asked for: "did they set one?")
        if kind in ("person", "human") and passage.id.endswith("#head"):
            return False  # the body it names is the meeting itself
        if kind in ("date", "place") and _FUTURE.search(first_line) \
                and self._before_meeting(passage, span):
            return False  # what is still to come is not what was done before the meeting
        return self.holds(kind, passage.sentence_text(span), asked)

    def _vote_untold(self, question: str, asked: str, chosen: list[Candidate]) -> bool:
        """Whether the question asks how a vote went and no chosen sentence reports one."""
        return bool(_VOTE_ASKED.search(question.split("\n")[0])) and not any(
            self.holds("vote", sp.passage.sentence_text(span), asked) for sp, span, _ in chosen)

    def _after_release(self, question: str, chosen: list[Candidate]) -> str:
        """The date a question asks what happened on ("Did the Council of 16 June 2031
        adopt …?"), when it is later than every chosen release (the last date of its
        title lines, a day's leeway): a release cannot report it. "" otherwise, and for
        what was planned or is to come."""
        first_line = question.split("\n")[0]
        if not _PAST_ASKED.search(first_line) or _PLANNED.search(first_line):
            return ""
        # (not a date of what something was for: "what did they prepare for the summit
        # of 3 May?")
        asked = [(f.text, parts) for f in facts_of("date", first_line)
                 if (parts := date_parts(f.text)) and parts[1] and parts[2]
                 and not _FOR_LATER.search(first_line[:f.start])]
        released = [self._release_date(sp.passage.doc_slug) for sp, _, _ in chosen]
        if not asked or not released or None in released:
            return ""
        for written, (year, month, day) in asked:
            with contextlib.suppress(ValueError):
                if all(datetime.date(year, month, day) - last > datetime.timedelta(days=1)
                       for last in released):
                    return written
        return ""

    def _release_date(self, slug: str) -> datetime.date | None:
        """The last date a release's title lines write (a range's last day), or None."""
        if slug not in self._release_dates:
            dates = []
            head = f"{slug}#head"
            if self.corpus.has_passage(head):
                for fact in facts_of("date", self.corpus.passage(head).text):
                    parts = date_parts(fact.text)
                    if not parts or not parts[1]:
                        continue
                    year, month, _ = parts
                    days = [int(d) for d in re.findall(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)",
                                                       _YEAR.sub("", fact.text))]
                    with contextlib.suppress(ValueError):
                        dates.append(datetime.date(year, month, max(days, default=1)))
            self._release_dates[slug] = max(dates, default=None)
        return self._release_dates[slug]

    def _before_meeting(self, passage, span: Span) -> bool:
        """Whether every date the sentence places in time lies before its release's
        meeting (the first such date of its title lines): it tells what happened."""
        slug = passage.doc_slug
        if slug not in self._meeting_dates:
            head = [p for p in self.corpus.passages_of(slug) if p.id == f"{slug}#head"]
            self._meeting_dates[slug] = next(
                (parts for p in head for f in facts_of("date", p.text)
                 if (parts := date_parts(f.text))), None)
        held = self._meeting_dates[slug]
        dates = [parts for f in facts_of("date", passage.sentence_text(span))
                 if (parts := date_parts(f.text))]
        return bool(held and dates) and all(before(d, held) for d in dates)

    def _lead_line(self, passage, span: Span) -> bool:
        """The lead sentence (which says who met where and when), with the dateline
        before it when that is a sentence of its own."""
        first = self._first_paragraph(passage.doc_slug)
        if first is None or first.id != passage.id:
            return False
        return span in lead_spans(first)

    def _does(self, asked: str, text: str) -> bool:
        """Whether text says the action a "who" question asks about ("Who *chaired* …?"):
        its verb, or a word close to it in meaning. A question asking who spoke is met
        by what was said."""
        verb = _asked_action(asked.split("\n")[0])
        if not verb:
            return True
        said = content_words(text)
        if stem(verb) in {stem(w) for w in said}:
            return True
        return self._close([verb], said)

    def _close(self, asked: list[str], said: list[str]) -> bool:
        """Whether some word of asked is close in meaning to some word of said (word
        vectors, unit length, at TERM_SIMILARITY or above)."""
        import numpy as np

        vectors = self.index.term_vectors([*asked, *said])
        return any(float(np.dot(vectors[a], vectors[b])) >= TERM_SIMILARITY
                   for a in asked for b in said)

    def _gives(self, kind: str, fact, text: str, asked: str) -> bool:
        """Whether a fact the entity model found answers the kind asked for:
        - a one-word fact the corpus also writes in lower case ("May", "Nine") is a
          common word, unless it counts what is asked;
        - a place whose words the corpus all writes in lower case ("Member States"),
          or that is a piece of a longer name ("EU Member *States*", "Asylum and
          *Migration* Pact"), is a misread, not a place;
        - a length of time ("two years") does not say when;
        - a release names a person in full: a one-word "person" is a misread ("Schengen");
        - a number answers "how many X" only when it counts X ("nine member states"
          answers "how many countries", not "how many ministers")."""
        named = [w for w in words(fact.text) if w not in STOPWORDS]
        first_line = asked.split("\n")[0]  # the question, not the words it borrows
        if kind in ("amount", "count", "measure") and _TOTAL_ASKED.search(first_line) \
                and _PER_UNIT.match(text[fact.end:]):
            return False  # "vouchers of EUR 500 each" is no total
        if kind == "amount" and fact.label == "QUANTITY" and _MONEY_ASKED.search(first_line):
            return False  # "how much did it cost?" asks for a sum, not "2 500 hectares"
        if kind == "amount" and _SUM_ASKED.search(first_line) \
                and not _SHARE_ASKED.search(first_line) \
                and not _CURRENCY.search(text[max(0, fact.start - 6):fact.end + 8]):
            return False  # "how much money?", "how much will it cost?": a sum in a currency
        if kind == "count":
            return self._counts(fact, text, asked)
        if kind == "measure":
            # A figure: "16", "15 years", "EUR 40", "3%"; not a date ("May 2031"), nor a
            # count of things ("28 million people").
            return bool(numbers(fact.text)) and not (fact.label == "DATE" and (
                date_parts(fact.text) or set(words(fact.text)) & DATE_WORDS)) and not (
                fact.label == "CARDINAL" and content_words(_counted_phrase(text, fact)))
        if kind == "date" and _DURATION.search(fact.text) and not (
                date_parts(fact.text) or set(words(fact.text)) & DATE_WORDS):
            return False  # "60 to 119 minutes", "two years": how long, not when
        if kind == "date" and _DAY_ASKED.search(first_line) and not _says_day(fact.text):
            return False  # "in the last quarter of 2027" is no day
        if kind == "date" and _other_end(first_line, _date_clause(text, fact)):
            return False  # "when will it start?" and "the period ending on …"
        if fact.label == "PERSON" and len(named) < 2:
            return False
        if fact.label in PLACE_LABELS:
            return any(w not in self._lower_case for w in named) \
                and not _inside_name(text, fact.start, fact.end) \
                and not (kind == "place" and (not _located(text, fact)
                                              and asked_noun(asked) not in INSTANCE_NOUNS
                                              or _acts(text, fact)))
        return " " in fact.text or fact.text.lower() not in self._lower_case

    def _counts(self, fact, text: str, asked: str) -> bool:
        """Whether a number in text counts what "how many" asks about: a word of the
        noun phrase after it is a counted word or close to one in meaning."""
        counted = re.search(r"\bhow many((?:\s+[\w'-]+){1,4})", asked, re.IGNORECASE)
        if not counted:  # "what number …?": any number answers
            return True
        wanted = content_words(_before_verb(counted.group(1).strip()))
        if not wanted or wanted[0] == "times":  # "how many times": any number of events
            return True
        if fact.label == "PERCENT" and counted.group(1).split()[0].lower() == "of":
            return True  # "how many of the boats …?": "one in four" says it as a share
        # "How many Europeans …": a nationality counts people.
        demonyms = {w for f in find_facts(counted.group(1)) if f.label == "NORP"
                    for w in words(f.text)}
        if set(wanted) & demonyms:
            wanted += ["people", "persons", "citizens"]
        # "How many people …" counts them by what the rest of the question says of them
        # ("people from Ukraine … in hospitals": "Ukrainian patients").
        if set(wanted) & _PEOPLE:
            wanted += _describing(asked.split("\n")[0])
        # A counted word no release uses ("lookups", "aircraft") is the asker's own word
        # for what the release counts in its words: only its meaning can be looked for.
        own = wanted
        wanted = [w for w in wanted if stem(w) in self._corpus_stems]
        if not wanted:
            return True
        following = content_words(_counted_phrase(text, fact))
        if not following and fact.label == "CARDINAL" and _COUNTING_VERB.search(
                text[:fact.start]):  # "the staff will reach 430": counted before it
            before = content_words(_CLAUSE_BREAK.split(text[:fact.start])[-1])
            return bool({stem(w) for w in wanted} & {stem(w) for w in before}) \
                or bool(before) and self._close(own, before)
        if not following:  # "reduced by 7%": a share, not a count
            return False
        found = {stem(w) for w in wanted} & {stem(w) for w in following}
        unit = {stem(w) for w in words(fact.text)}
        rest = [w for w in wanted if stem(w) not in unit]
        if found and found <= unit and rest:
            # "How many tonnes of nickel": tonnes of something else are no answer, so
            # what is measured must be in the sentence too.
            said = content_words(text)
            return bool({stem(w) for w in rest} & {stem(w) for w in said}) \
                or self._close(rest, said)
        if found:
            return True
        return self._close(own, following)

    def assess(self, question: str, retrieval: Retrieval) -> Verdict:
        """The sentences that answer best, the signals, and the decision."""
        # "The JHA Council" is asked about releases that write "Justice and Home Affairs".
        _, focus = split_focus(spell_out(question, self._initials, self._vocabulary))
        candidates = self.candidates(focus, retrieval)
        if not candidates:
            return Verdict(False, "Nothing in it could be searched", [])
        if _NAMES_ASKED.search(focus):
            named = self._named_people(retrieval)
            if named:
                return Verdict(True, "", named, 1.0)
        role_of = _WHO_IS.match(focus.split("\n")[0])
        if role_of:  # the sentences that name the person say who they are
            naming = self._naming(next(filter(None, role_of.groups())), retrieval)
            if naming:
                return Verdict(True, "", naming, 1.0)
        chosen = self.choose(focus, retrieval, candidates)
        signals, reasons = self.signals(focus, retrieval, chosen, candidates)
        probability = self.model.probability(signals)
        answerable = probability >= self.model.threshold and not signals.get("other_year")
        reason = "" if answerable else (reasons[0] if reasons else
                                        "None of its passages answers it closely enough")
        return Verdict(answerable, reason, chosen, probability, signals)

    def candidates(self, question: str, retrieval: Retrieval) -> list[Candidate]:
        """Every scored sentence of the retrieved passages, best first; a sentence gains
        kind_bonus for each kind of fact asked for that it holds (a new date for "when")."""
        kinds = asked_kinds(question)
        asked = f"{question}\n{retrieval.query}"
        about_meeting = _about_meeting(question)
        scored, titles = [], []
        # Only a sentence that matches the question nearly as well as the best one is
        # lifted: a place in an unrelated sentence does not say where *this* happened.
        top = max((score for sp in retrieval.passages for _, score in sp.best_sentences),
                  default=0.0)
        for sp in retrieval.passages:
            attribution = _attribution(sp.passage)
            quote = max((score for span, score in sp.best_sentences if span != attribution),
                        default=0.0)
            title = sp.passage.id.endswith("#head")
            for span, score in sp.best_sentences:
                if span == attribution:  # who said it matches as well as what was said
                    score = max(score, quote)
                held = sum(self.gives(k, sp.passage, span, asked, about_meeting) for k in kinds)
                # A title line only says which meeting it was: it answers a question
                # asking for a kind of fact (a person, a sum) only by holding one.
                if kinds and not held and title:
                    titles.append((sp, span, score))
                    continue
                # Each kind asked that it gives ("where and when": both in a dateline).
                if score >= COMPLEMENT_RATIO * top:
                    score += self.model.kind_bonus * held
                scored.append((sp, span, score))
        return sorted(scored or titles, key=lambda c: c[2], reverse=True)

    def choose(self, question: str, retrieval: Retrieval, candidates: list[Candidate]):
        """The best sentence, the sentences that complete it, and the best sentence of
        each other release that answers nearly as well; in reading order."""
        query_stems = set(content_stems(retrieval.query))
        limit = 3 if _SEVERAL.search(question) else 2
        kinds = asked_kinds(question)
        asked = f"{question}\n{retrieval.query}"
        about_meeting = _about_meeting(question)

        def may_join(cand: Candidate) -> bool:
            # A release's title lines only say which meeting it was: they join an
            # answer when they hold the date or place asked for, not for its words.
            sp, span, _ = cand
            return not sp.passage.id.endswith("#head") or any(
                self.gives(k, sp.passage, span, asked, about_meeting) for k in kinds)

        best_slug = candidates[0][0].passage.doc_slug
        same = [candidates[0]] + [
            c for c in candidates[1:] if c[0].passage.doc_slug == best_slug and may_join(c)
        ]
        chosen = _complete(same, query_stems, limit)
        chosen += [c for c in _dated(chosen, candidates) if c not in chosen]
        if _WHY.search(question):  # the reason a release gives right after the fact
            chosen += [c for c in _reason_after(chosen[0], candidates) if c not in chosen]
        if _topic_heading(chosen[0]) and not may_join(chosen[0]):
            # A topic heading ("Baltic cod") closing a release's opening lines is read
            # with the paragraph it heads, which says what was decided.
            chosen += [c for c in self._headed(chosen[0], candidates) if c not in chosen]
        for wanted in kinds:
            if not any(self.gives(wanted, c[0].passage, c[1], asked, about_meeting)
                       for c in chosen):
                chosen += [c for c in self._kind_nearby(
                    wanted, asked, chosen[0], same,
                    # What those who met did, they did on the meeting's date (a
                    # deadline they set lies elsewhere).
                    setting=about_meeting and not is_yes_no(question),
                    where=asked_noun(question) not in INSTANCE_NOUNS and about_meeting)
                    if c not in chosen]
        if self._vote_untold(question, asked, chosen):  # (how it went, after what was agreed)
            chosen += [c for c in self._kind_nearby("vote", asked, chosen[0], same)
                       if c not in chosen]
        dates = [f.text for c in chosen
                 for f in new_facts("date", c[0].passage.sentence_text(c[1]), asked)]
        if "date" in kinds and any(_weekday(d) for d in dates):
            # "On Friday" dates an event by the meeting's week: its dateline says which
            # (whatever other month the sentence names for something else).
            chosen += [c for c in self._head_sentence(chosen[0], same, lambda text: any(
                not _weekday(f.text) for f in new_facts("date", text, asked))) if c not in chosen]
        releases = [best_slug]

        def said(c: Candidate) -> str:
            return " ".join(c[0].passage.sentence_text(c[1]).split())

        # The same sentence in another release (a copy, boilerplate) adds nothing.
        quoted = {said(c) for c in chosen}
        ratio = COMPLEMENT_RATIO if _ACROSS.search(question) else self.model.cross_ratio
        for cand in candidates[1:]:
            slug = cand[0].passage.doc_slug
            if len(releases) >= MAX_RELEASES or cand[2] < ratio * candidates[0][2]:
                break
            # Another release joins by how well it matches the question: the kind of
            # fact asked for (a sum, a date) in a sentence about something else does
            # not bring its release in.
            if _matched(cand) < ratio * _matched(candidates[0]):
                continue
            if slug not in releases and may_join(cand) and said(cand) not in quoted:
                releases.append(slug)
                chosen.append(cand)
                quoted.add(said(cand))
        # A question that compares meetings is answered from each of them that speaks
        # to it: a meeting that never mentions the topic has no sentence to quote.
        own = {slug: [c for c in candidates if c[0].passage.doc_slug == slug and may_join(c)]
               for slug in retrieval.compared}
        for slug, sentences in own.items():
            fresh = [c for c in sentences if said(c) not in quoted]
            if fresh and slug not in releases and len(releases) < MAX_RELEASES \
                    and _matched(fresh[0]) >= COMPARED_RATIO * _matched(candidates[0]):
                releases.append(slug)
                chosen.append(fresh[0])
                quoted.add(said(fresh[0]))
        # Each meeting compared says how the topic came up in a sentence or two: its
        # second sentence joins when it matches as closely as a complement must.
        for slug, sentences in own.items() if len(releases) > 1 else []:
            if slug in releases and len(sentences) > 1 and said(sentences[1]) not in quoted \
                    and _matched(sentences[1]) >= COMPLEMENT_RATIO * _matched(sentences[0]) \
                    and sum(c[0].passage.doc_slug == slug for c in chosen) < 2:
                chosen.append(sentences[1])
                quoted.add(said(sentences[1]))
        chosen += _quoted_by(chosen, candidates)
        if {"person", "human"} & set(kinds):  # "Who said …?": who said what was chosen
            chosen += _attributing(chosen, candidates)
        if not may_join(candidates[0]) and not any(
                c[0].passage.doc_slug == best_slug and not c[0].passage.id.endswith("#head")
                for c in chosen):
            # A title that names the meeting the question names says what it was about;
            # what was done there is in the best sentence of its body.
            chosen += [c for c in same if not c[0].passage.id.endswith("#head")][:1]
        rank = {slug: n for n, slug in enumerate(releases)}
        return sorted(chosen, key=lambda c: (rank[c[0].passage.doc_slug], c[1].start))

    def _headed(self, heading: Candidate, candidates: list[Candidate]) -> list[Candidate]:
        """The best-scored sentence of the first paragraph under a release's opening
        lines (the one a closing topic heading heads), as a candidate."""
        first = self._first_paragraph(heading[0].passage.doc_slug)
        if first is None:
            return []
        return [next((c for c in candidates if c[0].passage.id == first.id),
                     (ScoredPassage(first, 0.0), first.sentences[0], 0.0))]

    def _first_paragraph(self, slug: str):
        """The first passage of a release after its opening lines, or None (kept: it is
        asked for each candidate sentence)."""
        if slug not in self._first_paragraphs:
            self._first_paragraphs[slug] = next(
                (p for p in self.corpus.passages_of(slug)
                 if not p.id.endswith("#head") and p.sentences), None)
        return self._first_paragraphs[slug]

    def _kind_nearby(self, kind, asked, best: Candidate, same: list[Candidate], where=True,
                     setting=False):
        """The sentence giving the fact asked for that the best sentence lacks: in the
        best passage (the figure after its announcement), else, for a question asking
        where, in the release's title lines (what a meeting did, it did where the
        meeting was); with setting (a question asking when those who met did
        something), the title's date too."""
        passage = best[0].passage
        for cand in same:
            if cand[0].passage.id == passage.id and self.holds(
                    kind, passage.sentence_text(cand[1]), asked):
                return [cand]
        if kind in ("person", "human", "quote", "vote") and passage.section:
            # Who spoke on a topic is named by a quotation under the same heading, when
            # the heading or the quotation speaks of it ("Eels", not "Main results"),
            # with the attribution line that follows it; how a vote went, by the
            # paragraph under it that reports the vote.
            topic = {stem(w) for w in content_words(asked.split("\n")[0])
                     if w not in FRAME_WORDS and w not in KIND_OF_NOUN}
            if kind != "vote":  # (a vote is on what the title may name)
                topic -= self._titled([best])
            scored = {(c[0].passage.id, c[1]): c for c in same}
            for other in self.corpus.passages_of(passage.doc_slug):
                if other.id == passage.id or other.section != passage.section \
                        or not topic & set(content_stems(f"{other.section} {other.text}")):
                    continue
                for span in other.sentences:
                    if self.holds(kind, other.sentence_text(span), asked):
                        unscored = (ScoredPassage(other, 0.0), span, 0.0)
                        return [scored.get((other.id, span), unscored)]
        # A date in the title is the meeting's, not every event's; its place answers
        # "where", not "which countries".
        if not (kind == "place" and where or kind == "date" and setting):
            return []
        return self._head_sentence(best, same, lambda text: self.holds(kind, text, asked))

    def _head_sentence(self, best: Candidate, same: list[Candidate], wanted) -> list[Candidate]:
        """The first title or dateline line of the best sentence's release for which
        wanted(text) holds, else its lead (the first sentence of its first paragraph,
        which says who met where and when, or opens with the dateline), as a candidate
        (scored if it was); never the best sentence itself."""
        slug = best[0].passage.doc_slug
        head = [p for p in self.corpus.passages_of(slug) if p.id == f"{slug}#head"]
        lead = self._first_paragraph(slug)
        lines = [(p, span) for p in head for span in p.sentences]
        if lead is not None:
            lines.append((lead, lead.sentences[0]))
        scored = {(c[0].passage.id, c[1]): c for c in same}
        for passage, span in lines:
            if (passage.id, span) != (best[0].passage.id, best[1]) \
                    and wanted(passage.sentence_text(span)):
                return [scored.get((passage.id, span), (ScoredPassage(passage, 0.0), span, 0.0))]
        return []

    def signals(self, question, retrieval, chosen, candidates) -> tuple[dict, list[str]]:
        """The general signals of support, and the reasons against answering that they
        show, strongest first."""
        kinds = asked_kinds(question)
        asked = f"{question}\n{retrieval.query}"
        about_meeting = _about_meeting(question)
        best_sp, best_span, best = max(chosen, key=lambda c: c[2])
        best_text = best_sp.passage.sentence_text(best_span)
        # The kinds asked that each chosen sentence gives.
        given = [[k for k in kinds if self.gives(k, sp.passage, span, asked, about_meeting)]
                 for sp, span, _ in chosen]
        missing = [k for k in kinds if not any(k in gives for gives in given)]
        if kinds in ([], ["name"]) and asks_for_several(question) \
                and len({sp.passage.doc_slug for sp, _, _ in chosen}) < 2 and not any(
                _lists(sp.passage.sentence_text(span), asked) for sp, span, _ in chosen):
            missing.append("several")  # "Which five files …?" and only "Five key files …"
        elif asks_for_several(question) and "several" not in missing \
                and not KIND_NAMES.get(asked_noun(question)) and _only_counted(
                asked_noun(question), [sp.passage.sentence_text(span) for sp, span, _ in chosen]):
            missing.append("several")  # "Which ports …?" and only "33 ports" (not
            # "on which days …?", which asks for dates)
        if self._vote_untold(question, asked, chosen):
            missing.append("vote")
        holds_kind = not missing

        # "What *proportion* …?" is met by a percentage, whatever word the release uses.
        shares = {"PERCENT"} & {f.label for sp, span, _ in chosen
                                for f in find_facts(sp.passage.sentence_text(span))}

        def weighed(text: str) -> list[str]:
            # A word that only names the kind asked ("on what *date*") is met by a fact
            # of that kind, whether or not the release uses the word.
            return [w for w in content_words(text) if w not in FRAME_WORDS
                    and not (holds_kind and KIND_NAMES.get(w) in kinds)
                    and not (shares and w in SHARE_NOUNS)]

        # The question's own words: those a follow-up borrows from earlier turns found
        # the passages, and the earlier answer already met them. A follow-up with no
        # words of its own ("And what did he add?") is judged on those it borrows.
        query_words = weighed(question) or weighed(retrieval.query)
        stand_in = {w: t for w, (t, sim) in retrieval.near_terms.items() if sim >= TERM_SIMILARITY}
        query_stems = {stem(stand_in.get(w, w)) for w in query_words}
        sentence_stems = set(content_stems(" ".join(
            sp.passage.sentence_text(span) for sp, span, _ in chosen)))
        evidence_stems = set(content_stems(" ".join(
            f"{sp.passage.doc_title} {sp.passage.section} {sp.passage.text}"
            for sp, _, _ in chosen)))
        glossed = set(HEADER_GLOSS.split()) if any(
            sp.passage.id.endswith("#head") for sp, _, _ in chosen) else set()
        unseen = [w for w in query_words
                  if stem(w) not in self._corpus_stems and w not in stand_in and w not in glossed]
        quoted = " ".join(sp.passage.sentence_text(span) for sp, span, _ in chosen)
        unknown = self._unknown_names(question, quoted)
        titles = self._opening_lines(chosen)
        other_years = _other_years(question, quoted, titles)
        # The passages whose sentences give the fact asked for must be about what it is
        # asked of ("the Alliance" there may stand for the name the question gives).
        giving = " ".join(dict.fromkeys(
            f"{sp.passage.section} {sp.passage.text}" for (sp, _, _), gives in zip(chosen, given)
            if set(gives) - {"quote", "name"}))
        figures = [(sp, span) for (sp, span, _), gives in zip(chosen, given)
                   if set(gives) & FIGURE_KINDS]
        # (a figure of now does not give one of the start: "now 41 members" for "how
        # many members when it was launched?")
        asks_figure = bool({"amount", "count", "measure"} & set(kinds))
        now_for_start = asks_figure and _now_for_start(
            question, [sp.passage.sentence_text(span) for sp, span in figures])
        # ("how many … in 2031?" may also mean the meeting's year: a doubt, not a veto)
        # The year is a figure's: said in a sentence with a number, when one has any
        # (not "2031" of a sentence without, beside "a budget of €5 million for 2030").
        # Of the sentences with a figure, those of passages naming the body or place the
        # figure is asked of, when there are any: a year another body's figure names
        # ("repayments from 2031") does not give the year of this one's.
        with_figure = [(sp, text) for sp, text in ((sp, sp.passage.sentence_text(span))
                                                   for sp, span, _ in chosen)
                       if any(f.label in KIND_LABELS["count"] for f in find_facts(text))]
        numbered = " ".join(text for _, text in (
            self._naming_asked(question, chosen, with_figure) or with_figure))
        after_release = self._after_release(question, chosen)
        other_ordinals = _other_ordinals(question, quoted, " ".join(
            f"{sp.passage.doc_title} {sp.passage.section} {sp.passage.text}"
            for sp, _, _ in chosen))
        figure_years = other_years or _other_years(
            question, numbered or quoted, titles,
            figure=asks_figure)
        # ... and, finest, the sentences that give the figure or date asked for (but
        # not one that points back, "it will cost …", whose subject is before it).
        giving_sentences = " ".join(
            text for sp, span in figures
            if not _POINTING.search(text := sp.passage.sentence_text(span)))
        other_names = self._other_names(
            question, (quoted, giving, giving_sentences), chosen) if giving else None
        if not other_names and giving:
            # (the sentences that give the figure asked for, when there are any)
            other_names = self._other_owners(question, [
                sp.passage.sentence_text(span) for sp, span in figures
            ] or [sp.passage.sentence_text(span) for sp, span, _ in chosen], chosen)
        # A figure or date asked of a country, a town or a named body is given by a
        # passage naming it (unless it is the meeting's date, given by its title).
        unnamed = [] if about_meeting and set(kinds) & set(HEADER_KINDS) else \
            self._unnamed(question, chosen, [sp.passage for sp, _ in figures])
        asked_stems = query_stems | set(content_stems(question))
        # What answers: the best sentence (with the quotation it attributes, when what
        # was said is asked), the sentences that give a kind asked (a dateline), and
        # when the best is a title or heading line, the body sentences chosen with it.
        headed = best_sp.passage.id.endswith("#head")
        said = " ".join(dict.fromkeys(
            [_with_quotation(best_sp, best_span, chosen) if "quote" in kinds else best_text]
            + [sp.passage.sentence_text(span) for (sp, span, _), gives in zip(chosen, given)
               if gives or (headed and sp.passage.doc_slug == best_sp.passage.doc_slug)]))
        new = [w for w in content_words(said) if stem(w) not in asked_stems]
        other = next((c[2] for c in candidates if c[0].passage.id != best_sp.passage.id), 0.0)
        share = (lambda found: len(found) / len(query_stems)) if query_stems else (lambda _: 0.0)
        title_stems = set(content_stems(titles))
        restated = _restates_why(question, quoted, [
            w for w in query_words if stem(stand_in.get(w, w)) not in sentence_stems
            and stem(w) not in title_stems], best_text)
        signals = {
            "best_score": best,
            "passage_dense": max(sp.dense for sp, _, _ in chosen),
            "sentence_coverage": share(query_stems & sentence_stems),
            "evidence_coverage": share(query_stems & evidence_stems),
            "unknown_share": len(unseen) / len(query_words) if query_words else 0.0,
            # A name the corpus never writes, or a year the evidence is not about.
            "unknown_name": float(bool(unknown or figure_years or other_names or unnamed
                                       or other_ordinals or now_for_start or after_release)),
            # (not weighed: a year asked that the evidence never gives, while it gives
            # another, is a refusal whatever else the signals say)
            "other_year": float(bool(other_years)),
            # A named fact (a date, a sum, a person), not what someone said.
            "kind_asked": float(any(k != "quote" for k in kinds)),
            "kind_missing": float(not holds_kind),
            # What answers says nothing the question does not ("How old is Ann Lee,
            # the Minister of Health?" and only "Ann Lee, Minister of Health"), unless
            # the question asks whether it is so. (How many words it adds is no sign:
            # one name answers "which harbour joined?".)
            # A "why" question is met by a reason: sentences that state all it asks
            # with no word of cause or purpose only restate it.
            "nothing_new": float((not new or restated) and not is_yes_no(question)),
            "yes_no": float(is_yes_no(question)),
            "margin": best - other,
            **self._word_support(query_words, stand_in, chosen),
        }
        reasons = []
        if unknown:
            reasons.append(f"It never mentions {', '.join(unknown)}")
        if other_names:
            asked_names, stated = other_names
            reasons.append(f"Its closest passages speak of {', '.join(stated)}, "
                           f"not {', '.join(asked_names)}")
        if unnamed and not other_names:
            reasons.append(f"The passages that give the figure asked for never name "
                           f"{', '.join(unnamed)}")
        if figure_years:
            asked_years, stated = figure_years
            reasons.append(f"Its closest passages speak of {', '.join(stated)}, "
                           f"not {', '.join(asked_years)}")
        if other_ordinals:
            asked_ordinals, stated = other_ordinals
            reasons.append(f"Its closest passages speak of the {', '.join(stated)}, "
                           f"not the {', '.join(asked_ordinals)}")
        if after_release:
            reasons.append(f"Its closest releases date from before {after_release}: they "
                           f"cannot report what happened then")
        if now_for_start:
            reasons.append("Its closest passages give the figure as it is now, not at the start")
        if not holds_kind:
            reasons.append(f"None of its passages gives {KIND_NOUNS[missing[0]]}")
        if unseen:
            reasons.append(f"It never mentions {', '.join(f'“{w}”' for w in unseen[:3])}")
        if restated:
            reasons.append("Its closest passages state it but give no reason")
        elif len(new) < 2 and not is_yes_no(question):
            reasons.append("Its closest passages only repeat the question")
        return signals, reasons

    def _other_names(self, question: str, evidence: tuple[str, ...], chosen: list[Candidate]):
        """(names asked, names stated) when a fact is asked about a place or a named
        body the corpus knows but a text of the evidence (the quoted sentences, then the
        passages that give the fact) never names, while it names another of its sort:
        Latvia's figure is not given by a sentence about Estonia's, nor the Defence
        Fund's by one about the Assistance Fund (a named body's sort is its last word).
        The meeting's own place and name (in its release's title lines) are no such
        names. None otherwise."""
        names = self._asked_names(question, chosen, _SORTED_LABELS)
        for text in evidence:
            said = [stem(w) for w in words(text) if w not in STOPWORDS]
            places = _place_words(text)
            stated_facts = [f for f in find_facts(text) if f.label in _SORTED_LABELS]
            asked, stated = [], set()
            for name, named, place in names:
                if _names_there(named, place, said, places):
                    continue
                # (A name within the other, "the Alliance" beside "the Ports Alliance",
                # is the same body.)
                others = {f.text for f in stated_facts if (f.label == "GPE") == place
                          and (place or _sort(f) == named[-1]) and not (
                              set(named) <= (stems := {stem(w) for w in words(f.text)
                                                       if w not in STOPWORDS})
                              or stems <= set(named))}
                if others:
                    asked.append(_bare(name))
                    stated |= {_bare(o) for o in others}
            if asked:
                return asked, sorted(stated)
        return None

    def _other_owners(self, question: str, sentences: list[str], chosen: list[Candidate]):
        """(things asked, things stated) when the question asks of a thing owned or
        qualified by a name ("*Greek* ports", "*Latvia's* budget"), or asks for a
        figure of something ("the quota *for poultry*"), and no sentence that gives the
        figure writes the one asked while one gives the same thing of another ("*EU*
        ports", "the quota *for wheat*"). Names that may be the same are no other
        (_same_owner); the meeting's own names (its title lines) qualify nothing. None
        otherwise."""
        titled = self._titled(chosen)
        first_line = question.split("\n")[0]
        noun_asked = asked_noun(first_line)
        wanted = [(owner, noun, leads) for owner, noun, leads in _owned_nouns(first_line)
                  if owner[:1].isupper() or not leads and noun == noun_asked]
        asked, stated = [], set()
        # (a name shortened or made an adjective is looked for among places and peoples)
        places = {w for sentence in sentences for f in find_facts(sentence)
                  if f.label in ("GPE", "NORP", "LOC") for w in words_as_written(f.text)}
        for owner, noun, leads in wanted:
            # The owner is looked for where the figure is given, but not in a sentence
            # of another thing of its ("Greece lost a fifth of its farmers" gives no
            # share of Greece's territory); none is looked for when the thing asked is
            # owned by a word pointing back ("its territory", "the country's schools",
            # "the port there"): the owner may be named before.
            spoken = [sentence for sentence in sentences if self._speaks_of(noun, sentence)]
            if any(_REFERRING.search(sentence) for sentence in spoken):
                continue
            speaking = [w for sentence in sentences
                        if sentence in spoken or not self._of_its_other(noun, sentence)
                        for w in words_as_written(sentence)]
            if stem(owner.lower()) in titled or any(
                    self._same_owner(owner, w, w in places) for w in speaking):
                continue
            # (a name owns a thing before it or after "of" or "in": "EU ports", "the
            # port of Bari", "ports in Spain")
            named = owner[:1].isupper()
            rivals = {(other, placed) for sentence in sentences
                      for other, their, placed in _owned_nouns(sentence)
                      if (placed == leads or named and other[:1].isupper())
                      and stem(their.lower()) == stem(noun.lower())}
            if rivals and not (not leads and self._close(
                    [owner.lower()], [o.lower() for o, _ in rivals])) \
                    and not self._named_otherwise(owner, speaking, {o for o, _ in rivals},
                                                  first_line):
                asked.append(_owned(owner, noun, leads))
                stated |= {_owned(other, noun, placed) for other, placed in rivals}
        return (list(dict.fromkeys(asked)), sorted(stated)) if asked else None

    def _of_its_other(self, noun: str, sentence: str) -> bool:
        """Whether a sentence gives a thing of "its" or "their" that is not the noun
        asked nor close to it in meaning ("Greece lost a fifth of its farmers")."""
        tokens = list(tagged(sentence))
        owned = [next((t.lower_ for t in tokens[o.i + 1:o.i + 4] if t.pos_ == "NOUN"), "")
                 for o in tokens if o.lower_ in ("its", "their")]
        return any(w and stem(w) != stem(noun.lower()) and not self._close([noun.lower()], [w])
                   for w in owned)

    def _speaks_of(self, noun: str, sentence: str) -> bool:
        """Whether a sentence writes a noun, or a word close to it in meaning
        ("harbours" for "ports")."""
        said = content_words(sentence)
        return stem(noun.lower()) in {stem(w) for w in said} or self._close([noun.lower()], said)

    def _named_otherwise(self, owner: str, written: list[str], rivals: set[str],
                         question: str) -> bool:
        """Whether a capitalised word written where the figure is given is the owner by
        another name ("France" for "French"): closer to it in meaning than any rival
        ("Belgian"), since names of one sort are all somewhat close. A name the question
        writes itself, in some form, is another of its names ("pupils from Ukraine in
        Latvian schools", "Ukrainian pupils")."""
        import numpy as np

        others = [w for w in words_as_written(question) if w[:1].isupper() and w != owner]
        names = {w.lower() for w in written if w[:1].isupper()
                 and not any(self._same_owner(w, o, True) for o in others)} \
            - {r.lower() for r in rivals}
        if not names:
            return False
        vectors = self.index.term_vectors([owner.lower(), *names, *(r.lower() for r in rivals)])

        def near(word: str) -> float:
            return float(np.dot(vectors[owner.lower()], vectors[word]))

        best = max(near(w) for w in names)
        return best >= TERM_SIMILARITY and best > max(near(r.lower()) for r in rivals)

    def _same_owner(self, one: str, other: str, place: bool = False) -> bool:
        """Whether two names may name the same owner: the same stem; for a place or a
        people (place), the same first three letters ("Finnish", "Finland"; "Latvian",
        "Latvia's"); one the other's start ("Euro", "European"); initials and a word of
        what they stand for ("EU", "Union"; "EDF", "Fund")."""
        if stem(one.lower()) == stem(other.lower()):
            return True
        if place and one[:1].isupper() and len(one) > 3 and len(other) > 3 \
                and one[:3].lower() == other[:3].lower():
            return True
        for short, full in ((one, other), (other, one)):
            spelled = self._initials.get(short.lower()) if short.isupper() else None
            if spelled and stem(full.lower()) in {stem(w) for w in words(spelled)}:
                return True
            if not short.isupper() and len(short) > 3 and full.lower().startswith(short.lower()):
                return True
        return False

    def _opening_lines(self, chosen: list[Candidate]) -> str:
        """The chosen releases' titles, title lines and lead sentences: where they say
        when their meeting was."""
        said = []
        for slug in dict.fromkeys(sp.passage.doc_slug for sp, _, _ in chosen):
            first = self._first_paragraph(slug)
            said += [p.text for p in self.corpus.passages_of(slug) if p.id == f"{slug}#head"]
            said += [first.sentence_text(span) for span in lead_spans(first)] if first else []
        return " ".join([*(sp.passage.doc_title for sp, _, _ in chosen), *said])

    def _titled(self, chosen: list[Candidate]) -> set[str]:
        """The stems of the chosen releases' title lines (the meeting's own names), with
        the short name of a Council configuration the title spells out ("AgriFish" for
        the "Agriculture and Fisheries Council")."""
        slugs = {sp.passage.doc_slug for sp, _, _ in chosen}
        titled = {stem(w) for slug in slugs for p in self.corpus.passages_of(slug)
                  if p.id == f"{slug}#head" for w in words(p.text)}
        return titled | {stem(short) for short, full in COUNCIL_CONFIGURATIONS.items()
                         if all(stem(w) in titled for w in words(full) if w not in STOPWORDS)}

    def _unnamed(self, question: str, chosen: list[Candidate], giving: list) -> list[str]:
        """The places (countries, towns) and named bodies (of two words or more, or an
        abbreviation) the question names, that the corpus knows and the chosen releases'
        title lines do not, which no passage of giving names; none when giving is empty."""
        if not giving:
            return []
        return [_bare(name) for name, named, place in self._asked_names(
            question.split("\n")[0], chosen, _BODY_LABELS | {"GPE"})
            if not any(self._names(question, name, named, place, p) for p in giving)]

    def _naming_asked(self, question: str, chosen: list[Candidate], sentences: list[tuple]):
        """The (passage, sentence) pairs whose passage names every place and named body
        the question names (none when it names none)."""
        names = self._asked_names(question.split("\n")[0], chosen, _BODY_LABELS | {"GPE"})
        if not names:
            return []
        return [(sp, text) for sp, text in sentences if all(
            self._names(question, name, named, place, sp.passage)
            for name, named, place in names)]

    def _names(self, question: str, name: str, named: list[str], place: bool, passage) -> bool:
        """Whether a passage (its heading and text) names a place or body the question
        names (name as written, named its stems): in full; "Ukrainian" names Ukraine;
        "the Board" the Herring Advisory Board by its head; "EIB" the European
        Investment Bank by its initials; and, only in the release that spells out an
        abbreviation, "the agency" names the European Union Agency for Cybersecurity
        (ENISA)."""
        text = f"{passage.section} {passage.text}"
        said = [stem(w) for w in words(text) if w not in STOPWORDS]
        if _names_there(named, place, said, _place_words(text)):
            return True
        if place:
            return False
        heads = {stem(w.lower()) for w in re.findall(r"\b[A-Z]\w+", text)}
        initials = set(re.findall(r"\b[A-Z]{2,}\b", text))
        if {named[-1], _head(_whole_name(question, name))} & heads \
                or "".join(w[0] for w in name.split() if w[:1].isupper()) in initials:
            return True
        if not name.isupper():
            return False
        spelled = self._spelled_out(name).get(passage.doc_slug)
        if spelled is None:  # not the release that says what the abbreviation stands for
            return False
        return any(re.search(rf"\b(?:the|its|this|that)\s+{re.escape(head)}\b", text, re.I)
                   for head in spelled)

    def _asked_names(self, question: str, chosen: list[Candidate], labels) -> list[tuple]:
        """(name as written, its stems, whether a place) for each place, and each named
        body of two words or more, that the question names with one of labels, that
        the corpus knows and the chosen releases' title lines (the meeting's own names)
        do not."""
        titled = self._titled(chosen)
        names = []
        for fact in find_facts(question):
            named = [stem(w) for w in words(fact.text) if w not in STOPWORDS]
            place = fact.label == "GPE"
            if fact.label in labels and named and (place or len(named) > 1) \
                    and all(s in self._corpus_stems for s in named) \
                    and not all(s in titled for s in named):
                names.append((fact.text, named, place))
        # An abbreviation names one body as surely as a name of two words, whatever the
        # entity model takes it for ("AMLA" read as a person).
        # (Not one the releases spell out in lower case: "free trade agreement (FTA)".)
        for short in dict.fromkeys(_ABBREVIATION.findall(question)):
            named = [stem(short.lower())]
            if named[0] in self._corpus_stems and named[0] not in titled \
                    and short.lower() not in _CURRENCY_CODES \
                    and not any(short in name for name, _, _ in names) \
                    and not self._common_abbreviation(short):
                names.append((short, named, False))
        return names

    def _spelled_out(self, short: str) -> dict[str, set[str]]:
        """The releases that spell an abbreviation out, each with the head nouns of the
        name it stands for ("European Union Agency for Cybersecurity (ENISA)": agency)."""
        if short not in self._abbreviation_heads:
            spelled = re.compile(rf"((?:[A-Z][\w'’-]*\s+(?:(?:for|of|on|and|the|in)\s+)*)*"
                                 rf"[A-Z][\w'’-]*)\s+\({re.escape(short)}s?\)")
            found: dict[str, set[str]] = {}
            for document in self.corpus.documents:
                for match in spelled.finditer(document.text):
                    found.setdefault(document.slug, set()).update(
                        t.lower_ for t in parsed(match.group(1)) if t.dep_ == "ROOT")
            self._abbreviation_heads[short] = found
        return self._abbreviation_heads[short]

    def _common_abbreviation(self, short: str) -> bool:
        """Whether a release spells the abbreviation out in lower case, as a thing
        rather than a body's name ("a free trade agreement (FTA)")."""
        if short not in self._common_abbreviations:
            spelled = re.compile(rf"(\w+)\s\({re.escape(short)}s?\)")
            self._common_abbreviations[short] = any(
                match.group(1).islower() for document in self.corpus.documents
                for match in spelled.finditer(document.text))
        return self._common_abbreviations[short]

    def _word_support(self, query_words, stand_in, chosen) -> dict[str, float]:
        """How well each question word is met by some word of the evidence (the chosen
        sentences, their headings and release titles), by word-vector cosine; exact
        words meet at 1. The weakest word is what an unanswerable question that sits
        close to a passage usually lacks ("chaired", "funding", "next")."""
        import numpy as np

        evidence = set()
        for sp, span, _ in chosen:
            gloss = HEADER_GLOSS if sp.passage.id.endswith("#head") else ""
            evidence.update(content_words(
                f"{sp.passage.sentence_text(span)} {sp.passage.section} {sp.passage.doc_title}"
                f" {gloss}"))
        asked = [stand_in.get(w, w) for w in query_words]
        if not asked or not evidence:
            return {"weakest_word": 0.0, "second_weakest_word": 0.0, "mean_word": 0.0}
        evidence_stems = {stem(w) for w in evidence}
        vectors = self.index.term_vectors([*asked, *evidence])
        matrix = np.array([vectors[w] for w in evidence], dtype=np.float32)

        def met(word: str) -> float:
            if stem(word) in evidence_stems:
                return 1.0
            return float(np.max(matrix @ np.asarray(vectors[word], np.float32)))

        support = sorted(met(w) for w in asked)
        return {
            "weakest_word": support[0],
            "second_weakest_word": support[1] if len(support) > 1 else 1.0,
            "mean_word": sum(support) / len(support),
        }

    def _unknown_names(self, question: str, quotes: str) -> list[str]:
        """Names and numbers in the question that no document mentions ("Antwerp",
        "2026"); in a yes/no question, a date or number the evidence states otherwise
        is a premise to correct, not an unknown."""
        unknown = []
        # Capitalised mid-sentence words, but not labels such as "USER:" or "Note:".
        for match in re.finditer(r"(?<![.?!:#]\s)(?<!^)\b([A-Z][\w-]+)\b(?!:)", question.strip()):
            word = match.group(1)
            # Of a hyphenated word only the capitalised parts name ("AI-faked": AI).
            named = " ".join(part for part in word.split("-") if part[:1].isupper())
            parts = [w for w in words(named) if w not in STOPWORDS]
            # (a short form stands alone: "Jan" of "Jan Berg" is a name, not January)
            alone = not re.match(r"\s+[A-Z]", question.strip()[match.end():]) \
                and not re.search(r"[A-Z][\w-]*\s+$", question.strip()[:match.start()])
            if parts and any(stem(w) not in self._corpus_stems
                             and not (alone and self._shortened(w)) for w in parts):
                unknown.append(word)
        unknown += [
            written for n, written in sorted(number_forms(question).items())
            if n[0].isdigit() and n not in self._corpus_numbers
        ]
        if is_yes_no(question) and (numbers(quotes) or new_facts("date", quotes, "")):
            unknown = [w for w in unknown if not (numbers(w) or new_facts("date", w, ""))]
        # "Why was the fee set at EUR 900?" where the release says EUR 800: a figure of
        # the same sort in the evidence corrects the premise (a year is no such figure).
        stated = {f.label for f in find_facts(quotes) if numbers(f.text)} - {"DATE", "TIME"}
        return [w for w in unknown if not (numbers(w) and not _YEAR.fullmatch(w) and (
            _label_of(w, question) in stated or _label_of(w, question) == "CARDINAL" and stated))]

    def _shortened(self, word: str) -> bool:
        """Whether a name of three or four letters is the start of one the corpus
        writes, and only as a name ("the Med", the Mediterranean): a short form, not an
        unknown name (a longer one, "France", is no short form of "Franceschini")."""
        return 3 <= len(word) <= 4 and any(
            known.startswith(word) and known not in self._lower_case
            for known in self._vocabulary)

    def _naming(self, name: str, retrieval: Retrieval) -> list[Candidate]:
        """The first sentences that write the name as whole words (the retrieved
        passages first, then the rest of their releases, so a release filter holds), as
        candidates; at most two. A title before the name may be the asker's own."""
        names = name.split()
        if not all(stem(w) in self._corpus_stems for n in names[-2:] for w in words(n)):
            return []  # a name no release writes
        slugs = dict.fromkeys(sp.passage.doc_slug for sp in retrieval.passages)
        passages = list({p.id: p for p in [sp.passage for sp in retrieval.passages] + [
            p for slug in slugs for p in self.corpus.passages_of(slug)]}.values())
        for start in range(len(names) - 1):  # "Commissioner Ana Pereira": Ana Pereira
            written = re.compile(rf"(?<!\w){re.escape(' '.join(names[start:]))}(?!\w)", re.I)
            found = self._naming_in(written, passages, retrieval)
            if found:
                return found
        return []

    def _naming_in(self, written: re.Pattern, passages, retrieval) -> list[Candidate]:
        """The first two sentences of passages in which written matches."""
        scored = {(sp.passage.id, span): (sp, score)
                  for sp in retrieval.passages for span, score in sp.best_sentences}
        found = []
        for passage in passages:
            for span in passage.sentences:
                if written.search(" ".join(passage.sentence_text(span).split())):
                    sp, score = scored.get((passage.id, span),
                                           (ScoredPassage(passage, 0.0), 0.0))
                    found.append((sp, span, score))
                    if len(found) == 2:
                        return found
        return found

    def _named_people(self, retrieval: Retrieval) -> list[Candidate]:
        """The sentences of the best-matching release that name people, in reading order."""
        scored = {
            (sp.passage.id, span): (sp, score)
            for sp in retrieval.passages
            for span, score in sp.best_sentences
        }
        slug = retrieval.passages[0].passage.doc_slug
        named = []
        for passage in self.corpus.passages_of(slug):
            for span in passage.sentences:
                if people(passage.sentence_text(span)):
                    sp, score = scored.get((passage.id, span), (ScoredPassage(passage, 0.0), 0.0))
                    named.append((sp, span, score))
        return named[:MAX_NAMED_SENTENCES]


def _complete(candidates: list[Candidate], query_stems: set[str], limit: int):
    """The best sentence, then sentences that add question words it does not cover (or
    continue it) while they score close enough, and the sentence after it when that one
    points back to it ("One of these priorities is …")."""
    best = candidates[0]
    chosen = [best]
    covered = query_stems & set(content_stems(best[0].passage.sentence_text(best[1])))
    for cand in candidates[1:]:
        if len(chosen) >= limit:
            break
        # Closeness is by how well the sentences match the question, not by the bonus
        # for holding the kind of fact asked (which only picks the best sentence).
        if _matched(cand) < COMPLEMENT_RATIO * _matched(best):
            continue
        found = query_stems & set(content_stems(cand[0].passage.sentence_text(cand[1])))
        continues = _adjacent(best, cand) and cand[2] >= SECOND_SENTENCE_RATIO * best[2]
        if found - covered or continues:
            chosen.append(cand)
            covered |= found
    follower = _follower(best, candidates)
    if follower and len(chosen) < limit and follower not in chosen:
        chosen.append(follower)
    return chosen


def _matched(candidate: Candidate) -> float:
    """How well a candidate sentence matches the question, before any kind bonus."""
    sp, span, score = candidate
    return dict(sp.best_sentences).get(span, score)


def _follower(best: Candidate, candidates: list[Candidate]):
    """The sentence right after the best one when the best one announces a list ("…
    in three coastal states:"), or when it points back to it and matches the
    question fairly well: it says what the best sentence announces."""
    spans = list(best[0].passage.sentences)
    index = spans.index(best[1])
    if index + 1 >= len(spans):
        return None
    if best[0].passage.sentence_text(best[1]).rstrip().endswith(":"):
        # A sentence announcing a list ("… in three coastal states:") is read with it.
        return _candidate_at(best[0], spans[index + 1], candidates)
    if not POINTS_BACK.search(best[0].passage.sentence_text(spans[index + 1])):
        return None
    # It is read with the sentence it points back to, as a reader reads it: its match
    # is the mean of both.
    return next(
        (
            c for c in candidates
            if c[0].passage.id == best[0].passage.id and c[1] == spans[index + 1]
            and (_matched(c) + _matched(best)) / 2 >= FOLLOWER_RATIO * _matched(best)
        ),
        None,
    )


# A list written out: "A, B and C", items after a colon or semicolon, a bullet.
_LIST = re.compile(r"[:;]\s*\S|\w[\w'’-]*(?: [\w'’-]+){0,5}, [\w'’-]+(?: [\w'’-]+){0,5},? and "
                   r"|^\s*[-•*]\s", re.MULTILINE)


def _lists(text: str, asked: str) -> bool:
    """Whether text names several things: two names the question does not give, a
    list written out ("A, B and C", items after a colon, a bullet), or two things
    joined by "and" ("organised crime and the use of AI"; not "serious and organised")."""
    named = {f.text for f in new_facts("name", text, asked)}
    if len(named) >= 2 or _LIST.search(text):
        return True
    tokens = list(tagged(text))
    return any(t.lower_ == "and" and 0 < t.i < len(tokens) - 1
               and tokens[t.i - 1].pos_ in ("NOUN", "PROPN")
               and tokens[t.i + 1].pos_ in ("DET", "NOUN", "PROPN") for t in tokens)


def _only_counted(noun: str, texts: list[str]) -> bool:
    """Whether the texts count the asked-for things ("14 member states", "five key
    files") without naming them: no list follows the count in its sentence, neither
    a colon or bullet before the next verb ("five member states, in order: - …"; not
    "33 ports, and called for: …") nor names joined by commas or "and" ("three ports
    joined: Riga, Tallinn and Klaipeda", "14 states, including Malta and Cyprus")."""
    noun_stem = stem(noun) if noun else ""
    counted = False
    for text in texts:
        tokens = list(tagged(text))
        for t in tokens:
            if stem(t.lower_) != noun_stem or not any(
                    b.like_num or b.pos_ == "NUM" for b in tokens[max(0, t.i - 3):t.i]):
                continue
            after = tokens[t.i + 1:]
            before_verb = []
            for u in after:
                if u.pos_ in ("VERB", "AUX"):
                    break
                before_verb.append(u)
            if any(u.text in (":", ";", "(", "-", "•") for u in before_verb) or any(
                    a.pos_ == "PROPN" and b.lower_ in (",", "and")
                    and (c.pos_ == "PROPN" or c.lower_ == "and")
                    for a, b, c in zip(after, after[1:], after[2:])):
                return False
            counted = True
    return counted


def _quoted_by(chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """The quotation each chosen attribution line attributes (its last QUOTE_SENTENCES
    sentences), when not chosen already: who said it is read with what was said."""
    have = {(c[0].passage.id, c[1]) for c in chosen}
    added = []
    for sp, span, _ in chosen:
        if span != _attribution(sp.passage):
            continue
        spans = list(sp.passage.sentences)
        for quote in spans[:-1][-QUOTE_SENTENCES:]:
            if (sp.passage.id, quote) not in have:
                have.add((sp.passage.id, quote))
                added.append(_candidate_at(sp, quote, candidates))
    return added


_COUNTED_POS = frozenset(("NOUN", "PROPN", "ADJ", "NUM", "CCONJ"))
COUNTED_WORDS = 6  # the longest noun phrase read after a number


def _owned_nouns(text: str) -> list[tuple[str, str, bool]]:
    """(owner, noun, whether the owner leads) for each common noun right after a capitalised word
    or an owner's "'s" ("Greek ports", "the EU's territory"), for each followed by
    "for" or "of" and a noun ("the quota for sugar": the last noun of the phrase), and
    for each followed by "in" and a name ("schools in the EU"). A
    sentence's first word is capitalised anyway, so it names nothing."""
    tokens = list(tagged(text))
    pairs = []
    for token in tokens:
        if token.pos_ != "NOUN":
            continue
        if token.i > 0:
            owner = tokens[token.i - 1]
            if owner.tag_ == "POS" and owner.i > 0:
                owner = tokens[owner.i - 1]
            opens = owner.i == 0 or tokens[owner.i - 1].text in ".?!:;\n"
            if owner.text[:1].isupper() and owner.pos_ in ("PROPN", "ADJ", "NOUN") \
                    and not (opens and not owner.text.isupper()):
                pairs.append((owner.text, token.text, True))
        following = tokens[token.i + 1:token.i + 2]
        if following and following[0].lower_ in ("for", "of"):
            last = None
            for later in tokens[token.i + 2:]:
                if _CURRENCY.fullmatch(later.text) and later.i + 1 < len(tokens) \
                        and tokens[later.i + 1].like_num:  # ("a budget of EUR 40 million")
                    break
                if later.pos_ in ("NOUN", "PROPN"):
                    last = later
                elif not (later.pos_ in ("DET", "ADJ", "NUM") or later.text == "-") \
                        or last is not None and later.text != "-":
                    break
            if last is not None:
                pairs.append((last.text, token.text, False))
        elif following and following[0].lower_ == "in":  # "schools in the EU"
            name = []
            for later in tokens[token.i + 2:]:  # (its last word: "the European *Parliament*")
                if later.pos_ == "DET" and not name:
                    continue
                if later.pos_ != "PROPN" or not later.text[:1].isupper():
                    break
                name.append(later)
            if name:
                pairs.append((name[-1].text, token.text, False))
    return pairs


def _owned(owner: str, noun: str, leads: bool) -> str:
    """The thing as a reason writes it: "Greek ports", "Bari port" (for "the port of
    Bari"), "quota for poultry"."""
    return f"{owner} {noun}" if leads or owner[:1].isupper() else f"{noun} for {owner}"


# Months as written in full or short ("March", "Mar", "Sept").
_MONTH_NAMES = frozenset([*MONTHS, *(m[:3] for m in MONTHS), "sept"])


def _says_day(date: str) -> bool:
    """Whether a date names a day: a day of the month beside a month ("11 Mar 2031"),
    a weekday, or a date in figures ("01/04/2031", "2031-04-01")."""
    lowered = date.lower()
    return bool(set(words(lowered)) & set(WEEKDAYS)) or bool(
        re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", lowered)
        and set(words(lowered)) & _MONTH_NAMES) or bool(
        re.search(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{4}-\d{1,2}-\d{1,2}\b", lowered))


def _whole_name(text: str, name: str) -> str:
    """The name with the capitalised words and "for", "of" or "on" that open it in text,
    which the entity model may leave out ("European Board for *Media Services*")."""
    opened = re.search(r"((?:[A-Z][\w'-]*\s+)+(?:for|of|on)\s+(?:the\s+)?)" + re.escape(name),
                       text)
    return opened.group(0) if opened else name


def _head(name: str) -> str:
    """The stem of the word a name's body goes by: its last word, or the last before
    "for", "of" or "on" ("the *Board* for Media Services")."""
    named = re.split(r"\s+(?:for|of|on)\s+", name, maxsplit=1)[0]
    return stem(words(named)[-1]) if words(named) else ""


# Words that count people in general: what else the question says of them says which.
_PEOPLE = frozenset("people persons individuals".split())
# A verb that gives a count as its object or complement, right before the number
# ("will reach 430", "totalled 12", "stood at 80", "rose to 95"), not "a team of 12".
_COUNTING_VERB = re.compile(
    r"\b(?:reach\w*|total\w*|number\w*|count\w*|amount\w*|is|are|was|were|be|been"
    r"|stand|stood|stands|rise|rose|risen|rises|grow|grew|grown|grows|fell|fall\w*"
    r"|increas\w*|decreas\w*|drop\w*|climb\w*)(?:\s+from(?:\s+[\d.,\s]+?)?)?(?:\s+(?:at|to|by))?"
    r"(?:\s+(?:about|around|some|nearly|almost|over|more\s+than|fewer\s+than"
    r"|less\s+than))?\s*$", re.I)
# Where a clause before a number starts: a comma, a semicolon, a colon or a bracket.
_CLAUSE_BREAK = re.compile(r"[,;:()]")


def _counted_phrase(text: str, fact) -> str:
    """The noun phrase of a number: what it counts ("85 unannounced and joint
    *patrols*", "more than 40 fish *farms*", "400 *tonnes of cocaine*"): the
    nouns within the fact and up to COUNTED_WORDS words after it."""
    phrase, after = [], 0
    for token in tagged(text):
        if token.idx < fact.start:
            continue
        if token.idx < fact.end:  # "400 tonnes": the model's quantity holds its unit
            if token.pos_ in ("NOUN", "PROPN") and not token.like_num:
                phrase.append(token.text)
            continue
        if token.text == "-" and not token.whitespace_:  # "low-value parcels"
            continue
        if not (token.pos_ in _COUNTED_POS or token.lower_ == "of") or after == COUNTED_WORDS:
            break
        phrase.append(token.text)
        after += 1
    return " ".join(phrase)


# Verbs of speaking: "Who said …?" is answered by a quotation, whatever its verbs.
_SPEAKING = re.compile(
    r"^(?:say|said|says|spoke|speak|talk|call|stress|warn|describ|argu|tell|told|note|add"
    r"|underlin|insist|emphasi|quot|stat|declar|comment|remark|explain|mention)", re.I)


def _asked_action(question: str) -> str:
    """The verb a "who" question asks about ("Who *chaired* the meeting?"), lowercase;
    "" when it asks who spoke, who someone is, or is no "who" question."""
    tokens = [t for t in tagged(question) if not t.is_punct]
    start = next((n for n, t in enumerate(tokens) if t.lower_ in ("who", "whom")), None)
    if start is None:
        return ""
    verb = next((t for t in tokens[start + 1:] if t.pos_ == "VERB"), None)
    if verb is None or _SPEAKING.match(verb.lower_):
        return ""
    at = tokens.index(verb)
    following = tokens[at + 1] if at + 1 < len(tokens) else None
    if following is not None and following.pos_ == "NOUN":
        return ""  # "who took part": the verb alone is not the action
    return verb.lower_


# Entity labels of names whose sort can be told: a place, or a body named by several
# words whose last one says what it is ("the Ukraine Assistance Fund": a fund).
_SORTED_LABELS = frozenset({"GPE", "ORG", "FAC", "LAW", "PRODUCT", "EVENT"})
# Entity labels of named bodies whose figures are asked (a body, a building, a product).
_BODY_LABELS = frozenset({"ORG", "FAC", "PRODUCT", "EVENT"})


def _sort(fact) -> str:
    """The stem of a name's last word: what sort of thing it names."""
    named = [w for w in words(fact.text) if w not in STOPWORDS]
    return stem(named[-1]) if named else ""


def _names_there(named: list[str], place: bool, said: list[str], places: set[str]) -> bool:
    """Whether a text (its stems said, the stems of its places) names what the stems
    named do: in full, or a one-word place by a word of its stem ("Ukrainian refugees"
    name Ukraine)."""
    return _within(named, said) or place and len(named) == 1 and any(
        _same_stem(w, named[0], places) for w in said)


def _same_stem(word: str, name: str, places: set[str]) -> bool:
    """Whether a place's one-word name (a stem) and a word of the evidence (a stem)
    name one place: "Ukrainian" names Ukraine, and "Ukraine", a place of the evidence,
    is what "Ukrainian wheat" is of (not "ports" of Portugal)."""
    return word.startswith(name) or word in places and len(word) >= 4 \
        and name.startswith(word)


def _place_words(text: str) -> set[str]:
    """The stems of the words of the places and nationalities text names."""
    return {stem(w) for f in find_facts(text) if f.label in ("GPE", "LOC", "NORP")
            for w in words(f.text)}


def _bare(name: str) -> str:
    """A name without its article, to stand inside a sentence ("The Fund" -> "Fund")."""
    return re.sub(r"^(?:the|The)\s+", "", name)


def _within(phrase: list[str], text: list[str]) -> bool:
    """Whether the words of phrase stand together, in order, in text (both stemmed)."""
    n = len(phrase)
    return any(text[i:i + n] == phrase for i in range(len(text) - n + 1))


def _label_of(written: str, text: str) -> str:
    """The entity label of the fact of text that holds a written number ("EUR 900" in
    "set at EUR 900" is MONEY); CARDINAL when none does."""
    number = re.compile(rf"(?<![\d.,]){re.escape(written)}(?![\d.,]*\d)")
    return next((f.label for f in find_facts(text) if number.search(f.text)), "CARDINAL")


# What stands before a place that says where: a locative preposition, or a comma (a
# title line or dateline: "Council, Brussels, 24 November"); not "against", "on",
# "with", which make it a topic ("the war against Ukraine").
_LOCATED = re.compile(r"(?:\b(?:in|at|near|outside|inside|from|to|into|across|of)\s+(?:the\s+)?"
                      r"|,\s*|^\s*)$", re.I)


_AFTER_PREPOSITION = re.compile(r"\b(?:in|at|near|from|to|into|of)\s+(?:the\s+)?$", re.I)


def _located(text: str, fact) -> bool:
    """Whether a place stands where a location is said (see _LOCATED)."""
    return bool(_LOCATED.search(text[:fact.start]))


def _acts(text: str, fact) -> bool:
    """Whether a place is the one acting, its verb right after it ("Ireland *proposed* an
    exercise"): a country that speaks or asks, not where something happens."""
    if _AFTER_PREPOSITION.search(text, max(0, fact.start - 12), fact.start):
        return False  # "the meeting in Riga was chaired …": Riga is where
    following = next((t for t in tagged(text) if t.idx >= fact.end), None)
    return following is not None and following.pos_ in ("VERB", "AUX") \
        and following.tag_ in ("VBD", "VBZ", "VBP", "MD")


def _describing(question: str) -> list[str]:
    """The words a question describes people by: adjectives, names and nationalities,
    participles and nouns before a noun ("wounded", "Ukraine", "drone" of "drone
    flyers"), not the other nouns it speaks of ("villages")."""
    tokens = list(tagged(question))
    return [t.lower_ for t in tokens if t.is_alpha and t.lower_ not in STOPWORDS and (
        t.pos_ in ("ADJ", "PROPN")
        or t.pos_ in ("NOUN", "VERB") and t.i + 1 < len(tokens)
        and tokens[t.i + 1].pos_ == "NOUN")]


def _before_verb(phrase: str) -> str:
    """The words of a phrase before its first verb: what "how many" counts ("countries
    contribute troops" counts countries, not troops); a participle before a noun
    describes it ("wounded people")."""
    tokens = list(tagged(phrase))
    for token in tokens:
        # (not after a noun, adverbs aside: "countries also *sent* troops" is a verb)
        earlier = next((t for t in reversed(tokens[:token.i]) if t.pos_ != "ADV"), None)
        describes = token.tag_ in ("VBN", "VBG", "VBD") and token.i + 1 < len(tokens) \
            and tokens[token.i + 1].pos_ == "NOUN" \
            and (earlier is None or earlier.pos_ in ("DET", "ADJ", "CCONJ", "NUM", "PUNCT"))
        if token.pos_ in ("VERB", "AUX") and token.i > 0 and not describes:
            return phrase[:token.idx]
    return phrase


def _inside_name(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands between other capitalised words of one name."""
    before = re.search(r"([A-Z][\w'-]*)\s+$", text[:start])
    after = re.match(r"\s+([A-Z][\w'-]*)", text[end:])
    return any(m and m.group(1).lower() not in STOPWORDS for m in (before, after))


def _reason_after(best: Candidate, candidates: list[Candidate]) -> list[Candidate]:
    """The sentence right after the best one (as a list of none or one) when it gives a
    cause ("Prices rose by 12%. Higher gas costs weighed on producers.")."""
    spans = list(best[0].passage.sentences)
    index = spans.index(best[1]) if best[1] in spans else len(spans)
    if index + 1 >= len(spans):
        return []
    following = best[0].passage.sentence_text(spans[index + 1])
    if not (_BECAUSE.search(following) or _CAUSAL_VERB.search(following)):
        return []
    return [_candidate_at(best[0], spans[index + 1], candidates)]


def _candidate_at(sp: ScoredPassage, span: Span, candidates: list[Candidate]) -> Candidate:
    """The candidate for a sentence of a retrieved passage, scored 0 when unscored."""
    return next((c for c in candidates if c[0].passage.id == sp.passage.id and c[1] == span),
                (sp, span, 0.0))


def _dated(chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """The sentence after each chosen dateline written as a sentence of its own
    ("Bergen, 11 March 2031."): the lead it dates, which says what happened."""
    added = []
    for sp, span, _ in chosen:
        lead = lead_spans(sp.passage)
        if not sp.passage.id.endswith("#head") and len(lead) > 1 and span == lead[0]:
            added.append(_candidate_at(sp, lead[1], candidates))
    return added


def _attributing(chosen: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """The attribution line of each chosen sentence's passage, when it has one (a
    quotation it attributes) and it is not chosen yet."""
    have = {(c[0].passage.id, c[1]) for c in chosen}
    added = []
    for sp, _, _ in chosen:
        line = _attribution(sp.passage)
        if line is not None and (sp.passage.id, line) not in have:
            have.add((sp.passage.id, line))
            added.append(_candidate_at(sp, line, candidates))
    return added


def _topic_heading(cand: Candidate) -> bool:
    """Whether a candidate is the last of its release's opening lines, the heading of
    the first paragraph, and says no date, number or place: a topic, not a title."""
    sp, span, _ = cand
    spans = list(sp.passage.sentences)
    return sp.passage.id.endswith("#head") and len(spans) > 1 and span == spans[-1] \
        and not any(f.is_kind("date") or f.is_kind("place") or f.is_kind("count")
                    for f in find_facts(sp.passage.sentence_text(span)))


def _with_quotation(sp, span: Span, chosen: list[Candidate]) -> str:
    """A sentence's text, and when it is an attribution line, the chosen sentences of
    the quotation it attributes: what a speaker said is in those, not in the line."""
    if span != _attribution(sp.passage):
        return sp.passage.sentence_text(span)
    return " ".join(c[0].passage.sentence_text(c[1]) for c in chosen
                    if c[0].passage.id == sp.passage.id)


def _attribution(passage) -> Span | None:
    """The line naming who spoke, when the passage is a quotation followed by it (the
    corpus keeps such a line in its quotation's passage)."""
    spans = list(passage.sentences)
    if len(spans) > 1 and closes_quotation(passage.sentence_text(spans[-2])):
        return spans[-1]
    return None


# What a question calls the meeting, or those who met, as the subject of its verb.
_MEETING_SUBJECTS = frozenset(
    "meeting meetings council councils session sessions ministers minister delegations"
    " presidency states participants delegates they it we".split())
# Where and when a release's title says: where and when its meeting took place.
HEADER_KINDS = ("place", "date", "time")
# Nouns that ask for a share ("what proportion …?"), which a percentage gives.
SHARE_NOUNS = frozenset("percentage percentages share proportion fraction".split())
# The kinds of fact that are figures or dates: what a passage must give of a named place.
FIGURE_KINDS = frozenset(("amount", "count", "measure", "date", "time", "duration"))


def _about_meeting(question: str) -> bool:
    """Whether a where/when question asks about the meeting or what those who met did
    ("Where did ministers agree …?", "Where was it held?"), not about something else
    the release reports ("Where is the agency based?") or what is still to come ("the
    next meeting"): the subject between the first auxiliary and the next verb names
    it. A question whose subject is what it asks for ("Which town hosted …?") is about
    the meeting when what follows its verb names it ("… hosted the meeting?", not "…
    hosted the most refugees?"). True when neither is found."""
    if _FUTURE.search(question):  # "the next meeting", "where will it be held"
        return False
    tokens = [t for t in tagged(question) if not t.is_punct]
    start = next((n for n, t in enumerate(tokens) if t.pos_ == "AUX"), None)
    if start is None:
        verb = next((n for n, t in enumerate(tokens) if t.pos_ == "VERB"), None)
        after = [t.lower_ for t in tokens[verb + 1:]] if verb is not None else []
        return not after or any(w in _MEETING_SUBJECTS for w in after)
    subject = []
    for token in tokens[start + 1:]:
        if token.pos_ in ("VERB", "AUX"):
            break
        subject.append(token.lower_)
    return not subject or any(w in _MEETING_SUBJECTS for w in subject)


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


# A year asked as the period of a fact ("the budget for 2031", "the first quarter of
# 2031"), not the meeting's ("in 2031", "the 2031 Council").
_PERIOD_YEAR = re.compile(
    r"\b(?:for|during|of)\s+((?:19|20)\d\d)\b(?!\s+(?:[A-Z]|meeting|council|session|summit))")
_IN_YEAR = re.compile(
    r"\bin\s+((?:19|20)\d\d)\b(?!\s+(?:[A-Z]|meeting|council|session|summit))")
# A year a figure is compared with ("7% less than in 2030", "up from 35 000 in 2030"),
# and, as a baseline, one it is counted since ("since 2030"). "More than 12 million …
# in 2030" bounds a figure of 2030: "than" before a number compares no year.
_COMPARING = (r"compared (?:with|to)|than(?!\s+(?:EUR|USD|GBP|€|\$|£)?\s?(?!(?:19|20)\d\d\b)\d"
              r"|\s+(?:half|a (?:third|quarter)|(?:one|two|three|four|five|six|seven|eight"
              r"|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|a) (?:hundred|thousand"
              r"|million|billion)\b))"
              r"|(?:up|down|rise|fall|increase|decrease|drop)\s+from")
_COMPARED_YEAR = re.compile(rf"\b(?:{_COMPARING})\b[^.;]{{0,40}}?\b(?:19|20)\d\d\b", re.I)
_BASELINE_YEAR = re.compile(rf"\b(?:{_COMPARING}|since)\b[^.;]{{0,40}}?\b(?:19|20)\d\d\b",
                            re.I)


def _other_years(question: str, quoted: str, titles: str, figure: bool = False):
    """(years asked, years stated) when the question asks about a year that the quoted
    sentences and their releases' titles never name while they name another: figures
    for 2025 do not answer "how many … in 2024?". A question asking for a figure
    (figure) asks for that of the year it names "in" ("how many … in 2031?"). None for
    a yes/no question, where a year stated otherwise is a premise to correct."""
    if is_yes_no(question):
        return None
    question = _without_premise(question)
    asked = sorted({y for y in _YEAR.findall(question)})
    # A year the fact is asked for ("the budget for 2026"), not the meeting's ("the
    # June 2026 Council"), must be in the quoted sentences, not only in a title.
    period = {m.group(1) for m in _PERIOD_YEAR.finditer(question)}
    if figure:  # "how many … in 2031?": the year of the figure (not "the meeting in 2031")
        period |= {m.group(1) for m in _IN_YEAR.finditer(question) if not re.search(
            r"\b(?:meeting|council|session|summit|conference)$", question[:m.start()].rstrip(),
            re.I)}
    # A year a figure is only compared with ("7% fewer than in 2026") gives no figure
    # of that year ("compared with 900 in 2026" does).
    given = _COMPARED_YEAR.sub(_with_figure, quoted)
    missing = [y for y in asked if y not in given and (y in period or y not in titles)
               and not (y in titles and re.search(r"\bthis year\b", quoted, re.I))]
    # A year a figure is compared with ("down 7% compared with 2026") is no period.
    stated = sorted(set(_YEAR.findall(_BASELINE_YEAR.sub(_unless_opening, quoted)))
                    - set(asked))
    # A period a sentence opens with ("Since 2029, the fee has been …") covers the
    # years after it: only a year before it is another.
    opening = [int(y) for y in re.findall(r"(?:^|[.!?:]\s+)since\b[^.;,]{0,30}?\b((?:19|20)\d\d)\b",
                                          quoted, re.I)]
    if opening and not any(int(y) > min(opening) for y in stated):  # (no later year)
        missing = [y for y in missing if int(y) < min(opening)]
    return (missing, stated) if missing and stated else None


# A figure asked or given for the start of something ("when it was launched",
# "initially"), and one given for now ("now", "so far").
_AT_START = re.compile(
    r"\b(?:when (?:it|they|the \w+(?: \w+)?) (?:was|were) (?:first )?(?:launched|created"
    r"|set up|started|founded|established|introduced)|initially|originally"
    r"|at first(?!\s+reading)|at (?:its|the) (?:launch|start|outset))\b", re.I)
# (a sentence may give the start figure as "launched in 2030 with 12 members")
_STARTED_WITH = re.compile(
    r"\b(?:launched|set up|created|founded|established|started)\b[^.;]{0,30}\bwith\s+\d", re.I)
# "now" said of a figure ("now brings together 41 ports"), not "has now adopted".
_NOW_WORDS = r"now|currently|so far|to date|at present"
_NOW = re.compile(rf"\b(?:{_NOW_WORDS})\b", re.I)
_NOW_FIGURE = re.compile(
    rf"\b(?:{_NOW_WORDS})\b(?:\W+\w+){{0,4}}?\W+\d"
    r"|\d[^.;]{0,30}?\b(?:so far|to date|at present)\b", re.I)


def _now_for_start(question: str, giving: list[str]) -> bool:
    """Whether a figure is asked for the start of something (and not for now) and
    every sentence that gives one gives it for now."""
    first_line = question.split("\n")[0]
    return bool(giving) and bool(_AT_START.search(first_line)) \
        and not _NOW.search(first_line) and all(
            _NOW_FIGURE.search(text) and not _AT_START.search(text)
            and not _STARTED_WITH.search(text) for text in giving)


# A question about what happened ("Did …", "What was decided …"), not what was planned
# or is to come ("was due to", "will").
_PAST_ASKED = re.compile(r"\b(?:did|was|were|has|have|had)\b", re.I)
_FOR_LATER = re.compile(r"\b(?:for|ahead of|towards|in view of)\b[^,;?]{0,40}$",
                        re.I)
_PLANNED = re.compile(r"\b(?:will|would|next|expected|planned|scheduled|due|set to|supposed"
                      r"|foreseen|meant|intended|to be)\b", re.I)

_WHY = re.compile(r"^\s*(?:[^,?]{1,60},\s*)?why\b", re.I)
# Words that give a cause and nothing else ("due to" may schedule: "due to start").
_BECAUSE = re.compile(r"\b(?:because|as a result|owing to|thanks to|caused by|driven by"
                      r"|reflect(?:s|ed|ing)|result(?:s|ed)? from)\b", re.I)
# Verbs that say what brought a change about ("higher costs weighed on producers").
_CAUSAL_VERB = re.compile(
    r"\b(?:weigh(?:s|ed|ing)? on|push(?:es|ed|ing)? (?:up|down)|drove|driv(?:e|es|ing)"
    r"|l(?:ed|ead|eads|eading) to|caus(?:e|es|ed|ing)|contribut(?:e|es|ed|ing) to"
    r"|explain(?:s|ed|ing)?|fuell?(?:ed|ing)|boost(?:ed|ing)|hamper(?:s|ed|ing)?"
    r"|h(?:eld|old|olds|olding) back|dampen(?:s|ed|ing)?|curb(?:s|ed|ing)?)\b", re.I)
# Words opening a clause that may say why ("as prices rose", "after the bridge closed").
_CAUSE_MARKS = frozenset("as since after because once".split())
# Words that give a cause or a purpose ("because", "due to", "pending", "with a view
# to"); a "to" before a verb may too ("set up to protect …").
_CAUSE = re.compile(
    r"\b(?:because|due to|owing to|as a result|results? (?:of|from)|resulted (?:in|from)"
    r"|caused by|driven by|thanks to|in order|so that|so as|with a view to|in view of"
    r"|in response to|reasons?|given (?:that|the)|pending|aim(?:s|ed|ing)? (?:to|at)"
    r"|purpose|amid|following|reflect\w*|therefore|thus|hence|in light of"
    # ("as energy prices doubled", "since the storm", not "such as", "as well as")
    r"|(?<!such )(?<!as well )(?<!so )as (?!well\b|part\b|of\b|from\b|such\b)"
    r"(?:the|a|an|it|they|he|she|this|these|those|there|its|their"
    r"|[a-z]+ (?:[a-z]+ )?(?:had|has|have|was|were|is|are))"
    r"|since (?:the|a|an|it|they|this|these|its|their) (?!start|beginning|end|launch)[a-z]+"
    r" (?:had|has|have|was|were|is|are|\w+ed)"
    r"|after (?:the|a|an|its|their) \w+ (?:had|has|have|was|were|\w+ed))\b", re.I)


_UP = re.compile(r"\b(?:ris(?:e|es|en|ing)|rose|grow\w*|grew|increas\w*|jump\w*|climb\w*"
                 r"|soar\w*|higher|more|up|doubl\w*|tripl\w*)\b", re.I)
_DOWN = re.compile(r"\b(?:fall\w*|fell|drop\w*|decreas\w*|declin\w*|fewer|less|lower\w*"
                   r"|cut|cuts|reduc\w*|down|plung\w*|shrank|shrink\w*|halv\w*)\b", re.I)
_FIGURE_FRAMES = frozenset("number share amount level rate total figure".split())


def _directions(text: str) -> set[str]:
    """Which ways a text says something changed: {"up"}, {"down"}, both or none."""
    return {way for way, pattern in (("up", _UP), ("down", _DOWN)) if pattern.search(text)}


def _restates_why(question: str, quoted: str, unmet: list[str], best: str = "") -> bool:
    """Whether a "why" question is met only by a restatement: the quoted sentences hold
    every word it asks (unmet: those whose stem they lack, which they may hold in
    another form, "rose" for "rise") and no word of cause or purpose (a "to" before a
    verb is one when it says what for, and a clause opened by "as", "since", "after"
    one when it says why, by the dependency parse). best: the sentence that answers
    best, whose change is the one asked about (the quoted ones when not given)."""
    if not _WHY.search(question) or _CAUSE.search(quoted) or _CAUSAL_VERB.search(quoted):
        return False
    tokens = parsed(quoted)
    if any(t.dep_ == "mark" and t.lower_ in _CAUSE_MARKS and t.head.dep_ == "advcl"
           for t in tokens):
        return False  # "fell as swine fever spread", "after the bridge was closed"
    # A change the question asks about that the best sentence says went the other way
    # ("why did it rise?" and "12% fewer") is a premise corrected, an answer.
    asked_ways, said_ways = _directions(question), _directions(best or quoted)
    if asked_ways and said_ways and not asked_ways & said_ways:
        return False
    if unmet:
        lemmas = {t.lemma_.lower() for t in tokens}
        asked = {t.lower_: t.lemma_.lower() for t in tagged(question)}
        # (a word of a change the sentences state the same way, "fall" for "fewer",
        # and a word that only frames a figure, "the number of", are met)
        if any(asked.get(w.lower(), w.lower()) not in lemmas
               and not (_directions(w) and _directions(w) <= said_ways)
               and asked.get(w.lower(), w.lower()) not in _FIGURE_FRAMES for w in unmet):
            return False
    # ("set up to protect …", "EUR 5 million to support …"; not "decided to postpone",
    # "asked the Commission to present": what was decided or asked for is no purpose)
    return not any(t.lower_ == "to" and t.i + 1 < len(tokens) and tokens[t.i + 1].tag_ == "VB"
                   and not _complement(tokens[t.i + 1]) for t in tokens)


_ASKING = frozenset("ask invite call urge request encourage".split())


def _complement(verb) -> bool:
    """Whether a to-verb completes the verb it depends on (by the dependency parse):
    right after it ("decided to postpone") or after a verb of asking ("asked the
    Commission to present")."""
    head = verb.head
    return verb.dep_ in ("xcomp", "ccomp") and head.pos_ in ("VERB", "AUX") and (
        head.i == verb.i - 2 or head.lemma_.lower() in _ASKING)


_ORDINAL_WORDS = {w: n for n, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
    " thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
    " twentieth".split(), start=1)}
_ONE_ORDINAL = rf"(?:\d{{1,3}}(?:st|nd|rd|th)|(?<![-\w])(?:{'|'.join(_ORDINAL_WORDS)}))"
# One of a series after a determiner ("the 12th cycle", "its first visit"), or several
# ("the first and second cycles"); not an adverb ("when they first met").
_ORDINAL = re.compile(
    rf"(?:\b(?:the|its|their|his|her|our|a|an|this|that|each|every)|'s)\s+"
    rf"({_ONE_ORDINAL}(?:(?:\s*,\s*|\s+(?:and|or)\s+){_ONE_ORDINAL})*)\s+([A-Za-z][\w-]*)",
    re.I)


def _ordinals(text: str) -> dict[tuple[int, str], str]:
    """(number, stem of the word after it) -> as written, of each ordinal before a
    word that is no joining word or month ("the 12th cycle", "the first quarter"; not
    "the 24th of January")."""
    found = {}
    for match in _ORDINAL.finditer(text):
        series, noun = match.groups()
        if noun.lower() in STOPWORDS or noun.lower() in _MONTH_NAMES:
            continue
        for one in re.findall(_ONE_ORDINAL, series, re.I):
            number = int(one[:-2]) if one[0].isdigit() else _ORDINAL_WORDS[one.lower()]
            found[(number, stem(noun.lower()))] = f"{one} {noun}"
    return found


def _other_ordinals(question: str, quoted: str, passages: str):
    """(ordinals asked, ordinals stated) when the question asks about one of a series
    ("the 12th cycle", "the first quarter") that the passages never name while the
    quoted sentences name another of it ("the 13th cycle"). None for a yes/no
    question, where another one stated corrects its premise."""
    if is_yes_no(question):
        return None
    named = _ordinals(passages)
    stated = _ordinals(quoted)
    asked = {key: written for key, written in _ordinals(question).items()
             if key not in named and any(noun == key[1] for _, noun in stated)}
    if not asked:
        return None
    nouns = {noun for _, noun in asked}
    return (sorted(asked.values()),
            sorted(written for (_, noun), written in stated.items() if noun in nouns))


# An opening clause that states a premise ("Since the fund opened in 2030, how many …?",
# "Given that the levy rose in 2030, what …?"), before the question's own words.
_PREMISE = re.compile(r"^\s*(?:since|given|because|although|now that)\b"
                      r"([^,?]{3,160}),\s*(?=[a-z]+\b)", re.I)
# A question that points back to the premise's time asks about it ("that year").
_BACK_TO_ITS_TIME = re.compile(r"\b(?:that|the same) (?:year|month|day|time)\b|\bsince then\b",
                          re.I)


def _without_premise(question: str) -> str:
    """The question without an opening clause that states a premise (one with a verb:
    "since 2030," gives the period asked about, not a premise), unless what follows
    points back to its time."""
    match = _PREMISE.match(question)
    if match and not _BACK_TO_ITS_TIME.search(question[match.end():]) and any(
            t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in tagged(match.group(1))):
        return question[match.end():]
    return question


def _with_figure(match: re.Match) -> str:
    """A comparison with a year kept when it gives a figure of its own ("compared with
    900 in 2026"), left out when not ("7% fewer than in 2026")."""
    return match.group(0) if re.search(r"\d", _YEAR.sub("", match.group(0))) else ""


def _unless_opening(match: re.Match) -> str:
    """A baseline year left out, but not one a sentence opens with ("Since May 2028,
    1 150 cases were reported": the period the figure covers)."""
    opens = match.group(0)[:5].lower() == "since" and (
        not match.string[:match.start()].strip()
        or match.string[:match.start()].rstrip()[-1] in ".!?:")
    return match.group(0) if opens else ""


def _date_clause(text: str, fact) -> str:
    """The words of a date's clause before it (from the last comma, semicolon, colon or
    bracket)."""
    return _CLAUSE_BREAK.split(text[:fact.start])[-1]


def _other_end(question: str, clause: str) -> bool:
    """Whether a question asks when something starts and the date's clause says it ends
    ("until", "ending on"), or asks when it ends and the clause says it starts ("from",
    "will start … on"); a clause that says both, or neither, may answer."""
    starts, ends = bool(_STARTS.search(clause)), bool(_ENDS.search(clause))
    if starts == ends:
        return False
    start_asked, end_asked = bool(_START_ASKED.search(question)), bool(_END_ASKED.search(question))
    return start_asked != end_asked and (start_asked and ends or end_asked and starts)


def _weekday(date: str) -> bool:
    """Whether a date is only a day of the week ("Friday", "on Monday and Tuesday")."""
    named = [w for w in words(date) if w not in STOPWORDS]
    return bool(named) and all(w in WEEKDAYS for w in named)


def _adjacent(a: Candidate, b: Candidate) -> bool:
    """Same passage, neighbouring sentences: a second sentence that continues the first."""
    if a[0].passage.id != b[0].passage.id:
        return False
    spans = list(a[0].passage.sentences)
    return abs(spans.index(a[1]) - spans.index(b[1])) == 1
