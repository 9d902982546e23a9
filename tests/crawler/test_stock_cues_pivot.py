"""`stock_cues.pivot_pattern` finds a word wherever one of its words occurs, as the trie
of the same words does (`fields.trie_pattern`), and nowhere else: the stock-word searches
of `may_state_availability` only ask whether some word occurs."""

from __future__ import annotations

import random
import re

import pytest

from maskscreen.crawler.extract import stock_cues
from maskscreen.crawler.extract.fields import trie_pattern
from maskscreen.crawler.extract.stock_cues import _ANCHORS, _pivot, pivot_pattern


def test_the_pivot_is_the_least_frequent_letter():
    assert _pivot("stock") == 4  # k
    assert _pivot("avail") == 1  # v, the first of the rarest
    assert _pivot("épuisé") == 0  # outside ASCII: rarer than any English letter
    assert _pivot("zz") == 0


WORD_SETS = {
    "anchors": list(_ANCHORS),
    "mixed": ["货", "ab", "ba", "stock", "instock", "k", "kk", "xk", "kx", "a.b", "q(u"],
}


@pytest.mark.parametrize("name", sorted(WORD_SETS))
def test_matches_where_a_word_occurs_and_nowhere_else(name):
    words = WORD_SETS[name]
    pivot, trie = re.compile(pivot_pattern(words)), re.compile(trie_pattern(words))
    letters = sorted(set("".join(words)) | set("etaoin .()"))
    rng = random.Random(7)
    texts = [""] + [w[:-1] for w in words] + [w[1:] for w in words] + words
    for _ in range(3000):
        text = "".join(rng.choice(letters) for _ in range(rng.randrange(0, 12)))
        if rng.random() < 0.3:  # a word inside, maybe cut at either end
            word = rng.choice(words)
            cut = word[rng.randrange(0, 2) :][: len(word) - rng.randrange(0, 2)]
            at = rng.randrange(0, len(text) + 1)
            text = text[:at] + cut + text[at:]
        texts.append(text)
    for text in texts:
        expected = any(word in text for word in words)
        assert bool(pivot.search(text)) is expected, (text, words)
        assert bool(trie.search(text)) is expected, text


def test_the_module_searches_with_it():
    words = stock_cues._EVERY_WORD
    assert words.anchor.search("abc" + "instock") and words.phrase.search("xx" + "instock")
    assert not words.anchor.search("moviegraderealisticprostheticfullfacemask")
    # every anchor found where it is, inside other text
    for anchor in _ANCHORS:
        assert words.anchor.search(f"zz{anchor}zz"), anchor
