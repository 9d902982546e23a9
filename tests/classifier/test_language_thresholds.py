"""Per-language flag thresholds (issue #13): a language gets a cut of its own only where its
out-of-fold scores hold enough dangerous and benign listings (train.MIN_POSITIVES,
train.MIN_NEGATIVES); the cuts are written to metrics.json and applied at prediction by the
language the model identifies; models from before still load and apply what they wrote."""

import json
import shutil

import numpy as np
import pytest

from maskscreen.classifier import train
from maskscreen.classifier.model import default_model_dir, load_model


def _language(rng, positives: int, negatives: int, shift: float):
    """Scores of one language: dangerous ones around 0.7, benign ones around 0.3, both
    moved by `shift` (languages are not equally calibrated)."""
    scores = np.r_[rng.normal(0.7, 0.12, positives), rng.normal(0.3, 0.12, negatives)] + shift
    return scores, np.r_[np.ones(positives), np.zeros(negatives)].astype(bool)


def _material(sizes: dict[str, tuple[int, int, float]]):
    rng = np.random.default_rng(7)
    scores, y, detected = [], [], []
    for language, (positives, negatives, shift) in sizes.items():
        s, t = _language(rng, positives, negatives, shift)
        scores.append(s)
        y.append(t)
        detected += [language] * len(s)
    scores, y = np.concatenate(scores), np.concatenate(y)
    return y, scores, np.array(detected), np.zeros(len(y), dtype=bool)


def _own_cut(y, scores, detected, language):
    mine = detected == language
    return round(train.choose_threshold(y[mine], scores[mine], 0.95), 6)


def test_a_language_with_enough_dangerous_and_benign_listings_gets_its_own_cut():
    p, n = train.MIN_POSITIVES, max(train.MIN_NEGATIVES, train.MIN_LANGUAGE_EXAMPLES)
    y, scores, detected, grounded = _material(
        {"en": (3 * p, 3 * n, 0.0), "de": (p, n, 0.15), "fr": (p - 1, 3 * n, -0.1)}
    )
    overall, by_language = train.choose_thresholds(y, scores, detected, grounded, 0.95, "all")
    assert set(by_language) == {"en", "de"}  # fr: one dangerous listing short
    assert by_language["de"] == _own_cut(y, scores, detected, "de")
    assert by_language["en"] == _own_cut(y, scores, detected, "en")
    assert by_language["de"] > by_language["en"]  # de's scores run higher: a higher cut
    assert overall == train.choose_threshold(y, scores, 0.95)  # fr's listings: this cut


def test_a_language_short_of_benign_listings_falls_back_to_the_overall_cut(monkeypatch):
    p = train.MIN_POSITIVES
    n = max(train.MIN_NEGATIVES, train.MIN_LANGUAGE_EXAMPLES)
    assert train.MIN_NEGATIVES > 0  # the shipped rule asks for benign listings too
    y, scores, detected, grounded = _material(
        {"en": (3 * p, 3 * n, 0.0), "es": (2 * p, train.MIN_NEGATIVES - 1, 0.1), "ko": (p, n, 0.1)}
    )
    overall, by_language = train.choose_thresholds(y, scores, detected, grounded, 0.95, "all")
    assert set(by_language) == {"en", "ko"}  # es: twice the dangerous listings, one benign short
    es = detected == "es"
    flagged = scores[es] >= overall  # es reads the overall cut, not one of its own
    assert flagged.sum() < es.sum() and (flagged & y[es]).sum() > 0
    monkeypatch.setattr(train, "MIN_NEGATIVES", 0)  # the rule before: dangerous ones only
    _, before = train.choose_thresholds(y, scores, detected, grounded, 0.95, "all")
    assert set(before) == {"en", "es", "ko"}


@pytest.fixture()
def model_copy(tmp_path):
    shutil.copytree(default_model_dir(), tmp_path / "m")
    return tmp_path / "m"


TEXTS = [
    "Realistic silicone old man mask, full head with neck, looks like a real face",
    "Realistische Silikonmaske alter Mann, Vollkopf mit Hals, wie ein echtes Gesicht",
    "超逼真硅胶真人面具 全头套 老人脸",
    "Hydrating sheet mask with hyaluronic acid, pack of ten",
]


def _rewrite(path, change):
    metrics = path / "metrics.json"
    metadata = json.loads(metrics.read_text("utf-8"))
    metrics.write_text(json.dumps(change(metadata)), encoding="utf-8")


def test_metrics_thresholds_are_applied_by_the_verdicts_language(model_copy):
    # above any score for English (the listing scores near 1 there), below any for German
    cuts = {"en": 1.01, "de": 0.0001, "zh": 0.5}
    _rewrite(model_copy, lambda m: {**m, "thresholds": cuts, "thresholds_by": "language"})
    verdicts = load_model(model_copy).predict(TEXTS, explain=False)
    assert [v.language for v in verdicts[:3]] == ["en", "de", "zh"]
    for verdict in verdicts:
        assert verdict.threshold == cuts[verdict.language]
        assert verdict.flagged == (verdict.score >= verdict.threshold)
    assert verdicts[1].flagged and not verdicts[0].flagged  # the same listing, two cuts


def test_a_model_without_language_thresholds_applies_its_overall_cut(model_copy):
    overall = 0.42
    _rewrite(
        model_copy,
        lambda m: {
            **{k: v for k, v in m.items() if k not in ("thresholds", "thresholds_by")},
            "threshold": overall,
        },
    )
    model = load_model(model_copy)
    verdicts = model.predict(TEXTS, explain=False)
    assert [v.threshold for v in verdicts] == [overall] * len(TEXTS)
    assert [v.flagged for v in verdicts] == [v.score >= overall for v in verdicts]


def test_a_model_with_cuts_by_script_applies_them_by_script(model_copy):
    # models before per-language cuts wrote one for Chinese script ("zh") and no
    # thresholds_by: German text reads the overall cut, Chinese text its own
    _rewrite(
        model_copy,
        lambda m: {
            **{k: v for k, v in m.items() if k != "thresholds_by"},
            "threshold": 0.4,
            "thresholds": {"zh": 0.6, "de": 0.01},
        },
    )
    verdicts = load_model(model_copy).predict(TEXTS, explain=False)
    assert [v.threshold for v in verdicts] == [0.4, 0.4, 0.6, 0.4]
