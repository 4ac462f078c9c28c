"""The `assistant` command: index, ask, --json, --help, and bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import CORPUS, REPO


def run(*args, timeout=300):
    command = [sys.executable, "-m", "assistant", *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=REPO, timeout=timeout
    )


def test_help_reads_well():
    result = run("--help")
    assert result.returncode == 0
    for word in ("index", "ask", "web", "eval", "ASSISTANT_"):
        assert word in result.stdout


@pytest.mark.parametrize("question", ["", "   ", "x" * 2001])
def test_empty_or_over_long_question_exits_2_with_one_line_before_any_work(question, tmp_path):
    result = run("ask", question, "--data", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "empty" in result.stderr or "2,001 characters" in result.stderr
    assert "Traceback" not in result.stderr
    assert not any(tmp_path.iterdir())  # refused before the index was opened


def test_missing_corpus_folder_exits_2_and_names_it(tmp_path):
    result = run("ask", "When?", "--corpus", str(tmp_path / "nope"), "--data", str(tmp_path))
    assert result.returncode == 2
    assert "nope" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_index_then_ask_prints_answer_and_sources(tmp_path):
    data = str(tmp_path / "data")
    indexed = run("index", "--corpus", str(CORPUS), "--data", data)
    assert indexed.returncode == 0, indexed.stderr
    assert "1 embedded" in indexed.stdout
    again = run("index", "--corpus", str(CORPUS), "--data", data)
    assert "1 unchanged" in again.stdout

    asked = run("ask", "When was the European Ports Alliance launched?", "--data", data)
    assert asked.returncode == 0, asked.stderr
    answer, _, sources = asked.stdout.partition("Sources:")
    assert "24th of January" in answer and "[1]" in answer
    assert "informal-jha-council-25-january#p" in sources

    as_json = run("ask", "--json", "When did the ministers meet?", "--data", data)
    reply = json.loads(as_json.stdout)
    assert reply["answered"] is True
    citation = reply["citations"][0]
    text = (CORPUS / "informal-jha-council-25-january.md").read_text()
    # The date as the body or the title line writes it.
    assert citation["quote"] in text and re.search(r"25(th of)? January", citation["quote"])

    unknown = run("ask", "What was the budget of the alliance?", "--data", data)
    assert "does not say" in unknown.stdout and "Related reading" in unknown.stdout
    assert "Sources:" not in unknown.stdout
