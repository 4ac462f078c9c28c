"""The connection to Chroma, on disk or a server: deadlines on every call, a breaker
for a failing server, and Chroma's own errors turned into one sentence. A damaged
index is set aside to be rebuilt; a read-only one is served from a working copy."""

from __future__ import annotations

import functools
import logging
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

log = logging.getLogger(__name__)
SERVER_FAILURES, SERVER_PAUSE = 2, 30.0  # a failing Chroma server: failures, then rest (s)


class IndexUnavailable(RuntimeError):
    """The vector store cannot be reached or used."""


class IndexDamaged(IndexUnavailable):
    """The index on disk cannot be read: rebuild it (`assistant index --rebuild`)."""


def guarded(method):
    """Chroma's own errors (a damaged file, a server that went away) become one
    sentence that says what to do, instead of a trace from deep inside Chroma."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        # (While __init__ runs, the settings are still its argument.)
        settings = getattr(self, "settings", None) or (args[0] if args else kwargs["settings"])
        server = settings.chroma_url
        breaker = getattr(self, "breaker", None)
        if server and breaker and (resting := breaker.resting()):
            raise IndexUnavailable(
                f"The Chroma server at {server} failed {breaker.in_a_row} times in a row; "
                f"it is tried again in {resting:.0f} s.")
        try:
            result = method(self, *args, **kwargs)
        except IndexUnavailable:
            if breaker:
                breaker.record(ok=False)
            raise
        except Exception as error:
            if not _is_store_error(error):
                raise
            if server and breaker:
                breaker.record(ok=False)
            if server:
                if "Timeout" in type(error).__name__:
                    raise IndexUnavailable(
                        f"The Chroma server at {settings.chroma_url} did not answer "
                        f"within {settings.chroma_timeout:g} s (ASSISTANT_CHROMA_TIMEOUT)."
                    ) from None
                raise IndexUnavailable(describe(settings, error)) from None
            where = settings.data_dir / "chroma"
            raise IndexDamaged(
                f"The index in {where} cannot be read ({type(error).__name__}: "
                f"{str(error)[:200]}). Rebuild it: assistant index --rebuild"
            ) from None
        if breaker:
            breaker.record(ok=True)
        return result

    return call


def _is_store_error(error: Exception) -> bool:
    """Whether an error comes from the vector store or its connection, not our code."""
    import sqlite3

    package = type(error).__module__.split(".")[0]
    return isinstance(error, (sqlite3.Error, ConnectionError, TimeoutError)) or package in (
        "chromadb", "httpx", "httpcore")


def set_aside(settings) -> Path | None:
    """Move the on-disk index out of the way (kept beside it, for a look) so the next
    open builds a new one; None when there is none or it lives on a server."""
    from chromadb.api.client import SharedSystemClient

    path = Path(settings.data_dir) / "chroma"
    if settings.chroma_url or not path.exists():
        return None
    SharedSystemClient.clear_system_cache()  # forget the open handles on the old files
    target = path.with_name(f"chroma.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(target)
    return target


def chroma_client(settings):
    """A Chroma client for the settings, and the working copy's path when it is one."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise IndexUnavailable(
                f"ASSISTANT_CHROMA_URL={settings.chroma_url!r} is not a URL like "
                "http://127.0.0.1:8000."
            )
        _heartbeat(settings)  # Chroma's client would wait forever for a mute server
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as error:
            raise IndexUnavailable(describe(settings, error)) from None
        _bound_calls(client, settings.chroma_timeout)
        return client, None
    path, copy = settings.data_dir / "chroma", None
    if path.is_dir() and not _writable(path):
        path = copy = _working_copy(path)
    else:
        path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings), copy


def check_database(path: Path) -> None:
    """Raise IndexDamaged when Chroma's database file on disk is damaged (SQLite's
    quick check reads every page: a fraction of a second at ten thousand releases),
    since a start no longer reads every record and would not otherwise notice."""
    import sqlite3

    database = path / "chroma.sqlite3"
    if not database.exists():
        return
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        verdict = str(error)
    if verdict != "ok":
        raise IndexDamaged(f"The index in {path} cannot be read ({verdict[:200]}). "
                           "Rebuild it: assistant index --rebuild")


def _writable(folder: Path) -> bool:
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _working_copy(path: Path) -> Path:
    """A temporary copy of a read-only index (a read-only mount, another user's
    folder) that Chroma may open for writing; removed when the process ends."""
    import atexit
    import shutil

    scratch = Path(tempfile.mkdtemp(prefix="assistant-index-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    copy = scratch / "chroma"
    shutil.copytree(path, copy)
    log.info("%s is read-only: answering from a copy of its index in %s", path, copy)
    return copy


def _heartbeat(settings) -> None:
    """Ask the server whether it is there, waiting no longer than its deadline."""
    import httpx

    url = settings.chroma_url.rstrip("/") + "/api/v2/heartbeat"
    try:
        httpx.get(url, timeout=settings.chroma_timeout).raise_for_status()
    except httpx.TimeoutException:
        raise IndexUnavailable(
            f"The Chroma server at {settings.chroma_url} did not answer within "
            f"{settings.chroma_timeout:g} s (ASSISTANT_CHROMA_TIMEOUT)."
        ) from None
    except httpx.HTTPError as error:
        raise IndexUnavailable(describe(settings, error)) from None


def _bound_calls(client, seconds: float) -> None:
    """Give every call of Chroma's HTTP client a deadline: it sets none, so a frozen
    server would hold a question until it woke up."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds, connect=min(seconds, 3.0))
    else:  # another Chroma version: say so rather than hang silently later
        log.warning("could not set a deadline on Chroma's HTTP calls")


def describe(settings, error: Exception) -> str:
    where = settings.chroma_url or f"{settings.data_dir / 'chroma'}"
    return f"Cannot use the Chroma index at {where}: {error}"
