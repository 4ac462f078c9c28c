"""Prints latency figures: index build, cold `assistant ask`, warm ask vs embedding alone.

Run from the repo root: python benchmarks/latency.py [--rounds N] [--corpus DIR --questions FILE]
The first round of warm asks meets every question and passage for the first time
(caches of facts and word vectors empty); later rounds are reported apart.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="passes over the question set")
    parser.add_argument("--corpus", type=Path, default=REPO / "corpus")
    parser.add_argument("--questions", type=Path, default=REPO / "corpus" / "questions.jsonl")
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    questions = [
        json.loads(line)["user_input"]
        for line in args.questions.read_text().splitlines()
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        command = [sys.executable, "-m", "assistant"]
        started = time.perf_counter()
        subprocess.run([*command, "index", "--corpus", str(corpus), "--data", str(data)],
                       check=True, cwd=REPO, capture_output=True)
        build = time.perf_counter() - started
        colds = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([*command, "ask", "When did the ministers meet?", "--corpus",
                            str(corpus), "--data", str(data)],
                           check=True, cwd=REPO, capture_output=True)
            colds.append(time.perf_counter() - started)

        sys.path.insert(0, str(REPO))
        from assistant import Assistant

        bot = Assistant(corpus, data)
        bot.ask("warm up")
        asks, embeds, first_round = [], [], []
        for round_number in range(args.rounds):
            for question in questions:
                started = time.perf_counter()
                bot.embedder.query(question)
                embeds.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                bot.ask(question)
                elapsed = (time.perf_counter() - started) * 1000
                (first_round if round_number == 0 else asks).append(elapsed)
        asks = asks or first_round

    print(f"index build (cold process, {len(bot.corpus.passages)} passages): {build:.1f} s")
    print(f"cold `assistant ask` wall time: median {statistics.median(colds):.1f} s "
          f"(runs: {', '.join(f'{c:.1f}' for c in colds)}; target <= 8 s)")
    embed_p50 = percentile(embeds, 0.5)
    ask_p50 = percentile(asks, 0.5)
    print(f"embed question alone: p50 {embed_p50:.1f} ms, p95 {percentile(embeds, 0.95):.1f} ms")
    print(f"first sight of each question: p50 {percentile(first_round, 0.5):.1f} ms, "
          f"p95 {percentile(first_round, 0.95):.1f} ms ({len(first_round)} asks, "
          f"{len(bot.corpus.documents)} releases)")
    print(f"warm ask:             p50 {ask_p50:.1f} ms, p95 {percentile(asks, 0.95):.1f} ms "
          f"({len(asks)} asks)")
    print(f"ask p50 / embed p50 = {ask_p50 / embed_p50:.1f}x (target <= 3x)")


if __name__ == "__main__":
    main()
