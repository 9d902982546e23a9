"""Pages per second: the full pipeline (extract, classify, store) against a bare spider.

    python bench/crawl.py [--pages 5000] [--concurrency 64]
    python bench/crawl.py --memory [--pages 50000]

Builds a shop of PAGES product pages (the demo catalogue's products repeated, each
page the demo shop's JSON-LD product page) plus category pages of 100 links each,
renders every page once into memory and serves it from a separate process (a small
asyncio HTTP/1.1 server with keep-alive: tests/loopback_http.py), so serving costs the
crawler no CPU.

Then crawls it twice, each in its own child process and with the same tuned
settings (AutoThrottle off, CONCURRENT_REQUESTS and CONCURRENT_REQUESTS_PER_DOMAIN
= --concurrency, CONCURRENT_ITEMS = --concurrent-items): a bare spider that only
follows links (each new URL once), and maskscreen's spider, extraction, classifier
and SQLite store (the real `run_crawl`). Prints pages/s for both and the full
pipeline's share of the bare rate.

CONCURRENT_ITEMS: Scrapy 2.13+ processes a callback's output with that many asyncio
tasks per response (scrapy.utils.asyncio._parallel_asyncio: ~200 create_task calls a
page at 200, by profile), so a large value costs CPU on every page while our
pipelines, being synchronous, gain nothing from it. The default here is 16; with
`--concurrent-items 200` both spiders ran at about half the speed (2 shared cores).

`--memory` crawls with the full pipeline only (default 50,000 product pages) and
reports the child's peak RSS (getrusage ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINKS_PER_CATEGORY = 100


def tuned_settings(concurrency: int, concurrent_items: int) -> dict:
    """The same for both crawls: politeness delays off, concurrency up."""
    return {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_ITEMS": concurrent_items,
        "LOG_LEVEL": "WARNING",
    }


# -- the shop ------------------------------------------------------------------------------


def render_shop(base: str, pages: int) -> dict[str, bytes]:
    """Every page of a shop of `pages` products at `base`, by path, rendered once."""
    from maskscreen.crawler.demo import pages as html
    from maskscreen.crawler.demo.catalog import load_products

    products = []
    templates = load_products()
    for n in range(pages):
        product = dict(templates[n % len(templates)])
        product["id"] = n + 1
        product["slug"] = f"{product['slug']}-b{n}"
        products.append(product)
    site: dict[str, bytes] = {"/robots.txt": html.ROBOTS_TXT.encode()}
    categories = -(-pages // LINKS_PER_CATEGORY)
    home = "".join(f'<li><a href="/c/{c}">Category {c}</a></li>' for c in range(categories))
    site["/"] = html.layout("Bench shop", f"<ul>{home}</ul>").encode()
    for c in range(categories):
        chunk = products[c * LINKS_PER_CATEGORY : (c + 1) * LINKS_PER_CATEGORY]
        links = "".join(f'<li><a href="/p/{p["slug"]}">{p["slug"]}</a></li>' for p in chunk)
        site[f"/c/{c}"] = html.layout(f"Category {c}", f"<ul>{links}</ul>").encode()
    for n, product in enumerate(products):
        related = [products[(n + k) % pages] for k in (1, 2, 3)]
        page = html.product_page(base, product, related)
        # Plain related links, so both spiders fetch the same pages (no tracking variants).
        page = page.replace("?ref=related&amp;utm_source=demo&amp;utm_medium=related", "")
        site[f"/p/{product['slug']}"] = page.encode("utf-8")
    return site


def serve(pages: int) -> None:
    """Render the shop, print the port, serve until killed (a child process)."""
    from tests.loopback_http import serve_pages

    serve_pages(lambda base: render_shop(base, pages))


# -- the two crawls (each in its own process: one reactor per process) ---------------------


def peak_rss_mb() -> float:
    """This process's peak resident set size (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def bare_crawl(url: str, settings_overrides: dict) -> dict:
    from scrapy import Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.settings import Settings

    class FollowOnly(Spider):
        name = "follow_only"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.start_urls = [url]
            self.links = LinkExtractor()  # the shop links only to itself
            self.seen: set[str] = set()  # as ShopSpider: no Request for a URL seen before

        def parse(self, response, **kwargs):
            for link in self.links.extract_links(response):
                if link.url not in self.seen:
                    self.seen.add(link.url)
                    yield response.follow(link.url, callback=self.parse)

    settings = Settings()
    settings.setmodule("maskscreen.crawler.settings", priority="project")
    settings.set("ITEM_PIPELINES", {})
    for key, value in settings_overrides.items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FollowOnly)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    return {
        "pages": stats.get("response_received_count", 0),
        "listings": 0,
        "seconds": stats["elapsed_time_seconds"],
        "peak_rss_mb": peak_rss_mb(),
    }


