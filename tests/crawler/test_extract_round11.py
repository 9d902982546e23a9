"""Extraction round 11: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.cues import is_other_cost
from maskscreen.crawler.extract.page import NotAListing, extract_listing
from maskscreen.crawler.extract.prices import parse_price

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


def jsonld(name: str, price: str = "99.00", **offer: str) -> str:
    """One JSON-LD Product block with one offer."""
    node = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name,
        "offers": {"@type": "Offer", "price": price, **offer},
    }
    return f"<script type='application/ld+json'>{json.dumps(node)}</script>"


def products(*names: str) -> str:
    """One JSON-LD block per product, as category and search pages print their cards."""
    return "".join(
        jsonld(name, f"{40 + number}.00", priceCurrency="USD") for number, name in enumerate(names)
    )


CARDS = products("Latex Mask Old Man", "Silicone Mask Young Woman", "Foam Mask Troll")


# --- pages describing many products in structured data ----------------------------------------


def test_a_category_page_describing_its_cards_is_a_listing_page() -> None:
    """Rule: three differently named products in the structured data of a page whose
    heading names none of them (not only a home page) are the page's cards."""
    assert refusal("<h1>Latex masks</h1>", head=CARDS) == "listing_page"


def test_a_search_heading_is_not_a_name_it_shares_letters_with() -> None:
    """Rule: the heading's words are matched whole ("256gb" is not "256 Gb")."""
    cards = products(
        "Phone Edge 60 Pro 256 Gb Azul", "Phone Edge 60 Pro 512 Gb Verde", "Phone Edge 30"
    )
    url = "https://list.shop.example/phone-edge-60-pro-256gb"
    assert refusal("<h1>Phone edge 60 pro 256gb</h1>", head=cards, url=url) == "listing_page"


def test_a_product_page_describing_related_products_keeps_its_own() -> None:
    page = listing("<h1>Latex Mask Old Man</h1><button>Add to cart</button>", head=CARDS)
    assert (page.title, page.price) == ("Latex Mask Old Man", 40)


def test_a_product_named_by_a_later_heading_or_the_title_keeps_its_own() -> None:
    """The first <h1> may be the shop's logo; the <title> names the product too."""
    body = "<h1>Mask Shop | Masks for every party</h1><h1>Latex Mask Old Man</h1>"
    assert listing(body, head=CARDS).price == 40
    titled = listing("<h1>Mask Shop</h1>", head=CARDS, title="Latex Mask Old Man - Mask Shop")
    assert titled.price == 40


def test_a_page_without_a_heading_is_not_judged_by_its_cards() -> None:
    assert listing("<p>Latex Mask Old Man</p>", head=CARDS).price == 40


# --- a price read after other products' cards -------------------------------------------------

CARD = (
    "<div class='card'><a href='/p/{n}'>Mask {n}</a><span class='price'>${n}0.00</span>"
    "<button>Add to cart</button></div>"
)
CARD_ROW = "".join(CARD.format(n=n) for n in range(1, 5))
LONE = (
    "<section><h3>Latex Mask Old Man</h3><p><b>$99.00</b></p><button>Add to cart</button></section>"
)


def test_a_price_after_cards_and_their_buttons_is_a_card() -> None:
    """Rule: with many buy buttons, a price that comes after a card's price and two buy
    buttons past the heading is one more card (a search's block printed apart)."""
    assert refusal(f"<h1>Search</h1>{CARD_ROW}{LONE}") == "listing_page"


def test_a_price_before_the_cards_is_the_products_own() -> None:
    page = listing(f"<h1>Latex Mask Old Man</h1>{LONE}{CARD_ROW}")
    assert (page.title, page.price) == ("Latex Mask Old Man", 99)


# --- the shop's country's currency -------------------------------------------------------------


def test_a_venezuelan_shops_undeclared_currency_is_the_bolivar() -> None:
    """Rule: structured data with a price and no currency on a .com.ve shop is in VES (the
    shop's country's currency, as .com.ar is ARS); more countries are listed."""
    head = jsonld("Latex Mask Old Man", "561.85")
    url = "https://www.farmacia.com.ve/producto/latex-mask"
    page = listing("<h1>Latex Mask Old Man</h1>", head=head, url=url)
    assert (page.price, page.currency) == (Decimal("561.85"), "VES")
    assert parse_price("1.250", language="es", domain="tienda.pe")[1] == "PEN"
    assert parse_price("45", domain="shop.example.ae")[1] == "AED"


def test_a_country_that_changed_its_currency_lately_gives_none() -> None:
    assert parse_price("45", domain="trgovina.hr")[1] is None


# --- titles ------------------------------------------------------------------------------------

STOCKED = {"availability": "https://schema.org/InStock"}


def test_a_structured_name_written_twice_gives_way_to_the_heading() -> None:
    """Rule: a JSON-LD name that is the page's heading twice over is the heading."""
    name = "Latex Mask Old Man 40cm"
    head = jsonld(f"{name} {name} ", priceCurrency="USD", **STOCKED)
    assert listing(f"<h1>{name}</h1>", head=head).title == name


def test_a_name_repeating_only_part_of_the_heading_is_kept() -> None:
    head = jsonld("Mask Mask", priceCurrency="USD", **STOCKED)
    assert listing("<h1>Latex Mask</h1>", head=head).title == "Mask Mask"


# --- shipping in Danish, Norwegian and Swedish -------------------------------------------------


@pytest.mark.parametrize("text", ["Gratis fragt over 499 kr", "Gratis frakt over NOK 600,-"])
def test_scandinavian_shipping_is_another_cost(text: str) -> None:
    """Rule: "fragt" (da) and "frakt" (no, sv) are shipping (the Danish word was written
    with doubled backslashes in a raw string and never matched)."""
    assert is_other_cost(text)


def test_a_word_holding_frakt_is_not_shipping() -> None:
    assert not is_other_cost("Fraktur poster 20 kr")
