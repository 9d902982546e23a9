"""The last source: a page read as a buyer reads it, for pages without structured data.

`read_page(selector, url, language)` walks the parsed page once and returns a
`HeuristicReading`: listing fields and a confidence, or the reason the page is not a
product. `crawler.extract.page` tries it after every other source; their fields win.

- title: of the first <h1>s and <h2>s outside header/nav/footer (not the site's name,
  nor the seller's: a heading in a shop header, `heuristic_parts.in_shop_header`, or one
  a "Sold by" label names, kept only when nothing else names the page; nor a heading
  that is only links elsewhere such as the brand's page; prices printed
  at their end dropped; two child elements' words kept apart), the one that agrees
  with the <title> (or og:title) without the site name (`_agreeing_heading`), else the
  first <h1>, else og:title, else <title> without the site name (`strip_site_name`);
- price: of the printed prices (an element whose id/class/itemprop/data-* says price,
  or a short text with a currency sign, code or word, read by `crawler.extract.prices`),
  the current one nearest the title (or the buy button): struck-through and "was"
  prices (<del>, <s>, line-through, old/was/compare/list-price classes, "Was", "UVP",
  "原价", "定価" labels) only when nothing else is printed; shipping costs never;
  prices in header/nav/footer/aside or related-product blocks, and prices of cards
  (a block shape repeated `heuristic_walk.REPEATED` times, or a list item linking
  to another page)
  only when a unique buy button says the page is still one product's;
- a page with no price, buy button or stock label is still a product when its <h1> is
  followed by stock statements (an item not sold now keeps its heading), one of them
  saying it cannot be had (or another source already describes a product,
  `described`): the first;
- availability: an element whose id/class says stock or availability, then a button's
  label ("Sold out", "品切れ"), then what the text after the title (or around the price
  or buy button) states (`crawler.extract.fields.normalize_availability`'s words; several
  statements label options: see `_availability`), then an enabled buy button (InStock),
  then a promise to deliver within days or hours near the title ("Lieferzeit: 1-3
  Werktage", "Wysyłka 24h": InStock, `cues.promises_delivery`). Not statements: stock
  words as a condition ("Notify me when in stock"), a legend of symbols, a picture's
  notice ("Bild nicht verfügbar"). "Not in stock" followed by a promise to ship in days
  is a back order, and a back order with no enabled buy control is OutOfStock. On a page
  with many buy buttons the title's own is the one just after it, or the only one
  labelled as buying (`_own_button`). `HeuristicReading.stated` is the availability
  read from words (not from a button or a delivery promise): `crawler.extract.page`
  lets it overrule structured data;
- description: meta description or og:description, else a description block, else
  the longest paragraph after the title; images: og:image, then product images;
  seller: a "Sold by" / "Verkauf durch" / "卖家" / "販売元" / "판매자" label, else an
  element whose id/class says seller.

Confidence (sums to 1.0): title from <h1> 0.25 (og:title 0.2, <title> 0.1); a current
price 0.25 (a was or card price 0.1); that price within `NEAR` elements of the title
0.15; a buy button 0.2 (else a stock label 0.1); a product-like URL (/p/, /dp/,
/item/, ?id=) 0.1; a description or image 0.05. A title alone is 0.25.

Refused (`reason`): ``listing_page`` when the page prints many card prices or buy
buttons (`MANY_PRICES`, `MANY_BUY_BUTTONS`) and no price or buy button of its own, or
only card prices (at least `heuristic_walk.REPEATED`) and as many buy buttons, or
no button or stock label at all and mostly card prices (`MANY_PRICES`, outside
related-product blocks), or many buy buttons and a price read after a card's price and
two buy buttons past the title (`_after_cards`), or only card prices, `MANY_PRICES` of
them in the main part, beside one buy control, or no price and no buy control under
`REPEATED` or more <h1>s (one per card);
``not_a_product`` when it has no price and no buy button or stock label;
``no_title`` when it has those but no title.
"""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import islice
from typing import NamedTuple
from urllib.parse import urlsplit

