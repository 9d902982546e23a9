"""The training recipe's data-kind mechanisms: grounded records' weight in the fit
(train.GROUNDED_WEIGHT) and thresholds chosen on the grounded part (train.THRESHOLDS_FROM)."""

import dataclasses

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.pipeline import Pipeline

from maskscreen.classifier import train
from maskscreen.classifier.corpus import Example
from maskscreen.classifier.verdict import LABELS


def _example(i: int, label: str, url: str | None, family: str = "written") -> Example:
    return Example(
        id=f"x{i}",
        language="en",
        family=family,
        title=f"listing number {i} {label}",
        description="",
        label=label,
        signals={},
        source_url=url,
    )


class _Recorder(ClassifierMixin, BaseEstimator):
    """A final step that keeps the sample weights it was fitted with."""

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        self.sample_weight_ = sample_weight
        self.n_rows_ = X.shape[0]
        return self


def _recording_pipeline(seed=0):
    return Pipeline([("vec", CountVectorizer()), ("model", _Recorder())])


@pytest.fixture
def examples():
    labels = ["benign", "realistic_face_mask"] * 4
    return [_example(i, label, f"https://shop.example/{i}" if i % 2 else None)
            for i, label in enumerate(labels)]  # fmt: skip


def test_example_weight_follows_the_source_url(monkeypatch, examples):
    monkeypatch.setattr(train, "GROUNDED_WEIGHT", 2.5)
    assert [train.example_weight(e) for e in examples] == [1.0, 2.5] * 4


def test_grounded_weights_reach_the_final_fit(monkeypatch, examples):
    monkeypatch.setattr(train, "GROUNDED_WEIGHT", 3.0)
    monkeypatch.setattr(train, "FROM_PHOTO_WEIGHT", 0.3)
    photo = _example(99, "benign", None, family="augmented-from-photo")
    fitted = train._fit(
        _recording_pipeline(),
        [e.text for e in examples],
        [e.label for e in examples],
        [photo],
        real_weights=[train.example_weight(e) for e in examples],
    )
    recorded = fitted.named_steps["model"].sample_weight_
    assert fitted.named_steps["model"].n_rows_ == len(examples) + 1
    assert list(recorded) == [1.0, 3.0] * 4 + [0.3]


def test_unit_weights_fit_without_sample_weight(examples):
    fitted = train._fit(
        _recording_pipeline(), [e.text for e in examples], [e.label for e in examples], [],
        real_weights=[1.0] * len(examples),
    )  # fmt: skip
    assert fitted.named_steps["model"].sample_weight_ is None


def test_out_of_fold_fits_each_fold_with_its_own_records_weights(monkeypatch, examples):
    monkeypatch.setattr(train, "GROUNDED_WEIGHT", 2.0)
    by_text = {e.text: train.example_weight(e) for e in examples}
    seen = []

    def fit(pipeline, texts, labels, synthetic, languages=None, real_weights=None):
        seen.append(list(real_weights))
        assert list(real_weights) == [by_text[t] for t in texts]
        return Pipeline([("model", _Recorder().fit(np.zeros((3, 1)), list(LABELS)))])

    monkeypatch.setattr(train, "_fit", fit)
    monkeypatch.setattr(
        train,
        "pipeline_outputs",
        lambda p, texts: (np.full((len(texts), len(LABELS)), 0.5),) * 2,
    )
    train.out_of_fold(examples, 0, 2, lambda m: None)
    assert len(seen) == 2 and all({1.0, 2.0} <= set(w) for w in seen)


