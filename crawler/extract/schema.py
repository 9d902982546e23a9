"""schema.org Product nodes -> listing fields, for JSON-LD, microdata and RDFa alike.

The three syntaxes reach this module as the same shape: dicts with "@type",
property names without a vocabulary prefix, nested dicts for nested items.

Which node is the page's product: a ProductGroup if there is one, else the first
named Product that has offers, else the first named Product, else the first Product.
Products inside an ItemList (a category page) are not the page's product.

Which price (`Listing.price` is the price a buyer pays now, the lowest one):
- in one offer: `price` (or an AggregateOffer's `lowPrice`) and every
  priceSpecification that is not a was-price are current prices, and the lowest
  wins — so a SalePrice below the offer price wins, and a ListPrice /
  StrikethroughPrice / MSRP / SRP (the regular, "was" price) counts only when the
  offer states nothing else;
- across several offers, AggregateOffer members and ProductGroup variants: the
  lowest current price (zero is a placeholder, used only when nothing else is
  given) of the offers a buyer can have (not OutOfStock, SoldOut or Discontinued,
  unless none can be had: a sold-out variant's lower price is not paid by anyone);
  its offer also gives the currency, seller and availability.

How a price is read: schema.org asks for a plain number with "." as the decimal
point and no group separators, so a price written that way ("224.904", 224.904) is
that number, whatever the currency (the rules of `crawler.extract.prices` would read
"224.904" in euros as 224904); it is rounded to cents when it has more decimals
(a net price times VAT: the shop shows 224,90 €). Any other text ("1.299,00 €",
"$1,299") is read as a printed price.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from maskscreen.crawler.extract.fields import (
    UNAVAILABLE,
    clean_text,
    first,
    name_of,
    normalize_availability,
    short_type,
)
from maskscreen.crawler.extract.prices import parse_price

PRODUCT_TYPES = frozenset(
    {
        "product",
        "individualproduct",
        "productmodel",
        "productgroup",
        "someproducts",
    }
)
WAS_PRICE_TYPES = frozenset(
    {
        "listprice",
        "strikethroughprice",
        "msrp",
        "srp",
        "minimumadvertisedprice",
        "regularprice",
    }
)
_NESTED = ("mainEntity", "mainEntityOfPage", "about")
_MACHINE_NUMBER_RE = re.compile(r"\s*\d+(?:\.\d+)?\s*")
_CENT = Decimal("0.01")


def types(node: dict) -> set[str]:
    """The node's @type names, lowercased, without "schema:" or URL prefixes."""
    raw = node.get("@type", ())
    names = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return {short_type(name) for name in names if isinstance(name, str)}


def top_nodes(blocks: list[Any]) -> Iterator[dict]:
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
                for key in _NESTED:
                    entity = member.get(key)
                    for item in entity if isinstance(entity, list) else [entity]:
                        if isinstance(item, dict):
                            yield item


def find_products(blocks: list[Any]) -> list[dict]:
    """Product nodes named at the top of the page (not products inside an ItemList)."""
    return [node for node in top_nodes(blocks) if types(node) & PRODUCT_TYPES]


def id_index(blocks: list[Any]) -> dict[str, dict]:
    """Nodes by @id, to follow {"@id": …} references inside a @graph."""
    return {
        node["@id"]: node
        for node in top_nodes(blocks)
        if isinstance(node.get("@id"), str) and len(node) > 1
    }


def _resolve(value: Any, index: dict[str, dict]) -> Any:
    if isinstance(value, dict) and set(value) == {"@id"}:
        return index.get(value["@id"], value)
    return value


def _items(value: Any, index: dict[str, dict]) -> list[dict]:
    values = value if isinstance(value, list) else [value]
    return [item for item in (_resolve(v, index) for v in values) if isinstance(item, dict)]


def pick_product(products: list[dict]) -> dict | None:
    """The page's product among several (see the module docstring)."""
    named = [p for p in products if clean_text(p.get("name"))]
    groups = [p for p in named if "productgroup" in types(p) or p.get("hasVariant")]
    return (
        next(iter(groups), None)
        or next((p for p in named if p.get("offers")), None)
        or next(iter(named), None)
        or next(iter(products), None)
    )


def _variants(product: dict, products: list[dict], index: dict[str, dict]) -> list[dict]:
    variants = _items(product.get("hasVariant"), index)
    group_id = product.get("@id")
    for other in products:
        parent = first(other.get("isVariantOf"))
        if other is product or other in variants or not isinstance(parent, dict):
            continue
        if parent is product or (group_id and parent.get("@id") == group_id):
            variants.append(other)
    return variants


def _offers(node: dict, index: dict[str, dict]) -> list[dict]:
    """The node's offers, AggregateOffer members included after the aggregate."""
    found: list[dict] = []
    for offer in _items(node.get("offers"), index):
        found.append(offer)
        if "aggregateoffer" in types(offer):
            found += _items(offer.get("offers"), index)
    return found


def _amount(raw: Any) -> Decimal | None:
    machine = machine_amount(raw)
    if machine is not None:
        return machine
    return parse_price(raw)[0] if raw not in (None, "") else None


