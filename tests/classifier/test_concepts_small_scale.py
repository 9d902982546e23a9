"""Lexicon concepts-2026.12.5: the size and scale words (1:6, miniature, 缩小版, ミニチュア…)
left the figurine concept for their own benign concept, small_scale, in all ten languages.
Hand-written listings (not corpus text)."""

import numpy as np
import pytest

from maskscreen.classifier.behaviour import _words, generate
from maskscreen.classifier.concepts import (
    ConceptMatcher,
    concept_features,
    feature_names,
    matchers,
    read_lexicon,
    training_lexicon,
)
from maskscreen.classifier.model import Model, _rank_of
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import read_patterns
from tests.classifier.test_concepts import found

LEXICON = read_lexicon()


@pytest.fixture(scope="module")
def whole():
    return ConceptMatcher.from_data(LEXICON, "all")


def test_small_scale_is_a_benign_concept_with_words_in_every_language():
    assert "small_scale" in LEXICON["benign"]
    words = LEXICON["concepts"]["small_scale"]
    assert set(words) == set(LEXICON["concepts"]["figurine"])
    for language, lists in words.items():
        assert lists["train"] and lists["test"], language
        # a word is in one concept only
        figurine = LEXICON["concepts"]["figurine"][language]
        assert not set(lists["train"] + lists["test"]) & set(
            figurine["train"] + figurine["test"]
        ), language


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("1:6 scale figure of your dad, 30 cm", "1:6"),
        ("palm-sized resin statue of a bride", "palm-sized"),
        ("等比例缩小 真人手办 按照片定制", "等比例缩小"),
        ("手のひらサイズ フィギュア 写真から", "手のひらサイズ"),
        ("손바닥 크기 피규어 주문 제작", "손바닥 크기"),
        ("уменьшенная копия фигурки по фото", "уменьшенн"),
        ("figura a escala de tu foto", "a escala"),
        ("Figur im Maßstab nach Foto", "im massstab"),
        ("figurine en taille réduite d'après photo", "taille réduite"),
        ("boneco em tamanho reduzido da sua foto", "tamanho reduzido"),
        ("statuina in miniatura dalla tua foto", "in miniatura"),
    ],
)
def test_size_words_read_as_small_scale_beside_the_object_word(whole, text, word):
    concepts = found(whole, text)
    assert ("small_scale", word) in concepts
    # the object word stays a figurine where there is one
    assert "figurine" in {c for c, _ in concepts}


def test_held_out_size_words_are_small_scale_in_the_whole_lexicon_only(whole):
    trained = ConceptMatcher.from_data(LEXICON, "train")
    text = "1:10 bust of a grandpa"
    assert ("small_scale", "1:10") in found(whole, text)
    assert "small_scale" not in {c for c, _ in found(trained, text)}


def test_a_size_word_gives_a_reason_in_the_listing_own_words(whole):
    original = "Mini bust of your grandpa, 1:6 scale, made from your photo"
    matches = whole.find(normalize(original))
    concepts = Model._concepts(None, original, matches, _rank_of(whole.concepts), {})
    assert concepts["small_scale"] == ["1:6"]
    assert "small scale: '1:6'" in Model._reasons(None, original, [], [], concepts, {})


def test_a_made_to_order_size_word_counts_as_a_figurine_made_to_order():
    concepts, signals = matchers(training_lexicon(LEXICON, True), read_patterns())
    names = feature_names(concepts, 2)
    texts = [normalize(t) for t in ("1:10 of a girl, made from your photos", "1:10 of a girl")]
    rows = concept_features(texts, concepts, signals, 1.0, 2).matrix.toarray()
    made_small = rows[:, names.index("made_to_order+figurine")]
    lookalike = rows[:, names.index("made_to_order+lookalike_object")]
    assert np.array_equal(made_small, [1.0, 0.0])
    assert np.array_equal(lookalike, [1.0, 0.0])
    assert rows[0, names.index("concept:small_scale")] == 1.0
    assert rows[0, names.index("concept:figurine")] == 0.0


def test_held_out_size_words_stay_tested_in_the_figurine_cases():
    held_out = LEXICON["concepts"]["small_scale"]["en"]["test"]
    english = [c.texts[0] for c in generate(held="test") if c.language == "en"]
    figurine = [t for t in english if t.split(" of a ")[0] in held_out]
    assert figurine  # "1:8 of a girl, true to life, 1:8"
    words = _words(LEXICON, "test")
    assert "small_scale" not in words
    assert set(held_out) <= set(words["figurine"]["en"])
