"""Extraction round 7: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json
from decimal import Decimal

import lxml.html
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import normalize_availability, stated_availabilities
from maskscreen.crawler.extract.page import extract_listing
from maskscreen.crawler.extract.prices import parse_price
from maskscreen.crawler.extract.stock_cues import may_state_availability

URL = "https://shop.example/p/latex-mask-old-man"


def response(body: str, head: str = "", lang: str = "en", url: str = URL) -> HtmlResponse:
    html = (
        f'<html lang="{lang}"><head><title>Latex Mask Old Man | Shop</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def listing(body: str, head: str = "", lang: str = "en", url: str = URL):
    return extract_listing(response(body, head, lang, url), "s")


# --- a heading printed again is a repeated widget ---------------------------------------


def test_repeated_headings_take_no_place_among_the_title_candidates():
    """heuristic_walk.py: an <h1> text printed again ("Save 15%" in every purchase box)
    does not push the product's own <h1> out of the first few candidates."""
    promo = "<div class='box'><h1>Save 15% today</h1><h1>Skip any time</h1></div>" * 4
    body = (
        f"<main>{promo}<h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>"
        "<button type='submit'>Add to cart</button></main>"
    )
    got = listing(body)
    assert got.title == "Latex Mask Old Man"
    assert got.price == Decimal("120.00")


def test_the_first_heading_still_wins_when_no_heading_names_the_page():
    body = (
        "<main><h1>Old Man Mask</h1><h1>Old Man Mask</h1><span class='price'>$120.00</span>"
        "<button type='submit'>Add to cart</button></main>"
    )
    head = "<meta property='og:title' content='Something else'>"
    assert listing(body, head).title == "Old Man Mask"


# --- payment plans and their spend threshold --------------------------------------------


def test_a_payment_plans_spend_threshold_is_not_a_price():
    """cues.py: "Payez en 4 fois dès 100€ d'achats" names the spend that opens a plan."""
    assert cues.is_other_cost("Payez en 4 fois dès 100€ d'achats.")
    assert cues.is_other_cost("Pay in 4 on orders over $35")
    assert cues.is_other_cost("Ratenkauf ab 99 € Bestellwert")
    assert not cues.is_other_cost("Prix d'achat : 54,00 €")


def test_the_product_price_is_read_past_a_payment_plan_line():
    body = (
        "<main><h1>Latex Mask Old Man</h1><span class='price'>54,00 €</span>"
        "<div><span>Payez en 4 fois dès 100€ d'achats.</span></div>"
        "<button type='submit'>Ajouter au panier</button></main>"
    )
    assert listing(body, lang="fr").price == Decimal("54.00")


# --- a price per measure ------------------------------------------------------------------


def test_a_price_per_measure_is_not_the_items_price():
    """cues.py: "£4.38/kg", "1,99 € / 100 g", "€ 3,20 pro kg" are prices per measure."""
    for text in ("£4.38/kg", "1,99 € / 100 g", "€ 3,20 pro kg", "$2.10 per lb", "9,95 €/l"):
        assert cues.is_other_cost(text), text
    for text in ("£1.75/unit", "$12.00", "€ 19,90 pro Stück"):
        assert not cues.is_other_cost(text), text


def test_the_item_price_beats_the_price_per_measure_beside_the_button():
    body = (
        "<main><h1>Latex Mask Old Man</h1><div class='pricing'>"
        "<p class='pricePerUnit'>£1.75/unit</p><p class='pricePerMeasure'>£4.38/kg</p></div>"
        "<button type='submit'>Add</button></main>"
    )
    assert listing(body).price == Decimal("1.75")


# --- the price between the name and its buy button ----------------------------------------


def test_a_price_between_the_name_and_its_button_beats_another_sellers_offer():
    """heuristic.py: a price printed between the <h1> and the first buy button is the
    product's; another seller's offer after that button, with a button of its own, is not,
    however near it sits to the first button."""

    def notes(n: int) -> str:
        return "".join(f"<p>Note {i} on this mask.</p>" for i in range(n))

    body = (
        f"<main><h1>Latex Mask Old Man</h1>{notes(60)}<span class='price'>54,00 €</span>"
        f"{notes(30)}<button type='submit'>Add to cart</button>{notes(40)}"
        "<div class='offer'><button type='submit'>Add to cart</button>"
        "<span class='price'>58,46 €</span></div></main>"
    )
    assert listing(body).price == Decimal("54.00")


# --- a count of items in stock ------------------------------------------------------------


def test_a_count_of_items_in_stock_states_availability():
    """fields.py: "N pieces available", "N件在庫", "còn N sản phẩm", "N available": a count
    above 0 is InStock, a count of 0 OutOfStock ("0 in stock" is not "in stock")."""
    for text in (
        "12 pieces available",
        "1,204 available",
        "In Stock: 7088",
        "在庫数：1",
        "3件在庫",
        "Còn 5 sản phẩm",
    ):
        assert normalize_availability(text, search=True) == "InStock", text
    for text in ("0 pieces available", "0 available", "0 auf Lager", "Stock: 0"):
        assert normalize_availability(text, search=True) == "OutOfStock", text
    assert stated_availabilities(["Size", "0 in stock"]) == ["OutOfStock"]


def test_numbers_that_are_not_counts_state_nothing():
    for text in ("Available in 5 sizes", "stock 20% off", "Open 10:00 to 02:00"):
        assert normalize_availability(text, search=True) is None, text
    # a count and its word in two texts (searched joined by newlines) are not one line
    assert stated_availabilities(["Open until 02:00", "在庫を調べる"]) == []


