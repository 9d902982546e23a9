"""Crawl a platform demo shop the way `maskscreen crawl` plans it; write items and stats.

Run in a subprocess by test_platforms.py (Scrapy's reactor starts once per process):

    python tests/crawler/crawl_platform.py OUT.json KIND [via=auto] [path=/] [currency=USD]

KIND is shopify, woocommerce, sitemap (crawler/demo/platform_shops.py) or html (the
plain demo shop). No pipelines: the items are the spider's own.
"""

from __future__ import annotations

import json
import sys

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from maskscreen.crawler.demo.platform_shops import PlatformShop
from maskscreen.crawler.demo.server import DemoShop
from maskscreen.crawler.jobs.plan import plan_crawl, spider_class


def main(out_path: str, kind: str, *args: str) -> None:
    options = dict(arg.split("=", 1) for arg in args)
    settings = Settings()
    settings.setmodule("maskscreen.crawler.settings", priority="project")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    items: list[dict] = []
    stats: dict = {}
    with DemoShop() if kind == "html" else PlatformShop(kind) as shop:
        via = options.get("via", "auto")
        plan = plan_crawl(
            url=shop.base_url + options.get("path", "/"),
            via=None if via == "auto" else via,
            currency=options.get("currency"),
            max_pages=int(options["max_pages"]) if "max_pages" in options else None,
        )
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(spider_class(plan.via, plan.spider_args))

        # Signal receivers are held weakly: keep them as named locals.
        def on_item(item, **_):
            items.append(item.to_record())

        crawler.signals.connect(on_item, signal=signals.item_scraped)
        extra = {"max_pages": plan.max_pages} if plan.max_pages else {}
        process.crawl(crawler, start_urls=plan.start_urls, site="demo", **plan.spider_args, **extra)
        process.start()
        stats.update(crawler.stats.get_stats())
        result = {
            "base_url": shop.base_url,
            "via": plan.via,
            "detected": plan.detected,
            "spider": crawler.spidercls.name,
            "items": items,
            "stats": stats,
        }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, default=str, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