from parsel import Selector

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import (
    UNAVAILABLE,
    clean_text,
    normalize_availability,
    stated_availabilities,
)
from maskscreen.crawler.extract.heuristic_parts import (
    STRUCK_TAGS,
    Price,
    attributes,
    description_of,
    images_of,
    in_description,
    in_disabled_option,
    in_legend,
    in_link,
    names_site,
    only_links,
    strip_site_name,
)
from maskscreen.crawler.extract.heuristic_walk import MAX_ELEMENTS, REPEATED, PageReading, walk
from maskscreen.crawler.extract.stock_cues import may_state_availability

MANY_PRICES = 6  # card prices that make a page a list of products
MANY_BUY_BUTTONS = 4
# Buy buttons between the title and the price taken that make it a card's (`_after_cards`).
_CARDS_BUTTONS = 2
NEAR = 60  # elements (in page order) between the title and a price that is "near"
_AFTER_TITLE = 150  # elements after the title whose text may state availability
_AFTER_TITLE_CHARS = 3000  # ... and at most this much of their text
# Availability names from the most to the least a buyer can have now.
_MOST_AVAILABLE = (
    "InStock",
    "OnlineOnly",
    "InStoreOnly",
    "LimitedAvailability",
    "PreSale",
    "PreOrder",
    "BackOrder",
    "MadeToOrder",
    "Reserved",
    "OutOfStock",
    "SoldOut",
    "Discontinued",
)
# Availability names that say where an item is sold, not whether it can be had now.
_CHANNELS = frozenset({"OnlineOnly", "InStoreOnly"})
_WORD_RE = re.compile(r"\w+")
_NON_WORD_RE = re.compile(r"\W+")


def squash(text: str) -> str:
    """The text's word characters only, case-folded: what two spellings of a name share."""
    return _NON_WORD_RE.sub("", text.casefold())


_AGREEMENT = 0.6  # share of a heading's words that the <title> must hold
_H2_MARGIN = 0.25  # more of the <title> an <h2> must cover to beat an agreeing <h1>
_BEFORE_PRICE = 30  # elements before a price or buy button read with it (no <h1>)


class HeuristicReading(NamedTuple):
    fields: dict | None
    confidence: float
    reason: str | None
    # The availability the visible page states in words (a stock label, a button's label
    # or a stock statement by the title), not one inferred from a buy button or a
    # delivery promise: what a shopper reads, which structured data does not overrule.
    stated: str | None = None
    # The sale the product's own box prints: the amount paid now (a current price, not a
    # card's) and the struck or "was" amounts beside it (within `NEAR` elements).
    sale: tuple[Decimal | None, frozenset[Decimal]] = (None, frozenset())


