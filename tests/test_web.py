"""The web chat, driven in a real Chromium: answers stream in, [n] opens the quoted passage.

The app runs in this process on a free loopback port; the page is checked the way a
reader would see it (visible text, highlights, what the browser fetches).
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from conftest import CORPUS, REPO, free_port
from playwright.sync_api import expect

from assistant import Assistant, Settings
from assistant.web import build_app, launch

SCREENSHOT_COPY = REPO.parent / "scratch" / "web-screenshot.png"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]
ANSWER_TIMEOUT_MS = 60_000
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

@contextmanager
def serving(bot):
    """The chat for bot on a free loopback port; its URL while the block runs."""
    app = build_app(bot)
    port = free_port()
    launch(app, "127.0.0.1", port, block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


def _bot(corpus_dir, tmp_path, embedder, **settings) -> Assistant:
    """An assistant over a test's own corpus folder, its index under tmp_path."""
    return Assistant(settings=Settings.from_env(
        {}, corpus_dir=corpus_dir, data_dir=tmp_path / "data", **settings), embedder=embedder)


@pytest.fixture(scope="module")
def url(bot):
    with serving(bot) as address:
        yield address


@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message + ": .ci/run must install it")  # never a silent skip in CI
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Chat:
    """A page of the chat and every URL it asked for."""

    page: object
    requests: list[str] = field(default_factory=list)

    def open(self, url: str) -> "Chat":
        self.page.goto(url)
        self.page.wait_for_selector("#box textarea")
        return self

    def ask(self, question: str):
        """Type a question, press Enter, wait for the finished answer; returns its locator."""
        finished = "#chat .bot-row :is(.meta, .failed)"
        before = self.page.locator(finished).count()
        self.page.fill("#box textarea", question)
        self.page.press("#box textarea", "Enter")
        self.page.wait_for_function(
            f"document.querySelectorAll('{finished}').length > {before}",
            timeout=ANSWER_TIMEOUT_MS,
        )
        return self.page.locator("#chat .bot-row").last

    def outside_hosts(self) -> set[str]:
        hosts = {urlparse(u).hostname for u in self.requests if urlparse(u).scheme not in
                 ("data", "blob", "about", "chrome-extension")}
        return hosts - LOOPBACK


@pytest.fixture
def chat(browser):
    context = browser.new_context(
        viewport={"width": 1360, "height": 900}, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    session = Chat(page)
    page.on("request", lambda request: session.requests.append(request.url))
    page.on("websocket", lambda ws: session.requests.append(ws.url))
    yield session
    context.close()


@pytest.mark.slow
@pytest.mark.browser
def test_marker_opens_the_passage_with_the_quote_highlighted(chat, url, bot, tmp_path):
    question = "Who is the State Secretary for asylum and migration?"
    expected = bot.ask(question).citations[0]
    chat.open(url)
    answer = chat.ask(question)
    marker = answer.locator("a.cite", has_text="1")
    assert marker.count() == 1, answer.inner_html()
    card_quote = chat.page.locator("#src-0-1 .passage mark.quote")
    assert not card_quote.is_visible()  # closed until the reader asks for it

    marker.hover()
    tip = chat.page.locator("#cite-tip")
    tip.wait_for(state="visible")
    assert expected.quote in tip.inner_text()

    marker.click()
    card_quote.wait_for(state="visible")
    assert card_quote.inner_text() == expected.quote
    card = chat.page.locator("#src-0-1")
    assert expected.document in card.inner_text() and expected.passage_id in card.inner_text()
    chat.page.mouse.move(5, 5)
    chat.page.wait_for_timeout(300)  # let the tooltip and the flash fade
    chat.page.screenshot(path=str(tmp_path / "answered.png"))
    SCREENSHOT_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "answered.png", SCREENSHOT_COPY)

    card.locator(".view-doc").click()
    in_release = chat.page.locator("#sources .docview mark.active")
    in_release.wait_for(state="visible")
    assert in_release.inner_text() == expected.quote
    expect(in_release).to_be_in_viewport()  # scrolled to the span, not left at the top
    chat.page.screenshot(path=str(tmp_path / "in-release.png"))
    assert not chat.outside_hosts(), chat.outside_hosts()


