"""Question -> ranked passages: dense (Chroma) and BM25, fused by reciprocal rank."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .corpus import Corpus
from .embedding import Embedder
from .facts import MONTHS, WEEKDAYS, find_facts, spell_out, tagged
from .index import PassageIndex, sentence_key
from .tables import CorpusTables
from .text import STOPWORDS, content_stems, content_words, stem, words
from .types import ScoredPassage, Span

RRF_K = 60  # the usual reciprocal-rank-fusion constant
CANDIDATES = 20  # how deep each ranking looks before fusion
LEXICAL_WEIGHT = 0.3  # share of word overlap in a sentence's score
HEADING_SHARE = 0.5  # what a query word counts for when only a sentence's heading has it
EXACT_SEARCH = 2000  # passages: a release filter this small is searched here, exactly
TERM_SIMILARITY = 0.55  # a word the corpus never uses stands for its nearest corpus word above this


@dataclass
class Retrieval:
    """The ranked passages for one query, and the query's vector (reused downstream)."""

    query: str
    vector: np.ndarray
    passages: list[ScoredPassage]
    # Query words the corpus never uses -> (nearest corpus word, cosine similarity).
    near_terms: dict[str, tuple[str, float]] = field(default_factory=dict)
    started: float = 0.0  # time.monotonic() when the question was asked (its time budget)
    # The releases a question compares ("between the March and June meetings"): the
    # answer draws on each of them.
    compared: list[str] = field(default_factory=list)
    # The meetings it compares, each as the releases it may be (one list per meeting).
    meetings: list[list[str]] = field(default_factory=list)


