"""Prints how indexing, start-up and asking grow with the corpus (issue 11's tables).

Run from the repo root:
    python benchmarks/scale.py [--sizes 1000,10000] [--embedder model|hashing]
                               [--questions 40] [--no-baselines]

Corpora are generated: paragraphs of the shipped and generalization releases,
recombined into new releases with their names, places, dates and numbers substituted,
about seven passages a release. Each measurement runs in its own process, so peak RSS
and cold start are those of a user's process. With `--embedder hashing` no model is
loaded: what remains is the cost of our own code and of Chroma's writes and reads.

Per size, in this order: the floor (import and load the model), encoding each sentence
once, the index; then one release gets a new paragraph and a fresh process re-indexes
(only that release should be embedded again). The ask, a cold `assistant ask` from the
command line and the baselines all run after that, on the updated corpus and index.

The baselines (second table) get the same passages, questions and embedder: a plain
LlamaIndex VectorStoreIndex (in memory, one node per passage) and a plain BM25. Their
build time starts with the model loaded and the passages parsed; ours ("build") starts
with the model loaded and includes reading the releases. Ours is a whole ask (retrieval
and the extractive answer); theirs is retrieval of the top three. Figures are only
comparable within one run: the machine is shared, hence the load averages per row
and per process, the commit in the header and a warning when assistant/ changed
during the run.
"""

from __future__ import annotations

import argparse
import json
import os
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
TOP = 3  # a hit is the question's sentence in one of the top three passages
BASELINES = {"vector": "VectorStoreIndex", "bm25": "BM25"}


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


def change_one_release(corpus_dir: Path) -> None:
    """Append a paragraph with a new sentence to one release, as an editor would."""
    releases = sorted(corpus_dir.glob("*.md"))
    path = releases[len(releases) // 2]
    path.write_text(path.read_text() + "\nThe ministers agreed to meet again in the "
                    "autumn to review the progress made on every topic of this meeting.\n")


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
    elif task == "index":  # a first index, or a re-index after a change: Assistant syncs
        model = make_embedder()
        loaded, mark = model.texts_embedded, time.perf_counter()
        bot = Assistant(settings=settings, embedder=model)
        figures = {"build_s": time.perf_counter() - mark, "passages": len(bot.corpus.passages),
                   "texts": bot.embedder.texts_embedded - loaded}
    elif task == "ask":
        bot = Assistant(settings=settings, embedder=make_embedder(), build_index=False)
        figures = {"ready_s": time.perf_counter() - started, "pending": len(bot.pending)}
        figures.update(timed_questions(
            lambda q: [sp.passage.text for sp in bot.ask(q).passages], extra))
    elif task in BASELINES:
        from llama_index.core.schema import TextNode

        from assistant.corpus import load_corpus

        nodes = [TextNode(text=p.text, id_=p.id) for p in load_corpus(Path(corpus_dir)).passages]
        if task == "vector":
            from llama_index.core import VectorStoreIndex

            embed_model = llama_index_embedder(embedder, settings.embedding_model)
            mark = time.perf_counter()
            retriever = VectorStoreIndex(nodes, embed_model=embed_model).as_retriever(
                similarity_top_k=TOP)
        else:
            from llama_index.retrievers.bm25 import BM25Retriever

            mark = time.perf_counter()
            retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=TOP)
        figures["build_s"] = time.perf_counter() - mark
        figures.update(timed_questions(
            lambda q: [found.node.get_content() for found in retriever.retrieve(q)], extra))
    figures["seconds"] = time.perf_counter() - started
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def timed_questions(top_texts, questions_file: str) -> dict:
    """Each question once, after one untimed warm-up: times in ms, and hit@3."""
    asked = json.loads(Path(questions_file).read_text())
    top_texts(asked[0][0])
    times, hits = [], 0
    for question, sentence in asked:
        mark = time.perf_counter()
        found = top_texts(question)
        times.append((time.perf_counter() - mark) * 1000)
        hits += any(sentence in text for text in found[:TOP])
    return {"ask_ms": times, "hit3": hits / len(asked)}


