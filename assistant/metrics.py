"""Metric functions, each small enough to check by hand; docstrings are the definitions.

The report prints the first line of each docstring as the metric's definition, so a
docstring here is a promise about what the number means.
"""

from __future__ import annotations

import math
import re
import string

from .facts import claim_facts, fact_key, markers, missing_facts, strip_markers
from .text import content_stems

SUPPORT_SHARE = 0.8  # share of a sentence's content words the cited text must hold

# A statement ends after . ! ? (and any citation markers that follow it).
_STATEMENT_END = re.compile(r"(?<=[.!?])\s+(?=[^\s\[])|(?<=\])\s+(?=[A-Z\"“])")


# --- retrieval: flags[i] says whether the i-th retrieved passage is gold ------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def is_gold(passage_text: str, contexts: list[str]) -> bool:
    """Gold passage: a passage whose text contains one of the reference contexts
    (white space collapsed)."""
    squashed = _squash(passage_text)
    return any(_squash(c) and _squash(c) in squashed for c in contexts)


def gold_flags(passage_texts: list[str], contexts: list[str]) -> list[bool]:
    """Whether each retrieved passage, best first, is gold."""
    return [is_gold(text, contexts) for text in passage_texts]


def hit_at(flags: list[bool], k: int) -> float:
    """hit@k: 1 if a gold passage is among the first k retrieved, else 0."""
    return 1.0 if any(flags[:k]) else 0.0


def recall_at(passage_texts: list[str], contexts: list[str], k: int) -> float:
    """recall@k: share of the reference contexts found in the first k retrieved passages."""
    found = sum(1 for c in contexts if any(is_gold(t, [c]) for t in passage_texts[:k]))
    return found / len(contexts) if contexts else 0.0


def reciprocal_rank(flags: list[bool]) -> float:
    """MRR: 1 / rank of the first gold passage (0 when none is retrieved), averaged."""
    return next((1.0 / rank for rank, gold in enumerate(flags, 1) if gold), 0.0)


def ndcg_at(flags: list[bool], gold_count: int, k: int) -> float:
    """nDCG@k: sum of 1/log2(rank+1) over gold passages in the first k, divided by the
    same sum had all gold passages come first."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, gold in enumerate(flags[:k], 1) if gold)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(gold_count, k) + 1))
    return dcg / ideal if ideal else 0.0


# --- answers ----------------------------------------------------------------------


def key_fact_recall(answer: str, must_include: list[str]) -> float:
    """Key-fact recall: share of must_include facts found in the answer as whole words,
    ignoring case, or written another way ("25" in "25th", "21%" in "21 per cent"); "a|b"
    is found when a or b is."""
    if not must_include:
        return 0.0
    keys = claim_facts(answer)
    found = sum(
        1
        for fact in must_include
        if any(_found(alt.strip(), answer, keys) for alt in fact.split("|") if alt.strip())
    )
    return found / len(must_include)


def _found(fact: str, answer: str, keys: set[str]) -> bool:
    """A fact is in the answer as whole words, or as the same fact by facts.py's key."""
    if re.search(rf"(?<!\w){re.escape(fact)}(?!\w)", answer, re.IGNORECASE):
        return True
    return fact_key(fact) in keys


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lowercase, drop punctuation and a/an/the, collapse spaces."""
    text = "".join(ch for ch in text.lower() if ch not in string.punctuation)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(answer: str, reference: str) -> float:
    """Exact match: 1 if answer and reference are equal after SQuAD normalisation."""
    return float(normalize_answer(answer) == normalize_answer(reference))


def token_f1(answer: str, reference: str) -> float:
    """Token F1: harmonic mean of the precision and recall of shared normalised tokens."""
    ours, theirs = normalize_answer(answer).split(), normalize_answer(reference).split()
    common: dict[str, int] = {}
    for token in set(ours):
        common[token] = min(ours.count(token), theirs.count(token))
    shared = sum(common.values())
    if not ours or not theirs or not shared:
        return float(ours == theirs)
    precision, recall = shared / len(ours), shared / len(theirs)
    return 2 * precision * recall / (precision + recall)


# --- citations --------------------------------------------------------------------


def quote_valid(quote: str, start: int, end: int, document_text: str) -> bool:
    """Quote validity: share of citations whose quote == document.text[start:end]."""
    return bool(quote) and document_text[start:end] == quote


def gold_cited(cited_passages: list[str], contexts: list[str]) -> float:
    """Gold cited: 1 if a cited passage contains a reference context, else 0."""
    return 1.0 if any(is_gold(text, contexts) for text in cited_passages) else 0.0


def statements(answer: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences, each with the citation markers attached to it."""
    result = []
    for part in _STATEMENT_END.split(answer.strip()):
        sentence = strip_markers(part)
        if sentence:
            result.append((sentence, markers(part)))
    return result


def supports(evidence: str, sentence: str) -> bool:
    """Support proxy (offline stand-in for NLI): the evidence holds at least 80% of the
    sentence's content words (stemmed), and every fact of it (numbers, dates, amounts,
    names: facts.claim_facts)."""
    if not evidence.strip():
        return False
    stems = content_stems(sentence)
    held = set(content_stems(evidence))
    if stems and sum(s in held for s in stems) < SUPPORT_SHARE * len(stems):
        return False
    return not missing_facts(sentence, evidence)


def citation_scores(answer: str, cited: dict[int, str]) -> tuple[float, float] | None:
    """ALCE citation recall and precision of an answer under the support proxy.

    recall: share of statements whose cited passages, joined, support them.
    precision: share of citations that are not irrelevant; a citation is irrelevant
    when it does not support its statement alone and the statement's other citations
    still support it without it (or when its statement is not supported at all).
    `cited` maps marker -> the cited passage's text; an unknown marker cites nothing.
    None when the answer has no statement.
    """
    found = statements(answer)
    if not found:
        return None
    supported = precise = total = 0
    for sentence, marked in found:
        texts = [cited.get(m, "") for m in marked]
        total += len(marked)
        if not marked or not supports("\n".join(texts), sentence):
            continue
        supported += 1
        for i, text in enumerate(texts):
            others = "\n".join(texts[:i] + texts[i + 1 :])
            alone = supports(text, sentence)
            if alone or not supports(others, sentence):
                precise += 1
    precision = precise / total if total else 0.0
    return supported / len(found), precision


# --- abstention and latency --------------------------------------------------------


def abstention_rate(answered: list[bool]) -> float:
    """Abstention rate (unanswerable questions): share the assistant declined to answer."""
    return sum(not a for a in answered) / len(answered) if answered else 0.0


def false_refusal_rate(answered: list[bool]) -> float:
    """False-refusal rate (answerable questions): share the assistant declined to answer."""
    return abstention_rate(answered)


def percentile(values: list[float], p: float) -> float:
    """p-th percentile, nearest rank: the value at rank ceil(p/100 * n) of the sorted list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def mean(values) -> float | None:
    """Average of the values that are not None (None when there are none)."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def definition(function) -> str:
    """The one-line definition of a metric: its docstring, joined into one line."""
    return " ".join((function.__doc__ or "").split("\n\n")[0].split())
