"""The last source: a page read as a buyer reads it, for pages without structured data.

`read_page(selector, url, language)` walks the parsed page once and returns a
`HeuristicReading`: listing fields and a confidence, or the reason the page is not a
product. `crawler.extract.page` tries it after every other source; their fields win.

- title: the first <h1> outside header/nav/footer (unless it only names the site),
  else og:title, else <title> without the site name (`strip_site_name`);
- price: of the printed prices (an element whose id/class/itemprop/data-* says price,
  or a short text with a currency sign, code or word, read by `crawler.extract.prices`),
  the current one nearest the title (or the buy button): struck-through and "was"
  prices (<del>, <s>, line-through, old/was/compare/list-price classes, "Was", "UVP",
  "原价", "定価" labels) only when nothing else is printed; shipping costs never;
  prices in header/nav/footer/aside or related-product blocks, and prices of cards
  (a block shape repeated `REPEATED` times, or a list item linking to another page)
  only when a unique buy button says the page is still one product's;
- availability: an element whose id/class says stock or availability, then a button's
  label ("Sold out", "品切れ"), then an enabled buy button (InStock), then the text
  after the title (`crawler.extract.fields.normalize_availability`'s words);
- description: meta description or og:description, else a description block, else
  the longest paragraph after the title; images: og:image, then product images;
  seller: a "Sold by" / "Verkauf durch" / "卖家" / "販売元" / "판매자" label, else an
  element whose id/class says seller.

Confidence (sums to 1.0): title from <h1> 0.25 (og:title 0.2, <title> 0.1); a current
price 0.25 (a was or card price 0.1); that price within `NEAR` elements of the title
0.15; a buy button 0.2 (else a stock label 0.1); a product-like URL (/p/, /dp/,
/item/, ?id=) 0.1; a description or image 0.05. A title alone is 0.25.

Refused (`reason`): ``listing_page`` when the page prints many card prices or buy
buttons (`MANY_PRICES`, `MANY_BUY_BUTTONS`) and no price or buy button of its own;
``not_a_product`` when it has no price and no buy button or stock label;
``no_title`` when it has those but no title.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import clean_text, normalize_availability
from maskscreen.crawler.extract.heuristic_parts import (
    Price,
    attributes,
    description_of,
    images_of,
    is_card,
    is_hidden,
    names_site,
    price_of,
    seller_after,
    shape,
    short_text,
    strip_site_name,
)

REPEATED = 3  # a price block shape seen this often is a product card
MANY_PRICES = 6  # card prices that make a page a list of products
MANY_BUY_BUTTONS = 4
NEAR = 60  # elements (in page order) between the title and a price that is "near"
_AFTER_TITLE = 150  # elements after the title whose text may state availability
# Elements read at most: the product sits near the top; a page's tail is reviews.
MAX_ELEMENTS = 30_000
MAX_PRICES = 1_000  # printed prices read at most (a page with more lists products)
_MAX_HEAD_TEXT = 5_000  # a <title> or meta content longer than this is cut
_DIGIT_RE = re.compile(r"\d")
_LABEL_TAGS = cues.BUTTON_TAGS | {"span", "div", "p", "td", "th", "dt", "dd", "li", "b", "strong"}
_META_KEYS = frozenset(
    {
        "description",
        "og:title",
        "og:description",
        "og:site_name",
        "og:image",
        "og:image:secure_url",
        "twitter:image",
        "application-name",
    }
)


class HeuristicReading(NamedTuple):
    fields: dict | None
    confidence: float
    reason: str | None


class _Page:
    """What one walk of the page collected."""

    def __init__(self) -> None:
        self.h1: tuple[int, str] | None = None
        self.meta: dict[str, str] = {}
        self.title_tag: str | None = None
        self.prices: list[Price] = []
        self.buttons: list[tuple[int, str, bool]] = []  # (index, label, disabled)
        self.stock: list[tuple[int, str]] = []
        self.sellers: list[tuple[int, str, str | None]] = []
        self.elements: list[HtmlElement] = []


def read_page(selector: Selector, url: str, language: str | None = None) -> HeuristicReading:
    """The page's product fields and confidence, or the reason it holds no product."""
    domain = urlsplit(url).hostname
    page = _walk(selector.root, language, domain)
    title, title_points = _title(page, domain)
    anchor = page.h1[0] if page.h1 and title_points == 0.25 else None
    own_buttons = len(page.buttons) < MANY_BUY_BUTTONS
    buy = next((b for b in page.buttons if not b[2]), page.buttons[0] if page.buttons else None)
    buy = buy if own_buttons else None
    price, price_kind = _pick_price(page.prices, anchor, buy[0] if buy else None, bool(buy))
    cards = sum(1 for p in page.prices if p.card)
    stock = _stock(page, anchor)
    if price_kind != "current" and not buy and (cards >= MANY_PRICES or not own_buttons):
        return HeuristicReading(None, 0.0, "listing_page")
    if price is None and buy is None and stock is None:
        return HeuristicReading(None, 0.0, "not_a_product")
    if not title:
        return HeuristicReading(None, 0.0, "no_title")
    availability = _availability(page, stock, buy, anchor)
    start = anchor if anchor is not None else 0
    description = clean_text(page.meta.get("description") or page.meta.get("og:description"))
    description = description or description_of(page.elements, start)
    images = images_of(page.meta, page.elements, start)
    seller = page.sellers[0] if page.sellers else None
    confidence = title_points
    if price is not None:
        confidence += 0.25 if price_kind == "current" else 0.1
        near_to = [i for i in (anchor, buy[0] if buy else None) if i is not None]
        if any(abs(price.index - i) <= NEAR for i in near_to):
            confidence += 0.15
    confidence += 0.2 if buy else 0.1 if stock else 0.0
    parts = urlsplit(url)
    if cues.is_product_url(parts.path + ("?" + parts.query if parts.query else "")):
        confidence += 0.1
    if description or images:
        confidence += 0.05
    fields = {
        "title": title,
        "description": description,
        "price": price.text if price else None,
        "currency": price.currency if price else None,
        "availability": availability,
        "images_raw": images,
        "seller": seller[1] if seller else None,
        "seller_url": seller[2] if seller else None,
    }
    return HeuristicReading(fields, round(min(confidence, 1.0), 2), None)


