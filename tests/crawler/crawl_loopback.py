"""Crawl a misbehaving loopback shop with ShopSpider and our settings; write JSON.

Run in a subprocess by test_politeness.py (one reactor per process):

    python tests/crawler/crawl_loopback.py OUT.json [SETTING=VALUE ...]

The shop: /p/throttled answers 429 with Retry-After: 1 once, then the page;
/p/flaky answers 503 once, then the page; /p/huge is 3 MB (with a Content-Length),
/p/huge-stream is 3 MB without one; /private is disallowed by robots.txt.
Every request is logged (path, time, status, user agent) into the JSON.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from maskscreen.crawler.demo.pages import jsonld_tag
from maskscreen.crawler.jobs.job import crawl_settings
from maskscreen.crawler.spiders.shop import ShopSpider

LINKS = ["/p/throttled", "/p/flaky", "/p/huge", "/p/huge-stream", "/private", "/p/plain"]
HUGE = 3 * 1024 * 1024


def product(path: str, padding: int = 0) -> bytes:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": f"Item {path}",
        "offers": {"@type": "Offer", "price": "10.00", "priceCurrency": "USD"},
    }
    return (
        f"<html><head><title>{path}</title>{jsonld_tag(data)}</head><body>"
        f"<h1>Item {path}</h1>{'x' * padding}</body></html>"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log: ClassVar[list[dict]] = []
    hits: ClassVar[dict[str, int]] = {}

    def log_message(self, *args):
        pass

    def send(self, status: int, body: bytes, headers: dict | None = None, length=True):
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        count = self.hits[path] = self.hits.get(path, 0) + 1
        status = 200
        if path == "/robots.txt":
            self.send(200, b"User-agent: *\nDisallow: /private\n")
        elif path == "/":
            links = "".join(f'<a href="{link}">{link}</a>' for link in LINKS)
            self.send(200, f"<html><body>{links}</body></html>".encode())
        elif path == "/p/throttled" and count == 1:
            status = 429
            self.send(429, b"slow down", {"Retry-After": "1"})
        elif path == "/p/flaky" and count == 1:
            status = 503
            self.send(503, b"try again")
        elif path == "/p/huge":
            self.send(200, product(path, HUGE))
        elif path == "/p/huge-stream":
            self.send(200, product(path, HUGE), length=False)
        else:
            self.send(200, product(path))
        self.log.append(
            {
                "path": path,
                "at": time.monotonic(),
                "status": status,
                "user_agent": self.headers.get("User-Agent"),
            }
        )


def main(out_path: str, *assignments: str) -> None:
    overrides = {
        "ITEM_PIPELINES": {},
        "DOWNLOAD_MAXSIZE": 1024 * 1024,
        "RETRY_BACKOFF_BASE": 0.2,
        "AUTOTHROTTLE_ENABLED": False,
    }
    for assignment in assignments:
        key, _, value = assignment.partition("=")
        overrides[key] = json.loads(value)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings = crawl_settings(
        log_level="INFO", overrides={"MASKSCREEN_SITE": "loopback", **overrides}
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ShopSpider)
    items = []

    def on_item(item, **_):  # receivers are held weakly: keep it as a named local
        items.append(item.to_record() | {"evidence_size": len(item.evidence.body)})

    crawler.signals.connect(on_item, signal=signals.item_scraped)
    process.crawl(crawler, start_urls=[base + "/"], site="loopback")
    process.start()
    stats = crawler.stats.get_stats()
    server.shutdown()
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"items": items, "stats": stats, "log": Handler.log}, f, default=str, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
