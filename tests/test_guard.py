"""The grounding guard on hand-written model answers over the real release."""

from __future__ import annotations

import pytest

from assistant.guard import Claim, Guard, split_claims


@pytest.fixture(scope="module")
def guard(bot) -> Guard:
    return Guard(bot.corpus, bot.embedder, bot.index)


def _numbered(bot, question: str, needle: str):
    """The retrieval for a question, and the [n] of the passage that holds needle."""
    retrieval = bot.retriever.retrieve(question)
    for n, sp in enumerate(retrieval.passages, 1):
        if needle in sp.passage.text:
            return retrieval, n
    raise AssertionError(f"no retrieved passage holds {needle!r}")


def test_markers_after_before_and_inside_sentences_are_read():
    claims = split_claims(
        "Ministers met on 25 January [1]. They discussed AI.[2] Ports matter [1, 3].\n"
        "[4] A line quoting a passage. Its second sentence.\n"
        "Another fact. [5] Last fact"
    )
    assert [(c.text, c.markers) for c in claims] == [
        ("Ministers met on 25 January.", [1]),
        ("They discussed AI.", [2]),
        ("Ports matter.", [1, 3]),
        ("A line quoting a passage.", [4]),
        ("Its second sentence.", [4]),
        ("Another fact.", [5]),
        ("Last fact", []),
    ]


def test_a_faithful_paraphrase_is_kept_and_anchored_to_the_exact_source_sentence(bot, guard):
    retrieval, n = _numbered(bot, "When did the ministers meet?", "25th of January")
    verdict = guard.check(
        Claim("The ministers met on Thursday 25 January for the informal Council.", [n]),
        retrieval,
    )
    assert verdict.supported, verdict.reason
    sp, span = verdict.anchors[0]
    document = bot.corpus.document(sp.passage.doc_slug)
    assert document.text[span.start : span.end].startswith("Ministers from EU Member States")
    assert "25th of January" in document.text[span.start : span.end]


@pytest.mark.parametrize(
    "claim",
    [
        "The European Ports Alliance received EUR 1.5 billion in funding.",
        "The European Ports Alliance was launched in Brussels on the 24th of January.",
        "The European Ports Alliance was launched on the 3rd of March.",
        "The European Ports Alliance was launched by Ursula von der Leyen.",
    ],
)
def test_invented_amounts_places_dates_and_names_are_caught(bot, guard, claim):
    retrieval, n = _numbered(
        bot, "How much funding did the European Ports Alliance receive?", "European Ports Alliance"
    )
    verdict = guard.check(Claim(claim, [n]), retrieval)
    assert not verdict.supported
    assert "not in the cited passages" in verdict.reason


def test_a_true_claim_citing_the_wrong_passage_is_not_supported(bot, guard):
    retrieval, right = _numbered(bot, "Who is Annelies Verlinden?", "Annelies Verlinden")
    wrong = next(n for n in range(1, len(retrieval.passages) + 1) if n != right)
    claim = "Home Affairs Minister Annelies Verlinden put organised crime and AI on the agenda."
    assert guard.check(Claim(claim, [right]), retrieval).supported
    assert not guard.check(Claim(claim, [wrong]), retrieval).supported


def test_a_marker_pointing_at_no_passage_cites_nothing(bot, guard):
    retrieval, n = _numbered(bot, "Who is Annelies Verlinden?", "Annelies Verlinden")
    claim = "Home Affairs Minister Annelies Verlinden put organised crime and AI on the agenda."
    verdict = guard.check(Claim(claim, [99]), retrieval)
    # Checked against the retrieved passages instead; the anchor is a real passage.
    assert verdict.supported
    assert verdict.anchors[0][0] is retrieval.passages[n - 1]


def test_an_off_topic_sentence_with_known_words_is_not_supported(bot, guard):
    retrieval, n = _numbered(bot, "When did the ministers meet?", "25th of January")
    verdict = guard.check(Claim("Ministers discussed football and the weather.", [n]), retrieval)
    assert not verdict.supported


@pytest.mark.parametrize("claim, missing", [
    ("Ministers agreed on a €120 million fund for small coastal fleets.", ""),
    ("Ministers agreed on a fund of 120 million euros for small coastal fleets.", ""),
    ("Ministers agreed on a fund of USD 120 million for small coastal fleets.", "usd"),
    ("Ministers agreed on a fund of EUR 120 billion for small coastal fleets.", "billion"),
])
def test_an_amount_is_checked_by_its_currency_and_size_however_written(tiny_bot, claim, missing):
    guard = Guard(tiny_bot.corpus, tiny_bot.embedder, tiny_bot.index)
    retrieval = tiny_bot.retriever.retrieve("fund for small coastal fleets")
    n = next(n for n, sp in enumerate(retrieval.passages, 1) if "EUR 120" in sp.passage.text)
    reason = guard.check(Claim(claim, [n]), retrieval).reason
    if missing:
        assert reason == f"not in the cited passages: {missing}"
    else:
        assert "not in the cited passages" not in reason
