"""Extraction: an HTML response -> one `Listing`, from whatever the page offers.

Pure functions of the response: no network, no state, no Scrapy engine needed.
A page with no usable product raises `NotAListing` naming why, so the spider can
count what it drops (`maskscreen/dropped/<reason>`).

Sources, tried in this order (`source_format` records the first that describes
a product):

1. ``jsonld``    schema.org Product in JSON-LD (@graph, arrays, prefixed or
                 lower-case types, ProductGroup/hasVariant, Offer, AggregateOffer)
2. ``microdata`` schema.org Product in microdata (extruct)
3. ``rdfa``      schema.org Product in RDFa (extruct; only when the page has RDFa)
4. ``opengraph`` OpenGraph product tags (og:type product, product:price:amount…)
5. ``css``       the CSS/XPath selectors of a site profile (`crawler.extract.selectors`)
6. ``heuristic`` the visible page read as a buyer reads it: <h1>, the price by it,
                 buy buttons and stock words in many languages, "Sold by" labels
                 (`crawler.extract.heuristic`); read only when the sources above
                 leave the title, price or availability unknown, and then it fills
                 only those (description, images and seller stay the shop's own),
                 or, on a page with no usable structured data (none, broken
                 JSON-LD, no product in it), it is the listing's only source.

Only the syntaxes a page holds are parsed (`crawler.extract.markup.detect_syntaxes`).

The page is parsed once: `extract_listing` reuses the tree Scrapy built for the
response (`response.selector`, which the spider's link following walks too) when
`crawler.extract.charsets.decoded_text` keeps Scrapy's text, and parses the re-decoded text
the same way (`parse_page`) when it does not (a GBK page declared as UTF-8).
`extract_from_page` takes a page already decoded and parsed.

When sources disagree:
- per field, the first source (in the order above) that has a value wins; later
  sources only fill fields that are still None (a JSON-LD name beats og:title, a
  profile's selector and the page's <h1>); except that an og:title holding the
  visible heading plus more (a site name, an SKU) gives way to that heading when the
  visible page is read; and a structured or profile name ending with the shop's name
  after a separator ("Name｜Shop") loses it when the page names that shop elsewhere
  (`_without_shop_suffix`);
- the price is the price a buyer pays now — a sale price beats the regular
  ("was", list, strikethrough) price, and among several offers or variants the
  lowest wins (see `crawler.extract.schema`); `Listing` has one price, so the
  regular price and a range's high end are not kept (`crawler.extract.prices.parse_price_range`
  gives the high end of a printed range);
- a structured price that is the price before VAT, beside the price with VAT the
  page prints for a buyer, gives way to that printed price (`crawler.extract.vat`);
- price and currency come from the same source; if that source names no
  currency, the first currency any source declares is used, then the rules of
  `crawler.extract.prices` (¥ by language or domain, never guessed);
- the language is the product's own (inLanguage, or a profile's), else the page's
  <html lang>, else og:locale;
- availability: what the visible page states in words (a stock label, a button's
  "Sold out", a stock statement by the title: `HeuristicReading.stated`; not "made to
  order", 定制, which describes the product) beats the structured data's, which shops
  leave stale ("OutOfStock" in the JSON-LD beside "Auf Lager"); so the visible page is read on every page, also when structured data
  completes the listing. Without such words the structured data's value is kept, even
  on a page whose only hint is a buy button (round 4 measured letting the heuristic's
  whole reading win, button included: it lost more than it gained); and a page whose
  structured data states none gets the heuristic's reading (words, an enabled buy
  button, a delivery promise). The walk for those words is skipped on a page where no stock word
  occurs in any text or label it could read (`heuristic.stated_availability`,
  `stock_cues`): what it would find there is nothing.

`Listing.extraction_confidence` is the heuristic source's confidence in [0, 1] when
it is the listing's source (`source_format` "heuristic"), else None: structured data
and a profile's selectors are the shop's own statements, not estimates.

URLs (`crawler.extract.fields.listing_urls`): `url`, the listing's key, is the page's
rel=canonical when it is on the same site (same registrable domain: www./m. hosts
and other subdomains of one shop are one site), else the fetched URL; both without
tracking parameters. `fetched_url` is always the URL fetched; `canonical_url` is an
off-site canonical as the page declared it (None when it was used as the key).

`NotAListing.reason`:
- ``broken_jsonld`` JSON-LD was there but none of it parsed, no other source
                    describes a product and the visible page is not one either;
- ``no_product``    structured data, but no product in it (a category page), and
                    the visible page is not one either;
- ``not_a_product`` no structured data, and the visible page has no price, no buy
                    button and no stock label (an article, a notice, a home page);
- ``listing_page``  the page lists products: the visible page has many card prices
                    or buy buttons and none of its own (`crawler.extract.heuristic`);
                    or a page whose structured data names `_SHOWCASE` or more
                    different products: a home page (path "/", no query), or one
                    whose first <h1>s and <title> name none of them (`_showcase`: a
                    category's or a search's heading); or a results page (a
                    search's URL, `cues.is_search_url`: /search/…, ?q=, ?keyword=…;
                    or structured data typing it SearchResultsPage or CollectionPage)
                    whose structured product has no price and whose visible page
                    lists products (one result named in its JSON-LD) or shows none
                    (no price, buy control or stock label: a template's tags); or a price
                    comparison: a product offered only through an AggregateOffer of
                    two or more offers, on a page with no buy control and priced rows;
- ``no_title``      a product, but no source gives it a name;
- ``no_structured_data`` a response that is not HTML (no page to read), or, with
                    `heuristic=False`, a page without structured data.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from copy import deepcopy
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import islice
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector
from scrapy.http import HtmlResponse, TextResponse

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.charsets import decoded_text
from maskscreen.crawler.extract.fields import (
    MADE_TO_ORDER,
    absolute_urls,
    canonical_url,
    clean_text,
    clean_url,
    listing_urls,
    page_language,
)
from maskscreen.crawler.extract.heuristic import read_page, squash, stated_availability
from maskscreen.crawler.extract.heuristic_parts import SHOP_HEADER_DEPTH, attributes, heading_text
from maskscreen.crawler.extract.heuristic_walk import REPEATED, walk
from maskscreen.crawler.extract.markup import (
    compact_rdfa,
    detect_syntaxes,
    opengraph_fields,
    parse_jsonld_blocks,
    run_extruct,
)
from maskscreen.crawler.extract.prices import names_a_currency, parse_price
from maskscreen.crawler.extract.schema import find_products, schema_fields, top_nodes, types
from maskscreen.crawler.extract.selectors import profile_fields
from maskscreen.crawler.extract.stock_cues import has_price_candidates
from maskscreen.crawler.extract.vat import consumer_price
from maskscreen.crawler.items import Listing

__all__ = [
    "REASONS",
    "NotAListing",
    "canonical_url",
    "clean_text",
    "clean_url",
    "decoded_text",
    "extract_from_page",
    "extract_listing",
    "listing_urls",
    "page_language",
    "parse_page",
]

logger = logging.getLogger(__name__)

REASONS = (
    "no_structured_data",
    "broken_jsonld",
    "no_product",
    "no_title",
    "not_a_product",
    "listing_page",
)
_EMPTY = (None, "", [])
# A home page's path (the query empty): "/", "/index.html"...
_HOME_PATHS = frozenset({"", "/index", "/index.html", "/index.htm", "/index.php", "/default.aspx"})
# Page types of structured data that say the page is a list of results or products.
_RESULTS_PAGES = frozenset({"searchresultspage", "collectionpage"})
# Differently named products in a home page's structured data that make it a showcase.
_SHOWCASE = 3
# Offers an AggregateOffer counts that make a page without a cart a price comparison.
_COMPARED = 2
_FIRST_H1S = 3  # <h1>s read for the first one with a text
# The sources that are the shop's statements, not a reading of the visible page.
_STRUCTURED = ("jsonld", "microdata", "rdfa", "opengraph")
# Elements of the visible page read for its stock words when structured data completes
# the listing: the product's box sits near the top, and a whole walk of a page of
# reviews would cost more than the rest of the extraction.
_STATED_ELEMENTS = 2_500
# ... counted from the page's first <h1> when a menu before it is longer than that (a
# shop's mega-menu of 4,000 elements puts the product's box, stock line included, past
# any fixed count): the box starts at its heading, so this many elements after it.
_AFTER_HEADING = 1_000
# Elements before an element (those before it in document order, and its ancestors).
_BEFORE = etree.XPath("count(preceding::*) + count(ancestor::*)")
# Fields whose absence after the structured sources sends the page to the heuristic one.
_HEURISTIC_FILLS = ("title", "price", "availability")
# What the visible page of a search's address may be when it shows none of the results'
# products as its own: a list of cards, or nothing a buyer could order.
_NO_OWN_PRODUCT = ("listing_page", "not_a_product")


class NotAListing(Exception):
    """The page holds no usable product; `reason` is one of `REASONS`."""

    def __init__(self, reason: str):
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        super().__init__(reason)
        self.reason = reason


def parse_page(text: str) -> Selector:
    """The page's text parsed as Scrapy parses `response.text` (huge pages allowed)."""
    try:
        return Selector(text=text, type="html")
    except UnicodeEncodeError:  # lone surrogates: parse what can be encoded
        return Selector(text=text.encode("utf-8", "replace").decode("utf-8"), type="html")
    except etree.LxmlError:
        return Selector(text="<html></html>", type="html")