class Retriever:
    """Hybrid search over one corpus: Chroma for vectors, the corpus tables for words."""

    def __init__(self, corpus: Corpus, index: PassageIndex, embedder: Embedder, top_k: int,
                 tables: CorpusTables):
        self.corpus = corpus
        self.index = index
        self.embedder = embedder
        self.top_k = top_k
        self._lexical = tables.lexical
        self._idf = tables.idf
        self._vocabulary = tables.vocabulary  # the words whose vectors are stored
        self._corpus_stems = tables.stems
        self._initials = tables.initials
        # The versions this corpus holds: while a reload writes newer ones, this
        # retriever still reads its own.
        self._fingerprints = {d.slug: d.fingerprint for d in corpus.documents}

    def retrieve(self, query: str, focus: str = "", releases: list[str] | None = None,
                 compared: list[str] | None = None) -> Retrieval:
        """Fuse dense passage, dense sentence and BM25 rankings; score sentences.
        focus: a follow-up's own words when the query adds earlier turns' words to
        them; sentences are then scored against both, so the topic borrowed from the
        history finds the passages and the question itself picks the sentence.
        releases: only passages of these document slugs (all when None).
        compared: releases the question compares; the best passage of each is kept."""
        query = spell_out(query, self._initials, self._vocabulary)
        focus = spell_out(focus, self._initials, self._vocabulary)
        focused = bool(focus) and focus != query
        # Question words with no stored vector are embedded with the question, in one
        # encoder call: the nearest-word look-up and the answerability stage reuse them.
        fresh = [w for w in dict.fromkeys(content_words(f"{query} {focus}"))
                 if w not in self._vocabulary]
        vectors = self.embedder.many([query, *([focus] if focused else []), *fresh])
        vector, focus_vector = vectors[0], vectors[1 if focused else 0]
        self.index.remember_terms(fresh, vectors[len(vectors) - len(fresh):])
        depth = min(CANDIDATES, len(self._lexical.ids))
        dense, sentence_hits = self._dense(vector, depth, releases)
        unseen = [w for w in content_words(query) if stem(w) not in self._corpus_stems]
        near = self.index.nearest_terms(unseen) if unseen else {}
        # Word matching only sees the corpus's own words: "overhaul" searches as "reform".
        stand_ins = {
            word: term for word, (term, similarity) in near.items() if similarity >= TERM_SIMILARITY
        }
        lexical_query = " ".join([query, *stand_ins.values()])
        bm25 = self._lexical.search(lexical_query, depth, releases)

        by_sentence: list[tuple[str, float]] = []
        for key, similarity in sentence_hits:
            passage_id = key.rsplit(".s", 1)[0]
            if passage_id not in dict(by_sentence):
                by_sentence.append((passage_id, similarity))

        fused: dict[str, float] = {}
        for ranking in (dense, by_sentence, bm25):
            for rank, (passage_id, _) in enumerate(ranking, 1):
                fused[passage_id] = fused.get(passage_id, 0.0) + 1.0 / (RRF_K + rank)
        dense_score, bm25_score = dict(dense), dict(bm25)
        ranked = sorted(fused, key=fused.get, reverse=True)
        kept = ranked[: self.top_k]
        for slug in compared or []:  # the best body passage of each compared release
            if not any(pid.split("#")[0] == slug for pid in kept):
                kept += [pid for pid in ranked
                         if pid.split("#")[0] == slug and not pid.endswith("#head")][:1]
        if len(compared or []) > 1:
            kept += [pid for pid in self._on_topic(lexical_query, compared, releases)
                     if pid not in kept]
        ranked = kept
        passages = [
            ScoredPassage(
                passage=self.corpus.passage(pid),
                score=fused.get(pid, 0.0),  # (one found on the topic alone may be unranked)
                dense=dense_score.get(pid, 0.0),
                bm25=bm25_score.get(pid, 0.0),
            )
            for pid in ranked
            if self.corpus.has_passage(pid)
        ]
        self._score_sentences(_replaced(query, stand_ins), vector, passages)
        if focused:
            on_topic = {id(sp): dict(sp.best_sentences) for sp in passages}
            self._score_sentences(_replaced(focus, stand_ins), focus_vector, passages)
            for sp in passages:
                both = [
                    (span, (on_topic[id(sp)][span] + score) / 2)
                    for span, score in sp.best_sentences
                ]
                sp.best_sentences = sorted(both, key=lambda item: item[1], reverse=True)
        return Retrieval(query, vector, passages, near, compared=list(compared or []))

    def _on_topic(self, query: str, compared: list[str], releases) -> list[str]:
        """The best body passage of each compared release by the words of the topic
        alone: the query without the words that name the meetings (their title lines),
        which would otherwise find each release's opening lines."""
        naming = {stem(w) for slug in compared for p in self.corpus.passages_of(slug)
                  if p.id.endswith("#head") for w in words(p.text)}
        topic = " ".join(w for w in content_words(query) if stem(w) not in naming)
        if not topic:
            return []
        found = []
        for slug in compared:
            if releases is None or slug in releases:
                hits = self._lexical.search(topic, 5, [slug])
                found += [pid for pid, _ in hits if not pid.endswith("#head")][:1]
        return found

    def _dense(self, vector, depth: int, releases) -> tuple[list, list]:
        """Nearest passages and sentences. Within a few releases they are ranked here,
        exactly, from their stored vectors: Chroma's own filter scans its metadata and
        costs more than the whole search."""
        if not releases or self._lexical.count(releases) > EXACT_SEARCH:
            return (self.index.search_passages(vector, depth, releases, self._fingerprints),
                    self.index.search_sentences(vector, depth * 3, releases,
                                                self._fingerprints))
        chosen = [p for s in releases for p in self.corpus.passages_of(s)]
        keys = [sentence_key(p, n) for p in chosen for n in range(1, len(p.sentences) + 1)]
        return (_nearest(vector, self.index.passage_vectors([p.id for p in chosen],
                                                            self._fingerprints), depth),
                _nearest(vector, self.index.sentence_vectors(keys, self._fingerprints),
                         depth * 3))

    def _score_sentences(self, query: str, vector, passages: list[ScoredPassage]) -> None:
        keys = [
            sentence_key(sp.passage, n)
            for sp in passages
            for n in range(1, len(sp.passage.sentences) + 1)
        ]
        vectors = self.index.sentence_vectors(keys, self._fingerprints)
        query_stems = set(content_stems(query))
        for sp in passages:
            scored: list[tuple[Span, float]] = []
            heading = self._topic_heading(sp.passage)
            for n, span in enumerate(sp.passage.sentences, 1):
                stored = vectors.get(sentence_key(sp.passage, n))
                similarity = cosine(vector, stored) if stored is not None else 0.0
                overlap = self._overlap(query_stems, sp.passage.sentence_text(span), heading)
                score = (1 - LEXICAL_WEIGHT) * similarity + LEXICAL_WEIGHT * overlap
                scored.append((span, score))
            sp.best_sentences = sorted(scored, key=lambda item: item[1], reverse=True)


    def _topic_heading(self, passage) -> str:
        """The heading a passage sits under, which says what each sentence under it is
        about ("Artificial intelligence" over "progress on the digital omnibus"); not a
        title line of its release, which every opening sentence would share."""
        head = f"{passage.doc_slug}#head"
        titles = self.corpus.passage(head).text if self.corpus.has_passage(head) else ""
        if passage.section in titles or passage.section == passage.doc_title:
            return ""
        return passage.section

    def _overlap(self, query_stems: set[str], sentence: str, heading: str = "") -> float:
        """Share of the query's words found in the sentence, rare words weighing more;
        a word found only in the heading above it counts half (it says what the
        sentence is about, not what it says)."""
        if not query_stems:
            return 0.0
        # Words the corpus never uses count as common: they cannot be matched anyway.
        weight = {s: self._idf.get(s, 1.0) for s in query_stems}
        found = query_stems & set(content_stems(sentence))
        above = (query_stems & set(content_stems(heading))) - found
        return (sum(weight[s] for s in found) + HEADING_SHARE * sum(weight[s] for s in above)) \
            / sum(weight.values())


