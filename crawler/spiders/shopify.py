"""ShopifySpider: every product of a Shopify shop through its public products.json.

    scrapy crawl shopify -a start_urls=https://shop.example -a currency=USD

Pages /products.json?page=N&limit=250 until a page comes back empty (the last
page may be short or not: only an empty one ends the list). A start URL naming
one product (/products/<handle>) fetches /products/<handle>.json instead.
Listings: source_format "shopify", url /products/<handle>, the lowest variant
price, `currency` as given (Shopify's JSON does not say it), seller the shop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.http import Response

from maskscreen.crawler.extract.shop_apis import shopify_listing
from maskscreen.crawler.items import Listing
from maskscreen.crawler.spiders.api import ApiSpider

PAGE_SIZE = 250  # Shopify's largest page
_PRODUCT_PATH_RE = re.compile(r"/products/([^/?#.]+)(?:\.json)?/?$")


class ShopifySpider(ApiSpider):
    """Arguments as ApiSpider (start_urls, site, max_pages, currency, shop_name)."""

    name = "shopify"

    def start_requests(self) -> Iterator[Request]:
        for url in self.start_urls:
            match = _PRODUCT_PATH_RE.search(urlsplit(url).path)
            if match:
                yield from self.api_request(
                    f"{self.root_url}products/{match[1]}.json", self.parse_product
                )
            else:
                yield from self.products_page(1)

    def products_page(self, page: int) -> Iterator[Request]:
        url = f"{self.root_url}products.json?page={page}&limit={PAGE_SIZE}"
        yield from self.api_request(url, self.parse_products, page=page)

    def parse_products(self, response: Response, page: int) -> Iterator[Listing | Request]:
        data = self.load_json(response, dict)
        products = data.get("products") if data is not None else None
        if not isinstance(products, list):
            if data is not None:
                self._drop("not_json", response.url)
            return
        for product in products:
            yield from self.listing(product, response.url)
        if products:
            yield from self.products_page(page + 1)

    def parse_product(self, response: Response) -> Iterator[Listing]:
        data = self.load_json(response, dict)
        if data is not None:
            yield from self.listing(data.get("product"), response.url)

    def listing(self, product: Any, url: str) -> Iterator[Listing]:
        yield from self.emit(
            lambda: shopify_listing(
                product,
                root_url=self.root_url,
                site=self.site,
                currency=self.currency,
                seller=self.seller,
            ),
            url,
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Listing | Request]:
        return self.parse_products(response, page=1)
