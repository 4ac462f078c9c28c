"""`assistant web`: start the chat's server, keep its library current, stop cleanly."""

import ipaddress
import logging
import os
import sys
import threading
import time
from importlib import resources

from .access import BodyLimit, Login, LoginThrottle, read_users

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial",
                "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]

log = logging.getLogger(__name__)


def asset(name: str) -> str:
    """A file of the page's own styles or script, shipped as package data in assets/."""
    return (resources.files(__package__) / "assets" / name).read_text(encoding="utf-8")


def launch(app, host: str | None = None, port: int | None = None,
           users: dict[str, str] | None = None, block: bool = True, max_file_mb: float = 20.0):
    """Start the page's server (theme, styles and script included); returns the app.
    users: user -> password when the page asks for a login (see read_users)."""
    import gradio as gr
    from starlette.middleware import Middleware

    theme = gr.themes.Default(
        primary_hue="indigo", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS,
        radius_size="md",
    ).set(body_background_fill="#f5f6fa", body_background_fill_dark="#f5f6fa")
    # A bound coroutine method: Gradio awaits only what inspect sees as a coroutine
    # function (a callable object's coroutine would be truthy, letting anyone in).
    credentials = Login(users).check if users else None
    app.launch(
        server_name=host or DEFAULT_HOST,
        server_port=port or DEFAULT_PORT,
        auth=credentials,
        auth_message="Release Assistant: sign in to ask questions." if credentials else None,
        theme=theme,
        css=asset("web.css"),
        head=f"<script>{asset('web.js')}</script>",
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
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _say(text: str) -> None:
    print(f"assistant: {text}", file=sys.stderr, flush=True)


def _load(args):
    """The Assistant for `assistant web`, answering while any releases left are indexed."""
    from ..pipeline import Assistant

    _say("loading the release and the index…")
    bot = Assistant(args.corpus, args.data, serve_while_indexing=True)
    for problem in bot.problems:
        _say(str(problem))
    if bot.pending:
        _say(f"answering from the {len(bot.corpus.documents)} release(s) already "
             f"indexed while {len(bot.pending)} more are indexed: "
             f"{', '.join(bot.pending[:5])}{' …' if len(bot.pending) > 5 else ''}")
        threading.Thread(target=_catch_up, args=(bot,), daemon=True).start()
    return bot


def serve(args) -> int:
    """`assistant web`: index the corpus, then serve the chat until interrupted."""
    from ..config import quiet_telemetry

    quiet_telemetry()  # before Gradio and the hub client are imported
    started = time.perf_counter()
    host, port = args.host or DEFAULT_HOST, args.port or DEFAULT_PORT
    users = read_users(args.auth, args.auth_file)  # a bad file fails before the slow part
    if args.auth and not args.auth_file and not os.environ.get("ASSISTANT_AUTH"):
        _say("note: a password on the command line is visible to anyone who can list "
             "processes; prefer --auth-file or ASSISTANT_AUTH.")
    bot = _load(args)
    # Load the models while the page starts, not on the first question. Gradio is
    # imported first: two threads importing overlapping packages can deadlock.
    from .app import build_app

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
        _say(f"cannot listen on {host}:{port}: the port is in use or not allowed. "
             "Pick another one with --port.")
        return 1
    if bot.settings.watch_seconds > 0:
        watch_library(bot, bot.settings.watch_seconds)
    if not _is_loopback(host) and not users:
        _say(f"warning: {host} is reachable from other machines and no login is set "
             "(--auth-file): anyone who can reach it can use the chat.")
    print(f"Release Assistant ready in {time.perf_counter() - started:.1f} s: "
          f"http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    try:
        app.block_thread()
    finally:
        app.close()
    return 0


def _catch_up(bot) -> None:
    """Index the releases the chat started without, then answer from all of them."""
    try:
        report = bot.reload()
    except Exception as error:  # keep serving what is indexed
        log.error("indexing the remaining releases failed: %s", error)
        return
    _say(f"all {len(bot.corpus.documents)} releases are indexed "
         f"({len(report.embedded)} embedded).")


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
                _say(f"the library changed: {len(bot.corpus.documents)} release(s), "
                     f"{len(report.embedded)} embedded, {len(report.removed)} removed.")

    threading.Thread(target=run, name="library-watch", daemon=True).start()
    return stop
