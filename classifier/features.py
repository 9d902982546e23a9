"""scikit-learn transformers that turn listing text into model input.

`TextNormalizer` folds disguised spellings (see normalize.py); `SpacyTokenizer`
splits normalised text into words with blank spaCy pipelines: the English
tokenizer for Latin text and the Chinese tokenizer with the jieba segmenter
(offline) for text with Chinese characters. Both keep their spaCy objects in a
module cache, never on the estimator, so a saved model holds no spaCy state.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

from sklearn.base import BaseEstimator, TransformerMixin

from classifier.normalize import normalize

logger = logging.getLogger(__name__)

_HAS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
NUMBER_TOKEN = "<num>"


class _FastJieba:
    """jieba's exact mode without the HMM pass for unknown words.

    The HMM guesses new words from character statistics; on short listing
    text it adds little and costs a third of the tokenizer's time (character
    n-grams cover the words it would have found). Where the compiled port
    jieba_fast_dat is installed (Linux x86-64) it does the same cut with the
    same dictionary about seven times faster.
    """

    def __init__(self, fallback):
        try:
            import jieba_fast_dat as segmenter

            segmenter.setLogLevel(logging.WARNING)
            segmenter.initialize()
        except ImportError:
            segmenter = fallback
        self._segmenter = segmenter

    def cut(self, text: str, cut_all: bool = False):
        return self._segmenter.cut(text, cut_all=cut_all, HMM=False)


@functools.lru_cache(maxsize=None)
def spacy_pipeline(language: str):
    """A blank spaCy pipeline, made once per process; nothing is downloaded."""
    import spacy

    if language == "zh":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        nlp.tokenizer.jieba_seg = _FastJieba(jieba)
        return nlp
    return spacy.blank(language)


def _token_strings(doc) -> list[str]:
    """The NORM of each word token; numbers become one placeholder.

    Reads token attributes as an array: building a Token object per token
    costs more than the segmentation itself.
    """
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, NORM

    strings = doc.vocab.strings
    words = []
    for is_space, is_punct, like_num, norm in doc.to_array([IS_SPACE, IS_PUNCT, LIKE_NUM, NORM]).tolist():
        if is_space or is_punct:
            continue
        words.append(NUMBER_TOKEN if like_num else strings[norm])
    return words


def tokenize(texts: Iterable[str]) -> list[list[str]]:
    """Words of each (already normalised) text, batched through spaCy."""
    texts = list(texts)
    out: list[list[str]] = [[] for _ in texts]
    groups: dict[str, list[int]] = {"en": [], "zh": []}
    for index, text in enumerate(texts):
        groups["zh" if _HAS_CJK.search(text) else "en"].append(index)
    for language, indices in groups.items():
        if not indices:
            continue
        nlp = spacy_pipeline(language)
        for index, doc in zip(indices, nlp.pipe(texts[i] for i in indices)):
            out[index] = _token_strings(doc)
    return out


class TextNormalizer(TransformerMixin, BaseEstimator):
    """Maps raw listing texts to their normalised form (stateless)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [normalize(text) for text in X]


class SpacyTokenizer(TransformerMixin, BaseEstimator):
    """Maps normalised texts to space-joined spaCy tokens (stateless).

    The output feeds a TfidfVectorizer with `token_pattern=r"\\S+"`, so a word
    feature is exactly one spaCy token (or a pair of them for bigrams).
    """

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return [" ".join(words) for words in tokenize(X)]