def read_page(
    selector: Selector,
    url: str,
    language: str | None = None,
    *,
    described: bool = False,
    limit: int = MAX_ELEMENTS,
    stated_only: bool = False,
) -> HeuristicReading:
    """The page's product fields and confidence, or the reason it holds no product.
    `described`: another source (structured data, a profile) already describes a product
    here, so the visible page only fills its gaps. `limit`: elements read at most.
    `stated_only`: only `stated` is wanted; the reading ends once it is known (no
    fields, no confidence)."""
    domain = urlsplit(url).hostname
    page = walk(selector.root, language, domain, limit, sellers=not stated_only)
    title, title_points, anchor = _title(page, domain)
    own_buttons = len(page.buttons) < MANY_BUY_BUTTONS
    buttons = page.buttons
    if buttons and page.h1 is not None and buttons[0][0] < page.h1[0]:
        buttons = _without_cards_buttons(page)  # promotions' cards above the product
    buy = next((b for b in buttons if not b[2]), buttons[0] if buttons else None)
    buy = buy if own_buttons else None
    price, price_kind = _pick_price(page.prices, anchor, buy[0] if buy else None, bool(buy))
    if price_kind == "was" and _empty_price_before(page, price.index):
        price, price_kind = None, None  # the price a buyer pays is filled in by a script
    cards = sum(1 for p in page.prices if p.card)
    stock = _stock(page, anchor)
    if price_kind != "current" and not buy and (cards >= MANY_PRICES or not own_buttons):
        return HeuristicReading(None, 0.0, "listing_page")
    # No button and no stock label at all, and most prices are cards in the page's main
    # part: a list of offers (a category or a price comparison), whatever one price is.
    listed = sum(1 for p in page.prices if p.card and not p.elsewhere)
    if (
        not page.buttons
        and stock is None
        and listed >= MANY_PRICES
        and 2 * listed > len(page.prices)
    ):
        return HeuristicReading(None, 0.0, "listing_page")
    if price_kind == "card" and cards >= REPEATED and len(page.buttons) >= cards:
        # Every price is a card's and there is a buy button for each: the cards' buttons.
        return HeuristicReading(None, 0.0, "listing_page")
    if price_kind == "card" and listed >= MANY_PRICES:
        # No price of its own, many cards' in the main part: the one buy control beside
        # them (a header's cart icon, one card's button) makes no card's price the page's.
        return HeuristicReading(None, 0.0, "listing_page")
    if price_kind == "current" and not own_buttons and _after_cards(page, price.index, anchor):
        # Many buy buttons, and the price taken comes after cards and their buttons.
        return HeuristicReading(None, 0.0, "listing_page")
    if price is None and buy is None and sum(h[1] == "h1" for h in page.headings) >= REPEATED:
        # No price, no buy control and several <h1>s: a list whose cards each head
        # their item with an <h1> (their prices drawn by scripts, a stock label each);
        # a product page names itself once (a logo's <h1> may come before it).
        return HeuristicReading(None, 0.0, "listing_page")
    if price is None and buy is None and stock is None:
        # An item not sold now often loses its price and button but keeps its heading
        # and a stock statement under it ("nicht lagernd", "Sold out"): the first one.
        stated = _statements(page, anchor) if anchor is not None and not cards else []
        # Unless structured data says the page is a product's, one of them must say it
        # cannot be had: an item in stock shows a price or a buy button ("In stock used
        # equipment" under a shop's heading is a slogan).
        if not stated or not (described or any(s in UNAVAILABLE for s in stated)):
            return HeuristicReading(None, 0.0, "not_a_product")
        stock = stated[0]
    if not title:
        return HeuristicReading(None, 0.0, "no_title")
    origin = anchor if anchor is not None else price.index if price else buy[0] if buy else None
    own = buy or _own_button(page, anchor)
    availability, stated = _availability(page, stock, own, origin, delivery=not stated_only)
    if stated_only:
        return HeuristicReading(None, 0.0, None, stated)
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
    sale: tuple[Decimal | None, frozenset[Decimal]] = (None, frozenset())
    if price is not None and price_kind == "current":
        was = frozenset(
            p.amount
            for p in page.prices
            if p.was
            and not p.card
            and not p.elsewhere
            and abs(p.index - price.index) <= NEAR
            and _struck(p.element)
        )
        sale = (price.amount, was)
    return HeuristicReading(fields, round(min(confidence, 1.0), 2), None, stated, sale)


def _struck(element) -> bool:
    """Whether a price is struck through or named as the old one by its markup (a
    <del>, "line-through", a class "oldprice"), not only by a label word ("通常価格",
    "Regular price" is the price paid on many shops)."""
    for el in (element, *islice(element.iterancestors(), 2)):
        if el.tag in STRUCK_TAGS or "line-through" in (el.get("style") or ""):
            return True
        if el.attrib and cues.is_was_attr(attributes(el)):
            return True
    return False


# Off in tests only: `stated_availability` then always walks the page, the reference
# its shortcut must agree with.
SHORTCUT = True


