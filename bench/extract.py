"""CPU milliseconds per page of extraction, with and without detecting syntaxes first.

    python bench/extract.py [--pages 300] [--huge-mb 5] [--shop-pages 600] [--prices]

Every figure is this process's CPU time (`time.process_time`), not the wall clock: on
a machine shared with other work the wall clock follows the share of the cores the
bench got, CPU time much less so.

For a JSON-LD-only product page (the demo shop's shape), prints:
- extruct with every syntax (its default: microdata, opengraph, json-ld,
  microformat, rdfa, dublincore), as extraction without syntax detection costs;
- extruct with syntaxes=["json-ld"], what detection asks for on that page;
- `extract_listing` itself (decode, detect, parse JSON-LD, build the Listing);
then `extract_listing` on a microdata page, an RDFa page, and on a page of
--huge-mb megabytes (extraction must stay linear in the page size); and the
heuristic source beside the structured one in the same run: the same product page
without its JSON-LD (read from the visible page), the written heuristic test pages,
and the heuristic source alone (`read_page`) on the 5 MB page without JSON-LD; and
`extract_listing` on the real development pages (tests/crawler/real_pages,
`bench/extract_real.py`'s DEV_MANIFESTS); and on the crawl bench's shop
(`bench/crawl.py` render_shop: --shop-pages product pages, their category pages and
the home page), each page a new response as the crawl gets it, so its parse
(`response.selector`) is counted too.

With --prices, also scores `crawler.extract.prices.parse_price` against Zyte's
price-parser (pip install price-parser) on tests/crawler/price_strings.py: a row is
right when the amount and the ISO currency both are. price-parser returns the
currency as printed ("$", "zł"), so its currency is resolved by our own rules
(`parse_price` on the symbol, with the page's language and domain) — what the
comparison measures is which number each finds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

import extruct
from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.heuristic import read_page
from maskscreen.crawler.extract.page import NotAListing, extract_listing, parse_page
from maskscreen.crawler.extract.prices import parse_price

PAGES = Path(__file__).parents[1] / "tests" / "crawler" / "pages"
URL = "https://shop.example/p/realistic-old-man-mask"
_JSONLD_RE = re.compile(r'<script type="application/ld\+json">.*?</script>', re.DOTALL)


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


def real_dev_pages() -> list[HtmlResponse]:
    """The development pages of tests/crawler/real_pages (`extract_real.DEV_MANIFESTS`;
    never the report round's)."""
    from extract_real import ROOT, load_manifests, response_for

    return [response_for(row, ROOT) for row in load_manifests(ROOT) if row["_group"] == "dev"]


def per_page_ms(func, pages: int) -> float:
    func()  # warm up (imports, caches)
    started = time.process_time()
    for _ in range(pages):
        func()
    return (time.process_time() - started) * 1000 / pages


def shop_pages_ms(pages: int, rounds: int = 3) -> tuple[int, float]:
    """(pages, CPU ms a page) of `extract_listing` over the crawl bench's shop, each
    page a new `HtmlResponse` (parsed by the extraction, as in the crawl); the best of
    `rounds` rounds."""
    from crawl import render_shop  # bench/crawl.py, beside this script

    base = "http://127.0.0.1:8123"
    site = [(base + path, body) for path, body in render_shop(base, pages).items()]
    site = [(url, body) for url, body in site if not url.endswith("/robots.txt")]

    def extract_all() -> None:
        for url, body in site:
            _try(HtmlResponse(url=url, body=body))

    return len(site), min(per_page_ms(extract_all, 1) for _ in range(rounds)) / len(site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--huge-mb", type=float, default=5)
    parser.add_argument("--shop-pages", type=int, default=600)
    parser.add_argument("--prices", action="store_true", help="compare with price-parser")
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

    print("Structured against heuristic, same page, same run:")
    plain = HtmlResponse(url=URL, body=_JSONLD_RE.sub("", text).encode("utf-8"))
    assert extract_listing(plain, "bench").source_format == "heuristic"
    heuristic = per_page_ms(lambda: extract_listing(plain, "bench"), args.pages)
    print(f"  extract_listing, JSON-LD (structured)  {ours:8.2f} ms/page")
    print(f"  extract_listing, no JSON-LD (heuristic) {heuristic:7.2f} ms/page")
    written = [HtmlResponse(url=URL, body=p.read_bytes()) for p in PAGES.glob("heuristic_*.html")]
    ms = per_page_ms(lambda: [_try(page) for page in written], args.pages // 3) / len(written)
    print(f"  extract_listing, {len(written)} heuristic test pages   {ms:8.2f} ms/page")
    dev = real_dev_pages()
    ms = per_page_ms(lambda: [_try(page) for page in dev], max(1, args.pages // 100)) / len(dev)
    print(f"  extract_listing, {len(dev)} real dev pages      {ms:8.2f} ms/page")
    count, ms = shop_pages_ms(args.shop_pages)
    print(f"  extract_listing, {count} crawl-bench shop pages {ms:6.3f} ms/page (parse included)")

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
    tree = parse_page(_JSONLD_RE.sub("", big.decode("utf-8")))
    ms = per_page_ms(lambda: read_page(tree, URL, "en"), 3)
    print(f"  read_page (heuristic), {len(big) / 1e6:5.1f} MB page  {ms:8.1f} ms/page")
    if args.prices:
        compare_price_parsers()


def _try(response: HtmlResponse) -> None:
    # A refused page costs time too; anything else is a bug and stops the bench.
    with contextlib.suppress(NotAListing):
        extract_listing(response, "bench")


def compare_price_parsers() -> None:
    from price_parser import Price  # only for this comparison: not a dependency

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from tests.crawler.price_strings import PRICE_STRINGS

    scores = {"parse_price": [0, 0], "price-parser": [0, 0]}
    for text, language, domain, amount, currency in PRICE_STRINGS:
        want = Decimal(amount) if amount else None
        ours = parse_price(text, language=language, domain=domain)
        theirs = Price.fromstring(text)
        symbol = theirs.currency or ""
        resolved = parse_price(f"1 {symbol}", language=language, domain=domain)[1]
        for name, (got, got_currency) in (
            ("parse_price", ours),
            ("price-parser", (theirs.amount, resolved if want is not None else None)),
        ):
            scores[name][0] += got == want
            scores[name][1] += got == want and got_currency == currency
    rows = len(PRICE_STRINGS)
    print(f"Price strings ({rows}, tests/crawler/price_strings.py): amount right, amount+currency")
    for name, (amounts, both) in scores.items():
        print(f"  {name:13s} {amounts:3d}/{rows} {both:3d}/{rows}")


if __name__ == "__main__":
    main()
