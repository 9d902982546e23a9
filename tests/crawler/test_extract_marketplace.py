"""Extraction rules of the marketplace-page round, on small inline pages: a purchase
button's label read as InStock (also from a profile's selector), a shop's name dropped
from the end of a structured name, and a shop header's heading not taken for the title."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.page import _first_heading, extract_listing, parse_page
from maskscreen.crawler.extract.selectors import profile_fields


def _response(body: str, url: str = "https://shop.example/item/123") -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def _jsonld(product: dict) -> str:
    data = {"@context": "https://schema.org", "@type": "Product", **product}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# --- 1. purchase buttons -----------------------------------------------------------------


@pytest.mark.parametrize(
    "label",
    [
        "今すぐ購入",
        "立即購入",
        "马上购买",
        "Compra ora",
        "Hemen Satın Al",
        "Nu kopen",
        "Köp nu",
        "Beli sekarang",
        "Order now",
        "Jetzt bestellen",
        # already read before this round
        "購入手続きへ",
        "購入する",
        "立即购买",
        "구매하기",
        "바로구매",
        "Купить сейчас",
        "Comprar ahora",
        "Jetzt kaufen",
        "Acheter maintenant",
        "Comprar agora",
        "Acquista ora",
    ],
)
def test_purchase_wordings_are_buy_labels(label):
    assert cues.is_buy_label(label)


@pytest.mark.parametrize(
    "label",
    # a pre-order's or back order's button states that state, not "in stock"; the way to
    # a cart's checkout sits in mini-carts on every page, whatever the item's stock
    ["Pre-order now", "Preorder now", "Backorder now", "Zur Kasse", "去结算", "Checkout"],
)
def test_not_purchase_buttons(label):
    assert not cues.is_buy_label(label)


def test_heuristic_reads_an_enabled_purchase_button_as_in_stock():
    body = _page(
        "<title>ニット帽 | Shop</title>",
        "<main><h1>ニット帽</h1><p class='price'>¥1,200</p>"
        "<button type='button'>今すぐ購入</button></main>",
    )
    listing = extract_listing(_response(body), site="shop.example")
    assert listing.source_format == "heuristic"
    assert (listing.title, listing.price, listing.availability) == (
        "ニット帽",
        Decimal("1200"),
        "InStock",
    )
    disabled = body.replace("<button type='button'>", "<button type='button' disabled>")
    assert extract_listing(_response(disabled), site="shop.example").availability is None


BUTTON_PROFILE = {
    "title": "css:h1::text",
    "availability": ["css:.checkout button::text", "css:.sticker::attr(aria-label)"],
}


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ("<button>購入手続きへ</button>", "InStock"),  # Mercari's, on an item on sale
        ("<button disabled>売り切れました</button>", "SoldOut"),  # and on a sold one
        ("<button>Add to cart</button>", "InStock"),
        ("<button>Pre-order now</button>", "PreOrder"),
        ("<button>Ask the seller</button>", None),
    ],
)
def test_profile_reads_a_buy_button_label_as_in_stock(button, expected):
    page = parse_page(_page("", f"<h1>Cap</h1><div class='checkout'>{button}</div>"))
    fields, matched = profile_fields(page, BUTTON_PROFILE)
    assert matched and fields["availability"] == expected


def test_profile_does_not_read_a_long_text_holding_buy_words_as_in_stock():
    text = "Questions about this item? Read our guide before you add to cart, it helps a lot."
    page = parse_page(_page("", f"<h1>Cap</h1><div class='checkout'><button>{text}</button></div>"))
    fields, _ = profile_fields(page, BUTTON_PROFILE)
    assert fields["availability"] is None


# --- 2. a shop's name at the end of a structured name ---------------------------------------


def _named(name: str, head: str, product: dict | None = None) -> str:
    body = "<h1>something else</h1>"
    return _page(head + _jsonld({"name": name, **(product or {})}), body)


@pytest.mark.parametrize(
    ("name", "head", "product", "title"),
    [
        # the part the <title> ends with after the name's other words (Rakuten's shape)
        (
            "ニット帽 黒 【送料無料】｜リカーズ　スリーライン",
            "<title>【楽天市場】ニット帽 黒 【送料無料】：リカーズ　スリーライン</title>",
            None,
            "ニット帽 黒 【送料無料】",
        ),
        # og:site_name
        (
            "Knit Cap - Maskworks",
            "<meta property='og:site_name' content='MaskWorks'>",
            None,
            "Knit Cap",
        ),
        # the seller the offer names, after an ASCII bar
        (
            "Knit Cap | Acme Store",
            "",
            {"offers": {"@type": "Offer", "price": "5", "seller": {"name": "Acme Store"}}},
            "Knit Cap",
        ),
        # a <title> that is the name itself says nothing about a shop
        ("Cup - Red", "<title>Cup - Red</title>", None, "Cup - Red"),
        # a <title> ending with the same detail after other words: a detail, kept
        (
            "H11B Headlight - Supreme - 55 Watt - T3.25",
            "<title>Eiko H11B-BP - Headlight - 55 Watt - T3.25</title>",
            None,
            "H11B Headlight - Supreme - 55 Watt - T3.25",
        ),
        # a last part that is no shop's name
        (
            "Knit Cap - Black",
            "<meta property='og:site_name' content='MaskWorks'><title>Knit Cap | MaskWorks</title>",
            None,
            "Knit Cap - Black",
        ),
        # a hyphen inside a word is no separator
        ("T-Shirt Acme", "<meta property='og:site_name' content='Acme'>", None, "T-Shirt Acme"),
    ],
)
def test_a_trailing_shop_name_is_dropped_from_the_structured_name(name, head, product, title):
    listing = extract_listing(_response(_named(name, head, product)), site="shop.example")
    assert listing.source_format == "jsonld"
    assert listing.title == title


def test_a_trailing_shop_name_is_dropped_from_a_profile_title():
    body = _page(
        "<meta property='og:site_name' content='Acme'>",
        "<div class='name'>Knit Cap ｜ ACME</div><p class='price'>$5.00</p>",
    )
    profile = {"title": "css:.name::text", "price": "css:.price::text"}
    listing = extract_listing(_response(body), site="shop.example", profile=profile)
    assert listing.source_format == "css"
    assert listing.title == "Knit Cap"


# --- 3. a shop header's heading is not the product's title --------------------------------

SHOP_HEADER = (
    "<div class='od-shop-navigation'><div class='shop-container'>"
    "<a class='shop-company-name' href='/shop'><h1>山东某某食品有限公司</h1></a></div></div>"
)
OFFER = (
    "<div class='module-title'><h1>红枣干果250克</h1></div>"
    "<div class='price'>¥3.80</div><button>立即订购</button><button>加入购物车</button>"
)


def test_a_company_heading_in_a_shop_header_is_not_the_title():
    # no <title> to agree with: the first heading outside the shop header is the title
    body = _page("", SHOP_HEADER + OFFER)
    listing = extract_listing(_response(body), site="shop.example")
    assert listing.source_format == "heuristic"
    assert (listing.title, listing.price) == ("红枣干果250克", Decimal("3.80"))


def test_a_heading_that_names_the_seller_is_not_the_title():
    """No shop-header class here: the <h1> equals the name a "Sold by" label gives."""
    body = _page(
        "",
        "<div><h1>Acme Trading Ltd</h1></div><p>Sold by: <a href='/s/acme'>Acme Trading Ltd</a></p>"
        "<div><h1>Knit Cap</h1><span class='price'>$5.00</span><button>Add to cart</button></div>",
    )
    listing = extract_listing(_response(body), site="shop.example")
    assert listing.title == "Knit Cap"
    assert listing.seller == "Acme Trading Ltd"


def test_the_shop_heading_is_kept_when_nothing_else_names_the_page():
    body = (
        "<html><body>" + SHOP_HEADER + "<div class='price'>¥3.80</div><button>加入购物车</button>"
        "</body></html>"
    )
    listing = extract_listing(_response(body), site="shop.example")
    assert listing.title == "山东某某食品有限公司"


def test_structured_pages_compare_their_name_with_the_product_heading():
    page = parse_page(_page("", SHOP_HEADER + OFFER))
    assert _first_heading(page).text == "红枣干果250克"
    plain = parse_page(_page("", "<div class='shop-info-box'><h1>红枣干果250克</h1></div>"))
    assert _first_heading(plain).text == "红枣干果250克"  # "shop-info" names no header
