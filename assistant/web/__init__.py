"""Gradio chat over Assistant: streamed answers whose [n] markers open the quoted passage.

render (HTML), turns (the conversation kept), feedback (the store), examples
(suggested questions), access (logins, request limits), server (`assistant web`) and
app (the Gradio page). Importing this package does not import Gradio; build_app does.
"""

from .access import BodyLimit, Login, LoginThrottle, read_users
from .examples import example_questions
from .feedback import FEEDBACK_FILE, public_settings, save_feedback
from .render import (
    esc,
    highlight,
    render_answer,
    render_error,
    render_meta,
    render_question,
    render_sources,
    render_streaming,
)
from .server import DEFAULT_HOST, DEFAULT_PORT, launch, serve, watch_library
from .turns import ask_payload, history_of, new_conversation, turn_from_reply

__all__ = [
    "DEFAULT_HOST", "DEFAULT_PORT", "FEEDBACK_FILE", "BodyLimit", "Login", "LoginThrottle",
    "ask_payload", "build_app", "esc", "example_questions", "highlight", "history_of",
    "launch", "new_conversation", "public_settings", "read_users", "render_answer",
    "render_error", "render_meta", "render_question", "render_sources", "render_streaming",
    "save_feedback", "serve", "turn_from_reply", "watch_library",
]


def __getattr__(name: str):
    # Gradio takes seconds to import and reads its switches then: only when asked for.
    if name == "build_app":
        from .app import build_app

        return build_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
