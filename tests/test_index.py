"""The Chroma index: reused when unchanged, updated per document, on disk or a server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import free_port

from assistant import Assistant, Settings
from assistant.chroma import IndexUnavailable
from assistant.index import PassageIndex

pytestmark = pytest.mark.slow


def _open(corpus_dir, data_dir, embedder, **extra) -> Assistant:
    settings = Settings.from_env({}, corpus_dir=corpus_dir, data_dir=data_dir, **extra)
    return Assistant(settings=settings, embedder=embedder)


def test_second_open_reuses_the_index_without_embedding(corpus_copy, tmp_path, embedder):
    first = _open(corpus_copy, tmp_path / "data", embedder)
    assert first.sync_report.embedded == ["informal-jha-council-25-january"]
    before = embedder.texts_embedded
    second = _open(corpus_copy, tmp_path / "data", embedder)
    assert second.sync_report.embedded == []
    assert second.sync_report.reused == ["informal-jha-council-25-january"]
    assert embedder.texts_embedded == before
    assert second.ask("When did the ministers meet?").answered


def test_only_a_changed_or_added_document_is_embedded(corpus_copy, tmp_path, embedder):
    _open(corpus_copy, tmp_path / "data", embedder)
    (corpus_copy / "ports.md").write_text(
        "---\ntitle: Ports release\n---\nThe harbour of Zeebrugge joined the alliance.\n"
    )
    bot = _open(corpus_copy, tmp_path / "data", embedder)
    assert bot.sync_report.embedded == ["ports"]
    assert bot.sync_report.reused == ["informal-jha-council-25-january"]
    reply = bot.ask("Which harbour joined the alliance?")
    assert reply.answered and reply.citations[0].doc_slug == "ports"

    (corpus_copy / "ports.md").write_text(
        "---\ntitle: Ports release\n---\nThe harbour of Ostend joined the alliance.\n"
    )
    bot = _open(corpus_copy, tmp_path / "data", embedder)
    assert bot.sync_report.embedded == ["ports"]
    reply = bot.ask("Which harbour joined the alliance?")
    assert "Ostend" in reply.text and "Zeebrugge" not in reply.text

    (corpus_copy / "ports.md").unlink()
    bot = _open(corpus_copy, tmp_path / "data", embedder)
    assert bot.sync_report.removed == ["ports"]
    assert all(p.passage.doc_slug != "ports" for p in bot.ask("harbour alliance").passages)


def test_an_interrupted_write_is_repaired_on_next_open(
    corpus_copy, tmp_path, embedder, monkeypatch
):
    from assistant import index as index_module

    monkeypatch.setattr(index_module, "CHECKPOINT", 4)  # small batches: a crash mid-document
    calls = {"n": 0}
    real_pooled = embedder.pooled

    def failing_pooled(texts, spans):
        calls["n"] += 1
        if calls["n"] == 2:  # one batch stored, the rest not: the crash point
            raise KeyboardInterrupt
        return real_pooled(texts, spans)

    monkeypatch.setattr(embedder, "pooled", failing_pooled)
    with pytest.raises(KeyboardInterrupt):
        _open(corpus_copy, tmp_path / "data", embedder)
    monkeypatch.setattr(embedder, "pooled", real_pooled)
    bot = _open(corpus_copy, tmp_path / "data", embedder)
    assert bot.sync_report.embedded == ["informal-jha-council-25-january"]
    reply = bot.ask("How many priority actions have been identified?")
    assert reply.answered and "ten priority actions" in reply.text


def test_a_killed_indexing_run_resumes_inside_the_document(
    corpus_copy, tmp_path, embedder, monkeypatch
):
    from assistant import index as index_module

    monkeypatch.setattr(index_module, "CHECKPOINT", 1)  # one passage a batch: many checkpoints
    stored: list[int] = []
    real_pooled = embedder.pooled

    def killed_after_five_batches(texts, spans):
        if len(stored) == 5:
            raise KeyboardInterrupt
        stored.append(len(texts))
        return real_pooled(texts, spans)

    monkeypatch.setattr(embedder, "pooled", killed_after_five_batches)
    with pytest.raises(KeyboardInterrupt):
        _open(corpus_copy, tmp_path / "data", embedder)
    monkeypatch.setattr(embedder, "pooled", real_pooled)
    before = embedder.texts_embedded
    bot = _open(corpus_copy, tmp_path / "data", embedder)
    document_texts = len(bot.corpus.passages)  # one encoder pass a passage
    resumed = embedder.texts_embedded - before - len(index_module.vocabulary(bot.corpus))
    assert resumed == document_texts - sum(stored)  # the five stored batches were kept
    assert bot.ask("How many priority actions have been identified?").answered


def test_works_against_a_chroma_server_on_loopback(tmp_path, embedder, monkeypatch):
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which(
        "chroma"
    )
    assert chroma, "the chroma command ships with chromadb"
    port = free_port()
    server = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat")
        url = f"http://127.0.0.1:{port}"
        from conftest import CORPUS

        bot = _open(CORPUS, tmp_path / "client", embedder, chroma_url=url)
        assert bot.sync_report.embedded
        assert not (tmp_path / "client" / "chroma").exists(), "nothing written locally"
        reply = bot.ask("When was the European Ports Alliance launched?")
        assert reply.answered and "24th of January" in reply.text
        again = _open(CORPUS, tmp_path / "client", embedder, chroma_url=url)
        assert again.sync_report.embedded == []
        # Another machine, with its own empty data folder: the corpus tables come from
        # the server, not built again.
        from assistant import tables

        def not_built(corpus):
            raise AssertionError("the tables were built again")

        monkeypatch.setattr(tables.CorpusTables, "build", not_built)
        before = embedder.texts_embedded
        other = _open(CORPUS, tmp_path / "other-machine", embedder, chroma_url=url)
        assert embedder.texts_embedded == before  # nothing embedded on that machine
        assert other.ask("When was the European Ports Alliance launched?").answered
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_unreachable_chroma_server_is_a_clear_error(tmp_path, embedder):
    settings = Settings.from_env(
        {}, data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}"
    )
    with pytest.raises(IndexUnavailable, match="Cannot use the Chroma index at http"):
        PassageIndex(settings, embedder)


def test_a_server_that_accepts_and_never_answers_is_given_up_on_at_the_deadline(
        tmp_path, embedder):
    import socket

    mute = socket.socket()
    mute.bind(("127.0.0.1", 0))
    mute.listen(8)  # connections are accepted by the kernel, and nothing ever answers
    settings = Settings.from_env(
        {}, data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{mute.getsockname()[1]}",
        chroma_timeout=1.5,
    )
    try:
        with pytest.raises(IndexUnavailable, match="did not answer within 1.5 s"):
            PassageIndex(settings, embedder)
    finally:
        mute.close()


def test_a_frozen_chroma_server_costs_a_question_its_deadline_not_a_hang(
        tmp_path, embedder, monkeypatch):
    import os
    import signal

    from conftest import CORPUS

    from assistant import index as index_module

    monkeypatch.setattr(index_module, "SERVER_PAUSE", 2.0)

    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    port = free_port()
    server = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
         "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat")
        bot = _open(CORPUS, tmp_path / "client", embedder,
                    chroma_url=f"http://127.0.0.1:{port}", chroma_timeout=2)
        os.kill(server.pid, signal.SIGSTOP)
        try:
            for _ in range(2):
                with pytest.raises(IndexUnavailable, match="did not answer within 2 s"):
                    bot.ask("Which milestone was reached on the 24th of January?")
            # The next question knows: the breaker refuses before any call is made.
            with pytest.raises(IndexUnavailable, match="failed 2 times in a row"):
                bot.ask("Which milestone was reached on the 24th of January?")
        finally:
            os.kill(server.pid, signal.SIGCONT)
        time.sleep(2.2)  # the pause is over: the server is tried again
        assert bot.ask("When was the European Ports Alliance launched?").answered
        server.terminate()
        server.wait(timeout=10)
        # A server gone mid-session is one sentence, not a trace from its HTTP client.
        with pytest.raises(IndexUnavailable, match="Chroma"):
            bot.ask("What is the European Ports Alliance?")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_another_collection_sharing_the_prefix_is_left_alone(corpus_copy, tmp_path, embedder):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(tmp_path / "data" / "chroma"),
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    # Another setup's index (collection "releases-eu", another model) and an older
    # version of our own (another model key).
    client.get_or_create_collection("releases-eu-passages-0123456789")
    client.get_or_create_collection("releases-passages-0123456789")
    _open(corpus_copy, tmp_path / "data", embedder, collection="releases")
    names = {getattr(c, "name", c) for c in client.list_collections()}
    assert "releases-eu-passages-0123456789" in names
    assert "releases-passages-0123456789" not in names


def _damage(data: Path) -> None:
    """Overwrite a third of Chroma's database with random bytes, as a bad disk would."""
    import os

    database = data / "chroma" / "chroma.sqlite3"
    with database.open("r+b") as handle:
        handle.seek(database.stat().st_size // 3)
        handle.write(os.urandom(4096))


def test_a_damaged_index_is_rebuilt_from_the_releases_and_kept_for_a_look(
        corpus_copy, tmp_path, embedder):
    _open(corpus_copy, tmp_path / "data", embedder)
    _damage(tmp_path / "data")
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # open it afresh, as a new process would
    bot = _open(corpus_copy, tmp_path / "data", embedder)
    assert any("rebuilt from the releases" in note for note in bot.problems)
    assert list((tmp_path / "data").glob("chroma.damaged-*"))
    assert bot.ask("When did the ministers meet?").answered


def test_assistant_index_rebuild_starts_the_index_anew(corpus_copy, tmp_path):
    data = tmp_path / "data"
    command = [sys.executable, "-m", "assistant", "index", "--corpus", str(corpus_copy),
               "--data", str(data)]
    assert subprocess.run(command, capture_output=True, timeout=300).returncode == 0
    rebuilt = subprocess.run([*command, "--rebuild"], capture_output=True, text=True,
                             timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "1 embedded" in rebuilt.stdout  # everything was embedded again


def test_the_chat_can_answer_from_the_indexed_releases_while_the_rest_are_indexed(
        corpus_copy, tmp_path, embedder):
    _open(corpus_copy, tmp_path / "data", embedder)  # the January release is indexed
    (corpus_copy / "ports.md").write_text(
        "---\ntitle: Ports release\n---\nThe harbour of Zeebrugge joined the alliance.\n"
    )
    settings = Settings.from_env({}, corpus_dir=corpus_copy, data_dir=tmp_path / "data")
    before = embedder.texts_embedded
    bot = Assistant(settings=settings, embedder=embedder, serve_while_indexing=True)
    assert embedder.texts_embedded == before  # nothing was embedded before serving
    assert bot.pending == ["ports"] and bot.corpus.slugs() == ["informal-jha-council-25-january"]
    assert bot.ask("When did the ministers meet?").answered
    bot.reload()  # what `assistant web` runs in the background
    assert bot.pending == [] and "ports" in bot.corpus.slugs()
    assert "Zeebrugge" in bot.ask("Which harbour joined the alliance?").text


def test_a_read_only_data_folder_with_a_complete_index_is_served(corpus_copy, tmp_path, embedder):
    _open(corpus_copy, tmp_path / "data", embedder)
    read_only = tmp_path / "read-only"
    read_only.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(tmp_path / "data"), str(read_only)],
                             capture_output=True).returncode == 0
    if not mounted or subprocess.run(["mount", "-o", "remount,bind,ro", str(read_only)],
                                     capture_output=True).returncode != 0:
        if mounted:
            subprocess.run(["umount", str(read_only)])
        pytest.skip("a read-only bind mount needs root (CI runs as root)")
    try:
        before = embedder.texts_embedded
        bot = _open(corpus_copy, read_only, embedder)
        assert any("read-only" in note for note in bot.problems)
        assert embedder.texts_embedded == before  # the index was read, not rebuilt
        assert bot.ask("When did the ministers meet?").answered
    finally:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()  # let go of the files before unmounting
        if subprocess.run(["umount", str(read_only)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(read_only)])  # still busy: detach it
