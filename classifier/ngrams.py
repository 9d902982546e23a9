"""TF-IDF over character or word n-grams whose vocabulary is an array of hashes.

scikit-learn's TfidfVectorizer builds every n-gram as a Python string and looks
it up in a dict: most of the classifier's time went there, and the saved
vocabularies (one JSON entry per n-gram) made the model slow to load.
`HashedTfidf` learns two arrays instead: `vocabulary_` (the 64-bit hashes of the
n-grams kept by `min_df` and `max_features`, one a column, in the order of the
n-grams' text) and `idf_`. The hashing and the TF-IDF arithmetic live in
hashing.py, free of scikit-learn, so that a prediction never imports it; this
module is the estimator that fits them (its class path is stored in saved models).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from maskscreen.classifier.hashing import (  # noqa: F401  (re-exported: older imports and the tests)
    _POWERS,
    ANALYZERS,
    HashedVocabulary,
    Ngrams,
    _codepoints,
    _HashTable,
    _mix,
    analyze,
    char_wb_ngrams,
    word_ngrams,
)


class HashedTfidf(TransformerMixin, BaseEstimator):
    """TF-IDF (smooth idf, optional sublinear tf, L2 rows) whose vocabulary is an array of hashes."""

    def __init__(
        self,
        analyzer: str = "word",
        ngram_range: tuple[int, int] = (1, 1),
        min_df: int = 1,
        max_features: int | None = None,
        sublinear_tf: bool = True,
    ):
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.sublinear_tf = sublinear_tf

    def analyze(self, texts, positions: bool = True) -> Ngrams:
        return analyze(self.analyzer, texts, self.ngram_range, positions)

    def fit(self, X, y=None):
        ngrams = self.analyze(X)
        n_docs = len(X)
        pairs = np.unique(np.stack([ngrams.hash, ngrams.doc.astype(np.uint64)]), axis=1)
        hashes, df = np.unique(pairs[0], return_counts=True)
        keep = df >= self.min_df
        if self.max_features is not None and keep.sum() > self.max_features:
            all_hashes, tf = np.unique(ngrams.hash, return_counts=True)
            tf = tf[np.searchsorted(all_hashes, hashes)]
            # the most frequent n-grams, ties by hash (sorted already): a fixed choice
            order = np.argsort(np.where(keep, -tf, 1), kind="stable")[: self.max_features]
            keep = np.zeros_like(keep)
            keep[order] = True
        # Columns in the order of the n-grams' text, as scikit-learn orders its
        # vocabulary: the same matrix, column for column, fits the same model.
        kept = np.flatnonzero(keep)
        _, first = np.unique(ngrams.hash, return_index=True)  # hashes are sorted the same way
        text = [
            ngrams.joined[start:end]
            for start, end in zip(
                ngrams.start[first[kept]].tolist(), ngrams.end[first[kept]].tolist(), strict=False
            )
        ]
        order = kept[sorted(range(len(kept)), key=text.__getitem__)]
        self.vocabulary_ = hashes[order]
        self.idf_ = (np.log((1 + n_docs) / (1 + df[order])) + 1).astype(np.float32)
        self._fitted = None
        return self

    def fitted(self) -> HashedVocabulary:
        """What was learned, as the scikit-learn-free vocabulary that computes the rows."""
        if getattr(self, "_fitted", None) is None:
            self._fitted = HashedVocabulary(
                analyzer=self.analyzer,
                ngram_range=tuple(self.ngram_range),
                sublinear_tf=bool(self.sublinear_tf),
                hashes=self.vocabulary_,
                idf=self.idf_,
            )
        return self._fitted

    def locate(self, ngrams: Ngrams) -> np.ndarray:
        """The column of each n-gram occurrence, -1 for n-grams outside the vocabulary."""
        return self.fitted().locate(ngrams)

    def matrix(
        self, ngrams: Ngrams, n_docs: int, column: np.ndarray | None = None
    ) -> sp.csr_matrix:
        """The TF-IDF rows of a batch from its analysed n-grams (and their columns, if located)."""
        return self.fitted().matrix(ngrams, n_docs, column)

    def transform(self, X):
        return self.fitted().transform(X)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"{self.analyzer}:{h:016x}" for h in self.vocabulary_], dtype=object)

    def __getstate__(self):
        state = super().__getstate__()
        for cache in ("_fitted", "_table"):  # rebuilt on first use: never saved
            state.pop(cache, None)
        return state
