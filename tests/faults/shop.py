"""A loopback shop for the fault-injection tests, served from the test's own process.

    with Shop(products=30) as shop:           # /p/0 … /p/29 linked from /, robots.txt allows all
        run_cli("crawl", shop.url("/"), "--via", "html", "--db", url)

`extra` maps more paths to (status, headers, body) or to a function of the path that
returns one (a trap's pages); `product_delay` slows each product page (a crawl that can
be killed mid-way). Every request's path is counted in `hits`.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from maskscreen.crawler.demo.pages import jsonld_tag

Reply = tuple[int, dict, bytes]
HTML = {"Content-Type": "text/html; charset=utf-8"}


def product_page(path: str, name: str | None = None) -> bytes:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": name or f"Realistic silicone face mask {path}",
        "description": "Hyper-realistic silicone mask, custom made from your photos.",
        "offers": {"@type": "Offer", "price": "199.00", "priceCurrency": "USD"},
    }
    return (f"<html><head><title>{path}</title>{jsonld_tag(data)}</head>"
            f"<body><h1>{data['name']}</h1></body></html>").encode()  # fmt: skip


def links_page(links: list[str], head: str = "") -> bytes:
    body = "".join(f'<a href="{link}">{link}</a>\n' for link in links)
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


class Shop:
    def __init__(self, products: int = 10, *, links: list[str] = (),
                 extra: dict[str, Reply | Callable[[str], Reply | None]] | None = None,
                 robots: str = "User-agent: *\nAllow: /\n", product_delay: float = 0.0,
                 host: str = "127.0.0.1", prefix: str = "/"):  # fmt: skip
        self.products = [f"{prefix}p/{i}" for i in range(products)]
        self.links = list(links)
        self.extra = dict(extra or {})
        self.robots = robots
        self.product_delay = product_delay
        self.host = host
        self.prefix = prefix
        self.hits: Counter[str] = Counter()
        self.server: ThreadingHTTPServer | None = None

    def reply(self, path: str) -> Reply:
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path == self.prefix:
            return 200, HTML, links_page(self.products + self.links)
        if path in self.products:
            if self.product_delay:
                time.sleep(self.product_delay)
            return 200, HTML, product_page(path)
        for key, value in self.extra.items():
            if callable(value):
                if path.startswith(key):
                    found = value(path)
                    if found is not None:
                        return found
            elif path == key:
                return value
        return 404, HTML, b"<html><body>not found</body></html>"

    def __enter__(self) -> Shop:
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                shop.hits[self.path] += 1
                status, headers, body = shop.reply(self.path)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    if "Content-Length" not in headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.server.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return self.base + path
