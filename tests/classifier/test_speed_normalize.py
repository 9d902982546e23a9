"""normalize's fast paths give the plain result: the spaced-letter rule skipped for a text
without a single letter between two separators is the rule applied, on the corpus, mutated
texts full of separators and single letters, and edge cases."""

import random
import re

import pytest

from maskscreen.classifier import normalize as normalize_module
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import load_grounded
from tests.classifier.test_verdicts_unchanged import _mutated

EDGE = [
    "",
    " ",
    "s i l i c o n e mask",
    "S I L I C O N E",
    "m-a-s-k and f.a.c.e",
    "a b c",  # three letters: not a spaced word
    "a b c d",
    "é a b c d",  # a letter before: not the start of a spaced word
    "a b c dé",
    "x|y|z|w 硅 胶 面 具",
    "ｓ ｉ ｌ ｉ ｃ ｏ ｎ ｅ",
    "a b c d e f g h i j k l m n o p" * 50,
    "size s m l xl",
    "\x00a\x00b c d e",
    "r e a l i s t i c" + " x" * 2_000,
]


def _texts() -> list[str]:
    texts = [e.text for e in [*load_corpus(), *load_grounded()]]
    rng = random.Random(5)
    alphabet = [" ", " a", "b ", "*", "-", ".", "·", "•", "~", "|", "_", "c", " d ", "é", "硅"]
    return EDGE + texts + _mutated(rng, texts, alphabet, 6000)


def test_spaced_letter_shortcut_changes_nothing(monkeypatch):
    texts = _texts()
    fast = [normalize_module.normalize(text) for text in texts]
    monkeypatch.setattr(normalize_module, "_MAY_BE_SPACED", re.compile(""))  # always searched
    plain = [normalize_module.normalize(text) for text in texts]
    assert fast == plain
    assert sum(a != b for a, b in zip(fast, texts, strict=True)) > len(texts) // 2


@pytest.mark.parametrize("text", EDGE)
def test_every_spaced_word_holds_what_the_shortcut_looks_for(text):
    lowered = text.lower()
    for match in normalize_module._SPACED_LETTERS.finditer(lowered):
        assert normalize_module._MAY_BE_SPACED.search(match.group(0))
