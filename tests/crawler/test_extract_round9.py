"""Extraction round 9: stock rules a page of any shop follows, each written on hand-made HTML.

Each rule has a test that fails without it (the rule is named in its docstring); the
others guard what the rule must leave as it was."""

from __future__ import annotations

import json

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.page import extract_listing

URL = "https://shop.example/p/latex-mask-old-man"
CART = "<button type='submit' name='add'>Add to cart</button>"


def response(body: str, head: str = "", url: str = URL) -> HtmlResponse:
    html = (
        f'<html lang="en"><head><title>Shop</title>{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav>{body}</body></html>"
    )
    return HtmlResponse(url=url, body=html.encode(), encoding="utf-8")


def listing(body: str, head: str = "", url: str = URL):
    return extract_listing(response(body, head, url), "s")


def jsonld(*availabilities: str, name: str = "Latex Mask Old Man") -> str:
    """One JSON-LD Product node per availability, all of the same name."""
    nodes = [
        {
            "@context": "https://schema.org",
            "@type": "Product",
            "name": name,
            "offers": {
                "@type": "Offer",
                "price": "120.00",
                "priceCurrency": "USD",
                "availability": f"https://schema.org/{availability}",
            },
        }
        for availability in availabilities
    ]
    return "".join(
        f"<script type='application/ld+json'>{json.dumps(node)}</script>" for node in nodes
    )


def product_box(extra: str = "", button: str = CART) -> str:
    box = "<h1>Latex Mask Old Man</h1><span class='price'>$120.00</span>"
    return f"<main>{box}{extra}{button}</main>"


# --- text that states nothing about the product's stock --------------------------------------


TOOLTIP = (
    "<div class='disabled-tip-container'><div class='disabled-tip'><div class='content'>"
    "The item is unavailable and cannot be added to your cart.</div></div></div>"
)


def test_a_tooltips_text_is_no_stock_statement():
    """heuristic_walk.py (`_is_tooltip`), heuristic.py (`_nearby_texts`): the tip a
    template prints beside every cart button, shown when the button is disabled, says
    nothing while the button is enabled."""
    assert listing(product_box(TOOLTIP)).availability == "InStock"
    assert listing(product_box(TOOLTIP), jsonld("InStock")).availability == "InStock"


def test_a_tooltip_stock_label_is_no_stock_label():
    """heuristic_walk.py: a chat widget's "Chat is currently unavailable" in a tooltip
    named for availability is not the product's stock label."""
    chat = (
        "<div class='floating-container chat-unavailable-tooltip'>"
        "<p class='chat-unavailable-tooltip-sub-title'>Chat is currently unavailable.</p></div>"
    )
    assert listing(chat + product_box(), jsonld("InStock")).availability == "InStock"
    assert listing(chat.replace("tooltip", "box") + product_box()).availability == "OutOfStock"


@pytest.mark.parametrize(
    "trigger",
    [
        "<a class='tooltip' rel='More about our stock' href='#stock'>nicht lagernd</a>",
        "<span class='tooltip' title='More about our stock'>nicht lagernd</span>",
        "<span class='has-tooltip'>nicht lagernd</span>",
        "<span class='tooltip-trigger'>nicht lagernd</span>",
    ],
)
def test_the_control_that_opens_a_tooltip_is_read(trigger):
    """The element a tooltip opens from (a link, a button, the tip in an attribute, a
    trigger's class) shows its own text: it still states the stock."""
    assert listing(product_box(trigger, button="")).availability == "OutOfStock"


def test_screen_reader_text_by_the_title_is_no_stock_statement():
    """heuristic.py (`_nearby_texts`): "Variant sold out or unavailable" only screen
    readers get, in the text after the title, states nothing (round 8 did it for stock
    labels); a visible one still does."""
    swatch = (
        "<label><span>0.5 oz</span> <span class='visually-hidden'>Variant sold out or "
        "unavailable</span></label>"
    )
    assert listing(product_box(swatch), jsonld("InStock")).availability == "InStock"
    shown = swatch.replace("visually-hidden", "note")
    assert listing(product_box(shown, button=""), jsonld("InStock")).availability == "SoldOut"


def test_the_descriptions_prose_is_no_stock_statement():
    """heuristic.py (`in_description`): "The complimentary tote has sold out!" in the
    product's description tells of another thing."""
    prose = (
        "<div class='product__description rte'><p>A long-wear lip stain.</p>"
        "<p>The complimentary tote has sold out! Sign up to know when it is back.</p></div>"
    )
    assert listing(product_box(prose), jsonld("InStock")).availability == "InStock"
    assert listing(product_box(prose)).availability == "InStock"


def test_a_stock_label_inside_a_link_is_the_linked_products():
    """heuristic_walk.py: a related product's card, a link to its page, carries a "Sold
    Out" tag named for stock; the product's own box states nothing."""
    card = (
        "<div class='grid-product'><a href='/products/whiskey-glass'>"
        "<div class='grid-product__tag grid-product__tag--sold-out'>Sold Out</div>"
        "<div class='grid-product__title'>Whiskey Glass</div></a></div>"
    )
    assert listing(product_box() + card, jsonld("InStock")).availability == "InStock"
    unlinked = card.replace("<a href='/products/whiskey-glass'>", "<div>").replace("</a>", "</div>")
    assert listing(product_box(unlinked, button="")).availability == "SoldOut"


