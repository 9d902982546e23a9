"""A hostile shop: redirects off the site and to private addresses, meta refreshes,
redirect loops, a compression bomb and a robots.txt that trickles. Each ends as a
counted drop kept by URL (or a bounded wait), the run judged, nothing stored twice."""

from __future__ import annotations

import gzip
import time

import pytest

from maskscreen.crawler.network import host_allowed, same_site
from tests.faults.checks import assert_drops_accounted, runs, stored_urls, the_run
from tests.faults.shop import HTML, Shop, links_page, product_page
from tests.helpers import run_cli

LOOPBACK_ONLY = {"MASKSCREEN_ALLOW_NETWORKS": "127.0.0.1/32"}  # 127.0.0.2 is "private"


def test_what_counts_as_the_same_site():
    assert same_site("https://www.shop.example/p/1", "https://shop.example/")
    assert same_site("http://shop.example/", "https://m.shop.example:443/")
    assert not same_site("https://shop.example/", "https://evil.example/")
    assert not same_site("http://127.0.0.1:8000/", "http://127.0.0.1:8001/")
    assert host_allowed("https://img.cdn.example/x", ["*.cdn.example"])
    assert host_allowed("http://127.0.0.1:8001/x", ["127.0.0.1:8001"])
    assert not host_allowed("http://127.0.0.1:8002/x", ["127.0.0.1:8001"])


def redirecting_shop(other: Shop, private: Shop) -> Shop:
    pages = {
        "/to-other": (302, {"Location": other.url("/p/0")}, b""),
        "/to-other-private": (302, {"Location": other.url("/private/1")}, b""),
        "/refresh-to-other": (200, HTML, links_page([], head=(
            f'<meta http-equiv="refresh" content="0; url={other.url("/p/1")}">'))),
        "/to-metadata": (302, {"Location": private.url("/latest/meta-data/")}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
    }  # fmt: skip
    return Shop(products=3, links=list(pages), extra=pages)


@pytest.fixture
def servers():
    other = Shop(products=2, robots="User-agent: *\nDisallow: /private\n")
    private = Shop(products=1, host="127.0.0.2")
    with other, private, redirecting_shop(other, private) as shop:
        yield shop, other, private


def redirect_profile(tmp_path, name: str, shop: Shop, allow: list[str]) -> dict[str, str]:
    """A site profile NAME for `shop` whose redirects may go to the `allow` hosts; the
    environment a crawl of it runs with."""
    sites = tmp_path / "sites"
    sites.mkdir()
    hosts = ", ".join(f'"{host.removeprefix("http://")}"' for host in allow)
    (sites / f"{name}.toml").write_text(
        f'base_url = "{shop.base}"\nvia = "html"\n[redirects]\nallow_hosts = [{hosts}]\n'
    )
    return {**LOOPBACK_ONLY, "MASKSCREEN_SITES_DIR": str(sites)}


def test_redirects_leave_the_site_only_as_its_policy_allows(database_url, servers, tmp_path):
    shop, other, private = servers
    result = run_cli("crawl", shop.url("/"), "--via", "html", "--db", database_url,
                     env=LOOPBACK_ONLY)  # fmt: skip
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    assert run["status"] == "finished" and run["listings"] == 3
    rows = assert_drops_accounted(database_url, run)
    refused = {row["url"] for row in rows if row["reason"] == "offsite_redirect"}
    assert refused == {other.url("/p/0"), other.url("/private/1"), other.url("/p/1"),
                       private.url("/latest/meta-data/")}  # fmt: skip
    assert [row["url"] for row in rows if row["reason"] == "redirect_loop"] == [shop.url("/loop")]
    assert not other.hits and not private.hits  # nothing off the site was asked for

    # The site's policy allows the other shop and the "private" host: the other shop's
    # robots.txt is read first and obeyed; the private address is refused all the same.
    env = redirect_profile(tmp_path, "redirecting", shop, [other.base, "127.0.0.2"])
    allowed = run_cli("crawl", "redirecting", "--db", database_url, env=env)
    assert allowed.returncode == 0, allowed.stderr
    run = [r for r in runs(database_url) if r["site"] == "redirecting"][0]
    rows = assert_drops_accounted(database_url, run)
    by_reason = {(row["reason"], row["url"]) for row in rows}
    assert ("robots_txt", other.url("/private/1")) in by_reason
    assert ("blocked_address", private.url("/latest/meta-data/")) in by_reason
    assert other.hits["/robots.txt"] == 1 and other.hits["/p/0"] == 1
    assert "/private/1" not in other.hits and not private.hits
    assert run["listings"] == 3 + 2  # its own three, and the two it was redirected to
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls))


