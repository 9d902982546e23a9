"""Extraction round 8: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json

from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.page import extract_listing

URL = "https://shop.example/p/latex-mask-old-man"
CART = "<button type='submit' name='add'>Add to cart</button>"


def response(body: str, head: str = "", lang: str = "en", url: str = URL) -> HtmlResponse:
    html = (
        f'<html lang="{lang}"><head><title>Shop</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def listing(body: str, head: str = "", lang: str = "en", url: str = URL):
    return extract_listing(response(body, head, lang, url), "s")


def jsonld(name: str, brand: str | None = None, **offer: object) -> str:
    product: dict = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "offers": {
            "@type": "Offer",
            "price": "120.00",
            "priceCurrency": "USD",
            "availability": "https://schema.org/InStock",
            **offer,
        },
    }
    if brand:
        product["brand"] = {"@type": "Brand", "name": brand}
    return f"<script type='application/ld+json'>{json.dumps(product)}</script>"


def product_box(h1: str, extra: str = "") -> str:
    return f"<main>{h1}<span class='price'>$120.00</span>{extra}{CART}</main>"


# --- the heading's brand part --------------------------------------------------------------


def test_a_brand_set_apart_in_the_heading_is_not_part_of_the_name():
    """page.py (`Heading.name`): the heading holds the brand in an element of its own
    (a class saying designer, brand, vendor) and the name beside it; the structured name
    is the whole heading: the name part is the title."""
    h1 = (
        "<h1><a class='product__designer' href='/d/atelier'>Atelier Noir</a>"
        "<div class='product__name'>Latex mask old man</div></h1>"
    )
    got = listing(product_box(h1), jsonld("Atelier Noir Latex mask old man", "Atelier Noir"))
    assert got.title == "Latex mask old man"


def test_a_brand_after_the_name_is_dropped_too():
    h1 = (
        "<h1>Latex Mask Old Man<br><span class='product__vendor'><a href='/v'>Maison Vue</a>"
        "</span></h1>"
    )
    got = listing(product_box(h1), jsonld("Latex Mask Old Man - Grey"))
    assert got.title == "Latex Mask Old Man"


def test_a_brand_word_inside_the_heading_stays():
    """A brand element in the middle of the heading is a word of the name, not a part
    set apart from it."""
    h1 = (
        "<h1>Latex mask <span itemprop='brand'>Atelier</span> "
        "<span itemprop='name'>old man grey</span></h1>"
    )
    got = listing(product_box(h1), jsonld("Latex mask Atelier old man grey", "Atelier"))
    assert got.title == "Latex mask Atelier old man grey"


def test_a_heading_without_a_brand_part_keeps_the_structured_name():
    h1 = "<h1><span class='product-title'>Latex Mask Old Man</span></h1>"
    got = listing(product_box(h1), jsonld("Latex Mask Old Man"))
    assert got.title == "Latex Mask Old Man"


# --- a structured name that is the heading with more around it ---------------------------


def test_a_name_with_a_gender_before_the_heading_gives_way_to_the_heading():
    """page.py (`_framed(title, heading)`): "Women's" + the heading."""
    got = listing(product_box("<h1>Latex Mask Old Man</h1>"), jsonld("Women's Latex Mask Old Man"))
    assert got.title == "Latex Mask Old Man"


def test_a_name_running_on_after_the_heading_is_kept():
    """The name says more than the heading (a kind, a set): the JSON-LD name stays."""
    got = listing(
        product_box("<h1>Latex Mask Old Man</h1>"), jsonld("Latex Mask Old Man in Grey Silicone")
    )
    assert got.title == "Latex Mask Old Man in Grey Silicone"


def test_a_heading_that_is_only_the_brand_does_not_cut_the_name():
    h1 = "<h1>Maison Vue</h1><p>Latex Mask Old Man</p>"
    got = listing(product_box(h1), jsonld("Maison Vue Latex Mask Old Man", "Maison Vue"))
    assert got.title == "Maison Vue Latex Mask Old Man"
    got = listing(product_box("<h1>Atelier</h1>"), jsonld("Atelier Latex Mask Old Man"))
    assert got.title == "Atelier Latex Mask Old Man"


def test_the_headings_signs_beat_the_same_words_in_the_structured_name():
    """page.py (`_shows`, same words): the heading's '27"' over the name's "27''"."""
    got = listing(
        product_box('<h1>Mask Display 27" (grey/white)</h1>'),
        jsonld("Mask Display 27'' grey white"),
    )
    assert got.title == 'Mask Display 27" (grey/white)'
    # A heading whose words run together is not the better spelling.
    h1 = "<h1>Latex Mask<b>Grey</b></h1>"
    assert listing(product_box(h1), jsonld("Latex Mask Grey")).title == "Latex Mask Grey"


# --- headings a shopper does not read as the product's -------------------------------------


def test_screen_reader_text_is_not_part_of_the_heading():
    """page.py (`_heading_parts`): a variant name in a visually hidden span."""
    h1 = "<h1>Latex Mask Old Man<span class='visually-hidden'>Grey</span></h1>"
    got = listing(product_box(h1), jsonld("Latex Mask Old Man - Grey"))
    assert got.title == "Latex Mask Old Man"


def test_a_heading_in_a_dialog_is_not_the_pages():
    """page.py (`_in_dialog`): a location prompt's <h1> before the product's."""
    dialog = "<div role='modal'><header><h1>Update your location?</h1></header></div>"
    body = dialog + product_box("<h1>Latex Mask Old</h1>")
    got = listing(body, jsonld("Atelier Latex Mask Old"))
    assert got.title == "Latex Mask Old"
    assert cues.is_reader_only_class("sr-only")
    assert not cues.is_reader_only_class("hidden-label")


# --- stock words only screen readers get ---------------------------------------------------


def swatches(label_class: str) -> str:
    return "".join(
        f"<label class='swatch'><span class='visually-hidden'>{colour}</span>"
        f"<span class='{label_class}'>Variant sold out or unavailable</span></label>"
        for colour in ("Grey", "Tan", "Black")
    )


def test_a_screen_reader_stock_label_on_swatches_states_nothing():
    """heuristic_walk.py: a template prints "Variant sold out or unavailable" in a
    visually hidden span on every swatch (CSS shows it on the unavailable ones): the
    structured InStock stands."""
    body = product_box("<h1>Latex Mask Old Man</h1>", swatches("visually-hidden label-unavailable"))
    assert listing(body, jsonld("Latex Mask Old Man")).availability == "InStock"


def test_a_visible_stock_label_still_overrules_the_structured_value():
    body = product_box("<h1>Latex Mask Old Man</h1>", swatches("label-unavailable"))
    assert listing(body, jsonld("Latex Mask Old Man")).availability in ("SoldOut", "OutOfStock")
