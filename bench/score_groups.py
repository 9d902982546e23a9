"""Grouped folds and per-language threshold rules for bench/score_oof.py.

Grouped folds are those of `maskscreen.classifier.folds.fold_groups` (one page, one story,
one near-duplicate text per group), as `maskscreen train` uses them.

`languages` prints, for each candidate score, P/R flagged-vs-benign per language (annotated
language; the cut applied is that of the language the model identifies, as at runtime) on
the grounded records and on the written ones, for each threshold rule, **cross-fitted**:
every fold is read at the cuts (and the score's calibrator) chosen on the other folds'
out-of-fold scores only, so a per-language cut is never read on the listings it was chosen
on. The minimums of a rule are scaled by (folds - 1) / folds, so that the same languages
qualify as on all the material.
"""

from __future__ import annotations

import numpy as np

# threshold rules: name -> (MIN_POSITIVES, MIN_NEGATIVES, MIN_LANGUAGE_EXAMPLES), what a
# detected language needs for a cut of its own in train.choose_thresholds
RULES = {
    "global": (10**9, 0, 0),  # the overall cut only
    "session8": (100, 0, 100),  # as shipped in session 8: en and zh
    "p100n100": (100, 100, 0),
    "p60n60": (60, 60, 0),
    "p50n50": (50, 50, 0),
    "p30n30": (30, 30, 0),
}
MINIMUMS = ("MIN_POSITIVES", "MIN_NEGATIVES", "MIN_LANGUAGE_EXAMPLES")
SHOWN = ("en", "zh", "de", "es", "fr", "it", "ja", "ko", "pt", "ru")


def _pr(flag: np.ndarray, truth: np.ndarray) -> str:
    if not truth.any() and not flag.any():
        return "-"
    tp = int((flag & truth).sum())
    return f"{tp / max(int(flag.sum()), 1):.2f}/{tp / max(int(truth.sum()), 1):.2f}"


def cross_fitted_flags(name, raw, sig, labels, fold, detected, grounded, rule, target=0.95):
    """Flags of every listing at the cuts (and calibrator) chosen without its fold, and
    each fold's per-language cuts."""
    from score_oof import candidate_scores

    from maskscreen.classifier import train

    y = labels != "benign"
    flags = np.zeros(len(y), dtype=bool)
    cuts = []
    folds = np.unique(fold)
    scale = (len(folds) - 1) / len(folds)
    saved = {key: getattr(train, key) for key in MINIMUMS}
    try:
        for key, value in zip(MINIMUMS, RULES[rule], strict=True):
            setattr(train, key, int(value * scale))
        for f in folds:
            rest, mine = fold != f, fold == f
            both = candidate_scores(
                name, raw[rest], sig[rest], labels[rest], np.r_[raw[rest], raw[mine]],
                np.r_[sig[rest], sig[mine]],
            )  # fmt: skip
            fitted, scores = both[: rest.sum()], both[rest.sum() :]
            overall, by_language = train.choose_thresholds(
                y[rest], fitted, detected[rest], grounded[rest], target
            )
            flags[mine] = scores >= np.array([by_language.get(x, overall) for x in detected[mine]])
            cuts.append((overall, by_language))
    finally:
        for key, value in saved.items():
            setattr(train, key, value)
    return flags, cuts


def languages(path, names=None) -> None:
    from score_oof import NAMES, load_run

    from maskscreen.classifier.evaluate import language_of

    run = load_run(path)
    raw, sig, fold, labels, y = run.raw, run.sig, run.fold, run.labels, run.y
    grounded, detected, stored = run.grounded, run.detected, run.stored
    annotated = np.array([language_of(e) for e in run.examples])
    groups = stored["groups"] if "groups" in stored.files else np.arange(len(y))
    print(f"{path.name}: {len(np.unique(fold))} folds, {len(np.unique(groups))} groups")
    counts = ", ".join(
        f"{x} {int((y & (detected == x)).sum())}+{int((~y & (detected == x)).sum())}" for x in SHOWN
    )
    print(f"detected language, dangerous+benign (all material): {counts}")
    cells = ("all", "grounded", "written", *SHOWN, "w-en", "w-zh")
    header = " ".join(f"{c:>9}" for c in cells)
    for name in names or NAMES:
        print(f"\n{name}\n{'rule':9} {header}  own cuts (fold spread)")
        for rule in RULES:
            flags, cuts = cross_fitted_flags(name, raw, sig, labels, fold, detected, grounded, rule)
            parts = [np.ones(len(y), bool), grounded, ~grounded]
            parts += [grounded & (annotated == x) for x in SHOWN]
            parts += [~grounded & (annotated == x) for x in ("en", "zh")]
            row = " ".join(f"{_pr(flags[p], y[p]):>9}" for p in parts)
            own = sorted(set().union(*(set(b) for _, b in cuts)))
            spread = [max(b.get(x, o) for o, b in cuts) - min(b.get(x, o) for o, b in cuts)
                      for x in own]  # fmt: skip
            detail = " ".join(f"{x} {s:.2f}" for x, s in zip(own, spread, strict=True))
            print(f"{rule:9} {row}  {detail}")
