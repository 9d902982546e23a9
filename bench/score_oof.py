"""Flag scores compared on 3-fold out-of-fold predictions of the training material (never the
dev set, never the test split), and on the behavioural templates filled with *training* words
scored by each fold's model.

    python bench/score_oof.py run [--folds 3] [--seed 0] [--grouped]   # fits, stores CACHE/*.npz
    python bench/score_oof.py table [--grouped] [--seed 0]      # each score's figures
    python bench/score_oof.py languages [--grouped] [--seed 0]  # per language and threshold rule

`--grouped` folds keep every group of `maskscreen.classifier.folds.fold_groups` (one page, one story, one
near-duplicate text) inside one fold (StratifiedGroupKFold by label and language); without
it the folds are stratified only, as `maskscreen train`'s are.

`run` stores, for every training listing, its fold model's raw decisions (the logistic
regression's logits) and calibrated sigmoids, and the same for every behavioural text from
each fold's model. `table` fits each candidate score's calibrator on the out-of-fold values of
the other folds (cross-fitted), chooses the cuts the project's way (train.choose_thresholds at
precision 0.95 on the scores of the whole training material) and prints the grounded and
written P/R there and the MFT/INV/DIR failure rates of the fold models (at the same cuts).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold

from maskscreen.classifier import behaviour, runtime, train
from maskscreen.classifier import language as language_id
from maskscreen.classifier.evaluate import language_of
from maskscreen.classifier.folds import fold_groups
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.verdict import LABELS

CACHE = Path("/tmp/score_oof")


def decisions_of(pipeline, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Raw decisions and calibrated sigmoids (columns in LABELS order) of a fitted pipeline."""
    features = texts
    for _, step in pipeline.steps[:-1]:  # as Pipeline.predict_proba does
        features = step.transform(features)
    calibrated = pipeline.named_steps["model"].calibrated_classifiers_[0]
    raw = calibrated.estimator.decision_function(features)
    classes = list(calibrated.estimator.classes_)
    order = [classes.index(label) for label in LABELS]
    sig = np.column_stack([c.predict(raw[:, i]) for i, c in enumerate(calibrated.calibrators)])
    return raw[:, order], sig[:, order]


def run(args) -> None:
    from maskscreen.classifier.augment import synthetic_examples

    examples, synthetic = train.training_material(), synthetic_examples(seed=0)
    cases = behaviour.generate(held="train")
    btexts = sorted({t for c in cases for t in c.texts})
    texts = [e.text for e in examples]
    labels = np.array([e.label for e in examples])
    strata = [f"{e.label}/{language_of(e)}" for e in examples]
    sizes = {s: strata.count(s) for s in set(strata)}
    strata = np.array(
        [s if sizes[s] >= 2 * args.folds else s.split("/")[0] + "/other" for s in strata]
    )
    raw = np.zeros((len(examples), len(LABELS)))
    sig = np.zeros_like(raw)
    fold_of = np.zeros(len(examples), int)
    braw, bsig = [], []
    if args.grouped:
        groups = fold_groups(examples)
        splitter = StratifiedGroupKFold(args.folds, shuffle=True, random_state=args.seed)
        folds = splitter.split(texts, strata, groups)
    else:
        groups = np.arange(len(examples))
        folds = StratifiedKFold(args.folds, shuffle=True, random_state=args.seed).split(
            texts, strata
        )
    for fold, (tr, te) in enumerate(folds):
        print(f"fold {fold + 1}/{args.folds}", file=sys.stderr)
        pipeline = train._fit(
            train.build_pipeline(args.seed),
            [texts[i] for i in tr],
            list(labels[tr]),
            synthetic,
            [examples[i].language for i in tr],
            [train.example_weight(examples[i]) for i in tr],
        )
        raw[te], sig[te] = decisions_of(pipeline, [texts[i] for i in te])
        fold_of[te] = fold
        r, s = decisions_of(pipeline, btexts)
        braw.append(r)
        bsig.append(s)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(
        cache_file(args.grouped, args.seed),
        raw=raw, sig=sig, fold=fold_of, ids=np.array([e.id for e in examples]), groups=groups,
        braw=np.array(braw), bsig=np.array(bsig), btexts=np.array(btexts),
    )  # fmt: skip


def cache_file(grouped: bool, seed: int = 0) -> Path:
    name = "grouped" if grouped else "decisions"
    return CACHE / (f"{name}.npz" if seed == 0 else f"{name}-s{seed}.npz")


