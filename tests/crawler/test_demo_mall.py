"""The demo's six shops: who sells what, how each is found, the GBK marketplace's pages.

Crawls of the whole mall run in `maskscreen demo` (tests/test_end_to_end.py); these
tests fetch pages with urllib and extract them directly (no reactor).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import Counter
from decimal import Decimal

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.demo.catalog import NEXT_DAY, SHOPS, Catalog, load_products, shop_of
from maskscreen.crawler.demo.mall import DemoMall
from maskscreen.crawler.demo.market import MarketShop, item_path
from maskscreen.crawler.extract.page import clean_text, extract_listing
from maskscreen.crawler.jobs.plan import detect, plan_crawl
from maskscreen.crawler.profiles import find_profile

PRODUCTS = load_products()
MARKET = [p for p in PRODUCTS if shop_of(p) == "demo-zh-market"]
WAYS = {
    "demo-shop": "html",
    "demo-microdata": "html",
    "demo-shopify": "shopify",
    "demo-woo": "woocommerce",
    "demo-sitemap": "sitemap",
    "demo-zh-market": "html",
}


def fetch(url: str) -> tuple[int, HtmlResponse]:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            status, headers, body = reply.status, reply.headers, reply.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    return status, HtmlResponse(
        url=url, body=body, headers={"Content-Type": headers["Content-Type"]}
    )


@pytest.fixture(scope="module")
def mall():
    with DemoMall() as running:
        yield running


@pytest.fixture(scope="module")
def market():
    with MarketShop() as running:
        yield running


def test_every_product_is_sold_by_exactly_one_shop():
    shops = Counter(shop_of(p) for p in PRODUCTS)
    assert set(shops) == set(SHOPS) and sum(shops.values()) == len(PRODUCTS)
    assert all(shops[name] >= 10 for name in SHOPS)
    assert all(shop_of(p) == "demo-zh-market" for p in PRODUCTS if p["language"] == "zh-CN")
    assert {p["currency"] for p in PRODUCTS if shop_of(p) == "demo-shopify"} == {"USD"}
    # What changes overnight is in shops whose product pages a recheck can read.
    for slug in [
        *NEXT_DAY["edited"],
        *NEXT_DAY["gone"],
        *NEXT_DAY["redirected"],
        *NEXT_DAY["delisted"],
    ]:
        assert shop_of(next(p for p in PRODUCTS if p["slug"] == slug)) in (
            "demo-shop",
            "demo-zh-market",
        )
    for name in SHOPS:
        assert any(p["expected"] == "flag" for p in Catalog.of_shop(name).products), name


def test_each_shop_is_found_by_its_own_way(mall):
    for shop in mall.shops:
        assert detect(shop.base_url + "/").via == WAYS[shop.name], shop.name


def test_the_marketplace_is_planned_through_its_bundled_profile(mall):
    [shop] = [s for s in mall.shops if s.name == "demo-zh-market"]
    profile = find_profile(shop.profile, None).with_base_url(shop.base_url)
    plan = plan_crawl(profile=profile, site=shop.name)
    assert plan.via == "html" and plan.detected
    assert plan.start_urls == [shop.base_url + "/"]
    assert plan.spider_args["selectors"]["title"] == "css:h1.item-title::text"
    assert plan.spider_args["product_links"] and plan.spider_args["pagination_links"]


def test_marketplace_pages_are_gbk_with_no_structured_data_and_read_heuristically(market):
    status, home = fetch(market.base_url + "/")
    assert status == 200 and home.encoding in ("gbk", "gb18030")  # w3lib reads GBK as GB18030
    assert home.css("ul.cats a::attr(href)").getall()
    for product in MARKET[:5]:
        _, page = fetch(market.base_url + item_path(product))
        assert page.headers[b"Content-Type"] == b"text/html; charset=gbk"
        assert "application/ld+json" not in page.text and "itemscope" not in page.text
        # Without the profile, the heuristic source reads the visible page.
        listing = extract_listing(page, site="demo-zh-market")
        assert listing.source_format == "heuristic"
        assert listing.title == clean_text(product["title"])
        assert (listing.price, listing.currency) == (Decimal(product["price"]), "CNY")
        assert listing.seller == product["seller"]


def test_marketplace_items_decode_through_the_profile(market):
    selectors = find_profile("demo-zh-market", None).selectors
    for product in MARKET:
        _, page = fetch(market.base_url + item_path(product))
        assert product["title"].encode("gbk") in page.body  # GBK bytes on the wire
        listing = extract_listing(page, site="demo-zh-market", profile=selectors)
        assert listing.title == clean_text(product["title"])
        assert listing.description == clean_text(product["description"])
        assert (listing.price, listing.currency) == (Decimal(product["price"]), "CNY")
        assert listing.seller == product["seller"] and listing.language == "zh-CN"
        assert listing.availability == product["availability"]
        assert listing.source_format == "css"


def test_marketplace_lists_paginate_over_every_item(market):
    seen = set()
    _, home = fetch(market.base_url + "/")
    for href in home.css("ul.cats a::attr(href)").getall():
        url = market.base_url + href
        while url:
            status, page = fetch(url)
            assert status == 200
            seen.update(page.css("ul.items a::attr(href)").getall())
            nxt = page.css("a.next::attr(href)").get()
            url = page.urljoin(nxt) if nxt else None
    assert seen == {item_path(p) for p in MARKET}


def test_marketplace_next_day_shows_the_delisted_notice():
    [slug] = NEXT_DAY["delisted"]
    product = next(p for p in MARKET if p["slug"] == slug)
    with MarketShop() as running:
        assert fetch(running.base_url + item_path(product))[0] == 200
        running.set_day(2)
        status, page = fetch(running.base_url + item_path(product))
    assert status == 200 and "该商品已下架" in page.text and "item-title" not in page.text


def test_escaped_text_in_marketplace_pages():
    hostile = {
        **MARKET[0],
        "id": 999,
        "slug": "x-999",
        "title": "面具 <script>alert(1)</script>",
        "description": "<b>粗</b> & 细",
    }
    with MarketShop(catalog=Catalog([hostile])) as running:
        _, page = fetch(running.base_url + item_path(hostile))
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert page.css("div.item-desc::text").get() == hostile["description"]


def test_microdata_shop_pages_carry_microdata_only(mall):
    [shop] = [s for s in mall.shops if s.name == "demo-microdata"]
    for product in Catalog.of_shop("demo-microdata").products[:5]:
        _, page = fetch(f"{shop.base_url}/p/{product['slug']}")
        assert "application/ld+json" not in page.text
        listing = extract_listing(page, site="demo-microdata")
        assert listing.source_format == "microdata"
        assert (listing.title, listing.price) == (
            clean_text(product["title"]),
            Decimal(product["price"]),
        )
        assert listing.seller == product["seller"]


def test_api_shops_answer_their_product_urls(mall):
    shops = {s.name: s for s in mall.shops}
    shopify = Catalog.of_shop("demo-shopify").products[0]
    woo = Catalog.of_shop("demo-woo").products[0]
    for url, product in [
        (f"{shops['demo-shopify'].base_url}/products/{shopify['slug']}", shopify),
        (f"{shops['demo-woo'].base_url}/product/{woo['slug']}/", woo),
    ]:
        status, page = fetch(url)
        assert status == 200 and page.css("h1::text").get() == product["title"]


def test_mall_moves_every_shop_to_the_next_day(mall):
    [gone] = NEXT_DAY["gone"]
    [shop] = [s for s in mall.shops if s.name == "demo-shop"]
    assert fetch(f"{shop.base_url}/p/{gone}")[0] == 200
    mall.set_day(2)
    try:
        assert fetch(f"{shop.base_url}/p/{gone}")[0] == 404
        assert all(s.server.catalog.day == 2 for s in mall.shops)
    finally:
        mall.set_day(1)
