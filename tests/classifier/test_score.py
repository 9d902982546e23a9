"""The verdict's score (runtime.danger), of the kind a model was trained with: "benign",
1 - the benign calibrator's probability, so evidence for one dangerous label cannot lower
it by taking probability from the other (issue 13); or "normalised" (the shipped model's,
train.SCORE), 1 - P(benign) of the normalised sigmoids, as scikit-learn computes it."""

import numpy as np
import scipy.sparse as sp

from maskscreen.classifier.runtime import Calibrated, danger
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