def response_page(response: HtmlResponse) -> tuple[str, Selector]:
    """The response's text (`decoded_text`) and its parse: Scrapy's own when they agree."""
    text = decoded_text(response)
    if text == response.text:
        return response.text, response.selector
    return text, parse_page(text)


class Sources(NamedTuple):
    """Every source's product fields in source order, or the reason there are none."""

    found: list[tuple[str, dict]]
    reason: str | None
    confidence: float | None  # the heuristic source's, when it gave fields


def find_sources(
    url: str,
    text: str,
    selector: Selector,
    profile: Mapping[str, Any] | None = None,
    language: str | None = None,
    heuristic: bool = True,
) -> Sources:
    """Every source's product fields, in source order, or the reason there are none.

    The heuristic source (`crawler.extract.heuristic`) is read last, and only when the
    sources before it leave the title, price or availability unknown; beside them it
    gives only those (and the price's currency).
    """
    found: list[tuple[str, dict]] = []
    structured = broken_only = compared = False
    home = _is_home(url)
    results = _is_search(url)  # a search's URL, or structured data naming a results page
    for syntax in detect_syntaxes(text):
        if syntax == "json-ld":
            items, broken = parse_jsonld_blocks(selector, url)
            broken_only = bool(broken) and not items
        else:
            items = run_extruct(syntax, selector.root, text, url)
        if syntax == "rdfa":
            items = compact_rdfa(items)
        structured = structured or bool(items)
        if syntax != "opengraph" and not results:
            results = any(types(node) & _RESULTS_PAGES for node in top_nodes(items))
        compared = compared or (syntax != "opengraph" and _compares_offers(items))
        if syntax != "opengraph" and _showcase(items, selector, home):
            # A page describing the products it shows, one card each: a shop's home page,
            # or a category or search page whose heading names none of them.
            return Sources([], "listing_page", None)
        fields, _ = opengraph_fields(items) if syntax == "opengraph" else schema_fields(items)
        if fields:
            found.append(("jsonld" if syntax == "json-ld" else syntax, fields))
    if profile:
        fields, matched = profile_fields(selector, profile)
        if fields:
            found.append(("css", fields))
        structured = structured or matched
    found = _without_shop_suffix(found, selector)
    if compared and heuristic and _lists_offers(selector, url, language):
        # Several shops' offers for one product, printed as rows, and no cart of the
        # page's own: a price comparison's page, whose price is another shop's.
        return Sources([], "listing_page", None)
    merged = _merge(found)
    if not heuristic or all(merged.get(key) not in _EMPTY for key in _HEURISTIC_FILLS):
        if found:
            brand = merged.get("brand")
            first_heading = cache(lambda: _first_heading(selector, brand))  # read at most once
            titled = _heading_over_opengraph(found, lambda: first_heading().text, True)
            titled = _heading_over_name(titled, first_heading)
            if heuristic:
                limit = _stated_limit(selector)
                # Made to order overrules no declared availability: not walked for.
                stated = stated_availability(
                    selector, url, language, limit=limit, made_to_order=False
                )
                titled = _stated_over_structured(titled, stated)
                # The visible page read in full, at most once, only where it settles
                # what the structured data leaves open.
                visible = cache(
                    lambda: read_page(selector, url, language, described=True, limit=limit)
                )
                titled = _shown_offer(titled, visible, url, language)
                if not stated:
                    titled = _buyable_over_disagreeing(titled, visible)
            return Sources(titled, None, None)
        if broken_only and not structured:
            return Sources(found, "broken_jsonld", None)
        return Sources(found, "no_product" if structured else "no_structured_data", None)
    reading = read_page(selector, url, language, described=bool(found))
    if found and reading.reason in _NO_OWN_PRODUCT and merged.get("price") in _EMPTY and results:
        # A product named without a price on a search's page (by its URL or its own
        # structured data) whose visible part is a list of products' cards: one of the
        # results (Lazada puts one in its search page's JSON-LD), not the page's own; or
        # whose visible part shows no product at all (no price, buy control or stock
        # label: the results are drawn by scripts), under a search template's tags
        # ("og:type product", "og:title" "* - Buy * at Best Price").
        return Sources([], "listing_page", None)
    if reading.fields and found:
        # Only the gaps that sent us here: a description, images or seller read from
        # the visible page would change the content hash of listings already stored.
        gaps = {k: v for k, v in reading.fields.items() if k in _HEURISTIC_FILLS + ("currency",)}
        found = _heading_over_opengraph(found, lambda: reading.fields.get("title"))
        found = _heading_over_name(found, lambda: _first_heading(selector, merged.get("brand")))
        found = _stated_over_structured(found, reading.stated)
        found = _sale_over_structured(found, reading, url, language)
        return Sources([*found, ("heuristic", gaps)], None, None)
    if reading.fields:
        return Sources([("heuristic", reading.fields)], None, reading.confidence)
    if found:
        return Sources(found, None, None)
    if broken_only and not structured:
        return Sources(found, "broken_jsonld", None)
    return Sources(found, "no_product" if structured else reading.reason, None)