@pytest.mark.slow
@pytest.mark.browser
def test_unanswerable_question_lists_related_passages_not_citations(chat, url):
    chat.open(url)
    answer = chat.ask("How much funding did the European Ports Alliance receive?")
    assert "The release does not say" in answer.inner_text()
    assert answer.locator("a.cite, .cite").count() == 0
    panel = chat.page.locator("#sources section.turn:visible")
    assert panel.locator(".panel-title").inner_text().strip().lower() == "related"
    assert "not citations" in panel.inner_text()
    assert panel.locator(".related-card").count() >= 1
    assert panel.locator(".cite-card, mark.quote").count() == 0
    assert not chat.outside_hosts(), chat.outside_hosts()


@pytest.mark.slow
@pytest.mark.browser
def test_follow_up_question_uses_the_previous_turn(chat, url):
    chat.open(url)
    chat.ask("Who is the State Secretary for asylum and migration?")
    answer = chat.ask("What is her key priority?")
    assert "finalize the legal texts" in answer.locator(".answer").inner_text()
    searched = answer.locator(".meta").inner_text().lower()
    assert "state secretary" in searched or "asylum" in searched, searched
    # The panel follows the latest answer; the first answer's markers still open theirs.
    chat.page.locator("#chat a.cite[href='#cite-0-1']").click()
    chat.page.locator("#src-0-1 mark.quote").wait_for(state="visible")
    assert not chat.outside_hosts(), chat.outside_hosts()


@pytest.mark.slow
@pytest.mark.browser
def test_empty_and_huge_messages_get_a_hint_not_an_error(chat, url, bot):
    chat.open(url)
    hint = chat.page.locator("#notice .hint")
    chat.page.press("#box textarea", "Enter")
    chat.page.wait_for_function(
        "document.querySelector('#notice .hint').innerText.includes('Type a question')"
    )
    paste = "word " * 20_000  # 100 kB
    chat.page.fill("#box textarea", paste)
    chat.page.press("#box textarea", "Enter")
    chat.page.wait_for_function(
        "document.querySelector('#notice .hint').innerText.includes('limit')"
    )
    assert f"{bot.settings.max_question_chars:,}" in hint.inner_text()
    assert chat.page.locator("#chat .user-row").count() == 0
    assert chat.page.locator(".toast-body.error, .toast-wrap .error").count() == 0


@pytest.mark.slow
@pytest.mark.browser
def test_example_answer_copies_as_text_and_new_chat_starts_over(chat, url):
    chat.open(url)
    example = chat.page.locator("#chat .examples button.example").first
    asked = example.inner_text().strip()
    example.click()
    chat.page.locator("#chat .bot-row .meta").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert chat.page.locator("#chat .user-row").inner_text().strip() == asked
    answer = chat.page.locator("#chat .bot-row").last
    answer.locator("button[aria-label='Copy message']").click()
    chat.page.wait_for_timeout(200)
    copied = chat.page.evaluate("navigator.clipboard.readText()")
    assert "[1]" in copied and "Sources:\n[1] “" in copied, copied
    assert "<" not in copied  # text, not the HTML the message is stored as

    chat.page.click("#new-chat")
    chat.page.wait_for_function("document.querySelectorAll('#chat .bot-row').length === 0")
    assert "Click a marker" in chat.page.locator("#sources").inner_text()
    answer = chat.ask("What is her key priority?")  # nothing earlier to lean on any more
    assert "searched “What is her key priority?”" in answer.locator(".meta").inner_text()


