"""ShopSpider against the demo shop, each crawl in a subprocess (one reactor per process)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from crawler.demo.catalog import DEAD_LINK_PATH, load_products
from crawler.spiders.shop import ShopSpider

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("crawl_demo.py")
ROOT = Path(__file__).parents[2]
PRODUCTS = load_products()


def crawl(tmp_path: Path, *spider_args: str) -> dict:
    out = tmp_path / "crawl.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), *spider_args],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text("utf-8"))


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory) -> dict:
    return crawl(tmp_path_factory.mktemp("full"))


def test_crawl_finds_every_demo_product_exactly_once(full_crawl):
    base = full_crawl["base_url"]
    urls = Counter(item["url"] for item in full_crawl["items"])
    assert set(urls) == {f"{base}/p/{p['slug']}" for p in PRODUCTS}
    assert max(urls.values()) == 1
    assert all(item["site"] == "demo" and item["source_format"] == "jsonld"
               for item in full_crawl["items"])
    assert all(item["title"] and item["price"] and item["currency"]
               for item in full_crawl["items"])


def test_crawl_counts_bad_pages_and_errors(full_crawl):
    stats = full_crawl["stats"]
    assert stats["maskscreen/dropped/broken_jsonld"] == 1
    assert stats["maskscreen/dropped/no_structured_data"] == 1
    assert stats["maskscreen/dropped/no_product"] > 10  # home, categories, searches, sellers
    assert stats["maskscreen/errors/http_404"] == 1
    assert stats["maskscreen/dropped/robots_txt"] == 1  # /cart, disallowed by robots.txt
    assert stats["robotstxt/forbidden"] == 1
    assert "maskscreen/dropped/duplicate" not in stats  # tracking-param links were cleaned
    dropped = sum(v for k, v in stats.items() if k.startswith("maskscreen/dropped/"))
    assert stats["maskscreen/pages"] == len(PRODUCTS) + dropped - stats["maskscreen/dropped/robots_txt"]


def test_one_page_fetches_exactly_the_url(tmp_path):
    product = PRODUCTS[0]
    result = crawl(tmp_path, f"start_urls=BASE/p/{product['slug']}?utm_source=x", "follow=false")
    assert [item["title"] for item in result["items"]] == [product["title"]]
    assert result["stats"]["maskscreen/pages"] == 1


def test_one_page_counts_a_dead_link(tmp_path):
    result = crawl(tmp_path, f"start_urls=BASE{DEAD_LINK_PATH}", "one_page=true")
    assert result["items"] == []
    assert result["stats"]["maskscreen/errors/http_404"] == 1


def test_max_pages_caps_the_crawl(tmp_path):
    result = crawl(tmp_path, "max_pages=5")
    assert result["stats"]["maskscreen/pages"] <= 5
    assert result["stats"]["downloader/request_count"] <= 6  # + robots.txt


@pytest.mark.parametrize(("kwargs", "attrs"), [
    ({"start_urls": "https://shop.example/c/masks, https://shop.example/search?q=mask"},
     {"site": "shop.example", "follow": True, "max_pages": None,
      "allowed_domains": ["shop.example"]}),
    ({"start_urls": ["https://www.shop.example/p/1?utm_source=x"], "follow": "false"},
     {"site": "shop.example", "follow": False,
      "start_urls": ["https://www.shop.example/p/1"]}),
    ({"start_urls": "http://127.0.0.1:8000/", "site": "demo", "max_pages": "10",
      "one_page": "1"}, {"site": "demo", "max_pages": 10, "follow": False}),
])
def test_spider_arguments(kwargs, attrs):
    spider = ShopSpider(**kwargs)
    assert {name: getattr(spider, name) for name in attrs} == attrs


@pytest.mark.parametrize("start_urls", [None, "", "ftp://shop.example/x", "not a url"])
def test_spider_rejects_bad_start_urls(start_urls):
    with pytest.raises(ValueError):
        ShopSpider(start_urls=start_urls)
