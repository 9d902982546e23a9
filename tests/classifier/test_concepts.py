"""The policy-concept lexicon: its file, its matcher, its held-out words and its features."""

import pytest

from maskscreen.classifier.concepts import (
    ConceptMatcher,
    LexiconError,
    concept_features,
    feature_names,
    read_lexicon,
    training_lexicon,
)
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher

LANGUAGES = {"en", "zh", "ja", "ko", "ru", "es", "de", "fr", "pt", "it"}


@pytest.fixture(scope="module")
def lexicon():
    return read_lexicon()


@pytest.fixture(scope="module")
def matcher(lexicon):
    return ConceptMatcher.from_data(lexicon, "train")


def found(matcher, text):
    return {(m.concept, m.text) for m in matcher.find(normalize(text))}


def test_every_concept_has_training_and_test_words_in_every_language(lexicon):
    for concept in (*lexicon["dangerous"], *lexicon["benign"]):
        by_language = lexicon["concepts"][concept]
        assert set(by_language) == LANGUAGES, concept
        for language, lists in by_language.items():
            assert lists["train"] and lists["test"], (concept, language)
            assert not set(lists["train"]) & set(lists["test"]), (concept, language)


def test_held_out_words_are_not_found_by_the_training_words(lexicon, matcher):
    for concept, by_language in lexicon["concepts"].items():
        for language, lists in by_language.items():
            for word in lists["test"]:
                hits = {m.concept for m in matcher.find(normalize(word.strip("*")))}
                assert concept not in hits, (concept, language, word)


def test_each_normal_form_belongs_to_one_concept(lexicon):
    owner = {}
    for concept, by_language in lexicon["concepts"].items():
        for lists in by_language.values():
            for word in lists["train"] + lists["test"]:
                body = normalize(word.strip("*"))
                assert owner.setdefault(body, concept) == concept, (word, owner[body], concept)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Realistic silicone Grandpa mask, full head",
            {("realism", "realistic"), ("material", "silicone"), ("human_subject", "grandpa"),
             ("wearable", "full head")},
        ),
        ("逼真硅胶老人面具 全头", {("realism", "逼真"), ("material", "硅胶"), ("human_subject", "老人"),
                                ("wearable", "全头")}),
        ("Vollkopfmaske aus Silikon, lebensechter Opa",
         {("wearable", "vollkopf"), ("material", "silikon"), ("realism", "lebensecht"),
          ("human_subject", "opa")}),
        ("Hydrating sheet masks, 10 pack", {("skincare", "hydrating"), ("skincare", "sheet masks")}),
        ("mannequin head for wigs", {("display_head", "mannequin"), ("lookalike_product", "wigs")}),
    ],
)  # fmt: skip
def test_concepts_found_in_listings(matcher, text, expected):
    assert found(matcher, text) == expected


def test_whole_words_do_not_match_inside_other_words(matcher):
    assert found(matcher, "manual") == set()
    assert found(matcher, "womanhood and germany") == set()


def test_training_lexicon_keeps_no_test_word(lexicon):
    import json

    slim = json.loads(training_lexicon(lexicon))
    assert all(not lists["test"] for langs in slim["concepts"].values() for lists in langs.values())


def test_broken_lexicon_is_refused():
    with pytest.raises(LexiconError):
        ConceptMatcher.from_data({"version": "x"})


def test_features_are_binary_and_ignore_repetition(matcher):
    signals = default_matcher()
    once = normalize("realistic silicone old man mask full head")
    stuffed = normalize("realistic silicone old man mask full head " * 5)
    features = concept_features([once, stuffed], matcher, signals, 1.0)
    dense = features.matrix.toarray()
    assert dense.shape == (2, len(feature_names(matcher)))
    assert set(dense.ravel()) <= {0.0, 1.0}
    assert (dense[0] == dense[1]).all()
    names = feature_names(matcher)
    assert dense[0][names.index("dangerous=4")] == 1


def test_abstraction_makes_a_held_out_person_word_read_like_a_training_one(lexicon):
    from maskscreen.classifier.concepts import abstract

    whole = ConceptMatcher.from_data(lexicon, "all")
    trained = lexicon["concepts"]["human_subject"]["en"]["train"][0].strip("*")
    held = lexicon["concepts"]["human_subject"]["en"]["test"][0].strip("*")

    def text(word):
        t = normalize(f"Realistic silicone {word} mask, full head")
        return abstract(t, whole.find(t), whole.concepts)

    assert text(trained) == text(held)
    assert trained not in text(trained) and "silicone" not in text(trained)
    kept = normalize(f"Realistic silicone {held} mask")
    assert held in abstract(kept, whole.find(kept), whole.concepts, keep=True)


def test_a_seller_cannot_write_a_concept_mark_themselves(lexicon):
    from maskscreen.classifier.concepts import abstract, concept_mark

    whole = ConceptMatcher.from_data(lexicon, "all")
    creature = concept_mark(whole.concepts.index("creature"))
    planted = normalize(f"realistic silicone mask {creature}{creature}")
    result = abstract(planted, whole.find(planted), whole.concepts)
    assert creature not in result
    assert result.count(concept_mark(whole.concepts.index("material"))) == 1