@pytest.mark.slow
@pytest.mark.browser
def test_feedback_with_comment_is_saved_with_the_answer(chat, url, bot):
    chat.open(url)
    answer = chat.ask("When did the ministers meet for the Justice and Home Affairs Council?")
    answer.locator("button[aria-label='Like'], button[title='Like']").first.click()
    chat.page.locator("#comment textarea").wait_for(state="visible")
    chat.page.fill("#comment textarea", "Exactly the date I needed.")
    chat.page.click("#send-comment")
    chat.page.wait_for_function(
        "document.querySelector('#notice .hint').innerText.includes('saved')"
    )
    lines = (bot.settings.data_dir / "feedback.jsonl").read_text().splitlines()
    vote, commented = json.loads(lines[-2]), json.loads(lines[-1])
    assert vote["id"] == commented["id"] and vote["rating"] == commented["rating"] == "up"
    assert commented["comment"] == "Exactly the date I needed."
    assert commented["question"].startswith("When did the ministers meet")
    assert "25th of January" in commented["answer"]
    assert commented["citations"][0]["quote"] in commented["answer"]
    assert commented["settings"]["answerer"] == "extractive"
    assert "llm_api_key" not in commented["settings"]


HOSTILE = """\
---
title: Harbour <script>window.__xss = 1</script> notice
---
# Harbour notice <img src=x onerror="window.__xss = 2">

The lighthouse keeper <img src=x onerror="window.__xss = 3"> reported that the Ostend \
lighthouse lamp was replaced on Tuesday.

Visitors may climb the <script>window.__xss = 4</script> lighthouse tower on Sundays.
"""


@pytest.mark.slow
@pytest.mark.browser
def test_markup_in_a_document_renders_as_text(chat, corpus_copy, embedder, tmp_path):
    (corpus_copy / "harbour.md").write_text(HOSTILE)
    hostile = _bot(corpus_copy, tmp_path, embedder)
    with serving(hostile) as address:
        chat.open(address)
        answer = chat.ask("When was the Ostend lighthouse lamp replaced?")
        assert '<img src=x onerror="window.__xss = 3">' in answer.inner_text()
        answer.locator("a.cite").first.click()
        chat.page.locator("#sources .card.open .view-doc").click()
        document = chat.page.locator("#sources .docview:visible")
        assert "<script>window.__xss = 4</script>" in document.inner_text()
        assert "<script>window.__xss = 1</script>" in document.inner_text()
        assert chat.page.evaluate("typeof window.__xss") == "undefined"
        assert chat.page.locator("#chat img, #sources img, #topbar img").count() == 0
        assert chat.page.locator("#chat script, #sources script, #topbar script").count() == 0
    assert not chat.outside_hosts(), chat.outside_hosts()


class Scripted:
    """The real answerer, streamed word by word (as an LLM would), failing on request."""

    def __init__(self, inner):
        self.inner = inner
        self.name, self.backend = inner.name, inner.backend

    def stream(self, question, retrieval, verdict):
        if "explode" in question:
            raise RuntimeError("the index went away")
        for item in self.inner.stream(question, retrieval, verdict):
            if not isinstance(item, str):
                yield item
                continue
            for word in item.split(" "):
                time.sleep(0.08)
                yield word + " "


@pytest.mark.slow
@pytest.mark.browser
def test_answer_streams_and_a_failure_reads_as_a_message(chat, corpus_copy, embedder, tmp_path):
    scripted = _bot(corpus_copy, tmp_path, embedder)
    scripted.use(Scripted(scripted.answerer))
    with serving(scripted) as address:
        chat.open(address)
        failed = chat.ask("Why did it explode?")
        assert "RuntimeError: the index went away" in failed.inner_text()
        assert "Traceback" not in failed.inner_text()

        chat.page.fill("#box textarea", "Who is the State Secretary for asylum and migration?")
        chat.page.press("#box textarea", "Enter")
        partial = chat.page.locator("#chat .bot-row").last.locator(".answer .caret")
        partial.wait_for(state="attached", timeout=ANSWER_TIMEOUT_MS)
        early = chat.page.locator("#chat .bot-row").last.inner_text()
        answer = chat.page.locator("#chat .bot-row").last
        answer.locator(".meta").wait_for(timeout=ANSWER_TIMEOUT_MS)
        final = answer.locator(".answer").inner_text()
        assert "Nicole de Moor" in final and len(early.strip()) < len(final.strip())
        assert answer.locator("a.cite").count() >= 1  # the app kept serving after the failure


