"""Where a page's own product part is: buttons named by their class, an <aside> in
<main>, a main part swallowed by an unclosed <nav>, the heading that names the product,
and the words that say an item is orderable now for a later delivery."""

from __future__ import annotations

from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.fields import normalize_availability
from maskscreen.crawler.extract.page import NotAListing, extract_listing

URL = "https://costumes.example.com/item/aging-mask"


def respond(body: str, lang: str = "en") -> HtmlResponse:
    page = (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>Aging mask - Costume Co</title></head><body>{body}</body></html>"
    )
    return HtmlResponse(url=URL, body=page.encode(), encoding="utf-8")


# Six cards of other products: without a button of its own the page reads as a list.
CARDS = "".join(
    f'<li class="tile"><a href="/item/{n}">Mask {n}</a><span class="price">${n}.50</span></li>'
    for n in range(10, 16)
)


@pytest.mark.parametrize(
    "button",
    [
        '<input type="submit" class="btn add_cart" value="">',
        '<a class="buy-button" href="javascript:void(0)"><i class="icon"></i></a>',
    ],
)
def test_a_button_named_by_its_class_makes_the_page_one_products(button):
    body = f"<h1>Aging mask</h1><div><h2>$42.00</h2></div><form>{button}</form><ul>{CARDS}</ul>"
    listing = extract_listing(respond(body), "costumes.example.com")
    assert (listing.price, listing.availability) == (Decimal("42.00"), "InStock")


@pytest.mark.parametrize(
    "button",
    [
        '<a href="javascript:order()"><img src="/img/cart.gif" alt="Add to Cart"></a>',
        '<input type="image" src="/img/buy.gif" alt="Add to basket">',
        '<a href="javascript:order()"><img src="/img/buy.gif" alt="Buy!"></a>',
        '<button type="submit">Comprar</button>',
    ],
)
def test_a_picture_button_or_the_bare_verb_buy_is_a_buy_button(button):
    body = f"<h1>Aging mask</h1><p>Made by hand.</p><form>{button}</form>"
    listing = extract_listing(respond(body), "costumes.example.com")
    assert (listing.title, listing.availability) == ("Aging mask", "InStock")


@pytest.mark.parametrize("label", ["How to buy", "Comprar online: guia"])
def test_a_link_that_only_mentions_buying_is_not_a_buy_button(label):
    body = f"<h1>Aging mask</h1><p>Made by hand.</p><a href='/help'>{label}</a>"
    with pytest.raises(NotAListing):
        extract_listing(respond(body), "costumes.example.com")


def test_a_deposit_is_not_the_price():
    body = (
        "<h1>Aging mask, full head</h1>"
        + "<p>Sculpted and painted by hand.</p>" * 70
        + "<p>$1,450.00</p><p>Orders open: requires a $200.00 deposit</p>"
        "<button>Buy now</button>"
    )
    assert extract_listing(respond(body), "costumes.example.com").price == Decimal("1450.00")


def test_a_shipping_offer_in_an_h1_is_not_the_title():
    title = "Aging latex mask: 724819255917 |  | Example Costumes"
    body = "<div>Aging latex mask</div><h1>Free Standard Shipping above $35</h1>"
    assert titled(title, body) == "Aging latex mask"


@pytest.mark.parametrize(
    ("dialog", "title"),
    [
        ('<div class="modal fade" id="login">', "Aging mask, full head"),
        ('<div class="reveal" id="newsletter">', "Aging mask, full head"),
        ('<div class="modal fade show" id="age-check">', "Log in / Register"),  # opened
    ],
)
def test_a_closed_dialogs_heading_is_not_the_title(dialog, title):
    response = HtmlResponse(
        url=URL,
        body=(
            "<html><head><meta property='og:title' content='Aging mask, full head'>"
            f"</head><body>{dialog}<h1>Log in / Register</h1><form><input name=user>"
            "</form></div><div class='product'><p class='price'>$42.00</p>"
            "<button>Add to cart</button></div></body></html>"
        ).encode(),
        encoding="utf-8",
    )
    assert extract_listing(response, "costumes.example.com").title == title


