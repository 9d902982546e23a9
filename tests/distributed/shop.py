"""A loopback shop of N product pages, served from its own process.

    python -m tests.distributed.shop --pages 2000     # prints its port, serves until killed

Home page -> category pages (100 products each) -> product pages (the demo
catalogue's products repeated, each with a unique slug and schema.org JSON-LD, and
links to three other products). Every page is rendered once at start and served by
tests/loopback_http.py, so serving costs the crawlers little.
Used by the distributed tests and bench/frontier.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from html import escape
from pathlib import Path

from tests.loopback_http import serve_pages

ROOT = Path(__file__).resolve().parents[2]
PER_CATEGORY = 100


def products(count: int) -> list[dict]:
    """`count` products: the demo catalogue repeated, slugs made unique."""
    from maskscreen.crawler.demo.catalog import load_products

    templates = load_products()
    items = []
    for n in range(count):
        product = dict(templates[n % len(templates)])
        product["id"] = n + 1
        product["slug"] = f"{product['slug']}-n{n}"
        items.append(product)
    return items


def _page(title: str, body: str, head: str = "") -> bytes:
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"{head}</head><body>{body}</body></html>\n"
    ).encode()


def render(base: str, count: int) -> dict[str, bytes]:
    """Every page of the shop by path."""
    from maskscreen.crawler.demo.pages import jsonld_tag, product_jsonld

    items = products(count)
    site = {"/robots.txt": b"User-agent: *\nDisallow:\n"}
    categories = -(-count // PER_CATEGORY)
    links = "".join(f'<li><a href="/c/{c}">Category {c}</a></li>' for c in range(categories))
    site["/"] = _page("Loopback shop", f"<ul>{links}</ul>")
    for c in range(categories):
        chunk = items[c * PER_CATEGORY : (c + 1) * PER_CATEGORY]
        links = "".join(
            f'<li><a href="/p/{p["slug"]}">{escape(p["title"])}</a></li>' for p in chunk
        )
        site[f"/c/{c}"] = _page(f"Category {c}", f'<a href="/">Home</a><ul>{links}</ul>')
    for n, product in enumerate(items):
        related = "".join(
            f'<li><a href="/p/{items[(n + k) % count]["slug"]}">related</a></li>' for k in (1, 2, 3)
        )
        head = f'<link rel="canonical" href="{base}/p/{product["slug"]}">' + jsonld_tag(
            product_jsonld(base, product)
        )
        body = (
            f"<h1>{escape(product['title'])}</h1><p>{escape(product['description'])}</p>"
            f"<ul>{related}</ul>"
        )
        site[f"/p/{product['slug']}"] = _page(product["title"], body, head)
    return site


def serve(count: int) -> None:
    """Render the shop for a free loopback port, print the port, serve until killed."""
    serve_pages(lambda base: render(base, count))


class LoopbackShop:
    """The shop in a child process: `with LoopbackShop(2000) as url: ...`."""

    def __init__(self, pages: int):
        self.pages = pages
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.distributed.shop", "--pages", str(self.pages)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        line = self.process.stdout.readline()
        if not line.strip().isdigit():
            self.__exit__()
            raise RuntimeError("the loopback shop did not start")
        return f"http://127.0.0.1:{int(line)}/"

    def __exit__(self, *exc_info) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process.stdout.close()
            self.process = None


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    serve(parser.parse_args().pages)