FISHERIES = """Fisheries Council, 3 April 2031

Valletta, 3 April 2031

Ministers agreed catch limits for cod in the Baltic Sea, lowered by 12% from last year.
"""


@pytest.mark.slow
@pytest.mark.browser
def test_a_question_can_be_kept_to_the_releases_picked(chat, corpus_copy, embedder, tmp_path):
    (corpus_copy / "fisheries.md").write_text(FISHERIES)
    two = _bot(corpus_copy, tmp_path, embedder)
    question = "What did ministers agree?"
    with serving(two) as address:
        chat.open(address)
        chat.page.locator("#releases input").click()
        chat.page.locator("ul[role=listbox] li", has_text="Fisheries Council").click()
        chat.page.keyboard.press("Escape")
        answer = chat.ask(question)
        assert "catch limits for cod" in answer.inner_text()
        cards = chat.page.locator("#sources .card")
        assert cards.count() >= 1
        assert all("Fisheries" in cards.nth(n).inner_text() for n in range(cards.count()))

        from gradio_client import Client

        client = Client(address, verbose=False)
        january = next(d.slug for d in two.corpus.documents if d.slug != "fisheries")
        kept = client.predict(question=question, releases=[january], api_name="/ask")
        assert {c["doc_slug"] for c in kept["citations"]} == {january}
        with pytest.raises(Exception, match="No release named"):
            client.predict(question=question, releases=["nope"], api_name="/ask")


@pytest.mark.slow
@pytest.mark.browser
def test_a_release_uploaded_as_pdf_is_answered_from_and_a_bad_file_is_named(
        chat, corpus_copy, embedder, tmp_path):
    from test_readers import write_release_pdf

    pdf = write_release_pdf(tmp_path / "fisheries-3-4-april-2031.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot a pdf")
    library_bot = _bot(corpus_copy, tmp_path, embedder)
    with serving(library_bot) as address:
        chat.open(address)
        chat.page.set_input_files("#upload input[type=file]", [str(broken)])
        expect(chat.page.locator("#notice")).to_contain_text(
            "broken.pdf is damaged or not a PDF.", timeout=ANSWER_TIMEOUT_MS)
        chat.page.set_input_files("#upload input[type=file]", [str(pdf)])
        expect(chat.page.locator("#notice")).to_contain_text(
            f"Added {pdf.name}.", timeout=ANSWER_TIMEOUT_MS)
        answer = chat.ask("What did ministers agree about cod in the Baltic Sea?")
        assert "catch limits for cod" in answer.inner_text()
        card = chat.page.locator("#sources .card").first
        assert "fisheries-3-4-april-2031.pdf" in card.inner_text()  # the card names the file
    assert (corpus_copy / pdf.name).exists() and not (corpus_copy / "broken.pdf").exists()


@pytest.mark.slow
@pytest.mark.browser
def test_a_duplicate_a_misnamed_and_an_oversized_upload_each_get_their_sentence(
        chat, corpus_copy, embedder, tmp_path):
    from test_readers import write_release_pdf

    (tmp_path / "in").mkdir()
    pdf = write_release_pdf(tmp_path / "in" / "fisheries.pdf")
    misnamed = tmp_path / "in" / "minutes.docx"
    misnamed.write_bytes(pdf.read_bytes())
    copy = tmp_path / "copy" / "release.md"
    copy.parent.mkdir()
    copy.write_bytes((corpus_copy / "informal-jha-council-25-january.md").read_bytes())
    big = tmp_path / "in" / "big.txt"
    big.write_text("Ministers met again. " * 20_000)  # about 400 KB
    small = _bot(corpus_copy, tmp_path, embedder, max_document_mb=0.25)
    before = sorted(p.name for p in corpus_copy.iterdir())
    app = build_app(small)
    port = free_port()
    launch(app, "127.0.0.1", port, block=False, max_file_mb=small.settings.max_document_mb)
    try:
        chat.open(f"http://127.0.0.1:{port}/")
        chat.page.set_input_files("#upload input[type=file]", [str(misnamed), str(copy)])
        notice = chat.page.locator("#notice")
        expect(notice).to_contain_text("minutes.docx holds a PDF", timeout=ANSWER_TIMEOUT_MS)
        expect(notice).to_contain_text(
            "release.md is already in the library as informal-jha-council-25-january.md.")
        chat.page.set_input_files("#upload input[type=file]", [str(big)])
        # Gradio refuses it before it reaches the server; the page says why.
        expect(chat.page.get_by_text("exceed the maximum allowed size").first).to_be_visible(
            timeout=ANSWER_TIMEOUT_MS)
        answer = chat.ask("Who is the State Secretary for asylum and migration?")
        assert "Nicole de Moor" in answer.inner_text()  # nothing indexed was lost
    finally:
        app.close()
    assert sorted(p.name for p in corpus_copy.iterdir()) == before


