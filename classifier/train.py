"""Training: cross-validated figures, a threshold chosen on held-out predictions, a fitted model.

Steps, all seeded:
1. out-of-fold probabilities for every example (stratified k-fold by label
   and language), so every figure is measured on text the model did not see;
2. the flag threshold: the lowest score cut whose out-of-fold precision
   (flagged vs benign) is at least `target_precision` — the highest recall at
   that precision; if no cut reaches it, the cut with the best F1;
3. the final pipeline fitted on every example.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from maskscreen.classifier.corpus import Example
from maskscreen.classifier.evaluate import (
    binary_metrics,
    evaluate_model,
    label_metrics,
    language_of,
    signal_metrics,
)
from maskscreen.classifier.features import SpacyTokenizer, TextNormalizer
from maskscreen.classifier.model import Model, script_of
from maskscreen.classifier.ngrams import HashedTfidf
from maskscreen.classifier.signals import SignalMatcher, default_matcher
from maskscreen.classifier.verdict import LABELS

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class TrainResult:
    pipeline: object
    metadata: dict


def build_pipeline(seed: int = 0) -> Pipeline:
    """Normalise → spaCy words + character n-grams (TF-IDF) → calibrated linear model.

    The features are those of scikit-learn's TfidfVectorizer (word 1–2-grams of
    spaCy tokens; `char_wb` 1–4-grams) with the vocabulary kept as hashes. Prediction
    does not run this pipeline but its arrays (runtime.py), which it reproduces exactly
    for this shape: a change here must keep `runtime.from_pipeline` accepting it.
    """
    words = Pipeline(
        [
            ("tokens", SpacyTokenizer()),
            (
                "tfidf",
                HashedTfidf(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True),
            ),
        ]
    )
    chars = HashedTfidf(
        analyzer="char_wb", ngram_range=(1, 4), min_df=2, max_features=80_000, sublinear_tf=True
    )
    # C and the n-gram ranges were chosen by cross-validation on the training split only.
    linear = LogisticRegression(C=32.0, class_weight="balanced", max_iter=5000, random_state=seed)
    return Pipeline(
        [
            ("normalize", TextNormalizer()),
            ("features", FeatureUnion([("words", words), ("chars", chars)])),
            ("model", CalibratedClassifierCV(linear, method="sigmoid", cv=5, ensemble=False)),
        ]
    )


def recipe_digest(seed: int = 0) -> str:
    """Six hex digits naming the pipeline's settings (n-grams, C, calibration…).

    Part of the model version, so that a model trained on the same corpus with other
    settings gets another version and stored listings are classified again.
    """
    params = build_pipeline(seed).get_params(deep=True)
    flat = sorted(
        (key, repr(value)) for key, value in params.items() if not hasattr(value, "get_params")
    )
    return hashlib.sha256(repr(flat).encode("utf-8")).hexdigest()[:6]


def choose_threshold(y_flag: np.ndarray, scores: np.ndarray, target_precision: float) -> float:
    """Lowest cut with precision >= target (so the highest recall); else best F1."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_truth = scores[order], y_flag[order]
    true_pos = np.cumsum(sorted_truth)
    flagged = np.arange(1, len(scores) + 1)
    precision = true_pos / flagged
    recall = true_pos / max(int(y_flag.sum()), 1)
    # Only cut between distinct scores: a cut flags everything at or above it.
    distinct = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    candidates = np.flatnonzero(distinct & (precision >= target_precision))
    if len(candidates):
        best = candidates[np.argmax(recall[candidates])]
    else:
        f1 = np.where(
            precision + recall > 0, 2 * precision * recall / (precision + recall + 1e-12), 0
        )
        best = int(np.argmax(np.where(distinct, f1, -1)))
    return float(sorted_scores[best])


