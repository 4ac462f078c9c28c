"""Prints how indexing, start-up and asking grow with the corpus (issue 11's table).

Run from the repo root:
    python benchmarks/scale.py [--sizes 1000,10000] [--embedder model|hashing] [--questions 40]

Corpora are generated: paragraphs of the shipped and generalization releases,
recombined into new releases with their names, places, dates and numbers substituted,
about seven passages a release. Each size runs in its own processes, so peak RSS and
cold start are those of a user's process. With `--embedder hashing` no model is
loaded: what remains is the cost of our own code and of Chroma's writes and reads.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = [REPO / "corpus", REPO / "tests" / "generalization" / "corpus"]
PLACES = ["Vilnius", "Porto", "Ghent", "Aarhus", "Split", "Graz", "Turku", "Bilbao", "Cork"]
NAMES = ["Ana Lopes", "Jan Novak", "Eva Berg", "Luca Rossi", "Mia Keller", "Olaf Dahl"]
PASSAGES_PER_RELEASE = 7  # a title, three headings' paragraphs, as generated
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "September"]


def paragraphs() -> list[str]:
    """Body paragraphs of the releases at hand (no front matter, no headings)."""
    found = []
    for folder in SOURCES:
        for path in sorted(folder.glob("*.md")):
            body = path.read_text().split("\n---\n", 1)[-1]
            found += [p.strip() for p in body.split("\n\n") if len(p.split()) > 12]
    return found


def generate(folder: Path, passages: int, seed: int = 7) -> int:
    """Write releases holding about `passages` passages; returns how many releases."""
    rng = random.Random(seed)
    pool = paragraphs()
    folder.mkdir(parents=True)
    count = max(1, passages // PASSAGES_PER_RELEASE)
    for n in range(count):
        place, name = rng.choice(PLACES), rng.choice(NAMES)
        day, month, year = rng.randint(1, 28), rng.choice(MONTHS), rng.randint(2030, 2039)
        title = f"Ministers meet in {place} on the {day} {month} {year} agenda ({n})"
        body = []
        for heading in range(3):
            body.append(f"Topic {heading + 1} of meeting {n}")
            for paragraph in rng.sample(pool, 2):
                paragraph = re.sub(r"\b\d{1,3}(?:[.,]\d+)?\b",
                                   lambda _: str(rng.randint(2, 950)), paragraph)
                paragraph = re.sub(r"\b(Brussels|Budapest|Luxembourg|Logroño)\b", place, paragraph)
                body.append(paragraph.replace("Nicole de Moor", name))
        text = (f"---\ntitle: {title}\ndate: {year}-{MONTHS.index(month) + 1:02d}-{day:02d}\n"
                f"place: {place}\n---\n{title}\n\n" + "\n\n".join(body) + "\n")
        (folder / f"release-{n:06d}.md").write_text(text)
    return count


def questions(corpus_dir: Path, count: int, seed: int = 11) -> list[tuple[str, str]]:
    """(question, the sentence it comes from): a sentence of a passage, a few words
    dropped and turned into a question. Generated releases share paragraphs, so a hit
    is any of the top three passages holding that sentence."""
    sys.path.insert(0, str(REPO))
    from assistant.corpus import load_corpus

    corpus = load_corpus(corpus_dir)
    rng = random.Random(seed)
    picked = []
    for passage in rng.sample(corpus.passages, min(count, len(corpus.passages))):
        sentence = passage.sentence_text(rng.choice(passage.sentences))
        kept = [w for w in sentence.split() if rng.random() > 0.3]
        picked.append(("What about " + " ".join(kept).rstrip(".") + "?", sentence))
    return picked


# --- what runs in a child process, one measurement each ----------------------------

def child(task: str, corpus_dir: str, data_dir: str, embedder: str, extra: str) -> dict:
    started = time.perf_counter()
    sys.path.insert(0, str(REPO))
    from assistant import Assistant, Settings
    from assistant.config import quiet_telemetry
    from assistant.embedding import Embedder, HashingEmbedder

    quiet_telemetry()
    settings = Settings.from_env({}, corpus_dir=corpus_dir, data_dir=data_dir)

    def make_embedder():
        if embedder == "hashing":
            return HashingEmbedder()
        model = Embedder(settings.embedding_model)
        model.query("load")  # the floor includes loading the weights
        return model

    figures = {}
    if task == "floor":
        make_embedder()
    elif task == "encode":
        from assistant.corpus import load_corpus

        # The floor: load the model and encode each sentence of the corpus once.
        corpus = load_corpus(Path(corpus_dir))
        texts = [p.sentence_text(s) for p in corpus.passages for s in p.sentences]
        model = make_embedder()
        mark = time.perf_counter()
        for start in range(0, len(texts), 256):
            model.many(texts[start : start + 256])
        figures = {"texts": len(texts), "encode_s": time.perf_counter() - mark}
    elif task == "index":
        bot = Assistant(settings=settings, embedder=make_embedder())
        figures = {"texts": bot.embedder.texts_embedded, "passages": len(bot.corpus.passages)}
    elif task == "ask":
        bot = Assistant(settings=settings, embedder=make_embedder(), build_index=False)
        figures["ready_s"] = time.perf_counter() - started
        asked = json.loads(Path(extra).read_text())
        bot.ask(asked[0][0])
        times, hits = [], 0
        for question, sentence in asked:
            mark = time.perf_counter()
            reply = bot.ask(question)
            times.append((time.perf_counter() - mark) * 1000)
            hits += any(sentence in sp.passage.text for sp in reply.passages[:3])
        figures.update(ask_ms=times, hit3=hits / len(asked))
    figures["seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def run_child(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", *args], check=True,
                          capture_output=True, text=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def measure(size: int, embedder: str, count: int, scratch: Path) -> dict:
    corpus_dir, data_dir = scratch / f"corpus-{size}", scratch / f"data-{size}"
    releases = generate(corpus_dir, size)
    asked = scratch / f"questions-{size}.json"
    asked.write_text(json.dumps(questions(corpus_dir, count)))
    args = (str(corpus_dir), str(data_dir), embedder, str(asked))
    floor = run_child("floor", *args)
    encode = run_child("encode", *args)
    index = run_child("index", *args)
    ask = run_child("ask", *args)
    return {
        "size": size, "releases": releases, "passages": index["passages"],
        "texts": index["texts"], "index_s": index["seconds"],
        "encode_s": encode["encode_s"] + floor["seconds"], "encode_texts": encode["texts"],
        "data_mb": folder_mb(data_dir), "index_rss": index["peak_rss_mb"],
        "ask_rss": ask["peak_rss_mb"], "ready_s": ask["ready_s"], "floor_s": floor["seconds"],
        "p50": statistics.median(ask["ask_ms"]), "p95": percentile(ask["ask_ms"], 0.95),
        "hit3": ask["hit3"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000",
                        help="passages per corpus, comma-separated")
    parser.add_argument("--embedder", choices=["model", "hashing"], default="model")
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"embedder: {args.embedder}; load average at start: {load}")
    print("| passages | releases | texts embedded (per passage) | index "
          "| rate vs load + encode each sentence once "
          "| data folder | peak RSS index / ask | ready to ask (floor) | ask p50 / p95 | hit@3 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory() as scratch:
        for size in [int(s) for s in args.sizes.split(",")]:
            r = measure(size, args.embedder, args.questions, Path(scratch))
            rate = r["texts"] / r["index_s"]
            print(f"| {r['passages']:,} | {r['releases']:,} | {r['texts']:,} "
                  f"({r['texts'] / r['passages']:.1f}) | {r['index_s']:.0f} s ({rate:.0f} texts/s) "
                  f"| {r['encode_s'] / r['index_s']:.0%} ({r['encode_s']:.0f} s for "
                  f"{r['encode_texts']:,} sentences) "
                  f"| {r['data_mb']:.0f} MB | {r['index_rss']:.0f} / {r['ask_rss']:.0f} MB "
                  f"| {r['ready_s']:.1f} s ({r['floor_s']:.1f} s, "
                  f"{r['ready_s'] / r['floor_s']:.1f}x) "
                  f"| {r['p50']:.0f} / {r['p95']:.0f} ms | {r['hit3']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
