"""Shared fixtures and the rules every test runs under.

Unit tests use the tiny fixture corpus (tests/fixtures/tiny) and the HashingEmbedder:
no model, milliseconds. Tests that take the `embedder` or `bot` fixture load the real
all-MiniLM-L6-v2 over the shipped corpus, and are marked `slow` for it. No test may
reach past loopback: an audit hook refuses it.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.config import quiet_telemetry
from assistant.embedding import Embedder, HashingEmbedder

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
RELEASE = CORPUS / "informal-jha-council-25-january.md"
QUESTIONS = CORPUS / "questions.jsonl"
TINY = Path(__file__).resolve().parent / "fixtures" / "tiny"

REAL_MODEL_FIXTURES = {"embedder", "bot"}
EXTRAS = {  # marker -> (module it needs, how to get it)
    "llm": ("llama_cpp", "pip install -e '.[llm-server]'"),
    "browser": ("playwright", "pip install -e '.[test]'"),
}

quiet_telemetry()  # as the CLI does where a process starts


# --- no network past loopback ----------------------------------------------------

def _is_local(host) -> bool:
    host = host.decode() if isinstance(host, bytes) else host
    if host in (None, "", "localhost", "0.0.0.0", "::"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse_the_network(event: str, args: tuple) -> None:
    # An audit hook sees every lookup and connection, whichever library makes it.
    if event == "socket.getaddrinfo" and not _is_local(args[0]):
        raise OSError(f"tests may not reach the network (lookup of {args[0]!r})")
    if event == "socket.connect":
        address = args[1]
        if isinstance(address, tuple) and not _is_local(address[0]):
            raise OSError(f"tests may not reach the network (connect to {address!r})")


sys.addaudithook(_refuse_the_network)


# --- markers that say what a test needs ---------------------------------------------

def pytest_collection_modifyitems(config, items):
    for item in items:
        if REAL_MODEL_FIXTURES & set(item.fixturenames) or item.get_closest_marker("llm"):
            item.add_marker(pytest.mark.slow)
        for marker, (module, install) in EXTRAS.items():
            # CI installs every extra: there a missing one fails rather than skips.
            missing = importlib.util.find_spec(module) is None
            if item.get_closest_marker(marker) and missing and not os.environ.get("CI"):
                item.add_marker(pytest.mark.skip(reason=f"needs {module}: {install}"))


# --- fixtures -----------------------------------------------------------------------

@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """One real all-MiniLM-L6-v2 for the whole run (loading it costs seconds)."""
    return Embedder(Settings.from_env({}).embedding_model)


@pytest.fixture(scope="session")
def bot(tmp_path_factory, embedder) -> Assistant:
    """The offline assistant over the real corpus, its Chroma on disk in a tmp dir."""
    data = tmp_path_factory.mktemp("data")
    settings = Settings.from_env({}, corpus_dir=CORPUS, data_dir=data)
    return Assistant(settings=settings, embedder=embedder)


@pytest.fixture(scope="session")
def tiny_bot(tmp_path_factory) -> Assistant:
    """The offline assistant over the tiny fixture corpus, with the hashing embedder."""
    return tiny_assistant(TINY, tmp_path_factory.mktemp("tiny-data"))


def tiny_assistant(corpus_dir: Path, data_dir: Path, **settings) -> Assistant:
    """An assistant over corpus_dir with the hashing embedder (no model loaded)."""
    chosen = Settings.from_env({}, corpus_dir=corpus_dir, data_dir=data_dir, **settings)
    return Assistant(settings=chosen, embedder=HashingEmbedder())


@pytest.fixture
def tiny_copy(tmp_path) -> Path:
    """A private copy of the tiny corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A private copy of the corpus folder that a test may change."""
    target = tmp_path / "corpus"
    target.mkdir()
    shutil.copy(RELEASE, target / RELEASE.name)
    return target


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
