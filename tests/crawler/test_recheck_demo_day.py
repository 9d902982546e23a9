"""The demo shop's next day: some listings edited, some gone in the ways real shops do it."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from maskscreen.crawler.demo.catalog import NEXT_DAY, Catalog, load_products
from maskscreen.crawler.demo.server import DemoShop


def get(base: str, path: str) -> tuple[int, dict[str, str], str]:
    """One GET without following redirects."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, dict(response.getheaders()), body
    finally:
        connection.close()


@pytest.fixture(scope="module")
def shop():
    with DemoShop(day=2) as running:
        yield running


def test_day_one_is_untouched():
    assert Catalog().products == list(load_products())


def test_next_day_edits_and_removes():
    day2 = Catalog(day=2)
    vanished = {*NEXT_DAY["gone"], *NEXT_DAY["redirected"], *NEXT_DAY["delisted"]}
    assert len(day2.products) == len(load_products()) - len(vanished)
    assert vanished.isdisjoint(day2.by_slug)
    for slug, edit in NEXT_DAY["edited"].items():
        assert {key: day2.by_slug[slug][key] for key in edit} == dict(edit)
    flags = {p["slug"]: p["expected"] for p in load_products()}
    assert all(flags[slug] == "flag" for slug in vanished)  # rechecks visit flagged ones


def test_gone_listing_answers_404(shop):
    status, _, _ = get(shop.base_url, f"/p/{NEXT_DAY['gone'][0]}")
    assert status == 404


def test_redirected_listing_goes_home(shop):
    status, headers, _ = get(shop.base_url, f"/p/{NEXT_DAY['redirected'][0]}")
    assert status == 301 and headers["Location"] == shop.base_url + "/"


def test_delisted_listing_shows_a_notice_and_no_product(shop):
    status, _, body = get(shop.base_url, f"/p/{NEXT_DAY['delisted'][0]}")
    assert status == 200 and "该商品已下架" in body and "ld+json" not in body


def test_edited_listing_shows_its_new_text(shop):
    [(slug, edit)] = [(s, e) for s, e in NEXT_DAY["edited"].items() if "title" in e]
    status, _, body = get(shop.base_url, f"/p/{slug}")
    assert status == 200 and edit["title"] in body


def test_set_day_switches_a_running_shop():
    with DemoShop() as running:
        path = f"/p/{NEXT_DAY['gone'][0]}"
        assert get(running.base_url, path)[0] == 200
        running.set_day(2)
        assert get(running.base_url, path)[0] == 404
