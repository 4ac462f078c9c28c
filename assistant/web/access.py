"""Who may reach the chat and how much they may send: logins and request limits.

The two middlewares are plain ASGI, so they run before Gradio parses anything.
"""

import asyncio
import hmac
import json
import logging
import os
from pathlib import Path

from ..config import ConfigError

log = logging.getLogger(__name__)

MAX_CALL_BYTES = 2 * 1024 * 1024  # a question with its history, as JSON, fits easily
MAX_UPLOAD_FILES = 10  # files of the largest size one upload may carry at once
FIRST_LOGIN_DELAY, MAX_LOGIN_DELAY = 0.25, 8.0
MAX_TRACKED_NAMES = 10_000  # user names (or client addresses) whose failures are remembered


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
        self.users = users
        self._sleep = sleep or asyncio.sleep
        self._failures: dict[str, int] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def check(self, username: str, password: str) -> bool:
        """Whether the login is right; a wrong one returns only after its wait."""
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

    def _lock_for(self, username: str) -> asyncio.Lock:
        if len(self._locks) >= MAX_TRACKED_NAMES:
            self._locks = {n: lock for n, lock in self._locks.items() if lock.locked()}
        return self._locks.setdefault(username, asyncio.Lock())


def _login_wait(failures: int) -> float:
    """Seconds before the next attempt after this many failures in a row."""
    return min(MAX_LOGIN_DELAY, FIRST_LOGIN_DELAY * 2 ** (failures - 1))


def read_users(auth: str | None = None, auth_file: str | None = None,
               environ: dict | None = None) -> dict[str, str]:
    """The users allowed in, user -> password: from --auth-file (one USER:PASSWORD a
    line, # comments), else ASSISTANT_AUTH, else --auth. Empty: no login."""
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
