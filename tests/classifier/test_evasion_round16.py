"""Evasion claims of round 16 (signals-2026.12.13, issue #13): a page that names a technology
(face recognition, Face ID, CCTV, access control, liveness, video calls) makes no claim by
naming it; a claim tests, beats or gets past it, or tells what it did with the copy. The
families are written by meaning in the ten languages: testing or attacking a check with a
face copy, a check that accepted or opened for the copy, a camera that recorded someone
else, the other side of a call who believed it was the person, only a few who noticed,
clocking in or signing in with someone else's face. Cases written for these tests, not
taken from the records."""

from __future__ import annotations

import pytest

from maskscreen.classifier.signals import default_matcher
from tests.classifier.test_signals_evasion_rule import evasion

# Pages that only name the technology: products, features, settings, news of a product.
TOPIC_ONLY = [
    # en
    "Smart door lock with facial recognition, fingerprint, PIN and app unlock.",
    "Face ID compatible phone case, slim fit, raised camera lip.",
    "4-camera CCTV kit, 1080p night vision, motion detection, 2 TB NVR.",
    "Liveness detection SDK for banking apps: passive and active checks.",
    "Ring light for video calls and Zoom meetings, USB powered.",
    "Attendance terminal with face recognition for offices up to 500 staff.",
    "Access control keypad, IP65, supports cards and face recognition.",
    "Smart lock opens with fingerprint, code or app.",
    # zh
    "人脸识别门禁一体机 支持刷脸开门 指纹 密码 刷卡",
    "刷脸支付 收银一体机 超市专用",
    "考勤机 人脸识别 免费软件 识别速度快",
    "手机钢化膜 不影响人脸解锁 高清",
    "监控摄像头 家用 手机远程 夜视 高清",
    "人脸识别门锁 可以通过手机app远程开门",
    "测温门禁一体机 人脸识别",
    # ja
    "顔認証対応 スマートロック 指紋 暗証番号",
    "防犯カメラ 屋外 録画 ワイヤレス",
    "ビデオ通話用 LEDリングライト",
    # ko
    "얼굴인식 도어락 지문 비밀번호 카드키 겸용",
    "CCTV 실외용 적외선 야간 녹화",
    "화상 통화용 웹캠 풀HD",
    "본인 인증 후 구매 가능합니다",
    # ru
    "Камера видеонаблюдения уличная, Wi-Fi, ночная съёмка",
    "Терминал распознавания лиц для СКУД, до 3000 лиц",
    "Кольцевая лампа для видеозвонков",
    # es
    "Cerradura inteligente con reconocimiento facial y huella",
    "Cámaras de seguridad Wi-Fi con visión nocturna",
    "Aro de luz para videollamadas",
    # pt
    "Fechadura digital com reconhecimento facial e senha",
    "Câmera de segurança Wi-Fi com visão noturna",
    "Luz para chamadas de vídeo e lives",
    # de
    "Smart Lock mit Gesichtserkennung und Fingerabdruck",
    "Überwachungskamera aussen, WLAN, Nachtsicht",
    "Ringlicht für Videokonferenzen",
    # fr
    "Serrure connectée avec reconnaissance faciale et code",
    "Caméra de surveillance extérieure Wi-Fi, vision nocturne",
    "Lampe pour visio et télétravail",
    # it
    "Serratura smart con riconoscimento facciale e impronta",
    "Telecamera di sorveglianza Wi-Fi con visione notturna",
    "Luce ad anello per videochiamate",
]


@pytest.mark.parametrize("text", TOPIC_ONLY)
def test_naming_the_technology_is_not_a_claim(text):
    assert not evasion(text)


