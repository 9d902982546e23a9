"""Extraction: an HTML response -> one `Listing`, from schema.org Product JSON-LD.

Pure functions of the response: no network, no state, no Scrapy engine needed.
A page with no usable Product raises `NotAListing` naming why, so the spider can
count what it drops (`maskscreen/dropped/<reason>`).
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from scrapy.http import HtmlResponse, TextResponse
from w3lib.html import remove_tags
from w3lib.url import url_query_cleaner

from crawler.items import Listing
from crawler.prices import parse_price

logger = logging.getLogger(__name__)

REASONS = ("no_jsonld", "broken_jsonld", "no_product", "no_title")


class NotAListing(Exception):
    """The page holds no usable product; `reason` is one of `REASONS`."""

    def __init__(self, reason: str):
        if reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        super().__init__(reason)
        self.reason = reason


# Query parameters that track the visitor rather than name the page.
TRACKING_PARAMS = frozenset({
    "spm", "spm_id_from", "scm", "fbclid", "gclid", "gclsrc", "dclid", "msclkid",
    "yclid", "mc_cid", "mc_eid", "igshid", "_ga", "_gl", "ref", "ref_", "ref_src",
    "srsltid", "trk", "pvid", "algo_pvid", "algo_expid", "aff_platform",
    "aff_trace_key", "aff_fcid", "aff_fsk", "sk",
})
TRACKING_PREFIXES = ("utm_", "pd_rd_", "pf_rd_")

PRODUCT_TYPES = frozenset({
    "product", "individualproduct", "productmodel", "productgroup", "someproducts",
})
AVAILABILITY = {name.lower(): name for name in (
    "InStock", "OutOfStock", "PreOrder", "PreSale", "BackOrder", "Discontinued",
    "InStoreOnly", "OnlineOnly", "LimitedAvailability", "SoldOut", "Reserved",
    "MadeToOrder",
)}

_SCRIPT_XPATH = (
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
    " 'abcdefghijklmnopqrstuvwxyz')='application/ld+json']/text()"
)
_CANONICAL_XPATH = (
    "//link[contains(concat(' ', translate(normalize-space(@rel),"
    " 'CANONICAL', 'canonical'), ' '), ' canonical ')]/@href"
)
_WRAPPER_RE = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
_BLOCK_TAG_RE = re.compile(r"<\s*/?\s*(?:br|p|div|li|ul|ol|tr|td|th|h[1-6]|hr)\b[^>]*>", re.I)
_ESCAPED_TAG_RE = re.compile(
    r"</?(?:p|br|div|span|b|i|u|em|strong|ul|ol|li|h[1-6]|table|tr|td|th|a|img|font|hr)"
    r"\b[^>]*>",
    re.I,
)
_SPACE_RE = re.compile(r"\s+")


def clean_url(url: str) -> str:
    """The URL without tracking parameters (utm_*, spm, fbclid, gclid, ref…) or fragment."""
    query = urlsplit(url).query
    tracking = sorted({
        key for key, _ in parse_qsl(query, keep_blank_values=True)
        if key.lower() in TRACKING_PARAMS or key.lower().startswith(TRACKING_PREFIXES)
    })
    return url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=False)


def clean_text(value: Any) -> str | None:
    """Plain text: HTML tags stripped, entities unescaped, whitespace collapsed."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    if not isinstance(value, str):
        return None
    text = remove_tags(_BLOCK_TAG_RE.sub(" ", value))
    text = html.unescape(text)
    text = _ESCAPED_TAG_RE.sub(" ", text)  # tags that were entity-escaped in the source
    text = _SPACE_RE.sub(" ", text).strip()
    return text or None


def parse_jsonld_blocks(response: TextResponse) -> tuple[list[Any], int]:
    """The parsed JSON-LD blocks of a page and how many blocks would not parse."""
    parsed, broken = [], 0
    for raw in response.xpath(_SCRIPT_XPATH).getall():
        text = _WRAPPER_RE.sub("", raw).strip()
        if not text:
            continue
        try:
            parsed.append(json.loads(text, strict=False))
        except ValueError:
            broken += 1
            logger.debug("unparseable JSON-LD block on %s", response.url)
    return parsed, broken


def _types(node: dict) -> set[str]:
    """The node's @type names, lowercased, without "schema:" or URL prefixes."""
    raw = node.get("@type", ())
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return {re.split(r"[:/#]", name)[-1].lower() for name in names if isinstance(name, str)}


def _top_nodes(blocks: list[Any]) -> Iterator[dict]:
    """Top-level nodes: blocks, array items, @graph members and their mainEntity."""
    for block in blocks:
        for node in block if isinstance(block, list) else [block]:
            if not isinstance(node, dict):
                continue
            graph = node.get("@graph")
            members = graph if isinstance(graph, list) else [graph] if graph else [node]
            for member in members:
                if not isinstance(member, dict):
                    continue
                yield member
                main = member.get("mainEntity")
                for entity in main if isinstance(main, list) else [main]:
                    if isinstance(entity, dict):
                        yield entity


