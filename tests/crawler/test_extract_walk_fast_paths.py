"""The heuristic walk's fast paths give what the plain readings give.

- `heuristic_walk.walk` reads an element for a price (`price_of`) only when its
  id/class names a price or its own text holds a digit: every other element's
  `price_of` is None;
- `cues.folded_search`: a case-insensitive pattern searched on ASCII text lower-cased
  answers as the pattern itself;
- `heuristic_parts.attributes` builds the string the lookup-by-name version built;
- `cues.is_buy_label` (cached for short labels) answers as the uncached test;
- `walk(..., sellers=False)` (what `read_page(stated_only=True)` walks) reads the same
  page but for the seller labels.

Every saved page is read (the real pages of all manifests, the marketplace pages, the
written test pages); the report round's pages are compared for equality only and a
difference names the page, never a value.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml.html import HtmlElement, fromstring
from parsel import Selector

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.heuristic_parts import attributes, price_of
from maskscreen.crawler.extract.heuristic_walk import _DIGIT_RE, walk

HERE = Path(__file__).parent
REAL = HERE / "real_pages"
MARKET = HERE / "marketplace_pages"
WRITTEN = HERE / "pages"


def _pages() -> list[tuple[str, Path]]:
    pages = []
    for manifest in sorted(REAL.glob("manifest-*.jsonl")):
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line.strip():
                name = json.loads(line)["file"]
                pages.append((name, REAL / name))
    for line in (MARKET / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            name = json.loads(line)["file"]
            pages.append((name, MARKET / name))
    pages += [(path.name, path) for path in sorted(WRITTEN.glob("*.html"))]
    return pages


PAGES = _pages()


@pytest.fixture(scope="module")
def roots() -> list[tuple[str, HtmlElement]]:
    return [
        (name, Selector(text=path.read_bytes().decode("utf-8", "replace")).root)
        for name, path in PAGES
    ]


def _plain_attributes(el: HtmlElement) -> str:
    """`attributes` as it was: each named attribute looked up, then the data-* ones."""
    parts = [el.get("id") or "", el.get("class") or "", el.get("itemprop") or ""]
    for name, value in el.attrib.items():
        if name.startswith("data-"):
            parts.append(name)
            if len(value) <= 40:
                parts.append(value)
    return " ".join(parts)


_EDGE_PAGE = """<html><body><main>
<div id="a" class="Price-Box" itemprop="offers" data-x="1" data-long="%s">x</div>
<div data-only="" class="">7</div><div data-a="b" id="i">€ 12,99</div>
<span class="PRICE">no digit</span><b class="old-price">12</b><p>12,99 zł</p>
<i>nothing</i><div class="ſale ıtem Kost">99 €</div><em>٣٤ €</em><u> </u>
<select class="amount"><option>1</option></select><input value="12 €">
</main></body></html>""" % ("v" * 41)


def test_attributes_match_the_lookups(roots):
    edge = fromstring(_EDGE_PAGE)
    for name, root in [*roots, ("edge", edge)]:
        for el in root.iter():
            if isinstance(el.tag, str):
                assert attributes(el) == _plain_attributes(el), name


def test_price_of_reads_only_elements_the_walk_reads(roots):
    """An element without a price-naming id/class and without a digit in its own text
    prints no price of its own (its tail is read apart, for its parent)."""
    edge = fromstring(_EDGE_PAGE)
    checked = 0
    for name, root in [*roots, ("edge", edge)]:
        for index, el in enumerate(root.iter()):
            if not isinstance(el.tag, str):
                continue
            attrs = attributes(el) if el.attrib else ""
            if (attrs and cues.is_price_attr(attrs)) or (el.text and _DIGIT_RE.search(el.text)):
                continue
            checked += 1
            for language, domain in ((None, None), ("ja", "shop.jp")):
                assert price_of(el, attrs, index, language, domain) is None, name
    assert checked > 10_000


_TEXTS = (
    "",
    "Price",
    "PRICE-box",
    "product-price__sale",
    "ſale",  # long s: matches "s" case-insensitively, not ASCII
    "K-stock",  # Kelvin sign
    "İnStock ıtem",
    "wasPrice",
    "Was-Price old_price",
    "XWAS",
    "hidden md:block",
    "HIDDEN",
    "d-none D-LG-FLEX",
    "modal SHOW",
    "Modal fade",
    "btn-Primary",
    "Add-To-Cart",
    "sold_by seller-name",
    "Related-Products",
    "Preis Ünd Stock",
    "availability",
    "\u00a0price\u00a0",
)
_FOLDED = (
    "AVAILABILITY_ATTR_RE",
    "_HIDDEN_CLASS_RE",
    "_CLOSED_MODAL_RE",
    "_OPEN_MODAL_RE",
    "_SHOWN_AGAIN_RE",
    "_PRICE_ATTR_RE",
    "_WAS_ATTR_RE",
    "_NOW_ATTR_RE",
    "_CONTROL_ATTR_RE",
    "_BUY_ATTR_RE",
    "SELLER_ATTR_RE",
    "_ELSEWHERE_ATTR_RE",
    "_BUY_TEXT_RE",
    "_NOT_BUY_TEXT_RE",
)


@pytest.mark.parametrize("name", _FOLDED)
def test_folded_search_answers_as_the_pattern(name, roots):
    pattern = getattr(cues, name)
    search = cues.folded_search(pattern)
    texts = list(_TEXTS)
    for _page, root in roots[::5]:
        texts += [attributes(el) for el in root.iter() if isinstance(el.tag, str) and el.attrib]
    for text in texts:
        assert search(text) == bool(pattern.search(text)), text


def test_folded_search_leaves_other_patterns_as_they_are():
    # "ı" matches "i" case-insensitively: a non-ASCII pattern is searched as it is.
    pattern = re.compile("satıcı", re.IGNORECASE)
    assert cues.folded_search(pattern)("SATICI") is True
    # An upper-case class escape would change meaning if lower-cased.
    pattern = re.compile(r"a\S", re.IGNORECASE)
    assert cues.folded_search(pattern)("A ") is False
    assert cues.folded_search(re.compile("price"))("PRICE") is False  # case-sensitive


def test_buy_label_cache_answers_as_the_test(roots):
    labels = ["Add to Cart", "ADD TO CART", "Buy now, pay later", " Kaufen! ", "x" * 300]
    labels += ["Add to cart " + "y" * 250, "Buy"]
    for label in labels:
        assert cues.is_buy_label(label) == cues._is_buy_label(label), label


def test_walk_without_sellers_reads_the_rest_alike(roots):
    def reading(page):
        return (
            page.h1,
            page.headings,
            page.meta,
            page.title_tag,
            [(p.index, p.text, p.amount, p.currency, p.was, p.card, p.now) for p in page.prices],
            page.buttons,
            page.stock,
            len(page.elements),
        )

    for name, root in roots:
        full = walk(root, None, "shop.example")
        lean = walk(root, None, "shop.example", sellers=False)
        assert lean.sellers == [], name
        assert reading(lean) == reading(full), name
