"""The batched language identification (language.classify_batch) gives py3langid's own
results, to the last bit of the confidence, batch after batch."""

import random

from maskscreen.classifier import language
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.normalize import normalize


def test_batches_give_py3langids_own_results_to_the_bit():
    identifier = language._get_identifier()
    rng = random.Random(6)
    samples = [normalize(e.text)[: language.SAMPLE_CHARS] for e in load_corpus()[1::3]]
    alphabet = "abcdefghijklmnopqrstuvwxyzäöüßéèçñãõ ыжщя αβγ 硅胶 ก ש ع 0123456789 .,;'!?"
    samples += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))) for _ in range(400)
    ]
    samples += ["", " ", "a", "x" * 200, "\u200b" * 10, "é" * 300]
    own = [identifier.classify(sample) for sample in samples]
    # two halves in turn: rows of the table converted for the first are reused by the second
    half = len(samples) // 2
    batched = language.classify_batch(identifier, samples[:half])
    batched += language.classify_batch(identifier, samples[half:])
    assert batched == own
    assert len({language for language, _ in own}) > 5  # many languages, not one
