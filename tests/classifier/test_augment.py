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


def test_from_photo_look_alikes_say_made_to_order_beside_custom_copy_pairs():
    from maskscreen.classifier.signals import default_matcher

    lexicon = read_lexicon()
    concepts = ConceptMatcher.from_data(lexicon, "train")
    signals = default_matcher()
    examples = [e for e in synthetic_examples() if e.family == "augmented-from-photo"]
    assert {e.label for e in examples} == {"benign", "custom_face_copy"}
    assert {e.language for e in examples} == set(NOUNS)
    for example in examples:
        text = normalize(example.title)
        found = {m.concept for m in concepts.find(text)}
        assert signals.flags(signals.find(text))["made_to_order"], example.title
        if example.label == "benign":  # a figurine worn by nobody, or a printed paper mask
            assert ("figurine" in found and "wearable" not in found) or (
                "printed_photo" in found
            ), example.title
        else:
            assert "wearable" in found or "human_subject" in found, example.title


def test_code_switched_copies_put_an_english_training_word_in_a_non_english_listing():
    from maskscreen.classifier.augment import CODE_SWITCHED, code_switched

    lexicon = read_lexicon()
    english = {
        w.replace("*", "")
        for concept in CODE_SWITCHED
        for w in lexicon["concepts"][concept]["en"]["train"]
    }
    texts = [
        "Máscara de silicona realista, cabeza completa",
        "超逼真硅胶面具 全头套",
        "Realistic silicone mask, full head",  # English: left alone
        "Schlafmaske aus Seide",  # no such concept word: left alone
    ]
    pairs = code_switched(texts, ["es", "zh", "en", "de"])
    assert [index for index, _ in pairs] == [0, 1]
    for index, text in pairs:
        assert text != normalize(texts[index])
        assert any(f" {word} " in text for word in english), text
    # the same listings and seed, the same copies (fold after fold)
    assert code_switched(texts, ["es", "zh", "en", "de"]) == pairs