_DATE_LABELS = {"DATE"}
_PLACE_LABELS = {"GPE", "LOC", "FAC"}
# A month and a place may name one meeting ("the June Council held in Riga"); with
# these words they name two ("what did the June meeting and the Riga one each say").
_COMPARES = re.compile(r"\b(each|both|between|compar\w*|differ\w*|versus|whereas)\b", re.I)
# The small entity model takes some towns for organisations or people ("Limassol").
_ONE_WORD_PLACES = {"ORG", "PERSON"}


def named_releases(question: str, headers: dict[str, set[str]],
                   descriptions: dict[str, set[str]] | None = None) -> list[str] | None:
    """The releases a question names by their meeting's date or place ("at the April
    2031 meeting", "in Valletta"): those whose title, front matter and opening lines
    hold every date and place word of the question. A date names a meeting more surely
    than a place, so when date and place disagree ("the April meeting in Riga"
    when April was elsewhere), the date wins. None when the question names no
    release, or names what every release (or none) has. headers: each release's
    header words (corpus.release_headers); descriptions: the stems that describe each
    meeting (corpus.release_descriptions), which pick among the releases so named."""
    if len(headers) < 2:
        return None
    facts = find_facts(question)

    def asked(labels):
        return {w for f in facts if f.label in labels and _names_meeting(f, question)
                for w in words(f.text) if w not in STOPWORDS}

    tries = [w for w in (asked(_DATE_LABELS | _PLACE_LABELS), asked(_DATE_LABELS),
                         asked(_PLACE_LABELS)) if w]
    named = None
    for wanted in tries:
        found = [slug for slug, header in headers.items() if wanted <= header]
        if 0 < len(found) < len(headers):
            named = found
            break
    # "The April fisheries ministers' release": the month names two releases, the
    # words before "ministers" say which.
    if descriptions is None:
        return named
    return _described(question, named or list(headers), descriptions) or named


