"""Shop platforms: API product -> Listing tables, detection, crawl plans, real crawls.

Crawls run in a subprocess (crawl_platform.py): Scrapy's reactor starts once per process.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from maskscreen.crawler.demo.catalog import load_products
from maskscreen.crawler.demo.platform_shops import PlatformShop
from maskscreen.crawler.demo.server import DemoShop
from maskscreen.crawler.extract.shop_apis import (
    NotAProduct,
    shopify_listing,
    woocommerce_listing,
    woocommerce_price,
)
from maskscreen.crawler.jobs.plan import Detection, detect, plan_crawl, spider_class
from maskscreen.crawler.profiles import parse_profile

SCRIPT = Path(__file__).with_name("crawl_platform.py")
ROOT = Path(__file__).parents[2]
PRODUCTS = load_products()
USD = [p for p in PRODUCTS if p["currency"] == "USD"]

SHOPIFY_PRODUCT = {
    "id": 42,
    "title": "Realistic <b>Silicone</b> Mask",
    "handle": "realistic-mask",
    "body_html": "<p>Old man &amp; young</p>",
    "vendor": "FaceCo",
    "product_type": "Masks",
    "variants": [
        {"price": "120.00", "available": False},
        {"price": "99.50", "available": True},
        {"price": "n/a"},
    ],
    "images": [{"src": "//cdn.shop.example/a.jpg"}, {"src": "https://cdn.shop.example/b.jpg"}],
}


def test_shopify_listing_takes_the_lowest_variant_price():
    listing = shopify_listing(
        SHOPIFY_PRODUCT, root_url="https://shop.example/", site="s", currency="USD", seller="Shop"
    )
    assert listing.url == "https://shop.example/products/realistic-mask"
    assert (listing.title, listing.description) == ("Realistic Silicone Mask", "Old man & young")
    assert (listing.price, listing.currency) == (Decimal("99.50"), "USD")
    assert (listing.external_id, listing.brand, listing.category) == ("42", "FaceCo", "Masks")
    assert listing.availability == "InStock" and listing.source_format == "shopify"
    assert listing.images == ["https://cdn.shop.example/a.jpg", "https://cdn.shop.example/b.jpg"]
    assert listing.seller == "Shop"


def test_shopify_listing_invents_no_currency_or_availability():
    product = {**SHOPIFY_PRODUCT, "variants": [{"price": "5"}]}
    listing = shopify_listing(product, root_url="https://shop.example", site="s")
    assert (listing.price, listing.currency, listing.availability) == (Decimal(5), None, None)


@pytest.mark.parametrize(
    ("product", "reason"),
    [
        ([], "not_a_product"),
        ({**SHOPIFY_PRODUCT, "handle": ""}, "no_url"),
        ({**SHOPIFY_PRODUCT, "title": " <i></i> "}, "no_title"),
    ],
)
def test_shopify_listing_refuses_products_without_url_or_title(product, reason):
    with pytest.raises(NotAProduct) as caught:
        shopify_listing(product, root_url="https://shop.example", site="s")
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("prices", "expected"),
    [
        ({"price": "1999", "currency_code": "USD", "currency_minor_unit": 2}, ("19.99", "USD")),
        ({"price": "2320", "currency_code": "TWD", "currency_minor_unit": 0}, ("2320", "TWD")),
        (
            {
                "price": "9000",
                "currency_code": "cny",
                "price_range": {"min_amount": "880000", "max_amount": "2300000"},
            },
            ("8800.00", "CNY"),
        ),
        ({"price": "12.5", "currency_code": "USD", "currency_minor_unit": 2}, (None, None)),
        ({"price": "", "currency_code": "USD"}, (None, None)),
        ({"price": "100", "currency_minor_unit": "2"}, (None, None)),
        (None, (None, None)),
    ],
)
def test_woocommerce_prices_are_minor_units(prices, expected):
    price, currency = woocommerce_price(prices)
    assert (str(price) if price is not None else None, currency) == expected


def test_woocommerce_listing():
    product = {
        "id": 7,
        "name": "硅胶面具 真人",
        "permalink": "https://shop.example/product/m/?utm_source=x",
        "description": "",
        "short_description": "<p>逼真</p>",
        "is_in_stock": False,
        "prices": {"price": "36000", "currency_code": "CNY", "currency_minor_unit": 2},
        "categories": [{"name": "面具"}],
        "brands": [],
        "images": [{"src": "https://i/1.jpg"}],
    }
    listing = woocommerce_listing(product, site="s", seller="Shop")
    assert listing.url == "https://shop.example/product/m/"
    assert (listing.price, listing.currency) == (Decimal("360.00"), "CNY")
    assert (listing.description, listing.category, listing.brand) == ("逼真", "面具", None)
    assert listing.availability == "OutOfStock" and listing.source_format == "woocommerce"
    with pytest.raises(NotAProduct, match="no_url"):
        woocommerce_listing({**product, "permalink": "/relative"}, site="s")


@pytest.fixture(scope="module")
def shops():
    running = {kind: PlatformShop(kind) for kind in ("shopify", "woocommerce", "sitemap")}
    running["html"] = DemoShop()
    for shop in running.values():
        shop.start()
    yield {kind: shop.base_url for kind, shop in running.items()}
    for shop in running.values():
        shop.stop()


@pytest.mark.parametrize("kind", ["shopify", "woocommerce", "sitemap", "html"])
def test_detect_chooses_the_best_way_a_shop_offers(shops, kind):
    found = detect(shops[kind] + "/")
    assert found.via == kind
    if kind == "sitemap":
        assert found.sitemap_urls == (shops[kind] + "/sitemap_index.xml",)


def test_detect_falls_back_to_html_when_nothing_answers():
    assert detect("http://127.0.0.1:9/", timeout=2) == Detection("html")


def no_probe(url, **_):
    raise AssertionError("should not probe")


@pytest.mark.parametrize(
    ("url", "via", "start_urls"),
    [
        ("https://s.example/c/masks", "html", ["https://s.example/c/masks"]),
        ("https://s.example/?q=mask", "html", ["https://s.example/?q=mask"]),
        ("https://s.example/sitemap.xml.gz", "sitemap", ["https://s.example/sitemap.xml.gz"]),
        ("https://s.example/robots.txt", "sitemap", ["https://s.example/robots.txt"]),
    ],
)
def test_a_deeper_url_is_crawled_as_it_is_without_probing(url, via, start_urls):
    plan = plan_crawl(url=url, detector=no_probe)
    assert (plan.via, plan.start_urls, plan.detected) == (via, start_urls, False)


@pytest.mark.parametrize(
    ("via", "start_urls", "spider"),
    [
        ("shopify", ["https://s.example/"], "shopify"),
        ("woocommerce", ["https://s.example/"], "woocommerce"),
        ("sitemap", ["https://s.example/robots.txt"], "sitemap"),
        ("html", ["https://s.example/"], "shop"),
    ],
)
def test_via_forces_a_way_without_probing(via, start_urls, spider):
    plan = plan_crawl(url="https://s.example/", via=via, currency="EUR", detector=no_probe)
    assert (plan.via, plan.start_urls) == (via, start_urls)
    assert spider_class(plan.via, plan.spider_args).name == spider
    assert plan.spider_args == ({"currency": "EUR"} if via == "shopify" else {})


def test_a_profile_plan_carries_its_rules_settings_and_name():
    profile = parse_profile(
        {
            "name": "zh",
            "base_url": "https://m.example",
            "via": "html",
            "max_pages": 9,
            "search_url": "/s?k={keyword}",
            "keywords": ["硅胶面具"],
            "links": {"product": ["/i/"]},
            "extract": {"title": "css:h1::text"},
            "rate": {"concurrency": 2},
        },
        "zh.toml",
    )
    plan = plan_crawl(profile=profile, detector=no_probe)
    assert plan.start_urls == ["https://m.example/s?k=%E7%A1%85%E8%83%B6%E9%9D%A2%E5%85%B7"]
    assert (plan.site, plan.max_pages) == ("zh", 9)
    assert plan.settings == {"CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    assert plan.spider_args == {"product_links": ["/i/"], "selectors": {"title": "css:h1::text"}}
    assert spider_class(plan.via, plan.spider_args).name == "profiled"
    auto = plan_crawl(
        profile=parse_profile({"base_url": "https://m.example"}, "a.toml"),
        detector=lambda url, **_: Detection("sitemap", ("https://m.example/s.xml",)),
    )
    assert (auto.via, auto.detected) == ("sitemap", True)
    assert auto.start_urls == ["https://m.example/s.xml"]


# -- real crawls of the loopback demo shops ----------------------------------------------


def crawl(tmp_path: Path, kind: str, *args: str) -> dict:
    out = tmp_path / f"{kind}.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), kind, *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text("utf-8"))
    assert result["stats"]["finish_reason"] == "finished"
    return result


def by_url(result: dict) -> dict[str, dict]:
    counts = Counter(item["url"] for item in result["items"])
    assert max(counts.values()) == 1, counts.most_common(3)
    return {item["url"]: item for item in result["items"]}


@pytest.mark.slow
def test_shopify_shop_every_product_once_at_its_lowest_price(tmp_path):
    result = crawl(tmp_path, "shopify", "currency=USD")
    assert (result["via"], result["detected"], result["spider"]) == ("shopify", True, "shopify")
    items = by_url(result)
    base = result["base_url"]
    assert set(items) == {f"{base}/products/{p['slug']}" for p in USD}
    for p in USD:
        item = items[f"{base}/products/{p['slug']}"]
        assert (item["title"], item["source_format"]) == (p["title"], "shopify")
        assert (Decimal(item["price"]), item["currency"]) == (Decimal(p["price"]), "USD")
    stats = result["stats"]
    assert stats["maskscreen/pages"] == -(-len(USD) // 50) + 1  # pages of 50, then an empty one
    assert not any(k.startswith(("maskscreen/dropped", "maskscreen/errors")) for k in stats)


@pytest.mark.slow
def test_woocommerce_shop_every_product_once_in_its_currency(tmp_path):
    result = crawl(tmp_path, "woocommerce")
    assert (result["via"], result["spider"]) == ("woocommerce", "woocommerce")
    items = by_url(result)
    base = result["base_url"]
    assert set(items) == {f"{base}/product/{p['slug']}/" for p in PRODUCTS}
    for p in PRODUCTS:
        item = items[f"{base}/product/{p['slug']}/"]
        assert item["source_format"] == "woocommerce"
        assert (Decimal(item["price"]), item["currency"]) == (Decimal(p["price"]), p["currency"])
    assert result["stats"]["maskscreen/pages"] == -(-len(PRODUCTS) // 40)  # X-WP-TotalPages


@pytest.mark.slow
def test_sitemap_shop_every_product_once_through_a_gzipped_sitemap_index(tmp_path):
    result = crawl(tmp_path, "sitemap")
    assert (result["via"], result["spider"]) == ("sitemap", "sitemap")
    items = by_url(result)
    base = result["base_url"]
    assert set(items) == {f"{base}/p/{p['slug']}" for p in PRODUCTS}
    for p in PRODUCTS:
        item = items[f"{base}/p/{p['slug']}"]
        assert item["source_format"] == "jsonld" and Decimal(item["price"]) == Decimal(p["price"])
    stats = result["stats"]
    assert stats["maskscreen/sitemaps"] == 4  # the index, products .xml.gz and .xml, pages
    assert stats["maskscreen/dropped/no_product"] == 9  # home and categories, listed too
    assert stats["maskscreen/pages"] == len(PRODUCTS) + 9


@pytest.mark.slow
def test_via_html_forces_link_following_on_a_sitemap_shop(tmp_path):
    result = crawl(tmp_path, "sitemap", "via=html", "max_pages=20")
    assert (result["via"], result["detected"], result["spider"]) == ("html", False, "shop")
    assert "maskscreen/sitemaps" not in result["stats"]
    assert result["stats"]["maskscreen/pages"] <= 20


@pytest.mark.slow
def test_shopify_product_url_reads_that_product_s_json(tmp_path):
    product = USD[3]
    result = crawl(tmp_path, "shopify", "via=shopify", f"path=/products/{product['slug']}")
    assert [(i["title"], i["currency"]) for i in result["items"]] == [(product["title"], None)]
    assert result["stats"]["maskscreen/pages"] == 1


@pytest.mark.slow
def test_max_pages_caps_api_pagination(tmp_path):
    result = crawl(tmp_path, "shopify", "max_pages=2")
    assert len(result["items"]) == 100 and result["stats"]["maskscreen/pages"] == 2
