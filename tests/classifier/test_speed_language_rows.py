"""language.classify_batch scores a whole batch's rows at once after the per-text
products: its guesses and confidences are py3langid's own, to the bit, on the corpus,
the grounded records, the behavioural cases and mutated texts, in batches of different
sizes."""

import random

import numpy as np
import pytest

from maskscreen.classifier import language
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import load_grounded
from maskscreen.classifier.normalize import normalize
from tests.classifier.test_verdicts_unchanged import _mutated


def _samples() -> list[str]:
    texts = [normalize(e.text) for e in [*load_corpus(), *load_grounded()]]
    texts += [normalize(text) for case in generate() for text in case.texts]  # behavioural
    rng = random.Random(13)
    alphabet = [*"abcxyz 0123.,!?éßñ", "ыжщ", "αβγ", "硅胶", "ก", "ש", "ع", " silikon ", " maske "]
    texts += _mutated(rng, texts, alphabet, 1500)
    texts += ["", " ", "7", "a", "x" * 200, "é" * 300, "ш" * 5, "#1 #2 #3"]
    return [text[: language.SAMPLE_CHARS] for text in texts]


@pytest.mark.parametrize("size", [1, 7, 500])
def test_batched_rows_give_py3langids_own_guesses_to_the_bit(size):
    identifier = language._get_identifier()
    samples = _samples()
    if size == 1:
        samples = samples[::5]  # one at a time is slow: every fifth
    own = [identifier.classify(sample) for sample in samples]
    batched = []
    for start in range(0, len(samples), size):
        batched += language.classify_batch(identifier, samples[start : start + size])
    assert batched == own
    assert all(type(confidence) is float for _, confidence in batched)
    assert len({guess for guess, _ in own}) > 5  # many languages, not one


def test_identify_decides_as_before_for_every_sample():
    """identify() over the batched rows equals _decide over py3langid's own guesses."""
    identifier = language._get_identifier()
    texts = _samples()
    found = language.identify(texts)
    for text, got in zip(texts, found, strict=True):
        if language.by_script(text) is not None:
            continue
        letters = sum(map(len, language._LETTER_RUN.findall(text)))
        expected = (
            language._decide(identifier, text, letters, identifier.classify(text))
            if letters
            else language.UNDETERMINED
        )
        assert got == expected, text


def test_stable_order_is_np_stable_argsort():
    rng = np.random.default_rng(3)
    for size in (0, 1, 2, 50, 5000, 70_000):
        for high in (max(size // 3, 1), 2**32):  # many ties; keys over all 32 bits
            keys = rng.integers(0, high, size=size).astype(np.uint32)
            expected = np.argsort(keys, kind="stable")
            assert language.stable_order(keys).tolist() == expected.tolist()


def test_small_batches_walked_in_python_meet_what_the_lockstep_walk_meets():
    identifier = language._get_identifier()
    walk = language._walker(identifier)
    encoded = [identifier._encode(sample) for sample in _samples()[::3]]
    assert len(encoded) >= language.SMALL_BATCH
    lockstep = walk(encoded)
    one_by_one = [walk(encoded[i : i + 1])[0] for i in range(len(encoded))]
    for (features, counts), (own_features, own_counts) in zip(one_by_one, lockstep, strict=True):
        assert features.dtype == own_features.dtype and counts.dtype == own_counts.dtype
        assert features.tolist() == own_features.tolist()
        assert counts.tolist() == own_counts.tolist()
    assert sum(len(features) for features, _ in lockstep) > 10 * len(encoded)


def test_a_batch_too_big_to_pack_is_walked_in_halves_with_the_same_guesses(monkeypatch):
    identifier = language._get_identifier()
    samples = _samples()[:200]
    own = [identifier.classify(sample) for sample in samples]
    whole = len(samples) * language._walker(identifier).labels
    # the whole batch over the limit, each half (half the texts) under it
    monkeypatch.setattr(language, "PACK_LIMIT", whole // 2 + 1)
    assert language.classify_batch(identifier, samples) == own


def test_rows_found_by_marks_are_those_np_unique_finds(monkeypatch):
    identifier = language._get_identifier()
    walk = language._walker(identifier)
    samples = _samples()
    for size in (0, 1, 40, 900):
        features = [f for f, _ in walk([identifier._encode(s) for s in samples[:size]])]
        monkeypatch.setattr(language, "MARK_RATIO", 0)  # always np.unique
        unique_table, unique_rows = language._float32_rows(identifier.nb_ptc, features)
        monkeypatch.setattr(language, "MARK_RATIO", 10**12)  # always marks
        marked_table, marked_rows = language._float32_rows(identifier.nb_ptc, features)
        assert marked_table.dtype == unique_table.dtype == np.float32
        assert np.array_equal(marked_table, unique_table)
        assert [r.tolist() for r in marked_rows] == [r.tolist() for r in unique_rows]
        assert all(r.dtype == np.intp for r in marked_rows + unique_rows)
