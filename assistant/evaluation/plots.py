"""Report plots as PNG bytes: matplotlib with the Agg backend, imported only when drawn."""

from __future__ import annotations

from .. import metrics as m
from .summary import BY_TYPE, HEADLINE, STAGES


def _pyplot():
    # Agg draws to memory: no display needed, and matplotlib loads only when a report is drawn.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure) -> bytes:
    import io

    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    _pyplot().close(figure)
    return buffer.getvalue()


def _bars(ax, groups: list[str], series: dict[str, list[float | None]]) -> None:
    """Grouped horizontal bars; a missing value draws no bar."""
    height = 0.8 / max(1, len(series))
    for i, (label, values) in enumerate(series.items()):
        ys = [g + i * height for g in range(len(groups))]
        ax.barh(ys, [v or 0 for v in values], height=height, label=label)
    ax.set_yticks([g + 0.4 - height / 2 for g in range(len(groups))], groups)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)


def plot_by_type(summary: dict) -> bytes:
    """Bars of the per-type scores of a summary."""
    plt = _pyplot()
    types = list(summary["by_type"])
    figure, ax = plt.subplots(figsize=(8, 0.6 * len(types) + 1.5))
    _bars(ax, types, {k: [summary["by_type"][t][k] for t in types] for k in BY_TYPE})
    ax.set_title("Scores by question type (abstained: unanswerable questions only)")
    return _png(figure)


def plot_latency(timings: list[dict[str, float]]) -> bytes:
    """A histogram of total ms per question, and a box per stage."""
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    totals = [t["total"] for t in timings if "total" in t]
    left.hist(totals or [0], bins=20, color="#4a7ab5")
    for p, style in ((50, "--"), (95, ":")):
        left.axvline(m.percentile(totals, p), color="k", linestyle=style, label=f"p{p}")
    left.set_xlabel("total ms per question")
    left.set_ylabel("questions")
    left.legend()
    stages = [s for s in STAGES if any(s in t for t in timings)]
    right.boxplot([[t[s] for t in timings if s in t] or [0] for s in stages],
                  tick_labels=stages, orientation="horizontal")
    right.set_xlabel("ms per stage")
    return _png(figure)


def plot_comparison(summary: dict) -> bytes:
    """Our scores beside the previous run's and the baseline's, and characters per citation."""
    plt = _pyplot()
    others = {}
    if summary.get("compare"):
        others["previous"] = {k: d["before"] for k, d in summary["compare"]["deltas"].items()}
    if summary.get("baseline"):
        others["baseline"] = summary["baseline"]["metrics"]
    # Only metrics something else measured too: a lone bar compares nothing.
    keys = [k for k in HEADLINE if k != "chars_per_citation"
            and summary["metrics"].get(k) is not None
            and any(o.get(k) is not None for o in others.values())]
    series = {"ours": [summary["metrics"][k] for k in keys]}
    series.update({name: [o.get(k) for k in keys] for name, o in others.items()})
    sizes = {name: o.get("chars_per_citation") for name, o in others.items()}
    sizes = {"ours": summary["metrics"].get("chars_per_citation"), **sizes}
    sizes = {k: v for k, v in sizes.items() if v is not None}
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(11, 0.2 * len(keys) * len(series) + 2),
        gridspec_kw={"width_ratios": [3, 1.2]})
    _bars(left, keys, series)
    left.set_title("Scores (higher is better, except false_refusal)")
    right.bar(list(sizes), list(sizes.values()), color="#888")
    right.set_title("Characters per citation")
    for x, value in enumerate(sizes.values()):
        right.annotate(f"{value:.0f}", (x, value), ha="center", va="bottom", fontsize=8)
    return _png(figure)
