"""The model's prediction without scikit-learn or skops: a few arrays and their arithmetic.

A saved model is `model.skops` (the scikit-learn pipeline, the source of truth)
and, beside it, `runtime.npz`: what prediction needs of that pipeline, derived
from it by `from_pipeline` and saved with numpy (no pickle). The arrays:
both vocabularies (hashes, idf and their settings), each calibrated
classifier's logistic regression (`coef_`, `intercept_`) and sigmoid
calibrators (`a_`, `b_`), the classes, and the sha256 of the `model.skops` they
came from: a file made from another `model.skops` is stale and not used.

`Runtime.predict_proba` repeats, operation for operation and in the same order,
what the installed scikit-learn does in `CalibratedClassifierCV.predict_proba`
(`_CalibratedClassifier.predict_proba`, `LinearClassifierMixin.decision_function`,
`_SigmoidCalibration.predict`), so the probabilities are the same to the last bit;
tests/classifier/test_runtime.py holds it to that on the whole corpus.

Remake the file of a model directory (the model itself is not touched):
    maskscreen model runtime classifier/model
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from maskscreen.classifier.concepts import (
    ConceptMatch,
    abstract,
    concept_features,
    feature_names,
    matchers,
)
from maskscreen.classifier.hashing import HashedVocabulary, Ngrams
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatch
from maskscreen.classifier.tokens import token_texts
from maskscreen.classifier.verdict import LABELS

RUNTIME_FILE = "runtime.npz"
FORMAT = 1  # a model without concept features (the "concepts" entry of its meta is absent)


class RuntimeFileError(ValueError):
    """A runtime file that cannot be read or does not hold a consistent model."""


class UnsupportedPipeline(ValueError):
    """A pipeline whose prediction this module does not reproduce."""


# Sigmoid inputs of a prediction up to this many (one listing: a few dozen) are worked
# out in Python, not by scipy.special.expit, whose import (0.11-0.13 s) was a sixth of
# a one-off `check --text`; larger batches import it once and use it.
SMALL_EXPIT = 256  # (a crawl classifies 200 listings a batch: in Python, 0.1 ms)


def expit(x: np.ndarray) -> np.ndarray:
    """scipy.special.expit of a float64 array, to the last bit. scipy computes
    1 / (1 + exp(-x)) in C with the C library's exp, as Python's float arithmetic and
    math.exp do (numpy's own exp is not the C library's and differs in the last bit for
    about 2 % of inputs); where exp overflows, C gives infinity and the result 0, which
    Python raises instead of. tests/classifier/test_speed_expit.py holds the two alike."""
    if x.size > SMALL_EXPIT or x.dtype != np.float64:
        from scipy.special import expit as scipy_expit

        return scipy_expit(x)
    return np.array([_expit(value) for value in x.tolist()], dtype=np.float64)


def _expit(value: float) -> float:
    try:
        return 1.0 / (1.0 + math.exp(-value))
    except OverflowError:  # exp(-value) is infinite in C: 1 / inf
        return 0.0


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# What a model's score is made of (metrics.json "score"). "margin" also needs the regression's
# raw decisions and a calibrator fitted at training (metrics.json "score_calibration").
SCORES = ("benign", "normalised", "margin")
CALIBRATED = ("margin",)


def needs_decisions(score: str) -> bool:
    """Whether `danger` reads the raw decisions for this kind of score."""
    return score == "margin"


def check_calibration(score: str, calibration) -> None:
    """ValueError unless `calibration` holds the finite numbers the `score` kind needs, its
    slope and dangerous weight positive (a kind without a calibrator needs none)."""
    if score not in CALIBRATED:
        return
    if not isinstance(calibration, dict):
        raise ValueError(f"the {score!r} score has no score_calibration")
    numbers = [calibration.get(key) for key in ("a", "b", "weight")]
    if not all(isinstance(x, int | float) and math.isfinite(x) for x in numbers):
        raise ValueError(f"score_calibration {calibration!r} is not numbers")
    if not (numbers[0] > 0 and numbers[2] > 0):  # a score that falls as the evidence rises
        raise ValueError(f"score_calibration {calibration!r} is not increasing")


def dangerous_margin(decisions: np.ndarray, classes: list[str], weight: float = 1.0) -> np.ndarray:
    """weight * log(exp(z_r) + exp(z_c)) - z_b of the raw decisions z (columns in `classes`
    order). With weight 1 it is the multinomial regression's own log-odds of "some dangerous
    label" against benign; with weight 0, the benign decision alone (the "benign" score's
    ranking). It rises with either dangerous decision and falls with the benign one, and
    reads no per-class calibrator, so a flatter custom-copy calibrator cannot lower it."""
    benign = decisions[:, classes.index("benign")]
    dangerous = decisions[:, [classes.index(x) for x in LABELS if x != "benign"]]
    top = dangerous.max(axis=1)
    return weight * (top + np.log(np.exp(dangerous - top[:, None]).sum(axis=1))) - benign


def calibrated_score(decisions: np.ndarray, classes: list[str], calibration: dict) -> np.ndarray:
    """The "margin" score: expit(a * dangerous_margin(decisions, weight) + b), the sigmoid
    fitted on the training split's out-of-fold decisions (train.fit_score)."""
    margin = dangerous_margin(decisions, classes, float(calibration["weight"]))
    return expit(float(calibration["a"]) * margin + float(calibration["b"]))