def _described(question: str, pool: list[str], descriptions: dict[str, set[str]]):
    """The releases of pool that hold the most words the question describes its
    meeting with ("the telecom Council", "the health ministers' meeting"), when that
    narrows pool; None when it does not, or when the question describes two meetings
    (a comparison, answered from each). A word most releases of pool hold ("EU")
    describes none of them."""
    groups = meeting_descriptions(question)
    if not groups or _COMPARES.search(question):
        return None
    picked = set()
    for group in groups:
        stems = {stem(w) for w in group}
        holding = {s: {slug for slug in pool if s in descriptions[slug]} for s in stems}
        telling = [s for s in stems if len(holding[s]) <= len(pool) / 2]
        counts = {slug: sum(slug in holding[s] for s in telling) for slug in pool}
        most = max(counts.values())
        if most:
            picked.add(frozenset(slug for slug in pool if counts[slug] == most))
    if len(picked) != 1:
        return None
    (narrowed,) = picked
    return [slug for slug in pool if slug in narrowed] if len(narrowed) < len(pool) else None


# Nouns a question calls a meeting by; the words right before one describe it.
_MEETING_NOUNS = frozenset(
    "meeting meetings council councils session sessions release ministers gathering".split())
_DESCRIBING = frozenset(("NOUN", "PROPN", "ADJ", "NUM"))


def meeting_descriptions(question: str) -> list[set[str]]:
    """For each meeting the question names, the words that describe it: the nouns and
    adjectives right before a meeting noun ("the April fisheries ministers' release"
    -> {"april", "fisheries"}; "the MARE Fisheries Council" -> {"mare", "fisheries"})."""
    tokens = list(tagged(question))
    groups, i = [], len(tokens) - 1
    while i >= 0:
        if tokens[i].lower_ not in _MEETING_NOUNS:
            i -= 1
            continue
        described, i = _described_before(tokens, i)
        if described:
            groups.append(set(described))
    return groups


def _described_before(tokens, at: int) -> tuple[list[str], int]:
    """The describing words before the meeting noun at tokens[at], nearest first ("and"
    or "of" inside a capitalised name too: "the Justice and Home Affairs Council"), and
    the index of the token before them."""
    described, i = [], at - 1
    while i >= 0:
        token = tokens[i]
        in_name = token.lower_ in ("and", "of", "&") and 0 < i < at - 1 \
            and tokens[i - 1].text[:1].isupper() and tokens[i + 1].text[:1].isupper() \
            and tokens[i - 1].lower_ not in _MEETING_NOUNS  # not "the X Council and Y Council"
        if not (token.pos_ in _DESCRIBING or token.lower_ in ("'", "'s", "’s")
                or token.lower_ in _MEETING_NOUNS or in_name):
            break
        if token.lower_ not in _MEETING_NOUNS:
            described += [w for w in words(token.text) if w not in STOPWORDS]
        i -= 1
    return described, i


# After a meeting noun, "in Riga", "of 12 May", "held on Tuesday" say which one.
_AFTER_NOUN = frozenset("in of on at held".split())


def _mentions(question: str) -> list[tuple[list[str], int, int]]:
    """Each meeting the question names, in order, as the words that say which it is
    (those before its meeting noun and the date or place right after it: "the energy
    ministers' meeting in Dublin" -> ["energy", "dublin"]), with where the mention
    starts and ends in the question."""
    tokens = list(tagged(question))
    mentions = []
    for i, token in enumerate(tokens):
        if token.lower_ not in _MEETING_NOUNS or (
                i + 1 < len(tokens) and tokens[i + 1].lower_ in _MEETING_NOUNS | {"'", "’"}):
            continue  # "ministers' meeting": the last noun gathers both
        mention, before = _described_before(tokens, i)
        k, end = i + 1, token.idx + len(token.text)
        if k < len(tokens) and tokens[k].lower_ in _AFTER_NOUN:
            k += 1
            while k < len(tokens) and tokens[k].lower_ in ("the", "on", "in"):
                k += 1
            while k < len(tokens) and (tokens[k].pos_ in ("PROPN", "NUM")
                                       or tokens[k].lower_ in (*MONTHS, *WEEKDAYS)):
                mention += [w for w in words(tokens[k].text) if w not in STOPWORDS]
                end = tokens[k].idx + len(tokens[k].text)
                k += 1
        if mention:
            mentions.append((mention, tokens[before + 1].idx, end))
    return mentions


