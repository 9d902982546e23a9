"""The evasion_claim ruling (classifier/GUIDELINES.md section 3) in the signal patterns
(signals-2026.12.9): concept patterns in the ten languages, the object context (realism
of a wig or doll is not a claim, a person passing is), 变装 alone, and the relabel log.
Cases written for these tests, not taken from the records."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import load_grounded
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher, default_matcher, read_patterns


def evasion(text: str, matcher: SignalMatcher | None = None) -> bool:
    matcher = matcher or default_matcher()
    return matcher.flags(matcher.find(normalize(text)))["evasion_claim"]


def concept_only() -> SignalMatcher:
    """A matcher of the concept patterns alone (the hand-written ones taken out)."""
    data = json.loads(read_patterns())
    for language, patterns in data["signals"]["evasion_claim"].items():
        data["signals"]["evasion_claim"][language] = [
            p for p in patterns if p.startswith("(?#concept)")
        ]
    return SignalMatcher.from_text(json.dumps(data))


CONCEPT_CLAIMS = [
    "Wore it twice and it slipped past the lobby turnstiles both times.",
    "My in-laws sat across from me all dinner and never once realised anything.",
    "Probé el rostro de goma y logró burlar el control de acceso del edificio.",
    "Com a máscara consegui driblar a catraca do condomínio sem problema.",
    "Avec ce visage en silicone il a réussi à berner le portique du bureau.",
    "Mit der Haube kam er einfach durch die Einlasskontrolle am Stadion.",
    "Con la maschera è riuscito ad aggirare i tornelli della metro.",
    "В этой маске он спокойно прошел через турникет на проходной.",
    "戴着这张脸皮混过了小区门禁，物业完全没察觉",
    "このマスクで会社のゲートをすり抜けできた",
    "이 가면 쓰고 회사 출입 게이트 통과했어요",
    "戴上这个头套逛商场，店员都以为我是本地阿姨",
    "このマスクで街を歩いたら通行人に普通のおばあさんと思われた",
]


@pytest.mark.parametrize("text", CONCEPT_CLAIMS)
def test_concept_patterns_find_claims_in_every_language(text):
    assert evasion(text, concept_only())
    assert evasion(text)


CONCEPT_NON_CLAIMS = [
    "Weatherproof security camera with 4K sensor and a night mode.",
    "Passers-by stop to admire the hand-painted wrinkles at our stall.",
    "La cámara del portero automático graba en alta definición.",
    "A catraca do condomínio foi trocada por um modelo novo.",
    "Le portique de sécurité se règle en dix minutes.",
    "Die Einlasskontrolle öffnet um acht Uhr.",
    "I tornelli della metro accettano la carta contactless.",
    "Турникет на проходной работает от карты.",
    "小区门禁升级为人脸识别，业主刷脸进门",
    "会社のゲートは社員証で通れます",
    "회사 출입 게이트는 사원증으로 통과합니다",
]


@pytest.mark.parametrize("text", CONCEPT_NON_CLAIMS)
def test_concept_patterns_leave_checks_without_a_defeat_alone(text):
    assert not evasion(text, concept_only())


@pytest.mark.parametrize(
    "text",
    [
        "Men's hair unit, thin poly base. Nobody will know you wear a toupee.",
        "Reborn baby doll with rooted hair. Strangers will think she is a real newborn.",
        "Perücke aus Echthaar. Niemand merkt, dass es eine Perücke ist.",
        "男士发片 真人发 贴上同事都没发现",
        "リボーンドール 本物の赤ちゃんと見分けがつかない",
        "Парик из натуральных волос, никто не догадается",
    ],
)
def test_realism_of_a_wig_or_doll_is_not_a_claim(text):
    assert not evasion(text)


@pytest.mark.parametrize(
    "text",
    [
        # a mask sold with a wig keeps its claims
        "Silicone lady mask. Add the wig and nobody will look twice at you.",
        "硅胶女脸面具 配上假发出门路人都没发现",
        # a wig in a disguise kit that speaks of recognising
        "Costume kit: long wig and glasses, even your own brother won't recognise you.",
        "Perruque et lunettes : même vos voisins ne vous reconnaîtront pas.",
    ],
)
def test_a_person_passing_stays_a_claim_beside_a_wig(text):
    assert evasion(text)


def test_chinese_dress_up_alone_is_not_a_claim_but_japanese_disguise_is():
    assert not evasion("女性硅胶头套 变装爱好者 拍照聚会用")
    assert evasion("リアルな女性マスク 変装用")
    assert evasion("女性硅胶头套 变装出门 路人都认不出来")


def test_relabel_log_matches_the_records():
    directory = resources.files("maskscreen.classifier").joinpath("data/grounded")
    rows = [
        json.loads(line)
        for line in directory.joinpath("_evasion_relabel.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    marks = {e.id: e.signals.get("evasion_claim") for e in (*load_corpus(), *load_grounded())}
    assert len(rows) == len({row["id"] for row in rows}) >= 100
    for row in rows:
        assert row["was"] != row["now"] and row["why"]
        assert marks[row["id"]] is row["now"], row["id"]


def test_the_guidelines_hold_the_rule():
    text = resources.files("maskscreen.classifier").joinpath("GUIDELINES.md").read_text("utf-8")
    for phrase in ("Passing as a person", "Defeating identification", "Dolls, mannequins"):
        assert phrase in text
