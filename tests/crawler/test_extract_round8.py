"""Extraction round 8: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json
from decimal import Decimal

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


# --- a block of prices, and a currency printed apart -----------------------------------------


def sale_block(container: str) -> str:
    return (
        f"<main><h1>Latex Mask Old Man</h1><div class='{container}'>"
        "<span class='currency-picker'><a href='#'><i>US$</i></a></span>"
        "<span id='unit_price'>55.<sup>99</sup></span>"
        "<dl class='menu'><dd><span>€</span><a href='#'>Euro</a></dd>"
        "<dd><span>£</span><a href='#'>British Pound</a></dd>"
        "<dd><span>HK$</span><a href='#'>Hong Kong Dollar</a></dd>"
        "<dd><span>R$</span><a href='#'>Brazilian Real</a></dd></dl>"
        "<s id='market_price'>US$ 69.99</s></div>"
        f"{CART}</main>"
    )


def test_a_price_list_block_does_not_make_its_prices_old():
    """cues.py: "price_list" names the block of prices, not a list price ("list-price"
    and "price-was" still do)."""
    assert not cues.is_was_attr("price_list")
    assert cues.is_was_attr("list-price")
    assert cues.is_was_attr("price-was")


def test_a_bare_amount_takes_the_currency_printed_alone_before_it():
    """heuristic_parts.py: the currency picker's "US$" just before "55.<sup>99</sup>";
    the struck US$ 69.99 beside it is the old price."""
    got = listing(sale_block("price_list"))
    assert (got.price, got.currency) == (Decimal("55.99"), "USD")


# --- the offer the page shows selected -------------------------------------------------------


def variants_jsonld(*prices: str) -> str:
    product = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Latex Mask Old Man",
        "offers": [
            {
                "@type": "Offer",
                "price": price,
                "priceCurrency": "USD",
                "availability": "https://schema.org/InStock",
            }
            for price in prices
        ],
    }
    return f"<script type='application/ld+json'>{json.dumps(product)}</script>"


def variant_box(printed: str) -> str:
    return (
        f"<main><h1>Latex Mask Old Man</h1><span class='price'>{printed}</span>"
        "<select name='size'><option>S</option><option selected>XL</option></select>"
        f"{CART}</main>"
    )


def test_the_printed_price_of_the_selected_variant_beats_the_lowest_offer():
    """page.py (`_shown_offer`): offers at $210 and $480, the box prints $480 for the
    variant it shows selected: that is the price."""
    got = listing(variant_box("$480.00"), variants_jsonld("210.00", "480.00"))
    assert got.price == Decimal("480.00")
    assert got.currency == "USD"


def test_a_printed_price_no_offer_names_leaves_the_lowest_offer():
    got = listing(variant_box("$99.00"), variants_jsonld("210.00", "480.00"))
    assert got.price == Decimal("210.00")
    # One offer price only: the page is not read for it.
    got = listing(variant_box("$480.00"), variants_jsonld("210.00", "210.00"))
    assert got.price == Decimal("210.00")


# --- the pieces of a price printed in pieces ---------------------------------------------------


def test_the_cents_piece_of_a_price_is_no_price_of_its_own():
    """heuristic_parts.py (`_price_piece`): "<span class=price-whole>12.</span><span
    class=price-fraction>48</span>" by the buy button is a piece of $12.48, no price
    of 48 (or 12) of its own."""
    body = (
        "<main><h1>Latex Mask Old Man</h1><div class='byline'><a href='/b'>Visit the store</a>"
        "</div><div class='rating'><i>4.5</i><span>out of 5 stars</span>"
        "<a href='#r'>120 ratings</a></div><p>Price: <span>$12.48</span></p>"
        "<ul><li>Strong</li><li>Grey</li><li>Soft</li><li>Made by hand</li></ul>"
        "<div class='buybox'><span class='price-whole'>12.</span>"
        f"<span class='price-fraction'>48</span>{CART}</div></main>"
    )
    got = listing(body)
    assert (got.price, got.currency) == (Decimal("12.48"), "USD")


def test_a_comment_before_a_price_piece_is_passed_over():
    """heuristic_parts.py (`_price_piece`): a comment between the pieces of a price
    prints nothing (the piece before it is still the whole part), and a comment as
    the only thing before an amount is no element to read: no crash, the price read."""
    body = (
        "<main><h1>Latex Mask Old Man</h1><p>Price: <span>$12.48</span></p>"
        "<div class='buybox'><span class='price-whole'>12.</span><!-- cents -->"
        f"<span class='price-fraction'>48</span>{CART}</div></main>"
    )
    got = listing(body)
    assert (got.price, got.currency) == (Decimal("12.48"), "USD")
    alone = "<main><h1>Latex Mask Old Man</h1><p><!-- price --><span>$12.48</span></p>" + CART
    got = listing(alone + "</main>")
    assert (got.price, got.currency) == (Decimal("12.48"), "USD")


# --- structured sources that disagree on the stock --------------------------------------------


def disagreeing(button: str) -> str:
    return (
        "<main itemscope itemtype='https://schema.org/Product'>"
        "<h1 itemprop='name'>Latex Mask Old Man</h1>"
        "<div itemprop='offers' itemscope itemtype='https://schema.org/Offer'>"
        "<span class='price'>$120.00</span><meta itemprop='price' content='120.00'>"
        "<meta itemprop='priceCurrency' content='USD'>"
        "<link itemprop='availability' href='https://schema.org/OutOfStock'></div>"
        f"{button}</main>"
    )


OG_IN_STOCK = (
    "<meta property='og:type' content='product'>"
    "<meta property='og:title' content='Latex Mask Old Man'>"
    "<meta property='product:availability' content='instock'>"
)


def test_an_enabled_buy_button_settles_structured_sources_that_disagree():
    """page.py (`_buyable_over_disagreeing`): microdata OutOfStock, OpenGraph in stock,
    no stock words, an enabled "Add to cart": InStock."""
    assert listing(disagreeing(CART), OG_IN_STOCK).availability == "InStock"


def test_the_first_structured_value_stands_without_a_buy_button():
    assert listing(disagreeing(""), OG_IN_STOCK).availability == "OutOfStock"
    # Sources that agree are not read against the page.
    assert listing(disagreeing(CART)).availability == "OutOfStock"
