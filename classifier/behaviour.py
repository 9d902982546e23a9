"""Behavioural tests (CheckList: Ribeiro et al., ACL 2020), generated from templates and the
held-out test words of the concept lexicon (patterns/concepts.json), per language.

- MFT, minimum functionality: templated dangerous listings are flagged, templated
  look-alikes (creature, caricature, skincare, medical, display head, printed photo,
  figurine) are not, nor a figurine or printed photo made from the buyer's photo.
- INV, invariance: swapping the person word, adding a price in another currency,
  marketplace filler or keyword stuffing, or writing one phrase in English leaves the
  verdict (flagged or not) unchanged.
- DIR, directional: adding an evasion claim or a made-to-order phrase never lowers the
  score (beyond DIR_TOLERANCE: added words dilute every TF-IDF row a little); adding a
  creature, caricature, skincare or printed-paper cue lowers it.

Each case holds out one slot (the person word, the realism word, the look-alike cue…):
the words tested there are the lexicon's *test* words, which the model never matches, and
the other slots take training words. So the figures measure how the model generalises
to a word it never saw in an otherwise ordinary listing. Cases are drawn with a fixed seed.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from maskscreen.classifier.concepts import read_lexicon, without_life_size

DIR_TOLERANCE = 0.01
CASES = 30  # per template and language
TEST_TYPES = ("MFT", "INV", "DIR")

# Per language: dangerous templates, look-alike templates (concept -> template), the English
# phrase used to swap one phrase's language, evasion and made-to-order phrases.
TEMPLATES = {
    "en": {
        "danger": [
            "{realism} {material} {human} mask, {wearable}",
            "{material} {human} head mask {wearable} - {realism}",
        ],
        "benign": {
            "creature": "{realism} {material} {creature} mask, {wearable}",
            "caricature": "{caricature} {material} {human} mask, {caricature}",
            "skincare": "{skincare} {material} face mask, {skincare}",
            "medical": "{medical} {material} mask, {medical}",
            "display_head": "{display_head} {realism} {human} face, {display_head}",
            "printed_photo": "{printed_photo} {human} face mask, {printed_photo}",
            "figurine": "{figurine} of a {human}, {realism}, {figurine}",
        },
        "evasion": ["nobody will ever know it's a mask", "fools cameras and face recognition"],
        "made": ["made from your photos", "send us 3 photos of the face"],
    },
    "zh": {
        "danger": [
            "{realism}{material}{human}面具 {wearable}",
            "{human} {material}头套 {wearable} {realism}",
        ],
        "benign": {
            "creature": "{realism}{material}{creature}面具 {wearable}",
            "caricature": "{caricature}{material}{human}面具 {caricature}",
            "skincare": "{skincare}{material}面膜 {skincare}",
            "medical": "{medical}{material}口罩 {medical}",
            "display_head": "{display_head} {realism}{human}脸 {display_head}",
            "printed_photo": "{printed_photo} {human}脸 {printed_photo}",
            "figurine": "{figurine} {human} {realism} {figurine}",
        },
        "evasion": ["戴上没人认得出来", "可以过人脸识别"],
        "made": ["按照片定制", "发三张照片给我们"],
    },
    "ja": {
        "danger": [
            "{realism} {material}マスク {human} {wearable}",
            "{human}の{material}マスク {wearable} {realism}",
        ],
        "benign": {
            "creature": "{realism} {material} {creature}マスク {wearable}",
            "caricature": "{caricature} {material} {human}マスク {caricature}",
            "skincare": "{skincare} {material} マスク {skincare}",
            "medical": "{medical} {material} マスク {medical}",
            "display_head": "{display_head} {realism} {human} {display_head}",
            "printed_photo": "{printed_photo} {human} {printed_photo}",
            "figurine": "{figurine} {human} {realism} {figurine}",
        },
        "evasion": ["絶対に見破られない", "誰にもバレない"],
        "made": ["お写真から製作します", "オーダーメイド"],
    },
    "ko": {
        "danger": [
            "{realism} {material} 마스크 {human} {wearable}",
            "{human} {material} 가면 {wearable} {realism}",
        ],
        "benign": {
            "creature": "{realism} {material} {creature} 마스크 {wearable}",
            "caricature": "{caricature} {material} {human} 가면 {caricature}",
            "skincare": "{skincare} {material} 마스크 {skincare}",
            "medical": "{medical} {material} 마스크 {medical}",
            "display_head": "{display_head} {realism} {human} {display_head}",
            "printed_photo": "{printed_photo} {human} {printed_photo}",
            "figurine": "{figurine} {human} {realism} {figurine}",
        },
        "evasion": ["아무도 못 알아봐요", "들키지 않아요"],
        "made": ["사진으로 제작", "주문 제작"],
    },
    "ru": {
        "danger": [
            "{realism} {material} маска {human}, {wearable}",
            "маска {human} {material}, {wearable}, {realism}",
        ],
        "benign": {
            "creature": "{realism} {material} маска {creature}, {wearable}",
            "caricature": "{caricature} {material} маска {human}, {caricature}",
            "skincare": "{skincare} {material} маска, {skincare}",
            "medical": "{medical} {material} маска, {medical}",
            "display_head": "{display_head} {realism} {human}, {display_head}",
            "printed_photo": "{printed_photo} {human}, {printed_photo}",
            "figurine": "{figurine} {human}, {realism}, {figurine}",
        },
        "evasion": ["никто не узнает", "обманет камеры"],
        "made": ["по вашему фото", "на заказ"],
    },
    "es": {
        "danger": [
            "máscara {material} {realism} {human}, {wearable}",
            "{human} máscara de {material} {wearable}, {realism}",
        ],
        "benign": {
            "creature": "máscara {material} {realism} {creature}, {wearable}",
            "caricature": "{caricature} máscara {material} {human}, {caricature}",
            "skincare": "{skincare} mascarilla {material}, {skincare}",
            "medical": "{medical} mascarilla {material}, {medical}",
            "display_head": "{display_head} {realism} {human}, {display_head}",
            "printed_photo": "{printed_photo} {human}, {printed_photo}",
            "figurine": "{figurine} {human} {realism}, {figurine}",
        },
        "evasion": ["nadie lo notará", "engaña a las cámaras"],
        "made": ["a partir de tu foto", "por encargo"],
    },
    "de": {
        "danger": [
            "{realism} {material} Maske {human}, {wearable}",
            "{human} Maske aus {material}, {wearable}, {realism}",
        ],
        "benign": {
            "creature": "{realism} {material} Maske {creature}, {wearable}",
            "caricature": "{caricature} {material} Maske {human}, {caricature}",
            "skincare": "{skincare} {material} Maske, {skincare}",
            "medical": "{medical} {material} Maske, {medical}",
            "display_head": "{display_head} {realism} {human}, {display_head}",
            "printed_photo": "{printed_photo} {human}, {printed_photo}",
            "figurine": "{figurine} {human} {realism}, {figurine}",
        },
        "evasion": ["niemand wird es merken", "Gesichtserkennung austricksen"],
        "made": ["nach Ihrem Foto", "auf Bestellung"],
    },
    "fr": {
        "danger": [
            "masque {material} {realism} {human}, {wearable}",
            "{human} masque en {material} {wearable}, {realism}",
        ],
        "benign": {
            "creature": "masque {material} {realism} {creature}, {wearable}",
            "caricature": "{caricature} masque {material} {human}, {caricature}",
            "skincare": "{skincare} masque {material}, {skincare}",
            "medical": "{medical} masque {material}, {medical}",
            "display_head": "{display_head} {realism} {human}, {display_head}",
            "printed_photo": "{printed_photo} {human}, {printed_photo}",
            "figurine": "{figurine} {human} {realism}, {figurine}",
        },
        "evasion": ["personne ne verra la différence", "trompe la reconnaissance faciale"],
        "made": ["d'après vos photos", "sur commande"],
    },
    "pt": {
        "danger": [
            "máscara {material} {realism} {human}, {wearable}",
            "{human} máscara de {material} {wearable}, {realism}",
        ],
        "benign": {
            "creature": "máscara {material} {realism} {creature}, {wearable}",
            "caricature": "{caricature} máscara {material} {human}, {caricature}",
            "skincare": "{skincare} máscara {material}, {skincare}",
            "medical": "{medical} máscara {material}, {medical}",
            "display_head": "{display_head} {realism} {human}, {display_head}",
            "printed_photo": "{printed_photo} {human}, {printed_photo}",
            "figurine": "{figurine} {human} {realism}, {figurine}",
        },
        "evasion": ["ninguém vai perceber", "engana o reconhecimento facial"],
        "made": ["a partir de sua foto", "sob encomenda"],
    },
    "it": {
        "danger": [
            "maschera {material} {realism} {human}, {wearable}",
            "{human} maschera in {material} {wearable}, {realism}",
        ],
        "benign": {
            "creature": "maschera {material} {realism} {creature}, {wearable}",
            "caricature": "{caricature} maschera {material} {human}, {caricature}",
            "skincare": "{skincare} maschera {material}, {skincare}",
            "medical": "{medical} mascherina {material}, {medical}",
            "display_head": "{display_head} {realism} {human}, {display_head}",
            "printed_photo": "{printed_photo} {human}, {printed_photo}",
            "figurine": "{figurine} {human} {realism}, {figurine}",
        },
        "evasion": ["nessuno se ne accorgerà", "inganna il riconoscimento facciale"],
        "made": ["dalla tua foto", "su misura"],
    },
}
PRICES = ["$ 59.99", "€ 45,00", "¥ 399", "₽ 4 990", "£ 120", "R$ 250", "₩ 89,000"]
FILLERS = [
    "Free shipping, 30-day returns",
    "★★★★★ top seller",
    "In stock, ships in 24h",
    "NEW 2026",
]
ENGLISH = {"material": "silicone", "realism": "realistic", "wearable": "full head"}
DOWN_CUES = ("creature", "caricature", "skincare", "printed_photo")
FROM_PHOTO = ("figurine", "printed_photo")  # look-alike objects often made from a photo


@dataclass(frozen=True)
class Case:
    test: str  # MFT, INV or DIR
    name: str  # what the case varies
    language: str
    texts: tuple[str, ...]  # MFT: one text; INV and DIR: (base, variant)
    expect: str  # MFT: "flag" or "benign"; INV: "same"; DIR: "not_lower" or "lower"


def _words(lexicon: dict, split: str) -> dict[str, dict[str, list[str]]]:
    return {
        concept: {lang: [w.replace("*", "") for w in lists[split]] for lang, lists in langs.items()}
        for concept, langs in lexicon["concepts"].items()
    }


SLOTS = {"human": "human_subject"}  # template slot -> concept, where the names differ
DANGEROUS_SLOTS = ("human_subject", "realism", "material", "wearable")


def generate(lexicon: dict | None = None, seed: int = 0, held: str = "test") -> list[Case]:
    """The behavioural test cases. Each case holds out one slot: the words tested there are
    the lexicon's *test* words (never in the text a model is fitted on); the other slots are
    filled with training words, as a seller's listing with one unusual word would be.

    `held="train"` fills the held-out slots with training words too: the cases a model's
    recipe may be chosen on (the held-out figures only report)."""
    lexicon = lexicon or read_lexicon()
    train, test = _words(lexicon, "train"), _words(lexicon, held)
    rng = random.Random(seed)
    cases: list[Case] = []
    for language, t in TEMPLATES.items():

        def draw(held: str, language: str = language, small: bool = False) -> dict[str, str]:
            """One word per slot; `small`: no realism word that states a life size (the
            look-alike templates: a life-size likeness of a person is a custom copy)."""
            words = {c: (test if c == held else train)[c].get(language, []) for c in train}
            if small:
                words = without_life_size(words)
            return {c: rng.choice(ws) for c, ws in words.items() if train[c].get(language)}

        def fill(template: str, held: str, slots: dict | None = None, **fixed) -> str:
            slots = {**(slots or draw(held)), **fixed}
            slots["human"] = slots["human_subject"]
            return template.format(**slots)

        for template in t["danger"]:
            for held in DANGEROUS_SLOTS:
                for _ in range(CASES // len(DANGEROUS_SLOTS)):
                    text = fill(template, held)
                    cases.append(Case("MFT", f"dangerous/{held}", language, (text,), "flag"))
        for concept, template in t["benign"].items():
            for _ in range(CASES // 3):
                text = fill(template, concept, draw(concept, small=True))
                cases.append(Case("MFT", concept, language, (text,), "benign"))
        # "from your photo" alone never flags: a figurine or a printed photo made to order
        for concept in FROM_PHOTO:
            for _ in range(CASES // 3):
                look_alike = fill(t["benign"][concept], concept, draw(concept, small=True))
                text = f"{look_alike}, {rng.choice(t['made'])}"
                cases.append(Case("MFT", f"{concept}+made_to_order", language, (text,), "benign"))
        for template in t["danger"]:
            for _ in range(CASES // 3):
                h1, h2 = rng.sample(test["human_subject"][language], 2)
                slots = draw("human_subject")
                base = fill(template, "", slots, human_subject=h1)
                other = fill(template, "", slots, human_subject=h2)
                cases.append(Case("INV", "person", language, (base, other), "same"))
                cases.append(
                    Case("INV", "price", language, (base, f"{base} {rng.choice(PRICES)}"), "same")
                )
                cases.append(
                    Case(
                        "INV", "filler", language, (base, f"{base}. {rng.choice(FILLERS)}"), "same"
                    )
                )
                cases.append(
                    Case("INV", "stuffing", language, (base, f"{base} {base} {base}"), "same")
                )
                if language != "en":
                    concept = rng.choice(sorted(ENGLISH))
                    # one listing, one phrase written in English: the other slots stay
                    # (a second draw keeps the generator's sequence, so the other cases
                    # are those of earlier versions)
                    slots, _ = draw("human_subject"), draw("human_subject")
                    swapped = fill(
                        template, "", slots, human_subject=h1, **{concept: ENGLISH[concept]}
                    )
                    kept = fill(template, "", slots, human_subject=h1)
                    cases.append(Case("INV", "english_phrase", language, (kept, swapped), "same"))
                for phrase in t["evasion"]:
                    cases.append(
                        Case("DIR", "evasion", language, (base, f"{base}, {phrase}"), "not_lower")
                    )
                cases.append(
                    Case(
                        "DIR",
                        "made_to_order",
                        language,
                        (base, f"{base}, {rng.choice(t['made'])}"),
                        "not_lower",
                    )
                )
                cue = rng.choice(DOWN_CUES)
                cue_word = rng.choice(test[cue][language])
                cases.append(
                    Case("DIR", cue, language, (base, f"{cue_word} {base} {cue_word}"), "lower")
                )
    return cases


def run(model, cases: list[Case]) -> dict:
    """Failure rates per test type and language (and per case name), with a few failures."""
    texts = sorted({text for case in cases for text in case.texts})
    verdicts = dict(zip(texts, model.predict(texts, explain=False), strict=True))
    counts: dict = defaultdict(lambda: [0, 0])
    names: dict = defaultdict(lambda: [0, 0])
    examples: dict = defaultdict(list)
    for case in cases:
        v = [verdicts[text] for text in case.texts]
        if case.expect == "flag":
            failed = not v[0].flagged
        elif case.expect == "benign":
            failed = v[0].flagged
        elif case.expect == "same":
            failed = v[0].flagged != v[1].flagged
        elif case.expect == "not_lower":
            failed = v[1].score < v[0].score - DIR_TOLERANCE
        else:
            failed = not v[1].score < v[0].score
        for key in ((case.test, case.language), (case.test, "all")):
            counts[key][0] += failed
            counts[key][1] += 1
        names[(case.test, case.name)][0] += failed
        names[(case.test, case.name)][1] += 1
        if failed and len(examples[case.test]) < 8:
            examples[case.test].append(
                {"language": case.language, "name": case.name, "texts": list(case.texts),
                 "scores": [x.score for x in v]}
            )  # fmt: skip
    rates = {
        test: {
            language: {"failures": f, "cases": n, "rate": round(f / n, 4)}
            for (t, language), (f, n) in sorted(counts.items())
            if t == test
        }
        for test in TEST_TYPES
    }
    by_name = {
        f"{test}/{name}": {"failures": f, "cases": n, "rate": round(f / n, 4)}
        for (test, name), (f, n) in sorted(names.items())
    }
    return {
        "rates": rates,
        "by_name": by_name,
        "failures": dict(examples),
        "tolerance": DIR_TOLERANCE,
    }


def main(argv: list[str] | None = None) -> None:
    """`python -m maskscreen.classifier.behaviour [--held train|test] [--model DIR] [--json]`:
    failure rates per test type and language, and per case name, of one model. `--held train`
    fills the held-out slots with training words: the figures a recipe may be chosen on."""
    import argparse
    import json

    from maskscreen.classifier.model import load_model

    parser = argparse.ArgumentParser(description=main.__doc__.split("\n")[0])
    parser.add_argument("--held", choices=("train", "test"), default="train")
    parser.add_argument("--model", default=None, help="model directory (default: shipped)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(load_model(args.model), generate(held=args.held))
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))  # noqa: T201
        return
    for test, by_language in result["rates"].items():
        cells = [f"{lang} {row['rate'] * 100:.1f}" for lang, row in by_language.items()]
        print(f"{test}: " + ", ".join(cells))  # noqa: T201
    for name, row in result["by_name"].items():
        if row["failures"]:
            print(f"  {name}: {row['failures']}/{row['cases']}")  # noqa: T201


if __name__ == "__main__":
    main()
