"""extract_listing from a table of saved pages (tests/crawler/pages/)."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, TextResponse

from maskscreen.crawler.extract import page as extract_module
from maskscreen.crawler.extract.charsets import decoded_text
from maskscreen.crawler.extract.page import (
    NotAListing,
    clean_text,
    clean_url,
    extract_from_page,
    extract_listing,
    parse_page,
)

# The selectors a site profile would give for the project's CSS fixture pages.
MALL_PROFILE = {
    "title": "css:h1.goods-title::text",
    "price": "css:.goods-price .now::text",
    "description": "xpath://div[@id='desc']//text()",
    "availability": "css:.stock::text",
    "seller": "css:.shop a::text",
    "seller_url": "css:.shop a::attr(href)",
    "images": "css:img.main-img::attr(src)",
}
ARGENTINA_PROFILE = {
    "title": "css:h1.product-name::text",
    "price": "css:.product-price::text",
    "availability": "css:.product-stock::text",
}
MALL_LISTING = {
    "title": "定制真人面具 按照片1:1还原 硅胶 毛孔清晰",
    "description": "提供6张正脸和侧脸照片即可定做。 加微信详聊，支持视频验货。",
    "price": Decimal(8800),  # "￥8800-23000": the low end of the range
    "currency": "CNY",
    "seller": "易容坊旗舰店",
    "seller_url": "https://mall.example.com/shop/yirongfang",
    "images": ["https://mall.example.com/img/goods/90017.jpg"],
    "language": "zh-CN",
    "availability": "InStock",  # "库存：有货"
    "source_format": "css",
}
MALL_URL = "https://mall.example.com/item/90017"

PAGES = Path(__file__).parent / "pages"


def page(name: str, url: str) -> HtmlResponse:
    """A saved page as Scrapy would receive it (no headers: the page declares its charset)."""
    return HtmlResponse(url=url, body=(PAGES / name).read_bytes())


LISTINGS = [
    (
        "plain_product.html",
        "https://faceworks.example/products/old-man-mask?utm_source=ig",
        {
            "url": "https://faceworks.example/products/old-man-mask",
            "title": "Realistic Silicone Old Man Mask & Wig Set",
            "description": "Hand-punched hair. Looks 100% real in person. Ships in a plain box.",
            "external_id": "FW-1042",
            "price": Decimal("1299.00"),
            "currency": "USD",
            "seller": "FaceWorks Studio",
            "seller_url": "https://faceworks.example/sellers/faceworks",
            "brand": "FaceWorks",
            "images": [
                "https://cdn.faceworks.example/img/old-man-1.jpg",
                "https://faceworks.example/img/old-man-2.jpg",
            ],
            "language": "en-US",
            "category": "Masks > Realistic",
            "availability": "InStock",
        },
    ),
    (
        "graph_product.html",
        "https://glow.example/led-mask",
        {
            "url": "https://glow.example/led-mask",
            "title": "LED Face Mask Light Therapy 7 Colours",
            "external_id": "778812",
            "price": Decimal("89.5"),
            "currency": "GBP",
            "seller": "GlowCo Ltd",
            "brand": "GlowCo",
            "images": ["https://glow.example/img/led.jpg"],
            "language": "en",
            "availability": "PreOrder",
        },
    ),
    (
        "array_product.html",
        "https://aid.example/p/cpr-adult",
        {
            "title": "CPR Training Manikin Adult",
            "external_id": "CPR-ADULT-2",
            "price": Decimal("249.00"),
            "currency": "EUR",
            "seller": "First Aid Supplies BV",
            "seller_url": None,
            "brand": None,
            "images": ["https://aid.example/cpr.png", "https://aid.example/cpr-side.png"],
            "availability": "InStock",
            "description": None,
        },
    ),
    (
        "aggregate_offer.html",
        "https://shop.example/item/90017",
        {
            "title": "定制真人面具 按照片1:1还原 硅胶",
            "description": "提供6张照片即可定做。加微信详聊。",
            "external_id": "90017",
            "price": Decimal(8800),
            "currency": "CNY",
            "brand": "易容坊",
            "images": ["https://img.shop.example/mask.jpg"],
            "language": "zh-CN",
            "availability": "MadeToOrder",
            "seller": None,
        },
    ),
    (
        "broken_and_good.html",
        "https://spooky.example/p/zombie",
        {
            "title": "Halloween Zombie Mask Latex",
            "description": "Full overhead latex zombie mask. Painted by hand.",
            "price": Decimal("24.99"),
            "currency": "USD",
        },
    ),
    (
        "main_entity.html",
        "https://masks.example/p/masquerade?fbclid=IwAR0abc",
        {
            "url": "https://masks.example/p/masquerade",
            "title": 'Venetian Masquerade Mask "Gold"',
            "description": "Laser-cut metal filigree Satin ribbons",
            "price": Decimal("1299.00"),
            "currency": "EUR",
            "availability": "InStock",
        },
    ),
    (
        "canonical_utm.html",
        "https://shop.example/p/sheet-masks?utm_source=newsletter",
        {
            "url": "https://shop.example/p/sheet-masks?color=blue",
            "currency": "USD",
            "price": Decimal("15.99"),
            "availability": "LimitedAvailability",
        },
    ),
    (
        "gbk_product.html",
        "https://mask.example.cn/item/1",
        {
            "title": "超逼真硅胶人脸面具 男士 全头套 真人皮肤质感",
            "description": "纯手工植发，毛孔细节清晰可见。戴上出门没人认得出你。",
            "price": Decimal("1280.00"),
            "currency": "CNY",
            "seller": "逼真面具工作室",
            "brand": "易容坊",
            "language": "zh-CN",
            "external_id": "YR-0001",
        },
    ),
]


@pytest.mark.parametrize(("name", "url", "expected"), LISTINGS, ids=[row[0] for row in LISTINGS])
def test_extract_listing_from_saved_page(name, url, expected):
    listing = extract_listing(page(name, url), site="example")
    got = {field: getattr(listing, field) for field in expected}
    assert got == expected
    assert listing.site == "example"
    assert listing.source_format == "jsonld"
    assert listing.fetched_at is not None and listing.fetched_at.tzinfo == UTC


OTHER_SOURCES = [
    # page, url, profile, expected fields
    (
        "microdata_product.html",
        "https://lifelike.example/p/1",
        None,
        {
            "title": "Lifelike Silicone Female Face Mask, Handmade",
            "description": "Realistic skin texture. Fits head 54-58 cm.",
            "external_id": "LS-207",
            "price": Decimal("349.00"),
            "currency": "GBP",
            "seller": "Lifelike Studio Ltd",
            "brand": "Lifelike Studio",
            "images": ["https://lifelike.example/img/female-1.jpg"],
            "language": "en-GB",
            "availability": "InStock",
            "source_format": "microdata",
        },
    ),
    (
        "microdata_no_price.html",
        "https://gift.example/p/card",
        None,
        {
            "title": "Gift card",
            "price": None,
            "currency": None,
            "source_format": "microdata",
        },
    ),
    (
        "rdfa_product.html",
        "https://masken.example/p/alter-mann",
        None,
        {
            "title": "Realistische Latexmaske Alter Mann",
            "description": "Vollkopfmaske aus Latex, handbemalt.",
            "external_id": "LM-88",
            "price": Decimal("89.90"),
            "currency": "EUR",
            "brand": "Maskenwerk",
            "images": ["https://masken.example/img/alter-mann.jpg"],
            "language": "de",
            "availability": "OutOfStock",
            "source_format": "rdfa",
        },
    ),
    (
        "opengraph_product.html",
        "https://printmyface.example/p/replica?utm_source=x",
        None,
        {
            "url": "https://printmyface.example/p/replica",
            "title": "Custom 3D Face Replica From Your Photos",
            "description": "Send us 5 photos, we print a wearable copy of the face.",
            "external_id": "PMF-3D-1",
            "price": Decimal("399.00"),  # product:sale_price beats product:price (499.00)
            "currency": "USD",
            "brand": "PrintMyFace",
            "images": [
                "https://printmyface.example/img/replica.jpg",
                "https://printmyface.example/img/replica-2.jpg",
            ],
            "availability": "InStock",
            "source_format": "opengraph",
        },
    ),
    (
        "malformed.html",
        "https://clown.example/p/1",
        None,
        {
            "title": "Latex Clown Mask",
            "price": Decimal("19.95"),
            "currency": "USD",
            "availability": "InStock",
            "source_format": "jsonld",
        },
    ),
    ("gbk_marketplace.html", MALL_URL, MALL_PROFILE, MALL_LISTING),
    ("gbk_declared_utf8.html", MALL_URL, MALL_PROFILE, MALL_LISTING),
    ("gbk_no_charset.html", MALL_URL, MALL_PROFILE, MALL_LISTING),
    (
        "gb18030_product.html",
        MALL_URL,
        MALL_PROFILE,
        {**MALL_LISTING, "title": "定制真人面具 按照片1:1还原 硅胶 毛孔清晰 㐀𠀀款"},
    ),
    (
        "big5_product.html",
        "https://mask.example.tw/p/1",
        None,
        {
            "title": "超逼真矽膠人臉面具 男士 全頭套",
            "description": "純手工植髮，戴上出門沒人認得出你。",
            "price": Decimal(2320),
            "currency": "TWD",
            "language": "zh-TW",
            "availability": "InStock",
            "source_format": "jsonld",
        },
    ),
    (
        "big5_no_charset.html",
        "https://mask.example.com/p/1",
        None,
        {
            "title": "超逼真矽膠人臉面具 男士 全頭套",
            "price": Decimal(2320),
            "currency": "TWD",
            "language": "zh-Hant",
        },
    ),
    (
        "shift_jis_product.html",
        "https://mask.example.jp/p/1",
        None,
        {
            "title": "リアルなシリコン製の顔マスク 男性用",
            "description": "本物の肌のような質感。手植えの髪。",
            "price": Decimal(39800),
            "currency": "JPY",
            "language": "ja",
            "availability": "InStock",
        },
    ),
    (
        "argentina_product.html",
        "https://disfraces.example.com.ar/p/1",
        ARGENTINA_PROFILE,
        {
            "title": "Máscara de látex realista anciano",
            "price": Decimal(2449),  # "$ 2.449" on a .com.ar shop
            "currency": "ARS",
            "availability": "OutOfStock",  # "Sin stock"
            "source_format": "css",
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "url", "profile", "expected"), OTHER_SOURCES, ids=[row[0] for row in OTHER_SOURCES]
)
def test_extract_listing_from_every_source(name, url, profile, expected):
    listing = extract_listing(page(name, url), site="example", profile=profile)
    assert {field: getattr(listing, field) for field in expected} == expected


def _fields(listing) -> dict:
    return {k: v for k, v in vars(listing).items() if k not in ("fetched_at", "evidence")}


PAGES_AND_PROFILES = [(name, url, None) for name, url, _ in LISTINGS] + [
    (name, url, profile) for name, url, profile, _ in OTHER_SOURCES
]


@pytest.mark.parametrize(
    ("name", "url", "profile"), PAGES_AND_PROFILES, ids=[row[0] for row in PAGES_AND_PROFILES]
)
def test_extract_from_page_gives_what_extract_listing_gives(name, url, profile):
    response = page(name, url)
    text = decoded_text(response)
    from_page = extract_from_page(response, text, parse_page(text), "example", profile)
    assert _fields(from_page) == _fields(extract_listing(page(name, url), "example", profile))


@pytest.mark.parametrize(
    ("name", "reparsed"),
    [
        ("plain_product.html", False),  # declared charset, decoded by Scrapy: its parse is reused
        ("big5_product.html", False),
        ("gbk_declared_utf8.html", True),  # re-decoded as GBK: the page is parsed again
        ("gbk_no_charset.html", False),  # no charset, but Scrapy's own guess is GBK too
    ],
)
def test_extract_listing_parses_only_text_scrapy_did_not_decode(name, reparsed, monkeypatch):
    parsed = []
    monkeypatch.setattr(
        extract_module, "parse_page", lambda text: parsed.append(text) or parse_page(text)
    )
    response = page(name, "https://mall.example.com/item/90017")
    listing = extract_listing(response, "example", profile=MALL_PROFILE)
    assert listing.title
    assert parsed == ([decoded_text(response)] if reparsed else [])


@pytest.mark.parametrize("text", ["", "   ", "plain text", "<p>\udc80 lone surrogate</p>"])
def test_parse_page_always_gives_an_html_tree(text):
    assert parse_page(text).root.tag == "html"


DROPPED = [
    ("opengraph_website.html", "no_product"),  # OpenGraph, but not a product
    ("no_product.html", "no_product"),  # products inside an ItemList are not the page's product
    ("no_title.html", "no_title"),
]


@pytest.mark.parametrize(("name", "reason"), DROPPED, ids=[row[0] for row in DROPPED])
def test_extract_listing_raises_not_a_listing_with_reason(name, reason):
    with pytest.raises(NotAListing) as info:
        extract_listing(page(name, "https://shop.example/x"), site="example")
    assert info.value.reason == reason


# Pages that were dropped before the heuristic source (no_structured_data, and
# broken_jsonld with nothing else): their visible h1 and price now make a listing.
FALLBACK = [
    ("broken_only.html", "Mystery Mask", Decimal("5.00")),
    ("no_jsonld.html", "Gift card", Decimal("25.00")),
]


@pytest.mark.parametrize(("name", "title", "price"), FALLBACK, ids=[row[0] for row in FALLBACK])
def test_pages_without_usable_structured_data_fall_back_to_the_heuristic_source(name, title, price):
    listing = extract_listing(page(name, "https://shop.example/x"), site="example")
    assert (listing.title, listing.price, listing.currency) == (title, price, "USD")
    assert listing.source_format == "heuristic"
    assert 0 < listing.extraction_confidence < 1


def test_extract_listing_rejects_a_non_html_response():
    response = TextResponse(
        url="https://shop.example/feed.json", body=b'{"a": 1}', encoding="utf-8"
    )
    with pytest.raises(NotAListing):
        extract_listing(response, site="example")


def test_not_a_listing_rejects_unknown_reason():
    with pytest.raises(ValueError):
        NotAListing("because")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://s.example/p/1?utm_source=a&utm_medium=b", "https://s.example/p/1"),
        ("https://s.example/p/1?id=7&spm=a2.b&fbclid=x&gclid=y", "https://s.example/p/1?id=7"),
        ("https://s.example/p/1?ref=home&color=red#reviews", "https://s.example/p/1?color=red"),
        (
            "https://s.example/p/1?UTM_Campaign=x&page=2&page=3",
            "https://s.example/p/1?page=2&page=3",
        ),
        (
            "https://s.example/search?q=%E9%9D%A2%E5%85%B7",
            "https://s.example/search?q=%E9%9D%A2%E5%85%B7",
        ),
        ("https://s.example/p/1", "https://s.example/p/1"),
        ("https://s.example/p/1?gbraid=a&ttclid=b&hmsr=c&id=9", "https://s.example/p/1?id=9"),
    ],
)
def test_clean_url_strips_tracking_parameters(url, expected):
    assert clean_url(url) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<b>HOT</b> sale", "HOT sale"),
        ("line one<br>line two", "line one line two"),
        ("Black &amp; Silver &quot;Phantom&quot;", 'Black & Silver "Phantom"'),
        ("&lt;p&gt;escaped tags&lt;/p&gt;", "escaped tags"),
        ("size < 30cm & > 20cm", "size < 30cm & > 20cm"),
        ("  many \n\t spaces  ", "many spaces"),
        ("面具&nbsp;定制", "面具 定制"),
        ("<p> </p>", None),
        (None, None),
        (["first", "second"], "first"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected
