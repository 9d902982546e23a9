"""The demo shop's catalogue: products, categories, search and pagination.

The products live in `products.jsonl` beside this module. Each has a hidden
ground-truth field `expected` ("flag" or "ok") that only tests read; the shop
never shows it.

Day 2 (`Catalog(day=2)`, "the next day") is the shop a recheck finds: a flagged
listing was edited to drop its keywords, a harmless one changed its price and
text, and three flagged ones are gone: one answers 404, one redirects to the
home page, one shows a "已下架" (delisted) notice. See NEXT_DAY.

`maskscreen demo` spreads the products over several shops (SHOPS, `shop_of`):
Simplified Chinese ones to a GBK marketplace, Traditional Chinese ones to a
WooCommerce shop, the English ones over a JSON-LD shop, a microdata shop, a
Shopify shop, a WooCommerce shop and a sitemap shop. What changes the next day
stays in shops whose product pages a recheck can read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

PAGE_SIZE = 10

# slug -> (English name, Chinese name)
CATEGORIES = {
    "costume-masks": ("Costume & Party Masks", "派对面具"),
    "sfx-props": ("Film & SFX Props", "影视特效道具"),
    "custom-gifts": ("Custom & Photo Gifts", "定制礼品"),
    "skincare": ("Skincare & Sleep", "护肤与睡眠"),
    "health": ("Health & Safety", "健康防护"),
    "art-craft": ("Art & Craft Supplies", "手工艺术"),
    "dolls-wigs": ("Dolls, Wigs & Mannequins", "娃娃与假发"),
    "home": ("Home & Everyday", "家居日用"),
}
SEARCHES = ("mask", "面具", "silicone")

# Deliberately bad pages, linked from the first page of BAD_LINKS_CATEGORY.
BROKEN_JSONLD_PATH = "/p/clearance-mystery-mask"
NO_STRUCTURED_DATA_PATH = "/p/gift-card"
DEAD_LINK_PATH = "/p/discontinued-latex-pig-mask"
BAD_LINKS_CATEGORY = "costume-masks"
DISALLOWED_PATH = "/cart"

# What changed overnight, by slug (day 2 and later).
NEXT_DAY = MappingProxyType(
    {
        "edited": MappingProxyType(
            {  # flagged on day 1; the seller dropped the keywords
                "old-man-silicone-mask-super-realistic-elderly-82": MappingProxyType(
                    {
                        "title": "Old Man Halloween Mask - Cartoon Grandpa Latex Party Mask",
                        "description": "Funny cartoon grandpa mask for Halloween and fancy dress parties. "
                        "Latex, one size fits most adults.",
                    }
                ),
                "sleep-mask-silk-100-mulberry-blackout-eye-2": MappingProxyType(
                    {  # harmless
                        "price": "19.50",
                        "description": "22 momme mulberry silk on both sides, soft filling, adjustable "
                        "strap. Now with a travel pouch.",
                    }
                ),
            }
        ),
        "gone": ("realistic-face-mask-mens-silcone-disguse-full-66",),  # 404
        "redirected": ("realistic-silicone-male-mask-full-head-middle-140",),  # 301 to /
        "delisted": ("costume-masks-59",),  # 200, a notice: 该商品已下架
    }
)


# The demo's shops, in the order `maskscreen demo` shows them (see crawler/demo/mall.py).
SHOPS = (
    "demo-shop",
    "demo-microdata",
    "demo-shopify",
    "demo-woo",
    "demo-sitemap",
    "demo-zh-market",
)


def shop_of(product: dict) -> str:
    """Which demo shop sells `product`: by language, then by id (a fixed spread)."""
    if product["language"] == "zh-CN":
        return "demo-zh-market"
    if product["language"] == "zh-TW":
        return "demo-woo"
    changes = {*NEXT_DAY["edited"], *NEXT_DAY["gone"], *NEXT_DAY["redirected"]}
    if product["slug"] in changes:
        return "demo-shop"
    spread = ("demo-shop", "demo-microdata", "demo-shopify", "demo-woo", "demo-sitemap")
    shop = spread[product["id"] % len(spread)]
    if shop == "demo-shopify" and product["currency"] != "USD":  # one currency a Shopify shop
        return "demo-shop"
    return shop


@dataclass(frozen=True)
class Page:
    """One page of a paginated list."""

    items: list[dict]
    number: int
    count: int

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def has_prev(self) -> bool:
        return self.number > 1


@cache
def load_products() -> tuple[dict, ...]:
    """Every demo product, in id order, including the hidden `expected` field."""
    text = resources.files("maskscreen.crawler.demo").joinpath("products.jsonl").read_text("utf-8")
    products = [json.loads(line) for line in text.splitlines() if line.strip()]
    return tuple(sorted(products, key=lambda p: p["id"]))


def next_day(products: list[dict]) -> list[dict]:
    """The products on day 2: edits applied, vanished ones left out."""
    vanished = {*NEXT_DAY["gone"], *NEXT_DAY["redirected"], *NEXT_DAY["delisted"]}
    edits = NEXT_DAY["edited"]
    return [{**p, **edits.get(p["slug"], {})} for p in products if p["slug"] not in vanished]


class Catalog:
    """Look-ups over the products: by slug, by category, by search query, by seller.

    `day` 2 or later is the next day (see NEXT_DAY); `redirected` and `delisted`
    hold the slugs the server answers with a redirect home or a delisted notice.
    """

    def __init__(self, products: tuple[dict, ...] | list[dict] | None = None, day: int = 1):
        self.day = day
        products = list(load_products() if products is None else products)
        self.source = products  # day 1's products: another day starts from these
        self.products = next_day(products) if day >= 2 else products
        self.by_slug = {p["slug"]: p for p in self.products}
        self.redirected = frozenset(NEXT_DAY["redirected"] if day >= 2 else ())
        self.delisted = frozenset(NEXT_DAY["delisted"] if day >= 2 else ())

    @classmethod
    def of_shop(cls, shop: str, day: int = 1) -> Catalog:
        """The products one demo shop sells (see `shop_of`)."""
        return cls([p for p in load_products() if shop_of(p) == shop], day=day)

    def on_day(self, day: int) -> Catalog:
        """The same shop's products on another day."""
        return Catalog(self.source, day=day)

    def in_category(self, slug: str) -> list[dict]:
        return [p for p in self.products if p["category"] == slug]

    def by_seller(self, seller: str) -> list[dict]:
        return [p for p in self.products if p["seller"] == seller]

    def search(self, query: str) -> list[dict]:
        needle = query.strip().casefold()
        if not needle:
            return []
        return [
            p
            for p in self.products
            if needle in p["title"].casefold() or needle in p["description"].casefold()
        ]

    def related(self, product: dict, n: int = 4) -> list[dict]:
        """The next `n` products of the same category, wrapping round."""
        same = self.in_category(product["category"])
        start = same.index(product)
        return [same[(start + k) % len(same)] for k in range(1, min(n, len(same) - 1) + 1)]


def paginate(items: list[dict], number: int) -> Page | None:
    """Page `number` (from 1) of `items`; None when the page does not exist."""
    count = max(1, -(-len(items) // PAGE_SIZE))
    if number < 1 or number > count:
        return None
    start = (number - 1) * PAGE_SIZE
    return Page(items=items[start : start + PAGE_SIZE], number=number, count=count)
