"""Dev question sets -> the answerability model (assistant/answerability.json).

    python -m assistant.calibration            # fit on the dev splits, write the model
    python -m assistant.calibration --report   # print dev figures of the shipped model
    python -m assistant.calibration --left-out # refit without each corpus, measure on it

Only rows of the dev splits are read: the dev halves of the two shipped sets and the
dev question sets under tests/generalization (DEV_SETS). The test splits are never
seen here. The two sentence-choice knobs are chosen by a small grid on key facts and
gold passages; the L2 penalty and the threshold on out-of-fold probabilities (5-fold),
so the threshold is not set on rows the weights were fitted to; the weights are then
fitted on every dev row. --left-out refits (knobs kept) without each corpus in turn.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from . import metrics as m
from .answerability import SIGNALS, Assessor, Model

REPO = Path(__file__).resolve().parent.parent
DEV_SETS = [
    ("corpus", "corpus/questions.jsonl"),
    ("corpus", "corpus/questions-second.jsonl"),
    ("tests/generalization/corpus", "tests/generalization/questions-dev.jsonl"),
    # Questions about nothing in any release (jokes, recipes, trivia), which users
    # ask too; without them the model never sees how little such a question matches.
    ("tests/generalization/corpus", "tests/generalization/questions-offtopic-dev.jsonl"),
    # Six more releases and their questions, written after the code, by writers who did
    # not read it: failures found here are the ones a new user's releases show.
    ("tests/generalization/dev2/corpus", "tests/generalization/dev2/questions-dev2.jsonl"),
    ("tests/generalization/dev3/corpus", "tests/generalization/dev3/questions-dev3.jsonl"),
    # Questions about a meeting that its release leaves out (a minister's age, the
    # weather, why a figure fell), from every corpus: its near misses. The other dev
    # sets of dev4 to dev9 stay out, to measure the model on questions it never saw.
    ("tests/generalization/corpus", "tests/generalization/questions-untold-dev.jsonl"),
    *((f"tests/generalization/dev{n}/corpus",
       f"tests/generalization/dev{n}/questions-untold-dev{n}.jsonl") for n in range(2, 10)),
]
KIND_BONUSES = (0.0, 0.05, 0.1, 0.15, 0.2)
CROSS_RATIOS = (0.85, 0.9, 0.95, 1.01)
PENALTIES = (0.1, 1.0, 10.0)  # inverse strengths of the L2 penalty tried, by 5-fold CV


@dataclass
class Row:
    """One dev question after retrieval: what the assessor needs, and the labels."""

    id: str
    question: str
    answerable: bool
    contexts: list[str]
    must_include: list[str]
    retrieval: object


def dev_rows(data_root: Path) -> list[tuple[Assessor, list[Row]]]:
    """Retrieve once for every dev question, per corpus."""
    from .evaluation import load_questions
    from .pipeline import Assistant

    groups = []
    bots = {}
    for corpus_dir, path in DEV_SETS:
        if corpus_dir not in bots:
            bots[corpus_dir] = Assistant(
                corpus_dir=REPO / corpus_dir,
                # One index folder per corpus: two corpora in one would replace each other.
                data_dir=data_root / corpus_dir.replace("/", "-"),
            )
        bot = bots[corpus_dir]
        rows = []
        for q in load_questions(REPO / path):
            if q.split == "test" or "questions-test" in path:
                continue
            retrieval = bot.retrieve(q.user_input, q.history)
            rows.append(Row(q.id, q.user_input, q.answerable, q.contexts(bot.corpus),
                            q.must_include, retrieval))
        groups.append((bot.assessor, rows))
    return groups


def _features(groups, model: Model):
    """Signals, labels, set numbers and answer quality of every row under the model's
    knobs."""
    X, y, sets, quality = [], [], [], []
    for number, (assessor, rows) in enumerate(groups):
        assessor.model = model
        for row in rows:
            verdict = assessor.assess(row.question, row.retrieval)
            if verdict.signals:  # a verdict reached by rule ("who is named?") has none
                X.append([verdict.signals[k] for k in SIGNALS])
                y.append(int(row.answerable))
                sets.append(number)
            if row.answerable:
                quotes = " ".join(
                    sp.passage.sentence_text(span) for sp, span, _ in verdict.sentences
                )
                cited = [sp.passage.text for sp, _, _ in verdict.sentences]
                quality.append((
                    m.key_fact_recall(quotes, row.must_include) if row.must_include else None,
                    m.gold_cited(cited, row.contexts),
                    m.mean(float(m.is_gold(t, row.contexts)) for t in cited),
                ))
    return X, y, sets, quality


def fit(groups) -> tuple[Model, dict]:
    """The knobs by grid on answer quality, then the weights and the threshold."""
    import numpy as np

    base = Model.load()
    best = None
    for bonus in KIND_BONUSES:
        for ratio in CROSS_RATIOS:
            model = replace(base, kind_bonus=bonus, cross_ratio=ratio)
            _, _, _, quality = _features(groups, model)
            facts = m.mean(q[0] for q in quality if q[0] is not None)
            gold = m.mean(q[1] for q in quality)
            precision = m.mean(q[2] for q in quality)  # share of cited sentences that are gold
            key = (round(facts + gold + precision, 3), ratio)
            if best is None or key > best[0]:
                best = (key, bonus, ratio, facts, gold)
    _, bonus, ratio, facts, gold = best
    model = replace(base, kind_bonus=bonus, cross_ratio=ratio)
    X, y, _, _ = _features(groups, model)
    raw, bias, threshold, out_of_fold = _weights(np.array(X), np.array(y))
    model = replace(
        model,
        weights={k: round(float(w), 4) for k, w in zip(SIGNALS, raw)},
        bias=round(float(bias), 4),
        threshold=round(threshold, 3),
        fitted_on=[f"{path} (dev)" for _, path in DEV_SETS],
    )
    figures = {"dev_rows": int(len(y)), "key_facts": facts, "gold_cited": gold,
               **_rates(out_of_fold, np.array(y), threshold)}
    return model, figures


def _weights(X, y):
    """Weights, bias and threshold for signals X and labels y: the penalty and the
    threshold are chosen on out-of-fold probabilities (5-fold), the weights then fitted
    on every row. Returns (weights, bias, threshold, out-of-fold probabilities)."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    chosen = None
    for c in PENALTIES:
        out_of_fold = np.zeros(len(y))
        for train, held in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
            w, b = _signed_logistic(X[train], y[train], c)
            out_of_fold[held] = 1 / (1 + np.exp(-(X[held] @ w + b)))
        threshold, balance = _threshold(out_of_fold, y)
        if chosen is None or balance > chosen[0]:
            chosen = (balance, c, out_of_fold, threshold)
    _, c, out_of_fold, threshold = chosen
    raw, bias = _signed_logistic(X, y, c)
    return raw, bias, threshold, out_of_fold


