"""Hashed TF-IDF: the same numbers as scikit-learn's TfidfVectorizer, saved as two arrays."""

import numpy as np
import pytest
import skops.io
from sklearn.feature_extraction.text import TfidfVectorizer

from maskscreen.classifier.features import SpacyTokenizer
from maskscreen.classifier.model import TRUSTED_TYPES
from maskscreen.classifier.ngrams import HashedTfidf, char_wb_ngrams
from maskscreen.classifier.normalize import normalize

TEXTS = [
    "Realistic silicone old man mask, full head",
    "realistic silicone female mask",
    "hydrating sheet mask 10 pack",
    "按照片定制 真人面具 加v信",
    "硅胶面具 真人 老人 头套",
    "cpr training manikin adult",
    "a",
    "",
    "x y silicone head",
    "硅胶面具 逼真 mask",
]


def _sklearn(analyzer):
    extra = {"token_pattern": r"\S+"} if analyzer == "word" else {}
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=(1, 2) if analyzer == "word" else (1, 4),
        min_df=2,
        sublinear_tf=True,
        lowercase=False,
        dtype=np.float32,
        **extra,
    )


@pytest.mark.parametrize("analyzer", ["word", "char_wb"])
def test_same_matrix_as_scikit_learn_column_for_column(analyzer):
    texts = [normalize(t) for t in TEXTS]
    if analyzer == "word":
        texts = SpacyTokenizer().transform(texts)
    expected = _sklearn(analyzer).fit(texts)
    ours = HashedTfidf(analyzer=analyzer, ngram_range=expected.ngram_range, min_df=2).fit(texts)
    assert len(ours.vocabulary_) == len(expected.vocabulary_)
    np.testing.assert_allclose(ours.idf_, expected.idf_, rtol=1e-6)
    difference = abs(ours.transform(texts) - expected.transform(texts))
    assert difference.max() < 1e-6
    unseen = ["silicone mask 硅胶 new words here"]
    assert abs(ours.transform(unseen) - expected.transform(unseen)).max() < 1e-6


def test_char_ngrams_stay_inside_padded_words():
    ngrams = char_wb_ngrams(["ab c"], (1, 4))
    found = sorted(ngrams.joined[s:e] for s, e in zip(ngrams.start, ngrams.end, strict=False))
    analyzer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 4), lowercase=False
    ).build_analyzer()
    assert found == sorted(analyzer("ab c"))


def test_max_features_keeps_the_most_frequent():
    texts = ["aa aa aa bb", "aa bb cc", "cc dd"]
    vectorizer = HashedTfidf(analyzer="word", ngram_range=(1, 1), max_features=2).fit(texts)
    assert vectorizer.transform(["aa bb cc dd"]).nnz == 2


def test_save_and_load_give_the_same_numbers(tmp_path):
    texts = [normalize(t) for t in TEXTS]
    vectorizer = HashedTfidf(analyzer="char_wb", ngram_range=(1, 4), min_df=2).fit(texts)
    path = tmp_path / "v.skops"
    skops.io.dump(vectorizer, path)
    untrusted = skops.io.get_untrusted_types(file=path)
    assert set(untrusted) <= set(TRUSTED_TYPES)
    loaded = skops.io.load(path, trusted=untrusted)
    assert loaded.vocabulary_.dtype == np.uint64
    assert (loaded.transform(texts) != vectorizer.transform(texts)).nnz == 0
