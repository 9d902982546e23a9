"""Evasion claims of round 15 (signals-2026.12.12): wording families of sellers, buyers and
reporters in the ten languages, the concept word lists grown, and the benign senses kept
out (make-up "undetectable", a shipment that "passed inspection", a flashy mask that
"can't go unnoticed", a mask kept on so that its wearer's own face unlocks the phone,
wax figures "indistinguishable" from the star). Cases written for these tests, not
taken from the records."""

from __future__ import annotations

import pytest

from tests.classifier.test_signals_evasion_rule import concept_only, evasion

NEW_FAMILIES = [
    # becoming someone else, another identity, going about as someone else
    "Pull it on and step into someone else's identity for the evening.",
    "The kit lets you assume another person's identity in minutes.",
    "He walked right past the front desk as someone else.",
    # good enough for a checker; clocking in as a colleague
    "Detailed enough for low-resolution face scanners at the office.",
    "Clock in for your coworker while you sleep in.",
    # nobody knows it is you; onlookers accept the face; family walk past
    "Your neighbours will have no idea it's you under there.",
    "On the bus, people simply accept the face as real.",
    "Even my own mother walked straight past me at the station.",
    "Passable in everyday clothes.",
    # zh (simplified and traditional)
    "戴上可以冒用他人身份办事",
    "一秒变身成任何人",
    "戴上它可以騙過監視器",
    "臉部辨識直接失效",
    "戴好之后很难被人脸识别认出",
    "镜头拉近都不穿帮",
    "套上出门逛街完全是个小姐姐",
    # ja
    "被ると全く別の顔になります",
    "見た目だけで本人確認をすり抜けられる",
    # ko
    "멀리서 보면 가면인지 전혀 모릅니다",
    "타인 신분 도용도 가능할 정도",
    "휴대폰 얼굴 잠금 앞에서도 티가 잘 안 납니다",
    # ru
    "Обычная камера видит просто пожилого человека",
    "Примерьте чужое лицо",
    # es, pt, de, fr, it
    "Con ella puedes ocultar quién eres ante cualquier testigo.",
    "Conviértete en cualquiera en segundos.",
    "Serve para esconder quem você é de verdade.",
    "Vire outra pessoa em minutos.",
    "Aus Ihnen wird ein komplett anderer Mensch.",
    "Damit treten Sie vor der Kamera als diese Person auf.",
    "Glissez-vous dans la peau de quelqu'un d'autre.",
    "Idéal pour cacher votre véritable identité.",
    "Trasformarsi in chiunque non è mai stato così facile.",
    "Perfetta per nascondere la tua vera identità.",
    # reporters' wording: the wrong person sought, which one wore a mask, hard to tell apart
    "Detectives spent weeks looking for the wrong man.",
    "Lets you transform your appearance in seconds.",
    "Few viewers could tell which one was wearing a mask.",
    "系统无法准确识别真实身份",
    "Die Täter gaben sich mit den Masken als Weiße aus.",
    "Son máscaras que dificultan la identificación.",
    "Máscaras difíceis de distinguir de rostos reais.",
    "Des masques difficiles à distinguer des visages humains.",
    "È quasi impossibile capire se qualcuno ne indossa una.",
    # hampering identification, another identity, nobody can say it is a mask
    "Sold to criminals who want to hamper identification.",
    "Usadas para dificultar a identificação e despistar as autoridades.",
    "Permite assumir a identidade de outra pessoa.",
    "Ninguém pode dizer que é mesmo uma máscara.",
    "Nadie podrá notar que lleva una máscara.",
    "Les masques compliquent l'identification des suspects.",
    "Maschere che rendono difficile l'identificazione.",
    "Die Masken erschweren die Identifizierung der Täter.",
    "Маски затрудняют опознание преступников.",
    "戴上面具以逃避监控识别",
    "晚上出来也不会被人留意",
    "本人確認を困難にするマスク",
    "신원 확인을 어렵게 만드는 가면",
    # blending in as an old man, assumed to be one's face, decades older
    "Blend into a crowd as an old man.",
    "He walked into the bank as a pensioner.",
    "Even up close, people assume it is your face.",
    "Appear decades older in seconds.",
    # more ru/ko/zh passing phrasings
    "Легко перевоплотиться в другого человека.",
    "Примерьте личину другого человека.",
    "Будете выглядеть как совсем другой человек.",
    "쓰면 완전 다른 사람",
    "사람들이 진짜 얼굴인 줄 알아요",
    "가면 쓴 줄 아무도 모름",
    "戴上后没人知道是你",
]


@pytest.mark.parametrize("text", NEW_FAMILIES)
def test_new_wording_families_are_claims(text):
    assert evasion(text)


# Words the concept lists gained (checks, defeat verbs, people): found by the concept
# patterns alone.
CONCEPT_WORDS = [
    "She sailed through the airport e-gates wearing it.",
    "The attendance terminals never once flagged anything odd.",
    "My roommates didn't notice a thing for a week.",
    "Con la máscara el fichaje nunca detectó nada raro.",
    "Com ela o ponto eletrônico não reconheceu a diferença.",
    "Avec le masque il a trompé la pointeuse de l'usine.",
    "Mit der Maske hat er die Zeiterfassung überlistet.",
    "Con la maschera ha ingannato il marcatempo dell'ufficio.",
    "С маской он спокойно прошёл через КПП.",
    "戴上后骗过了公司的考勤",
    "戴着它蒙过了门岗",
    "亲妈都没认出来",
    "マスクで勤怠をごまかした",
    "출퇴근 얼굴 인증도 통과했어요",
    "The mask passed every airport check he tried.",
    "얼굴 인증 우회 가능",
    "Маска помогла обхитрить камеры на входе.",
    "Mit der Maske hat er die Grenzbeamten genarrt.",
    "La máscara sirve para despistar a las cámaras.",
    "He made it through the airport security gates in it.",
    "Nobody at the party figured out who I was.",
    "Pranked my family with it and they never figured it out.",
]


