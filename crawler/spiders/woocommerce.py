"""WooCommerceSpider: every product of a WooCommerce shop through its Store API.

    scrapy crawl woocommerce -a start_urls=https://shop.example

Pages /wp-json/wc/store/v1/products?page=N&per_page=100 until a page is empty or
the X-WP-TotalPages header says it was the last. Prices come in minor units
with `currency_minor_unit` (see crawler/extract/shop_apis.py); source_format "woocommerce".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response

from maskscreen.crawler.extract.shop_apis import woocommerce_listing
from maskscreen.crawler.items import Listing
from maskscreen.crawler.spiders.api import ApiSpider

PAGE_SIZE = 100  # the Store API's largest page
PRODUCTS_PATH = "wp-json/wc/store/v1/products"


class WooCommerceSpider(ApiSpider):
    """Arguments as ApiSpider (start_urls, site, max_pages, shop_name)."""

    name = "woocommerce"

    def start_requests(self) -> Iterator[Request]:
        yield from self.products_page(1)

    def products_page(self, page: int) -> Iterator[Request]:
        url = f"{self.root_url}{PRODUCTS_PATH}?page={page}&per_page={PAGE_SIZE}"
        yield from self.api_request(url, self.parse_products, page=page)

    def parse_products(self, response: Response, page: int) -> Iterator[Listing | Request]:
        products = self.load_json(response, list)
        if not products:
            return
        for product in products:
            yield from self.emit(
                lambda product=product: woocommerce_listing(
                    product, site=self.site, seller=self.seller
                ),
                response.url,
            )
        total = (response.headers.get("X-WP-TotalPages") or b"").decode("ascii", "replace")
        if not total.strip().isdigit() or page < int(total):
            yield from self.products_page(page + 1)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Listing | Request]:
        return self.parse_products(response, page=1)