def _platt(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """sigmoid(a * x + b) fitted by log-loss (a plain logistic regression on one column)."""
    from sklearn.linear_model import LogisticRegression

    fit = LogisticRegression(C=1e6, max_iter=1000).fit(x[:, None], y)
    return float(fit.coef_[0, 0]), float(fit.intercept_[0])


def _temperature(fit_raw, fit_labels, raw) -> np.ndarray:
    """1 - softmax(raw / T + bias)[benign], T and the biases fitted by multinomial log-loss."""
    from scipy import optimize

    onehot = (fit_labels[:, None] == np.array(LABELS)[None, :]).astype(float)

    def softmax(z, theta):
        z = z / np.exp(theta[0]) + np.r_[theta[1:], 0.0][np.argsort(np.argsort(ORDER))]
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    theta = optimize.minimize(
        lambda t: -np.sum(onehot * softmax(fit_raw, t)), np.zeros(len(LABELS)), method="L-BFGS-B"
    ).x
    return 1.0 - np.exp(softmax(raw, theta))[:, B]


B = LABELS.index("benign")
D = [LABELS.index(x) for x in LABELS if x != "benign"]
ORDER = [*D, B]  # the free biases first, benign's fixed at 0
# bench-only candidates: a one-column sigmoid on a quantity of (raw decisions, sigmoids)
QUANTITIES = {
    "sum-sigmoids+platt": lambda raw, sig: sig[:, D].sum(axis=1),
    "max-raw+platt": lambda raw, sig: raw[:, D].max(axis=1),
    "benign-logit+platt": lambda raw, sig: -raw[:, B],
}
WEIGHTS = (1.0, 0.75, 0.6, 0.5, 0.4, 0.25)  # "margin" with train.MARGIN_WEIGHT set to each
NAMES = ("normalised", "benign", *QUANTITIES, "temperature", *(f"margin {w}" for w in WEIGHTS))


def candidate_scores(name, fit_raw, fit_sig, fit_labels, raw, sig):
    if name in QUANTITIES:
        quantity = QUANTITIES[name]
        a, b = _platt(quantity(fit_raw, fit_sig), fit_labels != "benign")
        return runtime.expit(a * quantity(raw, sig) + b)
    if name == "temperature":
        return _temperature(fit_raw, fit_labels, raw)
    kind, _, weight = name.partition(" ")
    calibration = train.fit_score(
        kind, fit_sig, fit_raw, list(fit_labels), float(weight) if weight else None
    )
    return runtime.danger(sig, list(LABELS), kind, raw, calibration)[0]


class _Scored:
    """A stand-in for Model in behaviour.run: precomputed scores and cuts."""

    def __init__(self, verdicts):
        self.verdicts = verdicts

    def predict(self, texts, explain=False):
        return [self.verdicts[t] for t in texts]


def load_run(path: Path):
    """A stored run with the training material it was made from (checked), each listing's
    label, flag truth, grounded mask and the language the model identifies."""
    from types import SimpleNamespace

    examples = train.training_material()
    stored = np.load(path)
    assert list(stored["ids"]) == [e.id for e in examples], "other training material"
    labels = np.array([e.label for e in examples])
    return SimpleNamespace(
        examples=examples, stored=stored, raw=stored["raw"], sig=stored["sig"],
        fold=stored["fold"], labels=labels, y=labels != "benign",
        grounded=np.array([bool(e.source_url) for e in examples]),
        detected=np.array(language_id.identify([normalize(e.text) for e in examples])),
    )  # fmt: skip


def table(grouped: bool = False, seed: int = 0) -> None:
    from types import SimpleNamespace

    run = load_run(cache_file(grouped, seed))
    stored, raw, sig, labels, y = run.stored, run.raw, run.sig, run.labels, run.y
    fold, grounded, detected = run.fold, run.grounded, run.detected
    btexts = list(stored["btexts"])
    blang = language_id.identify([normalize(t) for t in btexts])
    cases = behaviour.generate(held="train")
    print(f"{'score':22} {'all P/R':>13} {'grounded':>13} {'written':>13}  MFT    INV    DIR")
    for name in NAMES:
        scores = np.zeros(len(y))
        for f in np.unique(fold):  # cross-fitted: each fold scored by the others' calibrator
            rest, mine = fold != f, fold == f
            scores[mine] = candidate_scores(
                name, raw[rest], sig[rest], labels[rest], raw[mine], sig[mine]
            )
        overall, by_language = train.choose_thresholds(y, scores, detected, grounded, 0.95)
        cuts = np.array([by_language.get(x, overall) for x in detected])
        flag = scores >= cuts
        cells = []
        for part in (np.ones(len(y), bool), grounded, ~grounded):
            tp = (flag & y & part).sum()
            cells.append(f"{tp / max((flag & part).sum(), 1):.3f}/{tp / (y & part).sum():.3f}")
        counts = {t: [0, 0] for t in behaviour.TEST_TYPES}
        worst = {}
        for k in range(len(stored["braw"])):
            bscores = candidate_scores(name, raw, sig, labels, stored["braw"][k], stored["bsig"][k])
            verdicts = {
                t: SimpleNamespace(score=round(float(s), 4),
                                   flagged=bool(s >= by_language.get(lang, overall)))
                for t, s, lang in zip(btexts, bscores, blang, strict=True)
            }  # fmt: skip
            result = behaviour.run(_Scored(verdicts), cases)
            for test, rows in result["rates"].items():
                counts[test][0] += rows["all"]["failures"]
                counts[test][1] += rows["all"]["cases"]
                for lang, row in rows.items():
                    if lang != "all" and row["failures"]:
                        key = f"{test} {lang}"
                        worst[key] = worst.get(key, 0) + row["failures"] / row["cases"] / 3
        rates = "  ".join(f"{100 * f / n:4.1f}%" for f, n in counts.values())
        detail = ", ".join(f"{k} {100 * v:.1f}" for k, v in sorted(worst.items()) if v >= 0.02)
        print(f"{name:22} {cells[0]:>13} {cells[1]:>13} {cells[2]:>13}  {rates}  {detail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run")
    one.add_argument("--folds", type=int, default=3)
    for command in (one, sub.add_parser("table"), sub.add_parser("languages")):
        command.add_argument("--grouped", action="store_true")
        command.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    elif args.command == "table":
        table(args.grouped, args.seed)
    else:
        from score_groups import languages

        languages(cache_file(args.grouped, args.seed))


if __name__ == "__main__":
    main()
