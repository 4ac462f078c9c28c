"""Shared fixtures: the real corpus, the real embedding model, Chroma in tmp dirs."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embedding import Embedder

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
RELEASE = CORPUS / "informal-jha-council-25-january.md"
QUESTIONS = CORPUS / "questions.jsonl"


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
