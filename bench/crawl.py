"""Pages per second: the full pipeline (extract, classify, store) against a bare spider.

    python bench/crawl.py [--copies 10]

Serves the demo shop with its catalogue repeated COPIES times (so the crawl is
long enough to measure), then crawls it twice in child processes with the same
settings: once with a bare spider that only follows links, once with
maskscreen's spider, extraction, classifier and SQLite store. AutoThrottle is
off for both: this measures our work per page, not politeness delays.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "CONCURRENT_ITEMS": 200,
    "LOG_LEVEL": "WARNING",
}


def catalogue(copies: int):
    from crawler.demo.catalog import Catalog, load_products

    products = []
    for copy in range(copies):
        for product in load_products():
            clone = dict(product)
            clone["id"] = product["id"] + copy * 100_000
            clone["slug"] = f"{product['slug']}-c{copy}"
            products.append(clone)
    return Catalog(products)


def bare_crawl(url: str) -> dict:
    from scrapy import Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.settings import Settings

    class FollowOnly(Spider):
        name = "follow_only"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.start_urls = [url]
            self.links = LinkExtractor()  # the demo shop links only to itself

        def parse(self, response, **kwargs):
            for link in self.links.extract_links(response):
                yield response.follow(link.url, callback=self.parse)

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("ITEM_PIPELINES", {})
    for key, value in BENCH_SETTINGS.items():
        settings.set(key, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FollowOnly)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    return {"pages": stats.get("response_received_count", 0), "seconds": stats["elapsed_time_seconds"], "listings": 0}


def full_crawl(url: str, database_url: str) -> dict:
    from crawler.run import run_crawl

    summary = run_crawl([url], database_url=database_url, site="bench", settings_overrides=BENCH_SETTINGS,
                        resume=False)  # disk queues would cost speed the bare crawl does not pay
    return {
        "pages": summary.stats.get("response_received_count", 0),
        "seconds": summary.stats["elapsed_time_seconds"],
        "listings": summary.counts["listings"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--worker", choices=["bare", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "bare":
        print(json.dumps(bare_crawl(args.url)))
        return
    if args.worker == "full":
        print(json.dumps(full_crawl(args.url, args.db)))
        return

    from crawler.demo.server import DemoShop

    with DemoShop(catalog=catalogue(args.copies)) as shop, tempfile.TemporaryDirectory() as tmp:
        print(f"demo shop x{args.copies} at {shop.base_url}")
        results = {}
        for mode in ("bare", "full"):
            started = time.perf_counter()
            command = [sys.executable, __file__, "--worker", mode, "--url", shop.base_url + "/",
                       "--db", f"sqlite:///{Path(tmp) / 'bench.sqlite'}"]
            out = subprocess.run(command, capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            rate = result["pages"] / result["seconds"]
            results[mode] = rate
            print(f"{mode:4}: {result['pages']} pages, {result['listings']} listings in {result['seconds']:.1f} s "
                  f"= {rate:,.0f} pages/s (process {time.perf_counter() - started:.1f} s)")
        print(f"full pipeline at {results['full'] / results['bare']:.0%} of the bare rate")


if __name__ == "__main__":
    main()
