"""The bounded refit of the logistic regression (train.monotone, off in the shipped recipe:
see train.MONOTONE) reaches scikit-learn's optimum and keeps the bounds."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from maskscreen.classifier import train

CLASSES = ["benign", "custom_face_copy", "realistic_face_mask"]


def _objective(X, y, coef, intercept, C):
    """scikit-learn's loss for class_weight="balanced", written out independently."""
    Y = (y[:, None] == np.array(CLASSES)[None, :]).astype(float)
    weight = (len(y) / (len(CLASSES) * Y.sum(axis=0)))[Y.argmax(axis=1)]
    Z = np.asarray(X @ coef.T) + intercept
    log_norm = np.log(np.exp(Z - Z.max(axis=1, keepdims=True)).sum(axis=1)) + Z.max(axis=1)
    return C * np.sum(weight * (log_norm - (Z * Y).sum(axis=1))) + 0.5 * np.sum(coef**2)


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(0)
    X = sp.csr_matrix(rng.random((240, 12)) * (rng.random((240, 12)) < 0.4))
    signal = np.asarray(X[:, 0].todense()).ravel() > 0
    # column 0 is the "cue": seen more often with custom copies and with benign listings
    y = np.where(signal & (rng.random(240) < 0.6), "custom_face_copy", "benign")
    y = np.where(~signal & (rng.random(240) < 0.4), "realistic_face_mask", y)
    fitted = LogisticRegression(C=4.0, class_weight="balanced", max_iter=5000).fit(X, y)
    return X, y, fitted


def test_unbounded_refit_is_scikit_learns_optimum(problem):
    X, y, fitted = problem
    free = np.full(fitted.coef_.shape, np.inf)
    coef, intercept = train.constrained_logistic(
        X, y, CLASSES, fitted.coef_, fitted.intercept_, 4.0, -free, free
    )
    ours, theirs = (
        _objective(X, y, coef, intercept, 4.0),
        _objective(X, y, fitted.coef_, fitted.intercept_, 4.0),
    )
    assert ours <= theirs + 1e-6
    assert abs(ours - theirs) < 1e-3 * theirs


def test_bounded_refit_keeps_the_signs_and_costs_little(problem):
    X, y, fitted = problem
    lower = np.full(fitted.coef_.shape, -np.inf)
    upper = np.full(fitted.coef_.shape, np.inf)
    upper[0, 0] = 0.0  # benign: <= 0
    lower[1:, 0] = 0.0  # both dangerous labels: >= 0
    coef, intercept = train.constrained_logistic(
        X, y, CLASSES, fitted.coef_, fitted.intercept_, 4.0, lower, upper
    )
    assert coef[0, 0] <= 0.0 and (coef[1:, 0] >= 0.0).all()
    assert fitted.coef_[0, 0] > 0.0 or (fitted.coef_[1:, 0] < 0.0).any(), "nothing to bound"
    # the other coefficients move to make up for the bounded ones
    assert not np.allclose(coef[:, 1:], fitted.coef_[:, 1:])
    unbounded = _objective(X, y, fitted.coef_, fitted.intercept_, 4.0)
    assert unbounded <= _objective(X, y, coef, intercept, 4.0) < 1.5 * unbounded
