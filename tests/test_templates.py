"""Prompt files: found by name in a checkout and in an installed wheel; strict rendering."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import REPO

from assistant.templates import PromptError, load_prompt, render_prompt


def test_prompts_are_loaded_by_name():
    assert "numbered passages" in load_prompt("system")
    text = render_prompt("answer", passages="[1] Ports.", question="What?")
    assert "[1] Ports." in text and "What?" in text


def test_a_missing_or_unknown_variable_fails_loudly():
    with pytest.raises(PromptError, match="missing"):
        render_prompt("answer", passages="[1] x")
    with pytest.raises(PromptError, match="unexpected"):
        render_prompt("condense", conversation="", question="", extra="x")
    with pytest.raises(PromptError, match="No prompt named"):
        load_prompt("nonexistent")


@pytest.mark.slow
def test_the_wheel_ships_the_prompts_inside_the_package(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for prompt in ("system", "answer", "condense"):
        assert f"assistant/prompts/{prompt}.txt" in names
