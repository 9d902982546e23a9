"""The extraction's cheap pre-checks give what the plain searches give.

`markup.detect_syntaxes` searches an ASCII copy of the page before (rarely) the
lower-cased page; `markup.detect_syntaxes_plain` is the plain search. The stock-count
search of `stock_cues.may_state_availability` is skipped when none of `_COUNT_WORDS`
occurs. `page._lists_offers` walks the page only when `stock_cues.has_price_candidates`
finds room for `REPEATED` prices.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from parsel import Selector

from maskscreen.crawler.extract import stock_cues
from maskscreen.crawler.extract.heuristic_walk import REPEATED, walk
from maskscreen.crawler.extract.markup import detect_syntaxes, detect_syntaxes_plain
from maskscreen.crawler.extract.page import _lists_offers

PAGES = Path(__file__).parent / "pages"

_PAGES = [
    "",
    "<html><body><p>nothing here</p></body></html>",
    '<script type="application/ld+json">{}</script>',
    '<SCRIPT TYPE="APPLICATION/LD+JSON">{}</SCRIPT>',
    '<div ItemScope ITEMTYPE="https://schema.org/Product">',
    '<div typeof="Product">',
    '<div TypeOf \t\n = "Product">',
    '<div vocab\u00a0="https://schema.org/">',  # whitespace outside ASCII: \s in str
    '<div typeof\u3000\u2003="Product">',
    '<div typeof\x1c="Product">',  # \s for str, not for bytes
    '<div typeof?="Product">',  # a literal "?" is no whitespace
    '<div typeof\u00e9="Product">',  # a letter outside ASCII is none either
    '<meta property="og:title" content="x">',
    "<meta PROPERTY = 'OG:title' content='x'>",
    '<meta property\u00a0=\u00a0"product:price:amount" content="1">',
    '<meta property\u00a0=\u00e9"og:title">',
    '<meta property="og\u0130:title">',
    "<div \u0130temscope>",  # U+0130 lower-cases to "i" and a combining dot
    "<div \u212atemscope itemscope>",  # the Kelvin sign lower-cases to "k"
    "<p>日本語のページ</p><div itemtype='x'>",
    "<p>Ünïcödé</p><script type='application/ld+json'>{}</script><div vocab\u2028=''>",
    '<div typeof?="x" typeof="y">',  # a "?" match before a plain one
    '<div typeof\u00a0="x">' * 3 + '<meta property = "og:x">',
]


@pytest.mark.parametrize("page", _PAGES)
def test_detect_syntaxes_as_plain(page):
    assert detect_syntaxes(page) == detect_syntaxes_plain(page)


def test_detect_syntaxes_reads_non_ascii_whitespace():
    # Found only through the fallback on the lower-cased page: a case that could fail.
    assert detect_syntaxes('<div vocab\u00a0="https://schema.org/">') == ["rdfa"]
    assert detect_syntaxes('<div typeof\u00e9="Product">') == []


def _count_keywords() -> list[str]:
    """The words of `_COUNT`'s alternatives that every match of it holds one of."""
    groups = re.findall(r"\(\?:([^()]*)\)", stock_cues._COUNT.pattern)
    words = [w for group in groups for w in group.split("|")]
    return [w for w in words if w.isalpha() and w not in ("数",) and len(w) > 1]


def test_count_words_cover_every_count_keyword():
    keywords = _count_keywords()
    assert "available" in keywords and "còn" in keywords
    for keyword in keywords:
        units = ("pieces", "pcs", "items", "units", "stück", "stk", "stuks", "sảnphẩm")
        if keyword in units or keyword in ("件", "点", "個", "개"):
            continue  # a unit, always followed by one of the keywords
        assert any(word in keyword for word in stock_cues._COUNT_WORDS), keyword


@pytest.mark.parametrize(
    "squashed",
    [
        "12piecesavailable",
        "3instock",
        "instock:4",
        "在庫数：1",
        "còn5sảnphẩm",
        "5cósẵn",
        "vorrätig7",
        "opvoorraad2",
        "auflager9",
        "2leftinstock",
        "库存8",
        "nothingavailablehere",
        "price12.99",
    ],
)
def test_count_precheck_never_hides_a_match(squashed):
    precheck = any(word in squashed for word in stock_cues._COUNT_WORDS)
    assert precheck or not stock_cues._COUNT.search(squashed)
    if stock_cues._COUNT.search(squashed):
        assert precheck


# The demo shop's product page: digits in names ("3D", "16pcs", "Set of 3") and one
# printed price.
_DEMO_LIKE = (
    "<html><body><main><h1>Sheet Masks - 16pcs</h1><p class='price'>$12.49</p><ul>"
    "<li><a href='/p/1'>Kids Backpack 3D</a></li><li><a href='/p/2'>Planter Set of 3</a>"
    "</li><li><a href='/p/3'>Mask &lt;3 Half Face</a></li></ul></main></body></html>"
)

