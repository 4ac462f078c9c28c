"""The generalization set: its test split is frozen, and every split is a valid set."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import REPO

from assistant.corpus import load_corpus
from assistant.evaluation import read_question_set

GENERAL = REPO / "tests" / "generalization"


def _digest(key: str) -> str:
    path, _, split = key.partition("[split=")
    data = (REPO / path).read_bytes()
    if not split:
        return hashlib.sha256(data).hexdigest()
    lines = [
        line for line in data.decode().splitlines()
        if line.strip() and json.loads(line)["split"] == split.rstrip("]")
    ]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


FROZEN = json.loads((GENERAL / "frozen-test-split.json").read_text())


@pytest.mark.parametrize("key", sorted(FROZEN))
def test_the_test_split_is_unchanged(key):
    # Changing it would let tuning see the split the figures are reported on.
    assert _digest(key) == FROZEN[key], f"{key} changed: the test split is frozen"


@pytest.mark.parametrize(("questions", "corpus", "size", "unanswerable_share"), [
    ("questions-dev.jsonl", "corpus", 60, 0.3),
    ("questions-test.jsonl", "corpus", 60, 0.3),
    ("dev2/questions-dev2.jsonl", "dev2/corpus", 120, 0.3),
    ("dev3/questions-dev3.jsonl", "dev3/corpus", 120, 0.3),
    ("dev4/questions-dev4.jsonl", "dev4/corpus", 150, 0.3),
    # (every quoted sentence must be read from its release, list items of HTML pages too)
    *[(f"dev{n}/questions-dev{n}.jsonl", f"dev{n}/corpus", 150, 0.25) for n in range(5, 10)],
    ("test3/questions-test3.jsonl", "test3/corpus", 60, 0.3),
])
def test_each_set_is_a_valid_question_set_for_its_corpus(questions, corpus, size,
                                                          unanswerable_share):
    found = read_question_set(GENERAL / questions, load_corpus(GENERAL / corpus))
    assert not found.errors, found.errors[:3]
    unanswerable = sum(not q.answerable for q in found.questions)
    assert len(found.questions) >= size
    assert unanswerable / len(found.questions) >= unanswerable_share


@pytest.mark.parametrize(("questions", "corpus"), [
    ("questions-offtopic-dev.jsonl", "corpus"),
    ("questions-untold-dev.jsonl", "corpus"),
    *[(f"dev{n}/questions-untold-dev{n}.jsonl", f"dev{n}/corpus") for n in range(2, 10)],
])
def test_the_unanswerable_only_dev_sets_are_valid_and_dev_only(questions, corpus):
    found = read_question_set(GENERAL / questions, load_corpus(GENERAL / corpus))
    assert not found.errors, found.errors[:3]
    assert found.questions and all(
        not q.answerable and q.split == "dev" for q in found.questions)


def test_the_shipped_sets_are_split_into_dev_and_test():
    for name in ("questions.jsonl", "questions-second.jsonl"):
        rows = [json.loads(line) for line in (REPO / "corpus" / name).read_text().splitlines()]
        assert {row["split"] for row in rows} == {"dev", "test"}


def test_the_shipped_answerability_model_was_fitted_on_the_dev_sets_listed():
    from assistant.answerability import Model
    from assistant.calibration import DEV_SETS

    assert Model.load().fitted_on == [f"{path} (dev)" for _, path in DEV_SETS]
    assert not any("questions-test" in path or "/test3/" in path for _, path in DEV_SETS)