@pytest.mark.slow
def test_an_oversized_request_is_refused_before_its_body_is_read(url, bot):
    import http.client

    address = urlparse(url)
    # 100 MB for a question, 1 GB for an upload (which may carry several files).
    for path, megabytes in (("/gradio_api/call/ask", 100), ("/gradio_api/upload", 1024)):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(megabytes * 1024 * 1024))  # announced
        connection.endheaders(b"{" + b" " * 1024)  # ... and hardly any of it sent
        response = connection.getresponse()
        assert response.status == 413
        assert "the limit is" in json.loads(response.read())["error"]
        connection.close()
    # An ordinary question still gets through.
    from gradio_client import Client

    assert Client(url, verbose=False).predict(
        question="When did the ministers meet?", api_name="/ask")["answered"]


@pytest.mark.slow
def test_api_returns_answer_and_citations_as_data(url, bot):
    from gradio_client import Client

    client = Client(url, verbose=False)
    result = client.predict(
        question="What type of organisation is the European Ports Alliance?", api_name="/ask"
    )
    assert result["answered"] and "[1]" in result["answer"]
    first = result["citations"][0]
    document = bot.corpus.document(first["doc_slug"])
    assert document.text[first["start"] : first["end"]] == first["quote"]
    assert first["passage_id"].startswith(first["doc_slug"] + "#p")
    assert first["document"] == document.title

    follow_up = client.predict(
        question="What is her key priority?",
        history=[
            {"role": "user", "content": "Who is the State Secretary for asylum and migration?"},
            {"role": "assistant", "content": "Nicole de Moor."},
        ],
        api_name="/ask",
    )
    assert "finalize the legal texts" in follow_up["answer"]
    assert follow_up["query"] != "What is her key priority?"

    with pytest.raises(Exception, match="empty"):
        client.predict(question="   ", api_name="/ask")


