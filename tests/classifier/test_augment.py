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


def test_from_photo_look_alikes_use_every_figurine_and_printed_photo_training_word():
    from collections import Counter

    from maskscreen.classifier.augment import FROM_PHOTO_COVER, FROM_PHOTO_SHAPES

    lexicon = read_lexicon()
    examples = [e for e in synthetic_examples() if e.family == "augmented-from-photo"]
    for language in NOUNS:
        titles = [e.title for e in examples if e.language == language and e.label == "benign"]
        for concept in FROM_PHOTO_COVER:
            for word in lexicon["concepts"][concept][language]["train"]:
                assert any(word.replace("*", "") in t for t in titles), (language, word)
        for word in lexicon["concepts"]["figurine"][language]["test"]:  # the split stays honest
            assert not any(f" {word.replace('*', '')} " in f" {t} " for t in titles), word
        # every shape, the custom-copy pairs among them, has as many titles
        shapes = Counter(e.id.rsplit("-", 1)[0] for e in examples if e.language == language)
        assert len(shapes) == len(FROM_PHOTO_SHAPES) and len(set(shapes.values())) == 1, shapes


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


def test_counterfactual_triples_add_a_cue_to_the_same_dangerous_title():
    from maskscreen.classifier.augment import counterfactual_examples
    from maskscreen.classifier.signals import default_matcher

    signals = default_matcher()
    examples = counterfactual_examples()
    assert {e.family for e in examples} == {"augmented-counterfactual"}
    assert {e.language for e in examples} == set(NOUNS)
    assert len({e.id for e in examples}) == len(examples)
    assert len(examples) % 3 == 0
    for base, made, evasion in zip(examples[::3], examples[1::3], examples[2::3], strict=True):
        assert base.label == evasion.label == "realistic_face_mask"
        assert made.label == "custom_face_copy"
        for variant, cue in ((made, "made_to_order"), (evasion, "evasion_claim")):
            assert variant.title.startswith(base.title + ", "), variant.title
            assert variant.signals[cue]
            # the pattern files know the added phrase: the signal feature carries the cue
            assert signals.flags(signals.find(normalize(variant.title)))[cue], variant.title


def test_augmentation_phrases_are_not_the_behavioural_tests_own():
    from maskscreen.classifier.augment import EVASION, MADE

    assert set(EVASION) == set(MADE) == set(TEMPLATES)
    for language, template in TEMPLATES.items():
        evasion = {normalize(p) for p in template["evasion"]}
        made = {normalize(p) for p in template["made"]}
        assert not made & {normalize(p) for p in MADE[language]}
        # the evasion claims share no tested claim even in part (the made-to-order
        # phrases may hold a tested one's common words: "por encargo", "オーダーメイド")
        for phrase in (normalize(p) for p in EVASION[language]):
            assert not any(own in phrase or phrase in own for own in evasion), (language, phrase)


def test_counterfactual_weight_applies_to_the_triples_only():
    from maskscreen.classifier import train

    weights = {e.family: train.synthetic_weight(e) for e in synthetic_examples()}
    assert weights["augmented-counterfactual"] == train.COUNTERFACTUAL_WEIGHT
    assert weights["augmented-from-photo"] == train.FROM_PHOTO_WEIGHT
    assert weights["augmented"] == train.SYNTHETIC_WEIGHT


def test_made_to_order_copies_are_stock_masks_with_a_phrase_of_their_language():
    from maskscreen.classifier.augment import MADE, made_to_order_copies
    from maskscreen.classifier.signals import default_matcher

    texts = [
        "Realistic old man silicone mask, full head",
        "Máscara de silicona realista, cabeza completa",
        "Custom mask from your photos",  # already a custom copy: left alone
        "Silk sleep mask",  # benign: left alone
        "Maschera realistica in silicone",  # a language without phrases: left alone
    ]
    labels = ["realistic_face_mask", "realistic_face_mask", "custom_face_copy", "benign", "x"]
    languages = ["en", "es", "en", "en", "xx"]
    pairs = made_to_order_copies(texts, labels, languages)
    assert [index for index, _ in pairs] == [0, 1]
    signals = default_matcher()
    for index, text in pairs:
        phrase = text.removeprefix(texts[index] + ", ")
        assert phrase in MADE[languages[index]], text
        assert signals.flags(signals.find(normalize(text)))["made_to_order"], text
    assert made_to_order_copies(texts, labels, languages) == pairs


def test_made_to_order_copies_join_a_fit_only_when_weighted(monkeypatch):
    from maskscreen.classifier import train

    seen = {}

    class Recorder:
        def fit(self, X, y, sample_weight=None):
            seen["y"], seen["w"] = list(y), sample_weight

    class Features:
        def fit_transform(self, texts, y):
            seen["texts"] = list(texts)
            return texts

    pipeline = {0: Features(), 1: Recorder()}

    class Pipe:
        def __getitem__(self, key):
            return pipeline[0] if isinstance(key, slice) else pipeline[1]

    texts = ["Realistic old man silicone mask, full head", "Silk sleep mask"]
    labels = ["realistic_face_mask", "benign"]
    monkeypatch.setattr(train, "MONOTONE", False)
    monkeypatch.setattr(train, "MADE_COPY_WEIGHT", 0.0)
    train._fit(Pipe(), list(texts), list(labels), [], ["en", "en"])
    assert seen["texts"] == texts and seen["w"] is None
    monkeypatch.setattr(train, "MADE_COPY_WEIGHT", 0.3)
    train._fit(Pipe(), list(texts), list(labels), [], ["en", "en"])
    assert seen["texts"][:2] == texts and len(seen["texts"]) == 3
    assert seen["texts"][2].startswith(texts[0] + ", ")
    assert seen["y"] == [*labels, "custom_face_copy"]
    assert list(seen["w"]) == [1.0, 1.0, 0.3]


def test_added_phrases_hold_no_held_out_word():
    from maskscreen.classifier.augment import EVASION, MADE

    held_out = ConceptMatcher.from_data(read_lexicon(), "test")
    for phrases in (*EVASION.values(), *MADE.values()):
        for phrase in phrases:
            assert not held_out.find(normalize(phrase)), phrase
