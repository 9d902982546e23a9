import pytest

from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import (
    PatternFileError,
    SignalMatcher,
    default_matcher,
    grouped,
)


def fired(text):
    matcher = default_matcher()
    return {name for name, on in matcher.flags(matcher.find(normalize(text))).items() if on}


@pytest.mark.parametrize(
    ("text", "signals"),
    [
        ("Looks so real it will fool face recognition at the gate", {"evasion_claim"}),
        ("nobody can tell it's a mask", {"evasion_claim"}),
        ("可过人脸识别 以假乱真", {"evasion_claim"}),
        ("易容神器", {"evasion_claim"}),
        ("Send us 3 photos of the face and we sculpt it", {"made_to_order"}),
        ("made from your photos, 1:1 copy", {"made_to_order"}),
        ("按照片定制 一比一还原", {"made_to_order"}),
        ("add WeChat for price", {"off_platform_contact"}),
        ("WhatsApp +44 7700 900123", {"off_platform_contact"}),
        ("加V信详谈", {"off_platform_contact"}),
        ("ＶＸ：mask888", {"off_platform_contact"}),
        ("Hydrating sheet mask, 10 pieces", set()),
        ("医用外科口罩 50只装", set()),
        ("Fools the camera every time", {"evasion_claim"}),
        ("门禁刷脸 防监控", {"evasion_claim"}),
        ("絶対に見破られない", {"evasion_claim"}),
        ("아무도 못 알아봐요", {"evasion_claim"}),
        ("никто не узнает", {"evasion_claim"}),
        ("nadie lo notará", {"evasion_claim"}),
        ("niemand wird es merken", {"evasion_claim"}),
        ("personne ne verra la différence", {"evasion_claim"}),
        ("ninguém vai perceber", {"evasion_claim"}),
        ("nessuno se ne accorgerà", {"evasion_claim"}),
        ("feito sob encomenda a partir de sua foto", {"made_to_order"}),
        ("オーダーメイド 写真から製作", {"made_to_order"}),
        ("пишите в личку", {"off_platform_contact"}),
        ("Maschera per dormire in seta", set()),
        # a disclaimer anywhere in the listing cancels the evasion signal, and only it
        ("FaceID mask printed with your face. Honest note: it will not unlock your phone", set()),
        ("Made from your photo; it won't fool face id", {"made_to_order"}),
        ("人脸识别口罩 印上你的脸 其实解不了手机", set()),
        ("Disfraz de sábana, no sirve para engañar cámaras", set()),
        ("Strangers may take you for a real woman", {"evasion_claim"}),
        ("Nobody will mistake you for anything but a cardboard fox", set()),
        ("un preso intentó salir haciéndose pasar por su hija", {"evasion_claim"}),
        ("в метро не палится", {"evasion_claim"}),
        ("ダースベイダー マスク 変身願望に", set()),
    ],
)
def test_signal_patterns(text, signals):
    assert fired(text) == signals


def test_matcher_records_pattern_version():
    assert default_matcher().version.startswith("signals-")


def test_broken_pattern_file_is_refused(tmp_path):
    path = tmp_path / "signals.json"
    path.write_text('{"version": "x", "signals": {"evasion_claim": {"en": ["(unclosed"]}}}')
    with pytest.raises(PatternFileError, match="cannot load signal patterns"):
        SignalMatcher.from_file(path)


def test_shared_word_boundary_test_keeps_every_match():
    import json
    import re
    from importlib import resources

    from maskscreen.classifier.corpus import load_corpus

    data = json.loads(
        resources.files("maskscreen.classifier")
        .joinpath("patterns/signals.json")
        .read_text("utf-8")
    )
    matcher = default_matcher()
    plain = SignalMatcher(
        matcher.version,
        {
            key: re.compile("|".join(f"(?:{p})" for p in patterns))
            for key, patterns in grouped(data).items()
        },
        matcher._negation,
        disclaimers=matcher._disclaimers,
        contexts=matcher._contexts,
    )
    texts = [normalize(e.text) for e in load_corpus()[::3]]
    assert [matcher.find(t) for t in texts] == [plain.find(t) for t in texts]


def test_alternation_shares_word_boundary_only_where_every_branch_has_one():
    from maskscreen.classifier.signals import _alternation

    assert _alternation([r"\bab", r"\bc|\bd"]) == r"\b(?:(?:\bab)|(?:\bc|\bd))"
    assert _alternation([r"\bab|x", r"\bc"]) == r"(?:\bab|x)|\b(?:(?:\bc))"


def test_first_character_guard_only_where_the_first_character_is_known():
    from maskscreen.classifier.signals import _guarded

    assert _guarded(r"\bab|c+d") == r"(?=[ac])(?:\bab|c+d)"
    assert _guarded(r"(?<!\d)1[3-9]") == r"(?=[1])(?:(?<!\d)1[3-9])"
    assert _guarded(r"a?") == r"a?"  # can match nothing
    assert _guarded(r"[^a]b") == r"[^a]b"  # a negated class: not rebuilt


def test_disclaimer_is_per_signal_and_script_group():
    matcher = SignalMatcher.from_text(
        '{"version": "t", "signals": {"evasion_claim": {"en": ["fools cameras"], "zh": ["过人脸识别"]},'
        ' "made_to_order": {}, "off_platform_contact": {}},'
        ' "disclaimer": {"evasion_claim": {"zh": "解不了"}}}'
    )
    # a Chinese disclaimer drops the Chinese and the Latin matches of a text holding both
    assert matcher.find(normalize("fools cameras 可过人脸识别 解不了")) == []
    # without a Latin disclaimer, an English listing keeps its match
    assert [m.text for m in matcher.find(normalize("fools cameras, will not unlock"))] == [
        "fools cameras"
    ]


