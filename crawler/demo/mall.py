"""Every demo shop at once, each on its own free port of 127.0.0.1 (`maskscreen demo`).

    with DemoMall() as mall:
        for shop in mall.shops: print(shop.name, shop.base_url, shop.kind)
        mall.set_day(2)                   # the next day, in every shop

The demo's products are spread over the shops by `crawler.demo.catalog.shop_of`:

    demo-shop       JSON-LD product pages, categories, search; also the deliberately
                    broken pages and a dead link
    demo-microdata  schema.org microdata product pages
    demo-shopify    a Shopify-style /products.json
    demo-woo        a WooCommerce Store API
    demo-sitemap    product pages listed by a gzipped sitemap index (robots.txt Sitemap:)
    demo-zh-market  a GBK Chinese marketplace with no structured data: the bundled
                    site profile demo-zh-market reads it with CSS selectors

Each shop has its own origin, so probing a shop's home finds its own way in
(crawler.jobs.plan.detect). `python -m maskscreen.crawler.demo.mall [--day 2]` serves them all.
"""

from __future__ import annotations

import argparse
import threading
from dataclasses import dataclass
from typing import Self

from maskscreen.crawler.demo.catalog import SHOPS, Catalog
from maskscreen.crawler.demo.market import MarketShop
from maskscreen.crawler.demo.platform_shops import PlatformShop
from maskscreen.crawler.demo.server import DemoShop

KINDS = {
    "demo-shop": "JSON-LD pages",
    "demo-microdata": "microdata pages",
    "demo-shopify": "Shopify products.json",
    "demo-woo": "WooCommerce Store API",
    "demo-sitemap": "sitemap index (gzip)",
    "demo-zh-market": "GBK, no structured data",
}
PROFILES = {"demo-zh-market": "demo-zh-market"}  # shops crawled through a site profile


@dataclass
class MallShop:
    name: str
    kind: str
    server: DemoShop
    profile: str | None = None

    @property
    def base_url(self) -> str:
        return self.server.base_url


def _server(name: str, day: int) -> DemoShop:
    catalog = Catalog.of_shop(name, day=day)
    if name == "demo-microdata":
        return DemoShop(catalog=catalog, markup="microdata")
    if name == "demo-shopify":
        return PlatformShop("shopify", catalog=catalog)
    if name == "demo-woo":
        return PlatformShop("woocommerce", catalog=catalog)
    if name == "demo-sitemap":
        return PlatformShop("sitemap", catalog=catalog)
    if name == "demo-zh-market":
        return MarketShop(catalog=catalog)
    return DemoShop(catalog=catalog)


class DemoMall:
    """The demo shops (SHOPS), served from background threads of this process."""

    def __init__(self, day: int = 1):
        self.shops = [
            MallShop(name, KINDS[name], _server(name, day), PROFILES.get(name)) for name in SHOPS
        ]

    def start(self) -> DemoMall:
        for shop in self.shops:
            shop.server.start()
        return self

    def set_day(self, day: int) -> None:
        """Serve another day in every shop (2: the next day, see catalog.NEXT_DAY)."""
        for shop in self.shops:
            shop.server.set_day(day)

    def stop(self) -> None:
        for shop in self.shops:
            shop.server.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve every maskscreen demo shop.")
    parser.add_argument("--day", type=int, default=1, help="2: the next day")
    args = parser.parse_args(argv)
    with DemoMall(day=args.day) as mall:
        for shop in mall.shops:
            print(f"{shop.name:15} {shop.base_url}/  ({shop.kind})", flush=True)
        print("(Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
