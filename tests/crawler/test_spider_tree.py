"""ShopSpider lets go of a page's parsed tree once it has read the page: the response
and what hangs off it are freed without the garbage collector, and the spider's output
over every saved page is the same as when the tree is kept."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from maskscreen.crawler.spiders import shop
from maskscreen.crawler.spiders.shop import ShopSpider

HERE = Path(__file__).parent
REAL = HERE / "real_pages"


def saved_pages() -> list[tuple[str, Path]]:
    """(URL, file) of every saved page: the real ones at their recorded URLs, the
    fixtures at a shop URL."""
    pages = []
    for manifest in sorted(REAL.glob("manifest-*.jsonl")):
        for line in manifest.read_text("utf-8").splitlines():
            row = json.loads(line)
            pages.append((row["url"] or f"https://{row['site']}/", REAL / row["file"]))
    for path in sorted((HERE / "pages").glob("*.html")):
        pages.append((f"https://shop.example/p/{path.stem}", path))
    return pages


def spider_for(url: str) -> ShopSpider:
    crawler = get_crawler(ShopSpider)
    crawler.stats.open_spider()
    return ShopSpider.from_crawler(crawler, start_urls=[url])


def outputs(spider: ShopSpider, response: HtmlResponse) -> list:
    found = []
    for output in spider.parse(response):
        if isinstance(output, Request):
            found.append(("request", output.url, output.meta))
        else:
            record = output.to_record()
            record.pop("fetched_at")  # the clock's
            found.append(("listing", record))
    return found


def test_a_read_page_is_freed_without_the_collector():
    url, path = "https://shop.example/p/a", HERE / "pages" / "aggregate_offer.html"
    spider = spider_for(url)
    response = HtmlResponse(url=url, body=path.read_bytes())
    gone = weakref.ref(response)
    gc.disable()
    try:
        assert outputs(spider, response)
        del response
        assert gone() is None
    finally:
        gc.enable()


def test_the_selector_is_still_there_for_whoever_asks_after():
    url, path = "https://shop.example/p/a", HERE / "pages" / "aggregate_offer.html"
    response = HtmlResponse(url=url, body=path.read_bytes())
    before = response.xpath("//a/@href").getall()
    outputs(spider_for(url), response)
    assert response.xpath("//a/@href").getall() == before


def test_the_spider_gives_the_same_listings_and_links_on_every_saved_page(monkeypatch):
    pages = saved_pages()
    assert len(pages) > 300
    bodies = [(url, path.read_bytes()) for url, path in pages]
    released = [outputs(spider_for(url), HtmlResponse(url=url, body=body)) for url, body in bodies]
    monkeypatch.setattr(shop, "_let_go_of_tree", lambda response: None)
    kept = [outputs(spider_for(url), HtmlResponse(url=url, body=body)) for url, body in bodies]
    assert released == kept
    assert sum(kind == "request" for page in kept for kind, *_ in page) > 1000


@pytest.mark.parametrize("cached", [True, False])
def test_letting_go_is_harmless_whatever_the_response_holds(cached):
    response = HtmlResponse(url="https://shop.example/", body=b"<a href='/x'>x</a>")
    if cached:
        assert response.selector is not None
    shop._let_go_of_tree(response)
    assert response.css("a::attr(href)").get() == "/x"
