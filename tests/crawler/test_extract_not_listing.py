"""Pages that are not one product's (home, search and category pages) give no listing and
say why; the product page beside each, written the same way, still gives its listing.

One written page per rule (crawler/extract/page.py and heuristic.py name the rules).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import NotAListing, extract_listing


def respond(body: str, url: str, head: str = "") -> HtmlResponse:
    text = f'<!DOCTYPE html><html lang="en"><head><title>Shop</title>{head}</head><body>{body}</body></html>'
    return HtmlResponse(url=url, body=text.encode("utf-8"), encoding="utf-8")


def jsonld(*nodes: dict) -> str:
    return "".join(
        f'<script type="application/ld+json">{json.dumps(node)}</script>' for node in nodes
    )


def refused(response: HtmlResponse) -> str:
    with pytest.raises(NotAListing) as caught:
        extract_listing(response, "shop.example")
    return caught.value.reason


def grid(count: int = 8) -> str:
    """A results grid: a card per product, its name a link, its price beside it."""
    cards = "".join(
        f'<li class="card"><a href="/p/item-{i}">Latex party mask number {i}</a>'
        f'<span class="price">${10 + i}.00</span></li>'
        for i in range(count)
    )
    return f'<ul class="results">{cards}</ul>'


# A price inside a card's price box is the card's -----------------------------------


def price_box(regular: str, sale: str) -> str:
    return (
        f'<div class="price-box">{regular} <p class="special-price">Special Price {sale}</p></div>'
    )


def test_a_sale_price_inside_a_card_s_price_box_does_not_make_a_category_a_product():
    cards = "".join(
        f'<div class="item"><img src="/i/{i}.jpg" alt=""><h3>Brew kit {i}</h3>'
        f'<div class="price-box">$40.00</div><button>Add to Cart</button></div>'
        for i in range(6)
    )
    last = (
        '<div class="item"><img src="/i/9.jpg" alt=""><h3>Brew kit 9</h3>'
        f"{price_box('$40.00', '$32.00')}<button>Add to Cart</button></div>"
    )
    page = respond(f"<h2>Beer Making Kits</h2>{cards}{last}", "https://shop.example/kits")
    assert refused(page) == "listing_page"


def test_a_product_s_own_sale_price_in_its_price_box_is_still_read():
    body = (
        "<h1>Beer Making Kit</h1>"
        f"{price_box('$40.00', '$32.00')}<button>Add to Cart</button>"
        "<p>Everything to brew a gallon of beer at home.</p>"
    )
    listing = extract_listing(respond(body, "https://shop.example/beer-making-kit"), "s")
    assert listing.title == "Beer Making Kit"
    assert (listing.price, listing.source_format) == (Decimal("32.00"), "heuristic")


# A stock slogan under a heading is not a product ----------------------------------


def test_an_in_stock_slogan_without_a_price_or_button_is_not_a_product():
    body = (
        "<h1>Used Imagesetters CtP &amp; CtF</h1>"
        "<h2>In stock used prepress equipment, training and support</h2>"
        "<p>Thirty years of selling used prepress equipment.</p>"
    )
    assert refused(respond(body, "https://shop.example/")) == "not_a_product"


def test_an_item_that_says_sold_out_under_its_heading_is_still_a_product():
    body = "<h1>Latex Old Man Mask</h1><p>This mask is sold out.</p>"
    listing = extract_listing(respond(body, "https://shop.example/old-man-mask"), "s")
    assert listing.title == "Latex Old Man Mask"
    assert listing.availability in ("SoldOut", "OutOfStock")


def test_a_structured_product_still_takes_an_in_stock_statement_from_the_page():
    head = (
        '<meta property="og:type" content="product">'
        '<meta property="og:title" content="Latex Old Man Mask">'
        '<meta property="product:price:amount" content="120.00">'
        '<meta property="product:price:currency" content="GBP">'
    )
    body = "<h1>Latex Old Man Mask</h1><p>In stock</p>"
    listing = extract_listing(respond(body, "https://shop.example/old-man-mask", head), "s")
    assert (listing.source_format, listing.availability) == ("opengraph", "InStock")


# A home page whose structured data names several products -------------------------


def showcase(names: list[str]) -> str:
    return jsonld(
        *(
            {
                "@context": "https://schema.org",
                "@type": "Product",
                "name": name,
                "offers": {"@type": "Offer", "price": "39.00", "priceCurrency": "EUR"},
            }
            for name in names
        )
    )


NAMES = ["Winter Boots", "Rain Jacket", "Wool Scarf"]


def test_a_home_page_showing_several_structured_products_is_a_listing_page():
    page = respond("<h1>New this week</h1>", "https://shop.example/", showcase(NAMES))
    assert refused(page) == "listing_page"
    index = respond("<h1>New this week</h1>", "https://shop.example/index.php", showcase(NAMES))
    assert refused(index) == "listing_page"


def test_a_product_page_with_related_structured_products_is_still_a_product():
    page = respond("<h1>Winter Boots</h1>", "https://shop.example/winter-boots", showcase(NAMES))
    listing = extract_listing(page, "s")
    assert (listing.title, listing.price) == ("Winter Boots", Decimal("39.00"))


def test_a_product_at_the_site_s_root_is_still_a_product():
    page = respond("<h1>Winter Boots</h1>", "https://shop.example/", showcase(NAMES[:1]))
    assert extract_listing(page, "s").title == "Winter Boots"


# A search page naming one result as its structured product ------------------------

RESULT = {"@context": "https://schema.org", "@type": "Product", "name": "Round Puffs 100pcs"}


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/catalog/?q=puffs",
        "https://shop.example/search/puffs",
        "https://shop.example/Search?keyword=puffs&enc=utf-8",
    ],
)
def test_a_search_page_with_one_unpriced_structured_result_is_a_listing_page(url):
    page = respond(f"<h1>Results</h1>{grid()}", url, jsonld(RESULT))
    assert refused(page) == "listing_page"


def test_the_same_unpriced_product_off_a_search_url_is_still_a_listing():
    """Only a search's URL makes the unpriced structured product a results page's."""
    page = respond(
        f"<h1>Round Puffs 100pcs</h1>{grid()}", "https://shop.example/puffs-100", jsonld(RESULT)
    )
    assert extract_listing(page, "s").title == "Round Puffs 100pcs"


def test_a_priced_product_on_a_url_carrying_the_search_terms_is_still_a_product():
    priced = {**RESULT, "offers": {"@type": "Offer", "price": "4.50", "priceCurrency": "PHP"}}
    page = respond(
        f"<h1>Round Puffs 100pcs</h1>{grid()}",
        "https://shop.example/puffs-100?q=puffs",
        jsonld(priced),
    )
    listing = extract_listing(page, "s")
    assert (listing.title, listing.price) == ("Round Puffs 100pcs", Decimal("4.50"))


@pytest.mark.parametrize("page_type", ["SearchResultsPage", "CollectionPage"])
def test_a_page_typed_as_results_with_one_unpriced_product_is_a_listing_page(page_type):
    typed = {"@context": "https://schema.org", "@type": page_type, "name": "Puffs"}
    page = respond(f"<h1>Puffs</h1>{grid()}", "https://shop.example/puffs", jsonld(typed, RESULT))
    assert refused(page) == "listing_page"
    plain = {**typed, "@type": "WebPage"}
    page = respond(f"<h1>Puffs</h1>{grid()}", "https://shop.example/puffs", jsonld(plain, RESULT))
    assert extract_listing(page, "s").title == "Round Puffs 100pcs"
