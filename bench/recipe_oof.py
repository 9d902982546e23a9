"""Training recipes compared on the out-of-fold predictions of the training material's
grounded part (records with a source_url): never the dev set, never the test split.

    python bench/recipe_oof.py run NAME [--grounded-weight W] [--c C] [--scale S] [--folds 3]
                                   [--seed 0] [--language-balance P] [--char-ngrams 1,5]
                                   [--char-max-features N] [--dangerous-weight W]
                                   [--from-photo-weight W]
    python bench/recipe_oof.py table [NAME ...]

`run` computes the out-of-fold probabilities of `train.training_material()` once for one
recipe (with the shipped synthetic listings, as `maskscreen train` does) and stores them in
CACHE/NAME.npz; `table` prints, for each stored run and each threshold rule, the
flagged-vs-benign precision and recall of the grounded part (overall and per annotated
language) and of the written part at the cuts that rule chooses. Two readings:

- "in": the cuts chosen on the same out-of-fold scores they are measured on (what the
  training figures of metrics.json report);
- "x": cross-fitted: the grounded records split in two halves by a salted hash of their
  source_url; each half is measured at the cuts chosen without it (written part plus the
  other half), so a rule that picks its cut on the grounded part is not read on the very
  records it picked it from; the language minimums (MIN_GROUNDED_POSITIVES,
  MIN_LANGUAGE_EXAMPLES) are halved with the data, so the same languages get their own cut.

"AP" is the average precision of each part's scores, read without any cut. "best" is the
highest recall of the grounded part at precision >= 0.95 with one cut chosen on it (a ceiling
for one overall cut, not a rule).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score

from maskscreen.classifier import language as language_id
from maskscreen.classifier import train
from maskscreen.classifier.evaluate import language_of
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.runtime import danger
from maskscreen.classifier.verdict import LABELS

CACHE = Path("/tmp/recipe_oof")
# threshold rules: (name, source, MIN_GROUNDED_POSITIVES, FALLBACK_PRECISION)
RULES = (
    ("all", "all", 100, None),
    ("g-ov", "grounded", 10**6, None),  # the overall cut only
    ("g100", "grounded", 100, None),
    ("g50", "grounded", 50, None),
    ("g30", "grounded", 30, None),
    ("all+o90", "all", 100, 0.90),  # the languages without their own cut at precision 0.90
    ("g100+o90", "grounded", 100, 0.90),
)
SHOWN = ("en", "zh", "de", "es", "ja", "ko", "it", "pt", "ru", "fr")


def material():
    from maskscreen.classifier.augment import synthetic_examples

    return train.training_material(), synthetic_examples(seed=0)


def run(args) -> None:
    train.GROUNDED_WEIGHT = args.grounded_weight
    train.LOGISTIC_C = args.c
    train.CONCEPT_SCALE = args.scale
    train.COUNTERFACTUAL_WEIGHT = args.counterfactual_weight
    train.MADE_COPY_WEIGHT = args.made_copy_weight
    train.LANGUAGE_BALANCE = args.language_balance
    train.LANGUAGE_BALANCE_CAP = args.language_cap
    train.CHAR_NGRAMS = tuple(int(n) for n in args.char_ngrams.split(","))
    train.CHAR_MAX_FEATURES = args.char_max_features or None
    train.DANGEROUS_WEIGHT = args.dangerous_weight
    train.FROM_PHOTO_WEIGHT = args.from_photo_weight
    examples, synthetic = material()
    start = time.perf_counter()
    probabilities, decisions = train.out_of_fold(
        examples, args.seed, args.folds, lambda m: print(m, file=sys.stderr), synthetic, True
    )
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(
        CACHE / f"{args.name}.npz",
        probabilities=probabilities,
        decisions=decisions,
        ids=np.array([e.id for e in examples]),
        recipe=np.array(
            f"grounded_weight={args.grounded_weight} C={args.c} scale={args.scale} "
            f"folds={args.folds} seed={args.seed} counterfactual={args.counterfactual_weight} "
            f"made_copy={args.made_copy_weight} language_balance={args.language_balance}"
            f"/{args.language_cap} char={args.char_ngrams}/{args.char_max_features} "
            f"dangerous={args.dangerous_weight} from_photo={args.from_photo_weight}"
        ),
    )
    print(f"{args.name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)


def _pr(flag: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    tp = int((flag & truth).sum())
    return tp / max(int(flag.sum()), 1), tp / max(int(truth.sum()), 1)


def _half(url: str) -> int:
    return hashlib.sha256(f"recipe-oof:{url}".encode()).digest()[0] & 1


def table(names: list[str]) -> None:
    examples, _ = material()
    y = np.array([e.label != "benign" for e in examples])
    grounded = np.array([bool(e.source_url) for e in examples])
    detected = np.array(language_id.identify([normalize(e.text) for e in examples]))
    annotated = np.array([language_of(e) for e in examples])
    half = np.array([_half(e.source_url) if e.source_url else -1 for e in examples])
    ids = [e.id for e in examples]
    paths = [CACHE / f"{n}.npz" for n in names] if names else sorted(CACHE.glob("*.npz"))
    minimum = train.MIN_LANGUAGE_EXAMPLES
    header = "  ".join(f"{x:>11}" for x in ("grounded", *SHOWN, "written"))
    for path in paths:
        stored = np.load(path)
        assert list(stored["ids"]) == ids, f"{path.name}: other training material"
        # the shipped score, its calibrator fitted on these out-of-fold predictions as
        # `maskscreen train` does; runs stored without decisions: the normalised score
        kind = train.SCORE if "decisions" in stored.files else "normalised"
        decisions = stored["decisions"] if "decisions" in stored.files else None
        labels = [e.label for e in examples]
        calibration = train.fit_score(kind, stored["probabilities"], decisions, labels)
        scores, _ = danger(stored["probabilities"], list(LABELS), kind, decisions, calibration)
        cut = train.choose_threshold(y[grounded], scores[grounded], 0.95)
        best = _pr(scores[grounded] >= cut, y[grounded])
        print(f"\n{path.stem}: {stored['recipe']}; {kind} score; best {best[0]:.3f}/{best[1]:.3f}")
        print(f"{'rule':9} {header}   cuts")
        # threshold-free: average precision of the score in each part (no cut chosen)
        parts = [grounded, *(grounded & (annotated == x) for x in SHOWN), ~grounded]
        cells = [
            f"{average_precision_score(y[m], scores[m]):.3f}" if m.any() else "-" for m in parts
        ]
        print(f"{'AP':9} " + "  ".join(f"{c:>11}" for c in cells))
        for rule, source, positives, fallback in RULES:
            train.MIN_GROUNDED_POSITIVES = positives
            overall, by_language = train.choose_thresholds(
                y, scores, detected, grounded, 0.95, source, fallback
            )
            flag = scores >= np.array([by_language.get(x, overall) for x in detected])
            crossed = np.zeros(len(y), dtype=bool)
            # half the grounded records choose each cut: the same languages qualify with
            # half the counts (a cut chosen on half the positives: a pessimistic reading)
            train.MIN_GROUNDED_POSITIVES = positives // 2
            train.MIN_LANGUAGE_EXAMPLES = minimum // 2
            for h in (0, 1):
                seen = half != h
                o, b = train.choose_thresholds(
                    y[seen], scores[seen], detected[seen], grounded[seen], 0.95, source, fallback
                )
                mine = half == h
                crossed[mine] = scores[mine] >= np.array([b.get(x, o) for x in detected[mine]])
            train.MIN_LANGUAGE_EXAMPLES = minimum
            cuts = " ".join(f"{k}={v:.3f}" for k, v in sorted(by_language.items()))
            for reading, flagged in (("in", flag), ("x", crossed)):
                parts = [grounded, *(grounded & (annotated == x) for x in SHOWN), ~grounded]
                if reading == "x":
                    parts[-1] = np.zeros(len(y), dtype=bool)  # the written part is not split
                cells = [
                    "{:.3f}/{:.3f}".format(*_pr(flagged[m], y[m])) if m.any() else "-"
                    for m in parts
                ]
                tail = f"   overall={overall:.3f} {cuts}" if reading == "in" else ""
                print(f"{rule + ' ' + reading:9} " + "  ".join(f"{c:>11}" for c in cells) + tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run")
    one.add_argument("name")
    one.add_argument("--grounded-weight", type=float, default=train.GROUNDED_WEIGHT)
    one.add_argument("--c", type=float, default=train.LOGISTIC_C)
    one.add_argument("--scale", type=float, default=train.CONCEPT_SCALE)
    one.add_argument(
        "--counterfactual-weight", type=float, default=train.COUNTERFACTUAL_WEIGHT,
        help="weight of augment.py's counterfactual triples",
    )  # fmt: skip
    one.add_argument(
        "--made-copy-weight", type=float, default=train.MADE_COPY_WEIGHT,
        help="weight of the real realistic masks copied with a made-to-order phrase",
    )  # fmt: skip
    one.add_argument(
        "--language-balance", type=float, default=train.LANGUAGE_BALANCE,
        help="power of n_en / n_language in a grounded record's weight (0: off)",
    )  # fmt: skip
    one.add_argument("--language-cap", type=float, default=train.LANGUAGE_BALANCE_CAP)
    one.add_argument(
        "--char-ngrams", default=",".join(map(str, train.CHAR_NGRAMS)),
        help="the character n-grams' range, e.g. 1,5",
    )  # fmt: skip
    one.add_argument(
        "--char-max-features", type=int, default=train.CHAR_MAX_FEATURES,
        help="character n-grams kept (0: all with min_df 2)",
    )  # fmt: skip
    one.add_argument(
        "--dangerous-weight", type=float, default=train.DANGEROUS_WEIGHT,
        help="each dangerous listing's weight on top of class_weight balanced",
    )  # fmt: skip
    one.add_argument(
        "--from-photo-weight", type=float, default=train.FROM_PHOTO_WEIGHT,
        help="weight of augment.py's from-photo look-alikes and their pairs",
    )  # fmt: skip
    one.add_argument("--folds", type=int, default=3)
    one.add_argument("--seed", type=int, default=0, help="the folds' seed (the fit's too)")
    many = sub.add_parser("table")
    many.add_argument("names", nargs="*")
    args = parser.parse_args()
    run(args) if args.command == "run" else table(args.names)


if __name__ == "__main__":
    main()
