"""The verdict's score (runtime.danger), of the kind a model was trained with: "benign",
1 - the benign calibrator's probability, so evidence for one dangerous label cannot lower
it by taking probability from the other (issue 13); or "normalised" (the shipped model's,
train.SCORE), 1 - P(benign) of the normalised sigmoids, as scikit-learn computes it."""

import numpy as np
import pytest
import scipy.sparse as sp

from maskscreen.classifier.runtime import Calibrated, check_calibration, danger
from maskscreen.classifier.train import fit_score
from maskscreen.classifier.verdict import LABELS

CLASSES = ["benign", "custom_face_copy", "realistic_face_mask"]


def _calibrated(coef: np.ndarray) -> Calibrated:
    return Calibrated(
        coef=coef,
        intercept=np.array([0.5, -0.2, 0.1]),
        class_index=np.arange(3),
        a=np.array([-1.3, -0.9, -1.1]),
        b=np.array([0.2, 0.4, -0.3]),
    )


def test_a_cue_that_moves_probability_between_dangerous_labels_never_lowers_the_score():
    # column 0: a listing's realism; column 1: a made-to-order phrase, which raises
    # custom_face_copy, lowers realistic_face_mask a lot and benign a little
    coef = np.array([[-1.0, -0.1], [0.2, 1.0], [3.0, -4.0]])
    calibrated = _calibrated(coef)
    base = sp.csr_matrix([[1.0, 0.0]])
    with_cue = sp.csr_matrix([[1.0, 1.0]])
    before, after = (calibrated.one_vs_rest(x, 3) for x in (base, with_cue))
    # the normalised score (1 - P(benign) after the three sigmoids sum to 1) drops…
    normalised = [1 - (p[0, 0] / p.sum()) for p in (before, after)]
    assert normalised[1] < normalised[0]
    # …the score does not
    score_before, _ = danger(before, CLASSES, "benign")
    score_after, _ = danger(after, CLASSES, "benign")
    assert score_after[0] > score_before[0]


def test_the_score_depends_on_the_benign_decision_alone():
    rng = np.random.default_rng(0)
    x = sp.csr_matrix(rng.random((20, 4)))
    coef = rng.normal(size=(3, 4))
    other = coef.copy()
    other[1:] = rng.normal(size=(2, 4))  # the dangerous labels' weights changed
    scores = [danger(_calibrated(c).one_vs_rest(x, 3), CLASSES, "benign")[0] for c in (coef, other)]
    assert np.array_equal(scores[0], scores[1])


def test_scores_per_label_sum_to_one_and_share_the_score_by_the_dangerous_sigmoids():
    one_vs_rest = np.array([[0.2, 0.6, 0.2], [0.9, 0.0, 0.0], [0.5, 0.1, 0.3]])
    score, per_label = danger(one_vs_rest, CLASSES, "benign")
    assert np.allclose(score, [0.8, 0.1, 0.5])
    assert np.allclose(per_label.sum(axis=1), 1.0)
    column = {label: LABELS.index(label) for label in LABELS}
    assert np.allclose(per_label[:, column["benign"]], 1 - score)
    assert np.isclose(per_label[0, column["custom_face_copy"]], 0.8 * 0.75)
    assert np.isclose(per_label[0, column["realistic_face_mask"]], 0.8 * 0.25)
    # both dangerous sigmoids zero: the score is shared equally
    assert np.isclose(per_label[1, column["custom_face_copy"]], 0.05)


def test_the_normalised_score_is_one_minus_scikit_learns_benign_probability():
    rng = np.random.default_rng(1)
    x = sp.csr_matrix(rng.random((30, 4)))
    calibrated = _calibrated(rng.normal(size=(3, 4)))
    score, per_label = danger(calibrated.one_vs_rest(x, 3), CLASSES, "normalised")
    proba = calibrated.predict_proba(x, 3)  # scikit-learn's arithmetic (test_runtime)
    assert np.allclose(score, 1 - proba[:, 0])
    for label in LABELS:
        assert np.allclose(per_label[:, LABELS.index(label)], proba[:, CLASSES.index(label)])
    zeros = np.zeros((1, 3))
    assert np.allclose(danger(zeros, CLASSES, "normalised")[0], [2 / 3])  # uniform, as sklearn