def full_crawl(url: str, database_url: str, settings_overrides: dict) -> dict:
    from maskscreen.classifier.model import load_model
    from maskscreen.crawler.jobs.job import run_crawl
    from maskscreen.crawler.jobs.plan import CrawlPlan
    from maskscreen.db.migrate import open_database

    # No job state: disk queues would cost speed the bare crawl does not pay.
    plan = CrawlPlan(
        via="html", start_urls=[url], site="bench", settings=settings_overrides, resume=False
    )
    engine = open_database(database_url)
    try:
        summary = run_crawl(plan, engine=engine, model=load_model())
    finally:
        engine.dispose()
    return {
        "pages": summary.stats.get("response_received_count", 0),
        "seconds": summary.stats["elapsed_time_seconds"],
        "listings": summary.counts["listings"],
        "flagged": summary.counts["flagged"],
        "stored": summary.counts["new"] + summary.counts["changed"] + summary.counts["unchanged"],
        "peak_rss_mb": peak_rss_mb(),
    }


def run_worker(
    mode: str, url: str, database_url: str, concurrency: int, concurrent_items: int
) -> dict:
    command = [
        sys.executable,
        __file__,
        "--worker",
        mode,
        "--url",
        url,
        "--db",
        database_url,
        "--concurrency",
        str(concurrency),
        "--concurrent-items",
        str(concurrent_items),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        sys.exit(f"{mode} crawl failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=int, help="product pages (default 5000; 50000 with --memory)"
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=64,
        help="CONCURRENT_REQUESTS(_PER_DOMAIN) for both crawls",
    )
    parser.add_argument(
        "--concurrent-items", type=int, default=16, help="CONCURRENT_ITEMS for both crawls"
    )
    parser.add_argument(
        "--memory", action="store_true", help="full pipeline only; report the crawl's peak RSS"
    )
    parser.add_argument("--worker", choices=["bare", "full", "serve"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pages = args.pages or (50_000 if args.memory else 5_000)
    if args.worker == "serve":
        serve(pages)
        return
    if args.worker in ("bare", "full"):
        settings = tuned_settings(args.concurrency, args.concurrent_items)
        result = (
            bare_crawl(args.url, settings)
            if args.worker == "bare"
            else full_crawl(args.url, args.db, settings)
        )
        print(json.dumps(result))
        return

    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, __file__, "--worker", "serve", "--pages", str(pages)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        port = int(server.stdout.readline())
        url = f"http://127.0.0.1:{port}/"
        print(
            f"shop of {pages:,} product pages at {url} (rendered in "
            f"{time.perf_counter() - started:.1f} s, served by process {server.pid})"
        )
        print(
            f"settings for both crawls: {json.dumps(tuned_settings(args.concurrency, args.concurrent_items))}"
        )
        modes = ("full",) if args.memory else ("bare", "full")
        results = {}
        with tempfile.TemporaryDirectory() as tmp:
            for mode in modes:
                database = f"sqlite:///{Path(tmp) / f'bench-{mode}.sqlite'}"
                result = run_worker(mode, url, database, args.concurrency, args.concurrent_items)
                results[mode] = result["pages"] / result["seconds"]
                stored = (
                    f" ({result['stored']:,} stored, {result['flagged']:,} flagged)"
                    if mode == "full"
                    else ""
                )
                print(
                    f"{mode:4}: {result['pages']:,} pages, {result['listings']:,} listings"
                    f"{stored} in {result['seconds']:.1f} s = {results[mode]:,.0f} pages/s; "
                    f"peak RSS {result['peak_rss_mb']:,.0f} MB "
                    f"(process {result['process_seconds']:.1f} s)"
                )
        if not args.memory:
            print(f"full pipeline at {results['full'] / results['bare']:.0%} of the bare rate")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