# --- buy controls ---------------------------------------------------------------------------


def test_a_buy_label_opening_a_back_in_stock_sign_up_is_out_of_stock():
    """heuristic_walk.py (`_notifies`), heuristic.py (`_availability`): an "Add To Cart"
    link whose target signs up for a back-in-stock notice, and no other buy control:
    OutOfStock."""
    notify = (
        "<a title='Add To Cart' class='addToCart' "
        "href=\"javascript:popUp('/product/backInStock.jsp?pid=1')\"></a>"
    )
    assert listing(product_box(button=notify)).availability == "OutOfStock"
    # An enabled buy control beside it (another size's sign-up) buys: InStock.
    assert listing(product_box(notify)).availability == "InStock"


def test_the_sites_cart_link_buys_nothing():
    """heuristic_walk.py (`cues.is_cart_page_link`): a header link named "cartButton" to
    the cart page ("Cart 0") is the site's cart: with the product's buy control behind a
    back-in-stock sign-up, the page does not read as in stock."""
    header = "<div id='hdrCart'><a class='cartButton' href='/cart/index.jsp'>Cart 0</a></div>"
    notify = "<a title='Add To Cart' href='/catalog/back-in-stock/sku/1'></a>"
    assert listing(header + product_box(button=notify)).availability == "OutOfStock"


@pytest.mark.parametrize(
    ("href", "cart_page"),
    [
        ("/cart", True),
        ("/cart/index.jsp", True),
        ("/checkout/cart/", True),
        ("index.php?route=checkout/cart", True),
        ("/cart?add=1&id_product=132", False),
        ("/cart/?add-to-cart=32768", False),
        ("/cart/add", False),
        ("/products/cart-holder", False),
    ],
)
def test_cart_page_links(href, cart_page):
    assert cues.is_cart_page_link(href) is cart_page


@pytest.mark.parametrize(
    ("names", "tooltip"),
    [
        ("disabled-tip-container", True),
        ("floating-container support-tooltip_wrapper", True),
        ("popover fade", True),
        ("has-tooltip", False),
        ("tooltip-trigger", False),
        ("product-tips-list", False),
        ("shipping", False),
    ],
)
def test_tooltip_names(names, tooltip):
    assert cues.is_tooltip_name(names) is tooltip


# --- stock words ---------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["Low Stock", "Limited stock", "库存紧张"])
def test_low_stock_words_say_the_item_is_in_stock(words):
    """fields.py: "Low stock" says some stock is left, as "Only 2 left" does: InStock,
    over a structured LimitedAvailability (a shopper can have the item now)."""
    label = f"<p class='stockStatus'><span class='stock-low'>{words}</span></p>"
    assert listing(product_box(label), jsonld("LimitedAvailability")).availability == "InStock"


def test_a_structured_limited_availability_stands_without_words():
    assert listing(product_box(), jsonld("LimitedAvailability")).availability == (
        "LimitedAvailability"
    )


def test_shipping_when_available_is_a_back_order():
    """fields.py: "Purchase now and we'll ship when it's available" with an enabled cart
    button is an item ordered now and shipped later: BackOrder."""
    line = "<p>Purchase now and we'll ship when it's available.</p>"
    assert listing(product_box(line)).availability == "BackOrder"
    # "Notify me when it's available" is still a condition, not a statement.
    assert listing(product_box("<p>Notify me when it's available</p>")).availability == "InStock"


def test_a_sales_channel_label_gives_way_to_a_stock_statement():
    """heuristic.py (`_CHANNELS`): "Online Only" in a store-availability slot says where
    the item is sold; the back order the text by the title states is its stock."""
    block = (
        "<div class='availability'><span>Purchase now and we'll ship when it's available."
        "</span><span id='_storeAvailabilityMessage'>Online Only</span></div>"
    )
    assert listing(product_box(block), jsonld("OnlineOnly")).availability == "BackOrder"
    alone = "<span id='_storeAvailabilityMessage'>Online Only</span>"
    assert listing(product_box(alone)).availability == "OnlineOnly"


# --- structured data ------------------------------------------------------------------------


def test_two_nodes_of_one_product_that_disagree_are_settled_by_the_buy_control():
    """schema.py (`availabilities`), page.py (`_buyable_over_disagreeing`): two JSON-LD
    nodes of the same product, LimitedAvailability and InStock, no stock words, an
    enabled "Add to Bag": InStock."""
    head = jsonld("LimitedAvailability", "InStock")
    assert listing(product_box(), head).availability == "InStock"
    # Without a buy control the first node's value stands; nodes of other products
    # (another name) are not read against it.
    assert listing(product_box(button=""), head).availability == "LimitedAvailability"
    other = jsonld("LimitedAvailability") + jsonld("InStock", name="Latex Mask Young Man")
    assert listing(product_box(), other).availability == "LimitedAvailability"