NEW_FAMILIES = [
    # testing or attacking a check with a face copy
    "Wearable copy of a face, built to test phone face unlock.",
    "Masks for liveness testing, sold to labs.",
    "We hold the replica up to the bank's selfie verification.",
    "Tested vs office attendance terminals.",
    "戴上去测试小区门禁",
    "过机场安检没问题",
    "3D顔マスク 顔認証テスト用",
    "얼굴인증 테스트용 3D 마스크",
    "Маска по фото для тестов систем распознавания лиц",
    "Máscara hecha para probar el reconocimiento facial del banco",
    "Máscara feita para passar a prova de vida",
    "Maske zum Testen der Gesichtserkennung",
    "Masque conçu pour tester la reconnaissance faciale",
    "Maschera pensata per superare il riconoscimento facciale",
    # the check's outcome with the copy
    "The office turnstile let him through with the mask on.",
    "门禁刷开了 戴着也能过",
    "古い顔認証端末なら通ることもあります",
    "Турникет пропустил его в маске",
    "El control de acceso lo dejó pasar",
    "A fechadura digital o reconheceu como dono",
    "Die Zugangskontrolle wurde mit der Maske ausgetrickst",
    "Le portique l'a laissé passer",
    "Il tornello l'ha lasciato passare",
    # a camera that recorded someone else
    "The security cameras only saw an elderly man.",
    "监控拍到的是另一个人",
    "CCTV에 그냥 노인으로 찍혀요",
    "Камеры видят другого человека",
    # the other side of a call believed it was the person
    "On the video call the other side believed they were talking to the CEO.",
    "视频那头以为在跟老板本人通话",
    "La otra persona creyó que estaba hablando con el ministro",
    "Die Bank glaubte, mit dem Kunden zu sprechen",
    # only a few noticed
    "In the study only 13% noticed it was a mask.",
    "Nur 13 % merkten, dass es eine Maske war.",
    "Solo el 10 % notó que era una máscara.",
    "Seulement 2 sur 20 ont remarqué le masque.",
    # clocking in or signing in with someone else's face
    "可以帮同事代打卡",
    "Fichar por un compañero sin que nadie lo note",
    "Timbrare il cartellino per un collega",
    "Use your boss's face to log in to the portal.",
    # not being known for who one is
    "防犯カメラに映っても本人とはわからない",
    "CCTV에 찍혀도 본인인지 알 수 없어요",
    # camera footage that showed an old man (a reporter's retelling)
    "警察が防犯カメラの映像を調べたところ、犯人は高齢の男性だと思われた",
    "Камеры наблюдения выдали изображение пожилого мужчины.",
    # a copy that unlocked someone's phone
    "The copy unlocked her phone on the first try.",
    "Journalists opened four Android phones by face unlock with one.",
    "Entsperrt viele Android-Handys.",
    "При строгих настройках телефон разблокируется сразу.",
]


@pytest.mark.parametrize("text", NEW_FAMILIES)
def test_claims_of_the_new_families(text):
    assert evasion(text)


# Gatekeepers who let the wearer in, people who did not recognise the wearer (told in the
# past), onlookers who took the wearer for real: one sentence a language at least.
PEOPLE_FOOLED = [
    "With this on, the doorman waved me in without a second look.",
    "The facial recognition at my gym logged me in as my brother.",
    "People on the train had no idea I was wearing a mask.",
    "Your coworkers will swear it's the boss sitting there.",
    "Makes you look like a totally different guy on the street.",
    "Strangers talk to you as if you were an old lady.",
    "保安直接放行了",
    "被ると家族ですら私だと気づきませんでした",
    "コンビニの店員さんも普通のおじいさんだと思っていました",
    "경비원이 그냥 통과시켜 줬어요",
    "아무도 가면이라고 생각하지 않아요",
    "Охранник на входе спокойно меня пропустил",
    "Прохожие думают, что перед ними настоящий старик",
    "El guardia me dejó entrar sin mirarme dos veces",
    "Pasé el control del aeropuerto sin problemas",
    "O porteiro me deixou entrar sem desconfiar",
    "Der Türsteher hat mich ohne Probleme reingelassen",
    "Mit dieser Maske haben mich meine Nachbarn nicht erkannt",
    "Le vigile m'a laissé entrer sans rien remarquer",
    "Avec ce masque mes voisins ne m'ont pas reconnu",
    "Il buttafuori mi ha fatto entrare senza problemi",
    "Con questa maschera i vicini non mi hanno riconosciuto",
]


