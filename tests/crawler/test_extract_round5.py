"""Extraction round 5: what the visible page states about stock, over structured data,
and the buy controls that decide it when it states nothing."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import normalize_availability, stated_availabilities
from maskscreen.crawler.extract.page import extract_listing

URL = "https://shop.example/p/latex-mask-old-man"


def page(body: str, head: str = "", lang: str = "en") -> HtmlResponse:
    html = (
        f'<html lang="{lang}"><head><title>Latex Mask Old Man | Shop</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav><main><h1>Latex Mask Old Man</h1>{body}"
        "<p>Hand painted, real hair.</p></main></body></html>"
    )
    return HtmlResponse(url=URL, body=html.encode(), encoding="utf-8")


def jsonld(availability: str) -> str:
    data = {
        "@type": "Product",
        "name": "Latex Mask Old Man",
        "offers": {"price": "89.00", "priceCurrency": "USD", "availability": availability},
    }
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def availability(body: str, head: str = "", lang: str = "en") -> str | None:
    return extract_listing(page(body, head, lang), "s").availability


PRICE = '<p class="price">$89.00</p>'
BUY = "<button type='submit'>Add to cart</button>"


# --- the visible page's words over structured data ----------------------------------


@pytest.mark.parametrize(
    ("declared", "shown", "expected"),
    [
        ("OutOfStock", "<p class='availability'>Auf Lager</p>", "InStock"),
        ("InStock", "<p class='availability'>Out of stock</p>", "OutOfStock"),
        ("InStock", "<button disabled>Sold out</button>", "SoldOut"),
        ("InStock", "<p>Temporarily on backorder: order now, it ships when it arrives.</p>", None),
    ],
)
def test_stock_words_on_the_page_beat_the_structured_availability(declared, shown, expected):
    got = availability(PRICE + shown + BUY, jsonld(declared))
    # The back-order sentence beside an enabled cart button stays a back order.
    assert got == (expected or "BackOrder")


def test_without_stock_words_the_structured_availability_is_kept():
    assert availability(PRICE + BUY, jsonld("OutOfStock")) == "OutOfStock"
    assert availability(PRICE, jsonld("PreOrder")) == "PreOrder"


# --- stock words that state nothing ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Notify me when in stock",
        "Email me when available",
        "Benachrichtigen, sobald wieder lieferbar",
        "Prévenez-moi quand disponible",
        "Avísame cuando esté disponible",
    ],
)
def test_a_stock_word_stated_as_a_condition_states_nothing(text):
    assert normalize_availability(text, search=True) is None
    assert stated_availabilities([text]) == []


def test_a_condition_does_not_hide_the_statement_before_it():
    text = "Temporarily on backorder. Notify me when in stock"
    assert normalize_availability(text, search=True) == "BackOrder"
    assert stated_availabilities(["Out of stock", "Notify me when in stock"]) == ["OutOfStock"]


def test_a_notify_me_link_beside_a_back_order_leaves_the_back_order():
    body = PRICE + "<p>Temporarily On Backorder</p><a href='#'>Notify me when in stock</a>" + BUY
    assert availability(body) == "BackOrder"


@pytest.mark.parametrize(
    "text",
    ["Image Unavailable", "Bild nicht verfügbar", "Photo not available for this colour"],
)
def test_a_picture_notice_is_no_stock_statement(text):
    assert cues.is_picture_notice(text)
    body = f"{PRICE}<div class='image-availability'>{text}</div><p>{text}</p>{BUY}"
    assert availability(body) == "InStock"  # the enabled cart button, nothing stated


def test_a_stock_statement_is_not_a_picture_notice():
    assert not cues.is_picture_notice("In stock - ships today")
    assert not cues.is_picture_notice("Only 2 left: order now to get the photo frame free")


def test_a_legend_of_symbols_is_no_stock_statement():
    legend = (
        "<div class='legend'><span>Low stock:</span><span class='icon'></span></div>"
        "<div class='size-legend'><span>Sold out:</span><span class='icon'></span></div>"
    )
    assert availability(PRICE + legend + BUY) == "InStock"
    # The same words outside a legend are statements.
    assert availability(PRICE + "<p>Sold out</p>") == "SoldOut"


# --- back orders ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Nicht lagernd, ab Bestellung versandfertig in 8 Tagen", "de"),
        ("Out of stock - ships in 5 business days", "en"),
    ],
)
def test_not_in_stock_but_shipping_in_days_is_a_back_order(text, lang):
    assert normalize_availability(text, search=True) == "BackOrder"
    assert stated_availabilities([text]) == ["BackOrder"]
    assert availability(PRICE + f"<p>{text}</p>" + BUY, lang=lang) == "BackOrder"


def test_not_in_stock_without_a_promise_stays_out_of_stock():
    assert normalize_availability("Nicht lagernd", search=True) == "OutOfStock"
    # The promise must follow the statement, in the same text.
    assert stated_availabilities(["Out of stock", "Ships in 2 days"]) == ["OutOfStock"]


def test_more_on_the_way_is_a_back_order_only_with_an_order_control():
    assert normalize_availability("More on the Way", search=True) == "BackOrder"
    assert availability(PRICE + "<span class='stock'>More on the Way</span>" + BUY) == "BackOrder"
    assert availability(PRICE + "<span class='stock'>More on the Way</span>") == "OutOfStock"
    disabled = "<button disabled>Add to cart</button>"
    assert availability(PRICE + "<p>Backordered</p>" + disabled) == "OutOfStock"


# --- buy controls ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "control",
    [
        "<div class='box-show-form-button' onclick='show()'>Megrendelem házhozszállítással</div>",
        "<div data-component='add-to-basket-button-wrapper' data-button-label='Add to basket'>"
        "</div>",
        "<span class='btn buy' onclick='buy()'>Jetzt kaufen</span>",
        "<a href='/ebook/cart?id=1&amp;mode=add'>Ebookを購入する</a>",
        "<a href='#' id='productPageAdd2Cart'><button>Add To Backpack:</button></a>",
    ],
)
def test_controls_that_buy_without_being_buttons(control):
    assert availability(PRICE + control) == "InStock"


@pytest.mark.parametrize(
    "control",
    [
        # a wrapper named after the cart button, without a label: a mount point
        "<div class='content-finder-below-add-to-cart-button'></div>",
        # a payment plan's link
        "<a href='/klarna'>Buy now, pay later</a>",
        "<a href='/raten'>Jetzt kaufen, später bezahlen</a>",
        # a div that looks like a button but says nothing about buying
        "<div class='btn' onclick='share()'>Share</div>",
    ],
)
def test_controls_that_do_not_buy(control):
    assert availability(PRICE + control) is None


def test_a_button_label_inside_the_button_is_one_control_not_two():
    buttons = "".join(
        "<a href='#' class='add-to-cart'><span class='cart-btn-text'>Add to cart</span></a>"
        for _ in range(2)
    )
    listing = extract_listing(page(PRICE + buttons), "s")
    assert listing.availability == "InStock" and listing.price is not None


def test_a_quantity_field_is_not_a_buy_button():
    form = (
        "<form class='add-to-cart-form'>"
        "<input type='text' class='add-cart-qty' value='1'>"
        "<input type='number' class='add-to-cart-quantity' value='1'>"
        "<button class='add-to-cart'>Add to cart</button></form>"
    )
    assert availability(PRICE + form) == "InStock"


def test_the_titles_own_buy_button_among_accessories_buttons():
    accessories = "".join(
        f"<div class='acc'><span>Mask stand {i}</span><span>${i}.50</span>"
        f"<input type='text' class='add-cart-accessory' value='1'>"
        f"<button class='btn-addcart-acc'>Add</button></div>"
        for i in range(1, 5)
    )
    filler = "".join(f"<p>Feature {i}</p>" for i in range(70))
    body = PRICE + BUY + filler + "<h2>Accessories</h2>" + accessories
    assert availability(body) == "InStock"


def test_the_only_labelled_buy_button_among_quantity_steppers():
    filler = "".join(f"<p>Spec {i}</p>" for i in range(70))
    form = (
        "<input type='submit' class='add-to-cart-button' value='-' disabled>"
        "<input type='submit' class='add-to-cart-button' value='+'>"
        "<input type='submit' class='add-to-cart-button-x' value='+'>"
        "<a href='#' class='add-to-cart'>In den Warenkorb</a>"
    )
    assert availability(filler + PRICE + form, lang="de") == "InStock"


@pytest.mark.parametrize("classes", ["a-hidden", "js-hidden", "u-hidden", "hidden"])
def test_hidden_classes_hide_their_stock_words(classes):
    assert cues.is_hidden_class(classes)
    body = PRICE + f"<div class='availability {classes}'>List unavailable</div>" + BUY
    assert availability(body) == "InStock"


@pytest.mark.parametrize("classes", ["sm-hidden", "hidden-xs", "md-hidden"])
def test_screen_size_classes_do_not_hide(classes):
    assert not cues.is_hidden_class(classes)


def test_a_buttons_label_beside_it_is_not_another_button():
    # The submit input and its printed label side by side, twice (cart and buy now):
    # two controls, not four (four would read as a list of products' buttons).
    pair = (
        "<span class='a-button-inner'><input type='submit' class='a-button-input'"
        " id='add-to-cart-button' value='{0}'><span class='a-button-text'>{0}</span></span>"
    )
    body = PRICE + pair.format("Add to Cart") + pair.format("Buy Now")
    assert availability(body) == "InStock"


# --- prices and headings --------------------------------------------------------------


def test_a_struck_price_beside_an_empty_price_slot_is_not_the_price():
    slot = (
        "<div class='summary'><span class='p-price'><span>¥</span>"
        "<span class='price'></span></span>"
        "<span class='pricing'>[<del>¥699</del>]</span></div>"
    )
    listing = extract_listing(page(slot + BUY, lang="zh"), "s")
    assert listing.price is None
    # The struck price alone, with no slot for a current one, is still read.
    alone = "<div class='summary'><span class='pricing'><del>¥699</del></span></div>"
    listing = extract_listing(page(alone + BUY, lang="zh"), "s")
    assert listing.price is not None and int(listing.price) == 699


def test_a_header_inside_the_article_holds_the_items_heading():
    html = (
        "<html lang='en'><head><title>Stickers | Sketch Club</title></head><body>"
        "<header><h1 class='site'><a href='/'>Sketch Club</a></h1></header>"
        "<article><header class='entry-header'><h1>Club Stickers</h1></header>"
        "<p class='price'>$4.00</p><button>Add to cart</button></article></body></html>"
    )
    response = HtmlResponse(url=URL, body=html.encode(), encoding="utf-8")
    assert extract_listing(response, "s").title == "Club Stickers"


def test_the_walk_reads_at_most_its_limit_of_elements():
    from maskscreen.crawler.extract.heuristic_walk import walk
    from maskscreen.crawler.extract.page import parse_page

    tree = parse_page("<html><body>" + "<p>x</p>" * 50 + "</body></html>")
    assert len(walk(tree.root, None, None).elements) > 50
    assert len(walk(tree.root, None, None, limit=10).elements) == 10


def named(name: str, heading: str) -> str | None:
    data = {"@type": "Product", "name": name, "offers": {"price": "89.00", "priceCurrency": "USD"}}
    head = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    html = (
        f"<html lang='en'><head><title>{name} | Shop</title>{head}</head><body><main>"
        f"<h1>{heading}</h1>{PRICE}{BUY}</main></body></html>"
    )
    return extract_listing(HtmlResponse(url=URL, body=html.encode(), encoding="utf-8"), "s").title


@pytest.mark.parametrize(
    ("name", "heading", "title"),
    [
        # the brand before the structured name: the heading is the name a shopper reads
        ("sandalen blauw", "Braqeez sandalen blauw", "Braqeez sandalen blauw"),
        ("USB cable type C", "<span>Teenage Engineering</span> USB cable type C", None),
        # a part set off after it
        ("Hair balm", "Hair balm - Oribe Signature", "Hair balm - Oribe Signature"),
        # the name plus a part set off: the heading without it
        ("Purse - black", "Purse", "Purse"),
        # not taken: the name's own first word again, words run on after it, a block
        ("AMD Ryzen 5 3600", "<span>AMD</span> AMD Ryzen 5 3600", "AMD Ryzen 5 3600"),
        ("Prism", "Prism <small>auf CD</small>", "Prism"),
        ("Echo Show 5", "Echo Show 5<span>134/4466</span>", "Echo Show 5"),
        ("Mask", "Buy the best latex Mask here today from our shop", "Mask"),
        ("Godiva Gold Box 34", "Godiva", "Godiva Gold Box 34"),
    ],
)
def test_the_visible_heading_over_a_structured_name_it_frames(name, heading, title):
    expected = title or "Teenage Engineering USB cable type C"
    assert named(name, heading) == expected
