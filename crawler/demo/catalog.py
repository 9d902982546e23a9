"""The demo shop's catalogue: products, categories, search and pagination.

The products live in `products.jsonl` beside this module. Each has a hidden
ground-truth field `expected` ("flag" or "ok") that only tests read; the shop
never shows it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

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
NO_JSONLD_PATH = "/p/gift-card"
DEAD_LINK_PATH = "/p/discontinued-latex-pig-mask"
BAD_LINKS_CATEGORY = "costume-masks"
DISALLOWED_PATH = "/cart"


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
    text = resources.files("crawler.demo").joinpath("products.jsonl").read_text("utf-8")
    products = [json.loads(line) for line in text.splitlines() if line.strip()]
    return tuple(sorted(products, key=lambda p: p["id"]))


class Catalog:
    """Look-ups over the products: by slug, by category, by search query, by seller."""

    def __init__(self, products: tuple[dict, ...] | list[dict] | None = None):
        self.products = list(load_products() if products is None else products)
        self.by_slug = {p["slug"]: p for p in self.products}

    def in_category(self, slug: str) -> list[dict]:
        return [p for p in self.products if p["category"] == slug]

    def by_seller(self, seller: str) -> list[dict]:
        return [p for p in self.products if p["seller"] == seller]

    def search(self, query: str) -> list[dict]:
        needle = query.strip().casefold()
        if not needle:
            return []
        return [p for p in self.products
                if needle in p["title"].casefold() or needle in p["description"].casefold()]

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
    return Page(items=items[start:start + PAGE_SIZE], number=number, count=count)