def _scores_with_two_kinds():
    """Written listings cleanly separated (positives 0.6-0.99, benign 0.0-0.5); grounded
    positives 0.3-0.8 among grounded benign ones reaching 0.55: the grounded part needs
    another cut than the whole material's."""
    rng = np.random.default_rng(1)
    written_pos, written_neg = rng.uniform(0.6, 0.99, 400), rng.uniform(0.0, 0.5, 800)
    grounded_pos, grounded_neg = rng.uniform(0.3, 0.8, 120), rng.uniform(0.0, 0.55, 240)
    scores = np.r_[written_pos, written_neg, grounded_pos, grounded_neg]
    y = np.r_[np.ones(400), np.zeros(800), np.ones(120), np.zeros(240)].astype(bool)
    grounded = np.r_[np.zeros(1200), np.ones(360)].astype(bool)
    return y, scores, grounded


def test_grounded_thresholds_are_chosen_on_the_grounded_part(monkeypatch):
    monkeypatch.setattr(train, "MIN_GROUNDED_POSITIVES", 100)
    y, scores, grounded = _scores_with_two_kinds()
    detected = np.array(["en"] * len(y))
    overall_all, by_all = train.choose_thresholds(y, scores, detected, grounded, 0.95, "all")
    overall_g, by_g = train.choose_thresholds(y, scores, detected, grounded, 0.95, "grounded")
    on_grounded = train.choose_threshold(y[grounded], scores[grounded], 0.95)
    assert overall_all == train.choose_threshold(y, scores, 0.95)
    assert overall_g == on_grounded != overall_all
    assert by_g == {"en": round(on_grounded, 6)}
    assert by_all == {"en": round(overall_all, 6)}
    flagged = scores[grounded] >= overall_g
    assert (flagged & y[grounded]).sum() / flagged.sum() >= 0.95


def test_a_language_with_few_grounded_positives_falls_back_to_all_its_listings(monkeypatch):
    monkeypatch.setattr(train, "MIN_GROUNDED_POSITIVES", 100)
    y, scores, grounded = _scores_with_two_kinds()
    # Chinese: the written listings and 60 of the grounded positives; English the rest
    detected = np.array(["zh"] * 1200 + ["zh"] * 60 + ["en"] * 60 + ["en"] * 240)
    overall, by_language = train.choose_thresholds(y, scores, detected, grounded, 0.95, "grounded")
    zh = detected == "zh"
    assert by_language["zh"] == round(train.choose_threshold(y[zh], scores[zh], 0.95), 6)
    assert "en" not in by_language  # 60 positives in all, grounded or not: the overall cut
    assert overall == train.choose_threshold(y[grounded], scores[grounded], 0.95)
    monkeypatch.setattr(train, "MIN_GROUNDED_POSITIVES", 50)
    _, by_language = train.choose_thresholds(y, scores, detected, grounded, 0.95, "grounded")
    en = (detected == "en") & grounded
    assert by_language["en"] == round(train.choose_threshold(y[en], scores[en], 0.95), 6)


def test_unknown_threshold_source_is_refused():
    y, scores, grounded = _scores_with_two_kinds()
    with pytest.raises(ValueError, match="threshold source"):
        train.choose_thresholds(y, scores, np.array(["en"] * len(y)), grounded, 0.95, "dev")


def test_the_recipe_digest_names_the_data_kind_settings(monkeypatch):
    before = train.recipe_digest()
    monkeypatch.setattr(train, "GROUNDED_WEIGHT", train.GROUNDED_WEIGHT + 4)
    weighted = train.recipe_digest()
    other = {"all": "grounded", "grounded": "all"}[train.THRESHOLDS_FROM]
    monkeypatch.setattr(train, "THRESHOLDS_FROM", other)
    assert len({before, weighted, train.recipe_digest()}) == 3


