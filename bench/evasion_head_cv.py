"""Grouped cross-validation of the evasion head (classifier/evasion_head.py) against the
patterns alone, on the training material only (written corpus minus its test split,
grounded records minus the dev set).

    python bench/evasion_head_cv.py [--folds 5] [--precision 0.9 ...] [--c 4 ...]

Outer folds: StratifiedGroupKFold (groups: a grounded record's source_url, a written
record's id; strata: the evasion mark and the language). In each outer fold the model's
feature steps (train.build_pipeline without its classifier) are fitted on the training
part only; the head's cut is chosen on the training part's inner grouped out-of-fold
scores (3 folds) at the precision target, then the head fitted on the whole training part
scores the held-out part. Patterns are as shipped (no fitting: their figures are
in-sample, the files were written from this material).
Rules: patterns; head alone (cut for the head's own precision); patterns OR head with the
head's own cut, or with the cut for the union's precision (which reads the patterns'
in-sample precision). The head reads no evasion-pattern feature of the concept step
(evasion_head.PATTERN_FEATURES) unless --with-pattern-features.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from maskscreen.classifier import evasion_head as eh
from maskscreen.classifier.concepts import matchers
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher
from maskscreen.classifier.train import GROUNDED_WEIGHT, build_pipeline, training_material


def prf(truth, pred):
    tp = int(np.sum(truth & pred))
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int(truth.sum()), 1)
    return p, r


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--inner", type=int, default=3)
    parser.add_argument("--precision", type=float, nargs="+", default=[0.90, 0.95])
    parser.add_argument("--c", type=float, nargs="+", default=[1.0, 4.0, 16.0])
    parser.add_argument(
        "--with-pattern-features",
        action="store_true",
        help="let the head read the concept step's evasion-pattern features (in-sample here)",
    )
    parser.add_argument(
        "--weighted", action="store_true", help="grounded records weigh GROUNDED_WEIGHT"
    )
    args = parser.parse_args()
    examples = training_material()
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    y = np.array([bool(e.signals.get("evasion_claim")) for e in examples])
    grounded = np.array([bool(e.source_url) for e in examples])
    weights = np.where(grounded, GROUNDED_WEIGHT, 1.0) if args.weighted else None
    groups, strata = eh.groups_and_strata(examples)
    matcher = default_matcher()
    patterns = np.array([matcher.flags(matcher.find(normalize(t)))["evasion_claim"] for t in texts])
    print(  # noqa: T201
        f"{len(examples)} listings, {int(y.sum())} marked; grounded {int(grounded.sum())}, "
        f"{int(y[grounded].sum())} marked"
    )
    rules = {"patterns": patterns.copy()}
    outer = eh.grouped_folds(y, groups, strata, args.folds, 0)
    start = time.time()
    preds = {}
    for fold, (tr, te) in enumerate(outer, start=1):
        pipeline = build_pipeline(0)
        xtr = pipeline[:-1].fit_transform([texts[i] for i in tr], [labels[i] for i in tr]).tocsr()
        xte = [texts[i] for i in te]
        for _, step in pipeline.steps[:-1]:  # (a slice of a pipeline is never "fitted")
            xte = step.transform(xte)
        concepts = dict(pipeline.named_steps["features"].transformer_list)["concepts"]
        columns = eh.pattern_columns(
            matchers(concepts.lexicon, concepts.signals)[0], concepts.interactions, xtr.shape[1]
        )
        xte = xte.tocsr()
        if not args.with_pattern_features:
            xtr, xte = eh.pattern_blind(xtr, columns), eh.pattern_blind(xte, columns)
        w = None if weights is None else weights[tr]
        for c in args.c:
            inner = eh.out_of_fold_scores(xtr, y[tr], w, groups[tr], strata[tr], args.inner, c)
            coef, intercept = eh.fit_weights(xtr, y[tr], w, c)
            s = 1.0 / (1.0 + np.exp(-(xte @ coef + intercept)))
            for target in args.precision:
                none = np.zeros(len(tr), bool)
                for rule, base_tr, base_te in (
                    ("head", none, np.zeros(len(te), bool)),
                    ("patterns OR head (head's cut)", none, patterns[te]),
                    ("patterns OR head (union's cut)", patterns[tr], patterns[te]),
                ):
                    t = eh.choose_threshold(y[tr], inner, base_tr, target)
                    key = f"{rule} C={c:g} P>={target:g}"
                    pred = preds.setdefault(key, np.zeros(len(y), bool))
                    pred[te] = base_te | (s >= (t if t is not None else np.inf))
                    preds.setdefault(key + " cuts", []).append(t)
        print(f"fold {fold}/{args.folds} done, {time.time() - start:.0f} s", flush=True)  # noqa: T201
    for key, pred in {**rules, **preds}.items():
        if key.endswith(" cuts"):
            continue
        p, r = prf(y, pred)
        pg, rg = prf(y[grounded], pred[grounded])
        pw, rw = prf(y[~grounded], pred[~grounded])
        cuts = preds.get(key + " cuts")
        cut_text = (
            f" cuts {', '.join(f'{t:.2f}' if t is not None else '-' for t in cuts)}" if cuts else ""
        )
        print(  # noqa: T201
            f"{key:44} all P {p:.3f} R {r:.3f} | grounded P {pg:.3f} R {rg:.3f}"
            f" | written P {pw:.3f} R {rw:.3f}{cut_text}"
        )


if __name__ == "__main__":
    main()
