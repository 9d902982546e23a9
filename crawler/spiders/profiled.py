"""ProfileShopSpider: ShopSpider with a site profile's link rules and selectors.

    scrapy crawl profiled -a start_urls=https://shop.example/search?q=mask \
        -a product_links='/item/\\d+' -a pagination_links='[?&]page=\\d+'

Link rules are regexes searched in each absolute link URL: with any product or
pagination rule, only links matching one of them (and no deny rule) are followed.
`selectors` ({field: CSS or XPath}) go to `extract_listing(..., profile=)` when
the extractor takes them.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

from maskscreen.crawler.extract.page import extract_listing
from maskscreen.crawler.items import Listing
from maskscreen.crawler.spiders.shop import ShopSpider, _as_list

logger = logging.getLogger(__name__)


def _patterns(value: str | Iterable[str] | None) -> list[str]:
    """Regexes from a list, or one regex given as a string (`-a`): never split on commas."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v]


def extractor_takes_profile() -> bool:
    return "profile" in inspect.signature(extract_listing).parameters


class ProfileShopSpider(ShopSpider):
    """Arguments as ShopSpider, plus `product_links`, `pagination_links`, `deny_links`
    (regexes) and `selectors` (a mapping of Listing field to CSS or XPath)."""

    name = "profiled"

    def __init__(
        self,
        product_links: str | Iterable[str] | None = None,
        pagination_links: str | Iterable[str] | None = None,
        deny_links: str | Iterable[str] | None = None,
        selectors: Mapping[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.product_links = [re.compile(p) for p in _patterns(product_links)]
        allow = _patterns(product_links) + _patterns(pagination_links)
        self.deny_links = [re.compile(p) for p in _patterns(deny_links)]
        if allow or self.deny_links:
            parts = [urlsplit(url) for url in _as_list(self.start_urls)]
            hosts = list(
                dict.fromkeys(
                    [p.hostname for p in parts if p.hostname] + [p.netloc.lower() for p in parts]
                )
            )
            self._links = LinkExtractor(
                allow=allow, deny=_patterns(deny_links), allow_domains=hosts, unique=True
            )
        self.selectors = dict(selectors or {})
        self._use_selectors = bool(self.selectors) and extractor_takes_profile()
        if self.selectors and not self._use_selectors:
            logger.warning("this extractor takes no selectors; the profile's [extract] is unused")

    def wanted(self, url: str) -> bool:
        """A URL the product rules allow (all, without rules) and no deny rule refuses."""
        if any(p.search(url) for p in self.deny_links):
            return False
        return not self.product_links or any(p.search(url) for p in self.product_links)

    def extract(self, response: HtmlResponse) -> Listing:
        if self._use_selectors:
            return extract_listing(response, self.site, profile=self.selectors)
        return extract_listing(response, self.site)
