"""Extraction round 4: delivery promises and more stock words, read from the visible page."""

from __future__ import annotations

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
