"""`maskscreen crawl SITE` starts where the site was first crawled from, not at its root."""

from __future__ import annotations

from tests.faults.checks import runs, stored_urls
from tests.faults.shop import HTML, Shop, links_page
from tests.helpers import run_cli


def test_a_site_first_crawled_from_a_section_is_crawled_again_from_it(database_url):
    root = {"/": (200, HTML, links_page(["/about"]))}
    with Shop(products=8, prefix="/big/", extra=root) as shop:
        first = run_cli("crawl", shop.url("/big/"), "--db", database_url)
        assert first.returncode == 0, first.stderr
        # A host's site is named with its port when it has one (127.0.0.1:PORT).
        site = shop.url("/").split("://", 1)[1].rstrip("/")
        again = run_cli("crawl", site, "--db", database_url)
        hits = dict(shop.hits)
    assert again.returncode == 0, again.stderr
    assert f"from {shop.url('/big/')}" in again.stderr
    newest, oldest = runs(database_url)
    assert oldest["listings"] == newest["listings"] == 8
    assert newest["unchanged"] == 8  # the same listings, seen again, none duplicated
    assert hits["/big/"] == 2 and "/" not in hits
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls)) == 8


def test_an_unknown_site_is_one_line_exit_2(database_url):
    result = run_cli("crawl", "no-such-site", "--db", database_url)
    assert result.returncode == 2
    assert "unknown site 'no-such-site'" in result.stderr and "Traceback" not in result.stderr