def _meetings_mentioned(question: str, descriptions: dict[str, set[str]]) -> list[frozenset]:
    """The releases each meeting the question mentions resolves to: those whose
    description holds the most of its words, a word weighing more the fewer releases
    hold it (a word all hold says nothing). Two mentions that share a release name one
    meeting twice ("home affairs ministers at their March Council"): what they share.
    Two meetings are compared only when the question joins them ("the April meeting
    *and* the June one") or says it compares ("each", "between"); else the first."""
    count = len(descriptions)
    found: list[frozenset] = []
    mentions = _mentions(question)
    for i, (mention, start, _) in enumerate(mentions):
        stems = {stem(w) for w in mention}
        holding = {s: sum(s in d for d in descriptions.values()) for s in stems}
        weight = {s: math.log(count / held) for s, held in holding.items() if held}
        score = {slug: sum(w for s, w in weight.items() if s in d)
                 for slug, d in descriptions.items()}
        best = max(score.values(), default=0.0)
        if best <= 0:
            continue
        meeting = frozenset(slug for slug, value in score.items() if value >= best - 1e-9)
        same = next((k for k, known in enumerate(found) if known & meeting), None)
        joined = i > 0 and (_COMPARES.search(question) or _JOINING.search(
            question[mentions[i - 1][2]:start]))
        if same is not None:
            found[same] = found[same] & meeting
        elif not found or joined:
            found.append(meeting)
    return found


# Between two meetings, the words that join them into one question about both, or the
# end of a sentence that set the scene ("The June release said …. What does the May
# one say?").
_JOINING = re.compile(r"\b(?:and|or|versus|vs|than|with)\b|[.;?]", re.IGNORECASE)


def _names_meeting(fact, question: str) -> bool:
    """Whether a date or place could name a meeting: a place, or a date with a month,
    a weekday or a day ("the March 2031 Council"), not "each year" or "last week"; not
    a period or deadline ("for 2031", "by the end of May", "since June"); a bare year
    only as a word describing the meeting ("the 2031 Council")."""
    if fact.label not in _DATE_LABELS:
        return True
    said = words(fact.text)
    if _PERIOD.search(question[:fact.start]):
        return False
    if not any(w in MONTHS or w in WEEKDAYS for w in said) and not any(
            w.isdigit() and len(w) <= 2 for w in said):  # a year alone, or no date at all
        years = {w for w in said if w.isdigit()}
        return bool(years) and any(years <= group for group in meeting_descriptions(question))
    return True


# A date after these words is a period or a deadline, not when a meeting was.
_PERIOD = re.compile(
    r"\b(?:for|by|until|till|since|before|after|from|through|throughout|during|within)"
    r"(?:\s+the)?(?:\s+(?:end|beginning|start|middle|course)\s+of)?(?:\s+the)?\s*$",
    re.IGNORECASE)


# Words a question names a meeting with beside its date and place ("the March Council").
MEETING_WORDS = frozenset("meeting meetings council councils session sessions release".split())


