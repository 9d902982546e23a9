"""The bundled marketplace profiles on real saved marketplace pages.

The pages and the values a shopper reads on them are listed in
tests/crawler/real_pages/manifest-5.jsonl (see the README there: the values were
written by reading the pages, never by running the extractor). Each page is read
twice, as a crawl reads it:

- with the profile's own [extract] selectors alone (`profile_fields`, then the price
  text through `parse_price`): this is what verifies the selectors;
- with `extract_listing(..., profile=)`, where structured data on the page still wins
  over the selectors. Where the whole extraction disagrees with the page for a reason
  outside the profile, the disagreement is written down in `EXTRACTOR_DIVERGES` with the
  value the extractor gives, and asserted as such: when the extractor changes, the
  test says so and the entry goes.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import NotAListing, extract_listing, parse_page
from maskscreen.crawler.extract.prices import parse_price
from maskscreen.crawler.extract.selectors import profile_fields
from maskscreen.crawler.profiles import SiteProfile, scan_profiles

ROOT = Path(__file__).parent / "real_pages"
MANIFEST = ROOT / "manifest-5.jsonl"
FIELDS = ("title", "price", "currency", "availability")

# (saved page, field): what extract_listing gives instead of what the page shows, and why.
EXTRACTOR_DIVERGES = {
    # The schema.org microdata name is the whole <h1 itemprop=name>, including the
    # visually hidden <span class="g-hdn">Details about</span>; microdata wins over
    # the profile's #itemTitle::text, which reads the title alone.
    ("pages/ebay.com__shiatsu-massage-chair-06c.html", "title"): (
        "Details about Electric Full Body Shiatsu Massage Chair Recliner w/Heat Stretched "
        "Foot Rest 06C"
    ),
}


def manifest_rows() -> list[dict]:
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


ALL_ROWS = manifest_rows()
ROWS = [row for row in ALL_ROWS if row["product"]]
IDS = [row["file"] for row in ROWS]


@pytest.fixture(scope="module")
def marketplace_profiles() -> list[SiteProfile]:
    found, errors = scan_profiles(None)
    assert errors == []
    return [p for p in found.values() if p.source == "bundled" and not p.example]


# Saved pages from another store of a marketplace whose profile names one store: the
# profile's header says the stores share the markup.
STORE_OF = {"amazon.in": "amazon"}


def profile_for(site: str, profiles: list[SiteProfile]) -> SiteProfile:
    """The one bundled, non-example profile whose host is `site` or a host under it."""
    if site in STORE_OF:
        return next(p for p in profiles if p.name == STORE_OF[site])
    matching = [
        p
        for p in profiles
        if (host := urlsplit(p.root_url).hostname or "") == site or host.endswith("." + site)
    ]
    assert len(matching) == 1, (site, [p.name for p in matching])
    return matching[0]


def same_title(a: str | None, b: str | None) -> bool:
    """Equal ignoring case and runs of whitespace (the manifest's title rule)."""
    return (a is not None and b is not None) and a.casefold().split() == b.casefold().split()


def response_for(row: dict) -> HtmlResponse:
    return HtmlResponse(url=row["url"], body=(ROOT / row["file"]).read_bytes(), encoding="utf-8")


def test_manifest_has_marketplace_pages(marketplace_profiles):
    assert len(ROWS) >= 3
    names = {profile_for(row["site"], marketplace_profiles).name for row in ROWS}
    assert {"amazon", "ebay", "etsy"} <= names


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_profile_selectors_read_the_saved_page(row, marketplace_profiles):
    profile = profile_for(row["site"], marketplace_profiles)
    response = response_for(row)
    fields, matched = profile_fields(parse_page(response.text), profile.selectors)
    assert matched and fields, profile.name
    expected = row["expected"]

    assert same_title(fields.get("title"), expected["title"]), fields.get("title")
    price, currency = parse_price(
        fields.get("price"),
        currency_hint=fields.get("currency") or profile.currency,
        language=fields.get("language"),
        domain=urlsplit(row["url"]).hostname,
    )
    assert price == Decimal(expected["price"]), fields.get("price")
    assert currency == expected["currency"], fields.get("price")
    assert fields.get("availability") == expected["availability"]


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_extraction_with_the_profile_matches_the_page(row, marketplace_profiles):
    profile = profile_for(row["site"], marketplace_profiles)
    listing = extract_listing(response_for(row), site=row["site"], profile=profile.selectors)
    expected = row["expected"]
    got = {
        "title": listing.title,
        "price": listing.price,
        "currency": listing.currency,
        "availability": listing.availability,
    }
    for field in FIELDS:
        key = (row["file"], field)
        if key in EXTRACTOR_DIVERGES:
            assert got[field] == EXTRACTOR_DIVERGES[key], (
                f"{key}: the extractor now gives {got[field]!r}; if that is the page's "
                f"{expected[field]!r}, remove the entry from EXTRACTOR_DIVERGES"
            )
        elif field == "title":
            assert same_title(got["title"], expected["title"]), got["title"]
        elif field == "price":
            assert got["price"] == Decimal(expected["price"])
        else:
            assert got[field] == expected[field], field


def test_divergences_name_saved_pages_and_fields():
    files = {row["file"] for row in ROWS}
    for page, field in EXTRACTOR_DIVERGES:
        assert page in files and field in FIELDS, (page, field)


AMAZON_IN = "pages/amazon.in__dubstep-pop-1400-speaker.html"


def test_amazon_price_fallback_skips_the_struck_mrp(marketplace_profiles):
    """Without #corePrice_feature_div, the desktop price block still gives the price to pay.

    On the saved 2026 amazon.in page the price-to-pay .a-offscreen span of
    #corePriceDisplay_desktop_feature_div is blank, so ".a-price .a-offscreen" there
    reads the struck M.R.P. (Rs 6,999); the profile reads the accessibility label first.
    """
    profile = profile_for("amazon.in", marketplace_profiles)
    html = (ROOT / AMAZON_IN).read_text(encoding="utf-8")
    start = html.index("<!-- #corePrice_feature_div -->")
    end = html.index("<!-- #apex_desktop -->")
    fields, _ = profile_fields(parse_page(html[:start] + html[end:]), profile.selectors)
    assert parse_price(fields["price"])[0] == Decimal("649.00"), fields["price"]


def test_amazon_brand_and_asin_on_the_saved_page(marketplace_profiles):
    profile = profile_for("amazon.in", marketplace_profiles)
    fields, _ = profile_fields(
        parse_page((ROOT / AMAZON_IN).read_text(encoding="utf-8")), profile.selectors
    )
    assert fields["brand"] == "Dubstep"
    assert fields["external_id"] == "B0FHHQQNZY"


AMAZON_IN_SEARCH = "pages/amazon.in__search-bluetooth-speaker.html"


def _search_row() -> dict:
    return next(row for row in ALL_ROWS if row["file"] == AMAZON_IN_SEARCH)


def test_amazon_search_page_gives_no_listing(marketplace_profiles):
    """The saved 2026 amazon.in search results: no #productTitle, so no listing, even
    though the profile's last price fallback (.a-price .a-offscreen) finds a price."""
    row = _search_row()
    assert row["product"] is False
    profile = profile_for(row["site"], marketplace_profiles)
    with pytest.raises(NotAListing):
        extract_listing(response_for(row), site=row["site"], profile=profile.selectors)


def test_amazon_link_rules_on_the_saved_search_page(marketplace_profiles):
    """The result links are followed as products; the sponsored results' /sspa/click
    redirects are denied, so a product shown only as an ad is not reached from here."""
    row = _search_row()
    profile = profile_for(row["site"], marketplace_profiles)
    page = parse_page((ROOT / row["file"]).read_text(encoding="utf-8"))
    links = {urljoin(row["url"], href) for href in page.css("a::attr(href)").getall()}

    def matches(patterns, url):
        return any(re.search(p, url) for p in patterns)

    followed = {
        url
        for url in links
        if matches(profile.product_links, url) and not matches(profile.deny_links, url)
    }
    asins = {re.search(r"/dp/([A-Z0-9]{10})", url).group(1) for url in followed}
    assert asins == {"B0FHHQQNZY", "B0GSF8FB2X", "B0FJY8R169", "B0DT7FT7BC", "B0DJ3FFC8R"}
    sponsored = {url for url in links if "/sspa/click" in url}
    assert sponsored and all(matches(profile.deny_links, url) for url in sponsored)
