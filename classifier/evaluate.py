"""Evaluation figures: per label, flagged-vs-benign per language, signals."""

from __future__ import annotations

from collections.abc import Sequence

from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher
from maskscreen.classifier.verdict import LABELS, SIGNALS


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
        pairs = list(zip(truth, predicted, strict=False))
        out[label] = _prf(
            sum(t == label and p == label for t, p in pairs),
            sum(t != label and p == label for t, p in pairs),
            sum(t == label and p != label for t, p in pairs),
        )
    out["macro_f1"] = round(sum(out[label]["f1"] for label in LABELS) / len(LABELS), 4)
    return out


def binary_metrics(
    truth: Sequence[str], predicted: Sequence[str], languages: Sequence[str]
) -> dict:
    """Flagged (any dangerous label) against benign, overall and per language."""

    def figures(indices: list[int]) -> dict:
        flag_true = [truth[i] != "benign" for i in indices]
        flag_pred = [predicted[i] != "benign" for i in indices]
        pairs = list(zip(flag_true, flag_pred, strict=False))
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
    return signal_figures_of(
        examples, [matcher.flags(matcher.find(normalize(e.text))) for e in examples]
    )


def signal_figures_of(examples, found: Sequence[dict]) -> dict:
    """Precision, recall and F1 of each signal as `found` (one dict of booleans a listing,
    a verdict's `signals`) against the records' annotation."""
    out = {}
    for signal in SIGNALS:
        pairs = [
            (e.signals.get(signal, False), f[signal]) for e, f in zip(examples, found, strict=False)
        ]
        out[signal] = _prf(
            sum(t and p for t, p in pairs),
            sum(p and not t for t, p in pairs),
            sum(t and not p for t, p in pairs),
        )
    return out


def confusion(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    """Rows: true label; columns: predicted label."""
    table = {t: dict.fromkeys(LABELS, 0) for t in LABELS}
    for t, p in zip(truth, predicted, strict=False):
        table[t][p] += 1
    return table


def language_of(example) -> str:
    return "en" if example.language == "mixed" else example.language  # mixed: read as English


def concept_metrics(examples, verdicts) -> dict:
    """Per concept found: how many listings hold it and flagged-vs-benign figures on them."""
    out = {}
    concepts = sorted({c for v in verdicts for c in v.concepts})
    for concept in concepts:
        rows = [(e, v) for e, v in zip(examples, verdicts, strict=True) if concept in v.concepts]
        pairs = [(e.label != "benign", v.flagged) for e, v in rows]
        out[concept] = _prf(
            sum(t and p for t, p in pairs),
            sum(p and not t for t, p in pairs),
            sum(t and not p for t, p in pairs),
        )
        out[concept]["listings"] = len(rows)
    return out


def evaluate_model(model, examples, *, worst: int = 15, baseline=None) -> dict:
    """Every figure `maskscreen evaluate` prints, for one labelled set."""
    from maskscreen.classifier.baseline import KeywordBlocklist

    verdicts = model.predict([e.text for e in examples])
    truth = [e.label for e in examples]
    detected = [v.language for v in verdicts]
    predicted = [v.label for v in verdicts]
    languages = [language_of(e) for e in examples]
    errors = [
        {
            "id": e.id,
            "language": e.language,
            "family": e.family,
            "truth": e.label,
            "predicted": v.label,
            "score": v.score,
            "title": e.title,
            "reasons": v.reasons[:4],
        }
        for e, v in zip(examples, verdicts, strict=False)
        if (e.label != "benign") != v.flagged or (v.flagged and e.label != v.label)
    ]
    # Worst first: the most confident mistakes.
    errors.sort(key=lambda r: -abs(r["score"] - model.threshold))
    baseline = baseline or KeywordBlocklist.default()
    base_flags = baseline.flags([e.text for e in examples])
    base_predicted = ["realistic_face_mask" if f else "benign" for f in base_flags]
    return {
        "size": len(examples),
        "threshold": model.threshold,
        "model_version": model.version,
        "labels": label_metrics(truth, predicted),
        "flagged": binary_metrics(truth, predicted, languages),
        "confusion": confusion(truth, predicted),
        # the verdicts' signals (with a learned evasion head, patterns OR head), and the
        # patterns alone beside them where the head adds to them
        "signals": signal_figures_of(examples, [v.signals for v in verdicts]),
        **(
            {"signals_patterns": signal_metrics(examples, model.matcher)}
            if getattr(model, "evasion_head", None) is not None
            else {}
        ),
        "concepts": concept_metrics(examples, verdicts),
        "language_identified": round(
            sum(d == language_of(e) for d, e in zip(detected, examples, strict=True))
            / max(len(examples), 1),
            4,
        ),
        "unsupported_language": sum(not v.language_supported for v in verdicts),
        "errors": len(errors),
        "worst_errors": errors[:worst],
        "baseline": {
            "version": baseline.version,
            "flagged": binary_metrics(truth, base_predicted, languages),
        },
        "curve": precision_recall_points(
            [t != "benign" for t in truth], [v.score for v in verdicts]
        ),
    }


def precision_recall_points(
    truth: Sequence[bool], scores: Sequence[float]
) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) at every distinct score, highest first."""
    pairs = sorted(zip(scores, truth, strict=False), key=lambda p: -p[0])
    positives = sum(truth) or 1
    points, true_pos = [], 0
    for index, (score, is_positive) in enumerate(pairs, start=1):
        true_pos += is_positive
        if index == len(pairs) or pairs[index][0] != score:
            points.append(
                (round(score, 4), round(true_pos / index, 4), round(true_pos / positives, 4))
            )
    return points
