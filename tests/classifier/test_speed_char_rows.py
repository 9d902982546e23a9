"""The character TF-IDF rows counted without a sort (hashing.HashedVocabulary.transform for
"char_wb", by way of char_wb_by_text and two CSR/CSC conversions) are the plain rows
(`matrix(analyze(texts))`) array for array, dtype for dtype: for the shipped model's
vocabulary on the whole training material and the behavioural cases, normalised and as the
model's n-grams see them (concept marks put in), in batches of several sizes; and for small
vocabularies, with and without sublinear tf, on edge cases."""

import numpy as np
import pytest

from maskscreen.classifier import hashing
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.concepts import abstract
from maskscreen.classifier.model import load_model
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.train import training_material

EDGES = [
    "",
    " ",
    "a",
    "\t\n",
    "x" * 5000,
    "a b  c\u3000d",
    "硅胶面具 silicone 面具 mask",
    "\0 a\0b \0",
    "\ue001 mask \ue001",
    "ab ab ab ab ab ab",
]


def assert_same_rows(got, plain):
    assert got.shape == plain.shape
    for name in ("data", "indices", "indptr"):
        a, b = getattr(got, name), getattr(plain, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


def plain_rows(vocabulary, texts):
    return vocabulary.matrix(vocabulary.analyze(texts, positions=False), len(texts))


def assert_plain(vocabulary, texts):
    """transform (which takes the key sort for small batches) and the counting path itself."""
    plain = plain_rows(vocabulary, texts)
    assert_same_rows(vocabulary.transform(texts), plain)
    assert_same_rows(vocabulary._char_rows(list(texts)), plain)


@pytest.fixture(scope="module")
def model_texts():
    model = load_model()
    texts = [e.text for e in training_material()]
    texts += [text for case in generate() for text in case.texts]
    normalized = [normalize(text) for text in texts]
    spec = model.runtime.concepts
    concepts, _ = spec.matchers()
    marked = [
        abstract(text, concepts.find(text), concepts.concepts, spec.keep) for text in normalized
    ]
    return model.runtime.chars, normalized, marked


@pytest.mark.parametrize("batch", [1, 7, 1000])
def test_char_rows_are_the_plain_rows_on_the_material(model_texts, batch):
    vocabulary, normalized, marked = model_texts
    assert vocabulary.analyzer == "char_wb"
    texts = normalized + marked + EDGES
    step = 23 if batch == 1 else 1  # one text a call: a sample (every 23rd)
    starts = range(0, len(texts), batch * step)
    for start in starts:
        chunk = texts[start : start + batch]
        assert_plain(vocabulary, chunk)


@pytest.mark.parametrize("sublinear", [False, True])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 4), (2, 5), (3, 3)])
def test_char_rows_of_small_vocabularies(sublinear, ngram_range):
    texts = [normalize(e.text) for e in training_material()[:300]] + EDGES
    grams = hashing.char_wb_ngrams(texts, ngram_range, positions=False)
    kept = np.unique(grams.hash)[::3]  # a third of the n-grams: many outside the vocabulary
    idf = np.random.default_rng(len(kept)).uniform(1, 5, len(kept)).astype(np.float32)
    vocabulary = hashing.HashedVocabulary("char_wb", ngram_range, sublinear, kept, idf)
    assert_plain(vocabulary, texts)
    assert_plain(vocabulary, EDGES[:2])
    assert_plain(vocabulary, [])


def test_empty_vocabulary():
    vocabulary = hashing.HashedVocabulary(
        "char_wb", (1, 3), True, np.zeros(0, np.uint64), np.zeros(0, np.float32)
    )
    assert_plain(vocabulary, EDGES)


def test_by_text_holds_each_texts_ngrams():
    texts = [normalize(e.text) for e in training_material()[:200]] + EDGES
    hashes, indptr = hashing.char_wb_by_text(texts, (1, 4))
    grams = hashing.char_wb_ngrams(texts, (1, 4), positions=False)
    assert len(indptr) == len(texts) + 1 and indptr[-1] == len(hashes)
    for i in range(len(texts)):
        np.testing.assert_array_equal(
            np.sort(hashes[indptr[i] : indptr[i + 1]]), np.sort(grams.hash[grams.doc == i])
        )