def stated_availability(
    selector: Selector,
    url: str,
    language: str | None = None,
    *,
    limit: int = MAX_ELEMENTS,
    made_to_order: bool = True,
) -> str | None:
    """`read_page(..., described=True, limit=limit).stated`, the availability the visible
    page states in words, without walking a page that holds no stock word at all
    (`stock_cues.may_state_availability`) and without reading the fields it does not need.
    With `made_to_order` False, for a caller to which "MadeToOrder" states nothing, a page
    whose only stock words are made-to-order ones (定制) is not walked either: None there."""
    if not SHORTCUT:
        return read_page(selector, url, language, described=True, limit=limit).stated
    if not may_state_availability(selector.root, made_to_order=made_to_order):
        return None
    return read_page(selector, url, language, described=True, limit=limit, stated_only=True).stated


def _title(page: PageReading, domain: str | None) -> tuple[str | None, float, int | None]:
    """The title, its confidence points, and the index of the heading it came from."""
    site_name = page.meta.get("og:site_name") or page.meta.get("application-name")
    named_headings = [
        h
        for h in page.headings
        if not names_site(h[2], domain, site_name) and not only_links(page.elements[h[0]])
    ]
    # The seller's name ("Sold by" gives it, or a shop header prints it) is not the
    # product's while another heading, og:title or the <title> names something.
    sellers = {squash(seller[1]) for seller in page.sellers}
    shops = [h for h in named_headings if squash(h[2]) in sellers] + page.shop_headings
    headings = [h for h in named_headings if h not in shops]
    og = strip_site_name(clean_text(page.meta.get("og:title")), domain, site_name)
    named = strip_site_name(page.title_tag, domain, site_name)
    agreeing = _agreeing_heading(headings, named or og)
    if agreeing is not None:
        return agreeing[2], 0.25, agreeing[0]
    first = next((h for h in headings if h[1] == "h1"), None)
    if first is not None:
        return first[2], 0.25, first[0]
    if og:
        return og, 0.2, None
    if named:
        return named, 0.1, None
    # Only the seller's name is printed as a heading: still the page's one name.
    shop = next((h for h in shops if h[1] == "h1"), None)
    return (shop[2], 0.25, shop[0]) if shop else (None, 0.0, None)


def _agreeing_heading(
    headings: list[tuple[int, str, str]], reference: str | None
) -> tuple[int, str, str] | None:
    """The <h1> or <h2> that names what the page's <title> (or og:title) names: most of
    its words are in it, and it covers most of them; the first <h1> on a tie. A page's
    first <h1> is often a menu, a promotion or a category ("Menu", "Free shipping")."""
    ref = set(_WORD_RE.findall((reference or "").casefold()))
    if not ref:
        return None
    best, best_cover = None, 0.0
    for heading in sorted(headings, key=lambda h: (h[1] != "h1", h[0])):
        words = _WORD_RE.findall(heading[2].casefold())
        if not words or sum(w in ref for w in words) / len(words) < _AGREEMENT:
            continue
        cover = len(ref & set(words)) / len(ref)
        # An <h2> beats an agreeing <h1> only by covering clearly more of the <title>
        # ("Author A, Author B - Book" names the book in the <h1>, its authors in an <h2>).
        margin = _H2_MARGIN if best is not None and best[1] == "h1" != heading[1] else 0.0
        if cover > best_cover + margin:
            best, best_cover = heading, cover
    return best


def _pick_price(
    prices: list[Price], anchor: int | None, buy: int | None, has_buy: bool
) -> tuple[Price | None, str | None]:
    """The price a buyer pays now, and "current", "was" or "card" for how sure it is."""
    targets = [i for i in (anchor, buy) if i is not None]

    def distance(price: Price) -> float:
        if not targets:
            return price.index
        # A price before a target counts double, except one between the name and its buy
        # button: that is where a product's own price sits (another seller's offer, with
        # its own button, comes after).
        between = anchor is not None and buy is not None and anchor < price.index < buy
        back = 1 if between else 2
        gaps = [
            (price.index - t) if price.index >= t else (t - price.index) * back for t in targets
        ]
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


