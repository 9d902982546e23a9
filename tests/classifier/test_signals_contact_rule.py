"""The off_platform_contact ruling (classifier/GUIDELINES.md section 3) in the signal
patterns (signals-2026.12.10): messengers and their disguises, handles, phone numbers and
invitations to a private channel in the ten languages; the platform's own channels,
products named "line", apps named as a use and phone specifications do not fire; and the
relabel log. Cases written for these tests, not taken from the records."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import load_grounded
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher


def contact(text: str) -> bool:
    matcher = default_matcher()
    return matcher.flags(matcher.find(normalize(text)))["off_platform_contact"]


CONTACTS = [
    # en: messengers, handles, numbers, invitations
    "Old lady face, soft silicone. WhatsApp for the real video.",
    "more ages in stock, telegram: @hoodsupply77",
    "Catalogue on Signal, number given after your first message.",
    "Line ID: skinmask.th for sizes",
    "Questions? Ping me before you buy.",
    "Custom faces from photos, dm me with your references",
    "Wholesale only, text +1 646 555 0172 for the price list.",
    "Booking by phone: 0161 555 0134",
    "Reach us on Discord for the full catalogue.",
    "email sales@silkface-studio.com for a quote",
    "Orders via Instagram only, ships in 5 days.",
    "my number is in my profile, call after 6pm",
    # es / pt / de / fr / it
    "Mascarilla de silicona realista. Escríbeme por privado para más fotos.",
    "Pedidos por WhatsApp, envíos a todo el país.",
    "Me chama no zap que te mando o vídeo.",
    "Máscara realista, encomenda pelo direct.",
    "Preis auf Anfrage per Mail, Lieferzeit drei Wochen.",
    "Schreib mir eine PN für weitere Bilder.",
    "Masque réaliste, contactez-moi pour les délais.",
    "Commande via Snapchat uniquement.",
    "Maschera su misura, scrivimi per il preventivo.",
    "Info e ordini tramite Telegram.",
    # zh: WeChat and QQ disguises, private chat, phone numbers
    "真人脸硅胶 款式多 加薇看实拍",
    "细节看视频 v❤ mask2025",
    "图太多放不下 微xin同号",
    "要视频的扣扣联系 2847xxxx31",
    "价格私聊，平台标价不准",
    "懂的私",
    "批量请打电话 139 xxxx 6620",
    "具体问V，平台不让发",
    "海外客户请用纸飞机联系",
    # ja / ko / ru
    "サイズのご相談はラインでどうぞ",
    "納期・価格のお問い合わせはメールまたはお電話で",
    "実物写真はDMでお送りします",
    "주문 문의는 카톡으로 주세요",
    "실물 사진은 텔레그램 문의",
    "오픈채팅으로 연락 주세요",
    "Подробности и фото — пишите в личку.",
    "Связь только через телеграм, предоплата.",
    "Звоните, отвечу на вопросы по размерам.",
]


@pytest.mark.parametrize("text", CONTACTS)
def test_contacts_fire_in_every_language(text):
    assert contact(text)


NOT_CONTACTS = [
    # the platform's own channels, named as such
    "Bulk orders welcome, message us through the Etsy shop.",
    "Questions about sizing? Use the chat button on this page.",
    "开票或者批量请联系客服。",
    "发货前有问题请咨询客服，我们会尽快回复。",
    "サイズ・在庫はショップへお問い合わせください。",
    "제작기간 문의 주세요.",
    "Preis auf Anfrage.",
    # a product line, a brand's news account, a shop's website
    "The newest face in our premium line: a weathered fisherman.",
    "Demo videos on our Instagram, new sculpts every month.",
    "More colours on our website, ships from Leeds.",
    "ins风 抽象人脸蜡烛模具 小红书爆款",
    # an app or a phone named as the use, phone specifications
    "Looks convincing on a blurry Skype call under office light.",
    "Reported to pass Alipay and WeChat face payment terminals.",
    "Fits iPhone 15 Pro, 6.1 inch, supports Face ID.",
    "Upload a scan from your phone and we print the mould.",
    "微信头像定制 照片转漫画",
    "Silikonhülle für das Telefon, 6,1 Zoll.",
    # in person alone, order-step e-mail, reported cases, contact lenses
    "Collectors welcome, local pickup possible.",
    "同城可面交，不包邮。",
    "Email the photo after checkout, proof sent before printing.",
    "Contact lenses not included, glue on with pros-aide.",
    "Mask of the British PM, exaggerated grin.",
    "The police said the gang had sold the masks over WeChat.",
]


@pytest.mark.parametrize("text", NOT_CONTACTS)
def test_look_alike_wordings_do_not_fire(text):
    assert not contact(text)


def test_the_relabel_log_matches_the_records():
    """Every row of grounded/_contact_relabel.jsonl names a record whose mark is now the
    row's `now`, with the record's own file and source address."""
    root = resources.files("maskscreen.classifier").joinpath("data")
    rows = [
        json.loads(line)
        for line in root.joinpath("grounded/_contact_relabel.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert rows
    records = {e.id: e for e in [*load_corpus(), *load_grounded()]}
    for row in rows:
        record = records[row["id"]]
        assert row["was"] != row["now"]
        assert record.signals["off_platform_contact"] is row["now"]
        assert (record.source_url or "") == row["source_url"]
        assert row["why"]


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("真人面具 加V信看实拍", "加v信"),
        ("加微信 详聊", "加微信"),
        ("加薇信", "加薇信"),
        ("加v看图", "加v"),
    ],
)
def test_a_disguised_messenger_name_is_quoted_whole(text, quoted):
    # signals-2026.12.11: the reason quotes '加V信', not its first two characters
    matcher = default_matcher()
    found = [m.text for m in matcher.find(normalize(text)) if m.signal == "off_platform_contact"]
    assert found == [quoted]
