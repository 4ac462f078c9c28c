"""Prints the grounding guard's figures with a real llama.cpp server and Gemma 3 270M.

Needs the llm-server extra. Run from the repo root:
    python benchmarks/llm_guard.py [--limit N] [--max-tokens 64]
It starts the server on a free loopback port, asks the public question set through
the LLM answerer, and reports what the guard kept and removed, abstentions on
unanswerable questions, time to first token and the guard's own cost.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, help="only the first N questions")
    parser.add_argument("--max-tokens", type=int, default=64)
    args = parser.parse_args()

    from conftest import free_port
    from llm_server import MODEL_ALIAS, gemma_gguf, llama_server

    from assistant import Assistant, Settings

    rows = [json.loads(line) for line in (REPO / "corpus" / "questions.jsonl").open()]
    rows = rows[: args.limit] if args.limit else rows
    with tempfile.TemporaryDirectory() as scratch, llama_server(
        gemma_gguf(), free_port(), Path(scratch) / "llama.log"
    ) as url:
        settings = Settings.from_env(
            {}, corpus_dir=REPO / "corpus", data_dir=Path(scratch) / "data", answerer="llm",
            llm_base_url=url, llm_api_key="local", llm_model=MODEL_ALIAS,
            llm_max_tokens=args.max_tokens, llm_timeout=120,
        )  # fmt: skip
        bot = Assistant(settings=settings)
        results = [_measure(bot, row) for row in rows]

    kept = sum(r["kept"] for r in results)
    removed = sum(r["removed"] for r in results)
    asked = [r for r in results if r["model_asked"]]
    unanswerable = [r for r in results if not r["answerable"]]
    answerable = [r for r in results if r["answerable"]]
    print(f"questions: {len(results)} ({len(asked)} sent to the model; the rest the release "
          "plainly cannot answer)")
    print(f"answer sentences from the model: {kept + removed}; guard kept {kept} "
          f"({kept / max(1, kept + removed):.0%}), removed {removed}")
    print(f"unanswerable ending as an abstention: "
          f"{sum(not r['answered'] for r in unanswerable)} of {len(unanswerable)}")
    print(f"answerable answered: {sum(r['answered'] for r in answerable)} of {len(answerable)}; "
          f"fallbacks to the extractive answer: {sum(bool(r['notice']) for r in results)}")
    ttft = [r["ttft_ms"] for r in asked if r["ttft_ms"]]
    if ttft:
        print(f"time to first token: p50 {statistics.median(ttft):.0f} ms, "
              f"max {max(ttft):.0f} ms")
    guard = [r["guard_ms"] for r in asked]
    if guard:
        print(f"guard cost per answer: p50 {statistics.median(guard):.0f} ms, "
              f"mean {statistics.mean(guard):.0f} ms, max {max(guard):.0f} ms")


def _measure(bot, row: dict) -> dict:
    """Ask one question, timing the model's first token and the guard's checks."""
    answerer = bot.answerer
    figures = {"guard_ms": 0.0, "kept": 0, "removed": 0, "ttft_ms": None, "model_asked": False}
    check, stream = answerer.guard.check, answerer.chat.stream

    def timed_check(claim, retrieval):
        started = time.perf_counter()
        verdict = check(claim, retrieval)
        figures["guard_ms"] += (time.perf_counter() - started) * 1000
        figures["kept" if verdict.supported else "removed"] += 1
        return verdict

    def timed_stream(messages, max_tokens=None):
        figures["model_asked"] = True
        started = time.perf_counter()
        for delta in stream(messages, max_tokens):
            if delta and figures["ttft_ms"] is None:
                figures["ttft_ms"] = (time.perf_counter() - started) * 1000
            yield delta

    answerer.guard.check, answerer.chat.stream = timed_check, timed_stream
    try:
        reply = bot.ask(row["user_input"], history=row["history"])
    finally:
        answerer.guard.check, answerer.chat.stream = check, stream
    return {**figures, "answerable": row["answerable"], "answered": reply.answered,
            "notice": reply.notice}


if __name__ == "__main__":
    main()
