"""The bundled demo shop: data, pages, pagination, JSON-LD round trip, escaping."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections import Counter
from decimal import Decimal
from urllib.parse import quote

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.demo.catalog import (
    BAD_LINKS_CATEGORY,
    BROKEN_JSONLD_PATH,
    CATEGORIES,
    DEAD_LINK_PATH,
    NO_STRUCTURED_DATA_PATH,
    PAGE_SIZE,
    load_products,
)
from maskscreen.crawler.demo.server import DemoShop
from maskscreen.crawler.extract.page import NotAListing, clean_text, extract_listing

PRODUCTS = load_products()
FIELDS = (
    "id",
    "slug",
    "category",
    "title",
    "description",
    "price",
    "currency",
    "seller",
    "brand",
    "language",
    "availability",
    "expected",
)


@pytest.fixture(scope="module")
def shop():
    with DemoShop() as running:
        yield running


def fetch(url: str) -> tuple[int, str, HtmlResponse]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            status, headers, body = reply.status, dict(reply.headers), reply.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, dict(error.headers), error.read()
    response = HtmlResponse(url=url, body=body, headers={"Content-Type": headers["Content-Type"]})
    return status, response.text, response


def links(response: HtmlResponse, prefix: str) -> list[str]:
    return [h for h in response.css("a::attr(href)").getall() if h.startswith(prefix)]


def test_demo_products_are_many_varied_and_labelled():
    assert len(PRODUCTS) >= 140
    assert all(set(p) == set(FIELDS) for p in PRODUCTS)
    assert len({p["id"] for p in PRODUCTS}) == len({p["slug"] for p in PRODUCTS}) == len(PRODUCTS)
    assert all(re.fullmatch(r"[a-z0-9-]+", p["slug"]) for p in PRODUCTS)
    expected = Counter(p["expected"] for p in PRODUCTS)
    assert set(expected) == {"flag", "ok"}
    assert 0.2 <= expected["flag"] / len(PRODUCTS) <= 0.3
    chinese = sum(p["language"].startswith("zh") for p in PRODUCTS)
    assert 0.25 <= chinese / len(PRODUCTS) <= 0.4
    assert any(p["language"] == "zh-TW" for p in PRODUCTS)
    assert {p["category"] for p in PRODUCTS} == set(CATEGORIES)


def test_home_links_categories_and_searches(shop):
    status, _, response = fetch(shop.base_url + "/")
    assert status == 200
    assert len(set(links(response, "/c/"))) >= 6
    searches = set(links(response, "/search?q="))
    assert len(searches) >= 2
    assert "/search?q=" + quote("面具") in searches


@pytest.mark.parametrize("slug", list(CATEGORIES))
def test_category_pages_paginate_over_every_product(shop, slug):
    url, seen, pages = f"{shop.base_url}/c/{slug}", [], 0
    while url:
        status, _, response = fetch(url)
        assert status == 200
        found = [
            h
            for h in links(response, "/p/")
            if h not in (BROKEN_JSONLD_PATH, NO_STRUCTURED_DATA_PATH, DEAD_LINK_PATH)
        ]
        assert 0 < len(found) <= PAGE_SIZE
        seen += found
        pages += 1
        next_href = response.xpath("//link[@rel='next']/@href").get()
        assert next_href == response.xpath("//a[@rel='next']/@href").get()
        url = response.urljoin(next_href) if next_href else None
    assert seen == [f"/p/{p['slug']}" for p in PRODUCTS if p["category"] == slug]
    assert pages == -(-len(seen) // PAGE_SIZE)
    assert fetch(f"{shop.base_url}/c/{slug}?page={pages + 1}")[0] == 404


def test_bad_pages_are_linked_and_misbehave(shop):
    _, _, response = fetch(f"{shop.base_url}/c/{BAD_LINKS_CATEGORY}")
    bad = set(links(response, "/p/")) & {
        BROKEN_JSONLD_PATH,
        NO_STRUCTURED_DATA_PATH,
        DEAD_LINK_PATH,
    }
    assert len(bad) == 3
    assert fetch(shop.base_url + DEAD_LINK_PATH)[0] == 404
    # Broken JSON-LD and no structured data fall back to the visible page (heuristic).
    for path, title, price in [
        (BROKEN_JSONLD_PATH, "Mystery Mask (clearance)", Decimal("5.00")),
        (NO_STRUCTURED_DATA_PATH, "Gift card", Decimal("25.00")),
    ]:
        status, _, page = fetch(shop.base_url + path)
        assert status == 200
        listing = extract_listing(page, site="demo")
        assert (listing.title, listing.price, listing.currency) == (title, price, "USD")
        assert listing.source_format == "heuristic"


def test_index_pages_hold_no_product(shop):
    for path in ["/", "/c/health", "/search?q=mask", "/seller/" + quote(PRODUCTS[0]["seller"])]:
        status, _, page = fetch(shop.base_url + path)
        assert status == 200
        with pytest.raises(NotAListing) as info:
            extract_listing(page, site="demo")
        assert info.value.reason == "no_product"


def test_search_finds_chinese_and_english(shop):
    _, _, response = fetch(shop.base_url + "/search?q=" + quote("面具"))
    slugs = {h.removeprefix("/p/") for h in links(response, "/p/")}
    by_slug = {p["slug"]: p for p in PRODUCTS}
    assert slugs and all("面具" in by_slug[s]["title"] + by_slug[s]["description"] for s in slugs)
    _, _, response = fetch(shop.base_url + "/search?q=mask")
    assert response.xpath("//link[@rel='next']/@href").get() == "/search?q=mask&page=2"
    status, _, response = fetch(shop.base_url + "/search?q=zzzz-nothing")
    assert status == 200 and links(response, "/p/") == []


def test_robots_txt_disallows_the_cart(shop):
    with urllib.request.urlopen(shop.base_url + "/robots.txt") as reply:
        assert reply.read().decode() == "User-agent: *\nDisallow: /cart\n"


def test_every_product_page_round_trips_through_extract_listing(shop):
    charsets = Counter()
    for p in PRODUCTS:
        status, text, response = fetch(f"{shop.base_url}/p/{p['slug']}")
        assert status == 200
        charsets[response.headers["Content-Type"].decode().rpartition("=")[2]] += 1
        listing = extract_listing(response, site="demo")
        assert listing.url == f"{shop.base_url}/p/{p['slug']}"
        assert listing.title == clean_text(p["title"])
        assert listing.description == clean_text(p["description"])
        assert (listing.price, listing.currency) == (Decimal(p["price"]), p["currency"])
        assert listing.seller == p["seller"]
        assert listing.brand == p["brand"]
        assert listing.language == p["language"]
        assert listing.external_id == f"MS-{p['id']:04d}"
        assert listing.availability == p["availability"]
        assert listing.category == CATEGORIES[p["category"]][0]
        assert listing.images == [f"{shop.base_url}/img/{p['slug']}.svg"]
        assert listing.seller_url.startswith(shop.base_url + "/seller/")
        assert response.xpath("/html/@lang").get() == p["language"]
        assert p["title"] in response.css("h1::text").get()
        assert "expected" not in text and p["expected"] not in re.findall(r'"(flag|ok)"', text)
    assert charsets["gbk"] >= 3 and charsets["utf-8"] > 100


def test_texts_are_escaped_in_html_and_in_jsonld(shop):
    for p in PRODUCTS:
        if "<" not in p["title"] + p["description"]:
            continue
        _, text, response = fetch(f"{shop.base_url}/p/{p['slug']}")
        assert text.count("<script") == 1  # the JSON-LD block, nothing from the seller
        script = response.xpath("//script[@type='application/ld+json']/text()").get()
        assert "</" not in script and "<" not in script
        assert response.css("div.description::text").get() == p["description"]
        assert response.css("h1::text").get() == p["title"]
        break
    else:
        pytest.fail("the demo data should hold a product with markup in its text")


def test_stop_closes_the_port():
    shop = DemoShop()
    url = shop.start()
    assert fetch(url + "/")[0] == 200
    shop.stop()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/", timeout=2)