class SlowRobots(Shop):
    """A shop whose robots.txt takes a while: requests to it pile up waiting for it."""

    def reply(self, path: str):
        if path == "/robots.txt":
            time.sleep(0.5)
        return super().reply(path)


def test_every_request_waiting_for_a_robots_txt_obeys_it(database_url, tmp_path):
    # Three redirects, allowed by the site's policy, reach the other host while its
    # robots.txt is on its way: each must be judged by it (Scrapy's own middleware
    # handed the parsed file to the first waiter only and let the others through).
    other = SlowRobots(products=1, robots="User-agent: *\nDisallow: /private\n")
    with other:
        pages = {f"/to-{i}": (302, {"Location": other.url(f"/private/{i}")}, b"")
                 for i in range(3)}  # fmt: skip
        with Shop(products=1, links=list(pages), extra=pages) as shop:
            env = redirect_profile(tmp_path, "piling", shop, [other.base])
            result = run_cli("crawl", "piling", "--db", database_url, env=env)
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    rows = assert_drops_accounted(database_url, run)
    assert {row["url"] for row in rows if row["reason"] == "robots_txt"} == {
        other.url(f"/private/{i}") for i in range(3)
    }
    assert not [path for path in other.hits if path.startswith("/private")]
    assert other.hits["/robots.txt"] == 1


def test_a_compression_bomb_is_a_too_large_drop(database_url):
    bomb = gzip.compress(b"<html>" + b" " * (64 * 1024 * 1024))  # 64 MB inflated
    pages = {"/bomb": (200, {**HTML, "Content-Encoding": "gzip"}, bomb)}
    with Shop(products=2, links=["/bomb"], extra=pages) as shop:
        result = run_cli("crawl", shop.url("/"), "--via", "html", "--db", database_url)
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    assert run["listings"] == 2 and run["dropped"].get("robots_txt") is None
    rows = assert_drops_accounted(database_url, run)
    assert [r["url"] for r in rows if r["reason"] == "too_large"] == [shop.url("/bomb")]
    assert {r["url"] for r in rows} == {shop.url("/"), shop.url("/bomb")}  # the front page:
    # no product there


class Trickle(Shop):
    """A robots.txt sent one byte every half second, for ever (until the client leaves)."""

    def __enter__(self):
        super().__enter__()
        handler = self.server.RequestHandlerClass
        get = handler.do_GET

        def do_get(request):
            if request.path != "/robots.txt":
                return get(request)
            self.hits["/robots.txt"] += 1
            request.send_response(200)
            request.send_header("Content-Type", "text/plain")
            request.end_headers()
            try:
                for _ in range(600):
                    request.wfile.write(b"#")
                    request.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                return None

        handler.do_GET = do_get
        return self


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_trickling_robots_txt_cannot_hang_a_crawl(database_url):
    with Trickle(products=2) as shop:
        result = run_cli("crawl", shop.url("/"), "--db", database_url, timeout=240)
    # The probes give up within their total time, the crawl's robots.txt request within
    # DOWNLOAD_TIMEOUT; then the shop is crawled (an unreadable robots.txt allows all).
    assert result.returncode == 0, result.stderr
    run = the_run(database_url)
    assert run["status"] == "finished" and run["listings"] == 2
    assert_drops_accounted(database_url, run)


def test_product_page_helper_names_the_path():
    assert b"/p/9" in product_page("/p/9")
