"""Round 8 of the signal patterns (signals-2026.12.8): hand-written listings in every
language, written for this file (not taken from the corpus, the grounded records, the dev
set or the test split). Evasion claims are built from parts (who is fooled, what they see,
what the mask hides, which check it gets through); their look-alikes (camera-ready make-up,
recognition devices, honest "it will not pass", dolls nobody mistakes) must stay quiet."""

import pytest

from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher


def fired(text):
    matcher = default_matcher()
    return {name for name, on in matcher.flags(matcher.find(normalize(text))).items() if on}


def test_the_round_has_its_own_version():
    assert default_matcher().version == "signals-2026.12.8"


@pytest.mark.parametrize(
    "text",
    [
        # en: what cameras and onlookers see; who thought it real; what it hides; checks
        "Old gent silicone hood. Street cameras just see an elderly stranger, not you.",
        "My neighbours thought it was a real old man at the door",
        "Comes with latex hand sleeves that hide your fingerprints and skin colour",
        "If you want to walk around unrecognised, this is the one",
        "It took my own wife a minute to realise it was me",
        "Tested by a buyer: the bank app selfie check worked first time",
        "Did anyone notice at the party? Nope.",
        "Silicone face that will easily outwit street CCTV",
        # zh
        "戴上以后邻居都以为是真老头",
        "小区刷脸门禁直接开了",
        "银行视频面签也能过",
        "戴上后连亲妈都没认出我",
        "藏住指纹的仿真手套，配面具一起用",
        # ja
        "家族も本物の老人だと勘違いしました",
        "防犯カメラには別人として映ります",
        "誰にもバレずに外出できます",
        # ko
        "손녀도 진짜 할아버지인 줄 알았대요",
        "장갑이 지문과 피부색을 숨겨 줍니다",
        "알아보는 사람 없이 외출하세요",
        "아파트 얼굴 인식 출입문이 그냥 열렸어요",
        # ru
        "прохожие принимают за обычного пенсионера",
        "со стороны выглядит как обычная женщина",
        "перчатки скрывают отпечатки пальцев",
        "камеры видят другого человека",
        # es
        "tus vecinos creerán que eres otra persona",
        "las cámaras del portal no te reconocen",
        "oculta tus huellas dactilares",
        # pt
        "os vizinhos acharam que era um senhor de verdade",
        "as câmeras de segurança não te reconhecem",
        "luvas que escondem suas impressões digitais",
        # fr
        "dans la rue, les passants ne voient qu'une vieille dame",
        "cache vos empreintes et votre couleur de peau",
        "ils ont cru que c'était un vrai vieil homme",
        "reconnu comme vous par les bornes de paiement",
        # it
        "pensavano che fosse una signora vera",
        "le telecamere del condominio non ti riconoscono",
        "guanti che nascondono le impronte digitali",
        # de
        "Passanten sehen nur eine alte Dame",
        "die Nachbarn hielten ihn für einen echten Rentner",
        "die Handschuhe verbergen Fingerabdrücke und Hautfarbe",
    ],
)
def test_compositional_evasion_claims_of_round_8(text):
    assert "evasion_claim" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # en: camera and recognition words in harmless listings
        "Camera-ready makeup kit, flawless on camera and in photos",
        "Face recognition glasses frame for smart-glasses developers",
        "Phone case with a cut-out that keeps Face ID working",
        "Anti-spoofing liveness detection SDK: rejects masks and printed photos",
        "Will it fool face ID? No, it is a printed cotton mask.",
        "Medical scar cover sheet. Not a disguise, it flattens scars over weeks.",
        "Nobody would mistake it for a real grandma: green skin, warts, rotten teeth",
        "Celebrity impersonator prosthetic nose for tribute shows",
        "Trompe l'oeil painted surgical mask, body paint for pranks",
        "Political spoof rubber mask, huge nose and chin",
        # zh
        "人脸识别门禁一体机 支持5000张人脸 防照片攻击 防面具攻击",
        "真人发假发 戴上看不出来是假发",
        "京剧脸谱面具 一看就是舞台脸谱 不会当成真人",
        "能过人脸识别吗？答：不能，这是印刷口罩",
        # ja
        "カメラ映えするコスプレメイク",
        "ホラーマスク 素顔がわからない恐怖感",
        "舞台用の老人マスクです。変装用ではありません",
        # ko
        "카메라 앞에서도 자연스러운 메이크업",
        "위조 방지 얼굴 인식 단말기",
        "공연용 가면입니다. 변장용이 아닙니다",
        # ru
        "грим для съёмок, на камере смотрится естественно",
        "терминал распознавания лиц с защитой от масок и фото",
        # es
        "disfraz de bruja para Halloween, talla única",
        "¿Engaña al reconocimiento facial? No, es solo una máscara impresa.",
        # pt
        "fantasia de palhaço para festa infantil",
        "Engana o reconhecimento facial? Não, é só uma máscara impressa.",
        # fr
        "déguisement de pirate pour enfants",
        "masque vénitien en trompe-l'œil, peint à la main",
        # it
        "maschera veneziana bauta, nasconde l'identità come nel Settecento",
        "trucco per le telecamere, finitura naturale",
        # de
        "Fachbuch Bildverarbeitung: Kamera, Sensoren und Optik",
        "Täuscht es die Gesichtserkennung? Nein, es ist nur ein Stoffdruck.",
    ],
)
def test_lookalikes_and_disclaimers_of_round_8_make_no_claim(text):
    assert "evasion_claim" not in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # en: sittings and measurements, files and photos the buyer sends, made for one person
        "Life-size portrait figure: about 180 measurements are taken at a private sitting",
        "Bring your STL to the desk and we print it overnight",
        "Your photo printed on a washable cotton mask",
        "Silicone face modelled on your photo, one piece per customer",
        # zh
        "硅胶面具 可定制 按你提供的照片做",
        "俾相我哋 三星期有貨",
        "量头围后按尺寸做内腔",
        # ja
        "写真を送るだけで制作します",
        "ご依頼主のお顔をもとに仕上げます",
        # ko
        "사진 세 장만 보내주시면 제작합니다",
        "본인 얼굴을 본떠 만든 가면",
        # ru
        "изготовление по индивидуальному заказу, снимаем мерки",
        # es
        "mándanos tus fotos de frente y de perfil",
        # pt
        "envie suas fotos e fazemos a máscara",
        # fr
        "on vous prend en photo au studio, puis on imprime",
        # it
        "inviaci le tue foto e la realizziamo su misura",
        # de
        "Porträtfoto hochladen, wir drucken dein Gesicht",
    ],
)
def test_made_to_order_wording_of_round_8(text):
    assert "made_to_order" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        "Orc mask, colour painted to order from three options",
        "Alginate casting kit: make a plaster copy of your child's hand",
        "非定制 现货标准脸 不接受来图",
        "不是照片定制，是店里的固定款",
        "Printable paper masks for your company logo",
        "Bedruckbare Einwegmasken für Firmen, 100 Stück",
        "Moulage kit pour la classe de biologie",
        "Набор для слепка лица из альгината",
        "受注数次第で再生産します",
    ],
)
def test_stock_goods_and_casting_kits_are_not_made_to_order(text):
    assert "made_to_order" not in fired(text)