_EMPTY_SLOT_BEFORE = 8  # elements before a was price searched for an empty price slot


def _empty_price_before(page: PageReading, index: int) -> bool:
    """Whether an element named as a price, holding no amount (empty, or only a currency
    sign: "<span class=p-price>￥<span class=price></span></span>"), comes just before
    the was price: the current price is written there by a script, and the struck
    list price beside it is not what a buyer pays."""
    for el in page.elements[max(0, index - _EMPTY_SLOT_BEFORE) : index]:
        attrs = attributes(el) if el.attrib else ""
        if not attrs or not cues.is_price_attr(attrs) or cues.is_was_attr(attrs):
            continue
        text = "".join(el.itertext()).strip()
        if not text or cues.LEADING_CURRENCY_RE.fullmatch(text):
            return True
    return False


def _stock(page: PageReading, anchor: int | None) -> str | None:
    """Availability from a stock label or a button's label, the one nearest the title;
    not a label with a card's price between it and the title: that label is the card's
    (a related product's "Out of stock" tile is not this product's state)."""
    origin = anchor or 0
    cards = [p.index for p in page.prices if p.card]
    own = [
        s for s in page.stock if not any(min(s[0], origin) < c < max(s[0], origin) for c in cards)
    ]
    if not own:
        return None
    _index, text = min(own, key=lambda s: abs(s[0] - origin))
    return normalize_availability(text, search=True)


_CARD_BOX = 3  # ancestors of a card's price and of a button searched for a shared box


def _after_cards(page: PageReading, index: int, anchor: int | None) -> bool:
    """Whether, between the title (or the page's start) and the price at `index`, there
    are a card's price and `_CARDS_BUTTONS` buy buttons: a product's own price comes
    before its buy button and before any card, so a price read after other products'
    cards and buttons is one more card (a search's or a home page's first unrepeated
    block), not the page's own."""
    start = -1 if anchor is None else anchor
    if not any(p.card and start < p.index < index for p in page.prices):
        return False
    return sum(1 for b in page.buttons if start < b[0] < index) >= _CARDS_BUTTONS


def _without_cards_buttons(page: PageReading) -> list[tuple[int, str, bool]]:
    """The buy buttons less those printed before the page's <h1> in a card's box (an
    ancestor within `_CARD_BOX` levels of both the button and a card's price in the
    page's main part, not holding the <h1>): a promotion's "Add to Bag" under another
    item's sale price above the product is that item's. After the <h1> a card's shape
    may be the product's own price block (a template that prints it like the related
    items'), so buttons there are kept."""
    boxes = {
        id(box)
        for price in page.prices
        if price.card and not price.elsewhere
        for box in islice(price.element.iterancestors(), _CARD_BOX)
    }
    if not boxes or page.h1 is None:
        return page.buttons
    first, heading = page.h1[0], page.elements[page.h1[0]]
    around = {id(a) for a in heading.iterancestors()}

    def cards(index: int) -> bool:
        shared = (box for box in islice(page.elements[index].iterancestors(), _CARD_BOX))
        return index < first and any(id(b) in boxes and id(b) not in around for b in shared)

    return [b for b in page.buttons if not cards(b[0])]


def _own_button(page: PageReading, anchor: int | None) -> tuple[int, str, bool] | None:
    """On a page with many buy buttons (accessories, bundles, "add" per related item,
    a quantity's "+" and "-" in the cart form), the title's own: the first enabled one
    within `NEAR` elements after the title, when no other buy button is that close to
    it; else the only enabled one whose label says it buys. Read for availability only:
    whether the page lists products is decided on all its buttons."""
    if anchor is None:
        return None
    enabled = [b for b in page.buttons if not b[2]]
    near = [b for b in enabled if 0 < b[0] - anchor <= NEAR]
    if near:
        first = near[0]
        if not any(b is not first and abs(b[0] - first[0]) <= NEAR for b in page.buttons):
            return first
    labelled = [b for b in enabled if cues.is_buy_label(b[1])]
    return labelled[0] if len(labelled) == 1 else None


