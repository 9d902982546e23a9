"""The second round of speed work (character TF-IDF rows without a key sort, each phrase of a
listing quoted once) leaves every verdict as it was: the shipped model's verdicts on the
whole training material and the behavioural cases, in batches, are byte for byte those of
the plain paths (HashedVocabulary.matrix of the analysed n-grams; find_original on every
phrase, as often as it is met)."""

import json

import pytest

from maskscreen.classifier import model as model_module
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.model import load_model
from maskscreen.classifier.spans import find_original
from maskscreen.classifier.train import training_material


@pytest.fixture(scope="module")
def texts():
    texts = [e.text for e in training_material()]
    return texts + [text for case in generate() for text in case.texts]


def verdicts(model, texts):
    lines = []
    for start in range(0, len(texts), 500):
        for verdict in model.predict(texts[start : start + 500]):
            lines.append(json.dumps(verdict.to_dict(), ensure_ascii=False, sort_keys=True))
    return lines


def test_verdicts_are_those_of_the_plain_paths(texts, monkeypatch):
    model = load_model()
    fast = verdicts(model, texts)
    chars = model.runtime.chars
    calls = []

    def plain_quote(original, phrase, quotes):
        calls.append(phrase)
        return find_original(original, phrase)

    with monkeypatch.context() as patch:
        patch.setattr(
            chars,
            "transform",
            lambda batch: chars.matrix(chars.analyze(batch, positions=False), len(batch)),
        )
        patch.setattr(model_module, "_quote", plain_quote)
        plain = verdicts(model, texts)
    assert calls  # the plain quoting was the one used
    assert len(fast) == len(plain) == len(texts)
    assert fast == plain


def test_a_phrase_is_quoted_once_a_listing(monkeypatch):
    calls = []

    def counted(original, phrase):
        calls.append((original, phrase))
        return find_original(original, phrase)

    monkeypatch.setattr(model_module, "find_original", counted)
    quotes = {}
    original = "Custom SILICONE mask of your face, silicone mask"
    first = model_module._quote(original, "silicone mask", quotes)
    again = model_module._quote(original, "silicone mask", quotes)
    missing = model_module._quote(original, "latex", quotes)
    assert first == again == "SILICONE mask"
    assert missing is None and model_module._quote(original, "latex", quotes) is None
    assert calls == [(original, "silicone mask"), (original, "latex")]