@pytest.mark.slow
def test_assistant_web_prints_its_url_and_asks_for_the_login(tmp_path):
    port = free_port()
    users = tmp_path / "users.txt"
    users.write_text("# who may read\nreader:s3cret\n")
    command = [
        sys.executable, "-m", "assistant", "web", "--corpus", str(CORPUS),
        "--data", str(tmp_path / "data"), "--port", str(port), "--auth-file", str(users),
    ]
    server = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO)},
    )
    try:
        line = server.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line, (line, server.stderr.read())
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/gradio_api/info", timeout=10)
        assert refused.value.code == 401

        from gradio_client import Client

        with pytest.raises(ValueError, match="login"):
            Client(f"http://127.0.0.1:{port}/", auth=("reader", "guess"), verbose=False)
        client = Client(f"http://127.0.0.1:{port}/", auth=("reader", "s3cret"), verbose=False)
        result = client.predict(question="When did the ministers meet?", api_name="/ask")
        assert result["answered"] and result["citations"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_each_failed_login_on_a_name_waits_longer_and_a_success_resets():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from assistant import web

    waits = []

    async def record(seconds):
        waits.append(seconds)

    login = web.Login({"reader": "s3cret"}, sleep=record)
    attempts = [("reader", "a"), ("reader", "b"), ("reader", "c"), ("other", "x"),
                ("reader", "s3cret"), ("reader", "d")]
    # (In a thread of its own: the browser tests leave an event loop in this one.)
    with ThreadPoolExecutor(1) as pool:
        results = [pool.submit(asyncio.run, login.check(user, password)).result()
                   for user, password in attempts]
    assert results == [False, False, False, False, True, False]
    assert waits == [0.25, 0.5, 1.0, 0.25, 0.25]


def test_failed_logins_are_slowed_per_client_whatever_the_name(tmp_path):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from assistant.web import LoginThrottle

    waits = []

    async def record(seconds):
        waits.append(seconds)

    def login_page(outcomes):
        async def app(scope, receive, send):
            await send({"type": "http.response.start", "status": outcomes.pop(0),
                        "headers": []})
            await send({"type": "http.response.body", "body": b""})
        return app

    async def attempt(throttle, client):
        async def receive():
            return {"type": "http.request", "body": b""}

        async def send(message):
            pass

        scope = {"type": "http", "path": "/login", "method": "POST", "client": (client, 1)}
        await throttle(scope, receive, send)

    outcomes = [400, 400, 400, 400, 200, 400]
    throttle = LoginThrottle(login_page(outcomes), sleep=record)
    clients = ["10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.1"]
    with ThreadPoolExecutor(1) as pool:  # (an event loop of its own)
        for client in clients:
            pool.submit(asyncio.run, attempt(throttle, client)).result()
    # 10.0.0.1 waits before its 2nd and 3rd tries and before the one that succeeds;
    # the other client starts with no wait; after a success there is none.
    assert waits == [0.25, 0.5, 1.0]


def test_logins_come_from_a_file_the_environment_or_the_command_line(tmp_path):
    from assistant.config import ConfigError
    from assistant.web import read_users

    users = tmp_path / "users"
    users.write_text("ana:one\n\n# comment\nbo:two:with-colon\n")
    assert read_users(None, str(users), {}) == {"ana": "one", "bo": "two:with-colon"}
    assert read_users("cli:pw", None, {"ASSISTANT_AUTH": "env:pw"}) == {"env": "pw"}
    assert read_users("cli:pw", None, {}) == {"cli": "pw"}
    assert read_users(None, None, {}) == {}
    (tmp_path / "bad").write_text("nopassword\n")
    with pytest.raises(ConfigError, match="line 1 must look like USER:PASSWORD"):
        read_users(None, str(tmp_path / "bad"), {})
    with pytest.raises(ConfigError, match="missing"):
        read_users(None, str(tmp_path / "missing"), {})


@pytest.mark.slow
def test_a_running_chat_answers_from_a_release_added_or_edited_behind_it(
        corpus_copy, embedder, tmp_path):
    from gradio_client import Client

    from assistant.web import watch_library

    live = _bot(corpus_copy, tmp_path, embedder)
    stop = watch_library(live, 0.2)
    question = "What did ministers agree about cod?"
    try:
        with serving(live) as address:
            client = Client(address, verbose=False)
            assert not client.predict(question=question, api_name="/ask")["answered"]
            (corpus_copy / "fisheries.md").write_text(FISHERIES)  # as `assistant add` would
            result = _eventually(lambda: client.predict(question=question, api_name="/ask"),
                                 lambda r: r["answered"])
            assert "catch limits for cod" in result["answer"]
            (corpus_copy / "fisheries.md").write_text(FISHERIES.replace("12%", "15%"))
            result = _eventually(lambda: client.predict(question=question, api_name="/ask"),
                                 lambda r: "15%" in r["answer"])
            assert result["citations"][0]["quote"].endswith("lowered by 15% from last year.")
    finally:
        stop.set()


def _eventually(ask, done, seconds: float = 60.0):
    """ask() again until done(result) or seconds pass; the last result."""
    deadline = time.monotonic() + seconds
    result = ask()
    while not done(result) and time.monotonic() < deadline:
        time.sleep(0.3)
        result = ask()
    return result
