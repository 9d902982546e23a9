"""Behavioural tests: generated from templates and held-out lexicon words only."""

from maskscreen.classifier.behaviour import TEMPLATES, TEST_TYPES, generate
from maskscreen.classifier.concepts import ConceptMatcher, read_lexicon
from maskscreen.classifier.normalize import normalize


def test_cases_cover_every_language_and_test_type():
    cases = generate()
    assert {(c.test, c.language) for c in cases} == {
        (t, lang) for t in TEST_TYPES for lang in TEMPLATES
    }


def test_cases_are_deterministic():
    assert generate() == generate()


def test_swapped_person_words_are_held_out_words():
    lexicon = read_lexicon()
    train = ConceptMatcher.from_data(lexicon, "train")

    def persons(text):
        return [m.text for m in train.find(normalize(text)) if m.concept == "human_subject"]

    for case in generate():
        if case.name == "person":
            a, b = case.texts
            assert persons(a) == persons(b), case.texts
