"""Every page, request or item a crawl drops is kept by URL (runs --drops), and the counts
agree: the crawl's summary, the run row, and the rows (plus the ones not kept)."""

from __future__ import annotations

import pytest

from maskscreen.crawler.jobs.runs import DROP_ROWS_PER_RUN, DropLog
from maskscreen.db.runs import MAX_DROP_ROWS
from tests.faults.checks import assert_drops_accounted, stored_urls, the_run
from tests.faults.shop import HTML, Shop, links_page
from tests.helpers import run_cli


class Stats(dict):
    def inc_value(self, key, count=1):
        self[key] = self.get(key, 0) + count


def test_the_drop_log_keeps_a_sample_and_counts_the_rest():
    stats = Stats()
    log = DropLog(stats, per_reason=3, per_run=5)
    for i in range(10):
        log.add("link_trap", f"http://shop.example/c/{i}")
    log.add("http_404", "http://shop.example/gone", "404", error=True)
    for i in range(4):
        log.add("no_product", f"http://shop.example/x/{i}")
    rows = log.take()
    assert [r["reason"] for r in rows] == ["link_trap"] * 3 + ["http_404", "no_product"]
    assert stats["maskscreen/dropped/link_trap"] == 10  # the counts stay complete
    assert stats["maskscreen/errors/http_404"] == 1
    assert len(rows) + stats["maskscreen/drops_unkept"] == 15
    assert log.take() == []  # handed over once


def test_the_run_cap_is_the_store_s():
    assert DROP_ROWS_PER_RUN == MAX_DROP_ROWS


def test_a_crawl_keeps_each_drop_with_its_url(database_url):
    pages = {
        "/about": (200, HTML, b"<html><body>about us</body></html>"),
        "/notes.txt": (200, {"Content-Type": "text/plain"}, b"plain text"),
        "/broken": (500, HTML, b"oops"),
    }
    with Shop(products=6, extra=pages, robots="User-agent: *\nDisallow: /cart\n") as shop:
        shop.links = ["/about", "/notes.txt", "/gone", "/broken", "/cart",
                      f"file://127.0.0.1:{shop.server.server_address[1]}/etc/passwd",
                      "/p/0?utm_source=x"]  # fmt: skip
        result = run_cli("crawl", shop.url("/"), "--via", "html", "--db", database_url)
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    assert run["status"] == "finished" and run["listings"] == 6
    assert run["dropped"]["robots_txt"] == 1 and run["dropped"]["blocked_scheme"] == 1
    rows = assert_drops_accounted(database_url, run)
    by_url = {row["url"].removeprefix(shop.base): row["reason"] for row in rows}
    assert by_url["/cart"] == "robots_txt"
    assert by_url["/gone"] == "http_404" and by_url["/broken"] == "http_500"
    assert by_url["/notes.txt"] == "not_html"
    assert by_url["/about"] in run["dropped"]  # the extractor's reason, whatever it is
    assert any(row["url"].startswith("file://") and row["reason"] == "blocked_scheme"
               for row in rows)  # fmt: skip
    assert len(stored_urls(database_url)) == len(set(stored_urls(database_url))) == 6
    listed = run_cli("runs", "--drops", str(run["id"]), "--db", database_url)
    assert listed.returncode == 0 and "/cart" in listed.stdout and "robots_txt" in listed.stdout


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_trap_beyond_the_sample_is_counted_not_kept(database_url):
    # 1,500 links robots.txt refuses (never fetched): one reason, more than a run keeps.
    with Shop(products=2, links=[f"/cart/{i}" for i in range(1500)],
              robots="User-agent: *\nDisallow: /cart\n") as shop:  # fmt: skip
        result = run_cli("crawl", shop.url("/"), "--via", "html", "--db", database_url)
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    assert run["dropped"]["robots_txt"] == 1500
    assert "500 drops counted but not kept by URL" in result.stderr
    assert_drops_accounted(database_url, run, unkept=500)


def test_links_page_helper_is_html():
    assert links_page(["/a"]).startswith(b"<html>")