def test_an_unknown_score_kind_is_an_error():
    import pytest

    with pytest.raises(ValueError, match="unknown score 'max'"):
        danger(np.ones((1, 3)), CLASSES, "max")


# The "margin" score: one sigmoid over the regression's raw decisions, fitted by
# train.fit_score: expit(a * (weight * log(exp z_r + exp z_c) - z_b) + b).
MARGIN = {"a": 0.9, "b": -0.4, "weight": 0.5}


def _expected(decisions: np.ndarray, calibration: dict) -> np.ndarray:
    z = decisions
    margin = calibration["weight"] * np.log(np.exp(z[:, 1]) + np.exp(z[:, 2])) - z[:, 0]
    return 1 / (1 + np.exp(-(calibration["a"] * margin + calibration["b"])))


def test_a_phrase_moving_decision_to_the_flatter_calibrator_lowers_normalised_not_margin():
    # issue 13's shape: a made-to-order phrase lowers realistic_face_mask's decision (by 4),
    # raises custom_face_copy's (by 5) and lowers benign's (by 1.2); the custom-copy
    # calibrator is flatter (slope -0.53 against -0.77) and its sigmoid stays low
    a, b = np.array([-0.77, -0.53, -0.77]), np.array([1.0, 2.5, 0.0])  # CLASSES order
    before = np.array([[-1.0, -4.0, 2.0]])
    after = np.array([[-2.2, 1.0, -2.0]])
    sigmoids = [1 / (1 + np.exp(a * z + b)) for z in (before, after)]
    assert sigmoids[1][0, 0] < sigmoids[0][0, 0]  # the benign sigmoid falls
    normalised = [danger(p, CLASSES, "normalised")[0][0] for p in sigmoids]
    assert normalised[1] < normalised[0]
    margin = [
        danger(p, CLASSES, "margin", z, MARGIN)[0][0]
        for p, z in zip(sigmoids, (before, after), strict=True)
    ]
    assert margin[1] > margin[0]


def test_the_margin_score_rises_with_each_dangerous_decision_and_falls_with_the_benign_one():
    rng = np.random.default_rng(2)
    decisions = rng.normal(scale=3.0, size=(200, 3))
    score = danger(rng.random((200, 3)), CLASSES, "margin", decisions, MARGIN)[0]
    assert np.allclose(score, _expected(decisions, MARGIN))
    for column, sign in ((0, -1), (1, 1), (2, 1)):
        moved = decisions.copy()
        moved[:, column] += sign * rng.random(200) * 2
        # the sigmoids are not read: other ones change nothing
        higher = danger(rng.random((200, 3)), CLASSES, "margin", moved, MARGIN)[0]
        assert np.all(higher >= score) and np.any(higher > score)


def test_the_margin_score_reads_no_per_class_calibrator():
    rng = np.random.default_rng(3)
    x = sp.csr_matrix(rng.random((20, 4)))
    one = _calibrated(rng.normal(size=(3, 4)))
    other = Calibrated(one.coef, one.intercept, one.class_index, one.a * 0.5, one.b + 1.0)
    scores = [
        danger(c.one_vs_rest(x, 3), CLASSES, "margin", c.decisions(x, 3), MARGIN)[0]
        for c in (one, other)
    ]
    assert np.array_equal(scores[0], scores[1])
    raw = np.asarray(x @ one.coef.T) + one.intercept
    assert np.allclose(scores[0], _expected(raw, MARGIN))


def test_a_margin_score_without_its_calibration_or_decisions_is_an_error():
    with pytest.raises(ValueError, match="needs its calibration"):
        danger(np.ones((1, 3)) / 3, CLASSES, "margin", np.zeros((1, 3)), None)
    with pytest.raises(ValueError, match="needs its calibration"):
        danger(np.ones((1, 3)) / 3, CLASSES, "margin", None, MARGIN)
    for bad in (
        {**MARGIN, "a": -1.0},
        {**MARGIN, "weight": 0.0},
        {**MARGIN, "b": float("nan")},
        {"a": 1.0, "b": 0.0},
        None,
    ):
        with pytest.raises(ValueError):
            check_calibration("margin", bad)
    check_calibration("margin", MARGIN)
    check_calibration("normalised", None)


