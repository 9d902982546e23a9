"""extract_listing from a table of saved pages (tests/crawler/pages/)."""

from __future__ import annotations

from datetime import timezone
from decimal import Decimal
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, TextResponse

from crawler.extract import NotAListing, clean_text, clean_url, extract_listing

PAGES = Path(__file__).parent / "pages"


def page(name: str, url: str) -> HtmlResponse:
    """A saved page as Scrapy would receive it (no headers: the page declares its charset)."""
    return HtmlResponse(url=url, body=(PAGES / name).read_bytes())


LISTINGS = [
    ("plain_product.html", "https://faceworks.example/products/old-man-mask?utm_source=ig", {
        "url": "https://faceworks.example/products/old-man-mask",
        "title": "Realistic Silicone Old Man Mask & Wig Set",
        "description": "Hand-punched hair. Looks 100% real in person. Ships in a plain box.",
        "external_id": "FW-1042",
        "price": Decimal("1299.00"),
        "currency": "USD",
        "seller": "FaceWorks Studio",
        "seller_url": "https://faceworks.example/sellers/faceworks",
        "brand": "FaceWorks",
        "images": ["https://cdn.faceworks.example/img/old-man-1.jpg",
                   "https://faceworks.example/img/old-man-2.jpg"],
        "language": "en-US",
        "category": "Masks > Realistic",
        "availability": "InStock",
    }),
    ("graph_product.html", "https://glow.example/led-mask", {
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
    }),
    ("array_product.html", "https://aid.example/p/cpr-adult", {
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
    }),
    ("aggregate_offer.html", "https://shop.example/item/90017", {
        "title": "定制真人面具 按照片1:1还原 硅胶",
        "description": "提供6张照片即可定做。加微信详聊。",
        "external_id": "90017",
        "price": Decimal("8800"),
        "currency": "CNY",
        "brand": "易容坊",
        "images": ["https://img.shop.example/mask.jpg"],
        "language": "zh-CN",
        "availability": "MadeToOrder",
        "seller": None,
    }),
    ("broken_and_good.html", "https://spooky.example/p/zombie", {
        "title": "Halloween Zombie Mask Latex",
        "description": "Full overhead latex zombie mask. Painted by hand.",
        "price": Decimal("24.99"),
        "currency": "USD",
    }),
    ("main_entity.html", "https://masks.example/p/masquerade?fbclid=IwAR0abc", {
        "url": "https://masks.example/p/masquerade",
        "title": 'Venetian Masquerade Mask "Gold"',
        "description": "Laser-cut metal filigree Satin ribbons",
        "price": Decimal("1299.00"),
        "currency": "EUR",
        "availability": "InStock",
    }),
    ("canonical_utm.html", "https://shop.example/p/sheet-masks?utm_source=newsletter", {
        "url": "https://shop.example/p/sheet-masks?color=blue",
        "currency": "USD",
        "price": Decimal("15.99"),
        "availability": "LimitedAvailability",
    }),
    ("gbk_product.html", "https://mask.example.cn/item/1", {
        "title": "超逼真硅胶人脸面具 男士 全头套 真人皮肤质感",
        "description": "纯手工植发，毛孔细节清晰可见。戴上出门没人认得出你。",
        "price": Decimal("1280.00"),
        "currency": "CNY",
        "seller": "逼真面具工作室",
        "brand": "易容坊",
        "language": "zh-CN",
        "external_id": "YR-0001",
    }),
]


@pytest.mark.parametrize(("name", "url", "expected"), LISTINGS, ids=[row[0] for row in LISTINGS])
def test_extract_listing_from_saved_page(name, url, expected):
    listing = extract_listing(page(name, url), site="example")
    got = {field: getattr(listing, field) for field in expected}
    assert got == expected
    assert listing.site == "example"
    assert listing.source_format == "jsonld"
    assert listing.fetched_at is not None and listing.fetched_at.tzinfo == timezone.utc


DROPPED = [
    ("broken_only.html", "broken_jsonld"),
    ("no_jsonld.html", "no_jsonld"),
    ("no_product.html", "no_product"),  # products inside an ItemList are not the page's product
    ("no_title.html", "no_title"),
]


@pytest.mark.parametrize(("name", "reason"), DROPPED, ids=[row[0] for row in DROPPED])
def test_extract_listing_raises_not_a_listing_with_reason(name, reason):
    with pytest.raises(NotAListing) as info:
        extract_listing(page(name, "https://shop.example/x"), site="example")
    assert info.value.reason == reason


def test_extract_listing_rejects_a_non_html_response():
    response = TextResponse(url="https://shop.example/feed.json", body=b'{"a": 1}',
                            encoding="utf-8")
    with pytest.raises(NotAListing):
        extract_listing(response, site="example")


def test_not_a_listing_rejects_unknown_reason():
    with pytest.raises(ValueError):
        NotAListing("because")


@pytest.mark.parametrize(("url", "expected"), [
    ("https://s.example/p/1?utm_source=a&utm_medium=b", "https://s.example/p/1"),
    ("https://s.example/p/1?id=7&spm=a2.b&fbclid=x&gclid=y", "https://s.example/p/1?id=7"),
    ("https://s.example/p/1?ref=home&color=red#reviews", "https://s.example/p/1?color=red"),
    ("https://s.example/p/1?UTM_Campaign=x&page=2&page=3", "https://s.example/p/1?page=2&page=3"),
    ("https://s.example/search?q=%E9%9D%A2%E5%85%B7", "https://s.example/search?q=%E9%9D%A2%E5%85%B7"),
    ("https://s.example/p/1", "https://s.example/p/1"),
])
def test_clean_url_strips_tracking_parameters(url, expected):
    assert clean_url(url) == expected


@pytest.mark.parametrize(("raw", "expected"), [
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
])
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected
