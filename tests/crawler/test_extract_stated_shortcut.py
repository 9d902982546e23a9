"""The shortcut of the visible page's stock reading gives what the full walk gives.

When structured data completes a listing, `crawler.extract.page` reads the visible
page only for the availability it states in words (`heuristic.stated_availability`).
The shortcut skips the walk of a page that holds no stock word anywhere
(`stock_cues.may_state_availability`) and stops reading once that availability is
known; `heuristic.SHORTCUT = False` makes it walk the whole page as before. On every
saved page (all real-page manifests, the marketplace pages, the written test pages),
both give the same listing, field for field, and the same stated availability.

The report round's pages (manifest 11) are compared too, but their values are never
printed: a difference fails with the page's name only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import fields, heuristic, stock_cues
from maskscreen.crawler.extract.page import NotAListing, extract_listing
from maskscreen.crawler.extract.stock_cues import may_state_availability
from maskscreen.crawler.profiles import scan_profiles

HERE = Path(__file__).parent
REAL = HERE / "real_pages"
MARKET = HERE / "marketplace_pages"
WRITTEN = HERE / "pages"


def _rows() -> list[tuple[str, Path, str, str, str | None]]:
    """(name, file, url, site, profile name) for every saved page."""
    rows = []
    for manifest in sorted(REAL.glob("manifest-*.jsonl")):
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                url = row["url"] or f"https://{row['site']}/"
                rows.append((row["file"], REAL / row["file"], url, row["site"], None))
    for line in (MARKET / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            path = MARKET / row["file"]
            rows.append((row["file"], path, row["url"], row["site"], row.get("profile")))
    for path in sorted(WRITTEN.glob("*.html")):
        rows.append((path.name, path, f"https://shop.example/p/{path.stem}", "shop.example", None))
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def profiles():
    found, errors = scan_profiles(None)
    assert errors == []
    return {name: p.selectors for name, p in found.items() if p.source == "bundled"}


def _extract(path: Path, url: str, site: str, profile) -> tuple:
    response = HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8")
    try:
        listing = extract_listing(response, site=site, profile=profile)
    except NotAListing as exc:
        return ("no listing", exc.reason)
    record = listing.to_record()
    record.pop("fetched_at", None)
    return ("listing", record, listing.extraction_confidence)


def _both(monkeypatch, call):
    fast = call()
    monkeypatch.setattr(heuristic, "SHORTCUT", False)
    full = call()
    monkeypatch.setattr(heuristic, "SHORTCUT", True)
    return fast, full


def test_there_are_pages_of_every_kind():
    assert sum(1 for r in ROWS if r[1].is_relative_to(REAL)) >= 200
    assert sum(1 for r in ROWS if r[1].is_relative_to(MARKET)) >= 5
    assert sum(1 for r in ROWS if r[1].is_relative_to(WRITTEN)) >= 20


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_same_listing_with_and_without_the_shortcut(row, profiles, monkeypatch):
    name, path, url, site, profile_name = row
    profile_options = [None] + ([profiles[profile_name]] if profile_name else [])
    for profile in profile_options:
        fast, full = _both(monkeypatch, lambda profile=profile: _extract(path, url, site, profile))
        if fast != full:  # the values are not shown (report pages among them)
            pytest.fail(f"{name}: the shortcut gives another result than the full walk")


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_same_stated_availability_on_every_page(row, monkeypatch):
    """Also on pages whose listing does not ask for it (no structured data)."""
    name, path, url, _site, _profile = row
    selector = HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8").selector
    for limit in (2_500, heuristic.MAX_ELEMENTS):
        fast, full = _both(
            monkeypatch,
            lambda limit=limit: heuristic.stated_availability(selector, url, limit=limit),
        )
        if fast != full:
            pytest.fail(f"{name}: the shortcut states another availability (limit {limit})")


PRODUCT = (
    '<html lang="en"><head><title>Silicone Old Man Mask</title></head><body>'
    '<nav><a href="/">Home</a></nav><main><h1>Silicone Old Man Mask</h1>'
    '<p class="price">$1,299.00</p>{}<p>Hand-punched hair.</p></main>'
    "<footer>© 2024 Shop. All rights reserved. Available in 3 sizes.</footer></body></html>"
)
# Pages whose stock statement is where a naive search of the text would miss it.
STATED = {
    "split label": "<button>Sold <b>o</b>ut</button>",
    "label only exact word": '<button class="btn">Reserved</button>',
    "exact word after a prefix": '<span class="stock-state">Status: <b>available</b></span>',
    "aria label": '<button aria-label="Out of stock"><i></i></button>',
    "data label": '<div class="x-btn" data-button-label="Sold out"></div>',
    "image alt": '<a href="#"><img alt="Sold out" src="x.png"></a><button>Add to cart</button>',
    "input value": '<input type="submit" value="Ausverkauft">',
    "comment by the title": "<!-- Out of stock -->",
    "separators": '<span class="availability">IN_STOCK</span>',
    "script in a stock label": '<span class="stock">In<script>var a="stock";</script></span>',
    "style in a button": "<button>Sold<style>.a{}</style> out</button>",
    "whitespace between words": "<p>Nicht\n\t   lagernd</p>",
}
# Pages with no stock statement the walk reads; the shortcut must not walk them.
UNSTATED = {
    "nothing": "",
    "json-ld": '<script type="application/ld+json">{"availability": "InStock"}</script>',
    "a script elsewhere": "<div><script>var s = 'out of stock'; </script>Text</div>",
}


@pytest.mark.parametrize("block", STATED.values(), ids=list(STATED))
def test_a_stated_availability_is_never_skipped(block, monkeypatch):
    selector = Selector(text=PRODUCT.format(block))
    assert may_state_availability(selector.root)
    url = "https://shop.example/p/mask"
    fast, full = _both(monkeypatch, lambda: heuristic.stated_availability(selector, url))
    assert fast == full


@pytest.mark.parametrize("block", UNSTATED.values(), ids=list(UNSTATED))
def test_a_page_without_stock_words_is_not_walked(block, monkeypatch):
    selector = Selector(text=PRODUCT.format(block))
    assert not may_state_availability(selector.root)
    url = "https://shop.example/p/mask"
    fast, full = _both(monkeypatch, lambda: heuristic.stated_availability(selector, url))
    assert fast is None and full is None


def test_the_full_walk_states_the_availability_of_the_hard_cases(monkeypatch):
    """The cases above test something: the walk does read most of them."""
    monkeypatch.setattr(heuristic, "SHORTCUT", False)
    url = "https://shop.example/p/mask"
    stated = {
        name: heuristic.stated_availability(Selector(text=PRODUCT.format(block)), url)
        for name, block in STATED.items()
    }
    assert sum(value is not None for value in stated.values()) >= len(STATED) // 2


def test_squashing_removes_what_normalize_availability_ignores():
    """str.split's whitespace is the regex's \\s, code point for code point."""
    everything = "".join(map(chr, range(0x110000))).replace("\ud800", "")
    spaces = "".join(c for c in everything if c.isspace())
    regex = "".join(fields._AVAILABILITY_SEPARATORS_RE.findall(everything))
    assert sorted(regex) == sorted(spaces + "_-.!")
    text = "In\u00a0Stock!\u2003- Auf_Lager.\tSOLD\u3000out"
    assert stock_cues._squashed(text) == fields._AVAILABILITY_SEPARATORS_RE.sub("", text.lower())
