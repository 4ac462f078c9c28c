"""Words of a text as retrieval and answer checks see them: tokens and stems (numbers,
dates and names are facts: see facts.py)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

# Letters of any script: "Logroño" and "Strömmer" are one word each.
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because
    been before being below between both but by can could did do does doing down during
    each few for from further had has have having he her here hers herself him himself
    his how i if in into is it its itself just me more most my myself no nor of off
    on once only or other our ours ourselves out over own same she should so some such
    than that the their theirs them themselves then there these they this those through
    to too under until up very was we were what when where which while who whom whose
    why will with would you your yours yourself yourselves s t don shall may might must
    tell say said says mention mentioned mentions according release press text document
    please anything something kind sort get got give given us let know whether right
    ok okay exactly really actually still yes many much named called like else across
    along among amongst within toward towards upon onto via beyond throughout supposed
    concerning regarding respecting""".split()  # (the last three: "about" in other words)
)

def words(text: str) -> list[str]:
    """Lowercased word tokens; "cannot" and "n't" become "not", which is kept as meaning."""
    text = _NEGATION.sub(" not", _SHORT_NEGATION.sub(
        lambda m: _UNSHORTENED[m.group(1).lower()] + " not", text.replace("’", "'")))
    return [w.lower() for w in _WORD.findall(text)]


def words_as_written(text: str) -> list[str]:
    """The word tokens as written (case kept), an owner's "'s" left off."""
    return [re.sub(r"['’]s?$", "", w) for w in _WORD.findall(text)]


# "Take place" means "happen": neither word is a topic to match ("the next meeting
# will take place in Riga" says nothing about when a meeting took place).
_TAKE_PLACE = re.compile(r"\b(?:take|takes|took|taken|taking)\s+place\b", re.IGNORECASE)
_NEGATION = re.compile(r"(?<=can)not\b|n't\b", re.IGNORECASE)
# "can't", "won't", "shan't": the verb is not "ca", "wo" or "sha".
_SHORT_NEGATION = re.compile(r"\b(ca|wo|sha)n't\b", re.IGNORECASE)
_UNSHORTENED = {"ca": "can", "wo": "will", "sha": "shall"}


_local = threading.local()


def _stemmer():
    # One per thread: a PyStemmer object must not be used by two threads at once.
    if not hasattr(_local, "stemmer"):
        import Stemmer  # PyStemmer, shipped with the BM25 retriever

        _local.stemmer = Stemmer.Stemmer("english")
    return _local.stemmer


# Irregular past forms, which a stemmer leaves apart from their verb ("met" / "meeting").
_IRREGULAR = dict(
    pair.split(":")
    for pair in """met:meet held:hold took:take taken:take led:lead made:make said:say
    gave:give given:give went:go gone:go came:come saw:see seen:see began:begin
    begun:begin brought:bring thought:think found:find told:tell left:leave kept:keep
    sought:seek spoke:speak spoken:speak chose:choose chosen:choose wrote:write
    written:write won:win""".split()
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem of a lowercase word ("ports" -> "port", "met" -> "meet")."""
    word = word.split("'")[0]
    return _stemmer().stemWord(_IRREGULAR.get(word, word))


def content_words(text: str) -> list[str]:
    """The words that carry meaning, lowercase, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in words(_TAKE_PLACE.sub(" ", text)):
        if word not in STOPWORDS and len(word) > 1 or word.isdigit():
            seen.setdefault(word, None)
    return list(seen)


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning, in order, without repeats."""
    return list(dict.fromkeys(stem(w) for w in content_words(text)))
