"""`maskscreen crawl` and `maskscreen check URL` against the demo shop on loopback."""

from __future__ import annotations

import json
import socket

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.crawler.demo.catalog import (
    BROKEN_JSONLD_PATH,
    DEAD_LINK_PATH,
    NO_STRUCTURED_DATA_PATH,
)
from maskscreen.crawler.demo.server import DemoShop
from maskscreen.db.migrate import open_database
from maskscreen.db.models import CrawlRun, Listing, ListingVersion
from tests.helpers import run_cli

DANGEROUS = "/p/movie-grade-realistic-prosthetic-full-face-mask-1"
HARMLESS = "/p/cpr-training-manikin-adult-half-body-with-46"


@pytest.fixture(scope="module")
def shop():
    with DemoShop() as running:
        yield running


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_url_flags_custom_face_copy(shop):
    result = run_cli("check", shop.base_url + DANGEROUS)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("title: Movie Grade")
    assert "FLAGGED" in result.stdout


def test_check_url_benign_look_alike(shop):
    result = run_cli("check", "--json", shop.base_url + HARMLESS)
    assert result.returncode == 0, result.stderr
    assert '"flagged": false' in result.stdout


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (DEAD_LINK_PATH, "answered HTTP 404"),
        ("/", "is not a product page"),
    ],
)
def test_check_url_bad_pages_are_one_line_errors(shop, path, message):
    result = run_cli("check", shop.base_url + path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


@pytest.mark.parametrize(
    ("path", "title"),
    [(NO_STRUCTURED_DATA_PATH, "Gift card"), (BROKEN_JSONLD_PATH, "Mystery Mask (clearance)")],
)
def test_check_url_reads_pages_without_usable_structured_data(shop, path, title):
    # No JSON-LD, or broken JSON-LD: the heuristic source reads the visible page.
    result = run_cli("check", shop.base_url + path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"title: {title}")


def test_check_url_refused_connection():
    result = run_cli("check", f"http://127.0.0.1:{free_port()}/p/x")
    assert result.returncode == 2
    assert "cannot fetch" in result.stderr and "Traceback" not in result.stderr


def test_crawl_twice_adds_no_versions(shop, tmp_path):
    url = f"sqlite:///{tmp_path / 'crawl.sqlite'}"
    first = run_cli("crawl", shop.base_url + "/c/costume-masks", "--db", url, "--site", "demo")
    assert first.returncode == 0, first.stderr
    assert "listings seen" in first.stdout and "errors 1" in first.stdout
    second = run_cli("crawl", "demo", "--db", url)  # by site name the second time
    assert second.returncode == 0, second.stderr
    assert "new 0, changed 0" in second.stdout
    engine = open_database(url)
    with Session(engine) as session:
        listings = session.scalar(select(func.count()).select_from(Listing))
        versions = session.scalar(select(func.count()).select_from(ListingVersion))
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
    engine.dispose()
    assert listings == versions > 0
    assert [r.status for r in runs] == ["finished", "finished"]
    assert runs[1].unchanged == runs[0].new


def test_crawl_unknown_site_is_a_usage_error(tmp_path):
    result = run_cli("crawl", "no-such-shop", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert result.returncode == 2
    assert "unknown site 'no-such-shop'" in result.stderr


def test_crawl_refuses_a_profile_behind_a_login(tmp_path):
    # Bundled: Taobao's listings need an account. Refused before any request is made.
    result = run_cli("crawl", "taobao", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert result.returncode == 2, result.stdout
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "'taobao' shows its listings only to signed-in users" in result.stderr
    assert "listings seen" not in result.stdout


def test_crawl_warns_before_an_example_profile(shop, tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "sample.toml").write_text(
        f'name = "sample-shop"\nexample = true\nbase_url = "{shop.base_url}/c/costume-masks"\n'
        "max_pages = 3\n",
        "utf-8",
    )
    result = run_cli("crawl", "sample-shop", "--sites-dir", str(sites),
                     "--db", f"sqlite:///{tmp_path / 'x.sqlite'}")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "warning: 'sample-shop' is an example profile" in result.stderr
    assert "listings seen" in result.stdout


def test_crawl_unreachable_database_is_one_line(shop):
    result = run_cli("crawl", shop.base_url, "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "cannot open database" in result.stderr
    assert "Traceback" not in result.stderr


# `check URL --profile NAME`: the named profile's selectors read the page.
PLAIN_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Mask Mall</title></head>
<body><h1>Mask Mall: today's picks</h1>
<div class="goods"><div class="goods-name">按照片定制 真人硅胶面具 1:1 还原</div>
<span class="goods-price">¥ 2,380.00</span></div></body></html>"""
PLAIN_PROFILE = """name = "plain-mall"
base_url = "http://127.0.0.1:1"
[extract]
title = "css:div.goods-name::text"
price = "css:span.goods-price::text"
currency = "CNY"
"""


@pytest.fixture(scope="module")
def plain_page():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = PLAIN_PAGE.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            found = self.path == "/goods/1"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/goods/1"
    server.shutdown()


def test_check_url_with_a_profile_reads_the_page_with_its_selectors(plain_page, tmp_path):
    (tmp_path / "plain.toml").write_text(PLAIN_PROFILE, "utf-8")
    result = run_cli("check", "--json", plain_page, "--profile", "plain-mall",
                     "--sites-dir", str(tmp_path))  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    record = json.loads(result.stdout)
    # The selectors' title, not the page's <title> or <h1>.
    assert record["title"] == "按照片定制 真人硅胶面具 1:1 还原"
    assert record["url"] == plain_page


def test_check_url_with_an_unknown_profile_is_one_line(plain_page, tmp_path):
    result = run_cli("check", plain_page, "--profile", "no-such-site", "--sites-dir",
                     str(tmp_path))  # fmt: skip
    assert result.returncode == 2
    assert "unknown site profile 'no-such-site'" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.strip().count("\n") == 0


def test_check_url_with_a_broken_profile_is_one_line(plain_page, tmp_path):
    (tmp_path / "broken.toml").write_text('name = "broken"\nrender = "yes"\n', "utf-8")
    result = run_cli("check", plain_page, "--profile", "broken", "--sites-dir", str(tmp_path))
    assert result.returncode == 2
    assert "broken.toml: render: expected true or false" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_check_text_refuses_profile_and_render():
    for flag in (["--profile", "amazon"], ["--render"]):
        result = run_cli("check", "--text", "silicone mask", *flag)
        assert result.returncode == 2
        assert "read a URL, not --text" in result.stderr
