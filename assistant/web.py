"""Gradio chat over Assistant: streamed answers whose [n] markers open the quoted passage.

Everything the page shows that comes from the corpus or a model is html-escaped here,
on the server; the chat renders our own small HTML (no markdown, so no remote images).
The page's behaviour (markers, sources panel, document view) is one script in
web_assets/web.js, so a click on a marker needs no round trip.
"""

import html
import json
import logging
import os
import re
import sys
import textwrap
import threading
import time
import uuid
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

from . import library
from .readers import SUFFIXES

# Before gradio is imported anywhere: no update check, no telemetry.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
ASSETS = Path(__file__).parent / "web_assets"
EXAMPLE_COUNT = 4
EXAMPLE_MAX_CHARS = 70  # longer examples wrap badly in the chips
FEEDBACK_FILE = "feedback.jsonl"
EMPTY_HINT = "Type a question about the release first, or pick one of the suggestions."
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
                "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

log = logging.getLogger(__name__)
_feedback_lock = threading.Lock()
_MARKER = re.compile(r"\[(\d+)\]")


# --- HTML: every string from the corpus or a model goes through esc() ------------------

def esc(text) -> str:
    """Text -> HTML that shows exactly that text (quotes escaped too, for attributes)."""
    return html.escape(str(text), quote=True)


def _paragraphs(text: str) -> str:
    parts = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(f"<p>{esc(p).replace(chr(10), '<br>')}</p>" for p in parts)


def render_question(question: str) -> str:
    """The user's message as HTML."""
    return f'<div class="question">{_paragraphs(question)}</div>'


def render_streaming(text: str) -> str:
    """A partly written answer: markers shown, not yet linked (citations come at the end)."""
    body = _MARKER.sub(r'<sup class="cite pending">\1</sup>', _paragraphs(text))
    return f'<div class="answer">{body}<span class="caret"></span></div>'


TYPING = (
    '<div class="answer"><span class="typing"><span></span><span></span><span></span></span></div>'
)


def render_answer(turn: dict, index: int) -> str:
    """A finished answer: linked markers (hover shows the quote), notices and the meta line."""
    quotes = {c["marker"]: c for c in turn["citations"]}

    def link(match: re.Match) -> str:
        citation = quotes.get(int(match.group(1)))
        if citation is None:
            return match.group(0)
        title = f"“{citation['quote']}” — {citation['document']}, {citation['passage_id']}"
        return (
            f'<a class="cite" href="#cite-{index}-{citation["marker"]}" title="{esc(title)}">'
            f"{citation['marker']}</a>"
        )

    body = _MARKER.sub(link, _paragraphs(turn["answer"]))
    kind = "answer" if turn["answered"] else "answer abstained"
    notes = ""
    if not turn["answered"]:
        notes += '<p class="note">See <b>Related</b> in the panel for the closest passages.</p>'
    if turn.get("notice"):
        notes += f'<p class="note">{esc(turn["notice"])}</p>'
    if turn.get("unsupported"):
        notes += (
            f'<p class="note">{len(turn["unsupported"])} sentence(s) of the draft were left out: '
            "no passage supports them.</p>"
        )
    return f'<div class="{kind}">{body}</div>{notes}{render_meta(turn)}'


def render_meta(turn: dict) -> str:
    """The small line under an answer: query used, stage timings, backend."""
    timings = turn["timings"]
    stages = [
        f"{name.replace('_', ' ')} {timings[key]:,.0f} ms"
        for key, name in (("retrieve", "retrieve"), ("first_text", "first text"),
                          ("total", "total"))
        if key in timings
    ]
    if timings.get("condense", 0) >= 1:
        stages.insert(0, f"condense {timings['condense']:,.0f} ms")
    return (
        '<div class="meta">'
        f'<span title="the search query used">searched “{esc(turn["query"])}”</span>'
        f'<span>{" · ".join(stages)}</span>'
        f'<span title="the answerer">{esc(turn["backend"])}</span>'
        "</div>"
    )


def render_error(error: Exception) -> str:
    """What the chat shows when the core fails: what happened, what to do."""
    detail = str(error).strip() or type(error).__name__
    return (
        '<div class="answer failed"><p><b>Sorry, this question could not be answered.</b></p>'
        f"<p>{esc(detail)}</p>"
        "<p>The error was logged. Try again or rephrase; other questions still work.</p></div>"
    )


