"""Shop platform APIs -> Listing: Shopify's products.json and WooCommerce's Store API.

Pure functions of one decoded product object, table-tested like extract.py.
Missing fields stay None. A product without a title or URL raises `NotAProduct`
with the reason the spider counts (`maskscreen/dropped/<reason>`).

Shopify (https://shopify.dev, the storefront's public /products.json):
  {"id", "title", "handle", "body_html", "vendor", "product_type",
   "variants": [{"price": "19.99", "available": true, "sku"}], "images": [{"src"}]}
  The price is the lowest variant's; the shop's currency is not in the JSON, so it
  comes from the caller (a profile's `currency`, `--currency`) or stays None.

WooCommerce Store API (/wp-json/wc/store/v1/products):
  {"id", "name", "permalink", "description", "short_description", "sku",
   "prices": {"price": "1999", "currency_code": "USD", "currency_minor_unit": 2,
              "price_range": {"min_amount", "max_amount"} | null},
   "is_in_stock", "images": [{"src"}], "categories": [{"name"}], "brands": [{"name"}]}
  Amounts are strings of minor units: "1999" with minor unit 2 is 19.99.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from maskscreen.crawler.extract.page import clean_text, clean_url
from maskscreen.crawler.items import Listing


class NotAProduct(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def _image_urls(images: Any) -> list[str]:
    urls: list[str] = []
    for image in images if isinstance(images, list) else []:
        src = image.get("src") if isinstance(image, dict) else image
        if isinstance(src, str) and src.strip():
            src = "https:" + src.strip() if src.strip().startswith("//") else src.strip()
            if src not in urls:
                urls.append(src)
    return urls


def _first_name(values: Any) -> str | None:
    for value in values if isinstance(values, list) else []:
        name = clean_text(value.get("name") if isinstance(value, dict) else value)
        if name:
            return name
    return None


def _id(value: Any) -> str | None:
    if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


def shopify_listing(
    product: Any,
    *,
    root_url: str,
    site: str,
    currency: str | None = None,
    seller: str | None = None,
) -> Listing:
    """One product of a Shopify shop's products.json (or /products/<handle>.json)."""
    if not isinstance(product, dict):
        raise NotAProduct("not_a_product")
    handle = product.get("handle")
    if not isinstance(handle, str) or not handle.strip():
        raise NotAProduct("no_url")
    title = clean_text(product.get("title"))
    if not title:
        raise NotAProduct("no_title")
    variants = [v for v in product.get("variants") or [] if isinstance(v, dict)]
    prices = [p for p in (_decimal(v.get("price")) for v in variants) if p is not None]
    stock = [v["available"] for v in variants if isinstance(v.get("available"), bool)]
    return Listing(
        url=clean_url(f"{root_url.rstrip('/')}/products/{quote(handle.strip())}"),
        site=site,
        title=title,
        description=clean_text(product.get("body_html")),
        external_id=_id(product.get("id")),
        price=min(prices) if prices else None,
        currency=currency if prices else None,
        seller=seller,
        brand=clean_text(product.get("vendor")),
        images=_image_urls(product.get("images")),
        category=clean_text(product.get("product_type")),
        availability=("InStock" if any(stock) else "OutOfStock") if stock else None,
        fetched_at=datetime.now(UTC),
        source_format="shopify",
    )


def woocommerce_price(prices: Any) -> tuple[Decimal | None, str | None]:
    """(amount, ISO 4217 code) from a Store API `prices` object; the range's low end."""
    if not isinstance(prices, dict):
        return None, None
    minor = prices.get("currency_minor_unit", 2)
    if isinstance(minor, bool) or not isinstance(minor, int) or not 0 <= minor <= 4:
        return None, None
    price_range = prices.get("price_range")
    raw = price_range.get("min_amount") if isinstance(price_range, dict) else None
    raw = raw if raw not in (None, "") else prices.get("price")
    units = _decimal(raw)
    if units is None or units != units.to_integral_value():
        return None, None
    code = prices.get("currency_code")
    code = code.strip().upper() if isinstance(code, str) and code.strip() else None
    return units.scaleb(-minor), code


def woocommerce_listing(product: Any, *, site: str, seller: str | None = None) -> Listing:
    """One product of a WooCommerce Store API products page."""
    if not isinstance(product, dict):
        raise NotAProduct("not_a_product")
    url = product.get("permalink")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise NotAProduct("no_url")
    title = clean_text(product.get("name"))
    if not title:
        raise NotAProduct("no_title")
    price, currency = woocommerce_price(product.get("prices"))
    stock = product.get("is_in_stock")
    return Listing(
        url=clean_url(url),
        site=site,
        title=title,
        description=clean_text(product.get("description"))
        or clean_text(product.get("short_description")),
        external_id=_id(product.get("id")),
        price=price,
        currency=currency,
        seller=seller,
        brand=_first_name(product.get("brands")),
        images=_image_urls(product.get("images")),
        category=_first_name(product.get("categories")),
        availability=("InStock" if stock else "OutOfStock") if isinstance(stock, bool) else None,
        fetched_at=datetime.now(UTC),
        source_format="woocommerce",
    )