def test_fallback_precision_sets_the_overall_cut_on_languages_without_their_own():
    y, scores, grounded = _scores_with_two_kinds()
    # English: the written listings (their own cut); the grounded ones in no identified
    # language (never a cut of their own: the overall cut applies)
    detected = np.array(["en"] * 1200 + ["und"] * 360)
    rest = detected == "und"
    overall, by_language = train.choose_thresholds(y, scores, detected, grounded, 0.95, "all")
    looser, same = train.choose_thresholds(y, scores, detected, grounded, 0.95, "all", 0.90)
    assert same == by_language and set(by_language) == {"en"}
    assert looser == train.choose_threshold(y[rest], scores[rest], 0.90)
    assert looser != overall
    assert looser < train.choose_threshold(y[rest], scores[rest], 0.95)
    flagged = scores[rest] >= looser
    assert 0.90 <= (flagged & y[rest]).sum() / flagged.sum() < 0.95
    # too few dangerous listings without a cut of their own: the usual overall cut
    few = ~rest | (scores < 0.45) | ~y
    kept = train.choose_thresholds(
        y[few], scores[few], detected[few], grounded[few], 0.95, "all", 0.90
    )
    assert kept[0] == train.choose_threshold(y[few], scores[few], 0.95)


def test_the_recipe_digest_names_the_synthetic_listings_that_count():
    from maskscreen.classifier.augment import synthetic_examples

    synthetic = synthetic_examples(seed=0)
    counted = [e for e in synthetic if train.synthetic_weight(e) > 0]
    assert counted  # the from-photo look-alikes count in the shipped recipe
    with_them = train.recipe_digest(0, None, synthetic)
    assert with_them != train.recipe_digest(0, None, ())
    # one counted title written otherwise: another version, so stored listings are re-scored
    changed = [*synthetic]
    at = changed.index(counted[0])
    changed[at] = dataclasses.replace(counted[0], title=counted[0].title + " x")
    assert train.recipe_digest(0, None, changed) != with_them
    # listings that weigh nothing in training do not change the version
    ignored = [e for e in synthetic if train.synthetic_weight(e) == 0]
    if ignored:
        assert train.recipe_digest(0, None, [*counted]) == with_them
    assert train.recipe_digest(0, None, list(reversed(synthetic))) == with_them


def test_language_balance_weighs_the_languages_with_few_grounded_records_more(monkeypatch):
    monkeypatch.setattr(train, "GROUNDED_WEIGHT", 2.0)
    records = [
        dataclasses.replace(_example(i, "benign", f"https://shop.example/{i}"), language=language)
        for i, language in enumerate(["en"] * 8 + ["mixed"] * 8 + ["de"] * 4 + ["ko"])
    ]
    written = _example(99, "benign", None)
    assert train.example_weights([*records, written]) == [2.0] * 21 + [1.0]  # off by default
    monkeypatch.setattr(train, "LANGUAGE_BALANCE", 0.5)
    monkeypatch.setattr(train, "LANGUAGE_BALANCE_CAP", 3.0)
    weights = train.example_weights([*records, written])
    # 16 English records (mixed reads as English): de sqrt(16 / 4) = 2, ko sqrt(16) = 4 -> cap 3
    assert weights == [2.0] * 16 + [4.0] * 4 + [6.0] + [1.0]


def test_dangerous_weight_multiplies_the_dangerous_listings_weights(monkeypatch, examples):
    monkeypatch.setattr(train, "DANGEROUS_WEIGHT", 1.5)
    fitted = train._fit(
        _recording_pipeline(), [e.text for e in examples], [e.label for e in examples], [],
        real_weights=[1.0, 2.0] * 4,
    )  # fmt: skip
    assert list(fitted.named_steps["model"].sample_weight_) == [1.0, 3.0] * 4


def test_the_recipe_digest_names_the_cross_language_switches(monkeypatch):
    seen = {train.recipe_digest()}
    for name, value in (
        ("LANGUAGE_BALANCE", 0.5),
        ("DANGEROUS_WEIGHT", 1.5),
        ("CHAR_NGRAMS", (1, 5)),
        ("CHAR_MAX_FEATURES", 160_000),
    ):
        monkeypatch.setattr(train, name, value)
        seen.add(train.recipe_digest())
    assert len(seen) == 5
    chars = train.build_pipeline().get_params()["features__chars__tfidf"]
    assert (chars.ngram_range, chars.max_features) == ((1, 5), 160_000)
