"""ShopSpider against the demo shop, each crawl in a subprocess (one reactor per process)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from maskscreen.crawler.demo.catalog import (
    BROKEN_JSONLD_PATH,
    DEAD_LINK_PATH,
    NO_STRUCTURED_DATA_PATH,
    load_products,
)
from maskscreen.crawler.extract.page import clean_url
from maskscreen.crawler.spiders.shop import SameSiteLinks, ShopSpider

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("crawl_demo.py")
ROOT = Path(__file__).parents[2]
PRODUCTS = load_products()


def crawl(tmp_path: Path, *spider_args: str) -> dict:
    out = tmp_path / "crawl.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), *spider_args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(out.read_text("utf-8"))


@pytest.fixture(scope="module")
def full_crawl(tmp_path_factory) -> dict:
    return crawl(tmp_path_factory.mktemp("full"))


def test_crawl_finds_every_demo_product_exactly_once(full_crawl):
    base = full_crawl["base_url"]
    urls = Counter(item["url"] for item in full_crawl["items"])
    # The two pages without usable JSON-LD (broken, none) are read by the heuristic source.
    fallback = {f"{base}{BROKEN_JSONLD_PATH}", f"{base}{NO_STRUCTURED_DATA_PATH}"}
    assert set(urls) == {f"{base}/p/{p['slug']}" for p in PRODUCTS} | fallback
    assert max(urls.values()) == 1
    assert all(
        item["site"] == "demo"
        and item["source_format"] == ("heuristic" if item["url"] in fallback else "jsonld")
        for item in full_crawl["items"]
    )
    assert all(item["title"] and item["price"] and item["currency"] for item in full_crawl["items"])
    assert all(item["fetched_url"] for item in full_crawl["items"])


def test_crawl_counts_bad_pages_and_errors(full_crawl):
    stats = full_crawl["stats"]
    # The broken-JSON-LD and no-structured-data pages now give heuristic listings.
    assert "maskscreen/dropped/broken_jsonld" not in stats
    assert "maskscreen/dropped/no_structured_data" not in stats
    assert stats["maskscreen/dropped/no_product"] > 10  # home, categories, searches, sellers
    assert stats["maskscreen/errors/http_404"] == 1
    assert stats["maskscreen/dropped/robots_txt"] == 1  # /cart, disallowed by robots.txt
    assert stats["robotstxt/forbidden"] == 1
    assert "maskscreen/dropped/duplicate" not in stats  # tracking-param links were cleaned
    dropped = sum(v for k, v in stats.items() if k.startswith("maskscreen/dropped/"))
    assert (
        stats["maskscreen/pages"]
        == len(full_crawl["items"]) + dropped - stats["maskscreen/dropped/robots_txt"]
    )
    assert len(full_crawl["items"]) == len(PRODUCTS) + 2


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


@pytest.mark.parametrize(
    ("kwargs", "attrs"),
    [
        (
            {"start_urls": "https://shop.example/c/masks, https://shop.example/search?q=mask"},
            {
                "site": "shop.example",
                "follow": True,
                "max_pages": None,
                "allowed_domains": ["shop.example"],
            },
        ),
        (
            {"start_urls": ["https://www.shop.example/p/1?utm_source=x"], "follow": "false"},
            {
                "site": "shop.example",
                "follow": False,
                "start_urls": ["https://www.shop.example/p/1"],
            },
        ),
        (
            {
                "start_urls": "http://127.0.0.1:8000/",
                "site": "demo",
                "max_pages": "10",
                "one_page": "1",
            },
            {"site": "demo", "max_pages": 10, "follow": False},
        ),
    ],
)
def test_spider_arguments(kwargs, attrs):
    spider = ShopSpider(**kwargs)
    assert {name: getattr(spider, name) for name in attrs} == attrs


@pytest.mark.parametrize("start_urls", [None, "", "ftp://shop.example/x", "not a url"])
def test_spider_rejects_bad_start_urls(start_urls):
    with pytest.raises(ValueError):
        ShopSpider(start_urls=start_urls)


# -- link following: SameSiteLinks keeps what LinkExtractor kept -------------------------

TRICKY_HREFS = [
    "/p/1",
    "/p/1?utm_source=ig&id=2",
    "p/2",
    "../p/3",
    "?page=2",
    "#top",
    "",
    "  /p/4  ",
    "\n/p/5\t",
    "/p/a\tb",
    "/\t/evil.example/x",
    "//shop.example/p/6",
    "//other.example/p/7",
    "https://shop.example/p/8",
    "HTTPS://SHOP.EXAMPLE/p/9",
    "http://sub.shop.example/p/10",
    "http://shop.example:8080/p/11",
    "https://other.example/x",
    "mailto:a@shop.example",
    "javascript:void(0)",
    "/img/a.JPG",
    "/doc.pdf?x=1",
    "/p/über?q=ö",
    "/search?q=面具",
    "/p/%E4%B8%AD",
    "http://[::1/bad",
    "/p/with space",
    "/p/./x/../y",
    "https://shop.example",
    "https://shop.example/p/12?",
    "http://shop.example/p/13#",
    "https://shop.example/p/15;x?",
]


def link_page(url: str, *, base: str = "", encoding: str = "utf-8") -> HtmlResponse:
    anchors = "".join(f'<a href="{href}">x</a><area href="{href}">' for href in TRICKY_HREFS)
    html = (
        f'<html><head><meta charset="{encoding}">{base}'
        '<link rel="next" href="/c?page=2"><link rel="Next" href="/c?page=3">'
        '<link rel="prefetch\n next" href="https://cdn.example/n?utm_medium=x">'
        '<link rel="nextpage" href="/c?page=4"></head><body>'
        '<a rel="nofollow" href="/p/dup">x</a><a href="/p/dup">x</a>'
        '<a href="/p/dup2">x</a><a rel="NoFollow ugc" href="/p/dup2">x</a>'
        f'<a rel="ugc, nofollow" href="/p/nf">x</a><a>no href</a>{anchors}</body></html>'
    )
    return HtmlResponse(url=url, body=html.encode(encoding, "xmlcharrefreplace"), encoding=encoding)


LINK_PAGES = [
    link_page("https://shop.example/c/masks?page=1"),
    link_page("https://shop.example/p/other"),
    link_page("http://shop.example:8080/x/y"),
    link_page("https://www.shop.example/a/b", base='<base href="https://cdn.shop.example/base/">'),
    link_page("https://shop.example/gbk", encoding="gb18030"),
    link_page("https://shop.example/odd-base", base='<base href="mailto:x@shop.example">'),
    link_page("https://shop.example/mixed", base='<base href="http://shop.example/b/">'),
]


def links_as_linkextractor_found_them(response: HtmlResponse, domains: list[str]) -> list[str]:
    """ShopSpider's link following as it was with Scrapy's LinkExtractor."""
    rel_next = response.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
    ).getall()
    urls = [response.urljoin(href) for href in rel_next]
    extractor = LinkExtractor(allow_domains=domains, unique=True)
    urls += [link.url for link in extractor.extract_links(response) if not link.nofollow]
    return [clean_url(url) for url in urls]


@pytest.mark.parametrize("order", [1, -1])
def test_same_site_links_follow_what_link_extractor_found(order):
    domains = ["shop.example", "shop.example:8080"]
    links = SameSiteLinks(domains)  # one instance: its cache spans the pages
    for response in LINK_PAGES[::order] * 2:
        expected = links_as_linkextractor_found_them(response, domains)
        assert links.urls(response) == expected, response.url


def test_same_site_links_cache_is_bounded():
    links = SameSiteLinks(["shop.example"], cache_size=5)
    for response in LINK_PAGES:
        assert links.urls(response) == links_as_linkextractor_found_them(response, ["shop.example"])
        assert links._cached <= 5


def test_spider_follows_each_url_once():
    spider = ShopSpider(start_urls="https://shop.example/c/masks?page=1")
    scheduled: list[str] = []
    for response in LINK_PAGES[:2]:
        expected = links_as_linkextractor_found_them(response, ["shop.example"])
        expected = [url for url in dict.fromkeys(expected) if url not in scheduled]
        followed = [request.url for request in spider._follow(response)]
        assert followed == expected
        scheduled += followed
    assert "https://shop.example/p/1?id=2" in scheduled
    assert "https://shop.example/p/dup" not in scheduled  # its first link is rel=nofollow
    assert "https://shop.example/p/dup2" in scheduled