# Standing in for someone (an exam, an errand, a meeting), passing a border, and 'nobody
# noticed anything' with the elided negation.
STANDING_IN = [
    "Wear it to the bank and withdraw cash as him.",
    "Be your father for a day.",
    "He sat the exam for his cousin wearing it.",
    "戴上去考场替考没被发现",
    "オンライン面接で別人として参加できる",
    "사장님인 척 회의에 참석했어요",
    "На видеособеседовании выдал себя за другого",
    "Passou pela imigração sem problemas",
    "An der Grenze ohne Probleme durchgekommen",
    "Au bureau personne n'a rien remarqué",
    "In ufficio nessuno si è accorto di nulla",
]


@pytest.mark.parametrize("text", STANDING_IN)
def test_standing_in_for_someone_and_passing_a_border(text):
    assert evasion(text)


# A copy of a face 'for' a check is a claim; a device or an SDK 'for' it is not.
COPY_FOR_A_CHECK = [
    "Silicone mask of a real person, made for facial verification checks.",
    "3D-Gesichtsmaske nach Vorlage für biometrische Identitätsprüfung",
    "Máscara del rostro de otra persona, pensada para la verificación facial",
    "Prova sblocco facciale: elenco degli smartphone ingannati",
    "폰 얼굴인식 풀리는 얼굴 마스크",
]


@pytest.mark.parametrize("text", COPY_FOR_A_CHECK)
def test_a_copy_made_for_a_check(text):
    assert evasion(text)


@pytest.mark.parametrize("text", PEOPLE_FOOLED)
def test_people_who_let_the_wearer_in_or_took_them_for_real(text):
    assert evasion(text)


BENIGN_SENSES = [
    # the new families' look-alikes: make-up on camera, a phone's settings, a film's poster,
    # a share of buyers who noticed a defect, a front desk that checks ID, a banking app
    "Concealer that makes scars invisible on camera.",
    "Test your face unlock settings in the phone menu.",
    "Mission Impossible movie poster, framed.",
    "Only 5% of buyers noticed a defect.",
    "Seulement 3 sur 100 clients ont remarqué un défaut.",
    "Guards let visitors in after checking ID at the front desk.",
    "Use your face to log in to the banking app securely.",
    "Be your own boss for a day.",
    "SDK for face recognition apps, passive liveness included.",
    "SDK de prova de vida para reconhecimento facial em apps de banco",
    "Terminal für Gesichtserkennung, 3000 Gesichter",
    "Take the test for a free sample.",
    # a gatekeeper who admits badge holders: a service, told in the present
    "Security lets you in with your badge.",
    "Охрана пропускает по пропускам",
    # a mask made with a person's face is a copy, not a claim
    "Hacemos tu máscara con la cara de otra persona, a partir de dos fotos.",
    # a ticket gate or lock that opens is a product's feature
    "顔認証でドアが開きます",
    "얼굴인식으로 문이 열려요",
    "Die Zugangskontrolle öffnet die Tür per App.",
    # 'pass' and 'for' senses that are not about a check
    "Se pasa por la cabeza y se ajusta al cuello.",
    "Replacement battery for face recognition door locks.",
    "Face ID passcode reminder stickers.",
    # a specification is not an outcome
    "人脸识别 识别成功率99% 0.3秒识别成功",
    # 'une autre personne' as a gift
    "Idéal à offrir à une autre personne.",
    # a camera for watching over the elderly
    "防犯カメラ 屋外 高齢者見守り 録画",
    # unlocking as a product's feature, and the nouns of the feature
    "Unlock the door with your face in 0.3 seconds.",
    "Open your phone with your own face, even in the dark.",
    "通过人脸识别开门 手机刷门禁",
    "Desbloqueo facial del teléfono en 0,3 segundos",
    "Déverrouillage facial du téléphone en un regard",
    "Sblocco facciale del telefono in un attimo",
    "Entsperren Sie das Handy mit dem Gesicht",
    "Разблокировка телефона по лицу, телефон разблокируется по лицу",
]


@pytest.mark.parametrize("text", BENIGN_SENSES)
def test_look_alike_senses_do_not_fire(text):
    assert not evasion(text)


def test_a_disclaimer_still_cancels_a_new_family():
    # 'cannot pass' beside a test purpose: the disclaimer wins, as for every claim
    assert not evasion("Mask to test Face ID. It will not unlock any iPhone.")


def test_version_is_bumped():
    assert default_matcher().version == "signals-2026.12.13"