def test_fit_score_recovers_a_known_calibrator():
    # labels drawn from a known model: P(flagged) = expit(1.5 * margin(weight 0.5) - 0.5)
    rng = np.random.default_rng(4)
    decisions = rng.normal(scale=2.0, size=(5000, 3))
    p = _expected(decisions, {"a": 1.5, "b": -0.5, "weight": 0.5})
    flagged = rng.random(len(p)) < p
    dangerous = np.where(rng.random(len(p)) < 0.5, CLASSES[1], CLASSES[2])
    truth = list(np.where(flagged, dangerous, "benign"))
    raw = decisions[:, [CLASSES.index(label) for label in LABELS]]  # LABELS order
    fitted = fit_score("margin", np.zeros_like(raw), raw, truth, weight=0.5)
    assert abs(fitted["a"] - 1.5) < 0.12 and abs(fitted["b"] + 0.5) < 0.12
    assert fitted["weight"] == 0.5
    check_calibration("margin", fitted)
    # calibrated in the large: the mean score is the flagged share (a log-loss fit)
    score = danger(np.zeros_like(raw), list(LABELS), "margin", raw, fitted)[0]
    assert abs(score.mean() - flagged.mean()) < 0.005
    assert fit_score("normalised", np.zeros_like(raw), raw, truth) is None
    assert fit_score("benign", np.zeros_like(raw), raw, truth) is None


def test_a_model_without_a_score_calibration_predicts_the_normalised_score(tmp_path):
    # a model from before "margin" (the shipped model with its metrics.json as such a model
    # wrote it: neither a margin score nor score_calibration) scores 1 - scikit-learn's
    # P(benign)
    import json
    import shutil

    from maskscreen.classifier.model import default_model_dir, load_model

    shutil.copytree(default_model_dir(), tmp_path / "m")
    metrics = tmp_path / "m" / "metrics.json"
    metadata = json.loads(metrics.read_text("utf-8"))
    older = {k: v for k, v in metadata.items() if k not in ("score", "score_calibration")}
    metrics.write_text(json.dumps(older))
    model = load_model(tmp_path / "m")
    assert model.score_kind == "normalised"
    texts = ["Realistic silicone old man mask, full head", "Custom mask from your photos",
             "Hydrating sheet mask", "超逼真硅胶真人面具 全头套"]  # fmt: skip
    proba = model.pipeline.predict_proba(texts)
    benign = list(model.pipeline.classes_).index("benign")
    assert [v.score for v in model.predict(texts, explain=False)] == [
        round(1 - p, 4) for p in proba[:, benign].tolist()
    ]


def test_a_margin_model_predicts_from_the_regressions_decisions(tmp_path):
    import json
    import shutil

    from maskscreen.classifier.model import ModelError, default_model_dir, load_model

    shutil.copytree(default_model_dir(), tmp_path / "m")
    metrics = tmp_path / "m" / "metrics.json"
    metadata = json.loads(metrics.read_text("utf-8"))
    metrics.write_text(json.dumps({**metadata, "score": "margin", "score_calibration": MARGIN}))
    model = load_model(tmp_path / "m")
    texts = ["Realistic silicone old man mask, full head", "Hydrating sheet mask"]
    pipeline = model.pipeline
    features = texts
    for _, step in pipeline.steps[:-1]:
        features = step.transform(features)
    estimator = pipeline.named_steps["model"].calibrated_classifiers_[0].estimator
    raw = estimator.decision_function(features)
    order = [list(estimator.classes_).index(c) for c in CLASSES]
    expected = _expected(raw[:, order], MARGIN)
    got = [v.score for v in model.predict(texts, explain=False)]  # rounded to 4 places
    assert np.allclose(got, expected, rtol=0, atol=5.01e-5)
    assert abs(got[0] - got[1]) > 0.5  # a realistic mask and a sheet mask, far apart
    # the same model without its calibrator is refused at load
    uncalibrated = {k: v for k, v in metadata.items() if k != "score_calibration"}
    metrics.write_text(json.dumps({**uncalibrated, "score": "margin"}))
    with pytest.raises(ModelError, match="score_calibration"):
        load_model(tmp_path / "m")


def test_the_model_card_says_how_the_score_is_made():
    from maskscreen.classifier.card import _score_sentence

    margin = _score_sentence({"score": "margin", "score_calibration": MARGIN})
    assert "0.5 × log(exp z_realistic + exp z_custom) − z_benign" in margin
    assert "normalised" in _score_sentence({})  # older models: the normalised score
    assert "benign calibrator alone" in _score_sentence({"score": "benign"})