@pytest.mark.parametrize("text", CONCEPT_WORDS)
def test_grown_concept_lists_find_claims_alone(text):
    assert evasion(text, concept_only())


BENIGN = [
    # make-up, hair and skin: "undetectable", invisible pores
    "Undetectable foundation for a flawless, natural finish.",
    "Undetectable lace front, pre-plucked hairline.",
    "Maquillaje indetectable de larga duración.",
    "隐形遮瑕膏 完全看不出毛孔",
    # quality control, not a claim
    "Every unit passed inspection before shipping.",
    # a loud novelty mask: impossible to go unnoticed
    "Máscara de mano gigante: imposible pasar desapercibido.",
    "Cabeça de dedo gigante, impossível passar despercebido.",
    "Una maschera enorme che non può passare inosservata.",
    "Masque géant, impossible de passer inaperçu.",
    # a stage appliance that says what it is not
    "顔そのものを別人の顔に替えるマスクではありません。",
    # describing a custom copy is not a claim to pass as the person
    "Hacemos tu máscara con la cara de otra persona a partir de su foto.",
    # "alternate" is not "alter": re-scanning a cloth mask as an alternate appearance
    "Owners re-scan with the same mask as an alternate appearance for the phone.",
    # a disguise word naming a book, a game item or a magic trick; 换脸 of an AI app
    "Thin silicone scar sheet. Not a cosmetic disguise, it works over time.",
    "The Disguise Master, a thriller, paperback, new.",
    "易容师 悬疑小说 实体书 全三册",
    "易容 剧本杀 剧本 6人 含线索卡 人物本",
    "易容术 魔术道具 牌面人物会变脸",
    "AI换脸 App 虚拟试妆 纯数字效果",
    # cosmetics and reviews: a new look, decades younger, passable stitching, pores unseen
    "This hair dye will transform your appearance.",
    "A serum to look decades younger.",
    "Stitching is passable for the price.",
    "화장하면 완전 다른 사람 같아요",
    "遮瑕膏 痘印不会被人注意到",
    "Realistic enough for film cameras on set.",
    # a KF94 comfort claim: so light you forget you are wearing it
    "마스크 쓴 줄 모를 정도로 가벼워요",
]


# A mask sold so that the wearer's OWN face still unlocks the phone, kept on: recognised as
# oneself, not passing as anyone (the disclaimer drops the listing's matches).
OWN_FACE = [
    "Face ID compatible mask: unlock your phone without taking off your mask.",
    "N95 printed with your lower face so face recognition works without removing the mask.",
    "Desbloquea tu móvil sin quitarte la mascarilla.",
    "Desbloqueie o celular sem tirar a máscara.",
    "Handy entsperren, ohne die Maske abzunehmen.",
    "Déverrouillez votre téléphone sans retirer le masque.",
    "Mascherina per farsi riconoscere dal proprio smartphone.",
    "Разблокируйте телефон, не снимая маски.",
    "透明口罩 可刷脸解锁 不用摘",
    "マスクを外さずに顔認証でロック解除",
    "마스크 안 벗어도 얼굴인식으로 잠금 해제",
    # masks marketed to be recognised
    "Light blue cloth masks for people who prefer to be recognised by face recognition.",
    "Wer lieber von der Gesichtserkennung erkannt wird, nimmt Hellblau.",
    "Zutritt per Gesichtserkennung? Bitte kurz abnehmen.",
]


@pytest.mark.parametrize("text", BENIGN + OWN_FACE)
def test_benign_senses_and_own_face_unlocking_are_not_claims(text):
    assert not evasion(text)


def test_the_own_face_disclaimer_needs_the_unlock_beside_keeping_the_mask_on():
    # keeping a silicone mask on to eat is no disclaimer: the claim stays
    text = "Eat and drink without removing the mask; nobody will know it's you."
    assert evasion(text)
    # not wanting to be recognised is the claim itself
    assert evasion("For when you don't want to be recognised by face recognition cameras.")


def test_a_wax_figure_naming_face_details_is_object_realism():
    # 脸 alone (the figure's face) no longer counts as naming a mask in the listing
    text = "明星蜡像定制 真人比例 脸上的酒窝都做出来 游客走近才发现真假难辨"
    assert not evasion(text)
    # a mask named beside the figure keeps the claim
    assert evasion("蜡像同款硅胶面具 戴上真假难辨")


def test_korean_verb_ending_gamyeon_is_not_a_mask_word():
    # 가까이 가면 ("if you go close") beside a wax figure: object realism, dropped
    assert not evasion("실물 크기 밀랍인형 가까이 가면 심장 소리 유명 인물과 구분이 안 됨")
    # a mask named as a noun keeps the claim
    assert evasion("실리콘 가면 가발 포함 멀리서 보면 가면인지 전혀 모름")
