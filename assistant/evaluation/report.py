"""The Report of a run: results files, and one list of blocks drawn as Markdown, HTML and
terminal text."""

from __future__ import annotations

import base64
import html
import json
import textwrap
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .. import metrics as m
from .plots import plot_by_type, plot_comparison, plot_latency
from .summary import BY_TYPE, HEADLINE, TARGETS

if TYPE_CHECKING:
    from .runner import EvalRow


@dataclass
class Report:
    """The result of an evaluation: a summary, one row per question, and renderings."""

    summary: dict
    rows: list[EvalRow]

    def to_json(self) -> str:
        """Summary and rows as one JSON document."""
        rows = [r.to_dict() for r in self.rows]
        return json.dumps({"summary": self.summary, "rows": rows}, indent=2, ensure_ascii=False)

    def to_markdown(self) -> str:
        """The report in Markdown; plots are linked as PNG files written beside it."""
        return _markdown(_blocks(self, embed=False))

    def to_html(self) -> str:
        """The report as one self-contained HTML page (plots embedded as PNG data)."""
        return _html(_blocks(self, embed=True), "Evaluation report")

    @cached_property
    def plots(self) -> dict[str, bytes]:
        """PNG plots by file name: scores by type, latency, and comparison when comparing."""
        drawn = {
            "scores_by_type.png": plot_by_type(self.summary),
            "latency.png": plot_latency([r.timings for r in self.rows]),
        }
        if self.summary.get("baseline") or self.summary.get("compare"):
            drawn["comparison.png"] = plot_comparison(self.summary)
        return drawn

    def write(self, folder: str | Path, export: str | None = None) -> list[Path]:
        """Write results.jsonl, summary.json, report.md/.html and the plots; return paths."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        written = []

        def put(name: str, content: str | bytes) -> None:
            path = folder / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            written.append(path)

        put("results.jsonl", _jsonl(r.to_dict() for r in self.rows))
        put("summary.json", json.dumps(self.summary, indent=2, ensure_ascii=False) + "\n")
        for name, png in self.plots.items():
            put(name, png)
        put("report.md", self.to_markdown())
        put("report.html", self.to_html())
        if export == "ragas":
            put("ragas.jsonl", _jsonl(ragas_rows(self.rows)))
        return written


def ragas_rows(rows: list[EvalRow]) -> list[dict]:
    """Rows RAGAS reads (SingleTurnSample fields) for teams that run it with their LLM."""
    return [
        {
            "user_input": r.user_input,
            "response": m.strip_markers(r.response),
            "retrieved_contexts": r.retrieved_contexts,
            "reference": r.reference,
            "reference_contexts": r.reference_contexts,
        }
        for r in rows
        if not r.error
    ]


def _jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


# --- rendering: one list of blocks, drawn as Markdown, HTML and terminal text -----------


def headline_table(summary: dict) -> tuple[list[str], list[list[str]]]:
    """The metric table: ours, baseline, delta against an earlier run, and the target."""
    baseline = summary.get("baseline", {}).get("metrics", {})
    deltas = summary.get("compare", {}).get("deltas", {})
    headers = ["metric", "ours"]
    if summary.get("baseline"):
        headers.append("baseline (top-2)")
    if summary.get("compare"):
        headers.append("Δ vs previous")
    headers.append("target")
    rows = []
    for key in HEADLINE:
        value = summary["metrics"].get(key)
        if value is None and key not in baseline:
            continue
        row = [key, _fmt(value, key)]
        if summary.get("baseline"):
            row.append(_fmt(baseline.get(key), key) if key in baseline else "")
        if summary.get("compare"):
            delta = deltas.get(key)
            row.append(f"{delta['delta']:+.3f}" if delta else "")
        row.append(_target(key, value))
        rows.append(row)
    total = summary["latency_ms"].get("total")
    if total:
        for p in ("p50", "p95"):
            row = [f"latency total {p} (ms)", f"{total[p]:.0f}"]
            if summary.get("baseline"):
                row.append(f"{summary['baseline']['latency_ms']['total'][p]:.0f}")
            if summary.get("compare"):
                row.append("")
            rows.append(row + [""])
    return headers, rows


def _fmt(value, key: str = "") -> str:
    if value is None:
        return "n/a"
    return f"{value:.0f}" if key == "chars_per_citation" else f"{value:.3f}"


def _target(key: str, value) -> str:
    if key not in TARGETS or value is None:
        return ""
    op, goal = TARGETS[key]
    met = value >= goal if op == ">=" else value <= goal
    return f"{op} {goal} {'met' if met else 'MISSED'}"


def terminal_table(summary: dict) -> str:
    """The headline table as aligned plain text."""
    headers, rows = headline_table(summary)
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]
    lines = [
        "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w)
                  for i, (x, w) in enumerate(zip(line, widths)))
        for line in [headers, *rows]
    ]
    counts = summary["counts"]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(0, f"{counts['questions']} questions ({counts['answerable']} answerable, "
                    f"{counts['unanswerable']} unanswerable), {counts['errors']} errors")
    return "\n".join(lines)


def _blocks(report: Report, embed: bool) -> list[tuple]:
    s, run = report.summary, report.summary["run"]
    blocks: list[tuple] = [
        ("h1", "Evaluation report"),
        ("p", f"{run['questions']} questions from {run['question_set'] or 'a question set'}, "
              f"run {run['started']}; answerer: {run['answerer']} ({run['backend']}); "
              f"{run['documents']} document(s), {run['passages']} passages, top_k "
              f"{run['top_k']}. Errors: {run['errors']}."),
        ("table", *headline_table(s)),
        ("p", "Retrieval scores count only answerable questions; abstention counts only "
              "unanswerable ones. The citation scores are an offline proxy for ALCE's "
              "NLI-based scores, not the real thing."),
    ]
    if s.get("baseline"):
        blocks.append(("p", "Baseline: the plain LlamaIndex starter (VectorStoreIndex over "
                            "Chroma, SentenceSplitter defaults, similarity_top_k=2, same "
                            "embedding model), retrieval only; it is given the question "
                            "without history. Its hit@3 and hit@5 see only 2 chunks."))
    if run["unknown_fields"]:
        blocks.append(("p", "Unknown fields kept in the rows: "
                            + ", ".join(run["unknown_fields"]) + "."))
    blocks += [("h2", "Scores by question type"), _image(report, "scores_by_type.png", embed),
               ("table", ["type", "n", *BY_TYPE],
                [[k, str(v["n"]), *(_fmt(v[x]) for x in BY_TYPE)]
                 for k, v in s["by_type"].items()])]
    blocks += [("h2", "Latency"), _image(report, "latency.png", embed),
               ("table", ["stage", "p50 ms", "p95 ms", "n"],
                [[k, f"{v['p50']:.1f}", f"{v['p95']:.1f}", str(v["n"])]
                 for k, v in s["latency_ms"].items()])]
    if "comparison.png" in report.plots:
        blocks += [("h2", "Comparison"), _image(report, "comparison.png", embed)]
    if s.get("compare"):
        worse = s["compare"]["worse"]
        blocks.append(("p", f"{len(worse)} question(s) got worse than in the previous run."))
        if worse:
            blocks.append(("table", ["id", "what dropped"], [
                [w["id"], ", ".join(f"{c['metric']} {c['before']:.2f}→{c['now']:.2f}"
                                    for c in w["changes"])] for w in worse]))
    blocks += [("h2", "Definitions"),
               ("ul", list(s["definitions"].values()))]
    failing = _to_look_at(report.rows)
    if failing:
        blocks += [("h2", "Questions to look at"),
                   ("table", ["id", "type", "what", "question", "answer"], failing)]
    return blocks


def _to_look_at(rows: list[EvalRow]) -> list[list[str]]:
    found = []
    for r in rows:
        sc = r.scores
        what = [r.error] if r.error else []
        if r.answerable and not r.error:
            what += [label for label, bad in (
                ("refused", sc.get("false_refusal") == 1.0),
                ("key facts missing", sc.get("key_fact_recall", 1.0) < 1.0),
                ("gold not cited", sc.get("gold_cited") == 0.0 and r.answered),
                ("gold not in top 3", sc.get("hit@3") == 0.0),
            ) if bad]
        elif not r.error and r.answered:
            what.append("answered an unanswerable question")
        if what:
            found.append([r.id, r.question_type, "; ".join(what),
                          textwrap.shorten(r.user_input, 70),
                          textwrap.shorten(r.response, 90)])
    return found


def _image(report: Report, name: str, embed: bool) -> tuple:
    data = report.plots[name]
    source = f"data:image/png;base64,{base64.b64encode(data).decode()}" if embed else name
    return ("img", source, name.removesuffix(".png").replace("_", " "))


def _markdown(blocks: list[tuple]) -> str:
    out = []
    for kind, *rest in blocks:
        if kind == "h1":
            out.append(f"# {rest[0]}")
        elif kind == "h2":
            out.append(f"## {rest[0]}")
        elif kind == "p":
            out.append(rest[0])
        elif kind == "ul":
            out.append("\n".join(f"- {item}" for item in rest[0]))
        elif kind == "img":
            out.append(f"![{rest[1]}]({rest[0]})")
        elif kind == "table":
            headers, rows = rest
            cell = lambda x: str(x).replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines = ["| " + " | ".join(map(cell, headers)) + " |",
                     "|" + "---|" * len(headers)]
            lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


_CSS = """body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;
color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;
padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f3f3f3}
img{max-width:100%;border:1px solid #eee}"""


def _html(blocks: list[tuple], title: str) -> str:
    esc = html.escape
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{esc(title)}"
           f"</title><style>{_CSS}</style></head><body>"]
    for kind, *rest in blocks:
        if kind in ("h1", "h2", "p"):
            out.append(f"<{kind}>{esc(rest[0])}</{kind}>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{esc(i)}</li>" for i in rest[0]) + "</ul>")
        elif kind == "img":
            out.append(f"<p><img src='{rest[0]}' alt='{esc(rest[1])}'></p>")
        elif kind == "table":
            headers, rows = rest
            out.append("<table><tr>" + "".join(f"<th>{esc(str(h))}</th>" for h in headers)
                       + "</tr>" + "".join("<tr>" + "".join(f"<td>{esc(str(c))}</td>"
                                                            for c in row) + "</tr>"
                                           for row in rows) + "</table>")
    return "\n".join(out) + "\n</body></html>\n"