def llama_index_embedder(kind: str, model_path: str):
    """Our embedder as a llama-index embed_model, loaded before any clock starts."""
    from assistant.embedding import Embedder, HashingEmbedder

    if kind == "model":
        model = Embedder(model_path)._load()  # the HuggingFaceEmbedding ours wraps
        model.get_query_embedding("load")
        return model
    from llama_index.core.embeddings import BaseEmbedding

    hashing = HashingEmbedder()

    def vector(text: str) -> list[float]:  # llama-index wants a list, not an array
        return [float(x) for x in hashing.query(text)]

    class Hashing(BaseEmbedding):
        def _get_text_embedding(self, text: str) -> list[float]:
            return vector(text)

        def _get_query_embedding(self, query: str) -> list[float]:
            return vector(query)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return vector(query)

    return Hashing(model_name=hashing.model_id)


# --- the parent: runs the children, prints the tables ------------------------------

def run(command: list[str], env: dict | None = None) -> tuple[str, float]:
    """Run a process to its end: its stdout and wall seconds; its stderr if it fails."""
    mark = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:4])} … failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout, time.perf_counter() - mark


def run_child(*args: str) -> dict:
    """One measurement in a fresh process; with its wall seconds and the load around it."""
    load_at_start = load_average()
    stdout, wall = run([sys.executable, __file__, "--child", *args])
    return json.loads(stdout.strip().splitlines()[-1]) | {
        "wall_s": wall, "load": f"{load_at_start} → {load_average()}"}


def cold_cli_ask(question: str, corpus_dir: Path, data_dir: Path) -> float:
    """Wall seconds of a fresh `assistant ask` process, answering as the ask child does."""
    entry = Path(sys.executable).with_name("assistant")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "assistant"]
    # The same settings as the children: defaults, and no LLM call in the figure.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env["ASSISTANT_ANSWERER"] = "extractive"
    _, wall = run([*command, "ask", question, "--corpus", str(corpus_dir),
                   "--data", str(data_dir)], env)
    return wall


def load_average() -> str:
    """The machine's one-minute load average (it is shared with other work)."""
    loadavg = Path("/proc/loadavg")
    return loadavg.read_text().split()[0] if loadavg.exists() else "?"