def left_out(groups, model: Model) -> dict:
    """Abstention and false refusals on each corpus's dev sets under weights, penalty
    and threshold fitted on the other corpora's rows: how the fit holds on releases
    it did not see. The knobs stay those of model (chosen on every row), and the
    January release sits in every corpus, so this is a little kinder than new
    releases are. Rows decided by rule (no signals) are left out."""
    import numpy as np

    X, y, sets, _ = _features(groups, model)
    X, y = np.array(X), np.array(y)
    corpus_of = np.array([DEV_SETS[n][0] for n in sets])
    figures = {}
    for corpus in dict.fromkeys(corpus_of):
        held = corpus_of == corpus
        raw, bias, threshold, _ = _weights(X[~held], y[~held])
        probabilities = 1 / (1 + np.exp(-(X[held] @ raw + bias)))
        figures[corpus] = {"rows": int(held.sum()), **{
            k: v if v is None else round(v, 3)
            for k, v in _rates(probabilities, y[held], threshold).items()}}
    return figures


# The direction each signal may push: more support never counts against answering,
# an unknown name never for it. Signs keep a small dev split from fitting noise.
SIGNS = {
    "best_score": 1, "passage_dense": 1, "sentence_coverage": 1, "evidence_coverage": 1,
    "unknown_share": -1, "unknown_name": -1, "kind_asked": 0, "kind_missing": -1,
    "nothing_new": -1, "yes_no": 0, "margin": 1, "weakest_word": 1,
    "second_weakest_word": 1, "mean_word": 1,
}


