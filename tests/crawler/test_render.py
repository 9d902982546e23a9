"""Shops whose product data is inserted by script: rendered in the system Chromium.

A loopback shop whose product page holds no product data in its HTML: a script decodes
it and inserts JSON-LD, the title and the price. Read plainly it yields nothing; with
`check URL --render`, or a profile with `render = true`, it yields the listing. The
renderer keeps the network policy (a request of the page to another loopback address
that is not allowed is refused) and the page budget.

These tests need Chromium (/usr/bin/chromium or MASKSCREEN_CHROMIUM; .ci/run installs
the Debian package): without it they fail, they are not skipped.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.crawler import settings as crawler_settings
from maskscreen.crawler.profiles import DEFAULT_PAGE_BUDGET, ProfileError, load_profile
from maskscreen.crawler.render import RenderUnavailable, chromium_path, render_settings
from maskscreen.db.migrate import open_database
from maskscreen.db.models import CrawlDrop, ListingVersion
from tests.helpers import run_cli

pytestmark = pytest.mark.browser

TITLE = "Custom Silicone Face Mask Made From Your Photo"
PRODUCT = {
    "@context": "https://schema.org",
    "@type": "Product",
    "name": TITLE,
    "description": "Send us three photos of any person: a hyper-realistic copy of the face.",
    "offers": {"@type": "Offer", "price": "459.00", "priceCurrency": "USD",
               "availability": "https://schema.org/InStock"},
}  # fmt: skip


def scripted_page(product: dict, beacon: str | None = None) -> bytes:
    """A page whose product data exists only once its script has run."""
    data = base64.b64encode(json.dumps(product).encode()).decode()
    beacon_js = f"fetch({json.dumps(beacon)}).catch(() => null);" if beacon else ""
    return f"""<!doctype html><html><head><meta charset="utf-8"></head>
<body><div id="app">Loading…</div>
<script>
  const product = JSON.parse(atob("{data}"));
  const ld = document.createElement("script");
  ld.type = "application/ld+json";
  ld.textContent = JSON.stringify(product);
  document.head.appendChild(ld);
  document.getElementById("app").innerHTML =
    "<h1 class='name'></h1><span class='price'></span>";
  document.querySelector("h1.name").textContent = product.name;
  document.querySelector("span.price").textContent = "$" + product.offers.price;
  {beacon_js}
</script></body></html>""".encode()


class Recorder(BaseHTTPRequestHandler):
    pages: dict[str, bytes | str] = {}  # a str: redirect there
    seen: list[str]
    agents: list[str]

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.seen.append(self.path)
        self.agents.append(self.headers.get("User-Agent", ""))
        body = self.pages.get(self.path.split("?", 1)[0])
        if isinstance(body, str):  # a redirect
            self.send_response(302)
            self.send_header("Location", body)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200 if body is not None else 404)
        kind = "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8"
        self.send_header("Content-Type", kind)
        body = body if body is not None else b"not found"
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(host: str, pages: dict[str, bytes]):
    handler = type("Handler", (Recorder,), {"pages": pages, "seen": [], "agents": []})
    server = ThreadingHTTPServer((host, 0), handler)
    server.agents = handler.agents
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, handler.seen


@pytest.fixture(scope="module")
def secret():
    """Another loopback address the crawls below may not reach."""
    server, seen = serve("127.0.0.2", {"/secret": b"internal"})
    yield f"http://127.0.0.2:{server.server_address[1]}/secret", seen
    server.shutdown()


@pytest.fixture(scope="module")
def shop(secret):
    secret_url, _ = secret
    pages = {
        "/robots.txt": b"User-agent: *\nAllow: /\n",
        "/": b'<html><body><a href="/item/1.html">one</a> <a href="/item/2.html">two</a>'
        b' <a href="/item/3.html">three</a></body></html>',
        "/item/1.html": scripted_page(PRODUCT, beacon=secret_url),
        "/item/2.html": scripted_page({**PRODUCT, "name": "Hyper Realistic Old Man Mask"}),
        "/item/3.html": scripted_page({**PRODUCT, "name": "Silicone Female Mask"}),
        "/away": secret_url,  # a redirect to the address the crawls may not reach
        "/item/4.html": scripted_page(PRODUCT).replace(
            b"</body>", b'<iframe src="/away"></iframe></body>'
        ),
    }
    server, seen = serve("127.0.0.1", pages)
    yield f"http://127.0.0.1:{server.server_address[1]}", seen, server.agents
    server.shutdown()


# Only this test shop's address: the secret one (127.0.0.2) stays refused.
ONLY_THE_SHOP = {"MASKSCREEN_ALLOW_NETWORKS": "127.0.0.1/32"}


def test_chromium_is_installed():
    assert chromium_path()  # fails (not skips) on a machine without Chromium


def test_plain_fetch_of_a_scripted_page_finds_no_listing(shop):
    base, _, _ = shop
    result = run_cli("check", base + "/item/2.html", env=ONLY_THE_SHOP)
    assert result.returncode == 2, result.stdout
    assert "no listing" in result.stderr or "not a product page" in result.stderr


def test_check_render_reads_the_scripted_product(shop, secret):
    base, _, agents = shop
    secret_url, secret_seen = secret
    result = run_cli("check", "--render", "--json", base + "/item/1.html", env=ONLY_THE_SHOP)
    assert result.returncode in (0, 1), result.stderr
    record = json.loads(result.stdout)
    assert record["title"] == TITLE
    assert "Traceback" not in result.stderr
    # The page's script asked for the secret address: the renderer refused it.
    assert secret_seen == []
    # The browser's requests say who we are, as a plain crawl does (not HeadlessChrome).
    assert agents and all(a.startswith("maskscreen/") for a in agents), agents


def test_profile_with_render_crawls_scripted_pages_within_the_budget(shop, tmp_path):
    base, seen, _ = shop
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "scripted.toml").write_text(
        f"""name = "scripted-shop"
