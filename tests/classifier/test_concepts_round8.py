"""Lexicon concepts-2026.12.4 (and later): the words that carry a custom copy of one real person's face,
in all ten languages, and the figurine and printed-photo words that keep small or flat goods
made from a buyer's photo on the look-alike side. Hand-written listings (not corpus text)."""

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "wearable silicone face replica of the face you want",
        "硅胶面具 真人复刻 照片里的人",
        "写真の人物を本人そっくりに再現したマスク",
        "사진 속 인물의 얼굴 복제 가면",
        "силиконовая маска, копия лица конкретного человека",
        "máscara de silicona: réplica hiperrealista de cualquier rostro",
        "Silikonmaske nach dem Wunschgesicht einer bestimmten Person",
        "masque en silicone, sosie de la personne de votre choix",
        "máscara de silicone com o rosto da pessoa, cópia do rosto",
        "maschera in silicone, copia del volto di una persona specifica",
    ],
)
def test_custom_copy_wording_reads_as_a_person_or_a_likeness(concepts_of, text):
    assert concepts_of(text) & {"human_subject", "realism"}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("3D selfie mini me figure for your desk", "figurine"),
        ("迷你人偶 蛋糕顶 婚礼", "figurine"),
        ("ケーキトッパー 3Dフィギュア", "figurine"),
        ("케이크 토퍼 미니어처", "figurine"),
        ("мини-фигурка по фото на торт", "figurine"),
        ("figura 3d para tarta, topper", "figurine"),
        ("Tortenfigur als Minifigur vom Foto", "figurine"),
        ("mini figurine 3D d'après photo", "figurine"),
        ("bonequinho 3D topo de bolo", "figurine"),
        ("statuina 3d da scrivania", "figurine"),
        ("cardboard face on a stick printed from your photo", "printed_photo"),
        ("人脸扇 照片扇 婚礼接亲", "printed_photo"),
        ("顔うちわ 推し活", "printed_photo"),
        ("얼굴 부채 응원", "printed_photo"),
        ("фотопечать на маске", "printed_photo"),
        ("careta de cartón con foto impresa", "printed_photo"),
        ("Pappmaske mit Fotodruck", "printed_photo"),
        ("masque en carton, impression photo", "printed_photo"),
        ("máscara de papelão com foto impressa", "printed_photo"),
        ("maschera di cartone con volto stampato", "printed_photo"),
    ],
)
def test_small_and_flat_goods_from_a_photo_keep_their_lookalike_concept(concepts_of, text, concept):
    assert concept in concepts_of(text)
