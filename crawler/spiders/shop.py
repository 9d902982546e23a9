"""ShopSpider: crawl a shop from category or search pages, yield a Listing per product page.

    scrapy crawl shop -a start_urls=https://shop.example/c/masks -a site=example
    scrapy crawl shop -a start_urls=https://shop.example/p/123 -a follow=false   # one page

Every HTML page is parsed; a page with a schema.org Product becomes a `Listing`,
any other page is counted under `maskscreen/dropped/<reason>`. Links are followed
on the start URLs' hosts only, tracking parameters stripped, rel=nofollow respected.

Stats keys (all prefixed `maskscreen/`):
  pages                  HTML pages parsed
  dropped/<reason>       no_structured_data, broken_jsonld, no_product, no_title (see extract.py),
                         duplicate (a listing already yielded this crawl), not_html
  errors/http_<status>   HTTP errors (404, 500…), through the errback
  dropped/robots_txt     requests refused by the site's robots.txt
  errors/<Exception>     network errors, timeouts
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.extract import NotAListing, clean_url, extract_listing
from crawler.items import Listing

logger = logging.getLogger(__name__)

STATS_PREFIX = "maskscreen/"


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


class ShopSpider(Spider):
    """Crawl one shop: follow same-host links and pagination, extract product pages.

    Arguments (strings when given with `-a`): `start_urls` (comma-separated or a
    list), `site` (the site's name, default the first start URL's host),
    `max_pages` (stop scheduling after this many requests), `follow` (false: fetch
    the start URLs only), `one_page` (true: the same as follow=false).
    """

    name = "shop"

    def __init__(
        self,
        start_urls: str | Iterable[str] | None = None,
        site: str | None = None,
        max_pages: int | str | None = None,
        follow: bool | str = True,
        one_page: bool | str = False,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.start_urls = [clean_url(url) for url in _as_list(start_urls)]
        if not self.start_urls:
            raise ValueError("ShopSpider needs at least one start URL (start_urls=...)")
        parts = [urlsplit(url) for url in self.start_urls]
        if any(p.scheme not in ("http", "https") or not p.hostname for p in parts):
            raise ValueError(f"start URLs must be http(s) URLs: {self.start_urls}")
        hostnames = list(dict.fromkeys(p.hostname for p in parts if p.hostname))
        netlocs = list(dict.fromkeys(p.netloc.lower() for p in parts))
        self.allowed_domains = hostnames
        self.site = site or hostnames[0].removeprefix("www.")
        self.max_pages = int(max_pages) if max_pages not in (None, "") else None
        self.follow = _as_bool(follow) and not _as_bool(one_page)
        # allow_domains matches netlocs, so list hosts with their ports too.
        self._links = LinkExtractor(allow_domains=hostnames + netlocs, unique=True)
        self._scheduled: set[str] = set()
        self._yielded: set[str] = set()
        self._logged: set[str] = set()

    # -- requests -------------------------------------------------------------

    def start_requests(self) -> Iterator[Request]:
        for url in self.start_urls:
            if self._admit(url):
                yield Request(url, callback=self.parse, errback=self.on_error, dont_filter=True)

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_requests():
            yield request

    def _admit(self, url: str) -> bool:
        """Schedule `url` once, and never more than max_pages URLs in all."""
        if url in self._scheduled:
            return False
        if self.max_pages is not None and len(self._scheduled) >= self.max_pages:
            self._log_once("max_pages", "max_pages=%d reached; not following more links",
                           self.max_pages)
            return False
        self._scheduled.add(url)
        return True

    def _follow(self, response: HtmlResponse) -> Iterator[Request]:
        rel_next = response.xpath(
            "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        ).getall()
        urls = [response.urljoin(href) for href in rel_next]
        urls += [link.url for link in self._links.extract_links(response) if not link.nofollow]
        for url in urls:
            url = clean_url(url)
            if self._admit(url):
                yield Request(url, callback=self.parse, errback=self.on_error)

    # -- responses ------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Listing | Request]:
        if not isinstance(response, HtmlResponse):
            self._drop("not_html", response.url)
            return
        self._inc("pages")
        try:
            listing = self.extract(response)
        except NotAListing as exc:
            self._drop(exc.reason, response.url)
        else:
            if listing.url in self._yielded:
                self._drop("duplicate", response.url)
            else:
                self._yielded.add(listing.url)
                yield listing
        if self.follow:
            yield from self._follow(response)

    def extract(self, response: HtmlResponse) -> Listing:
        """The page's listing (raises NotAListing); subclasses add site profiles."""
        return extract_listing(response, self.site)

    def on_error(self, failure: Failure) -> None:
        """Count a failed request: HTTP status, network error, robots.txt refusal."""
        if failure.check(DownloadCancelledError):
            return  # over the size limit: the retry middleware counted it as dropped/too_large
        if failure.check(HttpError):
            key = f"errors/http_{failure.value.response.status}"
        elif failure.check(IgnoreRequest):  # robots.txt said no: a counted skip, not an error
            key = "dropped/robots_txt"
        else:
            key = f"errors/{type(failure.value).__name__}"
        self._inc(key)
        url = failure.request.url if hasattr(failure, "request") else "?"
        self._log_once(key, "%s on %s (counted as %s%s)", failure.getErrorMessage(), url,
                       STATS_PREFIX, key)

    # -- counting -------------------------------------------------------------

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(STATS_PREFIX + key)

    def _drop(self, reason: str, url: str) -> None:
        self._inc(f"dropped/{reason}")
        self._log_once(f"dropped/{reason}", "dropped %s: %s",
                       url, reason)

    def _log_once(self, key: str, message: str, *args: Any) -> None:
        level = logging.DEBUG if key in self._logged else logging.INFO
        self._logged.add(key)
        logger.log(level, message, *args)
