"""Extraction round 4: delivery promises and more stock words, read from the visible page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import normalize_availability
from maskscreen.crawler.extract.page import extract_listing

URL = "https://laden.example/p/silikonmaske-opa"


def shop_page(after_price: str, button: str = "", lang: str = "de") -> HtmlResponse:
    """A page without structured data: a heading, a price, then `after_price`."""
    body = (
        f'<html lang="{lang}"><head><title>Silikonmaske Opa | Laden</title></head><body>'
        "<nav><a href='/'>Start</a></nav><main><h1>Silikonmaske Opa</h1>"
        f'<p class="price">129,00 €</p>{after_price}{button}'
        "<p>Handgearbeitet, echtes Haar.</p></main></body></html>"
    )
    return HtmlResponse(url=URL, body=body.encode(), encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "Ships in 2 business days",
        "Free delivery in 3-5 working days",
        "Lieferzeit: ab Bestellung innerhalb von 15 - 20 Werktagen",
        "Lieferzeit: 1-3 Tage",
        "Livraison sous 48 heures",
        "Envío en 24/48 horas",
        "Consegna in 2-3 giorni lavorativi",
        "Levertijd: 1 werkdag",
        "Wysyłka: do 1 godziny",
        "Ücretsiz Kargo - Aynı Gün Kargo",
        "Доставка 1-2 дня",
        "3営業日以内に発送",
        "24小时内发货",
        "당일 발송",
    ],
)
def test_a_promise_to_deliver_within_days_or_hours(text):
    assert cues.promises_delivery(text.lower())


@pytest.mark.parametrize(
    "text",
    [
        "Free shipping on orders over $50",
        "Ships in 3-4 weeks",  # made or ordered for the buyer: not stock
        "Ships on or about 12 May",  # a back order
        "Gratis bezorging | retour binnen 30 dagen",
        "Free delivery. Returns within 14 days",
        "Delivery from 4.99",
    ],
)
def test_no_promise_in_returns_weeks_dates_or_costs(text):
    assert not cues.promises_delivery(text.lower())


def test_a_delivery_promise_by_the_price_is_in_stock():
    listing = extract_listing(shop_page("<p>Lieferzeit: 1-3 Werktage</p>"), "laden.example")
    assert listing.source_format == "heuristic"
    assert listing.availability == "InStock"


def test_a_stock_word_beats_a_delivery_promise():
    after = "<p>Derzeit nicht auf Lager</p><p>Lieferzeit: 1-3 Werktage</p>"
    assert extract_listing(shop_page(after), "laden.example").availability == "OutOfStock"


def test_a_page_silent_on_stock_and_delivery_has_no_availability():
    listing = extract_listing(shop_page("<p>Rückgabe innerhalb von 14 Tagen</p>"), "laden.example")
    assert listing.availability is None


@pytest.mark.parametrize(
    ("text", "availability"),
    [
        ("Artikel am Lager", "InStock"),
        ("Nicht am Lager", "OutOfStock"),
        ("20+ adet ürün stokta", "InStock"),
        ("Stokta yok", "OutOfStock"),
    ],
)
def test_more_stock_words(text, availability):
    assert normalize_availability(text, search=True) == availability


def heading_page(heading: str, after: str = "", og_title: str = "") -> HtmlResponse:
    og = f'<meta property="og:title" content="{og_title}">' if og_title else ""
    body = (
        f'<html lang="nl"><head><title>Winkel</title>{og}</head><body><main>{heading}{after}'
        '<p class="price">€ 48,95</p><button class="add-to-cart">In winkelmand</button>'
        "</main></body></html>"
    )
    return HtmlResponse(url="https://winkel.example/p/123", body=body.encode(), encoding="utf-8")


def test_a_heading_that_only_links_to_the_brand_is_not_the_title():
    response = heading_page(
        '<h1><a href="/godiva">Godiva</a></h1>',
        "<p>Gold Rigid Box bonbons 34 stuks</p>",
        og_title="Godiva Gold Rigid Box bonbons 34 stuks • Winkel",
    )
    assert extract_listing(response, "winkel.example").title == (
        "Godiva Gold Rigid Box bonbons 34 stuks"
    )


def test_a_heading_with_a_link_beside_its_own_text_stays_the_title():
    response = heading_page('<h1>Gold Rigid Box van <a href="/godiva">Godiva</a></h1>')
    assert extract_listing(response, "winkel.example").title == "Gold Rigid Box van Godiva"


@pytest.mark.parametrize(
    ("heading", "title"),
    [
        # a brand set on its own line above the name: two elements, no space between
        (
            '<h1><span class="sub">Braqeez</span><span class="name">sandalen blauw</span></h1>',
            "Braqeez sandalen blauw",
        ),
        # one word styled in part: text then an element stays one word
        ("<h1>Super<i>man</i> masker</h1>", "Superman masker"),
        # elements already apart, or joined by punctuation: unchanged
        ("<h1><span>Ikg</span><span>-447</span> toetsenbord</h1>", "Ikg-447 toetsenbord"),
    ],
)
def test_heading_pieces_in_separate_elements_keep_their_words_apart(heading, title):
    assert extract_listing(heading_page(heading), "winkel.example").title == title


@pytest.mark.parametrize(
    "text",
    [
        "40,00 TL Kazanç",  # tr: what you gain (save)
        "Je bespaart € 4,00",  # nl
        "Oszczędzasz 20 zł",  # pl
        "Ersparnis: 5,00 €",  # de
        "Taksitli alışveriş için sipariş tutarı en az 75 TL olmalıdır",  # an order minimum
        "3 cuotas sin interés de $ 1.000",  # es: instalments
        "12 raty 0% po 41,58 zł",  # pl: instalments
        "Minimum order $25",
    ],
)
def test_savings_instalments_and_minimums_are_not_the_price(text):
    assert cues.is_other_cost(text)


@pytest.mark.parametrize("text", ["59,90 TL", "Preis: 12,99 €", "Cena 41,58 zł"])
def test_a_plain_price_is_no_other_cost(text):
    assert not cues.is_other_cost(text)


def test_an_instalment_minimum_by_the_title_is_not_taken_for_the_price():
    body = (
        '<html lang="tr"><body><h1>Çelik Kolye</h1>'
        "<p>Taksit: en az 75 TL</p>"
        + "<p>Ürün açıklaması.</p>" * 20
        + "<p>59,90 TL</p><button>Sepete Ekle</button></body></html>"
    )
    response = HtmlResponse(url="https://dukkan.example/p/1", body=body.encode(), encoding="utf-8")
    assert extract_listing(response, "dukkan.example").price == Decimal("59.90")


def test_a_currency_set_against_a_vat_note_is_still_read():
    body = (
        '<html lang="tr"><body><h1>Çelik Kolye</h1><div class="priceDetail">\n'
        '  <del class="oldPrice">99,90 TL</del>\n'
        '  <div class="newPrice"><ins>59,90 <span>TL</span>'
        '</ins><span class="kdv">KDV <br>DAHİL</span></div></div>'
        "<button>Sepete Ekle</button></body></html>"
    )
    response = HtmlResponse(url="https://dukkan.example/p/2", body=body.encode(), encoding="utf-8")
    listing = extract_listing(response, "dukkan.example")
    assert (listing.price, listing.currency) == (Decimal("59.90"), "TRY")


@pytest.mark.parametrize(
    ("og_title", "heading", "expected"),
    [
        ("€97.39 40% OFF|Blue Kettle 2L steel", "Blue Kettle 2L steel", "Blue Kettle 2L steel"),
        ("Blue Kettle 2L steel | Kettles & More", "Blue Kettle 2L steel", "Blue Kettle 2L steel"),
        # a heading that is not inside og:title names something else (a shop banner)
        ("Blue Kettle 2L steel", "Summer sale", "Blue Kettle 2L steel"),
    ],
)
def test_heading_inside_og_title_wins_when_no_field_is_missing(og_title, heading, expected):
    """OpenGraph gives every field here, so the visible page is not read for gaps; its
    first heading still replaces an og:title that wraps it in a price or a shop name."""
    body = (
        '<html><head><meta property="og:type" content="product">'
        f'<meta property="og:title" content="{og_title}">'
        '<meta property="product:price:amount" content="97.39">'
        '<meta property="product:price:currency" content="EUR">'
        '<meta property="product:availability" content="instock"></head>'
        f"<body><h1>{heading}</h1><p>€97.39</p></body></html>"
    )
    page = HtmlResponse(url=URL, body=body.encode(), encoding="utf-8")
    listing = extract_listing(page, "laden.example")
    assert (listing.title, listing.price) == (expected, Decimal("97.39"))


def test_a_longer_og_title_that_names_more_than_the_heading_is_kept():
    body = (
        '<html><head><meta property="og:type" content="product">'
        '<meta property="og:title" content="Custom Face Replica From Your Photos">'
        '<meta property="product:price:amount" content="399">'
        '<meta property="product:price:currency" content="USD">'
        '<meta property="product:availability" content="instock"></head>'
        "<body><h1>Custom Face Replica</h1></body></html>"
    )
    page = HtmlResponse(url=URL, body=body.encode(), encoding="utf-8")
    assert extract_listing(page, "laden.example").title == "Custom Face Replica From Your Photos"


def test_an_edition_name_is_not_made_to_order():
    assert normalize_availability("颜色：黑色 版本：移动定制版 全网通", search=True) is None
    assert normalize_availability("支持照片定制，7天发货", search=True) == "MadeToOrder"
