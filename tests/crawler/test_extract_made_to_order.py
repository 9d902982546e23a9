""" "Made to order" words on the visible page (定制, custom-made) describe the product, not its
stock: a structured InStock or OutOfStock stands beside them (crawler/extract/page.py,
`_stated_over_structured`). Found by the demo shop's Chinese custom-gift pages, whose
descriptions say 可定制 ("can be made to order") beside a declared stock value."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import extract_listing

URL = "https://shop.example/p/1"


def product_page(title: str, availability: str | None, body_extra: str = "") -> HtmlResponse:
    offer = {"@type": "Offer", "price": "6800.00", "priceCurrency": "CNY"}
    if availability:
        offer["availability"] = f"https://schema.org/{availability}"
    data = {"@context": "https://schema.org", "@type": "Product", "name": title, "offers": offer}
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'
        f"</head><body><h1>{title}</h1><p class='price'>￥6,800.00</p>{body_extra}</body></html>"
    )
    return HtmlResponse(url=URL, body=html.encode(), encoding="utf-8")


@pytest.mark.parametrize("declared", ["InStock", "OutOfStock"])
@pytest.mark.parametrize(
    "title, extra",
    [
        (
            "照片定制抱枕 双面印 情侣礼物",
            "<div class='description'>上传照片即可定制，双面热转印。</div>",
        ),
        ("抱枕", "<div class='description'>可定制尺寸和图案，45x45厘米。</div>"),
        ("Photo pillow", "<div class='description'>Custom-made from your photo, 45 cm.</div>"),
        ("照片定制抱枕 双面印 情侣礼物", "<p>Sold by <a href='/seller/x'>印象定制</a></p>"),
        ("硅胶面具", "<h2>Related</h2><ul><li><a href='/p/2'>定制硅胶人脸 3D扫描</a></li></ul>"),
    ],
)
def test_made_to_order_words_leave_the_declared_stock(declared, title, extra):
    assert extract_listing(product_page(title, declared, extra), "s").availability == declared


def test_a_stock_statement_in_words_still_beats_the_declared_value():
    page = product_page("定制真人面具", "InStock", "<p class='stock'>缺货</p>")
    assert extract_listing(page, "s").availability == "OutOfStock"
