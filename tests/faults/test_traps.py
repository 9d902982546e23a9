"""Crawl caps and link traps: a calendar, an ever-deepening relative link and an endless
chain end as counted drops (link_trap, max_depth, max_pages) kept by URL."""

from __future__ import annotations

import pytest

from maskscreen.crawler.profiles import ProfileError, parse_profile
from maskscreen.crawler.spiders.shop import (
    DEFAULT_MAX_DEPTH,
    DEFAULT_MAX_PAGES,
    dated_template,
    deepening_loop,
)
from tests.faults.checks import assert_drops_accounted, stored_urls, the_run
from tests.faults.shop import HTML, Shop, links_page, product_page
from tests.helpers import run_cli


def calendar(path: str):
    year, month = (int(part) for part in path.strip("/").split("/")[1:3])
    after = (year + month // 12, month % 12 + 1)
    before = (year - (month == 1), (month - 2) % 12 + 1)
    links = [f"/calendar/{y}/{m:02d}/" for y, m in (after, before)]
    return 200, HTML, links_page(links + [f"/p/cal-{year}-{month:02d}"])


def chain(path: str):
    step = int(path.rsplit("/", 1)[1])
    return 200, HTML, links_page([f"/chain/{step + 1}"])


def loop(path: str):
    return 200, HTML, links_page(["x/"])


def product(path: str):
    return 200, HTML, product_page(path)


TRAPS = {"/calendar/": calendar, "/chain/": chain, "/loop/": loop, "/p/cal-": product}


def test_calendars_and_loops_are_recognised_and_products_are_not():
    assert dated_template("https://s.example/calendar/2026/01/") == (
        dated_template("https://s.example/calendar/2027/11/")
    )
    assert dated_template("https://s.example/events?date=2026-01-15") is not None
    assert dated_template("https://s.example/p/123") is None  # one number: a product
    assert dated_template("https://s.example/c/masks?page=7") is None  # pagination
    assert deepening_loop("https://s.example/loop/x/x/x/") is not None
    assert deepening_loop("https://s.example/a/b/a/b/a/b/") is not None
    assert deepening_loop("https://s.example/shop/masks/silicone/p/1") is None
    assert deepening_loop("https://s.example/2026/01/01/01/") is None  # numbers repeat
    assert (DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAGES) == (30, 20_000)


def test_profile_limits_are_checked():
    profile = parse_profile({"base_url": "https://s.example", "limits": {"max_depth": 5},
                             "redirects": {"allow_hosts": ["cdn.s.example"]}}, "s.toml")  # fmt: skip
    assert profile.scrapy_settings()["MASKSCREEN_MAX_DEPTH"] == 5
    assert profile.scrapy_settings()["MASKSCREEN_REDIRECT_HOSTS"] == ["cdn.s.example"]
    with pytest.raises(ProfileError, match="limits.max_depth"):
        parse_profile({"base_url": "https://s.example", "limits": {"max_depth": 0}}, "s.toml")
    with pytest.raises(ProfileError, match="redirects.allow_hosts"):
        parse_profile({"base_url": "https://s.example",
                       "redirects": {"allow_hosts": ["http://x/"]}}, "s.toml")  # fmt: skip


def test_traps_end_as_counted_drops_on_the_run(database_url, tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    links = ["/calendar/2026/01/", "/chain/1", "/loop/"]
    with Shop(products=3, links=links, extra=TRAPS) as shop:
        (sites / "trapshop.toml").write_text(
            f'base_url = "{shop.base}"\nvia = "html"\n[limits]\nmax_depth = 8\ntrap_repeats = 4\n'
        )
        env = {"MASKSCREEN_SITES_DIR": str(sites)}
        result = run_cli("crawl", "trapshop", "--db", database_url, env=env)
        hits = dict(shop.hits)
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    assert run["status"] == "finished"
    dropped = run["dropped"]
    assert dropped["link_trap"] >= 2 and dropped["max_depth"] >= 1
    rows = assert_drops_accounted(database_url, run)
    trapped = {row["url"].removeprefix(shop.base) for row in rows if row["reason"] == "link_trap"}
    assert "/loop/x/x/x/" in trapped
    assert any(url.startswith("/calendar/") for url in trapped)
    deep = [row["url"] for row in rows if row["reason"] == "max_depth"]
    assert deep == [shop.url("/chain/9")]  # the root is depth 0, /chain/N depth N
    # Nothing beyond the caps was fetched; what was fetched was stored once.
    assert "/chain/9" not in hits and "/chain/8" in hits
    assert not any(path.startswith("/loop/x/x/x") for path in hits)
    months = [path for path in hits if path.startswith("/calendar/")]
    assert 4 <= len(months) <= 8
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls)) == run["listings"] == 3 + len(months)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_max_pages_refusals_are_drops(database_url):
    with Shop(products=12) as shop:
        result = run_cli("crawl", shop.url("/"), "--via", "html", "--max-pages", "5",
                         "--db", database_url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    assert run["dropped"]["max_pages"] == 12 - 4  # the start page and 4 products scheduled
    assert_drops_accounted(database_url, run)