def _availability(
    page: PageReading,
    stock: str | None,
    buy: tuple[int, str, bool] | None,
    origin: int | None,
    *,
    delivery: bool = True,
) -> tuple[str | None, str | None]:
    """A stock label, else what the text by the title (or the price) states, else an
    enabled buy button's InStock: a shop that says "out of stock" beside a buy button it
    left on the page means what it says.

    Several statements there label the product's options (sizes, colours, offers:
    "38 sold out", "M [Low Stock]"): the product is as available as its most available
    option, and options all unavailable beside an enabled buy button leave the button's
    word (the options not labelled can be bought).
    """
    # An empty quantity list leaves nothing to order: no buy control is enabled then.
    enabled = bool(buy) and not buy[2] and not page.empty_quantities
    if stock and stock not in _CHANNELS:
        return _orderable(stock, enabled)
    texts = _nearby_texts(page, origin) if origin is not None else []
    stated = stated_availabilities(texts)
    if stock:
        # "Online Only" names where the item is sold, not whether it can be had now: a
        # stock statement by the title ("we'll ship when it's available") says more.
        told = [s for s in stated if s not in _CHANNELS]
        return _orderable(told[0] if told else stock, enabled)
    if len(stated) == 1:
        return _orderable(stated[0], enabled)
    if stated:
        best = min(stated, key=_MOST_AVAILABLE.index)
        if best not in UNAVAILABLE or not enabled:
            return _orderable(best, enabled)
    if enabled:
        return "InStock", None
    if page.notices or (buy and page.empty_quantities):
        # The buy control is a back-in-stock sign-up, and none buys, or it has no
        # quantity to order: out of stock now.
        return "OutOfStock", None
    # No stock word, but a promise to deliver within days: stock to ship (weaker than
    # any stock word, so it is read only when there is none).
    if delivery and not stated and cues.promises_delivery(" ".join(texts).lower()):
        return "InStock", None
    return None, None


def _orderable(stated: str, enabled: bool) -> tuple[str, str]:
    """A back order is an item one can order now and receive later: "More on the way" or
    "Backordered" on a page with no enabled buy control is an item that cannot be had."""
    value = "OutOfStock" if stated == "BackOrder" and not enabled else stated
    return value, value


def _statements(page: PageReading, origin: int) -> list[str]:
    """The availability each text near `origin` states, in page order (`_nearby_texts`)."""
    return stated_availabilities(_nearby_texts(page, origin))


def _nearby_texts(page: PageReading, origin: int) -> list[str]:
    """The texts near `origin` that may state availability: from the title on, or
    from a little before a price or buy button; not the text of links to other pages
    ("Made to order masks", "In stock only": ways elsewhere), nor of options a buyer
    cannot choose (`in_disabled_option`); nor text only screen readers get ("Variant sold
    out or unavailable" on every swatch) or a tooltip shows ("The item is unavailable and
    cannot be added to your cart" over a button, when it is disabled), nor the prose of
    the product's description (`in_description`)."""
    heading = any(h[0] == origin for h in page.headings)
    start = origin + 1 if heading else max(0, origin - _BEFORE_PRICE)
    texts: list[str] = []
    total = 0
    for el in page.elements[start : origin + _AFTER_TITLE]:
        for text, owner in ((el.text, el), (el.tail, el.getparent())):
            if (
                text
                and text.strip()
                and id(owner) not in page.tips
                and not cues.is_reader_only_class(owner.get("class") or "")
                and not in_link(owner)
                and not in_disabled_option(owner)
                and not in_legend(owner)
                and not in_description(owner)
                and not cues.is_picture_notice(text.strip())
            ):
                texts.append(text.replace("\n", " ")[:500])
                total += len(texts[-1])
        if total > _AFTER_TITLE_CHARS:
            break
    return texts
