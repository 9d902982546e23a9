"""CSS/XPath selectors from a site profile: the source before the heuristic one.

A profile is a mapping of listing fields to selectors, for shops with no (or
incomplete) structured data:

    {"title": "css:h1.product-title::text",
     "price": ["css:.price .sale::text", "css:.price::text"],   # first that matches
     "description": "xpath://div[@id='desc']//text()",
     "images": "css:.gallery img::attr(src)",
     "currency": "CNY", "language": "zh-CN"}                    # literal values

Keys (`PROFILE_KEYS`): title, description, price, currency, availability, brand,
seller, seller_url, images, category, external_id, language. A value is a
selector string ("css:…" or "xpath:…") or a list of them tried in order;
currency, language, brand, seller, category and availability may also be a
literal value (no prefix). A selector may select text (::text, text()),
attributes (::attr(src), @src) or elements (their text is taken). From the matches:
description joins them all, images keeps them all (resolved against the page),
every other field takes the first non-empty one. Prices are read as text by
`crawler.extract.prices` (so "¥8800-23000" or "36元" work). Availability is read by
`normalize_availability`'s stock words ("Sold out", "在庫あり"); a short text stating none
that is a buy control's label ("Add to cart", "購入手続きへ", `cues.is_buy_label`) is
`InStock`, as an enabled buy button is on the visible page: point the selector at an
enabled control (`button:not([disabled])`) where a shop disables its button without
changing its label.

`validate_profile` lists what is wrong with a profile (the site-profile loader
reports it); `extract_listing` raises ValueError for an invalid profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.fields import clean_text, normalize_availability

PROFILE_KEYS = (
    "title",
    "description",
    "price",
    "currency",
    "availability",
    "brand",
    "seller",
    "seller_url",
    "images",
    "category",
    "external_id",
    "language",
)
LITERAL_KEYS = frozenset({"currency", "language", "brand", "seller", "category", "availability"})
_PREFIXES = ("css:", "xpath:")
_BUY_LABEL = 60  # characters of the longest text read as a buy control's label
_TRANSLATOR = HTMLTranslator()


def _values(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def validate_profile(profile: Mapping[str, Any]) -> list[str]:
    """Every problem with a profile, as "key: reason" lines; [] when it is valid."""
    problems = []
    for key, value in profile.items():
        if key not in PROFILE_KEYS:
            problems.append(f"{key}: unknown field (expected one of {', '.join(PROFILE_KEYS)})")
            continue
        for item in _values(value):
            if not isinstance(item, str) or not item.strip():
                problems.append(f"{key}: expected a selector string, got {item!r}")
            elif not item.startswith(_PREFIXES):
                if key not in LITERAL_KEYS:
                    problems.append(f"{key}: {item!r} must start with css: or xpath:")
            else:
                problem = _selector_problem(item)
                if problem:
                    problems.append(f"{key}: {item!r}: {problem}")
    return problems


def _selector_problem(selector: str) -> str | None:
    kind, _, expr = selector.partition(":")
    try:
        if kind == "css":
            _TRANSLATOR.css_to_xpath(expr)
        else:
            etree.XPath(expr)
    except Exception as exc:  # noqa: BLE001 - cssselect and lxml raise several types
        return f"invalid {kind} selector ({exc})"
    return None


def _matches(selector: Selector, spec: str) -> list[str]:
    kind, _, expr = spec.partition(":")
    found = selector.css(expr) if kind == "css" else selector.xpath(expr)
    return [value for value in found.getall() if isinstance(value, str)]


def _field(selector: Selector, key: str, value: Any) -> Any:
    for spec in _values(value):
        if not spec.startswith(_PREFIXES):
            return spec.strip()  # a literal
        matches = _matches(selector, spec)
        if key == "images":
            urls = [m.strip() for m in matches if m.strip()]
            if urls:
                return urls
        elif key == "description":
            text = clean_text(" ".join(matches))
            if text:
                return text
        else:
            text = next((t for t in (clean_text(m) for m in matches) if t), None)
            if text:
                return text
    return None


def profile_fields(selector: Selector, profile: Mapping[str, Any]) -> tuple[dict | None, bool]:
    """(listing fields the profile's selectors find or None, whether any matched)."""
    problems = validate_profile(profile)
    if problems:
        raise ValueError("invalid extraction profile: " + "; ".join(problems))
    found = {key: _field(selector, key, value) for key, value in profile.items()}
    if not any(found.get(key) for key in PROFILE_KEYS if key not in LITERAL_KEYS):
        return None, False
    images = found.pop("images", None) or []
    found["availability"] = _availability(found.get("availability"))
    return {**found, "images_raw": images}, True


def _availability(text: Any) -> str | None:
    """The availability a profile's text states: its stock words, else InStock for the
    label of a buy control ("購入手続きへ", proceed to purchase, on Mercari's button)."""
    stated = normalize_availability(text, search=True)
    if stated or not isinstance(text, str) or len(text) > _BUY_LABEL:
        return stated
    return "InStock" if cues.is_buy_label(text) else None
