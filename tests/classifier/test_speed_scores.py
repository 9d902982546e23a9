"""The model's product with the features made once for both the calibrated sigmoids and
the raw decisions gives both arrays bit for bit."""

import numpy as np

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model


def test_one_vs_rest_and_decisions_are_the_separate_ones_bit_for_bit():
    runtime = load_model().runtime
    texts = [e.text for e in load_corpus()]
    for batch in (texts[:1], texts[:7], texts[:1500]):  # one listing, a few, many
        matrix = runtime.featurize(batch).matrix
        proba, raw = runtime.one_vs_rest_and_decisions(matrix)
        separate = runtime.one_vs_rest(matrix), runtime.decisions(matrix)
        for got, expected in zip((proba, raw), separate, strict=True):
            assert got.dtype == expected.dtype and got.shape == expected.shape
            assert np.array_equal(got.view(np.uint64), expected.view(np.uint64))