def _highlight(text: str, offset: int, spans: list[tuple[int, int, str]]) -> str:
    """text (starting at document offset) with the given absolute spans wrapped in <mark>."""
    out, cursor = [], 0
    for start, end, attrs in sorted(spans):
        start, end = max(start - offset, cursor), min(end - offset, len(text))
        if start >= end:
            continue  # overlapping or outside: the first mark wins
        out.append(esc(text[cursor:start]))
        out.append(f"<mark {attrs}>{esc(text[start:end])}</mark>")
        cursor = end
    out.append(esc(text[cursor:]))
    return "".join(out)


def _card_head(badge: str, doc_title: str, passage_id: str, section: str,
               release: dict | None = None) -> str:
    section = section.lstrip("#").strip()
    show = section and section != doc_title
    section_html = f'<span class="section">{esc(section)}</span>' if show else ""
    facts = [release.get(k, "") for k in ("date", "place", "file")] if release else []
    meta_html = (f'<span class="doc-meta">{esc(" · ".join(f for f in facts if f))}</span>'
                 if any(facts) else "")
    return (
        f'<span class="badge">{badge}</span><span class="head-text">'
        f'<span class="doc">{esc(doc_title)}</span>{meta_html}'
        f'<span class="pid">{esc(passage_id)}</span>{section_html}</span>'
    )


def render_sources(turns: list[dict], corpus) -> str:
    """The sources panel: one section per answered turn (the latest shown), cards and documents."""
    answered = [n for n, t in enumerate(turns) if not t["error"]]
    if not answered:
        return (
            '<div class="panel-empty"><p class="panel-title">Sources</p>'
            "<p>Every answer is made of sentences quoted from the release. Click a marker "
            'like <span class="cite demo">1</span> to read the passage it comes from, '
            "highlighted, and open it in the full release.</p></div>"
        )
    return "".join(
        _render_turn_sources(turns[n], n, corpus, shown=n == answered[-1]) for n in answered
    )


def _render_turn_sources(turn: dict, index: int, corpus, shown: bool) -> str:
    cards, docs = [], {}
    if turn["answered"]:
        title = "Sources"
        lead = "Click a card or a marker in the answer to open the passage."
        for c in turn["citations"]:
            key = f"{index}-{c['marker']}"
            passage = _highlight(
                c["passage_text"], c["passage_start"],
                [(c["start"], c["end"], 'class="quote"')],
            )
            cards.append(_card(key, str(c["marker"]), c, passage, "cite-card", c["quote"]))
            docs.setdefault(c["doc_slug"], []).append(
                (c["start"], c["end"], f'class="quote dm-{key}"')
            )
    else:
        title = "Related"
        lead = ("The release does not answer this. These are the closest passages, "
                "for reading only: they are not citations.")
        for n, r in enumerate(turn["related"], 1):
            key = f"{index}-r{n}"
            cards.append(_card(key, "·", r, esc(r["passage_text"]), "related-card", ""))
            docs.setdefault(r["doc_slug"], []).append(
                (r["passage_start"], r["passage_start"] + len(r["passage_text"]),
                 f'class="related-span dm-{key}"')
            )
    # (A release removed since this turn has no full text to show any more.)
    views = "".join(
        _render_document(corpus.document(slug), spans, f"{index}-{slug}")
        for slug, spans in docs.items() if slug in corpus.slugs()
    )
    question = esc(turn["question"])
    return (
        f'<section {"" if shown else "hidden "}class="turn" id="turn-{index}">'
        f'<div class="cards"><p class="panel-title {title.lower()}">{title}</p>'
        f'<p class="panel-lead">{lead}</p><p class="panel-q">For: “{question}”</p>'
        f'{"".join(cards)}</div>{views}</section>'
    )


def _card(key: str, badge: str, item: dict, passage_html: str, kind: str, quote: str) -> str:
    quote_html = f'<p class="card-quote">“{esc(quote)}”</p>' if quote else ""
    head = _card_head(badge, item["document"], item["passage_id"], item["section"],
                      item.get("release"))
    return (
        f'<article class="card {kind}" id="src-{key}">'
        f'<button type="button" class="card-head" value="{key}">{head}</button>'
        f"{quote_html}"
        f'<div class="card-body"><p class="passage">{passage_html}</p>'
        f'<button type="button" class="view-doc" value="{key}">View in the release →</button>'
        "</div></article>"
    )