def code_version() -> str:
    """The commit measured, and whether assistant/ differs from it (edits, mid-run too)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO).stdout
    edited = git("status", "--porcelain", "assistant").strip()
    return git("rev-parse", "--short", "HEAD").strip() + (" + uncommitted edits" if edited else "")


def source_state() -> list[tuple[str, float]]:
    """When each assistant/ file was last written: another engineer may edit mid-run."""
    return sorted((str(f), f.stat().st_mtime) for f in (REPO / "assistant").rglob("*.py"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6


def measure(size: int, embedder: str, count: int, baselines: bool, scratch: Path) -> dict:
    load_at_start = load_average()
    corpus_dir, data_dir = scratch / f"corpus-{size}", scratch / f"data-{size}"
    releases = generate(corpus_dir, size)
    asked = scratch / f"questions-{size}.json"
    picked = questions(corpus_dir, count)
    asked.write_text(json.dumps(picked))
    args = (str(corpus_dir), str(data_dir), embedder, str(asked))
    floor = run_child("floor", *args)
    encode = run_child("encode", *args)
    index = run_child("index", *args)
    change_one_release(corpus_dir)
    reindex = run_child("index", *args)
    ask = run_child("ask", *args)
    if ask["pending"]:
        print(f"warning: {ask['pending']} release(s) not indexed when asking", file=sys.stderr)
    data_mb = folder_mb(data_dir)
    # The CLI reads ASSISTANT_EMBEDDING_MODEL, a model folder: no hashing embedder there.
    cli_s = cold_cli_ask(picked[0][0], corpus_dir, data_dir) if embedder == "model" else None
    compared = {name: run_child(name, *args) for name in BASELINES} if baselines else {}
    return {
        "size": size, "releases": releases, "passages": index["passages"],
        "texts": index["texts"], "index_s": index["seconds"], "build_s": index["build_s"],
        "encode_s": encode["encode_s"] + floor["seconds"], "encode_texts": encode["texts"],
        "data_mb": data_mb, "index_rss": index["peak_rss_mb"],
        "ask_rss": ask["peak_rss_mb"], "ready_s": ask["ready_s"], "floor_s": floor["seconds"],
        "p50": statistics.median(ask["ask_ms"]), "p95": percentile(ask["ask_ms"], 0.95),
        "hit3": ask["hit3"], "ask_load": ask["load"],
        "cli_s": cli_s, "floor_wall_s": floor["wall_s"],
        "reindex_wall_s": reindex["wall_s"], "reindex_s": reindex["build_s"],
        "reindex_texts": reindex["texts"], "load": f"{load_at_start} → {load_average()}",
        "baselines": {name: {"build_s": b["build_s"], "hit3": b["hit3"], "load": b["load"],
                             "p50": statistics.median(b["ask_ms"]),
                             "p95": percentile(b["ask_ms"], 0.95)}
                      for name, b in compared.items()},
    }


def secs(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def millis(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def times(ours: float, theirs: float) -> str:
    """ours / theirs, as "2.5x": above 1x ours takes longer."""
    ratio = ours / theirs
    return f"{ratio:.1f}x" if ratio < 10 else f"{ratio:.0f}x"


def print_row(r: dict) -> None:
    rate = r["texts"] / r["index_s"]
    cli = (f"{r['cli_s']:.1f} s ({r['floor_wall_s']:.1f} s, "
           f"{times(r['cli_s'], r['floor_wall_s'])})" if r["cli_s"] else "n/a")
    print(f"| {r['passages']:,} | {r['releases']:,} | {r['texts']:,} "
          f"({r['texts'] / r['passages']:.1f}) | {r['index_s']:.0f} s ({rate:.0f} texts/s) "
          f"| {r['encode_s'] / r['index_s']:.0%} ({r['encode_s']:.0f} s for "
          f"{r['encode_texts']:,} sentences) "
          f"| {r['data_mb']:.0f} MB | {r['index_rss']:.0f} / {r['ask_rss']:.0f} MB "
          f"| {r['ready_s']:.1f} s ({r['floor_s']:.1f} s, {times(r['ready_s'], r['floor_s'])}) "
          f"| {millis(r['p50'])} / {millis(r['p95'])} ms | {r['hit3']:.2f} | {cli} "
          f"| {r['reindex_wall_s']:.1f} s / {secs(r['reindex_s'])} ({r['reindex_texts']:,}) "
          f"| {r['load']} |", flush=True)


def print_baselines(rows: list[dict]) -> None:
    print("\n| passages | pipeline | index build, model loaded | ours ÷ this "
          "| ask (ours) or retrieve top 3: p50 / p95 | ours ÷ this (p50) | hit@3 "
          "| load average around its process |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['passages']:,} | ours | {secs(r['build_s'])} | | "
              f"{millis(r['p50'])} / {millis(r['p95'])} ms | | {r['hit3']:.2f} | {r['ask_load']} |")
        for name, b in r["baselines"].items():
            print(f"| | {BASELINES[name]} | {secs(b['build_s'])} "
                  f"| {times(r['build_s'], b['build_s'])} "
                  f"| {millis(b['p50'])} / {millis(b['p95'])} ms "
                  f"| {times(r['p50'], b['p50'])} | {b['hit3']:.2f} | {b['load']} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000",
                        help="passages per corpus, comma-separated")
    parser.add_argument("--embedder", choices=["model", "hashing"], default="model")
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True,
                        help="also time VectorStoreIndex and BM25 (slow at 100k passages)")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    print(f"embedder: {args.embedder}; code: {code_version()}; {os.cpu_count()} CPUs; "
          f"load average at start: {load_average()}")
    sources = source_state()
    print("| passages | releases | texts embedded (per passage) | index "
          "| rate vs load + encode each sentence once "
          "| data folder | peak RSS index / ask | ready to ask (floor) | ask p50 / p95 | hit@3 "
          "| cold `assistant ask` (floor process) "
          "| re-index one changed release: process / sync (texts embedded) "
          "| load average start → end |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for size in [int(s) for s in args.sizes.split(",")]:
            rows.append(measure(size, args.embedder, args.questions, args.baselines,
                                Path(scratch)))
            print_row(rows[-1])
    if args.baselines:
        print_baselines(rows)
    if source_state() != sources:
        print(f"\nwarning: assistant/ changed during the run (now {code_version()}): "
              "the figures mix code versions; run again.")


if __name__ == "__main__":
    main()
