"""Prompt files, referred to by name and rendered strictly."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources
from pathlib import Path

# Installed, the prompts ship inside the package; in a checkout they sit at the repo root.
_CHECKOUT_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


class PromptError(KeyError):
    """A prompt file is missing, or a template variable was not given."""


@cache
def load_prompt(name: str) -> str:
    """The text of prompts/<name>.txt."""
    packaged = resources.files("assistant") / "prompts" / f"{name}.txt"
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = _CHECKOUT_PROMPTS / f"{name}.txt"
    if checkout.is_file():
        return checkout.read_text(encoding="utf-8")
    raise PromptError(f"No prompt named {name!r} (looked for prompts/{name}.txt).")


def render_prompt(name: str, **values: str) -> str:
    """Fill a prompt's {placeholders}; a missing or unexpected one fails loudly."""
    template = load_prompt(name)
    wanted = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    missing, extra = wanted - values.keys(), values.keys() - wanted
    if missing or extra:
        raise PromptError(
            f"prompt {name!r} needs {sorted(wanted)}; missing {sorted(missing)}, "
            f"unexpected {sorted(extra)}"
        )
    return template.format(**values)