def danger(
    one_vs_rest: np.ndarray,
    classes: list[str],
    score: str,
    decisions: np.ndarray | None = None,
    calibration: dict | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The score of each row (probability that the listing is not benign) and its scores per
    label (columns in LABELS order), from the classes' calibrated sigmoids (`one_vs_rest`)
    and, for the CALIBRATED kinds, the raw `decisions` and the model's `calibration`.

    "benign": 1 - the benign calibrator's probability, a monotone function of the benign
    decision alone, so each feature moves it one way whatever it does to the other labels.
    "normalised": 1 - P(benign) after the sigmoids are normalised to sum to 1 (scikit-learn's
    predict_proba for one calibrated classifier, the recipe's ensemble=False; uniform where
    all are zero); there a made-to-order phrase that lowers
    realistic_face_mask more than it raises custom_face_copy lowers the score (issue 13):
    the custom-copy calibrator is flatter than the realistic-mask one.
    (The larger dangerous sigmoid is no choice: that phrase lowers it in 193 of 200
    directional cases on training words.) "margin": `calibrated_score`, one sigmoid over
    the regression's raw decisions, fitted at training (train.SCORE has the measures).
    The score is shared between the dangerous labels
    in proportion to their sigmoids (equally where both are zero), so the per-label scores
    sum to 1 (for "normalised" they are predict_proba's).
    """
    benign = one_vs_rest[:, classes.index("benign")]
    if score == "benign":
        danger_score = 1.0 - benign
    elif score == "normalised":
        total = one_vs_rest.sum(axis=1)
        share = np.divide(
            benign, total, out=np.full_like(benign, 1 / len(classes)), where=total != 0
        )
        danger_score = 1.0 - share
    elif score in CALIBRATED:
        if calibration is None or (needs_decisions(score) and decisions is None):
            raise ValueError(f"the {score!r} score needs its calibration and decisions")
        danger_score = calibrated_score(decisions, classes, calibration)
    else:
        raise ValueError(f"unknown score {score!r} (known: {', '.join(SCORES)})")
    dangerous = [classes.index(label) for label in LABELS if label != "benign"]
    weights = one_vs_rest[:, dangerous]
    total = weights.sum(axis=1, keepdims=True)
    shares = np.divide(
        weights, total, out=np.full_like(weights, 1 / len(dangerous)), where=total > 0
    )
    per_label = np.zeros((len(danger_score), len(LABELS)))
    per_label[:, [i for i, label in enumerate(LABELS) if label != "benign"]] = (
        shares * danger_score[:, None]
    )
    per_label[:, LABELS.index("benign")] = 1.0 - danger_score
    return danger_score, per_label


@dataclass
class Calibrated:
    """One of CalibratedClassifierCV's calibrated classifiers: a logistic regression and
    one sigmoid calibrator per class of the regression."""

    coef: np.ndarray  # LogisticRegression.coef_, its dtype and memory order kept
    intercept: np.ndarray  # LogisticRegression.intercept_
    class_index: np.ndarray  # the column in `Runtime.classes` of each regression class
    a: np.ndarray  # float64: _SigmoidCalibration.a_ per regression class
    b: np.ndarray  # float64: _SigmoidCalibration.b_

    def linear(self, features: sp.csr_matrix) -> np.ndarray:
        """decision_function: safe_sparse_dot(X, coef_.T, dense_output=True) + intercept_
        (columns in the regression's class order)."""
        return features @ self.coef.T + self.intercept

    def one_vs_rest(
        self, features: sp.csr_matrix, n_classes: int, predictions: np.ndarray | None = None
    ) -> np.ndarray:
        """Each class's calibrated sigmoid, before the multiclass normalisation (the first
        half of _CalibratedClassifier.predict_proba; model.pipeline_one_vs_rest), from
        the `predictions` of `linear` where the caller has them."""
        if predictions is None:
            predictions = self.linear(features)
        proba = np.zeros((features.shape[0], n_classes))
        for class_idx, this_pred, a, b in zip(
            self.class_index.tolist(), predictions.T, self.a, self.b, strict=False
        ):
            # _SigmoidCalibration.predict: column_or_1d(T), then expit(-(a_ * T + b_)).
            # a_ and b_ are numpy float64 scalars there (from_pipeline checks) as here, so
            # float32 decisions are promoted to float64 alike (a Python float would not be).
            this_pred = np.ascontiguousarray(this_pred)
            proba[:, class_idx] = expit(-(a * this_pred + b))
        return proba

    def decisions(
        self, features: sp.csr_matrix, n_classes: int, predictions: np.ndarray | None = None
    ) -> np.ndarray:
        """The regression's decision of each class (columns in `Runtime.classes` order)."""
        out = np.zeros((features.shape[0], n_classes))
        out[:, self.class_index] = self.linear(features) if predictions is None else predictions
        return out

    def predict_proba(self, features: sp.csr_matrix, n_classes: int) -> np.ndarray:
        """_CalibratedClassifier.predict_proba for a multiclass linear model and sigmoids."""
        proba = self.one_vs_rest(features, n_classes)
        # the multiclass normalisation, uniform where every calibrator says zero
        denominator = np.sum(proba, axis=1)[:, np.newaxis]
        uniform_proba = np.full_like(proba, 1 / n_classes)
        proba = np.divide(proba, denominator, out=uniform_proba, where=denominator != 0)
        proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
        return proba


@dataclass
class ConceptSpec:
    """The concept step of a model: its lexicon and signal patterns (as text) and scale."""

    lexicon: str
    signals: str
    scale: float
    interactions: int = 1  # the feature set (concepts.INTERACTIONS)
    abstract: bool = False  # concept words replaced by their concept's mark before n-grams
    keep: bool = False  # (with abstract) the mark put before the word, which stays

    def matchers(self):
        return matchers(self.lexicon, self.signals)

    def width(self) -> int:
        return len(feature_names(self.matchers()[0], self.interactions))


@dataclass
class Features:
    """A batch's model input, with the word n-grams kept to explain the verdicts."""

    normalized: list[str]
    word_ngrams: Ngrams
    word_columns: np.ndarray
    words: sp.csr_matrix
    matrix: sp.csr_matrix  # words, characters (and concepts), as the pipeline's FeatureUnion
    concepts: list[list[ConceptMatch]] | None = None  # models with concept features only
    signals: list[list[SignalMatch]] | None = None


@dataclass
class Runtime:
    words: HashedVocabulary
    chars: HashedVocabulary
    classes: list[str]
    calibrated: list[Calibrated]
    model_sha256: str | None  # of the model.skops this was derived from (None: not saved)
    concepts: ConceptSpec | None = None

    def featurize(self, texts: list[str]) -> Features:
        """The pipeline's feature steps: TextNormalizer, then the FeatureUnion of
        SpacyTokenizer → word TF-IDF, character TF-IDF (and ConceptFeaturizer)."""
        normalized = [normalize(text) for text in texts]
        found = None
        ngram_text = normalized
        if self.concepts is not None:
            spec = self.concepts
            concepts, signals = spec.matchers()
            found = concept_features(normalized, concepts, signals, spec.scale, spec.interactions)
            if spec.abstract:
                order = concepts.concepts
                ngram_text = [
                    abstract(text, matches, order, spec.keep)
                    for text, matches in zip(normalized, found.concepts, strict=True)
                ]
        word_ngrams = self.words.analyze(token_texts(ngram_text))
        word_columns = self.words.locate(word_ngrams)
        words = self.words.matrix(word_ngrams, len(texts), word_columns)
        blocks = [words, self.chars.transform(ngram_text)]
        if found is not None:
            blocks.append(found.matrix)
        matrix = sp.hstack(blocks, format="csr")
        return Features(
            normalized,
            word_ngrams,
            word_columns,
            words,
            matrix,
            found.concepts if found else None,
            found.signals if found else None,
        )

    def predict_proba(self, features: sp.csr_matrix) -> np.ndarray:
        """CalibratedClassifierCV.predict_proba: the mean over its calibrated classifiers."""
        return self._mean(features, Calibrated.predict_proba)

    def one_vs_rest(self, features: sp.csr_matrix) -> np.ndarray:
        """Each class's calibrated sigmoid (not normalised), the mean over the calibrated
        classifiers: what the verdict's score is made of (`danger`)."""
        return self._mean(features, Calibrated.one_vs_rest)

    def decisions(self, features: sp.csr_matrix) -> np.ndarray:
        """Each class's raw decision (the logistic regression's logit, before any
        calibrator; columns in `classes` order), the mean over the calibrated classifiers:
        what a calibrated score (`danger` with `calibration`) is made of."""
        return self._mean(features, Calibrated.decisions)

    def one_vs_rest_and_decisions(self, features: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        """`one_vs_rest` and `decisions` (the same arrays, to the last bit), each calibrated
        classifier's product with the features made once for both, not twice (a score of
        the "margin" kind reads both: the product was 2-3 µs a listing each time)."""
        n_classes = len(self.classes)
        proba = np.zeros((features.shape[0], n_classes))
        raw = np.zeros((features.shape[0], n_classes))
        for calibrated in self.calibrated:
            predictions = calibrated.linear(features)
            proba += calibrated.one_vs_rest(features, n_classes, predictions)
            raw += calibrated.decisions(features, n_classes, predictions)
        proba /= len(self.calibrated)
        raw /= len(self.calibrated)
        return proba, raw

    def _mean(self, features: sp.csr_matrix, each) -> np.ndarray:
        n_classes = len(self.classes)
        mean = np.zeros((features.shape[0], n_classes))
        for calibrated in self.calibrated:
            mean += each(calibrated, features, n_classes)
        mean /= len(self.calibrated)
        return mean

    def word_coef(self) -> np.ndarray:
        """Per class (rows in `classes` order), the mean coefficient of each word column."""
        coef = np.mean([c.coef[np.argsort(c.class_index)] for c in self.calibrated], axis=0)
        return coef[:, : len(self.words)]

    def digest(self) -> str:
        """sha256 of everything that decides a prediction (arrays, settings, lexicon and
        patterns; not the file's bytes, which carry zip timestamps, nor model_sha256): the
        same for a runtime read from its file and one derived again from the pipeline."""
        h = hashlib.sha256()
        meta = {"classes": list(self.classes), "calibrated": len(self.calibrated)}
        if self.concepts is not None:
            c = self.concepts
            meta["concepts"] = [c.lexicon, c.signals, c.scale, c.interactions, c.abstract, c.keep]
        arrays = {}
        for name, vocabulary in (("words", self.words), ("chars", self.chars)):
            meta[name] = [
                vocabulary.analyzer,
                list(vocabulary.ngram_range),
                vocabulary.sublinear_tf,
            ]
            arrays[f"{name}_hashes"] = vocabulary.hashes
            arrays[f"{name}_idf"] = vocabulary.idf
        for i, calibrated in enumerate(self.calibrated):
            for key in ("coef", "intercept", "class_index", "a", "b"):
                arrays[f"calibrated{i}_{key}"] = getattr(calibrated, key)
        h.update(json.dumps(meta, sort_keys=True).encode("utf-8"))
        for name in sorted(arrays):
            array = np.ascontiguousarray(arrays[name])
            h.update(f"{name}:{array.dtype.str}:{array.shape}".encode())
            h.update(array.tobytes())
        return h.hexdigest()

    def save(self, path: str | Path) -> Path:
        """Write the runtime file (whole or not at all: through a temporary file)."""
        path = Path(path)
        meta = {
            "format": FORMAT,
            "model_sha256": self.model_sha256,
            "classes": list(self.classes),
            "calibrated": len(self.calibrated),
        }
        if self.concepts is not None:
            meta["concepts"] = {
                "lexicon": self.concepts.lexicon,
                "signals": self.concepts.signals,
                "scale": self.concepts.scale,
                "interactions": self.concepts.interactions,
                "abstract": self.concepts.abstract,
                "keep": self.concepts.keep,
            }
        arrays = {}
        for name, vocabulary in (("words", self.words), ("chars", self.chars)):
            meta[name] = {
                "analyzer": vocabulary.analyzer,
                "ngram_range": list(vocabulary.ngram_range),
                "sublinear_tf": vocabulary.sublinear_tf,
            }
            arrays[f"{name}_hashes"] = vocabulary.hashes
            arrays[f"{name}_idf"] = vocabulary.idf
        for i, calibrated in enumerate(self.calibrated):
            for key in ("coef", "intercept", "class_index", "a", "b"):
                arrays[f"calibrated{i}_{key}"] = getattr(calibrated, key)
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as stream:
            np.savez_compressed(stream, **arrays)
        os.replace(partial, path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Runtime:
        """Read a runtime file; RuntimeFileError if it is unreadable or inconsistent."""
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise RuntimeFileError(f"format {meta.get('format')!r}, expected {FORMAT}")
            vocabularies = {
                name: HashedVocabulary(
                    analyzer=str(meta[name]["analyzer"]),
                    ngram_range=tuple(int(n) for n in meta[name]["ngram_range"]),
                    sublinear_tf=bool(meta[name]["sublinear_tf"]),
                    hashes=arrays[f"{name}_hashes"],
                    idf=arrays[f"{name}_idf"],
                )
                for name in ("words", "chars")
            }
            calibrated = [
                Calibrated(
                    **{
                        key: arrays[f"calibrated{i}_{key}"]
                        for key in ("coef", "intercept", "class_index", "a", "b")
                    }
                )
                for i in range(int(meta["calibrated"]))
            ]
            spec = meta.get("concepts")
            runtime = cls(
                words=vocabularies["words"],
                chars=vocabularies["chars"],
                classes=[str(c) for c in meta["classes"]],
                calibrated=calibrated,
                model_sha256=meta["model_sha256"],
                concepts=ConceptSpec(
                    str(spec["lexicon"]),
                    str(spec["signals"]),
                    float(spec["scale"]),
                    int(spec.get("interactions", 1)),
                    bool(spec.get("abstract", False)),
                    bool(spec.get("keep", False)),
                )
                if spec
                else None,
            )
        except RuntimeFileError:
            raise
        except Exception as exc:  # a damaged zip, a missing array, bad JSON…
            raise RuntimeFileError(f"{type(exc).__name__}: {exc}") from exc
        runtime.check()
        return runtime

    def check(self) -> None:
        """Shapes and types that fit together (a damaged file must not fail mid-prediction)."""
        width = len(self.words) + len(self.chars)
        if self.concepts is not None:
            from maskscreen.classifier.concepts import INTERACTIONS

            if self.concepts.interactions not in INTERACTIONS:
                raise RuntimeFileError(f"concept feature set {self.concepts.interactions!r}")
            try:
                width += self.concepts.width()
            except Exception as exc:  # a lexicon or pattern text that does not compile
                raise RuntimeFileError(f"concepts: {exc}") from exc
        for name, v in (("words", self.words), ("chars", self.chars)):
            if v.analyzer not in ("word", "char_wb") or len(v.ngram_range) != 2:
                raise RuntimeFileError(f"{name}: analyzer {v.analyzer!r}, {v.ngram_range}")
            if v.hashes.dtype != np.uint64 or v.hashes.ndim != 1 or v.idf.shape != v.hashes.shape:
                raise RuntimeFileError(f"{name}: hashes and idf do not match")
            if v.idf.dtype.kind != "f":
                raise RuntimeFileError(f"{name}: idf is {v.idf.dtype}")
        if (
            not self.calibrated
            or len(self.classes) < 3
            or len(set(self.classes)) < len(self.classes)
        ):
            raise RuntimeFileError(f"classes {self.classes}, {len(self.calibrated)} classifiers")
        for c in self.calibrated:
            rows = len(c.class_index)
            if (
                c.coef.shape != (rows, width)
                or c.coef.dtype.kind != "f"
                or c.intercept.shape != (rows,)
                or c.intercept.dtype.kind != "f"
                or c.a.shape != (rows,)
                or c.b.shape != (rows,)
                or c.a.dtype != np.float64
                or c.b.dtype != np.float64
                or c.class_index.dtype.kind not in "iu"
                or sorted(c.class_index.tolist()) != list(range(len(self.classes)))
            ):
                raise RuntimeFileError("the linear model's arrays do not fit together")


def from_pipeline(pipeline, model_sha256: str | None = None) -> Runtime:
    """The runtime form of a fitted pipeline made by `train.build_pipeline`.

    Reads fitted attributes only (imports nothing from scikit-learn itself); refuses,
    with UnsupportedPipeline, any pipeline whose prediction it would not reproduce exactly.
    """
    from maskscreen.classifier.features import (
        ConceptAbstracter,
        ConceptFeaturizer,
        SpacyTokenizer,
        TextNormalizer,
    )
    from maskscreen.classifier.ngrams import HashedTfidf

    def need(condition: bool, what: str) -> None:
        if not condition:
            raise UnsupportedPipeline(what)

    try:
        steps = pipeline.named_steps
        need(list(steps) == ["normalize", "features", "model"], f"steps {list(steps)}")
        need(isinstance(steps["normalize"], TextNormalizer), "no TextNormalizer")
        union = steps["features"]
        need(type(union).__name__ == "FeatureUnion", "no FeatureUnion")
        need(not union.transformer_weights, "weighted features")
        parts = dict(union.transformer_list)
        names = [name for name, _ in union.transformer_list]
        need(names in (["words", "chars"], ["words", "chars", "concepts"]), f"features {names}")
        spec = None
        if "concepts" in parts:
            step = parts["concepts"]
            need(isinstance(step, ConceptFeaturizer), "concepts are not a ConceptFeaturizer")
            spec = ConceptSpec(
                str(step.lexicon),
                str(step.signals),
                float(step.scale),
                int(getattr(step, "interactions", 1)),
            )
        word_steps = parts["words"].named_steps
        chars = parts["chars"]
        abstracters = []
        if list(word_steps) == ["abstract", "tokens", "tfidf"]:
            # concept abstraction: the same abstracter before both n-gram steps
            need(spec is not None, "concept abstraction without a concept step")
            char_steps = getattr(chars, "named_steps", {})
            need(list(char_steps) == ["abstract", "tfidf"], f"character steps {list(char_steps)}")
            abstracters = [word_steps["abstract"], char_steps["abstract"]]
            chars = char_steps["tfidf"]
            for each in abstracters:
                need(isinstance(each, ConceptAbstracter), "abstract is not a ConceptAbstracter")
                need(
                    (each.lexicon, each.signals) == (spec.lexicon, spec.signals),
                    "the abstracter's lexicon is not the concept step's",
                )
            need(abstracters[0].keep == abstracters[1].keep, "abstracters that differ")
            spec.abstract = True
            spec.keep = bool(abstracters[0].keep)
        else:
            need(list(word_steps) == ["tokens", "tfidf"], f"word steps {list(word_steps)}")
        need(isinstance(word_steps["tokens"], SpacyTokenizer), "no SpacyTokenizer")
        word_tfidf, char_tfidf = word_steps["tfidf"], chars
        need(isinstance(word_tfidf, HashedTfidf), "word features are not HashedTfidf")
        need(isinstance(char_tfidf, HashedTfidf), "character features are not HashedTfidf")
        model = steps["model"]
        need(type(model).__name__ == "CalibratedClassifierCV", "no CalibratedClassifierCV")
        need(model.method == "sigmoid", f"calibration {model.method!r}")
        classes = np.asarray(model.classes_)
        need(len(classes) >= 3, "fewer than three classes")
        calibrated = []
        for each in model.calibrated_classifiers_:
            estimator = each.estimator
            need(type(estimator).__name__ == "LogisticRegression", "no LogisticRegression")
            need(list(each.classes) == list(classes), "calibrated classes differ")
            # LabelEncoder().fit(classes).transform(estimator.classes_)
            known = np.unique(classes)
            class_index = np.searchsorted(known, estimator.classes_)
            need((known[class_index] == estimator.classes_).all(), "unknown regression classes")
            a = [c.a_ for c in each.calibrators]
            b = [c.b_ for c in each.calibrators]
            need(
                all(type(x) is np.float64 for x in a + b),
                "sigmoid parameters that are not numpy float64 scalars",
            )
            need(len(a) == len(estimator.classes_) == estimator.coef_.shape[0], "calibrators")
            calibrated.append(
                Calibrated(
                    coef=estimator.coef_,
                    intercept=estimator.intercept_,
                    class_index=class_index.astype(np.int64),
                    a=np.array(a, dtype=np.float64),
                    b=np.array(b, dtype=np.float64),
                )
            )
    except UnsupportedPipeline:
        raise
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise UnsupportedPipeline(f"{type(exc).__name__}: {exc}") from exc
    runtime = Runtime(
        words=word_tfidf.fitted(),
        chars=char_tfidf.fitted(),
        classes=[str(c) for c in classes],
        calibrated=calibrated,
        model_sha256=model_sha256,
        concepts=spec,
    )
    try:
        runtime.check()
    except RuntimeFileError as exc:
        raise UnsupportedPipeline(str(exc)) from exc
    return runtime