def _signed_logistic(X, y, c: float):
    """Logistic regression with an L2 penalty 1/c on standardised signals, each weight
    held to its sign in SIGNS; returns (weights on the raw signals, bias)."""
    import numpy as np
    from scipy.optimize import minimize

    mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
    Z = (X - mean) / scale

    def loss(params):
        w, b = params[:-1], params[-1]
        z = Z @ w + b
        p = 1 / (1 + np.exp(-z))
        nll = np.sum(np.logaddexp(0, z) - y * z)
        grad = np.append(Z.T @ (p - y) + w / c, np.sum(p - y))
        return nll + 0.5 * np.sum(w * w) / c, grad

    bounds = [(0, None) if SIGNS[k] > 0 else (None, 0) if SIGNS[k] < 0 else (None, None)
              for k in SIGNALS] + [(None, None)]
    result = minimize(loss, np.zeros(len(SIGNALS) + 1), jac=True, bounds=bounds,
                      method="L-BFGS-B")
    w, b = result.x[:-1], result.x[-1]
    raw = w / scale
    return raw, float(b - np.sum(raw * mean))


def _rates(probabilities, y, threshold: float) -> dict:
    answered = probabilities >= threshold
    answerable = y == 1
    # (None where a held-out corpus has rows of one kind only)
    return {
        "abstention": float((~answered[~answerable]).mean()) if (~answerable).any() else None,
        "false_refusal": float((~answered[answerable]).mean()) if answerable.any() else None,
    }


def _threshold(probabilities, y) -> tuple[float, float]:
    """The threshold with the best balanced accuracy (abstention minus false refusals,
    Youden's J), and that J. A wrong answer and a wrong refusal weigh the same; a
    criterion aiming at both targets at once sat wherever the dev set with the
    closest unanswerable questions pushed it, and held less well on the set left
    out (leave-one-set-out on the dev sets)."""
    import numpy as np

    best_t, best_j = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 91):
        rates = _rates(probabilities, y, t)
        j = rates["abstention"] - rates["false_refusal"]
        if j > best_j:
            best_t, best_j = float(t), j
    return best_t, best_j


def main(argv: list[str] | None = None) -> int:
    """Fit (or, with --report, only measure) on the dev splits."""
    parser = argparse.ArgumentParser(prog="python -m assistant.calibration")
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--report", action="store_true", help="measure, write nothing")
    what.add_argument("--left-out", action="store_true",
                      help="refit leaving out each corpus in turn; print its figures")
    parser.add_argument("--data", default=".assistant/calibration", help="index folder")
    args = parser.parse_args(argv)
    groups = dev_rows(Path(args.data))
    if args.report:
        import numpy as np

        model = Model.load()
        X, y, _, quality = _features(groups, model)
        probabilities = np.array([model.probability(dict(zip(SIGNALS, x))) for x in X])
        print(json.dumps({
            "key_facts": m.mean(q[0] for q in quality if q[0] is not None),
            "gold_cited": m.mean(q[1] for q in quality),
            **_rates(probabilities, np.array(y), model.threshold),
        }, indent=2))
        return 0
    if args.left_out:
        print(json.dumps(left_out(groups, Model.load()), indent=2))
        return 0
    model, figures = fit(groups)
    target = Path(__file__).with_name("answerability.json")
    target.write_text(json.dumps(asdict(model), indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    print(f"wrote {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
