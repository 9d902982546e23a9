"""Synthetic training listings from the policy concepts' *training* words (never the
held-out test words), in every language: the policy's structure taught directly.

A real listing names a person, a realism, a material and a coverage in countless
wordings; the corpus shows only some of them in each language. These keyword-style
titles (the way marketplace titles are written) pair every training word with the
others, so the model learns that the concepts, not particular words, make a listing
dangerous or a look-alike. Their templates differ from the behavioural tests' own
(behaviour.py) and they join training only: thresholds are chosen on the real
listings' cross-validated scores alone.

The general shapes are off in the shipped recipe (train.SYNTHETIC_WEIGHT = 0): on
cross-validation of the real training listings they cost recall; kept so the measurement
can be repeated as the real data grows. The from-photo look-alikes (FROM_PHOTO_SHAPES,
family "augmented-from-photo") have their own weight (train.FROM_PHOTO_WEIGHT): a
figurine, bust or printed photo made from the buyer's photo, with nothing worn, is benign
(issue 13: "from your photo" alone never flags), beside minimal pairs of the same words
with a mask worn (custom copies).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from maskscreen.classifier.concepts import read_lexicon, without_life_size
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
# Made-to-order phrases per language, each one the signal patterns know (none of them the
# behavioural tests' own).
MADE = {
    "en": [
        "custom from your pictures",
        "made to order from your photo",
        "upload a photo of the person",
    ],
    "zh": ["来图定做", "根据照片定制", "提供照片即可制作"],
    "ja": ["写真を元にオーダーメイド", "写真から作成", "お客様の写真で製作"],
    "ko": ["주문 제작 사진 보내주시면", "사진 보내주시면 제작", "고객님 사진으로 맞춤 제작"],
    "ru": ["изготовим на заказ по фото", "сделаем по вашей фотографии", "по фото клиента"],
    "es": [
        "hecho por encargo a partir de tus fotos",
        "personalizado con tu foto",
        "envíanos una foto",
    ],
    "de": ["Maßanfertigung nach Ihrem Foto", "individuell nach Foto", "Anfertigung nach Foto"],
    "fr": [
        "sur mesure à partir de vos photos",
        "personnalisé d'après votre photo",
        "envoyez une photo",
    ],
    "pt": [
        "sob encomenda a partir de suas fotos",
        "personalizado com sua foto",
        "sob medida pela foto",
    ],
    "it": [
        "su misura dalle tue foto",
        "personalizzato dalla foto",
        "riprodotta dalla foto del cliente",
    ],
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
# Look-alike objects made from the buyer's photo, nothing worn: benign (issue 13, item 5).
FROM_PHOTO_SHAPES = [
    ("benign", ("figurine", "human_subject", "realism", "made")),
    ("benign", ("made", "realism", "figurine", "human_subject")),
    ("benign", ("human_subject", "figurine", "material", "made")),
    ("benign", ("printed_photo", "human_subject", "noun", "made")),
    ("benign", ("made", "printed_photo", "realism", "human_subject")),
    # their minimal pairs: the same words with a mask worn, a custom copy, so that the
    # made-to-order phrase itself stays evidence of danger
    ("custom_face_copy", ("made", "human_subject", "realism", "noun", "wearable")),
    ("custom_face_copy", ("human_subject", "noun", "material", "realism", "made")),
    ("custom_face_copy", ("realism", "material", "noun", "human_subject", "made")),
]
PER_SHAPE = 4  # per language
FROM_PHOTO_PER_SHAPE = 6  # at least; more where a covered concept has more words (below)
# Concepts every one of whose training words the from-photo titles use, in every language:
# drawn at random, 18 titles used 13 of the 51 English figurine words (not "figurine",
# "bust" or "miniature"; of the scales 1/6 alone), so the held-out size and keepsake words met a figurine weight
# learnt from a few words. Each shape then has enough titles for its share of the words,
# the minimal pairs as many, so that made-to-order titles stay as often dangerous as before.
FROM_PHOTO_COVER = ("figurine", "printed_photo")
# Material and realism words that name a whole likeness (a wax figure, 蝋人形, a
# "Wachs-Double"): no mask or figurine is made of them, and a life-size wax figure of a real
# person is a custom face copy, so no slot of a synthetic title draws one, nor does a
# code-switched copy swap one for another material (蜡烛, a candle, is no likeness).
LIKENESS_MATERIAL = re.compile(r"wax|cire|\bcera\b|wachs|воск|蝋|ろう|蜡(?!烛)|밀랍")


def _drawable(concept: str, words: list[str]) -> list[str]:
    """The words of a concept a synthetic title may hold ("*" dropped; no wax likeness)."""
    return [
        w.replace("*", "")
        for w in words
        if concept not in ("material", "realism") or not LIKENESS_MATERIAL.search(w)
    ]


# Evasion claims per language, each one the signal patterns know (none of them the
# behavioural tests' own, none holding a concept word).
EVASION = {
    "en": ["nobody can tell it is a mask", "perfect disguise", "passes face ID"],
    "zh": ["别人认不出", "换一张脸", "换脸易容"],
    "ja": ["正体がバレない", "別人になりすまし", "顔認証を突破"],
    "ko": ["신분 위장", "얼굴 인식 통과", "정체를 숨기는"],
    "ru": ["никто не отличит", "идеальная маскировка", "обманывает распознавание лиц"],
    "es": ["nadie sabrá que es una máscara", "perfecto disfraz para pasar desapercibido"],
    "de": ["perfekte Tarnung", "täuscht Kameras", "täuscht Gesichtserkennung"],
    "fr": ["trompe les caméras", "méconnaissable"],
    "pt": ["irreconhecível", "engana câmeras", "ninguém percebe que é máscara"],
    "it": ["irriconoscibile", "nessuno ti riconoscerà", "inganna le telecamere"],
}
# Counterfactual pairs (family "augmented-counterfactual"): a stock realistic mask in these
# shapes, then the same title with a made-to-order phrase (a custom copy) and with an
# evasion claim (still a realistic mask). Both cues only ever add danger, so the model sees
# the same words with and without them, all dangerous: under the normalised score a
# made-to-order phrase otherwise moves a listing from realistic_face_mask to
# custom_face_copy and loses more of the one sigmoid than it gains of the other.
COUNTERFACTUAL_SHAPES = [
    ("human_subject", "noun", "material", "realism", "wearable"),
    ("material", "wearable", "noun", "human_subject", "realism"),
    ("realism", "human_subject", "wearable", "noun"),
]
COUNTERFACTUAL_PER_SHAPE = 4


def synthetic_examples(lexicon: dict | None = None, seed: int = 0) -> list[Example]:
    """Keyword-style listings from training words, labelled by the policy: the general
    shapes (family "augmented"), then the from-photo look-alikes ("augmented-from-photo")."""
    lexicon = lexicon or read_lexicon()
    rng = random.Random(seed)
    honest = _honesty(lexicon)
    out = _examples(lexicon, rng, SHAPES, PER_SHAPE, "augmented", "aug", honest)
    out += _examples(
        lexicon, rng, FROM_PHOTO_SHAPES, FROM_PHOTO_PER_SHAPE, "augmented-from-photo",
        "aug-photo", honest, cover=FROM_PHOTO_COVER,
    )  # fmt: skip
    return out + counterfactual_examples(lexicon, seed, honest)


def counterfactual_examples(
    lexicon: dict | None = None, seed: int = 0, honest: Callable[[str], bool] | None = None
) -> list[Example]:
    """Counterfactual triples from training words (family "augmented-counterfactual"): a stock
    realistic mask title (COUNTERFACTUAL_SHAPES), the same title with a made-to-order phrase
    of MADE (custom_face_copy) and with an evasion claim of EVASION (realistic_face_mask)."""
    lexicon = lexicon or read_lexicon()
    rng = random.Random(f"counterfactual-{seed}")
    family = "augmented-counterfactual"
    out = []
    for base in _examples(
        lexicon, rng, [("realistic_face_mask", s) for s in COUNTERFACTUAL_SHAPES],
        COUNTERFACTUAL_PER_SHAPE, family, "aug-cf", honest or _honesty(lexicon),
    ):  # fmt: skip
        language = base.language
        out.append(base)
        for cue, phrases, label in (
            ("made_to_order", MADE, "custom_face_copy"),
            ("evasion_claim", EVASION, base.label),
        ):
            out.append(
                Example(
                    id=f"{base.id}-{cue}",
                    language=language,
                    family=family,
                    title=f"{base.title}, {rng.choice(phrases[language])}",
                    description="",
                    label=label,
                    signals={**base.signals, cue: True},
                )
            )
    return out


def _honesty(lexicon) -> Callable[[str], bool]:
    """Whether a title holds no held-out word except inside a longer lexicon word: words
    that run together ("硅胶 皮肤" holds 胶皮) would put a held-out word in training."""
    from maskscreen.classifier.concepts import ConceptMatcher
    from maskscreen.classifier.normalize import normalize

    held_out, known = ConceptMatcher.from_data(lexicon, "test"), ConceptMatcher.from_data(lexicon)

    def honest(title: str) -> bool:
        text = normalize(title)
        spans = [(m.start, m.end) for m in known.find(text)]
        return all(any(s <= m.start and m.end <= e for s, e in spans) for m in held_out.find(text))

    return honest


def _examples(
    lexicon, rng, shapes, per_shape: int, family: str, prefix: str,
    honest: Callable[[str], bool], cover: tuple = (),
) -> list[Example]:  # fmt: skip
    """`per_shape` titles of each shape per language, each slot's word drawn at random; the
    words of a `cover` concept are dealt from a shuffled deck instead, every shape given
    enough titles (at least `per_shape`) that every training word of the concept is used.
    A title that is not `honest` (a held-out word formed where words run together) is drawn
    again, its dealt word kept."""
    out = []
    for language, nouns in NOUNS.items():
        words = {
            concept: _drawable(concept, langs[language]["train"])
            for concept, langs in lexicon["concepts"].items()
        }
        count = per_shape
        for concept in cover:
            holding = sum(concept in slots for _, slots in shapes)
            count = max(count, -(-len(words[concept]) // holding))
        # a look-alike's title never states a life size (a life-size likeness is a copy)
        small = without_life_size(words)
        decks: dict[str, list[str]] = {}
        for shape_index, (label, slots) in enumerate(shapes):
            drawn = small if label == "benign" else words
            for k in range(count):
                dealt = {}
                for slot in slots:
                    if slot in cover:
                        if not decks.get(slot):
                            decks[slot] = rng.sample(words[slot], len(words[slot]))
                        dealt[slot] = decks[slot].pop()
                for _ in range(20):
                    parts = []
                    for slot in slots:
                        if slot == "noun":
                            parts.append(rng.choice(nouns))
                        elif slot == "made":
                            parts.append(rng.choice(MADE[language]))
                        else:
                            parts.append(dealt.get(slot) or rng.choice(drawn[slot]))
                    if honest(" ".join(parts)):
                        break
                made = "made" in slots
                out.append(
                    Example(
                        id=f"{prefix}-{language}-{shape_index:02d}-{k}",
                        language=language,
                        family=family,
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


def made_to_order_copies(
    texts: list[str], labels: list[str], languages: list[str], seed: int = 0
) -> list[tuple[int, str]]:
    """For each stock realistic mask among the listings given (a cross-validation fold's
    training part, never its held-out part), the same listing with a made-to-order phrase of
    MADE in its language appended: (index of the listing, its text) pairs, to be labelled
    custom_face_copy. Real listings with and without the phrase, both dangerous: the phrase
    moves a listing between the dangerous labels and never towards benign."""
    rng = random.Random(f"made-to-order-{seed}")
    return [
        (index, f"{text}, {rng.choice(MADE[language])}")
        for index, (text, label, language) in enumerate(zip(texts, labels, languages, strict=True))
        if label == "realistic_face_mask" and language in MADE
    ]


# Concepts whose words a seller writing in another language often leaves in English
# ("realistic ゴムマスク", "Maske aus silicone, full head").
CODE_SWITCHED = ("realism", "material", "wearable")


def code_switched(
    texts: list[str], languages: list[str], lexicon: dict | None = None, seed: int = 0
) -> list[tuple[int, str]]:
    """For each non-English listing holding a word of one of CODE_SWITCHED's concepts, the
    same listing with one such word (chosen at random) replaced by an English *training* word
    of that concept: (index of the listing, its code-switched text) pairs.

    Made from the listings it is given (a cross-validation fold's training part, never its
    held-out part), so that the model learns that a concept counts the same in either
    language instead of weighting the common English word by the English look-alikes alone."""
    from maskscreen.classifier.concepts import ConceptMatcher
    from maskscreen.classifier.normalize import normalize

    lexicon = lexicon or read_lexicon()
    matcher = ConceptMatcher.from_data(lexicon, "train")
    english = {
        concept: _drawable(concept, lexicon["concepts"][concept]["en"]["train"])
        for concept in CODE_SWITCHED
    }
    already = {word for words in english.values() for word in words}
    rng = random.Random(seed)
    out: list[tuple[int, str]] = []
    for index, (text, language) in enumerate(zip(texts, languages, strict=True)):
        if language in ("en", "mixed"):
            continue
        normalized = normalize(text)
        found = [
            m
            for m in matcher.find(normalized)
            if m.concept in english
            and m.text not in already
            and not LIKENESS_MATERIAL.search(m.text)
        ]
        if not found:
            continue
        match = rng.choice(found)
        word = rng.choice(english[match.concept])
        out.append((index, f"{normalized[: match.start]} {word} {normalized[match.end :]}"))
    return out
