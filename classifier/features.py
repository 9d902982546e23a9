"""scikit-learn transformers that turn listing text into model input.

`TextNormalizer` folds disguised spellings (see normalize.py); `SpacyTokenizer`
splits normalised text into words (see tokens.py); `ConceptFeaturizer` finds the
policy concepts and signals (see concepts.py). All are stateless: the
work is done by plain functions that a prediction calls without scikit-learn
(runtime.py). Their class paths are stored in saved models: keep them here.
"""

from __future__ import annotations

from sklearn.base import BaseEstimator, TransformerMixin

from maskscreen.classifier.concepts import abstract, concept_features, matchers
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.tokens import (  # noqa: F401  (re-exported: older imports and the tests)
    NUMBER_TOKEN,
    _blank_pipeline,
    _chinese_words,
    _english_words,
    _token_strings,
    spacy_pipeline,
    token_texts,
    tokenize,
)


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Maps raw listing texts to their normalised form (stateless)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [normalize(text) for text in X]


class SpacyTokenizer(TransformerMixin, BaseEstimator):
    """Maps normalised texts to space-joined spaCy tokens (stateless).

    The output feeds a word-analyzer HashedTfidf (ngrams.py), which splits at
    spaces, so a word feature is exactly one spaCy token (or a pair of them for bigrams).
    """

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return token_texts(X)


class ConceptFeaturizer(TransformerMixin, BaseEstimator):
    """Maps normalised texts to binary policy-concept and signal features (see concepts.py).

    Stateless: `lexicon` (the training half of patterns/concepts.json) and `signals`
    (patterns/signals.json) are kept as text in the parameters, so a saved model matches
    the words it was trained with, whatever the files say later. `scale` multiplies the
    features against the TF-IDF rows (whose values are well below 1).
    """

    def __init__(
        self, lexicon: str = "", signals: str = "", scale: float = 1.0, interactions: int = 1
    ):
        self.lexicon = lexicon
        self.signals = signals
        self.scale = scale
        self.interactions = interactions

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        concepts, signals = matchers(self.lexicon, self.signals)
        # models saved before `interactions` existed have the first feature set
        interactions = getattr(self, "interactions", 1)
        return concept_features(list(X), concepts, signals, self.scale, interactions).matrix


class ConceptAbstracter(TransformerMixin, BaseEstimator):
    """Maps normalised texts to their concept-abstracted form: each word of the lexicon
    replaced by its concept's mark (concepts.abstract), before n-grams are taken.

    Stateless; `lexicon` and `signals` are the concept step's (runtime.py checks they are
    the same text), so prediction matches once and uses the matches for both.
    """

    def __init__(self, lexicon: str = "", signals: str = "", keep: bool = False):
        self.lexicon = lexicon
        self.signals = signals
        self.keep = keep  # the mark before each concept word, which stays

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        concepts, _ = matchers(self.lexicon, self.signals)
        keep = self.keep
        return [abstract(text, concepts.find(text), concepts.concepts, keep) for text in X]
