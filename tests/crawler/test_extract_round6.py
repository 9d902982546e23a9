"""Extraction round 6: rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.page import NotAListing, extract_listing
from maskscreen.crawler.extract.prices import names_a_currency, parse_price

URL = "https://shop.example/p/latex-mask-old-man"


def response(body: str, head: str = "", lang: str = "en", url: str = URL) -> HtmlResponse:
    html = (
        f'<html lang="{lang}"><head><title>Latex Mask Old Man | Shop</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def listing(body: str, head: str = "", lang: str = "en", url: str = URL):
    return extract_listing(response(body, head, lang, url), "s")


# --- the Bangladeshi taka -------------------------------------------------------------


def test_the_taka_sign_and_code_are_read():
    """prices.py: "৳" and "BDT" name the taka (a Bangladeshi shop's page)."""
    assert parse_price("৳ 36,499") == (Decimal("36499"), "BDT")
    assert names_a_currency("BDT")
    assert cues.has_currency_amount("৳ 36,499")


def test_a_declared_taka_is_the_listings_currency():
    data = {
        "@type": "Product",
        "name": "Latex Mask Old Man",
        "offers": {"price": "36499", "priceCurrency": "BDT", "availability": "InStock"},
    }
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    got = listing("<main><h1>Latex Mask Old Man</h1></main>", head)
    assert (got.price, got.currency) == (Decimal("36499"), "BDT")


def test_a_printed_taka_price_is_read_from_the_visible_page():
    body = (
        "<main><h1>Latex Mask Old Man</h1><h2 class='offer'>৳ 36,499</h2>"
        "<button type='submit'>Add to cart</button></main>"
    )
    got = listing(body)
    assert (got.price, got.currency) == (Decimal("36499"), "BDT")


# --- "de R$ X por R$ Y": the Portuguese and Spanish regular price ------------------------


@pytest.mark.parametrize("text", ["de R$ 4.999,00", "De $1.299", "de", "De: R$ 10,00"])
def test_de_before_an_amount_labels_the_regular_price(text):
    """cues._FROM_PRICE_RE."""
    assert cues.is_was_label(text)


@pytest.mark.parametrize("text", ["de 12 €", "Descuento R$ 10", "deal $5", "Delivery"])
def test_other_texts_beginning_with_de_are_no_regular_price_label(text):
    assert not cues.is_was_label(text)


def test_the_por_price_wins_over_the_de_price():
    body = (
        "<main><h1>Latex Mask Old Man</h1><div class='price-box'>"
        "<div class='price-box__from'>de R$ 4.999,00</div>"
        "<div class='price-box__cash'>por <span class='price-box__value'>R$ 3.421,47</span>"
        " à vista</div></div><button type='submit'>Adicionar ao carrinho</button></main>"
    )
    got = listing(body, lang="pt-BR", url="https://loja.example.com.br/p/mascara")
    assert (got.price, got.currency) == (Decimal("3421.47"), "BRL")


def test_de_as_a_label_of_its_own_marks_the_price_after_it():
    body = (
        "<main><h1>Latex Mask Old Man</h1><p><span>de</span> <span>R$ 150,00</span></p>"
        "<p><span>por</span> <span>R$ 120,00</span></p></main>"
    )
    got = listing(body, lang="pt-BR", url="https://loja.example.com.br/p/mascara")
    assert got.price == Decimal("120.00")


# --- a div that acts as the cart button beside a quantity box --------------------------


QUANTITY = "<label>Quantity</label><input type='text' size='3' value='1' class='qty'>"


def test_a_div_button_beside_a_quantity_box_is_the_buy_control():
    """heuristic_walk._clickable: a text input beside the div is a field, not the real
    control the div would be the label of."""
    body = (
        "<main><h1>Latex Mask Old Man</h1><p class='price'>$89.00</p>"
        f"<div class='cart-widget'>{QUANTITY}"
        "<div class='add-to-cart-button'>Add to cart</div></div></main>"
    )
    assert listing(body).availability == "InStock"


def test_a_div_button_beside_a_hidden_value_is_the_buy_control():
    body = (
        "<main><h1>Latex Mask Old Man</h1><p class='price'>$89.00</p>"
        "<div><input type='hidden' name='sku' value='A1'>"
        "<div class='buy-button' onclick='add()'>Add to cart</div></div></main>"
    )
    assert listing(body).availability == "InStock"


def test_a_label_beside_its_submit_input_is_still_not_a_second_button():
    """The label of a real control is read through that control: a disabled submit keeps
    the page from being InStock although its label's div says "Add to cart"."""
    body = (
        "<main><h1>Latex Mask Old Man</h1><p class='price'>$89.00</p><div>"
        "<span class='a-button-text'>Add to cart</span>"
        "<input type='submit' value='Add to cart' disabled></div></main>"
    )
    assert listing(body).availability is None


# --- the product's own box is no card ----------------------------------------------------


BOX = (
    "<main><article class='productbox'><h1>Latex Mask Old Man</h1>"
    "<a href='/brand/faceworks'>More from FaceWorks</a>"
    "<div class='pricefield'><strong>£ 24.99</strong> each</div>{extra}</article></main>"
)


def test_a_price_in_the_article_holding_the_heading_is_the_products():
    """heuristic_parts.is_card: an <article> (or <li>, <tr>) holding the page's <h1> is
    the product's box, even though it links to other pages."""
    got = listing(BOX.format(extra=""))
    assert (got.price, got.currency) == (Decimal("24.99"), "GBP")


def test_articles_without_the_heading_are_still_cards():
    cards = "".join(
        f"<article><a href='/p/mask-{n}'>Latex Mask Number {n}</a>"
        f"<div class='pricefield'>£ {n}9.99</div></article>"
        for n in range(1, 8)
    )
    with pytest.raises(NotAListing) as caught:
        listing(f"<main><h1>Latex masks</h1>{cards}</main>")
    assert caught.value.reason == "listing_page"


# --- a submit control of a form that adds to the cart ------------------------------------


ITEM = "<main><h1>Latex Mask Old Man</h1><p class='price'>£89.00</p>{form}</main>"


@pytest.mark.parametrize(
    "form",
    [
        "<form action='/cart/add' method='post'><input type='submit' value='Add'></form>",
        "<form class='addToTrolleyForm' name='OrderItemAddForm_1' action='/shop/OrderItemAdd'>"
        "<input type='text' name='qty' value='1'><input class='button' type='submit' value='Add'>"
        "</form>",
        "<form action='/?add-to-cart=41'><button>+</button></form>",
    ],
)
def test_a_submit_of_a_cart_form_buys_whatever_its_label(form):
    """heuristic_walk._submits_to_cart, cues.is_cart_form."""
    assert listing(ITEM.format(form=form)).availability == "InStock"


@pytest.mark.parametrize(
    "form",
    [
        "<form action='/search'><input type='submit' value='Go'></form>",
        "<form action='/newsletter/subscribe'><button>Add</button></form>",
        "<form action='/cart/add'><button type='button'>Add</button></form>",
        # a submit with no label of its own (its label is read where it is printed)
        "<form action='/cart/add'><input type='submit' value=''></form>",
    ],
)
def test_other_forms_and_controls_do_not_buy(form):
    assert listing(ITEM.format(form=form)).availability is None


def test_a_sold_out_submit_of_a_cart_form_still_states_sold_out():
    form = "<form action='/cart/add'><button type='submit' disabled>Sold out</button></form>"
    assert listing(ITEM.format(form=form)).availability in ("SoldOut", "OutOfStock")


def test_a_disabled_submit_of_a_cart_form_does_not_make_the_item_in_stock():
    form = "<form action='/cart/add'><input type='submit' value='Add' disabled></form>"
    assert listing(ITEM.format(form=form)).availability is None


# --- "How to buy", "Where to buy": links to a help page or a store finder -----------------


@pytest.mark.parametrize(
    "label",
    ["How to buy", "Where to buy", "Как купить", "Где купить", "Wo kaufen", "Dónde comprar"],
)
def test_a_question_about_buying_is_no_buy_label(label):
    """cues._NOT_BUY_TEXT_RE."""
    assert not cues.is_buy_label(label)


@pytest.mark.parametrize("label", ["Купить", "Купить в один клик", "Buy now", "Comprar agora"])
def test_buy_labels_stay_buy_labels(label):
    assert cues.is_buy_label(label)


def test_a_category_page_with_a_how_to_buy_link_is_a_list_of_products():
    """The "Как купить" link was the category page's one "buy button", which kept it
    from being read as a list of cards."""
    cards = "".join(
        f"<div class='item'><div class='item__name'>Carabiner model {n}</div>"
        f"<div class='item__price'>{n}90 руб.</div></div>"
        for n in range(1, 9)
    )
    body = f"<main><a href='/help/how-to-buy'>Как купить</a><h1>Карабины</h1>{cards}</main>"
    with pytest.raises(NotAListing) as caught:
        listing(body, lang="ru", url="https://shop.example.ru/catalog/carabiners/")
    assert caught.value.reason == "listing_page"


# --- promotions' cards above the product ---------------------------------------------------


PROMOS = "<ul>{}</ul>".format(
    "".join(
        f"<li class='promo'><a href='/p/mask-{n}'>Latex Mask Number {n}</a>"
        f"<div class='promo__price'>Sale Price ${n}9.99</div>"
        f"<button class='promo__add'>Add to Bag</button></li>"
        for n in range(1, 3)
    )
)


def test_a_promotions_buy_button_above_the_heading_is_not_the_products():
    """heuristic._without_cards_buttons: the product offers no cart control of its own
    (it only says to call), so the page states nothing that makes it InStock."""
    body = (
        f"<main><section class='deals'>{PROMOS}</section><h1>Latex Mask Old Man</h1>"
        "<p class='price'>$119.99</p><p>Call to check product availability</p></main>"
    )
    got = listing(body)
    assert got.price == Decimal("119.99")
    assert got.availability is None


def test_the_products_own_button_after_the_heading_is_kept_beside_promotions():
    body = (
        f"<main><section class='deals'>{PROMOS}</section><h1>Latex Mask Old Man</h1>"
        "<p class='price'>$119.99</p><button>Add to Bag</button></main>"
    )
    assert listing(body).availability == "InStock"


def test_a_buy_box_printed_before_the_heading_outside_any_card_is_kept():
    body = (
        "<main><div class='buybox'><p class='price'>$119.99</p><button>Add to Cart</button>"
        "</div><h1>Latex Mask Old Man</h1><p>Hand painted.</p></main>"
    )
    assert listing(body).availability == "InStock"


# --- a price comparison's product page ----------------------------------------------------


def aggregate(count: str) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Latex Mask Old Man",
        "offers": {
            "@type": "AggregateOffer",
            "lowPrice": "89.00",
            "priceCurrency": "EUR",
            "offerCount": count,
        },
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


SHOPS = "".join(
    f"<tr><td>Shop {n}</td><td class='price'>€ {n}9,00</td>"
    f"<td><a href='https://shop{n}.example/mask'>Zum Shop</a></td></tr>"
    for n in range(6, 10)
)
COMPARISON = f"<main><h1>Latex Mask Old Man</h1><table>{SHOPS}</table>{{cart}}</main>"


def test_several_shops_offers_and_no_cart_make_a_price_comparison():
    """page._compares_offers and page._lists_offers."""
    with pytest.raises(NotAListing) as caught:
        listing(COMPARISON.format(cart=""), aggregate("12"), lang="de")
    assert caught.value.reason == "listing_page"


@pytest.mark.parametrize(
    "cart",
    [
        "<button type='submit'>In den Warenkorb</button>",
        # a buy box a script enables is still the page's own
        "<button type='submit' disabled>In den Warenkorb</button>",
    ],
)
def test_a_marketplace_page_of_several_sellers_with_its_buy_box_is_a_listing(cart):
    got = listing(COMPARISON.format(cart=cart), aggregate("12"), lang="de")
    assert (got.price, got.currency) == (Decimal("89.00"), "EUR")


@pytest.mark.parametrize("count", ["1", "", "many"])
def test_an_aggregate_offer_without_several_offers_is_a_listing(count):
    got = listing(COMPARISON.format(cart=""), aggregate(count), lang="de")
    assert got.title == "Latex Mask Old Man"


def test_a_shops_price_range_without_a_cart_is_a_listing():
    """A custom mask maker's range ("contact us to order"): several offers counted, one
    price printed, no rows of other shops."""
    body = "<main><h1>Latex Mask Old Man</h1><p>€ 89,00 - 230,00</p><p>Mail us.</p></main>"
    assert listing(body, aggregate("3"), lang="de").price == Decimal("89.00")
