"""The trained model: load it safely, predict in batches, explain each verdict.

A model is two files side by side: `<name>.skops` (the scikit-learn pipeline,
saved with skops, loaded with an explicit list of trusted types) and
`metrics.json` (version, threshold, corpus hash, evaluation figures).
"""

from __future__ import annotations

import json
import re
import zipfile
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.zh.stop_words import STOP_WORDS as ZH_STOP_WORDS

from classifier.features import NUMBER_TOKEN, SpacyTokenizer, TextNormalizer
from classifier.normalize import listing_text
from classifier.signals import SignalMatcher, default_matcher
from classifier.spans import find_original
from classifier.verdict import LABELS, Verdict

logger = logging.getLogger(__name__)

MODEL_FILE = "model.skops"
METRICS_FILE = "metrics.json"
CARD_FILE = "MODEL.md"
# Types skops does not trust by itself: our two stateless transformers and
# scikit-learn's calibration internals. Anything else in a file is refused.
TRUSTED_TYPES = [
    "classifier.features.SpacyTokenizer",
    "classifier.features.TextNormalizer",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]
MAX_REASONS = 5
_STOP_WORDS = EN_STOP_WORDS | ZH_STOP_WORDS


class ModelError(Exception):
    """A model that is missing, unreadable or holds types we do not trust."""


def build_pipeline(seed: int = 0) -> Pipeline:
    """Normalise → spaCy words + character n-grams (TF-IDF) → calibrated linear model."""
    words = Pipeline(
        [
            ("tokens", SpacyTokenizer()),
            (
                "tfidf",
                TfidfVectorizer(
                    token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2),
                    min_df=2, sublinear_tf=True, dtype=np.float32,
                ),
            ),
        ]
    )
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), min_df=2, sublinear_tf=True,
        lowercase=False, max_features=80_000, dtype=np.float32,
    )
    # C and the n-gram ranges were chosen by cross-validation on the training split only.
    linear = LogisticRegression(C=128.0, class_weight="balanced", max_iter=5000, random_state=seed)
    return Pipeline(
        [
            ("normalize", TextNormalizer()),
            ("features", FeatureUnion([("words", words), ("chars", chars)])),
            ("model", CalibratedClassifierCV(linear, method="sigmoid", cv=5, ensemble=False)),
        ]
    )


_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_WORD_CHAR = re.compile(r"[^\W\d_]")


def script_of(text: str) -> str:
    """"zh" when Chinese characters make up at least a third of the letters, else "en"."""
    letters = len(_WORD_CHAR.findall(text))
    return "zh" if letters and len(_CJK_CHAR.findall(text)) * 3 >= letters else "en"


def _telling(phrase: str) -> bool:
    """Worth showing a reviewer: not a number, not only stop words, not one letter."""
    words = phrase.split()
    if NUMBER_TOKEN in words or all(w in _STOP_WORDS for w in words):
        return False
    return len(phrase) > 1 or not phrase.isascii()


def default_model_dir() -> Path:
    return Path(str(resources.files("classifier").joinpath("model")))


# Long texts are cut before anything reads them: the first MAX_TEXT_CHARS
# characters (title first, then the description) decide the verdict. Sellers put
# what they sell up front; a megabyte of padding must not cost a megabyte of work.
MAX_TEXT_CHARS = 5_000


def text_of(item: str | Mapping) -> str:
    """The text of one listing: a plain string, or a mapping with title/description,
    cut to MAX_TEXT_CHARS."""
    if isinstance(item, str):
        text = item
    else:
        title, description = item.get("title"), item.get("description")
        text = listing_text(title if isinstance(title, str) else None,
                            description if isinstance(description, str) else None)
    return text[:MAX_TEXT_CHARS]


