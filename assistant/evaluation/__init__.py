"""Question set -> scores and a report: the Python API behind `assistant eval`.

    from assistant.evaluation import load_questions, evaluate
    report = evaluate(bot, load_questions("corpus/questions.jsonl"))
    print(report.to_markdown())

dataset reads question sets, runner asks and scores them into EvalRows, summary averages
the rows (metric definitions live in assistant/metrics.py), report and plots render them,
and judge grades answers with the chat model.
"""

from __future__ import annotations

from .dataset import Question, QuestionSet, QuestionSetError, load_questions, read_question_set
from .judge import Judge
from .report import Report, headline_table, ragas_rows, terminal_table
from .runner import EvalRow, evaluate, score_reply
from .summary import compare, summarise

__all__ = [
    "EvalRow",
    "Judge",
    "Question",
    "QuestionSet",
    "QuestionSetError",
    "Report",
    "compare",
    "evaluate",
    "headline_table",
    "load_questions",
    "ragas_rows",
    "read_question_set",
    "score_reply",
    "summarise",
    "terminal_table",
]
