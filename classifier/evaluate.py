"""Evaluation figures: per label, flagged-vs-benign per language, signals."""

from __future__ import annotations

from collections.abc import Sequence

from classifier.normalize import normalize
from classifier.signals import SignalMatcher
from classifier.verdict import LABELS, SIGNALS


def _prf(true_pos: int, false_pos: int, false_neg: int) -> dict[str, float | int]:
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else 0.0
    recall = true_pos / (true_pos + false_neg) if true_pos + false_neg else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": true_pos + false_neg,
    }


def label_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict:
    """Precision, recall and F1 per label, and their macro average."""
    out = {}
    for label in LABELS:
        pairs = list(zip(truth, predicted))
        out[label] = _prf(
            sum(t == label and p == label for t, p in pairs),
            sum(t != label and p == label for t, p in pairs),
            sum(t == label and p != label for t, p in pairs),
        )
    out["macro_f1"] = round(sum(out[label]["f1"] for label in LABELS) / len(LABELS), 4)
    return out


def binary_metrics(truth: Sequence[str], predicted: Sequence[str], languages: Sequence[str]) -> dict:
    """Flagged (any dangerous label) against benign, overall and per language."""

    def figures(indices: list[int]) -> dict:
        flag_true = [truth[i] != "benign" for i in indices]
        flag_pred = [predicted[i] != "benign" for i in indices]
        pairs = list(zip(flag_true, flag_pred))
        return _prf(
            sum(t and p for t, p in pairs),
            sum(p and not t for t, p in pairs),
            sum(t and not p for t, p in pairs),
        )

    everything = list(range(len(truth)))
    out = {"all": figures(everything)}
    for language in sorted(set(languages)):
        out[language] = figures([i for i in everything if languages[i] == language])
    return out


def signal_metrics(examples, matcher: SignalMatcher) -> dict:
    """How well the pattern files agree with the corpus's signal labels."""
    found = [matcher.flags(matcher.find(normalize(e.text))) for e in examples]
    out = {}
    for signal in SIGNALS:
        pairs = [(e.signals.get(signal, False), f[signal]) for e, f in zip(examples, found)]
        out[signal] = _prf(
            sum(t and p for t, p in pairs),
            sum(p and not t for t, p in pairs),
            sum(t and not p for t, p in pairs),
        )
    return out
