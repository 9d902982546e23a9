"""runtime.expit: scipy.special.expit to the last bit, in Python for a prediction's few
sigmoid inputs (so a one-off check need not import scipy.special), by scipy for more."""

from __future__ import annotations

import numpy as np
from scipy.special import expit as scipy_expit

from maskscreen.classifier import runtime
from maskscreen.classifier.model import load_model


def bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype=np.float64).view(np.uint64)


def test_the_python_sigmoid_is_scipys_to_the_last_bit():
    rng = np.random.default_rng(7)
    edges = [0.0, -0.0, 1e-300, -1e-300, 36.7, -36.7, 709.0, -709.0, 710.0, -710.0, 746, -746]
    values = np.concatenate(
        [rng.normal(0, 6, 200_000), rng.uniform(-800, 800, 20_000), edges, [np.inf, -np.inf]]
    )
    mine = np.array([runtime._expit(v) for v in values.tolist()])
    assert (bits(mine) == bits(scipy_expit(values))).all()
    assert np.isnan(runtime._expit(float("nan")))


def test_small_and_large_arrays_both_give_scipys_values():
    rng = np.random.default_rng(11)
    for size in (1, 3, runtime.SMALL_EXPIT, runtime.SMALL_EXPIT + 1, 5_000):
        values = rng.normal(0, 8, size)
        assert (bits(runtime.expit(values)) == bits(scipy_expit(values))).all()
    single = rng.normal(0, 8, 10).astype(np.float32)  # not float64: scipy's float32 loop
    assert runtime.expit(single).dtype == scipy_expit(single).dtype == np.float32


def test_one_listing_a_call_gives_the_batchs_probabilities():
    model = load_model()
    texts = [
        "Realistic silicone old man mask, full head",
        "Hydrating sheet face mask for skincare, 10 pack",
        "按照片定制 真人面具 可过人脸识别 加V信",
    ] * 100  # 300 listings: a class's column of sigmoid inputs longer than SMALL_EXPIT
    runtime_ = model.runtime
    batch = runtime_.one_vs_rest(runtime_.featurize(texts).matrix)
    assert len(batch) > runtime.SMALL_EXPIT
    for i, text in enumerate(texts[:3]):  # one row: the Python sigmoid
        one = runtime_.one_vs_rest(runtime_.featurize([text]).matrix)
        assert (bits(one[0]) == bits(batch[i])).all()


# That a one-off check does not import scipy.special: test_speed_startup.py (HEAVY).
