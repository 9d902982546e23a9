"""Grouped cross-validation of evasion_claim detectors on the training material only
(written corpus minus its test split, grounded records minus the dev set).

    python bench/evasion_cv.py [PATTERN_FILE ...]

Groups: a grounded record's source_url (one page, one story), a written record its own id.
Prints precision and recall, overall and on the grounded part, of:
  patterns        each pattern file as it is (no fitting: its figures are in-sample, the
                  files were written from this material);
  learned         character 2-5-gram + word 1-2-gram TF-IDF logistic regression on the
                  evasion marks, out of fold; threshold chosen inside each training fold
                  (3-fold inner CV, best F1);
  union           patterns OR learned (threshold chosen inside the fold the same way, for
                  the union's F1).
"""

from __future__ import annotations

import sys

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher
from maskscreen.classifier.train import training_material

GRID = np.round(np.arange(0.2, 0.96, 0.05), 2)


def prf(truth, pred):
    tp = int(np.sum(truth & pred))
    p = tp / max(int(pred.sum()), 1)
    r = tp / max(int(truth.sum()), 1)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def features(train, test):
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)
    word = TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        min_df=2,
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b",
    )
    xtr = sparse.hstack([char.fit_transform(train), word.fit_transform(train)]).tocsr()
    xte = sparse.hstack([char.transform(test), word.transform(test)]).tocsr()
    return xtr, xte


def fit_predict(train_texts, y, test_texts, c=8.0):
    xtr, xte = features(train_texts, test_texts)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit(xtr, y)
    return model.predict_proba(xte)[:, 1]


def oof(texts, y, groups, folds, c):
    out = np.zeros(len(texts))
    for tr, te in GroupKFold(n_splits=folds).split(texts, y, groups):
        out[te] = fit_predict([texts[i] for i in tr], y[tr], [texts[i] for i in te], c)
    return out


def best_threshold(truth, scores, base=None):
    best = (-1.0, 0.5)
    for t in GRID:
        pred = scores >= t
        if base is not None:
            pred = pred | base
        best = max(best, (prf(truth, pred)[2], float(t)))
    return best[1]


def main() -> None:
    examples = training_material()
    texts = [normalize(e.text) for e in examples]
    y = np.array([bool(e.signals.get("evasion_claim", False)) for e in examples])
    groups = np.array([e.source_url or e.id for e in examples])
    grounded = np.array([bool(e.source_url) for e in examples])
    files = sys.argv[1:] or [None]
    matchers = {f or "shipped": SignalMatcher.from_file(f) for f in files}
    fired = {
        name: np.array([m.flags(m.find(t))["evasion_claim"] for t in texts])
        for name, m in matchers.items()
    }

    def row(name, pred):
        p, r, f = prf(y, pred)
        pg, rg, _ = prf(y[grounded], pred[grounded])
        print(f"{name:34} all P {p:.3f} R {r:.3f} F1 {f:.3f} | grounded P {pg:.3f} R {rg:.3f}")  # noqa: T201

    print(
        f"{len(examples)} listings, {int(y.sum())} marked; grounded {int(grounded.sum())}, "  # noqa: T201
        f"{int(y[grounded].sum())} marked"
    )
    for name, pred in fired.items():
        row(f"patterns {name}", pred)
    for c in (4.0, 16.0):
        scores = np.zeros(len(texts))
        learned = np.zeros(len(texts), bool)
        unions = {name: np.zeros(len(texts), bool) for name in fired}
        for tr, te in GroupKFold(n_splits=5).split(texts, y, groups):
            tr_texts = [texts[i] for i in tr]
            inner = oof(tr_texts, y[tr], groups[tr], 3, c)
            s = fit_predict(tr_texts, y[tr], [texts[i] for i in te], c)
            scores[te] = s
            learned[te] = s >= best_threshold(y[tr], inner)
            for name, pred in fired.items():
                t = best_threshold(y[tr], inner, pred[tr])
                unions[name][te] = (s >= t) | pred[te]
        row(f"learned C={c:g}", learned)
        for name, pred in unions.items():
            row(f"union {name} C={c:g}", pred)
        for t in (0.5, 0.7, 0.85):
            row(f"  learned C={c:g} at {t}", scores >= t)


if __name__ == "__main__":
    main()
