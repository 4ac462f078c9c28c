"""Prints how long `assistant web` takes from launch to its first answered question.

Run from the repo root: python benchmarks/web_start.py [--data DIR]
(an existing data dir measures a start with the index built; a new one includes indexing)
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", help="data dir to use (default: a new temporary one)")
    args = parser.parse_args()
    data = args.data or tempfile.mkdtemp()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "web", "--port", str(port), "--data", data],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        for line in server.stdout:
            if "http://" in line:
                break
        ready = time.perf_counter() - started
        from gradio_client import Client

        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        result = client.predict(question="When did the ministers meet?", api_name="/ask")
        first = time.perf_counter() - started
        assert result["answered"], result
        warm = []
        for _ in range(5):
            t = time.perf_counter()
            client.predict(question="What is the European Ports Alliance?", api_name="/ask")
            warm.append((time.perf_counter() - t) * 1000)
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"`assistant web` to URL printed: {ready:.1f} s")
    print(f"`assistant web` to first answered question (API): {first:.1f} s")
    print(f"warm question through the API, round trip: median {sorted(warm)[2]:.0f} ms")


if __name__ == "__main__":
    main()
