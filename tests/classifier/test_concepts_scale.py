"""Lexicon concepts-2026.12.5: size, not form, decides (classifier/GUIDELINES.md, "Size, not
realism, decides"). A word that names a likeness's form (bust, statue, sculpture, 胸像,
Büste …) says nothing of its size, so it is no `figurine` cue: a realistic bust of a real
person with no size given is read as life-size. Scale and kind words (1:6, desk, mini bust,
figurine, bobblehead, 手办 …) stay. Wax figures are a material in every language, as
"wax figure" and 밀랍인형 already were. Hand-written listings (not corpus text)."""

import pytest

from maskscreen.classifier.normalize import normalize


# Form words alone: no figurine concept, whatever the language.
@pytest.mark.parametrize(
    "text",
    [
        "realistic silicone bust of your father, made from photos",
        "hyper-real statue of a real person, commissioned sculpture",
        "硅胶胸像 真人雕像 半身像定制 塑像",
        "シリコン胸像 彫像 銅像 スタチュー",
        "실리콘 흉상 조각상 동상 주문 제작",
        "бюст из силикона, статуя человека по фото",
        "busto de silicona, escultura y estatua hiperrealista, figura de una persona",
        "Büste aus Silikon, Skulptur und Statue nach Foto, Figur eines Menschen",
        "buste en silicone, sculpture et statue d'après photo",
        "busto de silicone, escultura e estátua realista, figura humana",
        "busto in silicone, scultura e statua iperrealistica",
    ],
)
def test_form_words_say_nothing_of_size(concepts_of, text):
    assert "figurine" not in concepts_of(text)


# The same form with its size (or a kind that is small by definition) stays a figurine.
@pytest.mark.parametrize(
    "text",
    [
        "mini bust of your father, 1:6, made from photos",
        "statuette of your grandma for the desk",
        "1/6 胸像 手办 定制",
        "ミニフィギュア 胸像 1/6",
        "미니 피규어 흉상 1/6",
        "мини-бюст 1:6 по фото",
        "mini busto 1:6 de escritorio",
        "Minibüste im Maßstab 1:6",
        "mini buste 1:6, figurine de bureau",
        "miniatura do busto em escala 1:6",
        "mini busti in scala 1:6",
    ],
)
def test_the_same_form_with_its_size_is_a_figurine(concepts_of, text):
    assert "figurine" in concepts_of(text)


@pytest.mark.parametrize(
    "text",
    [
        "等身大 蝋人形 オーダー製作",
        "等身大ろう人形 制作承ります",
        "真人蜡像定制 1:1",
        "明星蜡人 复刻",
    ],
)
def test_wax_figures_are_a_material_not_a_doll(concepts_of, text):
    found = concepts_of(text)
    assert "material" in found
    assert "figurine" not in found


def _states_life_size(text):
    from maskscreen.classifier.concepts import life_size

    return life_size().search(normalize(text)) is not None


@pytest.mark.parametrize(
    "word",
    ["life-size", "等身大", "в натуральную величину", "tamaño real", "lebensgroß", "grandeur nature",
     "tamanho natural", "grandezza naturale", "1:1 replica"],
)  # fmt: skip
def test_life_size_words_are_known_as_such(word):
    assert _states_life_size(word)


def test_no_synthetic_look_alike_states_a_life_size_or_is_made_of_wax():
    from maskscreen.classifier.augment import LIKENESS_MATERIAL, synthetic_examples

    examples = synthetic_examples()
    benign = [e for e in examples if e.label == "benign"]
    assert len(benign) > 500
    assert not [e.title for e in benign if _states_life_size(e.title)]
    # dangerous synthetic titles still draw life-size words: the filter is the label's
    assert any(_states_life_size(e.title) for e in examples if e.label != "benign")
    assert not [e.title for e in examples if LIKENESS_MATERIAL.search(normalize(e.title))]


def test_no_behavioural_look_alike_case_states_a_life_size():
    from maskscreen.classifier.behaviour import generate

    for held in ("test", "train"):
        cases = generate(held=held)
        benign = [c.texts[0] for c in cases if c.test == "MFT" and c.expect == "benign"]
        assert len(benign) > 500
        assert not [text for text in benign if _states_life_size(text)]