base_url = "{base}"
via = "html"
start_urls = ["/"]
render = true
page_budget = 3
[links]
product = ['/item/\\d+\\.html$']
[extract]
price = "css:span.price::text"
[rate]
download_delay = 0
concurrency = 1
""",
        "utf-8",
    )
    assert load_profile(sites / "scripted.toml").render
    db = f"sqlite:///{tmp_path / 'render.sqlite'}"
    result = run_cli("crawl", "scripted-shop", "--db", db, "--sites-dir", str(sites),
                     env=ONLY_THE_SHOP)  # fmt: skip
    assert result.returncode == 0, result.stderr
    engine = open_database(db)
    with Session(engine) as session:
        titles = sorted(session.scalars(select(ListingVersion.title)))
        drops = session.execute(select(CrawlDrop.reason, CrawlDrop.url)).all()
    engine.dispose()
    # The page over the budget is kept by URL, once, and not again as a robots.txt skip.
    over = [url for reason, url in drops if reason == "render_budget"]
    assert len(over) == 1 and over[0].startswith(base + "/item/"), drops
    assert "robots_txt" not in {reason for reason, _ in drops}, drops
    # Budget 3: the home page and two of the three items are rendered, the third is not.
    assert len(titles) == 2, (titles, result.stdout, result.stderr)
    assert set(titles) <= {TITLE, "Hyper Realistic Old Man Mask", "Silicone Female Mask"}
    assert sum(path.startswith("/item/") for path in seen) >= 2
    assert "render_budget 1" in result.stdout, result.stdout  # the item over the budget


def test_redirects_to_a_refused_address_are_not_followed(shop, secret):
    base, _, _ = shop
    _, secret_seen = secret
    # The page itself redirects there: nothing is fetched from it, no listing.
    result = run_cli("check", "--render", base + "/away", env=ONLY_THE_SHOP)
    assert result.returncode == 2, result.stdout
    assert "leads to an address the network policy refuses" in result.stderr
    assert "Traceback" not in result.stderr
    # A frame of the page redirects there: the page is read, the frame is refused.
    result = run_cli("check", "--render", "--json", base + "/item/4.html", env=ONLY_THE_SHOP)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["title"] == TITLE
    assert secret_seen == []


def test_missing_chromium_is_one_line_naming_the_package(shop, tmp_path):
    base, _, _ = shop
    env = {**ONLY_THE_SHOP, "MASKSCREEN_CHROMIUM": str(tmp_path / "no-chromium")}
    result = run_cli("check", "--render", base + "/item/1.html", env=env)
    assert result.returncode == 2
    assert "chromium" in result.stderr and "apt-get install chromium" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_crawl_of_a_render_profile_without_chromium_is_one_line(tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "drawn.toml").write_text(
        'name = "drawn"\nbase_url = "http://127.0.0.1:1"\nrender = true\n', "utf-8"
    )
    env = {**ONLY_THE_SHOP, "MASKSCREEN_CHROMIUM": str(tmp_path / "no-chromium")}
    result = run_cli("crawl", "drawn", "--sites-dir", str(sites), "--db",
                     f"sqlite:///{tmp_path / 'x.sqlite'}", env=env)  # fmt: skip
    assert result.returncode == 2
    assert "drawn.toml: render: rendering needs Chromium" in result.stderr
    assert "apt-get install chromium" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_render_settings_use_the_configured_chromium(monkeypatch, tmp_path):
    monkeypatch.setenv("MASKSCREEN_CHROMIUM", str(tmp_path / "absent"))
    with pytest.raises(RenderUnavailable, match="MASKSCREEN_CHROMIUM="):
        render_settings(5)
    monkeypatch.delenv("MASKSCREEN_CHROMIUM")
    settings = render_settings(5)
    assert settings["MASKSCREEN_PAGE_BUDGET"] == 5
    assert crawler_settings.MASKSCREEN_PAGE_BUDGET == DEFAULT_PAGE_BUDGET  # one default
    assert settings["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == chromium_path()


def test_profile_render_fields_are_checked(tmp_path):
    path = tmp_path / "p.toml"
    base = 'base_url = "https://shop.example"\n'
    for text, field in [
        ("page_budget = 10\n", "page_budget"),  # without render
        ("render = true\npage_budget = 0\n", "page_budget"),
        ("render = 'yes'\n", "render"),
        ("requires_login = true\n", "requires_login"),  # not an example
        ("notes = ''\n", "notes"),
    ]:
        path.write_text(base + text, "utf-8")
        with pytest.raises(ProfileError) as caught:
            load_profile(path)
        assert caught.value.field == field, text


@pytest.fixture(scope="module")
def rebinding_shop():
    """The shop on 127.0.0.1 and, on the same port of 127.0.0.2, the address a rebinding
    name server would lead the browser to (a page of its own, so a fetch from it shows)."""
    shop_pages = {
        "/robots.txt": b"User-agent: *\nAllow: /\n",
        "/item/1.html": scripted_page(PRODUCT),
    }
    shop, shop_seen = serve("127.0.0.1", shop_pages)
    port = shop.server_address[1]
    inside = scripted_page({**PRODUCT, "name": "Internal Page"})
    handler = type("Handler", (Recorder,), {"seen": [], "agents": [],
                                            "pages": {"/robots.txt": b"", "/item/1.html": inside}})  # fmt: skip
    private = ThreadingHTTPServer(("127.0.0.2", port), handler)
    threading.Thread(target=private.serve_forever, daemon=True).start()
    yield f"http://shop.rebind.test:{port}/item/1.html", shop_seen, handler.seen
    shop.shutdown()
    private.shutdown()


def check_with_dns(mode: str, url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.crawler.rebinding", mode, "check", "--render", "--json", url],
        check=False, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MASKSCREEN_DATABASE_URL": "", **ONLY_THE_SHOP},
    )  # fmt: skip


def test_the_renderer_connects_to_the_address_the_crawl_resolved_and_checked(rebinding_shop):
    url, shop_seen, private_seen = rebinding_shop
    # A name neither the system, Chromium nor Playwright can resolve: the page is read
    # only because the renderer's fetches use the crawl's checking resolver.
    result = check_with_dns("stable", url)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["title"] == TITLE
    assert "/item/1.html" in shop_seen and private_seen == []


def test_a_name_that_rebinds_to_a_refused_address_is_never_fetched_from_it(rebinding_shop):
    url, _, private_seen = rebinding_shop
    # Checked as 127.0.0.1, then (every other answer) 127.0.0.2, which is not allowed.
    result = check_with_dns("rebind", url)
    assert "Traceback" not in result.stderr
    assert private_seen == []
    if result.returncode in (0, 1):  # every connection that went ahead went to the shop
        assert json.loads(result.stdout)["title"] == TITLE
    else:
        assert result.returncode == 2 and "network policy refuses" in result.stderr
