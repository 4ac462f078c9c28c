"""The Gradio page over one shared Assistant: the layout, and the handlers behind it.

The chat renders our own small HTML (render.py; no markdown, so no remote images). The
page's behaviour (markers, sources panel, document view) is one script,
assets/web.js, so a click on a marker needs no round trip.
"""

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from .. import library
from ..chroma import IndexUnavailable
from ..conversation import QuestionError, check_question
from ..readers import SUFFIXES
from .examples import example_questions
from .feedback import save_feedback
from .render import (
    TYPING,
    hint,
    render_answer,
    render_brand,
    render_error,
    render_question,
    render_sources,
    render_streaming,
)
from .turns import ask_payload, failed_turn, history_of, new_conversation, turn_from_reply

EMPTY_HINT = "Type a question about the release first, or pick one of the suggestions."
WELCOME = (
    "<div class='welcome'><h2>Ask about the release</h2>"
    "<p>Answers quote the release word for word. Hover a marker to see "
    "the quote, click it to open the passage.</p></div>"
)
CONCURRENT_QUESTIONS = 4

log = logging.getLogger(__name__)


class Handlers:
    """What the page's events call, over one shared Assistant."""

    def __init__(self, bot, warming: threading.Thread | None = None):
        self.bot = bot
        self.warming = warming  # still loading the models: wait for it, do not load twice
        self._adding = threading.Lock()  # one upload indexes at a time

    def _ready(self) -> None:
        if self.warming is not None:
            self.warming.join()

    def respond(self, message: str, conv: dict, picked: list[str] | None = None):
        """Answer the box's message: shown at once, streamed, then its sources in the panel.
        Yields (chat, box, sources, notice, conversation, feedback row)."""
        if not (message or "").strip():
            yield *_skip(3), hint(EMPTY_HINT), *_skip(2)
            return
        try:
            question = check_question(message, self.bot.settings.max_question_chars)
        except QuestionError as error:
            yield *_skip(3), hint(str(error), "warn"), *_skip(2)
            return
        conv = {"messages": list(conv["messages"]), "turns": list(conv["turns"])}
        messages = conv["messages"]
        messages.append({"role": "user", "content": render_question(question)})
        messages.append({"role": "assistant", "content": TYPING})
        yield messages, "", gr.skip(), hint(""), conv, gr.Row(visible=False)
        for content, turn in self._answer(question, conv["turns"], picked):
            messages[-1] = {"role": "assistant", "content": content}
            if turn is None:
                yield messages, *_skip(5)
        conv["turns"].append(turn)
        sources = render_sources(conv["turns"], self.bot.corpus)
        yield messages, gr.skip(), sources, gr.skip(), conv, gr.skip()

    def _answer(self, question: str, turns: list[dict], picked: list[str] | None):
        """(HTML so far, None) while the answer streams; last (final HTML, its turn)."""
        text, reply = "", None
        try:
            self._ready()
            # Only the last turns matter to a follow-up; a long chat must not hit the
            # API's limit on history.
            recent = history_of(turns)[-2 * self.bot.settings.max_history_turns :]
            for item in self.bot.stream(question, recent, picked or None):
                if isinstance(item, str):
                    text += item
                    yield render_streaming(text), None
                else:
                    reply = item
            turn = turn_from_reply(reply)
            yield render_answer(turn, len(turns)), turn
        except Exception as error:  # the page must keep serving whatever the core does
            log.exception("answering %r failed", question[:200])
            if not isinstance(error, (QuestionError, IndexUnavailable)):  # not one sentence
                error = RuntimeError(f"{type(error).__name__}: {error}")
            yield render_error(error), failed_turn(question)

    def pick_example(self, evt: gr.SelectData) -> str:
        """The suggestion clicked, into the box."""
        return evt.value["text"]

    def vote(self, conv: dict, data: gr.LikeData):
        """Save a like or dislike, then offer a comment box."""
        index = data.index if isinstance(data.index, int) else data.index[0]
        turns = conv["turns"]
        turn = turns[index // 2] if index // 2 < len(turns) else None
        if turn is None or turn["error"] or data.liked not in (True, False):
            return gr.skip(), gr.Row(visible=False), hint("")
        rating = "up" if data.liked else "down"
        try:
            save_feedback(self.bot.settings, turn, rating)
        except OSError as error:
            return gr.skip(), gr.Row(visible=False), _unsaved(error)
        prompt = "Thanks! What was good?" if data.liked else "Thanks. What was wrong or missing?"
        return {"turn": turn, "rating": rating}, gr.Row(visible=True), hint(
            prompt + " (optional, below)")

    def comment(self, text: str, pending: dict | None):
        """Save the comment on the last vote (as a new record for the same answer)."""
        if not pending or not text.strip():
            return gr.skip(), gr.Row(visible=False), hint("")
        try:
            save_feedback(self.bot.settings, pending["turn"], pending["rating"],
                          text.strip()[:4000])
        except OSError as error:
            return gr.skip(), gr.Row(visible=True), _unsaved(error)
        return "", gr.Row(visible=False), hint("Thanks, your comment was saved.", "ok")

    def reset(self):
        """A new chat: nothing shown, nothing remembered."""
        sources = render_sources([], self.bot.corpus)
        return [], "", sources, hint(""), new_conversation(), gr.Row(visible=False), None

    def add_files(self, files: list | None, progress=gr.Progress()):  # noqa: B008 (Gradio's way)
        """Copy uploaded releases into the library and index them; say what was refused."""
        if not files:
            return gr.skip(), gr.skip(), None
        settings = self.bot.settings
        paths = [Path(getattr(f, "name", f)) for f in files]
        with self._adding:
            added = library.add(settings.corpus_dir, paths, settings.max_document_bytes)
            kept, unusable = [], []
            if added.copied:
                self.bot.reload(lambda done, total, what: progress(
                    (done, total), desc="Indexing", unit="texts"))
                kept, unusable = library.keep_readable(
                    settings.corpus_dir, self.bot.corpus, added.copied)
                if unusable:
                    self.bot.reload()  # the unusable copies are gone again
        done = [f"Added {name}." for name in kept]
        text = " ".join(done + added.refused + [f"{m} Not added." for m in unusable])
        kind = "warn" if added.refused or unusable else "ok"
        return _release_choices(self.bot.corpus.documents), hint(text, kind), None

    def indexing_note(self) -> str:
        """Whether some releases are still being indexed (shown on each page load)."""
        if not self.bot.pending:
            return hint("")
        return hint(f"{len(self.bot.pending)} release(s) are still being indexed; answers "
                    f"come from the {len(self.bot.corpus.documents)} indexed so far.")

    def ask(self, question: str, history: list | None = None,
            releases: list[str] | None = None) -> dict:
        """Answer a question about the releases (all, or the slugs given); returns the
        answer and its citations."""
        self._ready()
        try:
            reply = self.bot.ask(question, history or None, releases or None)
        except (QuestionError, IndexUnavailable) as error:
            raise gr.Error(str(error)) from None
        except Exception as error:  # a readable message for the client, the trace in the log
            log.exception("API question %r failed", str(question)[:200])
            raise gr.Error(f"The assistant failed: {type(error).__name__}: {error}") from None
        return ask_payload(reply)


def _skip(count: int) -> tuple:
    """Updates that leave count outputs as they are (fresh ones: Gradio may change them)."""
    return tuple(gr.skip() for _ in range(count))


def _unsaved(error: OSError) -> str:
    log.error("feedback not saved: %s", error)
    return hint(f"Sorry, your feedback could not be saved ({error.strerror or error}).", "warn")


def _release_options(documents) -> list[tuple[str, str]]:
    """The picker's options: (what the reader sees, the slug it stands for)."""
    return [(f"{d.title} ({d.slug})", d.slug) for d in documents]


def _release_choices(documents):
    """The picker after the library changed: every release, none picked."""
    return gr.Dropdown(choices=_release_options(documents), value=[],
                       visible=len(documents) > 1)


@dataclass
class Page:
    """The components the handlers read and write."""

    conv: gr.State
    pending: gr.State
    new_chat: gr.Button
    chat: gr.Chatbot
    box: gr.Textbox
    notice: gr.HTML
    feedback_row: gr.Row
    comment_box: gr.Textbox
    send: gr.Button
    picker: gr.Dropdown
    upload: gr.File
    sources: gr.HTML


def build_app(bot, warming: threading.Thread | None = None, uploads: bool = True):
    """The chat page over one shared Assistant (launch it with launch()).

    warming: a thread still loading the models; questions wait for it rather than load twice.
    uploads: whether readers may add releases from the page (serve() allows it on
    loopback or behind a login).
    """
    handlers = Handlers(bot, warming)
    with gr.Blocks(title="Release Assistant", analytics_enabled=False) as app:
        page = _layout(bot, uploads)
        _wire(page, handlers, uploads)
        # Each page load says whether some releases are still being indexed.
        app.load(handlers.indexing_note, None, page.notice, api_visibility="private")
        gr.api(handlers.ask, api_name="ask")
    app.queue(default_concurrency_limit=CONCURRENT_QUESTIONS)
    return app


def _layout(bot, uploads: bool) -> Page:
    """The components, in place: the top bar, the chat column and the side panel."""
    documents = bot.corpus.documents
    with gr.Row(elem_id="topbar"):
        gr.HTML(render_brand(documents), js_on_load=None)
        new_chat = gr.Button("+ New chat", elem_id="new-chat", size="sm", scale=0,
                             variant="secondary")
    with gr.Row(elem_id="main", equal_height=False):
        with gr.Column(scale=3, min_width=420, elem_id="chat-col"):
            chat = gr.Chatbot(
                elem_id="chat", show_label=False, height="min(68vh, 760px)", min_height=380,
                render_markdown=False, latex_delimiters=[], sanitize_html=True,
                buttons=["copy"], feedback_options=("Like", "Dislike"), layout="panel",
                placeholder=WELCOME, examples=[{"text": q} for q in example_questions(bot)],
            )
            box = gr.Textbox(
                elem_id="box", show_label=False, placeholder="Ask a question about the release…",
                lines=1, max_lines=6, autofocus=True, submit_btn="Ask",
            )
            notice = gr.HTML(hint(""), elem_id="notice", js_on_load=None)
            with gr.Row(visible=False, elem_id="feedback-row") as feedback_row:
                comment_box = gr.Textbox(show_label=False, placeholder="Optional comment…",
                                         scale=5, elem_id="comment", max_lines=4)
                send = gr.Button("Send", size="sm", scale=1, elem_id="send-comment")
        with gr.Column(scale=2, min_width=320, elem_id="side"):
            # With several releases, the reader may keep a question to some of them.
            picker = gr.Dropdown(
                choices=_release_options(documents), value=[], multiselect=True,
                label="Search in", info="All releases when none is picked.",
                elem_id="releases", visible=len(documents) > 1,
            )
            upload = gr.File(
                label="Add releases (.md .txt .html .pdf .docx)", file_count="multiple",
                file_types=list(SUFFIXES), elem_id="upload", visible=uploads, height=130,
            )
            sources = gr.HTML(render_sources([], bot.corpus), elem_id="sources", js_on_load=None)
    return Page(gr.State(new_conversation()), gr.State(None), new_chat, chat, box, notice,
                feedback_row, comment_box, send, picker, upload, sources)


def _wire(page: Page, handlers: Handlers, uploads: bool) -> None:
    """Events -> handlers; none of them is part of the public API (only /ask is)."""
    private = {"api_visibility": "private"}
    asked = [page.box, page.conv, page.picker]
    shown = [page.chat, page.box, page.sources, page.notice, page.conv, page.feedback_row]
    answer = {"concurrency_limit": CONCURRENT_QUESTIONS, **private}
    page.box.submit(handlers.respond, asked, shown, **answer)
    page.chat.example_select(handlers.pick_example, None, page.box, **private).then(
        handlers.respond, asked, shown, **answer)
    feedback = [page.pending, page.feedback_row, page.notice]
    page.chat.like(handlers.vote, page.conv, feedback, **private)
    commented = [page.comment_box, page.feedback_row, page.notice]
    for event in (page.send.click, page.comment_box.submit):
        event(handlers.comment, [page.comment_box, page.pending], commented, **private)
    cleared = [*shown, page.pending]
    page.new_chat.click(handlers.reset, None, cleared, **private)
    page.chat.clear(handlers.reset, None, cleared, **private)
    if uploads:
        page.upload.upload(handlers.add_files, page.upload, [page.picker, page.notice,
                           page.upload], concurrency_limit=1, **private)
