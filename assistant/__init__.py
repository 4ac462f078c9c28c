"""Answers questions about press releases and proves each answer with exact quotes."""

from .config import ConfigError, Settings
from .conversation import QuestionError
from .corpus import CorpusError
from .pipeline import Assistant
from .types import Citation, Reply

__all__ = [
    "Assistant",
    "Citation",
    "ConfigError",
    "CorpusError",
    "QuestionError",
    "Reply",
    "Settings",
]
