"""Crawl a hostile loopback shop with plain Scrapy and the network policy; write JSON.

Run in a subprocess by test_network.py (one reactor per process):

    python -m tests.crawler.crawl_hostile OUT.json

Two servers: the shop on 127.0.0.2 (the allowed network, 127.0.0.2/32) and a
"private" service on 127.0.0.1 that must never be reached. The shop's front page links
to file:// and ftp:// URLs, to the private service by address and by the name
localhost, to a redirect and a meta refresh that point at it, and to one good page.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import scrapy
from scrapy.crawler import CrawlerProcess


def serve(host: str, routes, hits: list[str]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            hits.append(self.path)
            status, headers, body = routes(self.path)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(out: str) -> None:
    private_hits: list[str] = []
    private = serve("127.0.0.1", lambda path: (200, {}, b"DB_PASSWORD=secret"), private_hits)
    secret = f"127.0.0.1:{private.server_port}"

    def shop_routes(path: str):
        html = {"Content-Type": "text/html"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"
        if path == "/":
            links = [
                "file:///etc/passwd",
                f"file://{secret}/etc/hostname",
                "ftp://127.0.0.2/pub/x",
                f"http://{secret}/by-address",
                f"http://localhost:{private.server_port}/by-name",
                "/redirect",
                "/refresh",
                "/good",
            ]
            body = "".join(f'<a href="{link}">x</a>' for link in links)
            return 200, html, f"<html><body>{body}</body></html>".encode()
        if path == "/redirect":
            return 302, {"Location": f"http://{secret}/after-redirect"}, b""
        if path == "/refresh":
            meta = f'<meta http-equiv="refresh" content="0; url=http://{secret}/after-refresh">'
            return 200, html, f"<html><head>{meta}</head><body></body></html>".encode()
        if path == "/good":
            return 200, html, b"<html><body>fine</body></html>"
        return 404, html, b"not found"

    shop_hits: list[str] = []
    shop = serve("127.0.0.2", shop_routes, shop_hits)
    seen: list[str] = []

    class HostileSpider(scrapy.Spider):
        name = "hostile"
        start_urls = [f"http://127.0.0.2:{shop.server_port}/"]

        def parse(self, response):
            seen.append(response.url)
            for href in response.css("a::attr(href)").getall():
                yield response.follow(href, callback=self.parse)

    process = CrawlerProcess(
        {
            "ROBOTSTXT_OBEY": True,
            "TELNETCONSOLE_ENABLED": False,
            "LOG_LEVEL": "ERROR",
            "RETRY_ENABLED": False,
            "TWISTED_DNS_RESOLVER": "maskscreen.crawler.network.PolicyResolver",
            "DOWNLOADER_MIDDLEWARES": {"maskscreen.crawler.network.NetworkPolicyMiddleware": 50},
            "MASKSCREEN_ALLOW_NETWORKS": "127.0.0.2/32",
        }
    )
    crawler = process.create_crawler(HostileSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    result = {
        "seen": seen,
        "shop_hits": shop_hits,
        "private_hits": private_hits,
        "dropped": {k: v for k, v in stats.items() if k.startswith("maskscreen/dropped/")},
    }
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


if __name__ == "__main__":
    main(sys.argv[1])
