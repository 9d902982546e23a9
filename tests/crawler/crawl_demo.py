"""Crawl the demo shop with ShopSpider alone and write items and stats as JSON.

Run in a subprocess by test_spider.py (Scrapy's reactor starts once per process):

    python tests/crawler/crawl_demo.py OUT.json [spider args as key=value ...]
"""

from __future__ import annotations

import json
import sys

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from maskscreen.crawler.demo.server import DemoShop
from maskscreen.crawler.spiders.shop import ShopSpider


def main(out_path: str, *spider_args: str) -> None:
    settings = Settings()
    settings.setmodule("maskscreen.crawler.settings", priority="project")
    settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    items: list[dict] = []
    stats: dict = {}
    kwargs = dict(arg.split("=", 1) for arg in spider_args)
    with DemoShop() as shop:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(ShopSpider)

        # Signal receivers are held weakly: keep them as named locals.
        def on_item(item, **_):
            items.append(item.to_record())

        def on_closed(**_):
            stats.update(crawler.stats.get_stats())

        crawler.signals.connect(on_item, signal=signals.item_scraped)
        crawler.signals.connect(on_closed, signal=signals.spider_closed)
        kwargs.setdefault("start_urls", shop.base_url + "/")
        kwargs["start_urls"] = kwargs["start_urls"].replace("BASE", shop.base_url)
        process.crawl(crawler, site="demo", **kwargs)
        process.start()
        result = {"base_url": shop.base_url, "items": items, "stats": stats}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, default=str, indent=1)


if __name__ == "__main__":
    main(*sys.argv[1:])
