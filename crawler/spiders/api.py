"""ApiSpider: the common ground of spiders that read a shop's JSON API.

Same arguments, counting and errors as ShopSpider (start_urls, site, max_pages);
`currency` and `shop_name` fill what the API does not say. Each JSON page read
counts under `maskscreen/pages`; a reply that is not JSON of the expected shape
under `maskscreen/dropped/not_json`; a product without title or URL under
`maskscreen/dropped/<reason>` (see crawler/extract/shop_apis.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.http import Response

from maskscreen.crawler.extract.shop_apis import NotAProduct
from maskscreen.crawler.items import Listing
from maskscreen.crawler.spiders.shop import ShopSpider


class ApiSpider(ShopSpider):
    name = ""  # a base, not a spider of its own (Scrapy's loader lists named classes only)

    def __init__(self, currency: str | None = None, shop_name: str | None = None, **kwargs: Any):
        kwargs["follow"] = False  # an API says where the next page is, not links
        super().__init__(**kwargs)
        self.currency = currency.strip().upper() if currency else None
        self.seller = shop_name or self.site
        parts = urlsplit(self.start_urls[0])
        self.root_url = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))

    def api_request(self, url: str, callback: Callable, **cb_kwargs: Any) -> Iterator[Request]:
        """A request for `url`, if max_pages allows it."""
        if self._admit(url):
            yield Request(
                url,
                callback=callback,
                errback=self.on_error,
                cb_kwargs=cb_kwargs,
                headers={"Accept": "application/json"},
            )

    def load_json(self, response: Response, shape: type) -> Any | None:
        """The reply decoded, if it is JSON of the expected shape (dict or list)."""
        self._inc("pages")
        try:
            data = json.loads(response.body)
        except ValueError:
            data = None
        if not isinstance(data, shape):
            self._drop("not_json", response.url)
            return None
        return data

    def emit(self, make: Callable[[], Listing], url: str) -> Iterator[Listing]:
        """The listing `make()` builds, once per crawl; drops are counted."""
        try:
            listing = make()
        except NotAProduct as exc:
            self._drop(exc.reason, url)
            return
        if listing.url in self._yielded:
            self._drop("duplicate", listing.url)
            return
        self._yielded.add(listing.url)
        yield listing