def test_a_count_line_is_the_pages_stock_statement():
    body = (
        "<main><h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>"
        "<div>0 pieces available</div><button type='submit' disabled>Add to cart</button></main>"
    )
    assert listing(body).availability == "OutOfStock"
    body = body.replace("0 pieces", "17 pieces").replace(" disabled", "")
    assert listing(body).availability == "InStock"


def test_the_cheap_check_sees_a_count_line():
    """stock_cues.py: a page whose only stock statement is a count is walked for it."""
    for line in ("在庫数：1", "còn 5 sản phẩm", "12 available"):
        root = lxml.html.fromstring(f"<html><body><h1>Mask</h1><p>{line}</p></body></html>")
        assert may_state_availability(root), line
    root = lxml.html.fromstring("<html><body><h1>Mask</h1><p>Open 10:00</p></body></html>")
    assert not may_state_availability(root)


# --- JSON-LD in a block-comment CDATA wrapper ---------------------------------------------


def _product_jsonld(name: str, price: str) -> str:
    data = {
        "@context": "http://schema.org",
        "@type": "Product",
        "name": name,
        "offers": {"@type": "Offer", "price": price, "priceCurrency": "JPY"},
    }
    return json.dumps(data, ensure_ascii=False)


def test_jsonld_wrapped_in_a_block_comment_cdata_is_read():
    """markup.py: "/*<![CDATA[*/ {...} /*]]>*/" (a template's wrapper) is JSON-LD."""
    block = f"/*<![CDATA[*/ {_product_jsonld('Latex Mask Old Man', '4998')} /*]]>*/"
    head = f'<script type="application/ld+json">{block}</script>'
    body = "<main><h1>Latex Mask Old Man</h1><p>実質 1,580円</p></main>"
    got = listing(body, head, lang="ja")
    assert (got.price, got.currency, got.source_format) == (Decimal("4998"), "JPY", "jsonld")


# --- a name in full-width letters gives way to the heading --------------------------------


def test_a_full_width_name_gives_way_to_the_same_heading_in_plain_letters():
    """page.py: JSON-LD "Ｘｅｎｏｂｌａｄｅ Ｅｄｉｔｉｏｎ" under the <h1> "Xenoblade Edition"."""
    head = (
        '<script type="application/ld+json">'
        f"{_product_jsonld('Ｘｅｎｏｂｌａｄｅ Ｅｄｉｔｉｏｎ', '4998')}</script>"
    )
    body = (
        "<main><h1>Xenoblade Edition</h1><span class='price'>4,998円</span>"
        "<button type='submit'>カートに入れる</button></main>"
    )
    got = listing(body, head, lang="ja")
    assert got.title == "Xenoblade Edition"


def test_a_full_width_name_stays_beside_another_heading():
    head = (
        '<script type="application/ld+json">'
        f"{_product_jsonld('Ｘｅｎｏｂｌａｄｅ Ｅｄｉｔｉｏｎ', '4998')}</script>"
    )
    body = (
        "<main><h1>Game Sale</h1><span class='price'>4,998円</span>"
        "<button type='submit'>カートに入れる</button></main>"
    )
    got = listing(body, head, lang="ja")
    assert got.title == "Ｘｅｎｏｂｌａｄｅ Ｅｄｉｔｉｏｎ"


# --- the dong written "đ" -------------------------------------------------------------------


def test_the_dong_written_as_a_word_is_read():
    """prices.py, cues.py: "100.000 đ", "439.000đ", "7.992.000 VNĐ" are dong amounts; the
    letter inside a word ("đá", stone) is not a currency."""
    assert parse_price("100.000 đ", language="vi") == (Decimal("100000"), "VND")
    assert parse_price("439.000đ", language="vi") == (Decimal("439000"), "VND")
    assert parse_price("7.992.000 VNĐ", language="vi") == (Decimal("7992000"), "VND")
    assert cues.has_currency_amount("100.000 đ")
    assert not cues.has_currency_amount("đá 5 viên")


# --- a printed sale price over the struck one that structured data declares -----------------


_SALE_HEAD = (
    '<meta property="og:type" content="product">'
    '<meta property="og:title" content="Latex Mask Old Man">'
    '<meta property="product:price:amount" content="439.000">'
    '<meta property="product:price:currency" content="VND">'
)


def test_the_printed_sale_price_beats_a_declared_price_that_is_the_struck_one():
    """page.py, heuristic.py: og price 439.000 is the struck "oldprice" beside the sale
    price 100.000 đ that the product's own box prints."""
    body = (
        "<main><h1>Latex Mask Old Man</h1><div class='pricedetail'>100.000 đ\n"
        "<br><span class='oldprice'>439.000 đ</span></div>"
        "<a class='btn' href='/cart/add?id=1'>Thêm vào giỏ hàng</a></main>"
    )
    got = listing(body, _SALE_HEAD, lang="vi")
    assert (got.price, got.currency) == (Decimal("100000"), "VND")


def test_a_declared_price_stays_when_the_other_amount_is_only_labelled_regular():
    """A "regular price" label word alone (not struck, no old-price markup) does not make
    the declared amount the old one: it is what many shops charge."""
    body = (
        "<main><h1>Latex Mask Old Man</h1><div>Regular price 439.000 đ</div>"
        "<div class='price'>100.000 đ</div>"
        "<a class='btn' href='/cart/add?id=1'>Thêm vào giỏ hàng</a></main>"
    )
    got = listing(body, _SALE_HEAD, lang="vi")
    assert got.price == Decimal("439000")