def test_an_aside_inside_main_is_the_products_buy_box():
    body = (
        "<header><nav><a href='/'>Home</a></nav></header><main><section>"
        "<img src='/img/mask.jpg' alt=''>"
        '<aside class="purchase"><h1>Aging mask</h1><p class="price">$42.00</p>'
        "<p>Out of stock</p></aside></section></main>"
        "<aside><p>Newsletter: save $5.00</p></aside>"
    )
    listing = extract_listing(respond(body), "costumes.example.com")
    assert (listing.title, listing.price, listing.availability) == (
        "Aging mask",
        Decimal("42.00"),
        "OutOfStock",
    )


def test_a_sidebar_outside_main_is_still_not_the_product():
    body = (
        "<main><h1>Aging mask</h1><p>Handmade latex.</p><p>$42.00</p>"
        "<button>Add to cart</button></main>"
        '<aside><p class="price">$3.00</p></aside>'
    )
    listing = extract_listing(respond(body), "costumes.example.com")
    assert listing.price == Decimal("42.00")


@pytest.mark.parametrize("main", ["<main>", '<div class="page main-content">'])
def test_the_main_part_is_read_even_inside_an_unclosed_nav(main):
    closing = "</main>" if main == "<main>" else "</div>"
    body = (
        '<header><nav class="menu"><a href="/">Home</a><a href="/masks">Masks</a>'
        f"{main}<h1>Aging mask</h1><p class='price'>$42.00</p>"
        f"<button>Add to cart</button>{closing}"
    )  # the <nav> and <header> are never closed
    listing = extract_listing(respond(body), "costumes.example.com")
    assert (listing.title, listing.price, listing.availability) == (
        "Aging mask",
        Decimal("42.00"),
        "InStock",
    )


def titled(title: str, body: str) -> str:
    """The product's title as the page's <title> gives it, among several headings."""
    page = f"<html><head><title>{title}</title></head><body>{body}"
    page += "<p class='price'>$42.00</p><button>Add to cart</button></body></html>"
    listing = extract_listing(HtmlResponse(url=URL, body=page.encode()), "costumes.example.com")
    return listing.title


def test_the_h1_naming_the_product_beats_an_h2_naming_its_makers():
    # The <title> is "makers - product": the <h2> covers a little more of it.
    title = "Ana Lima, Joao Reis - Aging latex mask"
    body = "<h2>Ana Lima, Joao Reis</h2><h1>Aging latex mask</h1>"
    assert titled(title, body) == "Aging latex mask"


def test_an_h2_covering_much_more_of_the_title_beats_a_category_h1():
    title = "Aging latex mask with grey hair - Masks - Costume Co"
    body = "<h1>Masks</h1><h2>Aging latex mask with grey hair</h2>"
    assert titled(title, body) == "Aging latex mask with grey hair"


@pytest.mark.parametrize(
    "text",
    [
        "Eerste levering mogelijk vanaf 12-07-2026.",
        "Leverbaar vanaf 3 mei",
        "Jetzt vorbestellbar",
        "Article en précommande",
        "Encomenda antecipada",
    ],
)
def test_orderable_now_for_a_later_delivery_is_pre_order(text):
    assert normalize_availability(text, search=True) == "PreOrder"


def test_pre_order_statement_beats_the_buy_buttons_in_stock():
    body = (
        "<h1>Aging mask</h1><p class='price'>€ 42,00</p>"
        "<p>Levering: eerste levering mogelijk vanaf 01-08-2026</p>"
        "<button>In winkelwagen</button>"
    )
    listing = extract_listing(respond(body, lang="nl"), "costumes.example.com")
    assert listing.availability == "PreOrder"
