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


def test_training_word_cases_use_no_held_out_word_and_keep_the_shape():
    lexicon = read_lexicon()
    held_out = ConceptMatcher.from_data(lexicon, "test")
    train = ConceptMatcher.from_data(lexicon, "train")
    cases = generate(held="train")

    def shape(cs):  # (the look-alike cue of a DIR case is drawn: its name may differ)
        return sorted((c.test, c.language, len(c.texts), c.expect) for c in cs)

    assert shape(cases) == shape(generate())
    for case in cases:
        for text in case.texts:
            text = normalize(text)
            seen = [(m.start, m.end) for m in train.find(text)]
            for match in held_out.find(text):
                # a held-out word only across training words (a longer or shorter form,
                # or two neighbouring training words: "실제 얼굴" + "전체 머리")
                assert any(s < match.end and match.start < e for s, e in seen), (text, match)
