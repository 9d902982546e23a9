"""Site profiles: loading, every kind of malformed file, the user folder, settings."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from maskscreen.crawler.profiles import (
    ProfileError,
    bundled_files,
    find_profile,
    load_profile,
    scan_profiles,
)

GOOD = """
name = "my-shop"
description = "A shop"
base_url = "https://shop.example/"
via = "html"
start_urls = ["/c/masks", "https://shop.example/new"]
search_url = "/search?q={keyword}"
keywords = ["realistic silicone mask", "硅胶面具", "真人头套"]
sitemap_urls = ["/sitemap.xml"]
currency = "CNY"
max_pages = 50

[links]
product = ['/item/\\d+']
pagination = ['[?&]page=\\d+']
deny = ['/cart']

[extract]
title = "css:h1::text"
price = ["css:.price .sale::text", "xpath://span[@class='price']/text()"]
currency = "CNY"

[rate]
download_delay = 2
concurrency = 4
"""


def write(tmp_path: Path, text: str, name: str = "shop.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_good_profile_loads_every_field(tmp_path):
    profile = load_profile(write(tmp_path, GOOD))
    assert profile.name == "my-shop" and profile.via == "html" and profile.currency == "CNY"
    assert profile.base_url == "https://shop.example"
    assert profile.start_urls == ("https://shop.example/c/masks", "https://shop.example/new")
    assert profile.sitemap_urls == ("https://shop.example/sitemap.xml",)
    assert profile.product_links == (r"/item/\d+",) and profile.deny_links == ("/cart",)
    assert profile.selectors["price"][1] == "xpath://span[@class='price']/text()"
    assert (profile.download_delay, profile.concurrency, profile.max_pages) == (2.0, 4, 50)
    assert profile.root_url == "https://shop.example/"


def test_crawl_urls_are_start_urls_then_one_search_per_keyword(tmp_path):
    urls = load_profile(write(tmp_path, GOOD)).crawl_urls()
    assert urls == [
        "https://shop.example/c/masks",
        "https://shop.example/new",
        "https://shop.example/search?q=realistic+silicone+mask",
        "https://shop.example/search?q=%E7%A1%85%E8%83%B6%E9%9D%A2%E5%85%B7",
        "https://shop.example/search?q=%E7%9C%9F%E4%BA%BA%E5%A4%B4%E5%A5%97",
    ]


def test_name_defaults_to_the_file_name(tmp_path):
    profile = load_profile(write(tmp_path, 'base_url = "http://a.example"', "a-shop.toml"))
    assert profile.name == "a-shop" and profile.via == "auto"
    assert profile.crawl_urls() == ["http://a.example/"]


BASE = 'base_url = "https://shop.example"\n'


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        ("name = 'x'\nbase_url = ", "toml", "Invalid value"),
        (BASE + "bogus = 1", "bogus", "unknown key"),
        (BASE + "name = 'My Shop'", "name", "lower-case"),
        (BASE + "name = 3", "name", "expected a string, not an integer"),
        (BASE + "max_pages = '10'", "max_pages", "expected an integer, not a string"),
        (BASE + "max_pages = true", "max_pages", "expected an integer, not true or false"),
        (BASE + "max_pages = 0", "max_pages", "at least 1"),
        (BASE + "via = 'ftp'", "via", "one of auto, html"),
        (BASE + "currency = 'usd'", "currency", "ISO 4217"),
        ('base_url = "ftp://shop.example"', "base_url", "not an http(s) URL"),
        ('start_urls = ["javascript:alert(1)"]', "start_urls[0]", "not an http(s) URL"),
        ('start_urls = "https://shop.example"', "start_urls", "expected a list, not a string"),
        ('start_urls = ["https://a.example", 3]', "start_urls[1]", "expected a string"),
        ("start_urls = ['/relative/without/base']", "start_urls[0]", "not an http(s) URL"),
        (BASE + "search_url = '/search?q=mask'\nkeywords = ['a']", "search_url", "{keyword}"),
        (
            BASE + "search_url = '/s?q={keyword}&c={cat}'\nkeywords = ['a']",
            "search_url",
            "{keyword}",
        ),
        (BASE + "search_url = '/s?q={keyword}'", "keywords", "at least one keyword"),
        (BASE + "keywords = ['mask']", "keywords", "need a search_url"),
        (
            BASE + "keywords = ['']\nsearch_url = '/s?q={keyword}'",
            "keywords[0]",
            "must not be empty",
        ),
        ("name = 'x'", "start_urls", "give base_url, start_urls"),
        (BASE + "[links]\nproduct = ['/item/(']", "links.product[0]", "bad regex"),
        (BASE + "[links]\nfollow = ['/x']", "links.follow", "unknown key"),
        (BASE + "links = ['/x']", "links", "expected a table"),
        (BASE + "[rate]\nconcurrency = 0", "rate.concurrency", "between 1 and 64"),
        (
            BASE + "[rate]\ndownload_delay = '1'",
            "rate.download_delay",
            "expected an integer or a number",
        ),
        (BASE + "[rate]\nburst = 3", "rate.burst", "unknown key"),
        (BASE + "[extract]\ntitle = 'h1::text'", "extract.title", "must start with css: or xpath:"),
        (BASE + "[extract]\ntitle = 'css:h1[['", "extract.title", "invalid css selector"),
        (BASE + "[extract]\nprice = 'xpath://span['", "extract.price", "invalid xpath selector"),
        (BASE + "[extract]\ncolour = 'css:b'", "extract.colour", "unknown field"),
        (BASE + "obey_robots = false", "obey_robots", "needs a robots_override_reason"),
        (
            BASE + "obey_robots = false\nrobots_override_reason = ''",
            "robots_override_reason",
            "must not be empty",
        ),
    ],
)
def test_malformed_profile_is_refused_with_file_field_and_reason(tmp_path, text, field, reason):
    path = write(tmp_path, text)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert caught.value.field == field
    assert message.startswith(f"{path}: {field}: ") and reason in message
    assert "\n" not in message


@pytest.mark.parametrize(("content", "reason"), [(None, "No such file"), (b"\xff\xfe x", "UTF-8")])
def test_unreadable_file_is_refused(tmp_path, content, reason):
    path = tmp_path / "shop.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ProfileError, match=reason):
        load_profile(path)


def test_robots_override_is_explicit_and_logged(tmp_path, caplog):
    text = BASE + "obey_robots = false\nrobots_override_reason = 'our own shop, by agreement'"
    profile = load_profile(write(tmp_path, text))
    with caplog.at_level(logging.WARNING, logger="maskscreen.crawler.profiles"):
        settings = profile.scrapy_settings()
    assert settings == {"ROBOTSTXT_OBEY": False}
    assert "robots.txt NOT obeyed (our own shop, by agreement)" in caplog.text


def test_rate_limits_become_scrapy_settings(tmp_path):
    settings = load_profile(write(tmp_path, GOOD)).scrapy_settings()
    assert settings["DOWNLOAD_DELAY"] == 2.0 and settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 4
    assert "ROBOTSTXT_OBEY" not in settings


def test_with_base_url_moves_the_profile_s_own_urls(tmp_path):
    moved = load_profile(write(tmp_path, GOOD)).with_base_url("http://127.0.0.1:9000")
    assert moved.crawl_urls()[0] == "http://127.0.0.1:9000/c/masks"
    assert moved.crawl_urls()[-1].startswith("http://127.0.0.1:9000/search?q=")
    assert moved.sitemap_urls == ("http://127.0.0.1:9000/sitemap.xml",)
    with pytest.raises(ProfileError, match="--base-url"):
        moved.with_base_url("not a url")


def test_bundled_profiles_load_and_examples_are_marked():
    profiles, errors = scan_profiles(None)
    assert errors == []
    assert len(profiles) == len(bundled_files()) >= 3
    demo = profiles["demo-shop"]
    assert demo.source == "bundled" and not demo.example
    assert {"硅胶面具", "真人头套", "realistic silicone mask"} <= set(demo.keywords)
    examples = [p for p in profiles.values() if p.name.startswith("example-")]
    assert examples and all(p.example and "EXAMPLE" in p.description for p in examples)


def test_user_profiles_replace_bundled_ones_and_bad_files_are_reported(tmp_path):
    write(tmp_path, 'name = "demo-shop"\nbase_url = "http://127.0.0.1:1"', "demo.toml")
    write(tmp_path, 'base_url = "http://b.example"', "b-shop.toml")
    write(tmp_path, 'base_url = "http://b.example"\nname = "b-shop"', "b-again.toml")
    write(tmp_path, "via = 'nope'\n" + BASE, "broken.toml")
    profiles, errors = scan_profiles(tmp_path)
    assert profiles["demo-shop"].source == "user"
    assert profiles["demo-shop"].base_url == "http://127.0.0.1:1"
    assert profiles["b-shop"].path.endswith("b-again.toml")  # sorted: b-again first
    assert sorted((Path(e.path).name, e.field) for e in errors) == [
        ("b-shop.toml", "name"),
        ("broken.toml", "via"),
    ]
    assert find_profile("b-shop", tmp_path).source == "user"
    assert find_profile("no-such", tmp_path) is None
    with pytest.raises(ProfileError, match="broken.toml: via"):
        find_profile("broken", tmp_path)
