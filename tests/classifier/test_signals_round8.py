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
    # round 8 brought 2026.12.8; later rounds (the evasion ruling: 2026.12.9) keep its cases
    year, month, round_ = default_matcher().version.removeprefix("signals-").split(".")
    assert (int(year), int(month), int(round_)) >= (2026, 12, 8)


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


@pytest.mark.parametrize(
    "text",
    [
        # the same claims a seller makes in every language: nobody will know it is you,
        # become someone else, even your family will not recognise you, hide your identity
        "Wear it to the bank and the teller will see a 70-year-old man",
        "Your own mother won't recognise you in this",
        "Looks so real that security guards waved me through",
        "perfect for going out without anyone knowing who you are",
        "become a totally different person in seconds",
        "Nobody at work suspected a thing",
        "walk past your ex and she won't even look twice",
        "a face nobody will ever trace back to you",
        "even up close people can't tell it's not your real face",
        "Great for staying anonymous at protests",
        "hides who you really are",
        "pass as a woman in public",
        "the ultimate disguise for private investigators",
        "covers your identity completely",
        "not even your dog will know it's you",
        "易容面具 出门没人认得出你",
        "戴上它你就是另一个人",
        "逛街一整天都没人发现",
        "隐藏真实身份 安全出行",
        "骗过所有人的眼睛",
        "戴着去公司同事都没认出来",
        "监控里完全看不出是你",
        "连刷脸都能过",
        "身份伪装 神器",
        "完全变成另一个人 谁也认不出",
        "着けるだけで別人になれます",
        "誰もマスクだと気づきません",
        "防犯カメラにも映っても本人とはわからない",
        "知り合いに会っても気づかれない",
        "完全に別人として外出できる",
        "쓰면 완전히 다른 사람이 됩니다",
        "아무도 가면인 줄 모릅니다",
        "지인을 만나도 못 알아봐요",
        "CCTV에 찍혀도 본인인지 알 수 없어요",
        "신분을 완벽하게 숨길 수 있습니다",
        "никто не догадается, что это маска",
        "станьте совершенно другим человеком",
        "даже родные не узнали",
        "камеры не поймут, кто под маской",
        "полностью скрывает личность",
        "nadie sabrá que eres tú",
        "conviértete en otra persona en segundos",
        "ni tu familia te reconocerá",
        "perfecta para pasar desapercibido",
        "oculta tu identidad por completo",
        "ninguém vai saber que é você",
        "vire outra pessoa em segundos",
        "nem sua família vai te reconhecer",
        "perfeita para passar despercebido na rua",
        "esconda sua identidade",
        "personne ne saura que c'est vous",
        "devenez une autre personne en quelques secondes",
        "même votre famille ne vous reconnaîtra pas",
        "idéal pour passer inaperçu",
        "cachez votre identité",
        "nessuno saprà che sei tu",
        "diventa un'altra persona in pochi secondi",
        "nemmeno la tua famiglia ti riconoscerà",
        "perfetta per passare inosservato",
        "nascondi la tua identità",
        "niemand wird wissen, dass du es bist",
        "werde in Sekunden zu einer anderen Person",
        "selbst deine Familie erkennt dich nicht",
        "perfekt, um unerkannt zu bleiben",
        "verbirg deine Identität",
    ],
)
def test_everyday_evasion_claims_in_every_language(text):
    assert "evasion_claim" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # realistic masks with no claim, and cameras or recognition devices sold as such
        "Camera-ready HD foundation for a flawless look on video",
        "Face recognition glasses for smart home developers",
        "Looks so real! Hand-painted silicone reborn baby",
        "Realistic old man mask, full head, silicone, Halloween",
        "Lifelike mannequin head for wig display",
        "CCTV camera 1080p night vision for home security",
        "硅胶面具 老人 全头 逼真 万圣节",
        "监控摄像头 家用 高清 夜视",
        "人脸识别门禁一体机 工程安装",
        "リアルな老人マスク ハロウィン パーティー",
        "防犯カメラ 屋外 ワイヤレス",
        "리얼 노인 가면 할로윈 파티용",
        "방범 카메라 실외용",
        "реалистичная маска старика на Хэллоуин",
        "камера видеонаблюдения, Wi-Fi, ночное видение",
        "máscara realista de anciano para Halloween",
        "cámara de seguridad wifi para casa",
        "máscara realista de idoso para Halloween",
        "câmera de segurança wifi, visão noturna",
        "masque réaliste de vieil homme pour Halloween",
        "caméra de surveillance wifi pour la maison",
        "maschera realistica da anziano per Halloween",
        "telecamera di sorveglianza wifi per casa",
        "realistische Altmann-Maske für Halloween",
        "Überwachungskamera WLAN für zuhause, Nachtsicht",
    ],
)
def test_realistic_masks_and_camera_products_make_no_claim(text):
    assert "evasion_claim" not in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # listings retelling a case: what witnesses or the police saw, whose passport was used
        "Same mask a robber wore to hold up six banks - witnesses described an elderly white man",
        "Police were looking for an old man, but it was a 20-year-old in a mask",
        "The type of mask used in the airport case where a young man boarded as an elderly passenger",
        "airline staff only noticed when he took it off mid-flight",
        "border officers let him through on his father's passport",
        "he was caught only because his hands looked young",
        "people at the party thought the boss had actually come",
        "can pass a video interview as someone else",
        "good enough for a zoom job interview as a different candidate",
        "lets you appear as the account holder on a video check",
        "同款面具 劫匪戴着抢了银行 目击者说是个老头",
        "警方一直在找一个老人 结果是年轻人戴了面具",
        "用它登机 空乘都没发现",
        "拿着父亲的护照过了边检",
        "同款 窃贼戴着入室盗窃 监控里像个老太太",
        "犯人はこのマスクで老人になりすまして銀行に押し入った",
        "警察は高齢の男を探していたが実は若者だった",
        "父親のパスポートで出国審査を通過",
        "같은 가면을 쓴 강도가 은행을 털었다 목격자는 노인이라고 진술",
        "경찰은 노인을 찾고 있었지만 실제로는 20대였다",
        "아버지 여권으로 출국 심사를 통과",
        "в такой маске грабитель ограбил банк, свидетели описали пожилого мужчину",
        "полиция искала старика, а это был молодой парень",
        "прошёл паспортный контроль по паспорту отца",
        "con esta máscara un ladrón asaltó bancos; los testigos describieron a un anciano",
        "la policía buscaba a un hombre mayor, pero era un joven",
        "pasó el control del aeropuerto con el pasaporte de su padre",
        "com essa máscara um ladrão assaltou bancos; testemunhas descreveram um idoso",
        "a polícia procurava um idoso, mas era um jovem",
        "embarcou com o passaporte do pai",
        "avec ce masque un braqueur a attaqué des banques ; les témoins ont décrit un vieil homme",
        "la police cherchait un vieil homme, c'était un jeune",
        "a passé la douane avec le passeport de son père",
        "con questa maschera un rapinatore ha assaltato banche; i testimoni hanno descritto un anziano",
        "la polizia cercava un anziano, ma era un giovane",
        "ha superato i controlli con il passaporto del padre",
        "mit dieser Maske überfiel ein Räuber Banken, Zeugen beschrieben einen älteren Mann",
        "die Polizei suchte einen alten Mann, es war aber ein junger",
        "mit dem Pass seines Vaters durch die Kontrolle",
    ],
)
def test_retold_cases_of_a_mask_that_fooled_people(text):
    assert "evasion_claim" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # police, robbers and passports in costumes and accessories
        "Old man mask worn by the grandpa character in our school play",
        "news: police warn about realistic masks; this listing is a skincare sheet mask",
        "passport holder wallet, leather, fits your father's passport too",
        "bank robber costume for kids: striped shirt and eye mask",
        "银行抢劫犯 儿童扮演服装 条纹衫",
        "警察制服 儿童 角色扮演",
        "警察官 コスプレ 衣装",
        "경찰 코스프레 의상",
        "костюм полицейского для детей",
        "disfraz de policía para niños",
        "fantasia de policial infantil",
        "déguisement de policier pour enfant",
        "costume da poliziotto per bambini",
        "Polizei-Kostüm für Kinder",
    ],
)
def test_police_and_robber_costumes_make_no_claim(text):
    assert "evasion_claim" not in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # short seller phrasings, spaced-out words, conditions and answered questions
        "戴上亲爸都认不出来",
        "想换个身份生活的可以了解一下",
        "出门办事不想被人认出来的朋友看过来",
        "过机场安检没问题",
        "视频验证可以过",
        "银行刷脸实测通过",
        "面签 过了",
        "戴上去就是另外一个人",
        "小区门口保安没拦",
        "上班打卡同事都没看出来",
        "以假乱真 肉眼看不出",
        "不怕被拍",
        "如果你想让别人认不出你 这款最合适",
        "问：能过人脸识别吗？答：可以",
        "易 容 面 具",
        "yirong 面皮",
        "顔認証も突破できます",
        "まるで別人 誰にもバレない",
        "職場の人にも気づかれませんでした",
        "知人に会ってもバレませんでした",
        "本人確認も通りました",
        "얼굴인식 통과 가능",
        "회사 동료들도 전혀 눈치 못 챘어요",
        "완벽한 변장 가능",
        "보안 검색대 통과했어요",
        "아무도 몰라봐요",
        "проходит Face ID",
        "соседи даже не заметили подмены",
        "можно пройти видеоверификацию",
        "никто не отличит от настоящего лица",
    ],
)
def test_short_seller_phrasings_of_evasion(text):
    assert "evasion_claim" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # recognition-compatible goods, ID paperwork and installations
        "万圣节面具 恐怖 鬼脸",
        "逼真硅胶面膜 补水",
        "真人发假发 看不出来是假发",
        "机场免税店 同款面膜",
        "视频教程 教你化妆",
        "顔認証対応のスマホケース",
        "本人確認書類のコピーをお送りください",
        "얼굴인식 도어락 설치",
        "신분증 케이스 가죽",
    ],
)
def test_recognition_compatible_goods_make_no_claim(text):
    assert "evasion_claim" not in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # the buyer sends the face: how many photos, which angles, whose face
        "We recreate any face you send us in platinum silicone",
        "Just email three selfies: front, left and right",
        "Made from a single passport-style photo",
        "Your partner's face, wearable, from their Instagram pictures",
        "turnaround 3 weeks after we receive your photos",
        "tell us whose face you want and attach pictures",
        "按客户提供的照片1:1制作",
        "发三张照片 正脸 左右侧脸",
        "收到照片后15天发货",
        "想要谁的脸都可以做",
        "写真3枚（正面・左右）をお送りください",
        "お写真をもとに職人が手作業で仕上げます",
        "정면 사진과 측면 사진을 보내 주세요",
        "원하시는 얼굴 사진으로 제작해 드립니다",
        "пришлите три фото: анфас и два профиля",
        "сделаем маску с лица по вашим фотографиям",
        "envíanos tres fotos: de frente y de perfil",
        "hacemos la máscara con la cara que nos envíes",
        "mande três fotos: frente e perfis",
        "fazemos a máscara com o rosto que você enviar",
        "envoyez trois photos : face et profils",
        "nous fabriquons le masque d'après les photos reçues",
        "inviaci tre foto: frontale e profili",
        "realizziamo la maschera dal volto che ci invii",
        "schick uns drei Fotos: frontal und seitlich",
        "wir fertigen die Maske nach den Fotos, die du uns schickst",
    ],
)
def test_the_buyer_sends_the_face_in_every_language(text):
    assert "made_to_order" in fired(text)


@pytest.mark.parametrize(
    "text",
    [
        # "photos for reference only" and stock goods
        "Product photos are for reference only, colour may vary",
        "see photos for size chart",
        "Realistic old man mask, ready to ship, one size",
        "照片仅供参考 以实物为准",
        "现货 标准款 一比一 硅胶面具",
        "商品写真はイメージです",
        "사진은 참고용입니다",
        "фото товара может отличаться от оригинала",
        "las fotos son ilustrativas",
        "fotos meramente ilustrativas",
        "photos non contractuelles",
        "le foto sono indicative",
        "Fotos ähnlich, Farbe kann abweichen",
    ],
)
def test_reference_photos_and_stock_goods_are_not_made_to_order(text):
    assert "made_to_order" not in fired(text)