_PRICED_PAGES = [
    "<html><body><p>no price</p></body></html>",
    "<html><body><p class='price'>$12.99</p><p>99% light</p></body></html>",
    "<html><body><b>Price:</b> $12.99 <i>x</i> 3 left</body></html>",  # tails
    "<html><body><!-- 12.99 --><?pi 5?><p>7</p></body></html>",  # comment and PI
    "<html><body><nav><p>$1</p><p>$2</p></nav><div hidden><p>$3</p></div></body></html>",
    "<html><body><span data-price='x'>ask</span><span itemprop='price'>a</span>"
    "<span class='product-price'>b</span></body></html>",
    "<html><body><ul>"
    + "".join(
        f"<li class='offer'><span class='shop'>Shop {n}</span>"
        f"<span class='price'>${n}9.00</span></li>"
        for n in range(1, 5)
    )  # fmt: skip
    + "</ul></body></html>",
    "<html><body><table>"
    + "".join(f"<tr><td>Seller</td><td>€ {n},50</td></tr>" for n in range(6))
    + "</table><button>Add to cart</button></body></html>",
    # Prices the walk reads from bare amounts: set in pieces, or beside their currency.
    "<html><body>"
    + "<div class='price'><b>74.<sup>99</sup></b></div>" * 3
    + "<p><b>225,00</b><br><small>€ incl. VAT</small></p>" * 2
    + "<p><sup>€</sup><b>19</b></p></body></html>",
    _DEMO_LIKE,
]


@pytest.mark.parametrize("html", _PRICED_PAGES)
@pytest.mark.parametrize("wanted", [1, 2, 3, 4, 6])
def test_price_candidates_bound_the_walks_prices(html, wanted):
    root = lxml.html.fromstring(html)
    prices = walk(root, "en", "shop.example", sellers=False).prices
    if not stock_cues.has_price_candidates(root, wanted):
        assert len(prices) < wanted
    if len(prices) >= wanted:
        assert stock_cues.has_price_candidates(root, wanted)


@pytest.mark.parametrize("html", _PRICED_PAGES)
def test_lists_offers_as_with_the_walk_alone(html):
    selector = Selector(text=html, type="html")
    reading = walk(selector.root, "en", "shop.example", sellers=False)
    rows = sum(1 for price in reading.prices if price.card and not price.elsewhere)
    plain = not reading.buttons and rows >= REPEATED
    assert _lists_offers(selector, "https://shop.example/p/1", "en") == plain


def test_lists_offers_still_finds_a_comparison():
    # Four shops' rows and no cart: the pre-check lets the walk run, which finds them.
    selector = Selector(text=_PRICED_PAGES[6], type="html")
    assert stock_cues.has_price_candidates(selector.root, REPEATED)
    assert _lists_offers(selector, "https://shop.example/p/1", "en")


def test_price_candidates_on_the_fixture_pages():
    for path in sorted(PAGES.glob("*.html")):
        root = Selector(text=path.read_text(encoding="utf-8", errors="replace")).root
        prices = walk(root, None, "shop.example", sellers=False).prices
        for wanted in (REPEATED, len(prices)):
            if wanted and len(prices) >= wanted:
                assert stock_cues.has_price_candidates(root, wanted), path.name


def test_price_candidates_pass_over_digits_in_names():
    # Four digit-bearing texts, one price: the walk (one price) is not needed.
    root = lxml.html.fromstring(_DEMO_LIKE)
    assert len(walk(root, "en", "shop.example", sellers=False).prices) == 1
    assert not stock_cues.has_price_candidates(root, 2)
    assert stock_cues.has_price_candidates(root, 1)


def test_price_candidates_count_bare_amounts():
    root = lxml.html.fromstring(_PRICED_PAGES[8])
    prices = walk(root, "en", "shop.example", sellers=False).prices
    assert len(prices) >= REPEATED
    assert stock_cues.has_price_candidates(root, len(prices))


def test_price_candidates_count_prices_split_by_a_comment():
    # React prints "R$ 2.463,73" as two texts around an empty comment; the walk joins
    # them (round 12), so the count must too, or a comparison of such rows goes unread.
    html = (
        "<html><body>"
        + "".join(f"<p class='row'>R$ <!-- -->{n}.463,73</p>" for n in range(1, 5))
        + "</body></html>"
    )
    root = lxml.html.fromstring(html)
    prices = walk(root, "pt", "shop.example", sellers=False).prices
    assert len(prices) == 4
    assert stock_cues.has_price_candidates(root, len(prices))
