"""Structured data in a page: which syntaxes it holds, and their product fields.

`detect_syntaxes` looks for cheap substrings before anything is parsed, and only
the syntaxes present are parsed: extruct with every syntax costs about 50 times
more per page than JSON-LD alone, RDFa (pyRdfa + rdflib) being the slow one.

- JSON-LD: parsed here by hand (lenient: HTML-comment and CDATA wrappers, control
  characters in strings), counting the blocks that will not parse, so one broken
  block never hides a good one.
- microdata, RDFa, OpenGraph: extruct, one syntax at a time, so one that fails
  loses nothing else. RDFa comes back as expanded JSON-LD and is compacted here to
  the plain shape `crawler.extract.schema` reads.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import extruct
from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

from maskscreen.crawler.extract.fields import (
    clean_text,
    first,
    normalize_availability,
    short_type,
)

logger = logging.getLogger(__name__)

# The order sources are tried in (crawler.extract.page documents why).
SYNTAXES = ("json-ld", "microdata", "rdfa", "opengraph")
# Searched in the lower-cased page: case-sensitive patterns with a literal start are
# several times faster than re.IGNORECASE on a multi-megabyte page (and than an
# alternation at the start, hence two patterns for RDFa).
_DETECT = {
    "json-ld": (re.compile(r"application/ld\+json"),),
    "microdata": (re.compile(r"item(?:scope|type)"),),
    "rdfa": (re.compile(r"typeof\s*="), re.compile(r"vocab\s*=")),
    "opengraph": (re.compile(r"""property\s*=\s*["']?(?:og|product):"""),),
}
# The same patterns on the page encoded as ASCII with every other character replaced by
# "?" and lower-cased (bytes.lower: ASCII only), far cheaper than str.lower on a page
# that is not ASCII. The patterns are ASCII and no character outside ASCII lower-cases
# to one of their letters with nothing else (U+0130 gives "i" and a combining dot, the
# Kelvin sign "k": neither fits), so a match in text.lower() is a match here, "?"
# standing for the whitespace outside ASCII that str's \s matches (and
# \x1c-\x1f, which bytes' \s does not). A match with no "?" is one in
# text.lower() too; a match only with "?" is checked on text.lower() itself.
_ASCII_DETECT = {
    syntax: tuple(
        re.compile(p.pattern.replace("\\s", "[\\s\\x1c-\\x1f?]").encode("ascii")) for p in patterns
    )
    for syntax, patterns in _DETECT.items()
}
_SCRIPT_XPATH = etree.XPath(  # compiled once: lxml compiles a string XPath on every call
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
    " 'abcdefghijklmnopqrstuvwxyz')='application/ld+json']/text()",
    smart_strings=False,
)
_PROPERTY_RE = re.compile(r"[:/#]")
# "<!-- ... -->", "//<![CDATA[ ... //]]>", "<![CDATA[ ... ]]>" and the block-comment
# form templates print, "/*<![CDATA[*/ ... /*]]>*/".
_WRAPPER_RE = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)"
    r"|(?:-->|//\s*\]\]>|/\*\s*\]\]>\s*\*/|\]\]>)\s*$"
)
# The wrapper regex scans the whole block; a block that neither starts nor ends like a
# wrapper (nearly all) skips it.
_WRAPPER_STARTS = ("<!--", "//", "/*", "<![CDATA[")
_WRAPPER_ENDS = ("-->", "]]>", "*/")


def detect_syntaxes(text: str) -> list[str]:
    """The structured-data syntaxes the page text seems to hold, in source order (a
    pattern of `_DETECT` searched in `text.lower()`, through `_ASCII_DETECT` first)."""
    ascii_lowered = text.encode("ascii", "replace").lower()
    lowered: list[str] = []  # text.lower(), made only when the ASCII copy cannot tell

    def holds(pattern: re.Pattern, ascii_pattern: re.Pattern) -> bool:
        matched = False
        for match in ascii_pattern.finditer(ascii_lowered):
            if b"?" not in match.group():
                return True  # ASCII characters only: the same match in text.lower()
            matched = True
        if not matched:
            return False  # then none in text.lower() either
        if not lowered:
            lowered.append(text.lower())
        return bool(pattern.search(lowered[0]))

    return [
        syntax for syntax in SYNTAXES if any(map(holds, _DETECT[syntax], _ASCII_DETECT[syntax]))
    ]


def detect_syntaxes_plain(text: str) -> list[str]:
    """`detect_syntaxes` the plain way, every pattern searched in `text.lower()` (what
    the tests compare it with)."""
    lowered = text.lower()
    return [
        syntax for syntax in SYNTAXES if any(pattern.search(lowered) for pattern in _DETECT[syntax])
    ]


