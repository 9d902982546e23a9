"""A learned evasion_claim detector on the model's own feature rows (issue 13).

The signal patterns (signals.py, GUIDELINES.md §3) miss evasion claims worded in ways no
pattern foresaw. The evasion head is a second linear head over the very row the model
scores (word and character TF-IDF and the concept features of `Runtime.featurize`):
one sparse dot product and a sigmoid a listing, fitted at training on the records'
`evasion_claim` marks. The verdict's signal is the patterns OR the head at or above its
threshold (RULE), the threshold chosen at training by grouped cross-validation of the
training material at a precision target (train.fit_evasion_head). A hit of the head alone
says so in the reasons, with the listing's words that pushed it hardest.

Saved beside the model as `evasion_head.npz` (numpy arrays, no pickle); metrics.json holds
its threshold, rule and the digest of its arrays, checked at load. A model without one
(older models) sets the signal from the patterns only.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

HEAD_FILE = "evasion_head.npz"
FORMAT = 1
RULES = ("or",)  # "or": patterns OR head score >= threshold


class HeadError(ValueError):
    """An evasion head file that is missing, damaged or does not fit its model."""


@dataclass
class EvasionHead:
    coef: np.ndarray  # float64, one weight a column of the model's feature row
    intercept: float
    threshold: float  # a listing's head score at or above this sets the signal
    rule: str = "or"

    def scores(self, matrix: sp.csr_matrix) -> np.ndarray:
        """The head's probability of an evasion claim for each row of the model's features."""
        z = matrix @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))

    def fires(self, matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """(scores, which rows reach the threshold)."""
        scores = self.scores(matrix)
        return scores, scores >= self.threshold

    def digest(self) -> str:
        """sha256 of the arrays and settings (recorded in metrics.json, checked at load)."""
        h = hashlib.sha256()
        h.update(json.dumps(self._meta(), sort_keys=True).encode("utf-8"))
        coef = np.ascontiguousarray(self.coef)
        h.update(f"coef:{coef.dtype.str}:{coef.shape}".encode())
        h.update(coef.tobytes())
        return h.hexdigest()

    def _meta(self) -> dict:
        return {
            "format": FORMAT,
            "intercept": float(self.intercept),
            "threshold": float(self.threshold),
            "rule": self.rule,
        }

    def save(self, path: str | Path) -> Path:
        """Write the head file (whole or not at all: through a temporary file)."""
        path = Path(path)
        meta = np.frombuffer(json.dumps(self._meta()).encode("utf-8"), dtype=np.uint8)
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as stream:
            np.savez_compressed(stream, coef=self.coef, meta=meta)
        os.replace(partial, path)
        return path

    @classmethod
    def load(cls, path: str | Path, width: int) -> EvasionHead:
        """Read a head file for a model whose feature rows are `width` wide."""
        try:
            with np.load(path, allow_pickle=False) as data:
                coef = data["coef"]
                meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise HeadError(f"format {meta.get('format')!r}, expected {FORMAT}")
            head = cls(
                coef=coef,
                intercept=float(meta["intercept"]),
                threshold=float(meta["threshold"]),
                rule=str(meta["rule"]),
            )
        except HeadError:
            raise
        except Exception as exc:  # a damaged zip, a missing array, bad JSON…
            raise HeadError(f"{type(exc).__name__}: {exc}") from exc
        if coef.dtype != np.float64 or coef.shape != (width,):
            raise HeadError(f"weights {coef.dtype} {coef.shape}, the model's rows are {width} wide")
        if head.rule not in RULES:
            raise HeadError(f"unknown rule {head.rule!r} (known: {', '.join(RULES)})")
        if not np.isfinite([head.intercept, head.threshold]).all() or not np.isfinite(coef).all():
            raise HeadError("weights or threshold that are not finite numbers")
        return head


def load_head(directory: Path, recorded: dict | None, width: int) -> EvasionHead | None:
    """The head of a model directory as metrics.json records it (`recorded`: its
    "evasion_head" entry); None for a model trained without one. HeadError if the file
    is missing, damaged, of another width or not the one recorded."""
    if not recorded:
        return None
    path = directory / HEAD_FILE
    if not path.is_file():
        raise HeadError(f"{HEAD_FILE} is missing (metrics.json records an evasion head)")
    head = EvasionHead.load(path, width)
    if head.digest() != recorded.get("sha256"):
        raise HeadError(f"{path} is not the evasion head recorded in metrics.json")
    return head


# --- training (scikit-learn imported here only) --------------------------------------------

# The concept step's features that the evasion patterns switch on. The head never reads
# them: the patterns were written from the training records, so on them these features
# all but equal the marks, a head fitted there would lean on them, and its cut would be
# chosen on the patterns' in-sample precision. Without them the head is the patterns'
# complement, measured out of fold on its own.
PATTERN_FEATURES = (
    "signal:evasion_claim",
    "evasion_claim",
    "evasion_claim+dangerous>=2",
    "evasion_claim&dangerous=0",
)


def pattern_columns(concept_matcher, interactions: int, width: int) -> np.ndarray:
    """The columns of PATTERN_FEATURES in rows `width` wide that end with the concept
    step's features (concepts.feature_names)."""
    from maskscreen.classifier.concepts import feature_names

    names = feature_names(concept_matcher, interactions)
    start = width - len(names)
    return np.array([start + names.index(n) for n in PATTERN_FEATURES if n in names], int)


