"""Command line: assistant index | ask | add | remove | list | web | eval."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

EXIT_USAGE = 2  # the user's input cannot be used (bad question, bad corpus)
EXIT_FAILURE = 1  # something outside the input failed (index unreachable, ...)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `assistant` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 0
    from .config import quiet_telemetry

    quiet_telemetry()
    from .chroma import IndexUnavailable
    from .config import ConfigError
    from .conversation import QuestionError
    from .corpus import CorpusError
    from .embedding import EmbeddingError
    from .library import LibraryError
    from .templates import PromptError

    try:
        return args.run(args) or 0
    except (QuestionError, CorpusError, ConfigError, LibraryError) as error:
        print(f"assistant: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (IndexUnavailable, EmbeddingError, PromptError) as error:
        print(f"assistant: {error}", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as error:  # a folder that cannot be written, a disk that is full
        print(f"assistant: {error.strerror or error}: {error.filename or ''}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("assistant: interrupted.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="assistant",
        description="Ask questions about press releases; every answer cites the exact passage.",
        epilog=textwrap.dedent(
            """\
            examples:
              assistant ask "When did the ministers meet?"
              assistant ask --json "What is the European Ports Alliance?"
              assistant add release.pdf page.html   # add releases to the library
              assistant list                # the releases, with when each was indexed
              assistant web                 # the chat in your browser
              assistant eval                # score the public question set

            settings come from ASSISTANT_* environment variables (see README)."""
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--corpus", metavar="DIR", help="folder of releases (default: corpus)")
    common.add_argument("--data", metavar="DIR", help="where the index lives (default: .assistant)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    index = commands.add_parser("index", parents=[common], help="build or refresh the index")
    index.add_argument("--rebuild", action="store_true",
                       help="set the index aside and build it anew (a damaged index)")
    index.set_defaults(run=_index)

    ask = commands.add_parser("ask", parents=[common], help="answer one question")
    ask.add_argument("question", help="the question, in quotes")
    ask.add_argument("--json", action="store_true", help="print the whole reply as JSON")
    ask.add_argument("--stream", action="store_true", help="print the answer as it is written")
    ask.add_argument(
        "--release", action="append", metavar="SLUG",
        help="only use this release (repeatable; `assistant releases` lists the slugs)",
    )
    ask.set_defaults(run=_ask)

    add = commands.add_parser(
        "add", parents=[common], help="add release files or folders (.md .txt .html .pdf .docx)"
    )
    add.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to add")
    add.set_defaults(run=_add)

    remove = commands.add_parser("remove", parents=[common], help="remove releases by slug")
    remove.add_argument("slugs", nargs="+", metavar="SLUG", help="as `assistant list` shows")
    remove.set_defaults(run=_remove)

    listing = commands.add_parser(
        "list", aliases=["releases"], parents=[common], help="list the releases"
    )
    listing.add_argument("--json", action="store_true", help="print the list as JSON")
    listing.set_defaults(run=_list)

    web = commands.add_parser("web", parents=[common], help="start the web chat")
    web.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=None, help="port (default 7860)")
    web.add_argument(
        "--auth-file", metavar="FILE",
        help="ask for a login: one USER:PASSWORD a line (or set ASSISTANT_AUTH)",
    )
    web.add_argument(
        "--auth", metavar="USER:PASSWORD",
        help="ask for a login (visible in the process list: prefer --auth-file)",
    )
    web.set_defaults(run=_web)

    evaluate = commands.add_parser("eval", parents=[common], help="score a question set")
    evaluate.add_argument("file", nargs="?", help="question set (default: corpus/questions.jsonl)")
    evaluate.add_argument("--out", metavar="DIR", help="output folder (default: eval-output/…)")
    evaluate.add_argument("--compare", metavar="SUMMARY", help="an earlier summary.json to compare")
    evaluate.add_argument(
        "--baseline", action="store_true", help="also run the plain LlamaIndex starter pipeline"
    )
    evaluate.add_argument("--check", action="store_true", help="validate the set, run nothing")
    evaluate.add_argument("--export", choices=["ragas"], help="also write rows for RAGAS")
    evaluate.add_argument("--judge", action="store_true", help="add LLM-judged scores")
    evaluate.add_argument("--limit", type=int, help="only the first N questions")
    evaluate.add_argument(
        "--split", choices=["dev", "test"], help="only the rows of this split (\"split\" field)"
    )
    evaluate.set_defaults(run=_eval)
    return parser


def _open(args, progress: bool, rebuild: bool = False):
    from .pipeline import Assistant

    bar = _ProgressBar() if progress else None
    bot = Assistant(args.corpus, args.data, progress=bar, rebuild=rebuild)
    if bar:
        bar.close()
    for problem in bot.problems:
        print(f"assistant: {problem}", file=sys.stderr)
    return bot


def _index(args) -> int:
    bot = _open(args, progress=True, rebuild=args.rebuild)
    report = bot.sync_report
    print(
        f"{len(bot.corpus.documents)} document(s), {len(bot.corpus.passages)} passages: "
        f"{len(report.embedded)} embedded, {len(report.reused)} unchanged, "
        f"{len(report.removed)} removed."
    )
    return 0


def _ask(args) -> int:
    from .conversation import check_question

    # Fail fast, before loading the model.
    check_question(args.question, _settings(args).max_question_chars)
    bot = _open(args, progress=False)
    bot.warm_up()
    reply, streamed = None, ""
    for item in bot.stream(args.question, releases=args.release):
        if isinstance(item, str):
            streamed += item
            if args.stream and not args.json:
                print(item, end="", flush=True)
        else:
            reply = item
    if args.json:
        print(json.dumps(reply.to_dict(), indent=2, ensure_ascii=False))
        return 0
    if not args.stream:
        print(reply.text, end="")
    elif reply.text != streamed:  # the answerer fell back after streaming: show what stands
        print(f"\n\n{reply.text}", end="")
    print()
    if reply.notice:
        print(f"\nnote: {reply.notice}")
    if reply.unsupported:
        print(f"\nleft out (not supported by the cited passages): {len(reply.unsupported)}")
        for sentence in reply.unsupported:
            print(f"  - {textwrap.shorten(sentence, 100)}")
    if reply.citations:
        print("\nSources:")
        for c in reply.citations:
            print(f"  [{c.marker}] {c.document} ({c.doc_slug}), {c.passage_id}, "
                  f"chars {c.start}-{c.end}")
            print(textwrap.indent(textwrap.fill(f"“{c.quote}”", 88), "      "))
    elif reply.related:
        print("\nRelated reading (not an answer):")
        for sp in reply.related:
            print(f"  - {sp.passage.id}: {textwrap.shorten(sp.passage.text, 100)}")
    if reply.query != reply.question:
        print(f"\nsearched for: {reply.query}")
    return 0


def _settings(args):
    from .config import Settings

    return Settings.from_env(corpus_dir=args.corpus, data_dir=args.data)


def _add(args) -> int:
    from pathlib import Path

    from . import library

    settings = _settings(args)
    added = library.add(settings.corpus_dir, [Path(p) for p in args.paths],
                        settings.max_document_bytes)
    for message in added.refused:
        print(f"assistant: {message}", file=sys.stderr)
    if not added.copied:
        print("assistant: nothing was added.", file=sys.stderr)
        return EXIT_USAGE
    from .corpus import load_corpus

    kept, unusable = library.keep_readable(
        settings.corpus_dir, load_corpus(settings.corpus_dir, settings.max_document_bytes),
        added.copied)
    for message in unusable:
        print(f"assistant: {message} Not added.", file=sys.stderr)
    for source, name in added.copied:
        if name in kept:
            print(f"added {source} as {settings.corpus_dir / name}")
    if not kept:
        return EXIT_USAGE
    bot = _open(args, progress=True)
    print(f"{len(bot.corpus.documents)} release(s) in the library; "
          f"{len(bot.sync_report.embedded)} embedded now.")
    return EXIT_USAGE if added.refused or unusable else 0


def _remove(args) -> int:
    from . import library
    from .corpus import load_corpus

    settings = _settings(args)
    corpus = load_corpus(settings.corpus_dir, settings.max_document_bytes)
    slugs = list(dict.fromkeys(args.slugs))
    for name in library.remove(corpus, slugs):
        print(f"removed {settings.corpus_dir / name}")
    if set(slugs) >= set(corpus.slugs()):
        print("assistant: the library is now empty.", file=sys.stderr)
        return 0
    bot = _open(args, progress=False)
    print(f"{len(bot.corpus.documents)} release(s) left; "
          f"{len(bot.sync_report.removed)} removed from the index.")
    return 0


def _list(args) -> int:
    from . import library
    from .corpus import load_corpus

    settings = _settings(args)
    corpus = load_corpus(settings.corpus_dir, settings.max_document_bytes)
    for problem in corpus.problems:
        print(f"assistant: {problem}", file=sys.stderr)
    rows = library.listing(corpus, settings.data_dir)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print("slug\tdate\tpassages\tindexed\tfile\ttitle")
    for row in rows:
        print("\t".join(str(row[k]) or "-" for k in
                        ("slug", "date", "passages", "indexed", "file", "title")))
    return 0


def _web(args) -> int:
    from .web import serve

    return serve(args)


def _eval(args) -> int:
    """`assistant eval`: check or run a question set and write the report."""
    from datetime import datetime

    from .corpus import load_corpus
    from .evaluation import Judge, evaluate, read_question_set, terminal_table

    settings = _settings(args)
    path = Path(args.file) if args.file else Path(settings.corpus_dir) / "questions.jsonl"
    found = read_question_set(path, load_corpus(settings.corpus_dir))
    for note in found.notes:
        print(f"note: {note}", file=sys.stderr)
    for error in found.errors:
        print(f"{path}: {error}" if error.startswith("line ") else error, file=sys.stderr)
    if args.check:
        print(f"{path}: {len(found.questions)} question(s) valid, "
              f"{len(found.errors)} error(s).")
        return EXIT_USAGE if found.errors else 0
    if found.errors:
        print(f"assistant: {path} has errors; fix them (see `assistant eval --check`).",
              file=sys.stderr)
        return EXIT_USAGE
    if args.judge and settings.answerer != "llm":
        print("assistant: --judge needs an LLM. Set OPENAI_API_KEY (and OPENAI_BASE_URL for "
              "a local server) or ASSISTANT_ANSWERER=llm, then run again.", file=sys.stderr)
        return EXIT_USAGE
    previous = _previous(args.compare) if args.compare else None
    if args.compare and previous is None:
        return EXIT_USAGE
    if args.limit is not None and args.limit < 1:
        print("assistant: --limit must be at least 1.", file=sys.stderr)
        return EXIT_USAGE
    questions = found.questions
    if args.split:  # rows without a split field belong to every split
        questions = [q for q in questions if (q.split or args.split) == args.split]
    questions = questions[: args.limit] if args.limit else questions

    from .pipeline import Assistant

    print("loading the assistant…", file=sys.stderr)
    bot = Assistant(settings=settings)
    baseline = None
    if args.baseline:
        from .baseline import StarterPipeline

        print("building the LlamaIndex starter baseline…", file=sys.stderr)
        baseline = StarterPipeline(bot.corpus, settings.data_dir, settings.embedding_model)
    judge = Judge(settings) if args.judge else None
    report = evaluate(bot, questions, baseline=baseline, judge=judge, previous=previous,
                      source=str(path))
    out = Path(args.out) if args.out else (
        Path("eval-output") / datetime.now().strftime("%Y%m%d-%H%M%S"))
    report.write(out, export=args.export)
    print(terminal_table(report.summary))
    errors = report.summary["counts"]["errors"]
    if errors:
        print(f"\n{errors} question(s) failed with an error; see results.jsonl.",
              file=sys.stderr)
    if previous is not None and report.summary["compare"]["worse"]:
        ids = ", ".join(w["id"] for w in report.summary["compare"]["worse"])
        print(f"\ngot worse than the previous run: {ids}")
    print(f"\nreport: {out / 'report.html'}")
    return 0


def _previous(path: str) -> dict | None:
    """An earlier summary.json to compare with; None (and a message) when unusable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"assistant: cannot read {path} to compare with ({error}).", file=sys.stderr)
        return None
    if not isinstance(data, dict) or "metrics" not in data:
        print(f"assistant: {path} is not a summary.json written by `assistant eval`.",
              file=sys.stderr)
        return None
    return data


class _ProgressBar:
    """A tqdm bar fed by the index's (done, total, what) callbacks."""

    def __init__(self):
        self._bar = None

    def __call__(self, done: int, total: int, what: str) -> None:
        from tqdm import tqdm

        if self._bar is None:
            self._bar = tqdm(total=total, unit="text", desc="indexing", file=sys.stderr)
        self._bar.set_postfix_str(what[:30])
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


if __name__ == "__main__":
    sys.exit(main())