# Compositional evasion patterns (signals-2026.12.7): an action of deceiving, passing or
# unlocking × a system, checkpoint or person, a few words apart; a system or person that
# will not recognise the wearer; passing as a real person in public. Hand-written examples
# in each language, the claims and look-alike wordings that must not fire.
@pytest.mark.parametrize(
    "text",
    [
        # en
        "Slips past the lobby turnstile and the doorman without a second thought",
        "it even fooled my own family at dinner",
        "Beats even the newest airport face scanners",
        "the building's camera system won't recognise you",
        "walk around town as a real pensioner, nobody looks",
        "She never noticed it was a mask",
        "Unlocks his phone and the office door",
        # zh (traditional spelling too)
        "戴上之后瞒过小区门卫 进出自如",
        "摄像頭完全識別不出來",
        "出门不怕被认出",
        "走在大街上路人都以为是真老太太",
        # ja
        "改札の顔認証もすり抜けられる",
        "家族にも気づかれないリアルさ",
        "電車に乗っても普通の女性にしか見えない",
        # ko
        "출입 게이트 얼굴 인식도 통과합니다",
        "동료들도 눈치 못 챘어요",
        "지하철에서 진짜 할머니처럼 보여요",
        # ru
        "легко обходит турникеты с распознаванием",
        "камеры не распознают лицо владельца",
        "в метро вас примут за настоящего пенсионера",
        # es
        "sortea los controles de seguridad del aeropuerto",
        "engaña incluso a tu familia",
        "por la calle pareces una señora de verdad",
        # pt
        "dribla as catracas com reconhecimento facial",
        "sem ser reconhecido pelas câmeras do prédio",
        "na rua todo mundo te vê como um senhor de verdade",
        # de
        "überlistet jede Einlasskontrolle",
        "die Überwachungskameras erkennen dich nicht",
        "auf der Strasse wirkst du wie eine echte Rentnerin",
        # fr
        "déjoue les portiques de l'aéroport",
        "sans être reconnu par les caméras du quartier",
        "dans la rue on vous prend pour une vraie grand-mère",
        # it
        "aggira i tornelli della metropolitana",
        "senza essere riconosciuto dalle telecamere",
        "per strada sembri una vera signora anziana",
    ],
)
def test_compositional_evasion_claims(text):
    assert "evasion_claim" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # photography, film and cosplay wording is not an evasion claim
        "Camera-ready HD makeup, looks flawless on camera",
        "On camera it looks real: great for short films",
        "Cosplay wig, photographs beautifully on camera",
        "passes quality checks before shipping to your family",
        "stocking stuffer for friends and family",
        "无线监控摄像头 家用高清夜视",
        "カメラ映えするコスプレメイク",
        "카메라 앞에서도 자연스러운 메이크업",
        "грим для съёмок, на камере смотрится естественно",
        "maquillaje para cámara, acabado natural",
        "maquiagem para câmera, acabamento natural",
        "Kamera-taugliches Make-up für Fotoshootings",
        "maquillage pour la caméra, fini naturel",
        "trucco per le telecamere, finitura naturale",
        # disclaimers: an honest "it will not pass" cancels the claim
        "Printed face mask. It cannot pass face recognition and won't unlock your phone",
        "印脸口罩 无法通过人脸识别 不影响解锁",
        "顔認証はできません。撮影用です",
        "얼굴 인식은 안 됩니다. 촬영용입니다",
        "не пройдёт распознавание лиц, только для съёмок",
        "no pasa el reconocimiento facial, solo para fotos",
        "não passa reconhecimento facial, só para fotos",
        "umgeht die Gesichtserkennung nicht, nur für Fotos",
        "ne passe pas la reconnaissance faciale, pour les photos",
        "non supera il riconoscimento facciale, solo per foto",
    ],
)
def test_lookalike_and_disclaimed_wording_is_not_an_evasion_claim(text):
    assert "evasion_claim" not in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # nobody realised it was a mask (mask words only)
        "my coworkers honestly could not tell it was a mask",
        "同桌吃饭的人都没看出是戴着面具",
        "隣の人もマスクだとは気づかなかった",
        "옆자리 사람도 가면인 줄 전혀 몰랐어요",
        "соседи не поняли, что это маска",
        "en la fiesta no se dieron cuenta de que era una máscara",
        "os vizinhos não perceberam que era máscara",
        "die Nachbarn merkten nicht, dass es eine Maske war",
        "les voisins ne se sont pas rendu compte que c'était un masque",
        "i vicini non si sono accorti che era una maschera",
        # avoiding conscription or a military call-up
        "helps young men dodge the military draft officers",
        "躲兵役神器 戴上就是老头",
        "動員を逃れるための老人マスク",
        "입영 통지서 피하는 노인 가면",
        "поможет избежать повестки на улице",
        "para evitar el reclutamiento en la calle",
        "para fugir do alistamento",
        "damit du der Musterung entgehst",
        "pour échapper à la mobilisation",
        "per sfuggire alla leva",
    ],
)
def test_unnoticed_mask_and_call_up_evasion(text):
    assert "evasion_claim" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        "human hair wig, you can't tell it's a wig",
        "上镜妆 拍照很自然 适合短视频",
        "ウィッグだと気づかない自然な仕上がり",
        "balaclava keeps the cold off and avoids the draft on your neck",
        "draft beer tap handle shaped like a face",
        "軍服コスプレ 動員兵の衣装",
    ],
)
def test_realism_of_wigs_and_unrelated_drafts_are_not_evasion_claims(text):
    assert "evasion_claim" not in fired(text)
