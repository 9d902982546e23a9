"""Extraction round 7: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

from decimal import Decimal

from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.page import extract_listing

URL = "https://shop.example/p/latex-mask-old-man"


def response(body: str, head: str = "", lang: str = "en", url: str = URL) -> HtmlResponse:
    html = (
        f'<html lang="{lang}"><head><title>Latex Mask Old Man | Shop</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def listing(body: str, head: str = "", lang: str = "en", url: str = URL):
    return extract_listing(response(body, head, lang, url), "s")


# --- a heading printed again is a repeated widget ---------------------------------------


def test_repeated_headings_take_no_place_among_the_title_candidates():
    """heuristic_walk.py: an <h1> text printed again ("Save 15%" in every purchase box)
    does not push the product's own <h1> out of the first few candidates."""
    promo = "<div class='box'><h1>Save 15% today</h1><h1>Skip any time</h1></div>" * 4
    body = (
        f"<main>{promo}<h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>"
        "<button type='submit'>Add to cart</button></main>"
    )
    got = listing(body)
    assert got.title == "Latex Mask Old Man"
    assert got.price == Decimal("120.00")


def test_the_first_heading_still_wins_when_no_heading_names_the_page():
    body = (
        "<main><h1>Old Man Mask</h1><h1>Old Man Mask</h1><span class='price'>$120.00</span>"
        "<button type='submit'>Add to cart</button></main>"
    )
    head = "<meta property='og:title' content='Something else'>"
    assert listing(body, head).title == "Old Man Mask"


# --- payment plans and their spend threshold --------------------------------------------


def test_a_payment_plans_spend_threshold_is_not_a_price():
    """cues.py: "Payez en 4 fois dès 100€ d'achats" names the spend that opens a plan."""
    assert cues.is_other_cost("Payez en 4 fois dès 100€ d'achats.")
    assert cues.is_other_cost("Pay in 4 on orders over $35")
    assert cues.is_other_cost("Ratenkauf ab 99 € Bestellwert")
    assert not cues.is_other_cost("Prix d'achat : 54,00 €")


def test_the_product_price_is_read_past_a_payment_plan_line():
    body = (
        "<main><h1>Latex Mask Old Man</h1><span class='price'>54,00 €</span>"
        "<div><span>Payez en 4 fois dès 100€ d'achats.</span></div>"
        "<button type='submit'>Ajouter au panier</button></main>"
    )
    assert listing(body, lang="fr").price == Decimal("54.00")


# --- a price per measure ------------------------------------------------------------------


def test_a_price_per_measure_is_not_the_items_price():
    """cues.py: "£4.38/kg", "1,99 € / 100 g", "€ 3,20 pro kg" are prices per measure."""
    for text in ("£4.38/kg", "1,99 € / 100 g", "€ 3,20 pro kg", "$2.10 per lb", "9,95 €/l"):
        assert cues.is_other_cost(text), text
    for text in ("£1.75/unit", "$12.00", "€ 19,90 pro Stück"):
        assert not cues.is_other_cost(text), text


def test_the_item_price_beats_the_price_per_measure_beside_the_button():
    body = (
        "<main><h1>Latex Mask Old Man</h1><div class='pricing'>"
        "<p class='pricePerUnit'>£1.75/unit</p><p class='pricePerMeasure'>£4.38/kg</p></div>"
        "<button type='submit'>Add</button></main>"
    )
    assert listing(body).price == Decimal("1.75")


# --- the price between the name and its buy button ----------------------------------------


def test_a_price_between_the_name_and_its_button_beats_another_sellers_offer():
    """heuristic.py: a price printed between the <h1> and the first buy button is the
    product's; another seller's offer after that button, with a button of its own, is not,
    however near it sits to the first button."""
    def notes(n: int) -> str:
        return "".join(f"<p>Note {i} on this mask.</p>" for i in range(n))

    body = (
        f"<main><h1>Latex Mask Old Man</h1>{notes(60)}<span class='price'>54,00 €</span>"
        f"{notes(30)}<button type='submit'>Add to cart</button>{notes(40)}"
        "<div class='offer'><button type='submit'>Add to cart</button>"
        "<span class='price'>58,46 €</span></div></main>"
    )
    assert listing(body).price == Decimal("54.00")
