"""The fast paths of the TF-IDF rows (hashing.HashedVocabulary.matrix) give exactly what the
plain computation gives: the keys sorted by two 16-bit passes are np.sort's, and the rows
of the shipped model's vocabularies are the plain rows, value for value, on the corpus and
on edge cases (empty texts, one word, mixed scripts, disguises, a very long text)."""

import numpy as np
import pytest
import scipy.sparse as sp

from maskscreen.classifier import hashing
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.tokens import token_texts


@pytest.mark.parametrize("size", [0, 1, 5, hashing.RADIX_MIN - 1, hashing.RADIX_MIN, 200_000])
@pytest.mark.parametrize("high", [2**16, 2**20, 2**32])
def test_sorted_keys_are_np_sort(size, high):
    rng = np.random.default_rng(size + high)
    keys = rng.integers(0, high, size, dtype=np.uint64).astype(np.uint32, copy=False)
    if size:  # repeats and both ends of the range
        keys[: size // 3] = keys[size // 3 : 2 * (size // 3)]
        keys[0], keys[-1] = 0, np.uint32(high - 1)
    got = hashing.sorted_keys(keys)
    assert got.dtype == np.uint32
    np.testing.assert_array_equal(got, np.sort(keys))


def test_sorted_keys_of_wide_keys_are_np_sort():
    keys = np.random.default_rng(1).integers(0, 2**40, 10_000, dtype=np.uint64)
    np.testing.assert_array_equal(hashing.sorted_keys(keys), np.sort(keys))


@pytest.mark.parametrize("size", [1, 7, 5_000])
def test_hash_table_finds_the_column_a_dict_gives(size):
    rng = np.random.default_rng(size)
    keys = np.unique(rng.integers(0, 2**64, size, dtype=np.uint64))
    # keys that share their low bits (one slot wanted by several: probing), and 0
    shared = keys[: size // 4] & np.uint64(0xFFFF) | np.uint64(1 << 40)
    keys = np.unique(np.r_[keys, shared, np.uint64(0)])
    rng.shuffle(keys)
    column_of = {int(k): i for i, k in enumerate(keys.tolist())}
    unknown = rng.integers(0, 2**64, 3 * size, dtype=np.uint64)
    probes = np.r_[keys, unknown, keys[::3] + np.uint64(1 << 32), keys[::5] ^ np.uint64(1 << 20)]
    got = hashing._HashTable(keys).find(probes)
    assert got.dtype == np.int64
    assert got.tolist() == [column_of.get(int(h), -1) for h in probes.tolist()]
    # without 0 among the keys, a look-up of 0 (an empty slot reads the spare key) finds none
    without = keys[keys != 0]
    assert hashing._HashTable(without).find(np.zeros(3, dtype=np.uint64)).tolist() == [-1] * 3


def _plain_matrix(vocabulary, ngrams, n_docs):
    """The TF-IDF rows as scipy builds them from (text, column) pairs: duplicates summed,
    columns sorted, then the same arithmetic as HashedVocabulary.matrix."""
    column = vocabulary.locate(ngrams)
    known = column >= 0
    counts = sp.csr_matrix(
        (np.ones(int(known.sum()), dtype=np.float32), (ngrams.doc[known], column[known])),
        shape=(n_docs, len(vocabulary)),
    )
    counts.sum_duplicates()
    rows = np.repeat(np.arange(n_docs), np.diff(counts.indptr))
    if vocabulary.sublinear_tf:
        np.log(counts.data, out=counts.data)
        counts.data += 1
    counts.data *= vocabulary.idf[counts.indices]
    norms = np.sqrt(np.bincount(rows, weights=counts.data * counts.data, minlength=n_docs))
    counts.data /= norms[rows].astype(np.float32)
    return counts


def _edge_texts():
    texts = [normalize(e.text) for e in load_corpus()]
    texts += [
        "",
        " ",
        "a",
        "硅",
        "ｓｉｌｉｃｏｎｅ m@sk s i l i c o n e",
        "真人 面具 realistic mask",
    ]
    texts += ["ма́ска реалистичная", "リアルなマスク", "가면 " * 50, "x" * 4_000]
    texts.append(" ".join(texts[:300])[:5_000])  # a long listing
    return [normalize(t) for t in texts]


@pytest.mark.parametrize("part", ["chars", "words"])
def test_tfidf_rows_are_the_plain_rows(part):
    runtime = load_model().runtime
    vocabulary = getattr(runtime, part)
    texts = _edge_texts()
    if part == "words":
        texts = token_texts(texts)
    for batch in (texts, texts[-20:], texts[:1], [""]):
        ngrams = vocabulary.analyze(batch)
        fast = vocabulary.matrix(ngrams, len(batch))
        plain = _plain_matrix(vocabulary, ngrams, len(batch))
        assert fast.dtype == plain.dtype
        np.testing.assert_array_equal(fast.indptr, plain.indptr)
        np.testing.assert_array_equal(fast.indices, plain.indices)
        np.testing.assert_array_equal(fast.data, plain.data)