def _stated_limit(selector: Selector) -> int:
    """Elements read for the stock words: `_STATED_ELEMENTS`, or `_AFTER_HEADING` past
    the first <h1> when that reaches further."""
    h1 = next(selector.root.iter("h1"), None) if selector.root is not None else None
    if h1 is None:
        return _STATED_ELEMENTS
    return max(_STATED_ELEMENTS, int(_BEFORE(h1)) + _AFTER_HEADING)


def _stated_over_structured(
    found: list[tuple[str, dict]], stated: str | None
) -> list[tuple[str, dict]]:
    """The availability the visible page states in words (`HeuristicReading.stated`: a
    stock label, "Sold out", "Temporarily on backorder", "Nicht lagernd") over the one
    structured data declares: a shopper reads the page, and shops leave their JSON-LD's
    or microdata's availability stale or fixed. A buy button alone does not overrule a
    declared value (the page states nothing about stock then), and neither does "made to
    order" (定制, custom-made): it says how the product is made, in titles, seller names and
    related products' links as often as in a stock line, so a declared InStock or
    OutOfStock stands beside it."""
    if not stated or stated == MADE_TO_ORDER:  # describes the product, not its stock
        return found
    return [
        (name, {**fields, "availability": stated} if fields.get("availability") else fields)
        for name, fields in found
    ]


