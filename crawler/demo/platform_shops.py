"""Demo shops on shop platforms, on 127.0.0.1, for `maskscreen crawl --via` and tests.

    with PlatformShop("shopify") as shop:      # or "woocommerce", "sitemap"
        crawl(shop.base_url)

- shopify: /products.json?page=N&limit=M (at most 50 a page, like a shop that caps
  it) and /products/<handle>.json; the USD products of the catalogue, variants
  priced at or above the catalogue price.
- woocommerce: the Store API /wp-json/wc/store/v1/products?page=N&per_page=M (at
  most 40 a page, X-WP-Total and X-WP-TotalPages headers); every product, prices
  in minor units (TWD with none), some with a price range or a sale.
- sitemap: the HTML demo shop plus a robots.txt `Sitemap:` line, a sitemap index,
  a gzipped and a plain product sitemap and a sitemap of non-product pages.

The Shopify and WooCommerce shops also answer a product's own URL (/products/<handle>,
/product/<slug>/) with a plain HTML page, no structured data, so a recheck of a
listing finds it up. `PlatformShop(kind, catalog=Catalog.of_shop(...))` serves one
demo shop's share of the products (crawler/demo/mall.py); the default is all of them.

`python -m maskscreen.crawler.demo.platform_shops KIND [--port N]` serves one until Ctrl-C.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import threading
from decimal import Decimal
from html import escape
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape as xml_escape

from maskscreen.crawler.demo import pages
from maskscreen.crawler.demo.catalog import CATEGORIES, Catalog
from maskscreen.crawler.demo.server import DemoShop, _Handler, _ShopServer

logger = logging.getLogger(__name__)

KINDS = ("shopify", "woocommerce", "sitemap")
SHOPIFY_MAX_LIMIT = 50
WOO_MAX_PER_PAGE = 40
SHOPIFY_CURRENCY = "USD"
WOO_PATH = "/wp-json/wc/store/v1/products"
SITEMAP_INDEX = "/sitemap_index.xml"
SITEMAP_FILES = ("/sitemaps/products-1.xml.gz", "/sitemaps/products-2.xml", "/sitemaps/pages.xml")
_JSON = "application/json; charset=utf-8"


def shopify_products(catalog: Catalog) -> list[dict]:
    """The products the Shopify-style shop sells (one currency: a Shopify shop has one)."""
    return [p for p in catalog.products if p["currency"] == SHOPIFY_CURRENCY]


def shopify_product(base: str, p: dict) -> dict:
    price = Decimal(p["price"])
    dearer = {"price": f"{price * Decimal('1.5'):.2f}", "title": "Deluxe"}
    variants = [{"price": f"{price:.2f}", "title": "Standard"}]
    if p["id"] % 3 == 0:
        variants = [dearer, *variants]  # the cheapest is not always first
    elif p["id"] % 3 == 2:
        variants = [*variants, dearer]
    for n, variant in enumerate(variants):
        variant.update(
            id=p["id"] * 10 + n,
            sku=f"SH-{p['id']}-{n}",
            available=p["availability"] == "InStock",
            compare_at_price=None,
        )
    return {
        "id": 7000000 + p["id"],
        "title": p["title"],
        "handle": p["slug"],
        "body_html": f"<p>{escape(p['description'])}</p>",
        "vendor": p["brand"] or p["seller"],
        "product_type": CATEGORIES[p["category"]][0],
        "tags": [p["category"]],
        "variants": variants,
        "images": [{"id": p["id"], "src": f"{base}/img/{p['slug']}.svg"}],
    }


def minor_units(currency: str) -> int:
    return 0 if currency in ("TWD", "JPY") else 2


def woocommerce_product(base: str, p: dict) -> dict:
    unit = minor_units(p["currency"])

    def amount(value: Decimal) -> str:
        return str(int(value.scaleb(unit)))

    price = Decimal(p["price"])
    prices = {
        "price": amount(price),
        "regular_price": amount(price),
        "sale_price": amount(price),
        "currency_code": p["currency"],
        "currency_minor_unit": unit,
        "price_range": None,
    }
    if p["id"] % 4 == 0:  # a variable product: the range's low end is the price
        prices["price_range"] = {"min_amount": amount(price), "max_amount": amount(price * 2)}
    elif p["id"] % 5 == 0:  # on sale
        prices["regular_price"] = amount(price * Decimal("1.25"))
    return {
        "id": p["id"],
        "name": p["title"],
        "slug": p["slug"],
        "type": "simple",
        "permalink": f"{base}/product/{p['slug']}/",
        "sku": f"WC-{p['id']:04d}",
        "description": f"<p>{escape(p['description'])}</p>",
        "short_description": "",
        "prices": prices,
        "is_in_stock": p["availability"] == "InStock",
        "images": [{"id": p["id"], "src": f"{base}/img/{p['slug']}.svg"}],
        "categories": [{"id": 1, "name": CATEGORIES[p["category"]][0], "slug": p["category"]}],
        "brands": [{"name": p["brand"]}] if p["brand"] else [],
    }


def plain_product_page(p: dict) -> str:
    """A product's storefront page as an API shop's theme might render it: no markup."""
    body = (
        f'<h1>{escape(p["title"])}</h1>\n<p class="price">{escape(pages.display_price(p))}'
        f'</p>\n<div class="description">{escape(p["description"])}</div>'
    )
    return pages.layout(p["title"], body, lang=p["language"])


def _number(query: dict[str, str], key: str, default: int) -> int:
    value = query.get(key, "")
    return int(value) if value.isdigit() else default


def _urlset(base: str, paths: list[str]) -> str:
    urls = "\n".join(f"<url><loc>{xml_escape(base + path)}</loc></url>" for path in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n'
    )


class _PlatformHandler(_Handler):
    server: _PlatformServer

    def do_GET(self) -> None:
        base = f"http://{self.headers.get('Host') or self.server.host_port}"
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        try:
            status, body, content_type, headers = self._platform_route(
                base, unquote(parts.path), query
            )
        except Exception:  # a demo server should say so, not hang the crawl
            logger.exception("demo %s shop failed on %s", self.server.kind, self.path)
            status, body, content_type, headers = 500, "internal error", "text/plain", {}
        charset = content_type.rpartition("charset=")[2] or "utf-8"
        data = body if isinstance(body, bytes) else body.encode(charset)
        self.send_response(status)
        for name, value in {
            "Content-Type": content_type,
            **headers,
            "Content-Length": str(len(data)),
        }.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _platform_route(self, base: str, path: str, query: dict[str, str]):
        kind, catalog = self.server.kind, self.server.catalog
        if kind == "sitemap":
            return self._sitemap_route(base, path, query)
        html = "text/html; charset=utf-8"
        if path == "/robots.txt":
            return 200, "User-agent: *\nDisallow: /checkout\n", "text/plain; charset=utf-8", {}
        if path == "/":
            body = f"<h1>{kind} demo shop</h1><p>Products through the shop's API.</p>"
            return 200, pages.layout("Home", body), html, {}
        if path.startswith("/img/"):
            return 200, pages.PLACEHOLDER_SVG, "image/svg+xml; charset=utf-8", {}
        if kind == "shopify" and path == "/products.json":
            items = shopify_products(catalog)
            limit = min(max(_number(query, "limit", 30), 1), SHOPIFY_MAX_LIMIT)
            page = max(_number(query, "page", 1), 1)
            chunk = items[(page - 1) * limit : page * limit]
            data = {"products": [shopify_product(base, p) for p in chunk]}
            return 200, json.dumps(data, ensure_ascii=False), _JSON, {}
        if kind == "shopify" and path.startswith("/products/") and path.endswith(".json"):
            slug = path[len("/products/") : -len(".json")]
            product = catalog.by_slug.get(slug)
            if product in shopify_products(catalog):
                data = {"product": shopify_product(base, product)}
                return 200, json.dumps(data, ensure_ascii=False), _JSON, {}
        if kind == "shopify" and path.startswith("/products/"):
            product = catalog.by_slug.get(path[len("/products/") :])
            if product in shopify_products(catalog):
                return 200, plain_product_page(product), html, {}
        if kind == "woocommerce" and path.startswith("/product/"):
            product = catalog.by_slug.get(path[len("/product/") :].strip("/"))
            if product is not None:
                return 200, plain_product_page(product), html, {}
        if kind == "woocommerce" and path.rstrip("/") == WOO_PATH:
            items = catalog.products
            per_page = min(max(_number(query, "per_page", 10), 1), WOO_MAX_PER_PAGE)
            page = max(_number(query, "page", 1), 1)
            chunk = items[(page - 1) * per_page : page * per_page]
            headers = {
                "X-WP-Total": str(len(items)),
                "X-WP-TotalPages": str(-(-len(items) // per_page)),
            }
            data = [woocommerce_product(base, p) for p in chunk]
            return 200, json.dumps(data, ensure_ascii=False), _JSON, headers
        return 404, pages.not_found_page(), html, {}

    def _sitemap_route(self, base: str, path: str, query: dict[str, str]):
        xml = "application/xml; charset=utf-8"
        slugs = [f"/p/{p['slug']}" for p in self.server.catalog.products]
        half = len(slugs) // 2
        if path == "/robots.txt":
            robots = f"{pages.ROBOTS_TXT}\nSitemap: {base}{SITEMAP_INDEX}\n"
            return 200, robots, "text/plain; charset=utf-8", {}
        if path == SITEMAP_INDEX:
            entries = "\n".join(f"<sitemap><loc>{base}{f}</loc></sitemap>" for f in SITEMAP_FILES)
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns='
                f'"http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}\n</sitemapindex>\n'
            )
            return 200, body, xml, {}
        if path == SITEMAP_FILES[0]:  # a .xml.gz file, served as is (no Content-Encoding)
            data = gzip.compress(_urlset(base, slugs[:half]).encode("utf-8"), mtime=0)
            return 200, data, "application/x-gzip", {}
        if path == SITEMAP_FILES[1]:
            return 200, _urlset(base, slugs[half:]), xml, {}
        if path == SITEMAP_FILES[2]:
            return 200, _urlset(base, ["/", *(f"/c/{slug}" for slug in CATEGORIES)]), xml, {}
        status, body, content_type = self._route(base, path, query)
        return status, body, content_type, {}


class _PlatformServer(_ShopServer):
    def __init__(self, address: tuple[str, int], catalog: Catalog, kind: str):
        super().__init__(address, catalog)
        self.RequestHandlerClass = _PlatformHandler
        self.kind = kind


class PlatformShop(DemoShop):
    """A demo shop of one platform kind (see KINDS), served from a background thread."""

    def __init__(self, kind: str, **kwargs):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        super().__init__(**kwargs)
        self.kind = kind

    def start(self) -> str:
        if self._server is None:
            self._server = _PlatformServer((self.host, self.port), self.catalog, self.kind)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"maskscreen-demo-{self.kind}",
                daemon=True,
            )
            self._thread.start()
        return self.base_url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a platform-style demo shop.")
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    shop = PlatformShop(args.kind, host=args.host, port=args.port)
    print(f"{args.kind} demo shop at {shop.start()}/  (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        shop.stop()


if __name__ == "__main__":
    main()