def _walk(root: HtmlElement, language: str | None, domain: str | None) -> _Page:
    page = _Page()
    outside = elsewhere = struck = 0
    # Each open element: its context flags, and its index (None when skipped).
    stack: list[tuple[tuple[bool, bool, bool], int | None]] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        if event == "end":
            flags = stack.pop()[0]
            outside, elsewhere, struck = outside - flags[0], elsewhere - flags[1], struck - flags[2]
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        attrs = attributes(el) if el.attrib else ""
        flags = (
            tag in cues.OUTSIDE_TAGS,
            bool(attrs) and cues.is_elsewhere_attr(attrs),
            tag in ("del", "s", "strike") or "line-through" in (el.get("style") or ""),
        )
        parent = stack[-1] if stack else None
        skip = tag in cues.SKIP_TAGS or (bool(attrs) and is_hidden(el))
        stack.append(((False, False, False), None) if skip else (flags, len(page.elements)))
        if tag in ("title", "meta"):
            _head(page, el, tag)
        tail = el.tail
        if tail and parent is not None and parent[1] is not None and _DIGIT_RE.search(tail):
            # Text after this element belongs to its parent: "<b>Price:</b> $12.99".
            context = (outside, elsewhere, struck)
            _add_price(
                page, page.elements[parent[1]], "", parent[1], context, tail, language, domain
            )
        if skip:
            walker.skip_subtree()  # its "end" still comes, and pops its flags
            continue
        if len(page.elements) >= MAX_ELEMENTS:
            break
        outside, elsewhere, struck = outside + flags[0], elsewhere + flags[1], struck + flags[2]
        index = len(page.elements)
        page.elements.append(el)
        if tag == "h1" and page.h1 is None and not outside:
            text = short_text(el, 300)
            if text:
                page.h1 = (index, text)
        if attrs or (el.text and _DIGIT_RE.search(el.text)):
            _add_price(page, el, attrs, index, (outside, elsewhere, struck), None, language, domain)
        if outside or elsewhere:
            continue
        if tag in _LABEL_TAGS or attrs or el.text:
            _buttons_and_labels(page, el, tag, attrs, index)
    _mark_cards(page.prices)
    return page


def _add_price(
    page: _Page,
    el: HtmlElement,
    attrs: str,
    index: int,
    context: tuple[int, int, int],
    text: str | None,
    language: str | None,
    domain: str | None,
) -> None:
    if len(page.prices) >= MAX_PRICES:
        return
    price = price_of(el, attrs, index, language, domain, text)
    if price is not None and page.prices and _nested_in(page.prices[-1], price):
        return  # the same price again, inside the element that printed it
    if price is not None:
        price.was = price.was or bool(context[2])
        price.elsewhere = bool(context[0] or context[1])
        page.prices.append(price)


