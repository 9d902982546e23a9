"""`maskscreen sites …` through CliRunner, and `maskscreen crawl NAME | URL --via` for real."""

from __future__ import annotations

import json
import tomllib
from collections import Counter
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.crawler.demo.catalog import load_products
from maskscreen.crawler.demo.platform_shops import PlatformShop
from maskscreen.crawler.demo.server import DemoShop
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Listing, ListingVersion
from tests.helpers import run_cli

USER_PROFILE = """
name = "local-masks"
description = "A shop of ours"
base_url = "http://127.0.0.1:1"
search_url = "/search?q={keyword}"
keywords = ["silicone mask", "硅胶"]
[links]
product = ['/p/']
"""


def invoke(*args: str, sites_dir=None):
    env = {"MASKSCREEN_SITES_DIR": str(sites_dir)} if sites_dir else {}
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture
def sites_dir(tmp_path):
    folder = tmp_path / "sites"
    folder.mkdir()
    (folder / "local.toml").write_text(USER_PROFILE, "utf-8")
    return folder


def test_sites_list_shows_bundled_and_user_profiles(sites_dir):
    result = invoke("sites", "list", sites_dir=sites_dir)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:5] == ["name", "source", "via", "start_urls", "keywords"]
    assert any(line.split()[:2] == ["demo-shop", "bundled"] for line in lines)
    assert any(line.split()[:5] == ["local-masks", "user", "auto", "0", "2"] for line in lines)


def test_sites_list_json(sites_dir):
    result = invoke("sites", "list", "--json", sites_dir=sites_dir)
    rows = {row["name"]: row for row in map(json.loads, result.output.splitlines())}
    assert rows["local-masks"]["source"] == "user" and rows["example-etsy"]["example"] is True


def test_sites_list_names_a_bad_file_and_still_lists_the_rest(sites_dir):
    (sites_dir / "bad.toml").write_text("via = 'telnet'\nbase_url = 'http://a.example'", "utf-8")
    result = invoke("sites", "list", sites_dir=sites_dir)
    assert result.exit_code == 2
    assert "local-masks" in result.stdout
    assert result.stderr.strip() == (
        f"maskscreen: error: {sites_dir / 'bad.toml'}: via: "
        "one of auto, html, shopify, woocommerce, sitemap, not 'telnet'"
    )


def test_sites_show_prints_the_resolved_profile_as_toml(sites_dir):
    result = invoke("sites", "show", "local-masks", sites_dir=sites_dir)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# user profile: {sites_dir / 'local.toml'}")
    assert "# start pages (2): http://127.0.0.1:1/search?q=silicone+mask" in result.output
    shown = tomllib.loads(result.output)
    assert shown["search_url"] == "http://127.0.0.1:1/search?q={keyword}"
    assert shown["keywords"] == ["silicone mask", "硅胶"] and shown["links"] == {"product": ["/p/"]}


def test_sites_show_json_and_unknown_name(sites_dir):
    shown = json.loads(invoke("sites", "show", "demo-shop", "--json").output)
    assert shown["source"] == "bundled" and shown["via"] == "html"
    assert len(shown["crawl_urls"]) == len(shown["keywords"])
    result = invoke("sites", "show", "nope", sites_dir=sites_dir)
    assert result.exit_code == 2 and "no site profile 'nope'" in result.output


def test_sites_validate(tmp_path, sites_dir):
    result = invoke("sites", "validate", str(sites_dir / "local.toml"))
    assert (result.exit_code, result.output) == (0, "ok local-masks\n")
    bad = tmp_path / "bad.toml"
    bad.write_text("base_url = 'http://a.example'\n[links]\nproduct = ['(']", "utf-8")
    result = invoke("sites", "validate", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"maskscreen: error: {bad}: links.product[0]: bad regex")
    assert result.stderr.count("\n") == 1


# -- crawls, in a subprocess -------------------------------------------------------------


def stored(url: str) -> list[tuple[str, str | None, Decimal | None, str | None]]:
    """(url, source_format, price, currency) of every listing's current version."""
    engine = open_database(url)
    with Session(engine) as session:
        rows = session.execute(
            select(
                Listing.url,
                ListingVersion.source_format,
                ListingVersion.price,
                ListingVersion.currency,
            ).join(ListingVersion, Listing.current_version_id == ListingVersion.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


@pytest.mark.slow
def test_crawl_a_user_profile_by_name(tmp_path, sites_dir):
    db = f"sqlite:///{tmp_path / 'p.sqlite'}"
    with DemoShop() as shop:
        base = shop.base_url
        profile = USER_PROFILE.replace("http://127.0.0.1:1", base)
        (sites_dir / "local.toml").write_text(profile, "utf-8")
        result = run_cli(
            "crawl", "local-masks", "--db", db, env={"MASKSCREEN_SITES_DIR": str(sites_dir)}
        )
    assert result.returncode == 0, result.stderr
    assert "crawling via html (detected)" in result.stderr  # via = auto: probed
    rows = stored(db)
    assert rows and {url.split("/p/")[0] for url, *_ in rows} == {base}
    assert {fmt for _, fmt, _, _ in rows} == {"jsonld"}


@pytest.mark.slow
def test_crawl_detects_shopify_and_stores_its_listings(tmp_path):
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    with PlatformShop("shopify") as shop:
        result = run_cli("crawl", shop.base_url, "--db", db, "--currency", "usd")
    assert result.returncode == 0, result.stderr
    assert "crawling via shopify (detected)" in result.stderr
    rows = stored(db)
    usd = [p for p in load_products() if p["currency"] == "USD"]
    assert Counter(fmt for _, fmt, _, _ in rows) == {"shopify": len(usd)}
    assert {url.rsplit("/", 1)[1]: (price, currency) for url, _, price, currency in rows} == {
        p["slug"]: (Decimal(p["price"]), "USD") for p in usd
    }


def test_crawl_base_url_needs_a_profile(tmp_path):
    result = invoke(
        "crawl",
        "https://shop.example/",
        "--base-url",
        "http://127.0.0.1:1",
        "--db",
        f"sqlite:///{tmp_path / 'x.sqlite'}",
    )
    assert result.exit_code == 2 and "--base-url moves a site profile" in result.output


def test_crawl_refuses_a_bad_currency(tmp_path):
    result = invoke("crawl", "https://shop.example/", "--currency", "dollars")
    assert result.exit_code == 2 and "ISO 4217" in result.output
