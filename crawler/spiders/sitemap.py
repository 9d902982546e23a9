"""SitemapShopSpider: product URLs from a shop's sitemaps, then the normal HTML extraction.

    scrapy crawl sitemap -a start_urls=https://shop.example/robots.txt
    scrapy crawl sitemap -a start_urls=https://shop.example/sitemap_index.xml

Start URLs are sitemaps, sitemap indexes (gzipped or not) or a robots.txt whose
`Sitemap:` lines name them (none there: /sitemap.xml is tried). Each page URL a
sitemap lists is fetched once and extracted like ShopSpider's pages, without
following links. With product link rules (a site profile's `[links] product`),
only matching URLs are fetched; the others count under `maskscreen/sitemap/skipped`.
Sitemap files count under `maskscreen/sitemaps`; unreadable ones under
`maskscreen/errors/bad_sitemap`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Request
from scrapy.http import Response, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from maskscreen.crawler.extract.page import clean_url
from maskscreen.crawler.jobs.runs import drop_log
from maskscreen.crawler.spiders.profiled import ProfileShopSpider


class SitemapShopSpider(ProfileShopSpider):
    """Arguments as ProfileShopSpider; start_urls are sitemaps or robots.txt."""

    name = "sitemap"

    def __init__(self, **kwargs: Any):
        kwargs["follow"] = False
        super().__init__(**kwargs)

    def start_requests(self) -> Iterator[Request]:
        for url in self.start_urls:
            yield from self._sitemap_request(url)

    def _sitemap_request(self, url: str) -> Iterator[Request]:
        if self._admit(url):
            yield Request(
                url,
                callback=self.parse_sitemap,
                errback=self.on_error,
                dont_filter=url.endswith("/robots.txt"),
            )

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if response.url.endswith("/robots.txt"):
            urls = list(sitemap_urls_from_robots(response.body, base_url=response.url))
            for url in urls or [response.urljoin("/sitemap.xml")]:
                yield from self._sitemap_request(url)
            return
        body = self._sitemap_body(response)
        sitemap = Sitemap(body) if body else None
        if sitemap is None or sitemap.type not in ("sitemapindex", "urlset"):
            drop_log(self.crawler).add("bad_sitemap", response.url, "not a sitemap", error=True)
            self._log_once("errors/bad_sitemap", "not a sitemap: %s", response.url)
            return
        self._inc("sitemaps")
        for entry in sitemap:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                yield from self._sitemap_request(loc)
            elif not self.wanted(loc):
                self._inc("sitemap/skipped")
            elif self._admit(clean_url(loc)):
                yield Request(clean_url(loc), callback=self.parse, errback=self.on_error)

    def _sitemap_body(self, response: Response) -> bytes | None:
        """The XML: gunzipped when the file is gzipped (.xml.gz served as is)."""
        if gzip_magic_number(response):
            max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                return gunzip(response.body, max_size=max_size)
            except (ValueError, OSError):  # too big once unzipped, or corrupt
                return None
        if (
            isinstance(response, XmlResponse)
            or b"<urlset" in response.body[:4096]
            or b"<sitemapindex" in response.body[:4096]
        ):
            return response.body
        return None
