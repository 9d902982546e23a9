"""Extraction round 10: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json

from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import extract_listing
from maskscreen.crawler.extract.prices import normalize_currency, parse_price

URL = "https://shop.example/p/latex-mask-old-man"
CART = "<button type='submit' name='add'>Add to cart</button>"


def response(body: str, head: str = "", url: str = URL, lang: str = "en") -> HtmlResponse:
    html = (
        f'<html lang="{lang}"><head><title>Shop</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def listing(body: str, head: str = "", url: str = URL, lang: str = "en"):
    return extract_listing(response(body, head, url, lang), "s")


def jsonld(price: str = "120.00", currency: str = "USD", availability: str = "InStock") -> str:
    node = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Latex Mask Old Man",
        "offers": {
            "@type": "Offer",
            "price": price,
            "priceCurrency": currency,
            "availability": f"https://schema.org/{availability}",
        },
    }
    return f"<script type='application/ld+json'>{json.dumps(node)}</script>"


# --- declared currencies --------------------------------------------------------------------


def test_a_declared_iso_code_outside_the_printed_list_is_read() -> None:
    """Rule: every current ISO 4217 code a page declares is its currency (TND, DZD, KWD)."""
    page = listing("<h1>Latex Mask Old Man</h1>", head=jsonld("579.000", "TND"))
    assert (page.price, page.currency) == (579, "TND")
    assert normalize_currency("dzd") == "DZD"


def test_a_declared_typo_is_still_no_currency() -> None:
    assert normalize_currency("UAN") is None
    assert normalize_currency("-") is None


def test_words_that_are_iso_codes_are_not_read_as_currencies_in_printed_text() -> None:
    """Only the short list is looked for in text: "ALL" in a price line is a word."""
    assert parse_price("ALL SIZES 12.00") == (12, None)
