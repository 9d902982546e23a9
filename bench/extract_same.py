"""Whether this tree's extraction gives byte-identical output to another revision's.

    python bench/extract_same.py [--baseline main] [--shop-pages 600]

Runs `extract_listing` over every page of tests/crawler/pages, the development pages of
tests/crawler/real_pages (`extract_real.DEV_MANIFESTS`; never the report manifests) and
the pages of the crawl bench's shop (`crawl.render_shop`: products, categories, home),
once with the maskscreen code of `--baseline` (git archive, as bench/classify.py
--baseline) and once with this tree's, each in its own process. Every page gives one
line: the listing serialised as JSON (``fetched_at`` left out, it is the clock) or the
`NotAListing` reason. Exits 1 and prints the first differences when any line differs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
PAGES = BENCH.parent / "tests" / "crawler" / "pages"
SHOP = "http://127.0.0.1:8123"


def responses(shop_pages: int):
    """(name, HtmlResponse) of every page compared, in a fixed order."""
    from crawl import render_shop  # bench/crawl.py, beside this script
    from extract_real import ROOT, load_manifests, response_for
    from scrapy.http import HtmlResponse

    for path in sorted(PAGES.glob("*.html")):
        url = f"https://shop.example/p/{path.stem}"
        yield path.name, HtmlResponse(url=url, body=path.read_bytes())
    for row in load_manifests(ROOT):
        if row["_group"] == "dev":
            yield row["_manifest"], response_for(row, ROOT)
    for path, body in sorted(render_shop(SHOP, shop_pages).items()):
        if path != "/robots.txt":
            yield path, HtmlResponse(url=SHOP + path, body=body, encoding="utf-8")


def outcome(response) -> str:
    from maskscreen.crawler.extract.page import NotAListing, extract_listing

    try:
        listing = extract_listing(response, "same")
    except NotAListing as exc:
        return f"not a listing: {exc.reason}"
    fields = dataclasses.asdict(listing)
    fields.pop("fetched_at")
    return json.dumps(fields, default=str, ensure_ascii=False, sort_keys=True)


def worker(shop_pages: int) -> None:
    out = sys.stdout
    for name, response in responses(shop_pages):
        out.write(json.dumps([name, outcome(response)], ensure_ascii=False) + "\n")


def run(path: Path | None, shop_pages: int) -> list[list[str]]:
    from classify import side_env  # bench/classify.py, beside this script

    command = [sys.executable, __file__, "--worker", "--shop-pages", str(shop_pages)]
    out = subprocess.run(command, env=side_env(path), capture_output=True, text=True, check=True)
    return [json.loads(line) for line in out.stdout.splitlines()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--shop-pages", type=int, default=600)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(BENCH))
    if args.worker:
        worker(args.shop_pages)
        return
    from classify import baseline_tree

    theirs = run(baseline_tree(args.baseline), args.shop_pages)
    ours = run(None, args.shop_pages)
    assert [n for n, _ in theirs] == [n for n, _ in ours], "different pages"
    differ = [(n, a, b) for (n, a), (_, b) in zip(theirs, ours, strict=True) if a != b]
    listings = sum(not a.startswith("not a listing") for _, a in theirs)
    print(f"{len(ours)} pages ({listings} listings): {len(differ)} differ from {args.baseline}")
    for name, a, b in differ[:10]:
        print(f"{name}\n  {args.baseline}: {a[:300]}\n  here: {b[:300]}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
