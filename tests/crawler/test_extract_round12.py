"""Extraction round 12: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import NotAListing, extract_listing

URL = "https://shop.example/masks/latex"


def response(body: str, head: str = "", url: str = URL, title: str = "Shop") -> HtmlResponse:
    html = (
        f'<html lang="en"><head><title>{title}</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def listing(body: str, head: str = "", url: str = URL, title: str = "Shop"):
    return extract_listing(response(body, head, url, title), "s")


def refusal(body: str, head: str = "", url: str = URL, title: str = "Shop") -> str:
    with pytest.raises(NotAListing) as caught:
        listing(body, head, url, title)
    return caught.value.reason


def cards(count: int, box: str = "card", button: bool = True) -> str:
    """`count` product cards: a name linking to the product, a price, a buy button."""
    buy = "<button>Add to cart</button>" if button else ""
    return "".join(
        f"<div class='{box}'><div class='card__content'><div class='card__prices'>"
        f"<span class='card__price'>${n}9.00</span></div>"
        f"<a href='/p/{n}'>Latex Mask Number {n}</a></div>{buy}</div>"
        for n in range(1, count + 1)
    )


# --- the site's header named by its id -----------------------------------------------------

CART_TOTAL = (
    "<div id='header'><div class='header-cart'><button>"
    "<span class='price'>$675.46</span></button></div></div>"
)


def test_a_price_in_a_header_named_by_its_id_is_the_sites() -> None:
    """Rule: an element whose id is "header" is the site's header, as a <header> is: the
    cart's total printed there is no product's price (a home page of cards)."""
    assert refusal(CART_TOTAL + cards(8)) == "listing_page"


def test_a_header_tag_named_header_inside_a_page_wide_main_is_the_sites() -> None:
    """Rule: a <header id=header> inside a <main> that wraps the whole page is still the
    site's header: its cart drop-down buys nothing."""
    body = (
        "<main><header id='header'><a class='header-cart-btn' data-toggle='dropdown'>"
        "Cart: / Empty</a></header><h2>Welcome to our shop</h2><p>New this week</p></main>"
    )
    assert refusal(body) == "not_a_product"


def test_a_product_heading_block_classed_header_is_still_read() -> None:
    """A class word "header" is not enough: a product box's heading block is one."""
    body = (
        "<div class='header'><h1>Latex Mask Old Man</h1><span class='price'>$99.00</span>"
        "<button>Add to cart</button></div>"
    )
    page = listing(body)
    assert (page.title, page.price, page.availability) == ("Latex Mask Old Man", 99, "InStock")


# --- only cards' prices beside one buy control ----------------------------------------------

SEATS = "".join(
    f"<tr><td>Section {n}</td><td><span class='price'>${n}2.00</span></td></tr>"
    for n in range(1, 9)
)


def test_many_card_prices_and_one_buy_control_are_a_list() -> None:
    """Rule: a page whose every price is one of `MANY_PRICES` or more cards' in its main
    part has no price of its own; one buy control beside them (a cart icon, one card's
    button) does not make a card's price the page's."""
    body = (
        "<div class='top'><a class='cart-button' href='/u/k0206'><img src='/cart.png'></a></div>"
        f"<h1>Seats for the match</h1><table>{SEATS}</table>"
    )
    assert refusal(body) == "listing_page"


def test_a_few_card_prices_beside_the_buy_button_still_give_a_price() -> None:
    page = listing(
        f"<h1>Latex Mask Old Man</h1><button>Add to cart</button>{cards(4, button=False)}"
    )
    assert page.title == "Latex Mask Old Man"
    assert page.price is not None


# --- a card set apart by a modifier class --------------------------------------------------

WIDE_CARD = (
    "<div class='card card--wide'><div class='card__content'><div class='card__prices'>"
    "<span class='card__price'>$499.95</span></div>"
    "<a href='/p/sofa'>Latex Mask Number 0</a></div><button>Add to cart</button></div>"
)


def test_a_wide_first_card_is_one_of_the_cards() -> None:
    """Rule: boxes' class words are compared without their modifier words ("card--wide"):
    a category's featured first card is one more card, not the page's own price."""
    body = f"<h1>Sale</h1><div class='grid'>{WIDE_CARD}{cards(7, box='card ')}</div>"
    assert refusal(body) == "listing_page"


def test_a_products_own_old_and_new_prices_are_not_cards() -> None:
    """The price element's own class stays whole: "price--old" and "price--now" in the
    product's box are two prices, not a repeated card."""
    body = (
        "<h1>Latex Mask Old Man</h1><div class='buy-box buy-box--main'>"
        "<span class='price price--old'>$120.00</span>"
        "<span class='price price--now'>$99.00</span><button>Add to cart</button></div>"
    )
    assert listing(body).price == Decimal("99.00")


# --- a search's template tagged as a product -----------------------------------------------

TEMPLATE = (
    "<meta property='og:type' content='product'>"
    "<meta property='og:title' content='* - Buy * at Best Price | shop.example'>"
)


def test_a_search_template_tagged_as_a_product_is_a_list() -> None:
    """Rule: a search's address whose structured product has no price and whose visible
    page shows no product (the results drawn by scripts) is the search's page."""
    url = "https://shop.example/search/catalog/"
    assert refusal("<div id='root'></div>", head=TEMPLATE, url=url) == "listing_page"


def test_a_product_tagged_page_outside_a_search_keeps_its_name() -> None:
    head = "<meta property='og:type' content='product'><meta property='og:title' content='Mask'>"
    assert listing("<div id='root'></div>", head=head).title == "Mask"


# --- a text split by an empty comment ------------------------------------------------------


def test_an_amount_after_an_empty_comment_is_the_texts() -> None:
    """Rule: an element's text is read joined across the comments that open it (React
    prints "R$ <!-- -->2.463,73": one text in two nodes, the amount in the second)."""
    body = (
        "<h1>Furadeira de Impacto 1010W</h1><div class='a'><s>R$ <!-- -->2.706,38</s></div>"
        "<div class='b'>R$ <!-- -->2.463,73</div><button>Comprar</button>"
    )
    page = listing(body, url="https://loja.example.com.br/produto/furadeira")
    assert (page.price, page.currency) == (Decimal("2463.73"), "BRL")


def test_a_labelled_price_after_a_comment_reads_as_before() -> None:
    body = (
        "<h1>Latex Mask Old Man</h1><span class='price'><!-- price -->$99.00</span>"
        "<button>Add to cart</button>"
    )
    assert listing(body).price == Decimal("99.00")


# --- a list whose cards head their items with <h1>s ------------------------------------------


def test_headings_each_with_a_stock_label_and_no_price_are_a_list() -> None:
    """Rule: no price, no buy control and `REPEATED` or more <h1>s is a list whose cards
    each head their item with an <h1> (the prices drawn by scripts)."""
    items = "".join(
        f"<div class='item'><h1>Latex Mask Model {n}</h1>"
        f"<div class='stock'>Availability: In stock</div></div>"
        for n in range(1, 4)
    )
    assert refusal(f"<h1>Latex mask | Search</h1>{items}") == "listing_page"


def test_a_logo_heading_and_a_sold_out_product_still_give_a_listing() -> None:
    body = (
        "<h1>Mask Shop</h1><h1>Latex Mask Old Man</h1><div class='stock'>Sold out</div>"
        "<p>Handmade latex, one size.</p>"
    )
    page = listing(body)
    assert (page.title, page.availability) == ("Latex Mask Old Man", "SoldOut")
