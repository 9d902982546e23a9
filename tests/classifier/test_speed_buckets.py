"""A trie with many first characters is compiled as a few tries behind a class test each
(concepts._in_buckets): the matches are those of the whole trie, span for span."""

import functools
import random
import re

import pytest

from maskscreen.classifier import concepts
from maskscreen.classifier.concepts import ConceptMatcher, read_lexicon
from tests.classifier.test_speed_matching import _texts


@functools.cache
def _matcher() -> ConceptMatcher:
    return ConceptMatcher.from_data(read_lexicon(), "all")


def _both(words: list[tuple[str, str]], bounded: bool) -> tuple[re.Pattern, re.Pattern]:
    lead = concepts._NOT_LETTER_BEFORE if bounded else ""
    root = concepts._trie(words)
    return (
        re.compile(lead + concepts._whole(root)),
        re.compile(lead + concepts._trie_pattern(root)),
    )


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("part", ["bounded", "cjk"])
def test_lexicon_tries_in_buckets_match_as_whole(part):
    words = _matcher()._words[part]
    assert concepts._bucketed(concepts._trie(words))  # the case this holds
    whole, split = _both(words, part == "bounded")
    long = " ".join(_texts()[:400])
    texts = [*_texts(), "", long, long[::-1], "a" * 5000, "面" * 3000]
    found = [_spans(split, text) for text in texts]
    assert found == [_spans(whole, text) for text in texts]
    assert sum(map(len, found)) > 1000


def test_hand_made_trie_in_buckets_matches_as_whole():
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyzéß0123456789"
    words = [
        ("".join(rng.choice(letters) for _ in range(rng.randint(1, 5))), "") for _ in range(400)
    ]
    words += [(word + "x", concepts._WORD_END["latin"]) for word, _ in words[:100]]
    words += [(word[:1], concepts._WORD_END["other"]) for word, _ in words[:50]]
    root = concepts._trie(words)
    assert concepts._bucketed(root) and len(root) >= concepts.MIN_BUCKETED
    for bounded in (True, False):
        whole, split = _both(words, bounded)
        texts = [
            "".join(rng.choice(letters + "  -面") for _ in range(rng.randint(0, 300)))
            for _ in range(300)
        ]
        texts += [" ".join(word for word, _ in words)]
        assert [_spans(split, t) for t in texts] == [_spans(whole, t) for t in texts]


def test_few_first_characters_or_a_wildcard_first_stay_whole():
    few = concepts._trie([(c, "") for c in "abc"])
    assert not concepts._bucketed(few) and concepts._trie_pattern(few) == concepts._whole(few)
    many = concepts._trie([(chr(0x4E00 + i), "") for i in range(64)] + [(concepts._ANY + "x", "")])
    assert not concepts._bucketed(many)
    assert concepts._bucketed(concepts._trie([(chr(0x4E00 + i), "") for i in range(64)]))
