"""Milliseconds per page of extraction, with and without detecting syntaxes first.

    python bench/extract.py [--pages 300] [--huge-mb 5]

For a JSON-LD-only product page (the demo shop's shape), prints:
- extruct with every syntax (its default: microdata, opengraph, json-ld,
  microformat, rdfa, dublincore), as extraction without syntax detection costs;
- extruct with syntaxes=["json-ld"], what detection asks for on that page;
- `extract_listing` itself (decode, detect, parse JSON-LD, build the Listing);
then `extract_listing` on a microdata page, an RDFa page, and on a page of
--huge-mb megabytes (extraction must stay linear in the page size).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import extruct
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import extract_listing

PAGES = Path(__file__).parents[1] / "tests" / "crawler" / "pages"
URL = "https://shop.example/p/realistic-old-man-mask"


def product_page(filler: str = "") -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Realistic Silicone Old Man Mask",
        "sku": "FW-1042",
        "description": "Hand-punched hair. Looks 100% real in person.",
        "image": ["/img/1.jpg", "/img/2.jpg"],
        "brand": {"@type": "Brand", "name": "FaceWorks"},
        "offers": {
            "@type": "Offer",
            "price": "1299.00",
            "priceCurrency": "USD",
            "availability": "https://schema.org/InStock",
            "seller": {"@type": "Organization", "name": "FaceWorks Studio"},
        },
    }
    nav = "".join(f'<li><a href="/c/{i}">Category {i}</a></li>' for i in range(40))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Mask</title>'
        f'<link rel="canonical" href="{URL}">'
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        f"<body><header><ul>{nav}</ul></header><main><h1>Realistic Silicone Old Man Mask</h1>"
        '<p class="price">$1,299.00</p>'
        + "<p>Lorem ipsum dolor sit amet.</p>" * 60
        + filler
        + "</main></body></html>"
    )


def per_page_ms(func, pages: int) -> float:
    func()  # warm up (imports, caches)
    started = time.perf_counter()
    for _ in range(pages):
        func()
    return (time.perf_counter() - started) * 1000 / pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--huge-mb", type=float, default=5)
    args = parser.parse_args()

    text = product_page()
    body = text.encode("utf-8")
    response = HtmlResponse(url=URL, body=body)
    print(f"JSON-LD-only page, {len(body) / 1024:.1f} KB, {args.pages} pages each:")
    every = per_page_ms(lambda: extruct.extract(body, base_url=URL), args.pages)
    jsonld = per_page_ms(
        lambda: extruct.extract(body, base_url=URL, syntaxes=["json-ld"]), args.pages
    )
    ours = per_page_ms(lambda: extract_listing(response, "bench"), args.pages)
    print(f"  extruct, all syntaxes (no detection)  {every:8.2f} ms/page")
    print(
        f"  extruct, syntaxes=['json-ld']         {jsonld:8.2f} ms/page "
        f"({every / jsonld:.0f}x less)"
    )
    print(
        f"  extract_listing (detects, JSON-LD)    {ours:8.2f} ms/page "
        f"({every / ours:.0f}x less than all syntaxes)"
    )

    for name in ("microdata_product.html", "rdfa_product.html", "opengraph_product.html"):
        page = HtmlResponse(url=URL, body=(PAGES / name).read_bytes())
        ms = per_page_ms(lambda page=page: extract_listing(page, "bench"), args.pages // 3)
        print(f"  extract_listing, {name:28s} {ms:6.2f} ms/page")

    print("Page size against time (linear is the goal):")
    block = "<div class='review'><p>Great mask, looks real!</p></div>\n"
    for mb in (args.huge_mb / 5, args.huge_mb):
        big = product_page(block * int(mb * 1_000_000 / len(block))).encode("utf-8")
        page = HtmlResponse(url=URL, body=big)
        ms = per_page_ms(lambda page=page: extract_listing(page, "bench"), 3)
        print(
            f"  extract_listing, {len(big) / 1e6:5.1f} MB page        {ms:8.1f} ms/page "
            f"({ms / (len(big) / 1e6):.1f} ms/MB)"
        )


if __name__ == "__main__":
    main()