def parse_jsonld_blocks(selector: Selector, url: str = "") -> tuple[list[Any], int]:
    """The parsed JSON-LD blocks of a page and how many blocks would not parse."""
    parsed, broken = [], 0
    for raw in _SCRIPT_XPATH(selector.root):
        text = raw.strip()
        if text.startswith(_WRAPPER_STARTS) or text.endswith(_WRAPPER_ENDS):
            text = _WRAPPER_RE.sub("", raw).strip()
        if not text:
            continue
        try:
            parsed.append(json.loads(text, strict=False))
        except ValueError:
            broken += 1
            logger.debug("unparseable JSON-LD block on %s", url)
    return parsed, broken


def run_extruct(syntax: str, tree: HtmlElement, text: str, url: str) -> list[dict]:
    """extruct's items for one syntax ("microdata", "rdfa", "opengraph"); [] if it fails."""
    try:
        found = extruct.extract(
            text if syntax == "rdfa" else tree,  # RDFa needs extruct's own XML-DOM parse
            base_url=url,
            syntaxes=[syntax],
            uniform=syntax != "rdfa",
            with_og_array=True,
            errors="strict",
        )
    except Exception as exc:  # noqa: BLE001 - a broken syntax must not lose the page
        logger.debug("%s: extruct %s failed: %r", url, syntax, exc)
        return []
    return found.get(syntax, [])


def compact_rdfa(nodes: list[dict]) -> list[dict]:
    """Expanded JSON-LD (as extruct returns RDFa) -> plain nodes with short property names."""
    index = {node.get("@id"): node for node in nodes if isinstance(node, dict)}
    return [_compact(node, index, set()) for node in nodes if isinstance(node, dict)]


def _compact(node: dict, index: dict, seen: set[str]) -> dict:
    seen = seen | {node.get("@id", "")}
    out: dict[str, Any] = {"@type": [short_type(t) for t in node.get("@type", [])]}
    if node.get("@id"):
        out["@id"] = node["@id"]
    for key, values in node.items():
        if key.startswith("@"):
            continue
        items = []
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict) and "@value" in value:
                items.append(value["@value"])
            elif isinstance(value, dict) and "@id" in value:
                ref = value["@id"]
                target = index.get(ref)
                items.append(_compact(target, index, seen) if target and ref not in seen else ref)
        out[_PROPERTY_RE.split(key)[-1]] = _unwrap(items)  # "http://schema.org/price" -> "price"
    return out


def _unwrap(items: list) -> Any:
    return items[0] if len(items) == 1 else items


def opengraph_fields(items: list[dict]) -> tuple[dict | None, bool]:
    """(listing fields from OpenGraph product tags or None, whether the page is a product).

    A page is a product when og:type names one ("product", "product.item",
    "og:product") or it states a product:price:amount. Price: product:sale_price
    (what a buyer pays now) before product:price; original_price only when nothing else.
    """
    og: dict[str, Any] = {}
    for item in items:
        for key, value in item.items():
            og.setdefault(key.lower(), value)
    kind = " ".join(v for v in _list(og.get("@type")) if isinstance(v, str)).lower()
    price_keys = ("product:sale_price", "product:price", "og:price", "product:original_price")
    if "product" not in kind and not any(f"{k}:amount" in og for k in price_keys):
        return None, False
    raw_price = currency = None
    for key in price_keys:
        amount = _one(og.get(f"{key}:amount"))
        if amount not in (None, ""):
            raw_price, currency = amount, _one(og.get(f"{key}:currency"))
            break
    images = [
        *_list(og.get("og:image")),
        *_list(og.get("og:image:secure_url")),
        *_list(og.get("og:image:url")),
    ]
    locale = _one(og.get("og:locale"))
    return {
        "title": clean_text(_one(og.get("og:title"))),
        "description": clean_text(_one(og.get("og:description"))),
        "external_id": clean_text(_one(og.get("product:retailer_item_id"))),
        "price": raw_price,
        "currency": currency,
        "brand": clean_text(_one(og.get("product:brand"))),
        "images_raw": images,
        "locale": locale.replace("_", "-") if isinstance(locale, str) and locale else None,
        "category": clean_text(_one(og.get("product:category"))),
        "availability": normalize_availability(
            _one(og.get("product:availability")) or _one(og.get("og:availability"))
        ),
    }, True


def _list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _one(value: Any) -> Any:
    return first(value) if isinstance(value, list) else value