def _sale_over_structured(
    found: list[tuple[str, dict]], reading: Any, url: str, language: str | None
) -> list[tuple[str, dict]]:
    """The sale price the product's own box prints over a declared price that is the
    struck one beside it ("<del>439.000 đ</del> 100.000 đ" under an og:price of 439.000):
    shops leave their structured price at the regular one while a sale runs."""
    now, was = reading.sale
    priced = next((i for i, (_n, f) in enumerate(found) if f.get("price") not in _EMPTY), None)
    if now is None or not was or priced is None:
        return found
    name, fields = found[priced]
    declared, _ = parse_price(
        fields["price"],
        currency_hint=fields.get("currency") if isinstance(fields.get("currency"), str) else None,
        language=language,
        domain=urlsplit(url).hostname,
    )
    if declared is None or declared == now or declared not in was:
        return found
    sale = {**fields, "price": reading.fields["price"]}
    return [*found[:priced], (name, sale), *found[priced + 1 :]]


def _shown_offer(
    found: list[tuple[str, dict]], visible: Callable[[], Any], url: str, language: str | None
) -> list[tuple[str, dict]]:
    """The price the product's box prints, when the structured data offers the product
    at several prices (one offer per variant, size or condition) and the printed one is
    one of them: the variant the page shows selected, whose price a buyer pays; the
    lowest offer is another variant's. Read only on such pages (one more walk)."""
    priced = next((i for i, (_n, f) in enumerate(found) if f.get("price") not in _EMPTY), None)
    if priced is None or len(found[priced][1].get("offer_prices") or ()) < _VARIANT_PRICES:
        return found
    name, fields = found[priced]
    printed = (visible().fields or {}).get("price")
    if not printed:
        return found
    hint = fields.get("currency") if isinstance(fields.get("currency"), str) else None
    shown, _ = parse_price(
        printed, currency_hint=hint, language=language, domain=urlsplit(url).hostname
    )
    if shown is None or shown == fields["price"] or shown not in fields["offer_prices"]:
        return found
    return [*found[:priced], (name, {**fields, "price": shown}), *found[priced + 1 :]]


_VARIANT_PRICES = 2  # distinct offer prices that make a product's price a variant's


def _buyable_over_disagreeing(
    found: list[tuple[str, dict]], visible: Callable[[], Any]
) -> list[tuple[str, dict]]:
    """Structured sources that disagree on the stock (microdata "OutOfStock", OpenGraph
    "InStock"; or two nodes of the same product in one source, "LimitedAvailability" and
    "InStock") on a page whose words state none: the visible page's reading (an enabled
    buy control makes it InStock) settles it when it is one of the declared values."""
    declared = {f["availability"] for _n, f in found if f.get("availability") not in _EMPTY}
    declared.update(*(f.get("availabilities") or () for _n, f in found))
    if len(declared) < _DISAGREEING:
        return found
    read = (visible().fields or {}).get("availability")
    if read not in declared:
        return found
    return [
        (name, {**fields, "availability": read} if fields.get("availability") else fields)
        for name, fields in found
    ]


_DISAGREEING = 2


