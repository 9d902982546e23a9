"""The trained model: load it safely, predict in batches, explain each verdict.

A model is files side by side: `model.skops` (the scikit-learn pipeline, saved
with skops, loaded with an explicit list of trusted types: the source of
truth), `metrics.json` (version, threshold, corpus hash, evaluation figures)
and `runtime.npz` (the arrays prediction needs, derived from `model.skops`
and naming its sha256; see runtime.py). Loading reads `runtime.npz` when it
matches `model.skops`, so a prediction imports neither scikit-learn nor skops;
otherwise it loads `model.skops` and derives the same arrays from it.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from maskscreen.classifier import language as language_id
from maskscreen.classifier.evasion_head import HEAD_FILE, EvasionHead, HeadError, load_head
from maskscreen.classifier.normalize import listing_text
from maskscreen.classifier.runtime import (
    RUNTIME_FILE,
    SCORES,
    Runtime,
    RuntimeFileError,
    UnsupportedPipeline,
    check_calibration,
    danger,
    file_sha256,
    from_pipeline,
    needs_decisions,
)
from maskscreen.classifier.signals import SignalMatcher, default_matcher
from maskscreen.classifier.spans import find_original
from maskscreen.classifier.tokens import NUMBER_TOKEN, stop_words
from maskscreen.classifier.verdict import LABELS, Verdict

logger = logging.getLogger(__name__)

MODEL_FILE = "model.skops"
METRICS_FILE = "metrics.json"
CARD_FILE = "MODEL.md"
# Types skops does not trust by itself: our two stateless transformers, our
# TF-IDF (parameters and two numpy arrays) and scikit-learn's calibration
# internals. Anything else in a file is refused.
TRUSTED_TYPES = [
    "maskscreen.classifier.features.ConceptAbstracter",
    "maskscreen.classifier.features.ConceptFeaturizer",
    "maskscreen.classifier.features.SpacyTokenizer",
    "maskscreen.classifier.features.TextNormalizer",
    "maskscreen.classifier.ngrams.HashedTfidf",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
]
MAX_REASONS = 5
# Canary texts: at save time the pipeline's (scikit-learn's) one-vs-rest probabilities go into
# metrics.json; at load the runtime must give the same to CANARY_TOLERANCE, or the model is
# refused. A runtime.npz edited by hand (a coefficient, a threshold of a calibrator) while
# its recorded hash of model.skops is kept fails here. Both labels and several languages,
# so that every part of the features is exercised.
CANARIES = (
    "Realistic silicone old man mask, full head with neck, nobody will know",
    "Custom mask of your face made from 3 photos, wearable, fools face recognition",
    "Halloween latex zombie mask, cartoon monster costume",
    "Hydrating sheet face mask for skincare, 10 pack",
    "超逼真硅胶真人面具 全头套 可过人脸识别 加V信",
    "卡通动物面具 儿童派对 纸质",
    "リアルなシリコン製の人の顔マスク 頭部全体 見破られない",
    "Masque en latex réaliste visage humain, tête complète",
    "3D-Figur nach Ihrem Foto, Büste aus Kunststoff",
)
CANARY_TOLERANCE = 1e-6


class ModelError(Exception):
    """A model that is missing, unreadable or holds types we do not trust."""


# Runs, not single characters: counting the characters of a few runs is cheaper.
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")


def script_of(text: str) -> str:
    """'zh' when Chinese characters make up at least a third of the letters, else 'en'."""
    if text.isascii() or not _CJK_RUN.search(text):
        return "en"
    letters = sum(map(len, _LETTER_RUN.findall(text)))
    return "zh" if letters and sum(map(len, _CJK_RUN.findall(text))) * 3 >= letters else "en"


_MARK = re.compile("[\ue000-\uf8ff]")


@functools.lru_cache(maxsize=1 << 14)
def _telling(phrase: str) -> bool:
    """Worth showing a reviewer: not a number, not only stop words, not one letter, and no
    concept mark (concepts.abstract: not in the listing's text, so it could not be quoted)."""
    if _MARK.search(phrase):
        return False
    words = phrase.split()
    stops = stop_words()  # spaCy's, en and zh
    if NUMBER_TOKEN in words or all(w in stops for w in words):
        return False
    return len(phrase) > 1 or not phrase.isascii()


def _quote(original: str, phrase: str, quotes: dict[str, str | None]) -> str | None:
    """find_original(original, phrase), once for each phrase of a listing: a signal's match,
    a concept's word and a word n-gram are often the same phrase (about one call in eleven
    on the corpus). `quotes` belongs to one listing (`original`), so the saving never
    depends on listings repeating."""
    found = quotes.get(phrase, _UNQUOTED)
    if found is _UNQUOTED:
        found = quotes[phrase] = find_original(original, phrase)
    return found


_UNQUOTED = object()


@functools.lru_cache(maxsize=256)
def _spoken(name: str) -> str:
    """A signal's or concept's name as a reason writes it ("made_to_order": "made to order")."""
    return name.replace("_", " ")


@functools.lru_cache(maxsize=8)
def _rank_of(order: tuple[str, ...]):
    """The sort key that puts concepts in `order` (list.index, without the scan)."""
    return {concept: rank for rank, concept in reversed(list(enumerate(order)))}.__getitem__


# Words named in the reason of a verdict whose evasion claim the head alone found.
LEARNED_WORDS = 3
# The head weighs function words ("as a", "you will") that a reason would not show: the
# words are chosen among this many more of its strongest n-grams.
LEARNED_SPARE = 12


def _learned_reason(original: str, score, head_words, row: int, quotes) -> list[str]:
    """The reason of an evasion claim found by the learned head alone (`score` None: the
    patterns found it, or nothing did): its score and the listing's words that pushed it
    hardest, as the listing wrote them."""
    if score is None:
        return []
    words = [_quote(original, phrase, quotes) for phrase in head_words[row]]
    found = ", ".join(repr(w) for w in words if w)
    return [f"evasion claim (learned, {score:.2f}){': ' + found if found else ''}"]


def default_model_dir() -> Path:
    return Path(str(resources.files("maskscreen.classifier").joinpath("model")))


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
        text = listing_text(
            title if isinstance(title, str) else None,
            description if isinstance(description, str) else None,
        )
    return text[:MAX_TEXT_CHARS]


@dataclass
class Model:
    runtime: Runtime
    metadata: dict
    matcher: SignalMatcher
    source: Path | None = None  # the model.skops the runtime was derived from
    # the learned evasion detector (evasion_head.py); None: the patterns alone set the signal
    evasion_head: EvasionHead | None = None
    _pipeline: object = field(default=None, init=False, repr=False)
    _towards: np.ndarray | None = field(default=None, init=False, repr=False)
    _head_rows: tuple | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_pipeline(
        cls,
        pipeline,
        metadata: dict,
        matcher: SignalMatcher | None = None,
        evasion_head: EvasionHead | None = None,
    ):
        """A model of a fitted pipeline in memory (training evaluates one before saving it)."""
        runtime = _runtime_of(pipeline, "cannot predict with this pipeline")
        if matcher is None:
            matcher = runtime.concepts.matchers()[1] if runtime.concepts else default_matcher()
        model = cls(runtime=runtime, metadata=metadata, matcher=matcher, evasion_head=evasion_head)
        model._pipeline = pipeline
        return model

    @property
    def pipeline(self):
        """The scikit-learn pipeline (loaded from model.skops on first use: prediction
        does not need it)."""
        if self._pipeline is None:
            if self.source is None:
                raise ModelError("this model has no saved pipeline")
            if file_sha256(self.source) != self.runtime.model_sha256:
                raise ModelError(f"{self.source} has changed since the model was loaded")
            self._pipeline = _load_pipeline(self.source)
        return self._pipeline

    @property
    def version(self) -> str:
        return self.metadata["model_version"]

    @property
    def score_kind(self) -> str:
        """What the score is made of (runtime.danger); older models: the normalised one."""
        return self.metadata.get("score", "normalised")

    @property
    def threshold(self) -> float:
        """The overall threshold (for text in neither script's majority, and reports)."""
        return float(self.metadata["threshold"])

    def threshold_for(self, text: str, language: str | None = None) -> float:
        """The threshold for the listing's language (chosen per language at training where
        the data supported it; older models chose per script)."""
        by_language = self.metadata.get("thresholds") or {}
        if self.metadata.get("thresholds_by") != "language":
            language = script_of(text)
        return float(by_language.get(language, self.threshold))

    def predict(self, items: Iterable[str | Mapping], explain: bool = True) -> list[Verdict]:
        """One verdict per listing, in order. Pass many listings per call: it is much faster."""
        texts = [text_of(item) for item in items]
        if not texts:
            return []
        # The pipeline's steps without scikit-learn, keeping the word n-grams for the reasons.
        features = self.runtime.featurize(texts)
        normalized = features.normalized
        kind, matrix = self.score_kind, features.matrix
        if needs_decisions(kind):
            one_vs_rest, decisions = self.runtime.one_vs_rest_and_decisions(matrix)
        else:
            one_vs_rest, decisions = self.runtime.one_vs_rest(matrix), None
        danger_scores, per_label = danger(
            one_vs_rest,
            self.runtime.classes,
            kind,
            decisions,
            self.metadata.get("score_calibration"),
        )
        found_languages = language_id.identify(normalized)
        thresholds = self._thresholds(normalized, found_languages)
        head_scores, head_hits = (
            self.evasion_head.fires(matrix) if self.evasion_head is not None else (None, None)
        )
        # the words behind the head's hits (only the rows it fires on are read)
        head_words = (
            self._strongest_words(
                features.words,
                features.word_ngrams,
                features.word_columns,
                self._head_weights(),
                head_hits.astype(np.intp),
                LEARNED_WORDS,
                spare=LEARNED_SPARE,
            )
            if explain and head_hits is not None and head_hits.any()
            else None
        )
        labels = []
        rows = []
        # as Python floats once (tolist gives float(x) of each element): not row by row
        dangerous, fours = LABELS[:-1], itertools.repeat(4)
        for per_row, score, threshold in zip(
            per_label.tolist(), danger_scores.tolist(), thresholds, strict=True
        ):
            scores = dict(zip(LABELS, map(round, per_row, fours), strict=True))
            flagged = score >= threshold
            label = max(dangerous, key=scores.__getitem__) if flagged else "benign"
            labels.append(label)
            rows.append((label, round(score, 4), scores, flagged, threshold))
        phrases = (
            self._top_words(features.words, features.word_ngrams, features.word_columns, labels)
            if explain
            else None
        )
        pinned = self.runtime.concepts is not None and self.matcher is self._pinned_matcher()
        found_signals = features.signals if pinned and features.signals is not None else None
        found_concepts = features.concepts
        rank = _rank_of(self._concept_matcher().concepts) if found_concepts else None
        # the same for every listing of the batch: looked up once
        version, lexicon_version = self.version, self.lexicon_version
        model_sha256 = self.runtime.model_sha256 or ""
        flags, find = self.matcher.flags, self.matcher.find
        unflagged = flags([])  # most listings: no signal (copied, as each verdict owns its dict)
        supported = {language: language_id.supported(language) for language in found_languages}
        verdicts = []
        for row, (label, score, scores, flagged, threshold) in enumerate(rows):
            # found already, by the same patterns, when the matcher is the model's own
            matches = found_signals[row] if found_signals is not None else find(normalized[row])
            signals = flags(matches) if matches else unflagged.copy()
            learned = None  # the head's score where it alone sets evasion_claim
            if head_hits is not None and head_hits[row] and not signals["evasion_claim"]:
                signals["evasion_claim"] = True
                learned = float(head_scores[row])
            quotes: dict[str, str | None] = {}  # this listing's phrases quoted so far
            concepts = (
                self._concepts(texts[row], found_concepts[row], rank, quotes)
                if found_concepts
                else {}
            )
            language = found_languages[row]
            verdicts.append(
                Verdict(
                    label,
                    score,
                    scores,
                    flagged,
                    signals,
                    _learned_reason(texts[row], learned, head_words, row, quotes)
                    + self._reasons(texts[row], phrases[row], matches, concepts, quotes)
                    if explain
                    else [],
                    version,
                    threshold,
                    lexicon_version,
                    concepts,
                    language,
                    supported[language],
                    model_sha256,
                )
            )
        return verdicts

    def _thresholds(self, normalized: list[str], languages: list[str]) -> list[float]:
        """threshold_for each listing of a batch, the model's settings looked up once."""
        if self.metadata.get("thresholds_by") != "language":
            return [self.threshold_for(norm) for norm in normalized]
        by_language = self.metadata.get("thresholds") or {}
        overall = self.threshold
        return [float(by_language.get(language, overall)) for language in languages]

    @property
    def lexicon_version(self) -> str:
        """The signal patterns' version, and the concept lexicon's where the model has one."""
        if self.runtime.concepts is None:
            return self.matcher.version
        return f"{self.matcher.version}+{self._concept_matcher().version}"

    def _pinned_matcher(self) -> SignalMatcher | None:
        return self.runtime.concepts.matchers()[1] if self.runtime.concepts else None

    def _concept_matcher(self):
        return self.runtime.concepts.matchers()[0]

    def _concepts(self, original: str, matches, rank, quotes) -> dict[str, list[str]]:
        """Each concept found, with the listing's own word for it (the first: quoting a word
        in the original text is most of the cost of this step)."""
        if not matches:
            return {}
        texts: dict[str, list[str]] = {}
        for match in matches:
            texts.setdefault(match.concept, [match.text])
        return {
            concept: [_quote(original, text, quotes) or text for text in texts[concept]]
            for concept in sorted(texts, key=rank)
        }

    def _reasons(self, original: str, phrases: list[str], matches, concepts, quotes) -> list[str]:
        """Signal phrases first, then the policy concepts, then the words that moved the
        score, as the listing wrote them (`quotes`: the phrases of this listing quoted
        already, by `_concepts`, and their quotes)."""
        reasons: list[str] = []
        quoted: set[str] = set()
        for match in matches:
            found = _quote(original, match.text, quotes) or match.text
            reason = f"{_spoken(match.signal)}: {found!r}"
            if reason not in reasons:
                reasons.append(reason)
                quoted.add(found)
        for concept, words in concepts.items():
            reasons.append(f"{_spoken(concept)}: {words[0]!r}")
            quoted.update(words)
        for phrase in phrases:
            found = _quote(original, phrase, quotes)
            if found:
                for q in quoted:  # (a loop: `any` of a generator cost twice as much)
                    if found in q or q in found:
                        break
                else:  # within no phrase quoted already, nor holding one
                    reasons.append(repr(found))
                    quoted.add(found)
        return reasons[: MAX_REASONS + len(matches) + len(concepts or {})]

    def _top_words(
        self, words: sp.csr_matrix, ngrams, columns: np.ndarray, labels: list[str]
    ) -> list[list[str]]:
        """For each listing, the word n-grams that pushed hardest towards its label (or, for
        benign, away from the dangerous labels), strongest first, as normalised text.

        Contributions (TF-IDF value x coefficient difference) are computed for the whole
        batch at once; only the few strongest of each listing are turned back into text.
        """
        label_of_row = np.array([LABELS.index(label) for label in labels])
        return self._strongest_words(
            words, ngrams, columns, self._towards_weights(), label_of_row, MAX_REASONS
        )

    @staticmethod
    def _strongest_words(
        words: sp.csr_matrix,
        ngrams,
        columns: np.ndarray,
        weights: np.ndarray,
        kind_of_row: np.ndarray,
        limit: int,
        spare: int = 2,
    ) -> list[list[str]]:
        """For each listing, up to `limit` word n-grams with the largest positive
        contribution (TF-IDF value x `weights[kind_of_row[listing]]`), strongest first,
        among the `limit + spare` strongest (the others are stop words, numbers, marks)."""
        row_of = np.repeat(np.arange(words.shape[0]), np.diff(words.indptr))
        contributions = words.data * weights[kind_of_row[row_of], words.indices]
        # By listing, strongest first (ties in column order): two stable sorts of the
        # positive contributions only, the second on small row numbers (a radix sort).
        order = np.flatnonzero(contributions > 0)
        order = order[np.argsort(-contributions[order], kind="stable")]
        rows = row_of[order]
        if words.shape[0] <= 1 << 16:
            rows = rows.astype(np.uint16)
        order = order[np.argsort(rows, kind="stable")]
        rows = row_of[order]
        rank = np.arange(len(order)) - np.searchsorted(rows, rows)
        chosen = order[rank < limit + spare]
        # The first occurrence in each listing of each chosen column names it.
        known = np.flatnonzero(columns >= 0)
        width = max(words.shape[1], 1)
        occurrence_keys = ngrams.doc[known] * width + columns[known]
        keys, first = np.unique(occurrence_keys, return_index=True)
        where = known[first[np.searchsorted(keys, row_of[chosen] * width + words.indices[chosen])]]
        out: list[list[str]] = [[] for _ in range(words.shape[0])]
        joined = ngrams.joined
        for row, start, end in zip(
            row_of[chosen].tolist(),
            ngrams.start[where].tolist(),
            ngrams.end[where].tolist(),
            strict=False,
        ):
            words = out[row]
            if len(words) < limit and _telling(phrase := joined[start:end]):
                words.append(phrase)
        return out

    def _head_weights(self) -> np.ndarray:
        """Two rows over the word columns: zeros (rows the head does not fire on), then the
        evasion head's weights."""
        head = self.evasion_head
        if self._head_rows is None or self._head_rows[0] is not head:
            coef = head.coef[: len(self.runtime.words)]
            self._head_rows = (head, np.vstack([np.zeros_like(coef), coef]))
        return self._head_rows[1]

    def _towards_weights(self) -> np.ndarray:
        """Per label (rows in LABELS order), how much each word column moves a listing towards it."""
        if self._towards is None:
            classes = self.runtime.classes
            coef = self.runtime.word_coef()
            benign = coef[classes.index("benign")]
            dangerous = [
                coef[classes.index(label)] - benign for label in LABELS if label != "benign"
            ]
            self._towards = np.array(
                [
                    -np.max(dangerous, axis=0)
                    if label == "benign"
                    else coef[classes.index(label)] - benign
                    for label in LABELS
                ]
            )
        return self._towards


def save_model(
    pipeline, metadata: Mapping, directory: str | Path, evasion_head: EvasionHead | None = None
) -> Path:
    """Write model.skops, its runtime.npz, the evasion head (if any: metadata's
    "evasion_head" entry records its digest), metrics.json and the model card."""
    import skops.io

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    # Before writing anything: refuse what cannot run.
    runtime = _runtime_of(pipeline, "cannot save a pipeline maskscreen cannot predict with")
    recorded = metadata.get("evasion_head")
    if (evasion_head is None) != (not recorded) or (
        evasion_head is not None and recorded.get("sha256") != evasion_head.digest()
    ):
        raise ModelError("cannot save: the evasion head is not the one the metadata records")
    metadata = {
        **metadata,
        "canaries": _canaries_of(pipeline, runtime),
        "runtime_sha256": runtime.digest(),
    }
    skops.io.dump(
        pipeline, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9
    )
    runtime.model_sha256 = file_sha256(directory / MODEL_FILE)
    runtime.save(directory / RUNTIME_FILE)
    if evasion_head is not None:
        evasion_head.save(directory / HEAD_FILE)
    else:
        (directory / HEAD_FILE).unlink(missing_ok=True)  # a previous model's, in the same place
    (directory / METRICS_FILE).write_text(
        json.dumps(metadata, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
    )
    from maskscreen.classifier.card import model_card

    (directory / CARD_FILE).write_text(model_card(metadata), encoding="utf-8")
    return directory


def pipeline_one_vs_rest(pipeline, texts: list[str]) -> np.ndarray:
    """Each class's calibrated sigmoid for `texts` (columns in the order of the pipeline's
    classes), computed by scikit-learn's own objects: CalibratedClassifierCV.predict_proba
    stopped before its multiclass normalisation (the score is made of these: runtime.danger).
    Runtime.one_vs_rest gives the same to the last bit."""
    return pipeline_outputs(pipeline, texts)[0]


def pipeline_outputs(pipeline, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """pipeline_one_vs_rest and the raw decisions of the regression (each the mean over the
    calibrated classifiers, columns in the pipeline's classes order; Runtime.decisions),
    from one featurisation."""
    from sklearn.preprocessing import LabelEncoder

    features = texts
    for _, step in pipeline.steps[:-1]:  # as Pipeline.predict_proba does
        features = step.transform(features)
    model = pipeline.named_steps["model"]
    mean = np.zeros((features.shape[0], len(model.classes_)))
    raw = np.zeros_like(mean)
    for calibrated in model.calibrated_classifiers_:
        decisions = calibrated.estimator.decision_function(features)
        columns = LabelEncoder().fit(calibrated.classes).transform(calibrated.estimator.classes_)
        proba = np.zeros_like(mean)
        for column, decision, calibrator in zip(
            columns, decisions.T, calibrated.calibrators, strict=True
        ):
            proba[:, column] = calibrator.predict(decision)
            raw[:, column] += decision
        mean += proba
    mean /= len(model.calibrated_classifiers_)
    raw /= len(model.calibrated_classifiers_)
    return mean, raw


def _canaries_of(pipeline, runtime: Runtime) -> dict:
    """The canary texts and the pipeline's one-vs-rest probabilities for them (columns in
    the order of `classes`), after checking that the runtime gives the same."""
    texts = list(CANARIES)
    probabilities = pipeline_one_vs_rest(pipeline, texts)
    classes = [str(c) for c in pipeline.classes_]
    if classes != runtime.classes:
        raise ModelError(f"cannot save: the runtime's classes {runtime.classes} are not {classes}")
    canaries = {"texts": texts, "classes": classes, "one_vs_rest": probabilities.tolist()}
    _check_canaries(runtime, canaries, "pipeline")
    return canaries


def _check_runtime(runtime: Runtime, metadata: dict, where: str) -> None:
    """ModelError unless the runtime is the one recorded in metrics.json at save time: the
    digest of its arrays (any edit of a number shows), then the canaries' probabilities
    (the arithmetic still gives what scikit-learn gave)."""
    recorded = metadata.get("runtime_sha256")
    if not isinstance(recorded, str):
        raise ModelError(
            f"{where}: no runtime digest in {METRICS_FILE}; remake the model with `maskscreen train`"
        )
    if runtime.digest() != recorded:
        raise ModelError(
            f"{where} is not the runtime recorded in {METRICS_FILE} (its arrays were altered "
            "or damaged): refusing to use it (remake it: maskscreen model runtime DIR, or retrain)"
        )
    # The canaries cost a featurisation of texts in five languages (every pattern compiled,
    # both tokenizers loaded): once per runtime, recorded canaries and maskscreen version on
    # this machine, remembered by an empty file named by their hash in the user cache.
    stamp = _canary_stamp(recorded, metadata.get("canaries"))
    if stamp is not None and stamp.is_file():
        return
    _check_canaries(runtime, metadata.get("canaries"), where)
    if stamp is not None:
        try:
            stamp.parent.mkdir(parents=True, exist_ok=True)
            stamp.touch()
        except OSError:
            pass  # a read-only home: the check runs again next time


def _canary_stamp(digest: str, canaries) -> Path | None:
    """Where a passed canary check is remembered (None: nowhere to remember it)."""
    import hashlib
    from importlib import metadata as package_metadata

    try:
        import platformdirs

        version = package_metadata.version("maskscreen")
        key = json.dumps([digest, canaries, version, np.__version__], sort_keys=True)
    except (ImportError, package_metadata.PackageNotFoundError, TypeError, ValueError):
        return None
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return Path(platformdirs.user_cache_dir("maskscreen")) / "canaries-passed" / name


def _check_canaries(runtime: Runtime, canaries, where: str) -> None:
    """ModelError unless the runtime's one-vs-rest probabilities for the recorded canary
    texts are the recorded ones (to CANARY_TOLERANCE). A model recorded before the score
    was made of them (its canaries are normalised "probabilities") has none."""
    try:
        texts = [str(t) for t in canaries["texts"]]
        recorded = np.asarray(canaries["one_vs_rest"], dtype=np.float64)
        classes = [str(c) for c in canaries["classes"]]
        ok = len(texts) >= 2 and recorded.shape == (len(texts), len(classes))
    except (KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        raise ModelError(
            f"{where}: no usable canary probabilities in {METRICS_FILE}; "
            "remake the model with `maskscreen train`"
        )
    if classes != runtime.classes:
        raise ModelError(f"{where}: its classes {runtime.classes} are not the recorded {classes}")
    got = runtime.one_vs_rest(runtime.featurize(texts).matrix)
    worst = float(np.max(np.abs(got - recorded)))
    if not worst <= CANARY_TOLERANCE:  # NaN fails too
        raise ModelError(
            f"{where} does not reproduce the model's recorded probabilities "
            f"(off by {worst:.2g} on a canary text): the file was altered or damaged; "
            "refusing to use it (remake it: maskscreen model runtime DIR, or retrain)"
        )


def write_runtime(directory: str | Path) -> Path:
    """(Re)write runtime.npz from the model.skops beside it; model.skops is not touched."""
    model_path = Path(directory) / MODEL_FILE
    if not model_path.is_file():
        raise ModelError(f"no {MODEL_FILE} in {directory}")
    sha256 = file_sha256(model_path)
    runtime = _runtime_of(
        _load_pipeline(model_path), f"{model_path} is not a model maskscreen can run", sha256
    )
    return runtime.save(model_path.with_name(RUNTIME_FILE))


def _runtime_of(pipeline, refusal: str, sha256: str | None = None) -> Runtime:
    """The runtime form of ``pipeline``; ModelError ("<refusal>: <why>") if it has none."""
    try:
        return from_pipeline(pipeline, sha256)
    except UnsupportedPipeline as exc:
        raise ModelError(f"{refusal}: {exc}") from exc


def _current_layout(pipeline) -> bool:
    """The steps of a current model are there, with hashed vocabularies (not an older
    maskscreen's TfidfVectorizer). runtime.from_pipeline checks the rest."""
    from maskscreen.classifier.ngrams import HashedTfidf

    try:
        union = dict(pipeline.named_steps["features"].transformer_list)
        chars = union["chars"]
        if hasattr(chars, "named_steps"):  # concept abstraction before the n-grams
            chars = chars.named_steps["tfidf"]
        vectorizers = (union["words"].named_steps["tfidf"], chars)
        return (
            "normalize" in pipeline.named_steps
            and "model" in pipeline.named_steps
            and all(isinstance(v, HashedTfidf) for v in vectorizers)
        )
    except (AttributeError, KeyError, TypeError):
        return False


def _load_pipeline(model_path: Path):
    """The pipeline in model.skops, if it holds only trusted types and the current layout."""
    import skops.io

    try:
        untrusted = skops.io.get_untrusted_types(file=model_path)
        unknown = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if unknown:
            raise ModelError(f"refusing to load {model_path}: untrusted types {', '.join(unknown)}")
        pipeline = skops.io.load(model_path, trusted=untrusted)
    except ModelError:
        raise
    except Exception as exc:  # skops raises many kinds on a damaged file
        raise ModelError(f"cannot read model {model_path}: {exc}") from exc
    if not _current_layout(pipeline):
        raise ModelError(
            f"{model_path} was made by an older maskscreen: run `maskscreen train` again"
        )
    return pipeline


def _matching_runtime(runtime_path: Path, model_path: Path, sha256: str) -> Runtime | None:
    """The runtime file, if it is readable and was derived from this model.skops."""
    if not runtime_path.is_file():
        logger.info("no %s beside %s: loading the pipeline instead", RUNTIME_FILE, model_path)
        return None
    try:
        runtime = Runtime.load(runtime_path)
    except RuntimeFileError as exc:
        logger.warning(
            "ignoring damaged %s (%s): loading %s instead", runtime_path, exc, model_path
        )
        return None
    if runtime.model_sha256 != sha256:
        logger.warning(
            "ignoring %s: it was made from another %s; loading that instead "
            "(remake it: maskscreen model runtime %s)",
            runtime_path,
            MODEL_FILE,
            model_path.parent,
        )
        return None
    return runtime


def load_model(
    directory: str | Path | None = None,
    matcher: SignalMatcher | None = None,
    preload_language: bool = True,
) -> Model:
    """Load a model directory (default: the model shipped with maskscreen).

    The language identifier starts loading in the background unless `preload_language` is
    false (a one-off check of text whose script decides its language never needs it)."""
    directory = Path(directory) if directory is not None else default_model_dir()
    model_path, metrics_path = directory / MODEL_FILE, directory / METRICS_FILE
    if not model_path.is_file() or not metrics_path.is_file():
        raise ModelError(
            f"no model in {directory} (expected {MODEL_FILE} and {METRICS_FILE}); run `maskscreen train`"
        )
    try:
        metadata = json.loads(metrics_path.read_text("utf-8"))
        sha256 = file_sha256(model_path)
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read model {directory}: {exc}") from exc
    if not isinstance(metadata, dict):
        raise ModelError(f"cannot read model {directory}: {METRICS_FILE} is not a JSON object")
    if metadata.get("score", "normalised") not in SCORES:
        raise ModelError(
            f"cannot read model {directory}: unknown score {metadata['score']!r} in {METRICS_FILE}"
        )
    try:
        check_calibration(metadata.get("score", "normalised"), metadata.get("score_calibration"))
    except ValueError as exc:
        raise ModelError(f"cannot read model {directory}: {exc} in {METRICS_FILE}") from exc
    runtime = _matching_runtime(directory / RUNTIME_FILE, model_path, sha256)
    pipeline = None
    if runtime is None:
        pipeline = _load_pipeline(model_path)
        runtime = _runtime_of(pipeline, f"{model_path} is not a model maskscreen can run", sha256)
        _check_runtime(runtime, metadata, f"model {model_path}")
    else:
        _check_runtime(runtime, metadata, f"model {directory / RUNTIME_FILE}")
    try:
        head = load_head(
            directory, metadata.get("evasion_head"), runtime.calibrated[0].coef.shape[1]
        )
    except HeadError as exc:
        raise ModelError(f"cannot read model {directory}: {exc}") from exc
    if matcher is None:
        # the patterns the model was trained with, where it keeps them
        matcher = runtime.concepts.matchers()[1] if runtime.concepts else default_matcher()
    if preload_language:
        language_id.preload()  # in the background: see language.py
    model = Model(
        runtime=runtime, metadata=metadata, matcher=matcher, source=model_path, evasion_head=head
    )
    model._pipeline = pipeline
    return model
