"""Prints how `assistant web` holds up under load, all on loopback.

Run from the repo root: python benchmarks/load.py [--users 10 25 50] [--questions 5]

It starts `assistant web` as its own process, asks every question once alone (the
solo answers, and the sequential rate), then lets N users ask their questions at the
same time through the HTTP API, and prints per N: success rate, p50/p95 latency,
requests per second against the sequential rate, the server's RSS before and after,
and how many answers differ from the solo ones. Last, one 100 MB POST: how fast it
is refused and what it cost the server in memory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ask(port: int, question: str) -> tuple[bool, str, float]:
    """One question through the chat's HTTP API: (ok, answer, seconds)."""
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        body = json.dumps({"data": [question, None, None]})
        connection.request("POST", "/gradio_api/call/ask", body,
                           {"Content-Type": "application/json"})
        event = json.loads(connection.getresponse().read())["event_id"]
        connection.request("GET", f"/gradio_api/call/ask/{event}")
        stream = connection.getresponse().read().decode()
        connection.close()
        data = [line[6:] for line in stream.splitlines() if line.startswith("data: ")]
        answer = json.loads(data[-1])[0]["answer"]
        return True, answer, time.perf_counter() - started
    except Exception as error:  # counted as a failure, shown in the summary
        return False, f"{type(error).__name__}: {error}", time.perf_counter() - started


def huge_post(port: int, pid: int) -> tuple[int, float, float]:
    """Send a real 100 MB body: (status, seconds to the answer, server RSS growth MB)."""
    before = rss_mb(pid)
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.putrequest("POST", "/gradio_api/call/ask")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(100 * 1024 * 1024))
    connection.endheaders()
    try:
        chunk = b" " * (1024 * 1024)
        for _ in range(100):
            connection.send(chunk)
    except OSError:
        pass  # the server answered and closed while we were still sending: the point
    response = connection.getresponse()
    elapsed = time.perf_counter() - started
    response.read()
    connection.close()
    time.sleep(0.5)
    return response.status, elapsed, rss_mb(pid) - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, nargs="+", default=[10, 25, 50])
    parser.add_argument("--questions", type=int, default=5, help="questions per user")
    args = parser.parse_args()
    from conftest import free_port

    rows = [json.loads(line) for line in (REPO / "corpus" / "questions.jsonl").open()]
    questions = [r["user_input"] for r in rows if not r.get("history")]
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        server = subprocess.Popen(
            [sys.executable, "-m", "assistant", "web", "--port", str(port),
             "--data", str(Path(scratch) / "data")],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        try:
            print(server.stdout.readline().strip())
            ask(port, "warm up")
            solo, sequential = {}, []
            for question in questions[: max(args.questions * 2, 10)]:
                ok, answer, seconds = ask(port, question)
                solo[question] = answer
                sequential.append(seconds)
            solo_rate = len(sequential) / sum(sequential)
            print(f"sequential, one user: {solo_rate:.1f} requests/s, "
                  f"p50 {statistics.median(sequential) * 1000:.0f} ms")
            pool_questions = list(solo)
            for users in args.users:
                work = [pool_questions[(u + n) % len(pool_questions)]
                        for u in range(users) for n in range(args.questions)]
                before = rss_mb(server.pid)
                started = time.perf_counter()
                with ThreadPoolExecutor(users) as pool:
                    results = list(pool.map(lambda q: (q, *ask(port, q)), work))
                wall = time.perf_counter() - started
                ok = [r for r in results if r[1]]
                latencies = [r[3] for r in ok] or [0.0]
                differ = sum(1 for q, good, answer, _ in ok if answer != solo[q])
                print(
                    f"{users:>3} users x {args.questions}: {len(ok)}/{len(results)} ok, "
                    f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
                    f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, "
                    f"{len(results) / wall:.1f} requests/s "
                    f"({len(results) / wall / solo_rate:.0%} of sequential), "
                    f"RSS {before:.0f} -> {rss_mb(server.pid):.0f} MB, "
                    f"{differ} answers differ from solo"
                )
                for _, good, answer, _ in results:
                    if not good:
                        print(f"    failed: {answer[:120]}")
                        break
            status, seconds, grew = huge_post(port, server.pid)
            print(f"100 MB POST: status {status} after {seconds * 1000:.0f} ms, "
                  f"server RSS {grew:+.1f} MB")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
