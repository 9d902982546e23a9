"""Pages whose only stock words say "made to order" are not walked for a stated availability
when structured data completes the listing.

`crawler.extract.page` reads the visible page of such a listing only for an availability
that overrules the declared one, and "MadeToOrder" (定制, custom-made) overrules none
(`_stated_over_structured`). So it asks `heuristic.stated_availability(...,
made_to_order=False)`, which skips the walk of a page holding no other stock word
(`stock_cues.may_state_availability(..., made_to_order=False)`). On every saved page the
answer is the full walk's, except that "MadeToOrder" may come back as None; and the
listings are compared with and without the shortcut by test_extract_stated_shortcut.py.
"""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract import heuristic
from maskscreen.crawler.extract.page import extract_listing
from maskscreen.crawler.extract.stock_cues import may_state_availability
from tests.crawler.test_extract_made_to_order import product_page
from tests.crawler.test_extract_stated_shortcut import ROWS

URL = "https://shop.example/p/mask"


def _full_walk(monkeypatch, selector: Selector, url: str, limit: int) -> str | None:
    monkeypatch.setattr(heuristic, "SHORTCUT", False)
    try:
        return heuristic.stated_availability(selector, url, limit=limit)
    finally:
        monkeypatch.setattr(heuristic, "SHORTCUT", True)


@pytest.mark.parametrize("row", ROWS, ids=[r[0] for r in ROWS])
def test_the_walk_skipped_only_where_it_states_made_to_order_or_nothing(row, monkeypatch):
    name, path, url, _site, _profile = row
    selector = HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8").selector
    if may_state_availability(selector.root, made_to_order=False):
        assert may_state_availability(selector.root)  # a narrower check than the full one
    for limit in (2_500, heuristic.MAX_ELEMENTS):
        fast = heuristic.stated_availability(selector, url, limit=limit, made_to_order=False)
        full = _full_walk(monkeypatch, selector, url, limit)
        if fast != full and not (fast is None and full == "MadeToOrder"):
            pytest.fail(f"{name}: the shortcut states another availability (limit {limit})")


PAGE = (
    '<html lang="zh-CN"><head><title>硅胶面具</title></head><body><main><h1>硅胶面具</h1>'
    "<p class='price'>￥1,299.00</p>{}</main></body></html>"
)


@pytest.mark.parametrize(
    "block",
    [
        "<span class='stock'>可定制</span>",
        "<button>定做</button>",
        "<div class='availability'>Made to order</div>",
    ],
)
def test_a_made_to_order_word_alone_is_not_walked_for(block, monkeypatch):
    selector = Selector(text=PAGE.format(block))
    assert may_state_availability(selector.root)
    assert not may_state_availability(selector.root, made_to_order=False)
    assert heuristic.stated_availability(selector, URL, made_to_order=False) is None
    assert _full_walk(monkeypatch, selector, URL, heuristic.MAX_ELEMENTS) == "MadeToOrder"


@pytest.mark.parametrize(
    "block",
    [
        "<span class='stock'>可定制</span><span class='stock'>缺货</span>",
        "<button>定做</button><p class='availability'>Sold out</p>",
        "<p>Made to order</p><button>Add to cart</button><p>In stock</p>",
    ],
)
def test_a_page_with_another_stock_word_beside_it_is_still_walked(block, monkeypatch):
    selector = Selector(text=PAGE.format(block))
    assert may_state_availability(selector.root, made_to_order=False)
    fast = heuristic.stated_availability(selector, URL, made_to_order=False)
    assert fast == _full_walk(monkeypatch, selector, URL, heuristic.MAX_ELEMENTS)
    assert fast is not None


@pytest.mark.parametrize("declared", ["InStock", "OutOfStock"])
def test_the_listing_keeps_its_declared_stock_either_way(declared, monkeypatch):
    page = product_page("照片定制抱枕", declared, "<p class='stock'>可定制</p>")
    fast = extract_listing(page, "s")
    monkeypatch.setattr(heuristic, "SHORTCUT", False)
    full = extract_listing(page, "s")
    assert fast.availability == full.availability == declared
