"""Synthetic training listings: training words only, every language, labelled by the policy."""

from maskscreen.classifier.augment import NOUNS, synthetic_examples
from maskscreen.classifier.behaviour import TEMPLATES
from maskscreen.classifier.concepts import ConceptMatcher, read_lexicon
from maskscreen.classifier.normalize import normalize


def test_every_language_and_label_is_covered():
    examples = synthetic_examples()
    assert {e.language for e in examples} == set(NOUNS) == set(TEMPLATES)
    assert {e.label for e in examples} == {"realistic_face_mask", "custom_face_copy", "benign"}
    assert len({e.id for e in examples}) == len(examples)


def test_no_held_out_word_is_used():
    lexicon = read_lexicon()
    held_out = ConceptMatcher.from_data(lexicon, "test")
    train = ConceptMatcher.from_data(lexicon, "train")
    for example in synthetic_examples():
        text = normalize(example.title)
        seen = {(m.start, m.end) for m in train.find(text)}
        for match in held_out.find(text):
            # a held-out word may only appear inside a training word that was used
            assert any(s <= match.start and match.end <= e for s, e in seen), (example.title, match)