def machine_amount(raw: Any) -> Decimal | None:
    """A price written as schema.org asks (a number, or a string of digits with an
    optional "." decimal part), rounded to cents; None for anything else."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float, Decimal)):
        return None
    if isinstance(raw, str) and not _MACHINE_NUMBER_RE.fullmatch(raw):
        return None
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    if amount.as_tuple().exponent < -2:
        amount = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    return amount


def _current_price(offer: dict) -> tuple[Decimal | None, Any, Any]:
    """(amount, raw price, raw currency) a buyer pays now under this one offer."""
    now: list[tuple[Any, Any]] = [
        (offer.get(key), offer.get("priceCurrency")) for key in ("price", "lowPrice")
    ]
    was: list[tuple[Any, Any]] = []
    specs = offer.get("priceSpecification")
    for spec in specs if isinstance(specs, list) else [specs]:
        if not isinstance(spec, dict):
            continue
        price_types = {short_type(t) for t in _strings(spec.get("priceType"))}
        entry = (
            spec.get("price") or spec.get("minPrice"),
            spec.get("priceCurrency") or offer.get("priceCurrency"),
        )
        (was if price_types & WAS_PRICE_TYPES else now).append(entry)
    for candidates in (now, was):
        priced = [(_amount(raw), raw, cur) for raw, cur in candidates]
        priced = [entry for entry in priced if entry[0] is not None]
        if priced:
            return min(priced, key=_price_order)
    return None, None, None


def _price_order(entry: tuple[Decimal | None, Any, Any]) -> tuple[bool, Decimal]:
    amount = entry[0] if entry[0] is not None else Decimal("Infinity")
    return amount == 0, amount  # a zero price is a placeholder: last resort


def _strings(value: Any) -> list[str]:
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def _external_id(product: dict) -> str | None:
    for key in ("sku", "productID", "productGroupID", "mpn"):
        value = first(product.get(key))
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            text = str(value).strip()
            if text:
                return text
    return None


def _language(product: dict) -> str | None:
    lang = first(product.get("inLanguage"))
    if isinstance(lang, dict):
        lang = lang.get("alternateName") or lang.get("name")
    return lang.strip().replace("_", "-") if isinstance(lang, str) and lang.strip() else None


def product_fields(product: dict, products: list[dict], index: dict[str, dict]) -> dict:
    """Listing fields of one product node; price and currency still as the page wrote them.

    Images are left raw too (`images_raw`): the caller resolves them against the page.
    """
    variants = _variants(product, products, index)
    offers = [(offer, owner) for owner in [product, *variants] for offer in _offers(owner, index)]
    priced = [(_current_price(offer), offer) for offer, _owner in offers]
    priced = [(price, offer) for price, offer in priced if price[0] is not None]
    # A variant no one can buy does not set the price a buyer pays now.
    buyable = [
        (p, o)
        for p, o in priced
        if normalize_availability(o.get("availability")) not in UNAVAILABLE
    ]
    priced = buyable or priced
    price, offer = (
        min(priced, key=lambda p: _price_order(p[0]))
        if priced
        else ((None, None, None), next((o for o, _ in offers), {}))
    )
    availability = normalize_availability(offer.get("availability")) or next(
        (a for a in (normalize_availability(o.get("availability")) for o, _ in offers) if a),
        normalize_availability(product.get("availability")),
    )
    seller = offer.get("seller") or offer.get("offeredBy") or product.get("seller")
    seller_url = first(seller).get("url") if isinstance(first(seller), dict) else None
    image = product.get("image") or next((v.get("image") for v in variants if v.get("image")), None)
    return {
        "title": clean_text(product.get("name")),
        "description": clean_text(product.get("description")),
        "external_id": _external_id(product),
        "price": price[1] if machine_amount(price[1]) is None else machine_amount(price[1]),
        "currency": first(price[2]) if isinstance(first(price[2]), str) else None,
        "seller": name_of(seller),
        "seller_url": first(seller_url) if isinstance(first(seller_url), str) else None,
        "brand": name_of(product.get("brand")),
        "images_raw": image,
        "language": _language(product),
        "category": name_of(product.get("category")),
        "availability": availability,
        # Every price the buyable offers name: a page printing one of them (the variant
        # it shows selected) is read for it (`page._shown_offer`).
        "offer_prices": frozenset(
            amount for amount in (machine_amount(p[1]) for (p, _o) in priced) if amount
        ),
    }


def schema_fields(blocks: list[Any]) -> tuple[dict | None, bool]:
    """(fields of the page's product or None, whether any product node was found)."""
    products = find_products(blocks)
    product = pick_product(products)
    if product is None:
        return None, False
    index = id_index(blocks)
    fields = product_fields(product, products, index)
    # Another node of the same name (a page printing its product twice, once per
    # template block) may declare another stock ("LimitedAvailability" and "InStock"):
    # every value declared, for the visible page to settle (`page._buyable_over_disagreeing`).
    name = fields["title"]
    fields["availabilities"] = frozenset(
        value
        for node in products
        if node is not product and name and clean_text(node.get("name")) == name
        for value in (normalize_availability(o.get("availability")) for o in _offers(node, index))
        if value
    ) | ({fields["availability"]} if fields["availability"] else set())
    return fields, True