def find_products(blocks: list[Any]) -> list[dict]:
    """Product nodes named at the top of the page (not products inside an ItemList)."""
    return [node for node in _top_nodes(blocks) if _types(node) & PRODUCT_TYPES]


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _name(value: Any) -> str | None:
    """A name from "Acme", {"name": "Acme"} or a list of either."""
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name")
    return clean_text(value)


def _pick_offer(offers: Any) -> dict:
    """The first offer that states a price (an AggregateOffer counts by lowPrice)."""
    candidates = [o for o in (offers if isinstance(offers, list) else [offers])
                  if isinstance(o, dict)]
    for offer in candidates:
        nested = offer.get("offers")
        if "aggregateoffer" in _types(offer) and not _has_price(offer) and nested:
            inner = _pick_offer(nested)
            if inner:
                return inner
        if _has_price(offer):
            return offer
    return candidates[0] if candidates else {}


def _has_price(offer: dict) -> bool:
    spec = _first(offer.get("priceSpecification"))
    return any(offer.get(key) not in (None, "") for key in ("price", "lowPrice")) or (
        isinstance(spec, dict) and spec.get("price") not in (None, "")
    )


def _offer_price(offer: dict, language: str | None) -> tuple[Any, str | None]:
    spec = _first(offer.get("priceSpecification"))
    spec = spec if isinstance(spec, dict) else {}
    raw = next((v for v in (offer.get("price"), offer.get("lowPrice"), spec.get("price"))
                if v not in (None, "")), None)
    hint = offer.get("priceCurrency") or spec.get("priceCurrency")
    return parse_price(raw, currency_hint=hint if isinstance(hint, str) else None,
                       language=language)


def _availability(value: Any) -> str | None:
    value = _first(value)
    if not isinstance(value, str) or not value.strip():
        return None
    short = re.split(r"[:/#]", value.strip().rstrip("/"))[-1]
    return AVAILABILITY.get(short.lower(), short)


def _images(value: Any, response: TextResponse) -> list[str]:
    urls: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, dict):
            item = item.get("url") or item.get("contentUrl")
            item = _first(item)
        if isinstance(item, str) and item.strip():
            url = response.urljoin(item.strip())
            if url not in urls:
                urls.append(url)
    return urls


def canonical_url(response: TextResponse) -> str:
    """<link rel=canonical> resolved against the page, else the page URL; no tracking."""
    href = response.xpath(_CANONICAL_XPATH).get()
    url = response.urljoin(href.strip()) if href and href.strip() else response.url
    if urlsplit(url).scheme not in ("http", "https"):
        url = response.url
    return clean_url(url)


def page_language(response: TextResponse) -> str | None:
    lang = response.xpath("/html/@lang").get() or response.xpath("//html/@xml:lang").get()
    return lang.strip().replace("_", "-") if lang and lang.strip() else None


def _language(product: dict, response: TextResponse) -> str | None:
    lang = _first(product.get("inLanguage"))
    if isinstance(lang, dict):
        lang = lang.get("alternateName") or lang.get("name")
    if isinstance(lang, str) and lang.strip():
        return lang.strip().replace("_", "-")
    return page_language(response)


def _string_id(product: dict) -> str | None:
    for key in ("sku", "productID"):
        value = _first(product.get(key))
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value).strip()
            if text:
                return text
    return None


def extract_listing(response: TextResponse, site: str) -> Listing:
    """The listing a product page describes in schema.org Product JSON-LD.

    Raises `NotAListing` with reason no_jsonld, broken_jsonld, no_product or no_title.
    """
    if not isinstance(response, HtmlResponse):
        raise NotAListing("no_jsonld")
    blocks, broken = parse_jsonld_blocks(response)
    if not blocks:
        raise NotAListing("broken_jsonld" if broken else "no_jsonld")
    products = find_products(blocks)
    if not products:
        raise NotAListing("no_product")
    named = [p for p in products if clean_text(p.get("name"))]
    if not named:
        raise NotAListing("no_title")
    product = next((p for p in named if p.get("offers")), named[0])

    language = _language(product, response)
    offer = _pick_offer(product.get("offers"))
    price, currency = _offer_price(offer, language)
    seller = offer.get("seller") or product.get("seller")
    seller_url = _first(seller).get("url") if isinstance(_first(seller), dict) else None
    return Listing(
        url=canonical_url(response),
        site=site,
        title=clean_text(product.get("name")),
        description=clean_text(product.get("description")),
        external_id=_string_id(product),
        price=price,
        currency=currency,
        seller=_name(seller),
        seller_url=response.urljoin(seller_url) if isinstance(seller_url, str) else None,
        brand=_name(product.get("brand")),
        images=_images(product.get("image"), response),
        language=language,
        category=_name(product.get("category")),
        availability=_availability(offer.get("availability")),
        fetched_at=datetime.now(timezone.utc),
        source_format="jsonld",
    )