def _is_home(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.query and parts.path.rstrip("/").casefold() in _HOME_PATHS


def _showcase(items: list, selector: Selector, home: bool) -> bool:
    """Whether the structured data holds `_SHOWCASE` or more differently named products
    at its top and the page is a list of them: a home page, or a page whose headings
    and <title> name none of them (a category's "Cases", a search's words). A product
    page describing its related products beside its own names its own in its <h1> (one
    of the first `_FIRST_H1S`: the first may be the shop's logo) or its <title>; a page
    without a heading is not judged."""
    names = {clean_text(p.get("name")) for p in find_products(items)} - {None, ""}
    if len(names) < _SHOWCASE:
        return False
    if home:
        return True
    if selector.root is None:
        return False
    h1s = (h1 for h1 in selector.root.iter("h1") if not _set_apart(h1))
    headings = [_words(heading_text(h1) or "") for h1 in islice(h1s, _FIRST_H1S)]
    if not any(headings):
        return False
    # Words kept apart and matched whole: a search for "edge 60 pro 256gb" is not the
    # name "Edge 60 Pro 256 Gb Azul", as their squashed letters would say.
    title = _words(selector.root.findtext(".//title") or "")
    for name in map(_words, names):
        if f" {name} " in f" {title} ":
            return False
        if any(h and (f" {h} " in f" {name} " or f" {name} " in f" {h} ") for h in headings):
            return False
    return True


_WORD_RE = re.compile(r"\w+")


def _words(text: str) -> str:
    return " ".join(_WORD_RE.findall(text.casefold()))


def _compares_offers(items: list) -> bool:
    """Whether a product at the top of the structured data is offered only through an
    AggregateOffer counting at least `_COMPARED` offers: the offers of several shops
    (a price comparison's product page), or of several sellers on a marketplace."""
    for product in find_products(items):
        offers = product.get("offers")
        if not isinstance(offers, dict) or "aggregateoffer" not in types(offers):
            continue
        count = str(offers.get("offerCount") or "").strip()
        if count.isdigit() and int(count) >= _COMPARED:
            return True
    return False


def _lists_offers(selector: Selector, url: str, language: str | None) -> bool:
    """Whether the visible page lists offers instead of taking an order: no buy control,
    enabled or not (a marketplace's page of several sellers has its buy box, which
    scripts may enable; a comparison links away to the shops), and prices printed as
    rows or cards (`heuristic_walk.REPEATED` in its main part). A shop's own page
    with a price range and no cart ("contact us to order") prints one price."""
    if selector.root is None or not has_price_candidates(selector.root, REPEATED):
        return False  # fewer prices than `REPEATED` rows, without the walk
    reading = walk(selector.root, language, urlsplit(url).hostname, sellers=False)
    rows = sum(1 for price in reading.prices if price.card and not price.elsewhere)
    return not reading.buttons and rows >= REPEATED


def _is_search(url: str) -> bool:
    parts = urlsplit(url)
    return cues.is_search_url(parts.path + ("?" + parts.query if parts.query else ""))


def _without_shop_suffix(
    found: list[tuple[str, dict]], selector: Selector
) -> list[tuple[str, dict]]:
    """A structured or profile name that ends with the shop's name after a separator
    ("… 【ウイスキー】｜リカーズ スリーライン" in Rakuten's microdata, "Name | Shop", "Name -
    Shop") loses that part, when the part is the shop's name as the page says it
    elsewhere: its og:site_name, a seller a source names, or the part the page's <title>
    or og:title ends with after the rest of the name ("【楽天市場】…【ウイスキー】：リカーズ
    スリーライン"). A <title> ending with the same part after other words shares a detail
    of the item ("Eiko H11BCVSU-BP - Headlight - 55 Watt - T3.25" beside the name "H11B
    Headlight - ClearVision Supreme - 55 Watt - T3.25"), not the shop's name."""
    source = next((name for name, fields in found if fields.get("title")), None)
    if source not in _NAMED_BY:
        return found
    fields = next(fields for name, fields in found if name == source)
    title = fields["title"]
    head, tail = _last_part(title, _NAME_SEPARATORS_RE)
    if not squash(head) or not squash(tail):
        return found
    if squash(tail) not in _shop_names(found, selector, title, head):
        return found
    kept = {**fields, "title": head}
    return [(name, kept if name == source else f) for name, f in found]


_NAMED_BY = ("jsonld", "microdata", "rdfa", "css")  # the sources a shop names its item in
# Separators before a shop's name in a product's name, and in a page's <title> (where a
# full-width colon sets it off too: "【楽天市場】…：Shop").
_NAME_SEPARATORS_RE = re.compile(r"\s*[|｜︱]\s*|\s+[-–—]\s+")
_TITLE_SEPARATORS_RE = re.compile(r"\s*[|｜︱：]\s*|\s+[-–—:]\s+")


def _last_part(text: str, separators: re.Pattern) -> tuple[str, str]:
    """(the text before its last separator, the part after it); ("", "") without one."""
    last = None
    for last in separators.finditer(text):  # noqa: B007 - the last match is wanted
        pass
    if last is None:
        return "", ""
    return text[: last.start()].strip(), text[last.end() :].strip()


def _shop_names(
    found: list[tuple[str, dict]], selector: Selector, title: str, head: str
) -> set[str]:
    """The shop's name as the page gives it (see `_without_shop_suffix`), squashed; `head`
    is the name (`title`) without its last part. A <title> that is the name itself says
    nothing of the shop ("Cup - Red" in both)."""
    site_name, title_tag, og_title = _head_names(selector.root)
    names = [fields.get("seller") for _n, fields in found] + site_name
    for text in title_tag + og_title:
        before, after = _last_part(text, _TITLE_SEPARATORS_RE)
        if squash(text) != squash(title) and squash(head) in squash(before):
            names.append(after)
    return {squash(name) for name in names if isinstance(name, str)} - {""}


def _head_names(root: Any) -> tuple[list[str], list[str], list[str]]:
    """The first og:site_name, <title> text and og:title of the page's <head> (a list of
    one, or empty): what the XPaths "//head/meta[@property='og:site_name']/@content",
    "//head/title/text()" and "//head/meta[@property='og:title']/@content" find first,
    read from the head's children without three XPath evaluations."""
    site_name: list[str] = []
    title: list[str] = []
    og_title: list[str] = []
    if root is None:
        return site_name, title, og_title
    for head in root.iter("head"):
        for child in head:
            if child.tag == "meta":
                prop, content = child.get("property"), child.get("content")
                if content is None:
                    continue
                if prop == "og:site_name" and not site_name:
                    site_name.append(content)
                elif prop == "og:title" and not og_title:
                    og_title.append(content)
            elif child.tag == "title" and not title:
                # Its text nodes: the text, then the tail of anything inside it.
                texts = [child.text, *(node.tail for node in child)]
                title += [text for text in texts if text][:1]
    return site_name, title, og_title


def _heading_over_opengraph(
    found: list[tuple[str, dict]], read_heading: Callable[[], str | None], separated: bool = False
) -> list[tuple[str, dict]]:
    """og:title is often the page's heading plus the site's name, an SKU or a price
    ("Knit Cardigan 6468744 | Shop"): when the listing's title would be og:title and the
    heading the visible page gives (`read_heading`, read only then) is inside it, the
    heading is the title. `separated` (a heading the heuristic did not choose, only the
    page's first <h1>): only when what og:title adds is set off by a separator
    ("€97.39 40% OFF|Name"), so that a longer name ("Face Replica" in "Face Replica From
    Your Photos") is kept."""
    title = next((fields["title"] for _f, fields in found if fields.get("title")), None)
    og = next((fields for name, fields in found if name == "opengraph"), None)
    if og is None or not title or og.get("title") != title:
        return found
    heading = read_heading()
    if not heading:
        return found
    inner, outer = squash(heading), squash(title)
    if not inner or inner == outer or inner not in outer:
        return found
    if separated and not _set_off(title, heading):
        return found
    return [
        (name, {**fields, "title": heading} if fields is og else fields) for name, fields in found
    ]


def _heading_over_name(
    found: list[tuple[str, dict]], read_heading: Callable[[], Heading]
) -> list[tuple[str, dict]]:
    """A structured name (JSON-LD, microdata, RDFa) that the page's heading shows with
    more around it gives way to the heading, the name as a shopper reads it: the brand
    before it ("Braqeez" + "sandalen blauw", "iiyama" + "G-Master GB2470HSU-W5, ..."),
    the line after it; and a name that is the heading plus a part set off by a separator
    ("Monedero - black" over the heading "Monedero") gives way too. A heading holding
    the name inside a much longer text (a whole block) is not taken.

    The other way round too: a name that is the heading with a brand or a gender before
    it ("Women's" + "Linen Wide Leg Pants") gives way to the heading (a name that runs on
    after it, "LED Face Mask" + "Light Therapy 7 Colours", is kept: it says more); and so
    does a name that is the heading's words with other signs ("23.8''" for the heading's
    '23.8"'). Where the heading sets the brand in an element of its own beside the name
    (`Heading.name`), the name part is the title when the structured name is the whole
    heading or shows that part with more around it. A name that is the heading written
    twice over ("Name Name": the template joined the name to itself) gives way too."""
    source = next((name for name, fields in found if fields.get("title")), None)
    if source not in ("jsonld", "microdata", "rdfa"):
        return found
    title = next(fields["title"] for name, fields in found if name == source)
    heading = read_heading()
    if not heading.text:
        return found
    chosen = None
    whole = squash(title)
    if heading.name and (
        whole in (squash(heading.text), squash(heading.name)) or _shows(title, heading.name)
    ):
        chosen = heading.name
    elif _shows(title, heading.text) or whole == squash(heading.text) * 2:
        chosen = heading.text  # ... or the heading written twice, a template's slip
    if chosen is None:
        return found
    return [
        (name, {**fields, "title": chosen} if name == source else fields) for name, fields in found
    ]


def _shows(title: str, heading: str) -> bool:
    """Whether the page's `heading` is the structured name `title` as a shopper reads it
    (see `_heading_over_name`)."""
    inner, outer = squash(title), squash(heading)
    if not inner or not outer:
        return False
    if inner == outer:
        # The same words with other signs; a heading whose words run together where the
        # name spaces them ("Lip NectarBêtise") is not the better spelling.
        words = len(_WORD_RE.findall(heading))
        return _folded(title) != _folded(heading) and words >= len(_WORD_RE.findall(title))
    # A name in full-width letters ("Ｘｅｎｏｂｌａｄｅ") that the heading prints in plain
    # ones: the heading's letters are the ones a shopper reads.
    if _WIDE_RE.search(title) and squash(_narrow(title)) == squash(_narrow(heading)):
        return True
    if _framed(heading, title) or (outer in inner and _set_off(title, heading)):
        return True
    return _framed(title, heading)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


_WIDE_RE = re.compile("[\uff01-\uff5e]")  # full-width forms of ASCII letters and signs


def _narrow(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


_HEADING_GROWTH = 3  # a heading at most this many times the name's length holds it


def _framed(heading: str, name: str) -> bool:
    """Whether `heading` is `name` with a brand before it ("Braqeez sandalen blauw"), not
    the name's own first word again ("AMD" + "AMD Ryzen 5"), or with a part after it set
    off by a separator ("Balsam ... - Oribe Signature Conditioner"); not a name with
    words run on after it ("Prism auf CD", "Sandstone134/4466": other elements' text)."""
    folded, part = " ".join(heading.split()).casefold(), " ".join(name.split()).casefold()
    start = folded.find(part)
    if start < 0 or len(heading) > _HEADING_GROWTH * len(name):
        return False
    before, after = folded[:start].strip(), folded[start + len(part) :].strip()
    if before and not after:
        return not part.startswith(before)
    return bool(after) and not before and after[0] in _SEPARATORS


_SEPARATORS = "|–—-:·•/,"


def _set_off(title: str, heading: str) -> bool:
    """Whether `heading` appears in `title` with a separator between it and every
    other part of the title."""
    start = title.casefold().find(heading.casefold())
    if start < 0:
        return False
    before, after = title[:start].rstrip(), title[start + len(heading) :].lstrip()
    return (not before or before[-1] in _SEPARATORS) and (not after or after[0] in _SEPARATORS)


class Heading(NamedTuple):
    """The page's first product heading: its text as a shopper sees it (`text`), and its
    name part (`name`): that text without a brand the heading sets in an element of its
    own (a class, itemprop or data-* name saying brand, designer, vendor), None when it
    holds none."""

    text: str | None
    name: str | None = None


def _first_heading(selector: Selector, brand: object = None) -> Heading:
    """The page's first <h1>, read as the heuristic reads headings; for the pages whose
    other sources leave no gap for the heuristic, so that an og:title with a price or
    a shop name around the heading ("€97.39 40% OFF|Name") still gives way to it. An
    <h1> inside a dialog ("We think you are in Vietnam. Update your location?") is not
    the page's, nor one in a shop header (the seller's name, `in_shop_header`); text only
    screen readers get is not part of it. An <h1> that is only the product's `brand` (as
    its structured data names it: "<h1>Arrow</h1><h1>2-Piece Formal Suit</h1>") is the
    brand's line over the name, not the name: the next one is."""
    if selector.root is None:
        return Heading(None)
    brand = squash(brand) if isinstance(brand, str) and brand.strip() else None
    # The first <h1> with a text (an empty one holds a logo's picture).
    h1s = (h1 for h1 in selector.root.iter("h1") if not _set_apart(h1))
    headings = (_heading_parts(h1) for h1 in islice(h1s, _FIRST_H1S))
    return next(
        (h for h in headings if h.text and (brand is None or squash(h.text) != brand)),
        Heading(None),
    )


_DIALOG_ROLES = frozenset({"dialog", "alertdialog", "modal"})


def _set_apart(h1: etree._Element) -> bool:
    """Whether the heading is inside a dialog (any ancestor) or a shop header (itself or
    one of `SHOP_HEADER_DEPTH` ancestors, `in_shop_header`): one walk up for both."""
    if h1.attrib and cues.is_shop_header_attr(attributes(h1)):
        return True
    for depth, node in enumerate(h1.iterancestors()):
        if node.tag == "dialog":
            return True
        if not node.attrib:
            continue
        if node.get("role") in _DIALOG_ROLES or node.get("aria-modal") == "true":
            return True
        if depth < SHOP_HEADER_DEPTH and cues.is_shop_header_attr(attributes(node)):
            return True
    return False


def _heading_parts(h1: Any) -> Heading:
    """`Heading` of one <h1>: read on a copy without its screen-reader-only parts, then
    without its brand part. A heading whose parts carry no attribute has neither (the
    common <h1>Name</h1>: no scan, no copy)."""
    parts = [d for d in h1.iterdescendants() if isinstance(d.tag, str)] if len(h1) else []
    if not any(d.attrib for d in parts):
        return Heading(heading_text(h1))
    hidden = [d for d in parts if cues.is_reader_only_class(d.get("class") or "")]
    brands = [d for d in parts if d.attrib and cues.is_brand_attr(attributes(d))]
    if not hidden and not brands:
        return Heading(heading_text(h1))
    copy = deepcopy(h1)
    copies = [d for d in copy.iterdescendants() if isinstance(d.tag, str)]
    for index, part in enumerate(parts):
        if part in hidden:
            copies[index].drop_tree()
    text = heading_text(copy)
    dropped = False
    for index, part in enumerate(parts):
        kept = any(a is copy for a in copies[index].iterancestors())  # not in a dropped part
        said = _folded("".join(copies[index].itertext()))
        # A brand before or after the name, not a word inside it ("Steel wheel <span
        # itemprop=brand>Peugeot</span> 206").
        ends = bool(text and said) and _folded(text).startswith(said) != _folded(text).endswith(
            said
        )
        if part in brands and kept and ends:
            copies[index].drop_tree()
            dropped = True
    name = heading_text(copy) if dropped else None
    return Heading(text, name if name and name != text else None)


def _printed_rounding(
    price: Decimal | None,
    found: list[tuple[str, dict]],
    currency: str | None,
    language: str | None,
    url: str,
) -> Decimal | None:
    """The printed price when the declared one is the same amount with more decimal
    places than the page prints (og:price:amount 637.002401 beside "$637.00"): a
    buyer pays what is printed, the rest is the shop's arithmetic (a price computed
    from a net price and a tax rate). Read only where the visible page was read (the
    heuristic source filled a gap)."""
    printed = next((f.get("price") for n, f in found if n == "heuristic"), None)
    if price is None or not printed:
        return price
    shown, _ = parse_price(
        printed, currency_hint=currency, language=language, domain=urlsplit(url).hostname
    )
    if shown is None or not isinstance(price.as_tuple().exponent, int):
        return price
    places = shown.as_tuple().exponent
    if not isinstance(places, int) or price.as_tuple().exponent >= places:
        return price
    return shown if price.quantize(shown, rounding=ROUND_HALF_UP) == shown else price


def _merge(found: list[tuple[str, dict]]) -> dict:
    """Per field, the first source's value; later sources fill only what is missing."""
    merged: dict[str, Any] = {}
    for _format, fields in found:
        for key, value in fields.items():
            if merged.get(key) in _EMPTY and value not in _EMPTY:
                merged[key] = value
    priced = next((fields for _f, fields in found if fields.get("price") not in _EMPTY), {})
    merged["price"] = priced.get("price")
    # The priced source's currency, unless it names none we read ("UAN"): then the
    # first source's that does.
    declared = [priced.get("currency")] + [fields.get("currency") for _f, fields in found]
    merged["currency"] = next(
        (c for c in declared if names_a_currency(c)), priced.get("currency") or None
    )
    return merged


def extract_listing(
    response: TextResponse,
    site: str,
    profile: Mapping[str, Any] | None = None,
    *,
    heuristic: bool = True,
) -> Listing:
    """The listing a product page describes (see the module docstring for the rules).

    `profile` maps listing fields to CSS/XPath selectors (`crawler.extract.selectors`);
    an invalid profile raises ValueError. Raises `NotAListing` with a reason.
    With `heuristic=False` the visible page is not read: structured data and the
    profile only, and a page without them is ``no_structured_data`` as before the
    heuristic source (a recheck of a listing first read from structured data or a
    shop's API compares like with like).
    """
    if not isinstance(response, HtmlResponse):
        raise NotAListing("no_structured_data")
    text, selector = response_page(response)
    return extract_from_page(response, text, selector, site, profile, heuristic=heuristic)


def extract_from_page(
    response: TextResponse,
    text: str,
    selector: Selector,
    site: str,
    profile: Mapping[str, Any] | None = None,
    *,
    heuristic: bool = True,
) -> Listing:
    """As `extract_listing`, for a page already decoded (`text`) and parsed (`selector`:
    `response.selector` when `text` is `response.text`, else `parse_page(text)`).

    `response` gives the page's URL, base URL and headers; its body is not read again.
    """
    declared_language = page_language(response, selector)
    found, reason, confidence = find_sources(
        response.url, text, selector, profile, declared_language, heuristic
    )
    if reason:
        raise NotAListing(reason)
    fields = _merge(found)
    if not fields.get("title"):
        raise NotAListing("no_title")
    language = fields.get("language") or declared_language or fields.get("locale")
    hint = fields["currency"] if isinstance(fields["currency"], str) else None
    price, currency = parse_price(
        fields["price"],
        currency_hint=hint,
        language=language,
        domain=urlsplit(response.url).hostname,
    )
    priced_by = next((name for name, f in found if f.get("price") not in _EMPTY), None)
    if priced_by in _STRUCTURED:
        price = consumer_price(text, price, currency) or price  # net beside the gross one
        price = _printed_rounding(price, found, currency, language, response.url)
    seller_url = fields.get("seller_url")
    urls = listing_urls(response, selector)
    source_format = found[0][0]
    return Listing(
        url=urls.key,
        site=site,
        title=fields["title"],
        description=fields.get("description"),
        external_id=fields.get("external_id"),
        price=price,
        currency=currency,
        seller=fields.get("seller"),
        seller_url=response.urljoin(seller_url) if isinstance(seller_url, str) else None,
        brand=fields.get("brand"),
        images=absolute_urls(fields.get("images_raw"), response),
        language=language,
        category=fields.get("category"),
        availability=fields.get("availability"),
        fetched_at=datetime.now(UTC),
        source_format=source_format,
        extraction_confidence=confidence if source_format == "heuristic" else None,
        fetched_url=urls.fetched,
        canonical_url=urls.canonical,
    )
