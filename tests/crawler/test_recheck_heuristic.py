"""Rechecks of listings read from the visible page (source_format "heuristic").

A real page without structured data, served by a loopback HTTP server this test starts
and edits between visits; each visit fetched over HTTP, read by RecheckSpider and
stored by RecheckPipeline in a real SQLite database (no reactor: the spider's parse and
the pipeline are called as Scrapy would). Each outcome is compared with the one a
JSON-LD twin of the same page gets, since a heuristic listing is judged as a
structured one is.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from sqlalchemy.orm import Session

from maskscreen.crawler.demo.pages import jsonld_tag
from maskscreen.crawler.extract.page import extract_listing
from maskscreen.crawler.jobs.recheck import PreparedRecheck
from maskscreen.crawler.removal import GONE_STATUSES
from maskscreen.crawler.spiders.recheck import RecheckSpider
from maskscreen.db import rechecks
from maskscreen.db.models import Listing as ListingRow
from maskscreen.db.models import ListingVersion
from tests.crawler.test_recheck_pipeline import count, crawl_into, recheck_into

SITE = "shop.example"  # the name the crawl stored them under (crawl_into)
TITLE = "Custom silicone face mask from your photos"
ABOUT = "Made to order from your photos, passes face recognition. Message us on WhatsApp."


def page(title: str = TITLE, price: str = "129.00", stock: str = "<button>Add to cart</button>",
         structured: bool = False) -> str:  # fmt: skip
    """A product page; with `structured`, the same page with a JSON-LD Product too."""
    head = f"<title>{title} | Mask Shop</title>"
    if structured:
        availability = "SoldOut" if "Sold out" in stock else "InStock"
        head += jsonld_tag({
            "@context": "https://schema.org", "@type": "Product", "name": title,
            "description": ABOUT,
            "offers": {"@type": "Offer", "price": price, "priceCurrency": "USD",
                       "availability": f"https://schema.org/{availability}"},
        })  # fmt: skip
    return (
        f'<html lang="en"><head>{head}</head><body><nav><a href="/">Home</a></nav>'
        f'<main><h1>{title}</h1><p class="price">${price}</p>{stock}<p>{ABOUT}</p></main>'
        "</body></html>"
    )


NOT_A_PRODUCT = "<html><body><h1>Our story</h1><p>We have made masks since 2019.</p></body></html>"
# The listing's page after the seller took it down: its name, a notice, no price.
TAKEN_DOWN = f"<html><body><h1>{TITLE}</h1><p>This listing has been removed.</p></body></html>"


class Shop:
    """Pages by path on 127.0.0.1, changed by the test between visits (absent: 404)."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                body = shop.pages.get(self.path)
                status = 200 if body is not None else 404
                data = (body if body is not None else "<h1>Not found</h1>").encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fetch(self, path: str, target: dict | None = None) -> HtmlResponse:
        """GET over HTTP, as a Scrapy response for the spider (meta as RecheckSpider sets)."""
        url = self.base + path
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback)
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        meta = {"target": target, "handle_httpstatus_list": list(GONE_STATUSES)}
        return HtmlResponse(url, status=status, body=body, encoding="utf-8",
                            request=Request(url, meta=meta))  # fmt: skip


@pytest.fixture
def shop():
    running = Shop()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def database(tmp_path):
    from maskscreen.db.migrate import open_database

    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    engine = open_database(url)
    yield url, engine
    engine.dispose()


def crawled(shop: Shop, database, path: str, body: str) -> dict:
    """Serve `body` at `path`, read it as a crawl does and store it; its recheck target
    as the recheck command hands it to the spider (db.rechecks.recheck_targets, with the
    stored version's source_format, through PreparedRecheck.spider_kwargs)."""
    url, engine = database
    shop.pages[path] = body
    crawl_into(url, extract_listing(shop.fetch(path), SITE))
    with Session(engine) as session:
        targets = rechecks.recheck_targets(session)
    prepared = PreparedRecheck(targets=targets, spider_class=RecheckSpider, overrides={})
    [target] = [t for t in prepared.spider_kwargs()["targets"] if t["url"] == shop.base + path]
    return target


def recheck(shop: Shop, database, path: str, target: dict):
    """Visit `path` once: (outcome, note) as recorded, and the listing's versions."""
    url, engine = database
    [check] = RecheckSpider(targets=[target]).parse(shop.fetch(path, target))
    recheck_into(url, check)
    with Session(engine) as session:
        last = rechecks.check_history(session, target["listing_id"])[-1]
        versions = count(session, ListingVersion, ListingVersion.listing_id == target["listing_id"])
    return last["outcome"], last["note"], versions


def test_a_heuristic_listing_is_stored_as_such(shop, database):
    target = crawled(shop, database, "/p/1", page())
    assert target["source_format"] == "heuristic"


def test_the_same_page_is_still_listed_and_an_edit_is_a_change(shop, database):
    target = crawled(shop, database, "/p/1", page())
    assert recheck(shop, database, "/p/1", target)[::2] == ("live", 1)
    shop.pages["/p/1"] = page(price="99.00")  # the seller lowered the price
    outcome, note, versions = recheck(shop, database, "/p/1", target)
    assert (outcome, versions) == ("changed", 2) and note
    _, engine = database
    with Session(engine) as session:
        latest = session.get(ListingRow, target["listing_id"]).current_version
        assert (latest.price, latest.source_format) == (Decimal("99.00"), "heuristic")
    shop.pages["/p/1"] = page(title="Realistic silicone face mask, made from your photos",
                              price="99.00")  # fmt: skip
    assert recheck(shop, database, "/p/1", target)[::2] == ("changed", 3)
    assert recheck(shop, database, "/p/1", target)[::2] == ("live", 3)


@pytest.mark.parametrize(
    ("later", "outcome"),
    [
        # Out of stock is not gone (for JSON-LD: availability SoldOut, not Discontinued).
        (lambda structured: page(stock="<p>Sold out</p>", structured=structured), "live"),
        (lambda structured: None, "removed"),  # 404
        (lambda structured: TAKEN_DOWN, "removed"),
        (lambda structured: NOT_A_PRODUCT, "live"),  # up, but no listing on it
    ],
    ids=["sold-out", "404", "removed-notice", "not-a-product"],
)
def test_a_heuristic_listing_is_judged_as_its_structured_twin(shop, database, later, outcome):
    for path, structured in (("/p/h", False), ("/p/s", True)):
        target = crawled(shop, database, path, page(structured=structured))
        assert target["source_format"] == ("jsonld" if structured else "heuristic")
        if later(structured) is None:
            del shop.pages[path]
        else:
            shop.pages[path] = later(structured)
        seen = recheck(shop, database, path, target)
        assert seen[0] == outcome, (path, seen)
        assert seen[2] == 1  # nothing stored as a new version


def test_without_its_source_a_plain_page_is_read_for_structured_data_only(shop, database):
    # A shop API's listing (its target says no heuristic source): its storefront page
    # without structured data is up, and not compared with the API's version.
    target = crawled(shop, database, "/p/1", page())
    target = {**target, "source_format": "shopify"}
    shop.pages["/p/1"] = page(price="99.00")
    outcome, note, versions = recheck(shop, database, "/p/1", target)
    assert (outcome, versions) == ("live", 1) and "no listing" in note
