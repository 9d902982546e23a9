"""The bundled demo shop: a stdlib HTTP server on 127.0.0.1 for demos and tests.

    with DemoShop() as shop:              # or: shop = DemoShop(); url = shop.start()
        crawl(shop.base_url)

`python -m maskscreen.crawler.demo.server [--port N] [--day 2]` serves until Ctrl-C.
`DemoShop(day=2)`, or `shop.set_day(2)` while it runs, serves the next day
(see crawler.demo.catalog.NEXT_DAY): some listings changed, some vanished.
"""

from __future__ import annotations

import argparse
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self
from urllib.parse import parse_qs, unquote, urlsplit

from maskscreen.crawler.demo import pages
from maskscreen.crawler.demo.catalog import (
    BROKEN_JSONLD_PATH,
    CATEGORIES,
    DISALLOWED_PATH,
    NO_STRUCTURED_DATA_PATH,
    Catalog,
    paginate,
)

logger = logging.getLogger(__name__)


def _serves_gbk(product: dict) -> bool:
    """Some Simplified Chinese pages are served as GBK, as many Chinese shops still do."""
    return product["language"] == "zh-CN" and product["id"] % 4 == 0


class _Handler(BaseHTTPRequestHandler):
    server: _ShopServer
    server_version = "MaskscreenDemoShop/1.0"
    protocol_version = "HTTP/1.1"  # keep-alive: every response has a Content-Length

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        base = f"http://{self.headers.get('Host') or self.server.host_port}"
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        try:
            status, body, content_type = self._route(base, path, query)
        except Exception:  # a demo server should say so, not hang the crawl
            logger.exception("demo shop failed on %s", self.path)
            status, body, content_type = 500, "internal error", "text/plain; charset=utf-8"
        charset = content_type.rpartition("charset=")[2] or "utf-8"
        data = body.encode(charset)
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", f"{base}/")
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, base: str, path: str, query: dict[str, str]) -> tuple[int, str, str]:
        html = "text/html; charset=utf-8"
        catalog = self.server.catalog
        page_number = int(query["page"]) if query.get("page", "").isdigit() else 1
        if path == "/":
            return 200, pages.home_page(base), html
        if path == "/robots.txt":
            return 200, pages.ROBOTS_TXT, "text/plain; charset=utf-8"
        if path == DISALLOWED_PATH:
            return 200, pages.cart_page(), html
        if path.startswith("/img/"):
            return 200, pages.PLACEHOLDER_SVG, "image/svg+xml; charset=utf-8"
        if path == BROKEN_JSONLD_PATH:
            return 200, pages.broken_jsonld_page(base), html
        if path == NO_STRUCTURED_DATA_PATH:
            return 200, pages.no_structured_data_page(), html
        if path.startswith("/c/") and path[3:] in CATEGORIES:
            page = paginate(catalog.in_category(path[3:]), page_number)
            if page:
                clearance = self.server.markup == "jsonld"  # bad pages: the JSON-LD shop's
                return 200, pages.category_page(base, path[3:], page, clearance), html
        if path == "/search":
            results = catalog.search(query.get("q", ""))
            page = paginate(results, page_number)
            if page:
                return 200, pages.search_page(base, query.get("q", ""), page, len(results)), html
        if path.startswith("/seller/"):
            items = catalog.by_seller(path[len("/seller/") :])
            if items:
                return 200, pages.seller_page(base, path[len("/seller/") :], items), html
        if path.startswith("/p/") and path[3:] in catalog.redirected:
            return 301, pages.moved_page(), html
        if path.startswith("/p/") and path[3:] in catalog.delisted:
            return 200, pages.delisted_page(), html
        if path.startswith("/p/") and path[3:] in catalog.by_slug:
            product = catalog.by_slug[path[3:]]
            related = catalog.related(product)
            if self.server.markup != "jsonld":
                return (
                    200,
                    pages.product_page(base, product, related, markup=self.server.markup),
                    html,
                )
            if _serves_gbk(product):
                body = pages.product_page(base, product, related, charset="gbk")
                try:
                    body.encode("gbk")
                    return 200, body, "text/html; charset=gbk"
                except UnicodeEncodeError:
                    logger.debug("%s does not fit GBK; serving UTF-8", path)
            return 200, pages.product_page(base, product, related), html
        return 404, pages.not_found_page(), html


class _ShopServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], catalog: Catalog, markup: str = "jsonld"):
        super().__init__(address, _Handler)
        self.catalog = catalog
        self.markup = markup  # of product pages: jsonld | microdata
        self.host_port = f"{address[0]}:{self.server_address[1]}"


class DemoShop:
    """The demo shop on 127.0.0.1, served from a background thread."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        catalog: Catalog | None = None,
        day: int = 1,
        markup: str = "jsonld",
    ):
        self.host = host
        self.port = port
        self.catalog = catalog or Catalog(day=day)
        self.markup = markup
        self._server: _ShopServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo shop is not running")
        return f"http://{self._server.host_port}"

    def start(self) -> str:
        """Start serving (port 0 picks a free port) and return the base URL."""
        if self._server is None:
            self._server = _ShopServer((self.host, self.port), self.catalog, self.markup)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="maskscreen-demo-shop",
                daemon=True,
            )
            self._thread.start()
            logger.info("demo shop serving at %s", self.base_url)
        return self.base_url

    def set_day(self, day: int) -> None:
        """Serve another day of the shop from now on (2: the next day)."""
        self.catalog = self.catalog.on_day(day)
        if self._server is not None:
            self._server.catalog = self.catalog

    def wait(self) -> None:
        """Block until Ctrl-C."""
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server, self._thread = None, None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(
    argv: list[str] | None,
    shop_class: type[DemoShop] = DemoShop,
    description: str = "Serve the maskscreen demo shop.",
    name: str = "Demo shop",
) -> None:
    """`python -m ...`: serve one shop of `shop_class` (--host, --port, --day) until Ctrl-C."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--day", type=int, default=1, help="2: the next day (changes, removals)")
    args = parser.parse_args(argv)
    shop = shop_class(host=args.host, port=args.port, day=args.day)
    print(f"{name} (day {args.day}) at {shop.start()}/  (Ctrl-C to stop)", flush=True)
    try:
        shop.wait()
    finally:
        shop.stop()


def main(argv: list[str] | None = None) -> None:
    serve(argv)


if __name__ == "__main__":
    main()
