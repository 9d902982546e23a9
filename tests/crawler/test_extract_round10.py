"""Extraction round 10: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json
from decimal import Decimal

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


# --- prices printed beside the regular price in one block -------------------------------------


def test_a_price_block_holding_the_old_price_as_a_child_gives_the_other_amount() -> None:
    """Rule: the block's text without its struck or old-price child, when another amount
    is left ("<p class=price><span class=old-price>₹ 399.00</span> ₹ 249.00</p>")."""
    body = (
        "<h1>Latex Mask Old Man</h1>"
        "<p class='product-price'><span class='old-price'>₹ 399.00</span>&nbsp; ₹ 249.00"
        " Incl. GST</p>" + CART
    )
    page = listing(body)
    assert (page.price, page.currency) == (249, "INR")


def test_a_struck_child_before_the_price_is_left_out_too() -> None:
    body = "<h1>Latex Mask Old Man</h1><div class='price'><del>$150.00</del> $120.00</div>" + CART
    assert listing(body).price == 120


def test_a_price_block_whose_only_amount_is_in_a_child_keeps_it() -> None:
    body = "<h1>Latex Mask Old Man</h1><div class='price'><span class='amount'>$120.00</span></div>"
    assert listing(body + CART).price == 120


def test_two_numbers_in_two_text_nodes_are_read_apart() -> None:
    """Rule: "<span>119</span>99 ₽" is 119 then 99, not 11999: the price against the sign."""
    body = "<h1>Latex Mask Old Man</h1><p class='button-price'><span>119</span>99 ₽</p>" + CART
    page = listing(body, lang="ru", url="https://shop.example.ru/p/mask")
    assert (page.price, page.currency) == (99, "RUB")


def test_cents_set_apart_are_still_one_price() -> None:
    for price in ("$120.<sup>99</sup>", "$<span>120</span><span class='cents'>99</span>"):
        body = f"<h1>Latex Mask Old Man</h1><span class='price'>{price}</span>" + CART
        assert listing(body).price == Decimal("120.99"), price


# --- stock words ------------------------------------------------------------------------------


def test_a_badge_beside_another_products_linked_picture_is_that_cards() -> None:
    """Rule: a stock badge set over a picture linking to another page (a popup's or a
    related row's card) states nothing about the page's product."""
    card = (
        "<div class='popup'><div class='card-image'><a href='/p/other-mask'><img src='o.jpg'></a>"
        "<ul class='product-flags'><li class='product-flag out_of_stock'>Rupture de stock</li>"
        "</ul></div><a href='/p/other-mask'>Other mask</a></div>"
    )
    body = card + "<main><h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>" + CART
    assert listing(body + "</main>", head=jsonld()).availability == "InStock"


def test_a_badge_on_the_products_own_picture_still_states() -> None:
    own = (
        "<div class='product-image'><a href='/media/mask-large.jpg'><img src='m.jpg'></a>"
        "<ul class='product-flags'><li class='product-flag out_of_stock'>Out of stock</li></ul>"
        "</div>"
    )
    body = "<main><h1>Latex Mask Old Man</h1>" + own + "<span class='price'>$120.00</span></main>"
    assert listing(body, head=jsonld()).availability == "OutOfStock"


def test_en_arrivage_is_a_back_order() -> None:
    """Rule: the French "En arrivage" (stock on its way) beside an enabled cart is BackOrder."""
    body = (
        "<main><h1>Latex Mask Old Man</h1><span class='price'>120,00 €</span>"
        "<div class='stock'><span>En arrivage</span></div>"
        "<button type='submit'>Ajouter au panier</button></main>"
    )
    page = listing(body, head=jsonld("120.00", "EUR"), lang="fr")
    assert page.availability == "BackOrder"


def test_the_stock_line_after_a_long_menu_is_read_from_the_heading() -> None:
    """Rule: the elements read for stock words count from the first <h1> when a menu
    before it is longer than the fixed count (3,000 menu links, then the product)."""
    menu = "<ul class='menu'>" + "<li><a href='/c'>Masks</a></li>" * 1500 + "</ul>"
    body = (
        menu + "<main><h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>"
        "<p class='stock'>Out of stock</p></main>"
    )
    assert listing(body, head=jsonld()).availability == "OutOfStock"


def test_stock_words_far_after_the_heading_are_still_not_read() -> None:
    reviews = "<div class='review'><p>Nice</p></div>" * 1500
    body = (
        "<main><h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>"
        + reviews
        + "<p class='stock'>Out of stock</p></main>"
    )
    assert listing(body, head=jsonld()).availability == "InStock"


# --- empty quantity lists ---------------------------------------------------------------------

QTY = "<select name='sQuantity' title='Quantity'>{}</select>"
OPTIONS = "<option value='1'>1</option><option value='2'>2</option>"


def box(quantity: str = QTY.format(OPTIONS)) -> str:
    return (
        "<main><h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>"
        f"<form action='/cart/add'>{quantity}{CART}</form></main>"
    )


def test_an_empty_quantity_list_keeps_the_declared_out_of_stock() -> None:
    """A declared OutOfStock stands beside a buy control (round 4's rule), and the empty
    list says the same."""
    page = listing(box(QTY.format("")), head=jsonld(availability="OutOfStock"))
    assert page.availability == "OutOfStock"


def test_an_empty_quantity_list_without_structured_data_reads_out_of_stock() -> None:
    """Rule: on its own, an empty quantity list beside the buy control is OutOfStock."""
    assert listing(box(QTY.format(""))).availability == "OutOfStock"
    assert listing(box()).availability == "InStock"


def test_stock_words_still_win_over_the_enabled_buy_control() -> None:
    body = box().replace("</main>", "<p class='availability'>Out of stock</p></main>")
    assert listing(body, head=jsonld(availability="InStock")).availability == "OutOfStock"


def test_a_declared_out_of_stock_without_a_buy_control_stands() -> None:
    body = "<main><h1>Latex Mask Old Man</h1><span class='price'>$120.00</span></main>"
    assert listing(body, head=jsonld(availability="OutOfStock")).availability == "OutOfStock"


# --- a declared price with more decimal places than the printed one ---------------------------

OG_PRICE = (
    "<meta property='og:type' content='product'>"
    "<meta property='og:title' content='Latex Mask Old Man'>"
    "<meta property='product:price:amount' content='{}'>"
    "<meta property='product:price:currency' content='MXN'>"
)
SHOWN = "<main><h1>Latex Mask Old Man</h1><span class='price'>$637.00</span></main>"


def test_a_declared_price_rounding_to_the_printed_one_is_the_printed_one() -> None:
    """Rule: og:price 637.002401 beside a printed "$637.00" is 637.00."""
    page = listing(SHOWN, head=OG_PRICE.format("637.002401"), url="https://shop.example.mx/p/1")
    assert str(page.price) == "637.00"


def test_a_declared_price_that_rounds_to_another_amount_stays() -> None:
    page = listing(SHOWN, head=OG_PRICE.format("640.5"), url="https://shop.example.mx/p/1")
    assert page.price == Decimal("640.5")


# --- a heading that is only the brand -----------------------------------------------------------


def branded(name: str = "Arrow Latex Mask Old Man") -> str:
    node = {"@context": "https://schema.org", "@type": "Product", "name": name,
            "brand": {"@type": "Brand", "name": "Arrow"},
            "offers": {"@type": "Offer", "price": "120.00", "priceCurrency": "USD",
                       "availability": "https://schema.org/InStock"}}  # fmt: skip
    return f"<script type='application/ld+json'>{json.dumps(node)}</script>"


def test_an_h1_holding_only_the_brand_gives_way_to_the_next_h1() -> None:
    """Rule: "<h1>Arrow</h1><h1>Latex Mask Old Man</h1>" under the structured name
    "Arrow Latex Mask Old Man": the brand's line, then the name; the name is the title."""
    body = "<main><h1>Arrow</h1><h1>Latex Mask Old Man</h1><span class='price'>$120</span></main>"
    assert listing(body, head=branded()).title == "Latex Mask Old Man"


def test_an_h1_that_is_not_the_brand_is_still_the_heading() -> None:
    body = "<main><h1>Latex Mask Old Man</h1><h1>Reviews</h1><span class='price'>$120</span></main>"
    assert listing(body, head=branded()).title == "Latex Mask Old Man"