def out_of_fold(
    examples: Sequence[Example], seed: int, folds: int, progress: Progress
) -> np.ndarray:
    texts = [e.text for e in examples]
    labels = np.array([e.label for e in examples])
    strata = np.array([f"{e.label}/{e.language}" for e in examples])
    probabilities = np.zeros((len(examples), len(LABELS)))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (train_idx, test_idx) in enumerate(splitter.split(texts, strata), start=1):
        progress(f"cross-validation fold {fold}/{folds}")
        pipeline = build_pipeline(seed).fit([texts[i] for i in train_idx], labels[train_idx])
        fold_probs = pipeline.predict_proba([texts[i] for i in test_idx])
        classes = list(pipeline.classes_)
        for column, label in enumerate(LABELS):
            probabilities[test_idx, column] = fold_probs[:, classes.index(label)]
    return probabilities


def decide(probabilities: np.ndarray, thresholds: Sequence[float]) -> list[str]:
    """Labels from probabilities the way Model.predict decides them (one threshold a row)."""
    benign = LABELS.index("benign")
    dangerous = [i for i, label in enumerate(LABELS) if label != "benign"]
    out = []
    for row, threshold in zip(probabilities, thresholds, strict=False):
        if 1.0 - row[benign] >= threshold:
            out.append(LABELS[max(dangerous, key=lambda i: row[i])])
        else:
            out.append("benign")
    return out


def train(
    examples: Sequence[Example],
    *,
    test_examples: Sequence[Example] = (),
    corpus_sha256: str,
    seed: int = 0,
    folds: int = 5,
    target_precision: float = 0.95,
    matcher: SignalMatcher | None = None,
    progress: Progress = lambda message: None,
) -> TrainResult:
    matcher = matcher or default_matcher()
    probabilities = out_of_fold(examples, seed, folds, progress)
    truth = [e.label for e in examples]
    languages = [language_of(e) for e in examples]
    scores = 1.0 - probabilities[:, LABELS.index("benign")]
    y_flag = np.array([label != "benign" for label in truth])
    threshold = choose_threshold(y_flag, scores, target_precision)
    # Scores are not equally calibrated across scripts: each gets its own cut,
    # chosen the same way on its own out-of-fold predictions.
    scripts = np.array([script_of(e.text) for e in examples])
    thresholds = {
        script: round(
            choose_threshold(
                y_flag[scripts == script], scores[scripts == script], target_precision
            ),
            6,
        )
        for script in ("en", "zh")
        if (scripts == script).sum() >= 50 and y_flag[scripts == script].any()
    }
    predicted = decide(probabilities, [thresholds.get(s, threshold) for s in scripts])

    progress("fitting the final model on the training split")
    pipeline = build_pipeline(seed).fit([e.text for e in examples], np.array(truth))
    version = f"lr-{corpus_sha256[:10]}-{recipe_digest(seed)}-s{seed}"
    metadata = {
        "model_version": version,
        "threshold": round(threshold, 6),
        "thresholds": thresholds,
        "target_precision": target_precision,
        "labels": list(LABELS),
        "corpus_sha256": corpus_sha256,
        "corpus_size": len(examples) + len(test_examples),
        "train_size": len(examples),
        "test_size": len(test_examples),
        "corpus_by_language": {
            lang: sum(e.language == lang for e in (*examples, *test_examples))
            for lang in sorted({e.language for e in (*examples, *test_examples)})
        },
        "lexicon_version": matcher.version,
        "seed": seed,
        "folds": folds,
        "trained_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "sklearn_version": sklearn.__version__,
        "cross_validation": {
            "labels": label_metrics(truth, predicted),
            "flagged": binary_metrics(truth, predicted, languages),
            "signals": signal_metrics(examples, matcher),
        },
    }
    if test_examples:
        progress(f"evaluating on the held-out test split ({len(test_examples)} listings)")
        model = Model.from_pipeline(pipeline, metadata, matcher)
        metadata["test"] = evaluate_model(model, test_examples)
    return TrainResult(pipeline=pipeline, metadata=metadata)