@dataclass
class Model:
    pipeline: Pipeline
    metadata: dict
    matcher: SignalMatcher
    _weights: dict = field(default_factory=dict, init=False, repr=False)
    _names: np.ndarray | None = field(default=None, init=False, repr=False)

    @property
    def version(self) -> str:
        return self.metadata["model_version"]

    @property
    def threshold(self) -> float:
        """The overall threshold (for text in neither script's majority, and reports)."""
        return float(self.metadata["threshold"])

    def threshold_for(self, text: str) -> float:
        """The threshold for the text's script: chosen per language at training."""
        by_language = self.metadata.get("thresholds") or {}
        return float(by_language.get(script_of(text), self.threshold))

    def predict(self, items: Iterable[str | Mapping], explain: bool = True) -> list[Verdict]:
        """One verdict per listing, in order. Pass many listings per call: it is much faster."""
        texts = [text_of(item) for item in items]
        if not texts:
            return []
        normalized = self.pipeline.named_steps["normalize"].transform(texts)
        features = self.pipeline.named_steps["features"].transform(normalized)
        probabilities = self.pipeline.named_steps["model"].predict_proba(features)
        classes = list(self.pipeline.named_steps["model"].classes_)
        columns = [classes.index(label) for label in LABELS]
        benign = classes.index("benign")
        words = features[:, : len(self._word_names())].tocsr() if explain else None
        verdicts = []
        for row, (text, norm) in enumerate(zip(texts, normalized)):
            scores = {label: round(float(probabilities[row, c]), 4) for label, c in zip(LABELS, columns)}
            score = 1.0 - float(probabilities[row, benign])
            threshold = self.threshold_for(norm)
            flagged = score >= threshold
            label = max(LABELS[:-1], key=scores.__getitem__) if flagged else "benign"
            matches = self.matcher.find(norm)
            reasons = self._reasons(text, words, row, label, matches) if explain else []
            verdicts.append(
                Verdict(
                    label=label, score=round(score, 4), scores=scores, flagged=flagged,
                    signals=self.matcher.flags(matches), reasons=reasons,
                    model_version=self.version, threshold=threshold,
                    lexicon_version=self.matcher.version,
                )
            )
        return verdicts

    def _reasons(self, original: str, words, row: int, label: str, matches) -> list[str]:
        """Signal phrases first, then the words that moved the score, as the listing wrote them."""
        reasons: list[str] = []
        quoted: set[str] = set()
        for match in matches:
            found = find_original(original, match.text) or match.text
            reason = f"{match.signal.replace('_', ' ')}: {found!r}"
            if reason not in reasons:
                reasons.append(reason)
                quoted.add(found)
        for phrase in self.top_words(words, row, label):
            found = find_original(original, phrase)
            if found and not any(found in q or q in found for q in quoted):
                reasons.append(repr(found))
                quoted.add(found)
        return reasons[: MAX_REASONS + len(matches)]

    def top_words(self, words, row: int, label: str) -> list[str]:
        """Word features of one listing that pushed hardest towards `label`
        (or, for benign, away from the dangerous labels), strongest first."""
        start, end = words.indptr[row], words.indptr[row + 1]
        indices = words.indices[start:end]
        contributions = words.data[start:end] * self._word_weights(label)[indices]
        order = np.argsort(-contributions)[: MAX_REASONS + 2]
        names = self._word_names()
        return [
            names[indices[i]] for i in order
            if contributions[i] > 0 and _telling(names[indices[i]])
        ][:MAX_REASONS]

    def _word_names(self) -> np.ndarray:
        if self._names is None:
            union = self.pipeline.named_steps["features"]
            words = dict(union.transformer_list)["words"].named_steps["tfidf"]
            self._names = words.get_feature_names_out()
        return self._names

    def _word_weights(self, label: str) -> np.ndarray:
        cache = self._weights
        if label not in cache:
            calibrated = self.pipeline.named_steps["model"]
            classes = list(calibrated.classes_)
            coef = np.mean([c.estimator.coef_ for c in calibrated.calibrated_classifiers_], axis=0)
            benign = coef[classes.index("benign")]
            if label == "benign":
                towards = -np.max([coef[classes.index(l)] - benign for l in LABELS if l != "benign"], axis=0)
            else:
                towards = coef[classes.index(label)] - benign
            cache[label] = towards[: len(self._word_names())]
        return cache[label]


def save_model(pipeline: Pipeline, metadata: Mapping, directory: str | Path) -> Path:
    import skops.io

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    skops.io.dump(pipeline, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    (directory / METRICS_FILE).write_text(
        json.dumps(metadata, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    from classifier.card import model_card

    (directory / CARD_FILE).write_text(model_card(metadata), encoding="utf-8")
    return directory


def load_model(directory: str | Path | None = None, matcher: SignalMatcher | None = None) -> Model:
    """Load a model directory (default: the model shipped with maskscreen)."""
    import skops.io

    directory = Path(directory) if directory is not None else default_model_dir()
    model_path, metrics_path = directory / MODEL_FILE, directory / METRICS_FILE
    if not model_path.is_file() or not metrics_path.is_file():
        raise ModelError(f"no model in {directory} (expected {MODEL_FILE} and {METRICS_FILE}); run `maskscreen train`")
    try:
        untrusted = skops.io.get_untrusted_types(file=model_path)
        unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if unknown:
            raise ModelError(f"refusing to load {model_path}: untrusted types {', '.join(unknown)}")
        pipeline = skops.io.load(model_path, trusted=untrusted)
        metadata = json.loads(metrics_path.read_text("utf-8"))
    except ModelError:
        raise
    except Exception as exc:  # skops raises many kinds on a damaged file
        raise ModelError(f"cannot read model {model_path}: {exc}") from exc
    return Model(pipeline=pipeline, metadata=metadata, matcher=matcher or default_matcher())