def pattern_blind(matrix, columns: np.ndarray) -> sp.csr_matrix:
    """`matrix` with `columns` zeroed (and dropped from its stored entries)."""
    keep = np.ones(matrix.shape[1])
    keep[columns] = 0.0
    out = sp.csr_matrix(matrix @ sp.diags(keep))
    out.eliminate_zeros()
    return out


def fit_weights(matrix, y: np.ndarray, weights: np.ndarray | None, c: float, seed: int = 0):
    """(coef, intercept) of an L2 logistic regression of the evasion marks on the rows."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)
    model.fit(matrix, y, sample_weight=weights)
    return np.ascontiguousarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0])


def grouped_folds(y: np.ndarray, groups: np.ndarray, strata: np.ndarray, folds: int, seed: int):
    """Train/test index pairs that keep each group (a grounded record's page, a written
    record) in one fold, stratified by `strata` (the mark and the language)."""
    import warnings

    from sklearn.model_selection import StratifiedGroupKFold

    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # strata of a rare language: fewer listings than folds
        warnings.filterwarnings("ignore", "The least populated class", UserWarning)
        return list(splitter.split(np.zeros(len(y)), strata, groups))


def out_of_fold_scores(matrix, y, weights, groups, strata, folds, c, seed=0) -> np.ndarray:
    """Each row's head score from a head fitted without its group."""
    matrix = sp.csr_matrix(matrix)
    out = np.zeros(len(y))
    for train, test in grouped_folds(y, groups, strata, folds, seed):
        coef, intercept = fit_weights(
            matrix[train], y[train], None if weights is None else weights[train], c, seed
        )
        out[test] = EvasionHead(coef, intercept, threshold=1.0).scores(matrix[test])
    return out


def choose_threshold(
    y: np.ndarray, scores: np.ndarray, patterns: np.ndarray, precision: float
) -> float | None:
    """The lowest head cut at which patterns OR head keeps `precision` on (out-of-fold)
    scores, so the highest recall at that precision; None if no cut keeps it. With no
    pattern hits (`patterns` all false): the head's own precision."""
    order = np.argsort(-scores, kind="stable")
    tp, fp = int(np.sum(patterns & y)), int(np.sum(patterns & ~y))
    extra_y = y[order] & ~patterns[order]
    extra_n = ~y[order] & ~patterns[order]
    tps = tp + np.cumsum(extra_y)
    fps = fp + np.cumsum(extra_n)
    ok = tps / np.maximum(tps + fps, 1) >= precision
    distinct = np.r_[scores[order][1:] != scores[order][:-1], True]
    candidates = np.flatnonzero(ok & distinct)
    return float(scores[order][candidates[-1]]) if len(candidates) else None


def groups_and_strata(examples) -> tuple[np.ndarray, np.ndarray]:
    """Grouped-CV keys of training records: the page (source_url) of a grounded record, its
    own id for a written one; strata: the evasion mark and the language."""
    groups = np.array([e.source_url or e.id for e in examples])
    strata = np.array([f"{bool(e.signals.get('evasion_claim'))}/{e.language}" for e in examples])
    return groups, strata