def without_naming(question: str, described: bool = False, borrowed: bool = False) -> str:
    """The question without the words that name its meeting ("Who is quoted on returns
    at the March 2031 Council?" -> "Who is quoted on returns at the?"): they pick the
    release, and would otherwise make its title or opening line the sentence that
    matches best.
    described: the release each meeting named is known (one, or each meeting compared
    is searched alone), so the words describing it go too, where they stand: "the
    health ministers' meeting" names a meeting, "health data" after it is what is
    asked. A question that is all naming keeps them.
    borrowed: a follow-up with the earlier turn's words as a bag (no phrases left):
    the words describing two or more meetings it mentions go wherever they stand."""
    naming = [f for f in find_facts(question)
              if f.label in _DATE_LABELS | _PLACE_LABELS and _names_meeting(f, question)]
    for fact in reversed(naming):
        question = question[:fact.start] + question[fact.end:]
    mentions = _mentions(question) if described or borrowed else []
    describing = set()
    if borrowed and len(mentions) > 1:
        describing = {w for mention, _, _ in mentions for w in mention}
    elif described:
        topic = question
        for _, start, end in reversed(mentions):
            topic = topic[:start] + topic[end:]
        if any(w not in MEETING_WORDS for w in content_words(topic)):
            question = topic
    return " ".join(w for w in question.split() if re.sub(
        r"['’]s?$", "", w.lower().strip("?.,!")) not in MEETING_WORDS | describing)


def compared_releases(question: str, headers: dict[str, set[str]],
                      descriptions: dict[str, set[str]] | None = None) -> list[str] | None:
    """The releases a question compares by naming each meeting, or None."""
    found = meetings_compared(question, headers, descriptions)
    return found[1] if found else None


def meetings_compared(question: str, headers: dict[str, set[str]],
                      descriptions: dict[str, set[str]] | None = None
                      ) -> tuple[list[list[str]], list[str]] | None:
    """(the meetings a question compares, each as the releases it may be; all their
    releases), or None. Two meetings it mentions that resolve to releases of their own
    ("the January informal meeting and the Riga health Council"); else two or more
    months or places ("between the April and October councils", "in Valletta and in
    Riga"), each naming releases of its own among those that hold the question's
    years. None when the question compares nothing, or names every release."""
    if descriptions:
        meetings = _meetings_mentioned(question, descriptions)
        named = list(dict.fromkeys(slug for meeting in meetings for slug in sorted(meeting)))
        if len(meetings) >= 2 and len(named) < len(headers):
            return [sorted(meeting) for meeting in meetings], named
    facts = find_facts(question)
    years = {w for f in facts if f.label in _DATE_LABELS for w in words(f.text)
             if w.isdigit() and len(w) == 4}
    # The small entity model misses a bare month beside a dated one ("April and
    # October 2031") and takes some towns for organisations.
    months = {w.lower() for w in re.findall(r"\b[A-Z][a-z]+\b", question)} & set(MONTHS)
    places = {w for f in facts
              if f.label in _PLACE_LABELS or (f.label in _ONE_WORD_PLACES and " " not in f.text)
              for w in words(f.text) if w not in STOPWORDS and not w.isdigit()}
    naming = months | places
    if len(months) < 2 and len(places) < 2 and not (naming and _COMPARES.search(question)):
        return None  # most questions: no header is read
    in_years = {slug for slug, header in headers.items() if years <= header}
    # A word names meetings when it narrows the releases of those years: a word
    # of every title ("Council") names none.
    found = {frozenset(slug for slug in in_years if w in headers[slug]) for w in naming}
    found = {each for each in found if each and each != in_years}
    named = [slug for slug in headers if any(slug in each for each in found)]
    if len(found) >= 2 and 1 < len(named) < len(headers):
        return sorted([slug for slug in named if slug in each] for each in found), named
    return None


def _replaced(text: str, stand_ins: dict[str, str]) -> str:
    """The text's content words, each the corpus never uses put as its stand-in, so
    word overlap can see "overhaul" in "reform"."""
    return " ".join(stand_ins.get(w, w) for w in content_words(text))


def _nearest(vector, vectors: dict[str, np.ndarray], k: int) -> list[tuple[str, float]]:
    """The k keys whose vectors are closest to vector: (key, cosine), best first."""
    if not vectors:
        return []
    keys = list(vectors)
    similarities = np.stack([vectors[key] for key in keys]) @ np.asarray(vector, np.float32)
    best = np.argsort(-similarities)[:k]
    return [(keys[i], float(similarities[i])) for i in best]


def cosine(a, b) -> float:
    """Cosine similarity of two vectors."""
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norm if norm else 0.0