def test_the_second_interaction_set_adds_named_columns(matcher):
    signals = default_matcher()
    texts = [normalize("Custom 3D figurine made from your photo"), normalize("silicone mask")]
    one = concept_features(texts, matcher, signals, 1.0, 1).matrix
    two = concept_features(texts, matcher, signals, 1.0, 2).matrix
    names = feature_names(matcher, 2)
    assert two.shape == (2, len(names)) and one.shape[1] < two.shape[1]
    assert (two[:, : one.shape[1]] != one).nnz == 0  # the first set is unchanged
    row = dict(zip(names, two.toarray()[0], strict=True))
    assert row["made_to_order+lookalike_object"] == 1 and row["made_to_order&wearable=0"] == 1
    assert row["made_to_order+wearable"] == 0


def test_a_latin_word_right_against_chinese_or_japanese_is_still_a_word(matcher):
    # sellers write "realistic硅胶面具": the Chinese character after it is a boundary,
    # a Latin letter is not
    assert ("realism", "realistic") in found(matcher, "realistic硅胶面具")
    assert ("material", "silicone") in found(matcher, "リアル siliconeマスク")
    assert not any(c == "realism" for c, _ in found(matcher, "unrealistic mask"))


# Phrases written for these tests (not taken from listings), one line a language: each must
# find the concepts named, whatever else it finds.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Máscara de silicona que cubre toda la cabeza, aspecto de señor mayor a tamaño natural",
         {"material", "wearable", "human_subject", "realism"}),
        ("Traje corporal de silicona, de cuerpo entero, con rostro femenino, efecto muy real",
         {"material", "wearable", "human_subject", "realism"}),
        ("Escultura de cera de tu abuelo, tamaño real", {"material", "realism", "human_subject"}),
        ("Silikon-Kopfmaske, trägt sich wie eine zweite Haut, täuschend ähnlich einem echten Opa",
         {"material", "wearable", "realism", "human_subject"}),
        ("Lebensgroße Wachsfigur nach Ihrem Ebenbild", {"realism", "material", "human_subject"}),
        ("Maske aus Latex, bis zu den Schultern, mit dem Gesicht eines realen Menschen",
         {"material", "wearable", "human_subject"}),
        ("실리콘 보디슈트와 어르신 얼굴 가면, 감쪽같은 변신", {"material", "wearable", "human_subject", "realism"}),
        ("타인과 구분 불가 수준의 라텍스 마스크", {"human_subject", "realism", "material"}),
        ("実物大、合成皮膚のシリコーンゴム製、本物と見まがう仕上がり", {"realism", "material"}),
        ("かぶれば他人に見える シリコン ボディスーツ", {"wearable", "human_subject", "material"}),
        ("Life-size wax figure of a loved one", {"realism", "material", "human_subject"}),
        ("Thin face skin, glue-on edges, look like someone else",
         {"wearable", "human_subject"}),
        ("Statue de cire grandeur nature d'un inconnu", {"material", "realism", "human_subject"}),
        ("Maschera testa intera, sembra vera, volto reale", {"wearable", "realism", "human_subject"}),
        ("Máscara rosto inteiro em tamanho real, outra pessoa", {"wearable", "realism", "human_subject"}),
        ("Восковая фигура в натуральную величину, бодисьют", {"material", "realism", "wearable"}),
    ],
)  # fmt: skip
def test_seller_phrasings_find_their_concepts(matcher, text, expected):
    concepts = {concept for concept, _ in found(matcher, text)}
    assert expected <= concepts, expected - concepts


DANGEROUS = {"human_subject", "realism", "material", "wearable"}


# Look-alikes that share letters or words with the dangerous vocabulary.
@pytest.mark.parametrize(
    "text",
    [
        "crema hidratante para la cara, piel luminosa",  # "cara" on its own is no wearable
        "Kopfhörer mit weichen Ohrpolstern",  # "Kopf" in "Kopfhörer"
        "Feuchtigkeitsspendende Gesichtsmaske für trockene Haut",  # not a Vollgesichtsmaske
        "Bluetooth-Lautsprecher, leicht zu tragende Tasche",  # "tragende" is not "trägt"
        "Kerzenwachs und Dochte zum Selbermachen",  # wax, not a wax figure
        "vela aromática de cera de soja",  # wax, not a wax figure
        "수면 안대 암막 100% 차단",
        "蝋燭 アロマキャンドル 3個セット",  # wax candles, not a wax figure
        "realisation rapide, envoi soigné",
    ],
)
def test_look_alike_phrasings_find_no_dangerous_concept(matcher, text):
    concepts = {concept for concept, _ in found(matcher, text)}
    assert not concepts & DANGEROUS, concepts & DANGEROUS


def test_new_benign_words_find_their_look_alike_concept(matcher):
    assert ("figurine", "reborn") in found(matcher, "Reborn baby, vinyl, 50 cm")
    assert "figurine" in {c for c, _ in found(matcher, "신생아 리본돌 주문제작")}
    assert "lookalike_product" in {c for c, _ in found(matcher, "해변용 페이스키니 자외선 차단")}
    assert "medical" in {c for c, _ in found(matcher, "インナーマスク 15枚入")}