def _render_document(document, spans: list[tuple[int, int, str]], key: str) -> str:
    return (
        f'<div class="docview" hidden id="doc-{esc(key)}">'
        '<div class="doc-bar"><button type="button" class="back">← Sources</button>'
        f'<span class="doc-title">{esc(document.title)}</span>'
        f'<span class="doc-path">{esc(document.path)}</span></div>'
        f'<div class="doc-text">{_highlight(document.text, 0, spans)}</div></div>'
    )


# --- the conversation -----------------------------------------------------------------

def turn_from_reply(reply) -> dict:
    """The parts of a Reply the page and the feedback file keep (plain JSON)."""
    turn = reply.to_dict()
    del turn["passages"]  # the page shows citations and related reading, not scores
    return {"id": uuid.uuid4().hex, **turn, "error": False}


def history_of(turns: list[dict]) -> list[dict]:
    """Earlier turns in the form Assistant.stream takes (failed turns left out)."""
    history = []
    for turn in turns:
        if not turn["error"]:
            history.append({"role": "user", "content": turn["question"]})
            history.append({"role": "assistant", "content": turn["answer"]})
    return history


def new_conversation() -> dict:
    """An empty conversation: chat messages as shown, and one turn per answer."""
    return {"messages": [], "turns": []}


def ask_payload(reply) -> dict:
    """What the API returns: the reply's one JSON form, without retrieval scores."""
    payload = reply.to_dict()
    del payload["passages"]
    return payload


# --- feedback ---------------------------------------------------------------------------

def public_settings(settings) -> dict:
    """Settings worth keeping with feedback (never the API key)."""
    return {
        f.name: str(getattr(settings, f.name)) if isinstance(getattr(settings, f.name), Path)
        else getattr(settings, f.name)
        for f in fields(settings)
        if f.name != "llm_api_key"
    }


def save_feedback(settings, turn: dict, rating: str, comment: str = "") -> dict:
    """Append one feedback record to data_dir/feedback.jsonl; the last record per id wins."""
    record = {
        "id": turn["id"],
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "comment": comment,
        "question": turn["question"],
        "answer": turn["answer"],
        "answered": turn["answered"],
        "citations": [
            {k: c[k] for k in ("marker", "passage_id", "document", "quote", "start", "end")}
            for c in turn["citations"]
        ],
        "query": turn["query"],
        "backend": turn["backend"],
        "settings": public_settings(settings),
    }
    path = Path(settings.data_dir) / FEEDBACK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with _feedback_lock, path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


# --- the app ----------------------------------------------------------------------------

