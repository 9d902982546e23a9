"""Synthetic training listings from the policy concepts' *training* words (never the
held-out test words), in every language: the policy's structure taught directly.

A real listing names a person, a realism, a material and a coverage in countless
wordings; the corpus shows only some of them in each language. These keyword-style
titles (the way marketplace titles are written) pair every training word with the
others, so the model learns that the concepts, not particular words, make a listing
dangerous or a look-alike. Their templates differ from the behavioural tests' own
(behaviour.py) and they join training only: thresholds are chosen on the real
listings' cross-validated scores alone.

Off in the shipped recipe (train.SYNTHETIC_WEIGHT = 0): on cross-validation of the real
training listings they cost recall; kept so the measurement can be repeated as the real
data grows.
"""

from __future__ import annotations

import random

from maskscreen.classifier.concepts import read_lexicon
from maskscreen.classifier.corpus import Example

NOUNS = {
    "en": ["mask", "face mask", "head mask"],
    "zh": ["面具", "头套", "脸皮"],
    "ja": ["マスク", "かぶりもの", "フェイスマスク"],
    "ko": ["마스크", "가면", "얼굴 마스크"],
    "ru": ["маска", "маску", "лицо-маска"],
    "es": ["máscara", "careta", "máscara facial"],
    "de": ["Maske", "Gesichtsmaske", "Kopfmaske"],
    "fr": ["masque", "masque visage", "masque tête"],
    "pt": ["máscara", "máscara facial", "máscara de cabeça"],
    "it": ["maschera", "maschera viso", "maschera testa"],
}
MADE = {
    "en": "custom from your pictures",
    "zh": "来图定做",
    "ja": "写真を元にオーダーメイド",
    "ko": "주문 제작 사진 보내주시면",
    "ru": "изготовим на заказ по фото",
    "es": "hecho por encargo a partir de tus fotos",
    "de": "Maßanfertigung nach Ihrem Foto",
    "fr": "sur mesure à partir de vos photos",
    "pt": "sob encomenda a partir de suas fotos",
    "it": "su misura dalle tue foto",
}
# (label, slots in title order; "noun" is the product word, "made" the made-to-order phrase)
SHAPES = [
    ("realistic_face_mask", ("human_subject", "noun", "material", "realism", "wearable")),
    ("realistic_face_mask", ("material", "wearable", "noun", "human_subject", "realism")),
    ("realistic_face_mask", ("realism", "human_subject", "wearable", "noun")),
    ("realistic_face_mask", ("wearable", "material", "noun", "realism")),
    ("custom_face_copy", ("human_subject", "noun", "material", "realism", "made")),
    ("custom_face_copy", ("made", "realism", "material", "noun", "wearable")),
    ("benign", ("creature", "noun", "material", "realism", "wearable")),
    ("benign", ("realism", "creature", "material", "wearable", "noun")),
    ("benign", ("caricature", "human_subject", "noun", "material")),
    ("benign", ("skincare", "noun", "material", "realism")),
    ("benign", ("medical", "noun", "material")),
    ("benign", ("display_head", "human_subject", "realism", "material")),
    ("benign", ("printed_photo", "human_subject", "noun")),
    ("benign", ("figurine", "human_subject", "realism", "material", "made")),
    ("benign", ("lookalike_product", "material", "realism")),
]
PER_SHAPE = 4  # per language


def synthetic_examples(lexicon: dict | None = None, seed: int = 0) -> list[Example]:
    """Keyword-style listings from training words, labelled by the policy."""
    lexicon = lexicon or read_lexicon()
    rng = random.Random(seed)
    out = []
    for language, nouns in NOUNS.items():
        words = {
            concept: [w.replace("*", "") for w in langs[language]["train"]]
            for concept, langs in lexicon["concepts"].items()
        }
        for shape_index, (label, slots) in enumerate(SHAPES):
            for k in range(PER_SHAPE):
                parts = []
                for slot in slots:
                    if slot == "noun":
                        parts.append(rng.choice(nouns))
                    elif slot == "made":
                        parts.append(MADE[language])
                    else:
                        parts.append(rng.choice(words[slot]))
                made = "made" in slots
                out.append(
                    Example(
                        id=f"aug-{language}-{shape_index:02d}-{k}",
                        language=language,
                        family="augmented",
                        title=" ".join(parts),
                        description="",
                        label=label,
                        signals={
                            "evasion_claim": False,
                            "made_to_order": made,
                            "off_platform_contact": False,
                        },
                    )
                )
    return out
