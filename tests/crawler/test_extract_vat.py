"""A net price in structured data beside the gross price printed for the buyer."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import extract_listing
from maskscreen.crawler.extract.vat import consumer_price

URL = "https://maskenhaus.example.de/p/latexmaske-opa"


def shop(structured_price: str, visible: str, lang: str = "de") -> HtmlResponse:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Latexmaske Opa",
        "offers": {
            "@type": "Offer",
            "price": structured_price,
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
        },
    }
    page = (
        f'<html lang="{lang}"><head><script type="application/ld+json">{json.dumps(data)}'
        f"</script></head><body><h1>Latexmaske Opa</h1>{visible}</body></html>"
    )
    return HtmlResponse(url=URL, body=page.encode(), encoding="utf-8")


def price_of(response: HtmlResponse) -> Decimal | None:
    return extract_listing(response, "maskenhaus.example.de").price


@pytest.mark.parametrize(
    ("net", "visible", "gross"),
    [
        # both printed, each with its label (19 % VAT)
        (
            "16.72",
            "<p><span>zzgl. MwSt:</span> <b>16,72 €</b></p>"
            "<p><span>inkl. MwSt:</span> <b>19,90 €</b></p>",
            Decimal("19.90"),
        ),
        # only the gross printed; the net in the data is rounded (10 % VAT: 27.2727…)
        (
            "27.27",
            '<p class="amount">30,00 €</p><svg><path d="M1 1L2 2"/></svg>'
            "<small>IVA incluido, más envío</small>",
            Decimal("30.00"),
        ),
    ],
)
def test_the_printed_price_with_vat_beats_a_net_structured_price(net, visible, gross):
    assert price_of(shop(net, visible)) == gross


@pytest.mark.parametrize(
    "visible",
    [
        # the structured price is the one printed with VAT; the RRP is 20 % more
        "<p><b>49,99 €</b> inkl. MwSt.</p><p>UVP 59,99 €</p>",
        # a was price 20 % above the structured one, the sale price printed elsewhere
        "<div>Jetzt nur 49,99 €</div>" + "<p>x</p>" * 80 + "<p>statt 59,99 € inkl. MwSt.</p>",
        # no VAT phrase at all
        "<p>59,99 €</p>",
    ],
)
def test_the_structured_price_stays_without_proof_it_is_net(visible):
    assert price_of(shop("49.99", visible)) == Decimal("49.99")


def test_another_products_price_by_a_later_phrase_is_not_this_ones():
    text = (
        "<h1>Latexmaske Opa</h1><p>3,95 EUR inkl. 19% MwSt.</p>"
        "<ul><li>Maske Oma 4,95 EUR inkl. 19 % MwSt.</li></ul>"
    )
    assert consumer_price(text, Decimal("3.95"), "EUR") is None
    assert consumer_price(text.replace("3,95", "3,50"), Decimal("3.95"), "EUR") is None


def test_a_dollar_price_is_never_searched_for_vat():
    text = "<p>Inkl. MwSt: 5,95 $</p>"
    assert consumer_price(text, Decimal("4.92"), "EUR") == Decimal("5.95")
    assert consumer_price(text, Decimal("4.92"), "USD") is None