def example_questions(bot, count: int = EXAMPLE_COUNT) -> list[str]:
    """Short questions about different passages: from questions.jsonl when the corpus has one,
    else one per section heading."""
    picked, seen = [], set()
    rows_file = Path(bot.settings.corpus_dir) / "questions.jsonl"
    try:  # examples are a nicety: a broken question file must not stop the page
        lines = rows_file.read_text(encoding="utf-8").splitlines() if rows_file.is_file() else []
    except (OSError, ValueError):
        lines = []
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if not isinstance(row, dict):
            continue
        question = row.get("user_input", "")
        context = (row.get("reference_contexts") or [""])[0]
        if not (isinstance(question, str) and isinstance(context, str)):
            continue
        if not (row.get("answerable") and not row.get("history")
                and row.get("question_type") == "factoid"
                and len(question) <= EXAMPLE_MAX_CHARS):
            continue
        passage = next(
            (p.id for p in bot.corpus.passages if context and context in p.text), None
        )
        if passage is None or passage in seen:
            continue
        seen.add(passage)
        picked.append(question)
        if len(picked) == count:
            return picked
    for passage in bot.corpus.passages:
        heading = passage.section.lstrip("#").strip()
        if re.search(r"[<>{}\[\]]", heading):
            continue  # markup makes a poor suggestion (it would still be shown as text)
        if heading and heading not in seen and len(picked) < count:
            seen.add(heading)
            topic = textwrap.shorten(heading, EXAMPLE_MAX_CHARS - 32, placeholder="…")
            if topic[1:2].islower():
                topic = topic[0].lower() + topic[1:]  # keep "EU", lower "Fight"
            picked.append(f"What does the release say about {topic}?")
    return picked


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def build_app(bot, warming: threading.Thread | None = None, uploads: bool = True):
    """The chat page over one shared Assistant (launch it with launch()).

    warming: a thread still loading the models; questions wait for it rather than load twice.
    uploads: whether readers may add releases from the page (serve() allows it on
    loopback or behind a login).
    """
    import gradio as gr

    from .conversation import QuestionError, check_question
    from .index import IndexUnavailable

    corpus = bot.corpus
    titles = ", ".join(d.title for d in corpus.documents[:2])
    more = f" and {len(corpus.documents) - 2} more" if len(corpus.documents) > 2 else ""

    def respond(message: str, conv: dict, picked: list[str] | None = None):
        conv = {"messages": list(conv["messages"]), "turns": list(conv["turns"])}
        if not (message or "").strip():
            yield gr.skip(), gr.skip(), gr.skip(), _hint(EMPTY_HINT), gr.skip(), gr.skip()
            return
        try:
            question = check_question(message, bot.settings.max_question_chars)
        except QuestionError as error:
            yield gr.skip(), gr.skip(), gr.skip(), _hint(str(error), "warn"), gr.skip(), gr.skip()
            return
        messages = conv["messages"]
        index = len(conv["turns"])
        messages.append({"role": "user", "content": render_question(question)})
        messages.append({"role": "assistant", "content": TYPING})
        yield messages, "", gr.skip(), _hint(""), conv, gr.Row(visible=False)
        text, reply = "", None
        try:
            if warming is not None:
                warming.join()
            # Only the last turns matter to a follow-up; a long chat must not hit the
            # API's limit on history.
            recent = history_of(conv["turns"])[-2 * bot.settings.max_history_turns :]
            for item in bot.stream(question, recent, picked or None):
                if isinstance(item, str):
                    text += item
                    messages[-1] = {"role": "assistant", "content": render_streaming(text)}
                    yield messages, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                else:
                    reply = item
            turn = turn_from_reply(reply)
            messages[-1] = {"role": "assistant", "content": render_answer(turn, index)}
        except Exception as error:  # the page must keep serving whatever the core does
            log.exception("answering %r failed", question[:200])
            if isinstance(error, (QuestionError, IndexUnavailable)):  # already one sentence
                content = render_error(error)
            else:
                content = render_error(RuntimeError(f"{type(error).__name__}: {error}"))
            turn = {"id": uuid.uuid4().hex, "question": question, "answer": "", "error": True,
                    "answered": False, "citations": [], "related": [], "query": question,
                    "backend": "", "timings": {}}
            messages[-1] = {"role": "assistant", "content": content}
        conv["turns"].append(turn)
        yield (messages, gr.skip(), render_sources(conv["turns"], bot.corpus), gr.skip(), conv,
               gr.skip())

    def pick_example(evt: gr.SelectData) -> str:
        return evt.value["text"]

    def vote(conv: dict, data: gr.LikeData):
        index = data.index if isinstance(data.index, int) else data.index[0]
        turns = conv["turns"]
        turn = turns[index // 2] if index // 2 < len(turns) else None
        if turn is None or turn["error"] or data.liked not in (True, False):
            return gr.skip(), gr.Row(visible=False), _hint("")
        rating = "up" if data.liked else "down"
        try:
            save_feedback(bot.settings, turn, rating)
        except OSError as error:
            return gr.skip(), gr.Row(visible=False), _unsaved(error)
        pending = {"turn": turn, "rating": rating}
        prompt = "Thanks! What was good?" if data.liked else "Thanks. What was wrong or missing?"
        return pending, gr.Row(visible=True), _hint(prompt + " (optional, below)")

    def comment(text: str, pending: dict | None):
        if not pending or not text.strip():
            return gr.skip(), gr.Row(visible=False), _hint("")
        try:
            save_feedback(bot.settings, pending["turn"], pending["rating"], text.strip()[:4000])
        except OSError as error:
            return gr.skip(), gr.Row(visible=True), _unsaved(error)
        return "", gr.Row(visible=False), _hint("Thanks, your comment was saved.", "ok")

    def reset():
        return [], "", render_sources([], bot.corpus), _hint(""), new_conversation(), gr.Row(
            visible=False
        ), None

    adding = threading.Lock()  # one upload indexes at a time

    def add_files(files: list | None, progress=gr.Progress()):  # noqa: B008 (Gradio's way)
        if not files:
            return gr.skip(), gr.skip(), None
        paths = [Path(getattr(f, "name", f)) for f in files]
        with adding:
            added = library.add(bot.settings.corpus_dir, paths, bot.settings.max_document_bytes)
            kept, unusable = [], []
            if added.copied:
                def report(done: int, total: int, what: str) -> None:
                    progress((done, total), desc="Indexing", unit="texts")

                bot.reload(report)
                kept, unusable = library.keep_readable(
                    bot.settings.corpus_dir, bot.corpus, added.copied)
                if unusable:
                    bot.reload()  # the unusable copies are gone again
        done = [f"Added {name}." for name in kept]
        text = " ".join(done + added.refused + [f"{m} Not added." for m in unusable])
        kind = "warn" if added.refused or unusable else "ok"
        return _release_choices(bot), _hint(text, kind), None

    def ask(question: str, history: list | None = None,
            releases: list[str] | None = None) -> dict:
        """Answer a question about the releases (all, or the slugs given); returns the
        answer and its citations."""
        if warming is not None:
            warming.join()
        try:
            reply = bot.ask(question, history or None, releases or None)
        except (QuestionError, IndexUnavailable) as error:
            raise gr.Error(str(error)) from None
        except Exception as error:  # a readable message for the client, the trace in the log
            log.exception("API question %r failed", str(question)[:200])
            raise gr.Error(f"The assistant failed: {type(error).__name__}: {error}") from None
        return ask_payload(reply)

    with gr.Blocks(title="Release Assistant", analytics_enabled=False) as app:
        conv = gr.State(new_conversation())
        pending = gr.State(None)
        with gr.Row(elem_id="topbar"):
            gr.HTML(
                '<div class="brand"><span class="logo">❝</span><div>'
                '<h1>Release Assistant</h1>'
                f'<p>Answers about <b>{esc(titles)}</b>{esc(more)}, '
                "every sentence quoted from the source.</p></div></div>",
                js_on_load=None,
            )
            new_chat = gr.Button("+ New chat", elem_id="new-chat", size="sm", scale=0,
                                 variant="secondary")
        with gr.Row(elem_id="main", equal_height=False):
            with gr.Column(scale=3, min_width=420, elem_id="chat-col"):
                chat = gr.Chatbot(
                    elem_id="chat",
                    show_label=False,
                    height="min(68vh, 760px)",
                    min_height=380,
                    render_markdown=False,
                    latex_delimiters=[],
                    sanitize_html=True,
                    buttons=["copy"],
                    feedback_options=("Like", "Dislike"),
                    layout="panel",
                    placeholder=(
                        "<div class='welcome'><h2>Ask about the release</h2>"
                        "<p>Answers quote the release word for word. Hover a marker to see "
                        "the quote, click it to open the passage.</p></div>"
                    ),
                    examples=[{"text": q} for q in example_questions(bot)],
                )
                box = gr.Textbox(
                    elem_id="box",
                    show_label=False,
                    placeholder="Ask a question about the release…",
                    lines=1,
                    max_lines=6,
                    autofocus=True,
                    submit_btn="Ask",
                )
                notice = gr.HTML(_hint(""), elem_id="notice", js_on_load=None)
                with gr.Row(visible=False, elem_id="feedback-row") as feedback_row:
                    comment_box = gr.Textbox(
                        show_label=False, placeholder="Optional comment…", scale=5,
                        elem_id="comment", max_lines=4,
                    )
                    send = gr.Button("Send", size="sm", scale=1, elem_id="send-comment")
            with gr.Column(scale=2, min_width=320, elem_id="side"):
                # With several releases, the reader may keep a question to some of them.
                picker = gr.Dropdown(
                    choices=_release_options(corpus.documents),
                    value=[], multiselect=True, label="Search in",
                    info="All releases when none is picked.", elem_id="releases",
                    visible=len(corpus.documents) > 1,
                )
                upload = gr.File(
                    label="Add releases (.md .txt .html .pdf .docx)", file_count="multiple",
                    file_types=list(SUFFIXES), elem_id="upload", visible=uploads, height=130,
                )
                sources = gr.HTML(render_sources([], corpus), elem_id="sources", js_on_load=None)

        outputs = [chat, box, sources, notice, conv, feedback_row]
        private = {"api_visibility": "private"}
        box.submit(respond, [box, conv, picker], outputs, concurrency_limit=4, **private)
        chat.example_select(pick_example, None, box, **private).then(
            respond, [box, conv, picker], outputs, concurrency_limit=4, **private
        )
        chat.like(vote, conv, [pending, feedback_row, notice], **private)
        send.click(comment, [comment_box, pending], [comment_box, feedback_row, notice], **private)
        comment_box.submit(
            comment, [comment_box, pending], [comment_box, feedback_row, notice], **private
        )
        reset_outputs = [chat, box, sources, notice, conv, feedback_row, pending]
        new_chat.click(reset, None, reset_outputs, **private)
        chat.clear(reset, None, reset_outputs, **private)
        if uploads:
            upload.upload(add_files, upload, [picker, notice, upload],
                          concurrency_limit=1, **private)
        # Each page load says whether some releases are still being indexed.
        app.load(lambda: _hint(_indexing_note(bot)), None, notice, **private)
        gr.api(ask, api_name="ask")
    app.queue(default_concurrency_limit=4)
    return app


def _indexing_note(bot) -> str:
    if not bot.pending:
        return ""
    return (f"{len(bot.pending)} release(s) are still being indexed; answers come from the "
            f"{len(bot.corpus.documents)} indexed so far.")


def _catch_up(bot) -> None:
    """Index the releases the chat started without, then answer from all of them."""
    try:
        report = bot.reload()
    except Exception as error:  # keep serving what is indexed
        log.error("indexing the remaining releases failed: %s", error)
        return
    print(f"assistant: all {len(bot.corpus.documents)} releases are indexed "
          f"({len(report.embedded)} embedded).", file=sys.stderr, flush=True)


def watch_library(bot, every: float) -> threading.Event:
    """Reload bot whenever a file of its corpus folder is added, edited or removed
    (by `assistant add`, by hand), looking every `every` seconds; set the returned
    event to stop. Questions are answered from the old text until the new is indexed."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every):
            try:
                report = bot.reload_if_changed()
            except Exception as error:  # keep serving what is indexed
                log.error("the library changed but could not be reloaded: %s", error)
                continue
            if report is not None:
                print(f"assistant: the library changed: {len(bot.corpus.documents)} "
                      f"release(s), {len(report.embedded)} embedded, {len(report.removed)} "
                      "removed.", file=sys.stderr, flush=True)

    threading.Thread(target=run, name="library-watch", daemon=True).start()
    return stop


def _release_options(documents) -> list[tuple[str, str]]:
    """The picker's options: (what the reader sees, the slug it stands for)."""
    return [(f"{d.title} ({d.slug})", d.slug) for d in documents]


def _release_choices(bot):
    """The picker after the library changed: every release, none picked."""
    import gradio as gr

    documents = bot.corpus.documents
    return gr.Dropdown(choices=_release_options(documents),
                       value=[], visible=len(documents) > 1)


def _unsaved(error: OSError) -> str:
    log.error("feedback not saved: %s", error)
    return _hint(f"Sorry, your feedback could not be saved ({error.strerror or error}).", "warn")


def _hint(text: str, kind: str = "info") -> str:
    return f'<p class="hint {kind}">{esc(text)}</p>' if text else '<p class="hint"></p>'


MAX_CALL_BYTES = 2 * 1024 * 1024  # a question with its history, as JSON, fits easily
MAX_UPLOAD_FILES = 10  # files of the largest size one upload may carry at once


class BodyLimit:
    """Refuses a request whose body is larger than the route allows before a byte of
    it is parsed: by its Content-Length, or, when it streams in without one, as soon
    as it passes the limit. Uploads may be as large as one release file; every other
    call (a question with its history) MAX_CALL_BYTES."""

    def __init__(self, app, upload_bytes: int):
        self.app = app
        self.upload_bytes = upload_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        upload = scope["path"].rstrip("/").endswith("/upload")
        # Several files may come in one upload (Gradio checks each one's size itself).
        limit = MAX_UPLOAD_FILES * self.upload_bytes + 64 * 1024 if upload else MAX_CALL_BYTES
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > limit:
            return await _refuse(send, int(declared), limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:  # no Content-Length: stop reading, as if the client left
                return {"type": "http.disconnect"}
            return message

        return await self.app(scope, counted, send)


async def _refuse(send, size: int, limit: int) -> None:
    body = json.dumps({"error": f"The request is {size:,} bytes; the limit is {limit:,}."})
    await send({"type": "http.response.start", "status": 413, "headers": [
        (b"content-type", b"application/json"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body.encode()})


class LoginThrottle:
    """Slows failed logins per client address: each failure in a row makes that
    client's next attempt wait twice as long (0.25 s up to MAX_LOGIN_DELAY), whatever
    user name it tries; a success clears it."""

    def __init__(self, app, sleep=None):
        import asyncio

        self.app = app
        self._sleep = sleep or asyncio.sleep
        self._failures: dict[str, int] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].rstrip("/").endswith("/login") \
                or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        if failures := self._failures.get(client, 0):
            await self._sleep(_login_wait(failures))
        status = {}

        async def noted(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, noted)
        if status.get("code") == 200:
            self._failures.pop(client, None)
        elif status.get("code", 0) >= 400:
            if len(self._failures) >= MAX_TRACKED_NAMES:
                self._failures.clear()
            self._failures[client] = failures + 1


class Login:
    """Checks a login against the configured users; each failed attempt on a user name
    waits twice as long as the last (up to MAX_LOGIN_DELAY seconds), so guessing a
    password is slow while a reader who mistypes once hardly notices."""

    def __init__(self, users: dict[str, str], sleep=None):
        import asyncio

        self.users = users
        self._sleep = sleep or asyncio.sleep
        self._failures: dict[str, int] = {}
        self._locks: dict[str, object] = {}

    async def check(self, username: str, password: str) -> bool:
        """Whether the login is right; a wrong one returns only after its wait."""
        import hmac

        # One attempt at a time per name: guesses sent in parallel wait in line.
        async with self._lock_for(username):
            expected = self.users.get(username, "")
            if expected and hmac.compare_digest(expected.encode(), password.encode()):
                self._failures.pop(username, None)
                return True
            if len(self._failures) >= MAX_TRACKED_NAMES:  # names made up by the thousand
                self._failures.clear()
            failures = self._failures[username] = self._failures.get(username, 0) + 1
            log.warning("failed login for %r (%d in a row)", username[:60], failures)
            await self._sleep(_login_wait(failures))
            return False

    def _lock_for(self, username: str):
        import asyncio

        if len(self._locks) >= MAX_TRACKED_NAMES:
            self._locks = {n: lock for n, lock in self._locks.items() if lock.locked()}
        return self._locks.setdefault(username, asyncio.Lock())


FIRST_LOGIN_DELAY, MAX_LOGIN_DELAY = 0.25, 8.0


def _login_wait(failures: int) -> float:
    """Seconds before the next attempt after this many failures in a row."""
    return min(MAX_LOGIN_DELAY, FIRST_LOGIN_DELAY * 2 ** (failures - 1))
MAX_TRACKED_NAMES = 10_000  # user names (or client addresses) whose failures are remembered


def read_users(auth: str | None = None, auth_file: str | None = None,
               environ: dict | None = None) -> dict[str, str]:
    """The users allowed in, user -> password: from --auth-file (one USER:PASSWORD a
    line, # comments), else ASSISTANT_AUTH, else --auth. Empty: no login."""
    from .config import ConfigError

    environ = os.environ if environ is None else environ
    if auth_file:
        try:
            lines = Path(auth_file).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigError(f"--auth-file {auth_file}: {error.strerror}.") from None
        source = f"--auth-file {auth_file}"
    elif environ.get("ASSISTANT_AUTH"):
        lines, source = [environ["ASSISTANT_AUTH"]], "ASSISTANT_AUTH"
    elif auth:
        lines, source = [auth], "--auth"
    else:
        return {}
    users = {}
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not (sep and user and password):
            raise ConfigError(f"{source}: line {n} must look like USER:PASSWORD.")
        users[user] = password
    if not users:
        raise ConfigError(f"{source} names no USER:PASSWORD.")
    return users


def launch(app, host: str | None = None, port: int | None = None,
           users: dict[str, str] | None = None, block: bool = True, max_file_mb: float = 20.0):
    """Start the page's server (theme, styles and script included); returns the app.
    users: user -> password when the page asks for a login (see read_users)."""
    import gradio as gr

    theme = gr.themes.Default(
        primary_hue="indigo", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS,
        radius_size="md",
    ).set(body_background_fill="#f5f6fa", body_background_fill_dark="#f5f6fa")
    from starlette.middleware import Middleware

    # A bound coroutine method: Gradio awaits only what inspect sees as a coroutine
    # function (a callable object's coroutine would be truthy, letting anyone in).
    credentials = Login(users).check if users else None
    app.launch(
        server_name=host or DEFAULT_HOST,
        server_port=port or DEFAULT_PORT,
        auth=credentials,
        auth_message="Release Assistant: sign in to ask questions." if credentials else None,
        theme=theme,
        css=_asset("web.css"),
        head=f"<script>{_asset('web.js')}</script>",
        footer_links=[],
        run_history=False,
        enable_monitoring=False,
        show_error=True,
        quiet=True,
        # Gradio refuses a larger upload before reading it (it takes whole kilobytes).
        max_file_size=f"{max(1, round(max_file_mb * 1024))}kb",
        app_kwargs={"middleware": [
            Middleware(BodyLimit, upload_bytes=int(max_file_mb * 1024 * 1024)),
            Middleware(LoginThrottle)]},
        prevent_thread_lock=not block,
    )
    return app


def _is_loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def serve(args) -> int:
    """`assistant web`: index the corpus, then serve the chat until interrupted."""
    from .pipeline import Assistant

    started = time.perf_counter()
    host, port = args.host or DEFAULT_HOST, args.port or DEFAULT_PORT
    users = read_users(args.auth, args.auth_file)  # a bad file fails before the slow part
    if args.auth and not args.auth_file and not os.environ.get("ASSISTANT_AUTH"):
        print("assistant: note: a password on the command line is visible to anyone who "
              "can list processes; prefer --auth-file or ASSISTANT_AUTH.", file=sys.stderr)
    print("assistant: loading the release and the index…", file=sys.stderr, flush=True)
    bot = Assistant(args.corpus, args.data, serve_while_indexing=True)
    for problem in bot.problems:
        print(f"assistant: {problem}", file=sys.stderr)
    if bot.pending:
        print(f"assistant: answering from the {len(bot.corpus.documents)} release(s) already "
              f"indexed while {len(bot.pending)} more are indexed: "
              f"{', '.join(bot.pending[:5])}{' …' if len(bot.pending) > 5 else ''}",
              file=sys.stderr, flush=True)
        threading.Thread(target=_catch_up, args=(bot,), daemon=True).start()
    # Load the models while the page starts, not on the first question. Gradio is
    # imported first: two threads importing overlapping packages can deadlock.
    import gradio  # noqa: F401

    # One whole question loads everything the first reader would wait for (the
    # embedding model, the entity model, the word vectors).
    warming = threading.Thread(target=bot.ask, args=("What was agreed?",), daemon=True)
    warming.start()
    # Adding releases from the page needs a login unless only this machine can reach it.
    app = build_app(bot, warming, uploads=_is_loopback(host) or bool(users))
    try:
        launch(app, host, port, users, block=False, max_file_mb=bot.settings.max_document_mb)
    except OSError as error:  # gradio says "Cannot find empty port" when it is taken
        log.debug("launch failed: %s", error)
        print(f"assistant: cannot listen on {host}:{port}: the port is in use or not allowed. "
              "Pick another one with --port.", file=sys.stderr)
        return 1
    if bot.settings.watch_seconds > 0:
        watch_library(bot, bot.settings.watch_seconds)
    if not _is_loopback(host) and not users:
        print(f"assistant: warning: {host} is reachable from other machines and no login "
              "is set (--auth-file): anyone who can reach it can use the chat.",
              file=sys.stderr)
    print(f"Release Assistant ready in {time.perf_counter() - started:.1f} s: "
          f"http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    try:
        app.block_thread()
    finally:
        app.close()
    return 0
