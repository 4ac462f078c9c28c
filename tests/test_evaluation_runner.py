"""One question into one EvalRow: the reply's JSON form, valid flags, and rows read back."""

from __future__ import annotations

import json

import pytest
from conftest import CORPUS

from assistant import Settings
from assistant.chat import LLMError, ScriptedChat
from assistant.corpus import load_corpus
from assistant.evaluation import EvalRow, Judge, Question
from assistant.evaluation.runner import ask
from assistant.types import Citation, Reply, ScoredPassage

# A row as `assistant eval` wrote it before rows were typed: citations had six fields,
# and an errored row had no backend, query or notice.
OLD_ROWS = [
    {"id": "q1", "question_type": "factoid", "answerable": True, "user_input": "When?",
     "history": [], "reference": "On 25 January.", "reference_contexts": ["the 25th"],
     "must_include": ["25th"], "error": None, "response": "On the 25th. [1]",
     "answered": True, "backend": "extractive", "query": "When?", "notice": "",
     "citations": [{"marker": 1, "passage_id": "d#p1", "quote": "the 25th", "start": 3,
                    "end": 11, "valid": True}],
     "retrieved": [{"id": "d#p1", "score": 0.04892, "text": "On the 25th."}],
     "timings": {"retrieve": 3.5, "total": 9.0},
     "scores": {"hit@1": 1.0, "abstained": None},
     "baseline": {"error": None, "retrieved": [], "scores": {}}},
    {"id": "q2", "question_type": "factoid", "answerable": False, "user_input": "Who? " * 3,
     "history": [], "reference": "", "reference_contexts": [], "must_include": [],
     "error": "QuestionError: too long", "scores": {}, "citations": [], "retrieved": [],
     "timings": {}, "response": "", "answered": None},
]


@pytest.mark.parametrize("old", OLD_ROWS, ids=["answered", "errored"])
def test_rows_of_older_runs_read_back_and_write_the_same_json(old):
    row = EvalRow.from_dict(json.loads(json.dumps(old)))
    assert row.to_dict() == old
    assert EvalRow.from_dict(row.to_dict()) == row


class _CannedBot:
    """An assistant that answers every question with one reply (or raises)."""

    def __init__(self, reply):
        self.corpus = load_corpus(CORPUS)
        self.reply = reply

    def ask(self, question, history=None):
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def _citation(corpus, marker: int, passage_index: int, shift: int = 0) -> Citation:
    passage = corpus.passages[passage_index]
    start, end = passage.start + shift, passage.start + shift + 40
    return Citation(
        marker=marker, passage_id=passage.id, document=passage.doc_title,
        doc_slug=passage.doc_slug, quote=passage.text[:40], start=start, end=end,
        passage_text=passage.text, passage_start=passage.start, section=passage.section,
        release={"title": passage.doc_title},
    )


def _reply(corpus, *citations: Citation) -> Reply:
    return Reply(
        question="When did the ministers meet?", text="They met on the 25th. [1] [2]",
        answered=True, citations=list(citations),
        passages=[ScoredPassage(corpus.passages[1], 0.5), ScoredPassage(corpus.passages[2], 0.25)],
        query="When did the ministers meet?", backend="extractive", timings={"total": 12.0},
    )


MEETING = Question("q1", "When did the ministers meet?",
                   reference_contexts=["met on Thursday the 25th of January"])


def test_a_row_carries_each_citation_as_the_reply_sends_it_plus_valid():
    corpus = load_corpus(CORPUS)
    good, shifted = _citation(corpus, 1, 1), _citation(corpus, 2, 2, shift=1)
    row = ask(_CannedBot(_reply(corpus, good, shifted)), MEETING)

    assert row.citations == [{**good.to_dict(), "valid": True},
                             {**shifted.to_dict(), "valid": False}]
    assert row.scores["quote_validity"] == 0.5  # the quote one character off is caught
    assert row.scores["hit@1"] == 1.0 and row.scores["gold_cited"] == 1.0
    assert row.retrieved_contexts == [corpus.passages[1].text, corpus.passages[2].text]
    assert EvalRow.from_dict(json.loads(json.dumps(row.to_dict()))) == row


def test_a_question_that_raises_becomes_an_error_row_in_the_old_form():
    question = Question("q2", "How much funding?", answerable=False)
    row = ask(_CannedBot(RuntimeError("index down")), question)
    assert row.error == "RuntimeError: index down" and row.answered is None
    assert set(row.to_dict()) == set(OLD_ROWS[1])


def test_judged_scores_land_in_the_row_and_a_failing_judge_does_not_stop_it():
    corpus = load_corpus(CORPUS)
    bot = _CannedBot(_reply(corpus, _citation(corpus, 1, 1)))
    model = ScriptedChat('{"faithfulness": 1, "correctness": 0.5}',
                         LLMError("The model at x did not answer within 5s."))
    judge = Judge(Settings.from_env({}), chat=model)

    row = ask(bot, MEETING, judge)
    assert row.scores["judge_faithfulness"] == 1.0 and row.scores["judge_correctness"] == 0.5
    assert corpus.passages[1].text in model.requests[0][-1]["content"]  # what it cited

    failed = ask(bot, MEETING, judge)
    assert "did not answer" in failed.judge["error"] and failed.error is None
    assert failed.scores["judge_faithfulness"] is None
