"""Prices printed in pieces, quantity choosers and the labels of other prices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import extract_listing

URL = "https://masks.example.de/artikel/latexmaske-7"


def shop_page(price_block: str, lang: str = "de") -> HtmlResponse:
    body = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        "<title>Latexmaske Greis | Maskenladen</title></head><body>"
        "<h1>Latexmaske Greis</h1><p>Handbemalt, mit Haaren.</p>"
        f"{price_block}"
        '<form><label for="q">Menge</label>'
        '<select id="qty-amount" name="quantity"><option>1</option><option>2</option>'
        "<option>3</option></select>"
        "<button type=submit>In den Warenkorb</button></form>"
        "</body></html>"
    )
    return HtmlResponse(url=URL, body=body.encode(), encoding="utf-8")


@pytest.mark.parametrize(
    ("price_block", "expected"),
    [
        # whole, separator and cents, each its own element
        (
            '<div class="price-now"><span class="int">49</span><span class="sep">,</span>'
            '<span class="dec">95</span><span class="cur">€</span></div>',
            Decimal("49.95"),
        ),
        # cents raised after the whole and its separator, inside a price block
        ('<p class="prijs"><strong>22.<sup>50</sup></strong> inkl. MwSt.</p>', Decimal("22.50")),
        # no separator printed: the cents in an element that says so
        (
            '<div class="item-price">€<span class="euros">18</span>'
            '<span class="cents">90</span></div>',
            Decimal("18.90"),
        ),
    ],
)
def test_price_printed_in_pieces_is_read_as_one(price_block, expected):
    listing = extract_listing(shop_page(price_block), "masks.example.de")
    assert (listing.price, listing.currency) == (expected, "EUR")


def test_two_bare_numbers_without_a_cents_mark_are_not_joined():
    block = '<div class="price-box"><span class="a">120</span><span class="b">99</span></div>'
    listing = extract_listing(shop_page(block), "masks.example.de")
    assert listing.price != Decimal("120.99")


def test_a_quantity_chooser_is_not_a_price():
    listing = extract_listing(shop_page('<p class="price">ab 35,00 €</p>'), "masks.example.de")
    assert listing.price == Decimal("35.00")
    without_price = extract_listing(shop_page(""), "masks.example.de")
    assert without_price.price is None


def test_a_regular_price_with_its_label_does_not_label_the_next_one():
    block = (
        '<div class="offer"><div class="top"><span>UVP:</span> <span class="rrp">59.95</span>'
        '</div><div class="amount-now"><span>44</span><span>.</span><span>95</span></div></div>'
    )
    listing = extract_listing(shop_page(block), "masks.example.de")
    assert listing.price == Decimal("44.95")