def _nested_in(outer: Price, inner: Price) -> bool:
    if outer.amount != inner.amount:
        return False
    node = inner.element
    for _ in range(64):  # a price's element has at most 60 descendants (short_text)
        if node is outer.element:
            return True
        node = node.getparent()
        if node is None:
            return False
    return False


def _head(page: _Page, el: HtmlElement, tag: str) -> None:
    if tag == "title" and page.title_tag is None:
        page.title_tag = clean_text((el.text or "")[:_MAX_HEAD_TEXT])
        return
    key = (el.get("property") or el.get("name") or "").strip().lower()
    content = (el.get("content") or "")[:_MAX_HEAD_TEXT].strip()
    if key in _META_KEYS and content and key not in page.meta:
        page.meta[key] = content


def _buttons_and_labels(page: _Page, el: HtmlElement, tag: str, attrs: str, index: int) -> None:
    if tag in cues.BUTTON_TAGS or el.get("role") == "button":
        label = (
            el.get("value") if tag == "input" else short_text(el, 60)
        ) or el.get("aria-label") or el.get("title") or ""  # fmt: skip
        if cues.is_buy_label(label) or (attrs and cues.is_buy_attr(attrs)):
            disabled = (
                el.get("disabled") is not None
                or el.get("aria-disabled") == "true"
                or "disabled" in attrs.lower()
            )
            page.buttons.append((index, label, disabled))
        elif tag != "a" and normalize_availability(label, search=True):
            page.stock.append((index, label))  # a button's label: "Sold out", "品切れ"
    if attrs and cues.AVAILABILITY_ATTR_RE.search(attrs):
        text = short_text(el, 200)
        if text and normalize_availability(text, search=True):
            page.stock.append((index, text))
    if len(page.sellers) < 3:
        seller = seller_after(el, attrs)
        if seller:
            page.sellers.append((index, *seller))


def _mark_cards(prices: list[Price]) -> None:
    shapes: dict[tuple, int] = {}
    for price in prices:
        price.shape = shape(price.element)
        shapes[price.shape] = shapes.get(price.shape, 0) + 1
    for price in prices:
        price.card = shapes[price.shape] >= REPEATED or is_card(price.element)


def _title(page: _Page, domain: str | None) -> tuple[str | None, float]:
    site_name = page.meta.get("og:site_name") or page.meta.get("application-name")
    if page.h1 and not names_site(page.h1[1], domain, site_name):
        return page.h1[1], 0.25
    og = strip_site_name(clean_text(page.meta.get("og:title")), domain, site_name)
    if og:
        return og, 0.2
    title = strip_site_name(page.title_tag, domain, site_name)
    return (title, 0.1) if title else (None, 0.0)


def _pick_price(
    prices: list[Price], anchor: int | None, buy: int | None, has_buy: bool
) -> tuple[Price | None, str | None]:
    """The price a buyer pays now, and "current", "was" or "card" for how sure it is."""
    targets = [i for i in (anchor, buy) if i is not None]

    def distance(price: Price) -> float:
        if not targets:
            return price.index
        gaps = [(price.index - t) if price.index >= t else (t - price.index) * 2 for t in targets]
        bonus = (15 if price.now else 0) + (10 if price.marked else 0)
        bonus += 10 if price.labelled else 0
        return min(gaps) - bonus

    usable = [p for p in prices if not p.elsewhere and not cues.is_other_cost(p.text)]
    for kind, group in (
        ("current", [p for p in usable if not p.was and not p.card]),
        ("was", [p for p in usable if p.was and not p.card]),
        ("card", [p for p in usable if not p.was] if has_buy else []),
    ):
        if group:
            return min(group, key=distance), kind
    return None, None


def _stock(page: _Page, anchor: int | None) -> str | None:
    """Availability from a stock label or a button's label, the one nearest the title."""
    if not page.stock:
        return None
    origin = anchor or 0
    _index, text = min(page.stock, key=lambda s: abs(s[0] - origin))
    return normalize_availability(text, search=True)


def _availability(
    page: _Page, stock: str | None, buy: tuple[int, str, bool] | None, anchor: int | None
) -> str | None:
    if stock:
        return stock
    if buy and not buy[2]:
        return "InStock"
    if anchor is None:
        return None
    words = []
    for el in page.elements[anchor + 1 : anchor + _AFTER_TITLE]:
        words += [t for t in (el.text, el.tail) if t and t.strip()]
        if sum(map(len, words)) > 3000:
            break
    return normalize_availability(" ".join(words)[:3000], search=True)
