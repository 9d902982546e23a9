"""ShopSpider: crawl a shop from category or search pages, yield a Listing per product page.

    scrapy crawl shop -a start_urls=https://shop.example/c/masks -a site=example
    scrapy crawl shop -a start_urls=https://shop.example/p/123 -a follow=false   # one page

Every HTML page is parsed; a page with a schema.org Product becomes a `Listing`,
any other page is counted under `maskscreen/dropped/<reason>`. Links are followed
on the start URLs' hosts only, tracking parameters stripped, rel=nofollow respected
(`SameSiteLinks`: what Scrapy's LinkExtractor would keep, found more cheaply).

Stats keys (all prefixed `maskscreen/`):
  pages                  HTML pages parsed
  dropped/<reason>       not_a_product, listing_page, broken_jsonld, no_product, no_title,
                         no_structured_data (not HTML) (see crawler/extract/page.py),
                         duplicate (a listing already yielded this crawl), not_html
  errors/http_<status>   HTTP errors (404, 500…), through the errback
  dropped/robots_txt     requests refused by the site's robots.txt
  errors/<Exception>     network errors, timeouts
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlparse, urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.misc import rel_has_nofollow
from scrapy.utils.response import get_base_url
from twisted.python.failure import Failure
from w3lib.html import strip_html5_whitespace
from w3lib.url import safe_url_string

from maskscreen.crawler.extract.page import NotAListing, clean_url, extract_listing
from maskscreen.crawler.items import Listing
from maskscreen.crawler.jobs.runs import drop_log
from maskscreen.crawler.network import REFUSED

logger = logging.getLogger(__name__)

STATS_PREFIX = "maskscreen/"
TRAIL = "maskscreen_trail"  # request.meta: the dated URL patterns along its chain of links


def _as_list(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


_LINK_SCHEMES = frozenset({"http", "https", "file", "ftp"})
_IGNORED_SUFFIXES = tuple(f".{extension}" for extension in IGNORED_EXTENSIONS)
_XPATH_SPACE_RE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space() collapses
# Hrefs that resolve the same on every page whose base URL has the same scheme and host
# ("/p/1?x=2"), or the same scheme ("https://shop.example/p/1"): resolved once a crawl.
_ROOT_PATH_RE = re.compile(r"/(?![/\\])[^\x00-\x20\x7f]*")
_ABSOLUTE_RE = re.compile(r"https?://[^\x00-\x20\x7f/\\?#][^\x00-\x20\x7f]*", re.IGNORECASE)


class SameSiteLinks:
    """The URLs ShopSpider follows from a page, tracking parameters removed (`clean_url`).

    First each <link rel=next> href joined to the page's base URL (on any host), then,
    in page order, the links `LinkExtractor(allow_domains=domains, unique=True)` keeps:
    <a>/<area> href whitespace-stripped, joined to the page's base URL and made safe
    (`safe_url_string` in the page's encoding); http(s), ftp or file, on one of
    `domains` or a subdomain, not a file by its extension (IGNORED_EXTENSIONS); of a
    URL linked twice, the first link decides whether rel=nofollow drops it.

    Cheaper than LinkExtractor: one walk of the tree Scrapy already parsed
    (`response.selector`), no Link objects, and an href that means the same on every
    page of a host (root-relative or absolute) is resolved once per crawl.
    """

    def __init__(self, domains: Iterable[str], cache_size: int = 100_000):
        self.domains = frozenset(domain.lower() for domain in domains)
        self.subdomains = tuple(f".{domain}" for domain in self.domains)
        self.cache_size = cache_size
        self._cached = 0
        # Resolved links by what their resolution depends on (see _Page), then by href:
        # (the link's URL, the URL to follow or None if filtered out), or None if bogus.
        self._tables: dict[tuple, dict[str, tuple[str, str | None] | None]] = {}

    def allowed(self, url: str) -> bool:
        """LinkExtractor's filter: scheme, host among `domains`, extension."""
        if url.split("://", 1)[0] not in _LINK_SCHEMES:
            return False
        parts = urlparse(url)
        host = parts.netloc.lower()
        if not host or not (host in self.domains or host.endswith(self.subdomains)):
            return False
        return not parts.path.lower().endswith(_IGNORED_SUFFIXES)

    def urls(self, response: HtmlResponse) -> list[str]:
        page = _Page(response, self._tables)
        next_pages: list[str] = []
        links: list[str] = []
        seen: set[str] = set()
        for element in response.selector.root.iter("link", "a", "area"):
            href = element.get("href")
            if href is None:
                continue
            if element.tag == "link":
                if "next" in _XPATH_SPACE_RE.split(element.get("rel") or ""):
                    next_pages.append(clean_url(urljoin(page.base, href)))
                continue
            href = strip_html5_whitespace(href)
            link = page.cached(href)
            if link is _UNSEEN:
                link = self._resolve(href, page)
            if link is None or link[0] in seen:
                continue
            seen.add(link[0])
            if link[1] is not None and not rel_has_nofollow(element.get("rel")):
                links.append(link[1])
        return next_pages + links

    def _resolve(self, href: str, page: _Page) -> tuple[str, str | None] | None:
        """(the link's URL, the URL to follow or None if filtered out); None: a bogus href."""
        try:
            url = urljoin(page.base, href)
            url = safe_url_string(url, encoding=page.encoding)
        except ValueError:
            link = None
        else:
            url = urljoin(page.url, url)
            link = (url, clean_url(url) if self.allowed(url) else None)
        table = page.table_for(href)
        if table is not None and (link is None or urlsplit(link[0]).netloc):
            if self._cached >= self.cache_size:
                for old in self._tables.values():
                    old.clear()
                self._cached = 0
            table[href] = link
            self._cached += 1
        return link


_UNSEEN = object()


class _Page:
    """A page's base URL, URL and encoding, and the cached links of pages like it.

    A root-relative href ("/p/1?x=2") resolves the same on every page whose base URL has
    the same scheme and host, whose URL has the same scheme, in the same encoding; an
    absolute one ("https://shop.example/p/1") needs the same schemes and encoding only.
    """

    def __init__(self, response: HtmlResponse, tables: dict[tuple, dict]):
        self.base, self.url = get_base_url(response), response.url
        self.encoding = response.encoding
        base = urlsplit(self.base)
        scheme = urlsplit(self.url).scheme
        self.same_host = None
        if base.scheme in ("http", "https") and base.netloc:
            self.same_host = tables.setdefault(
                ("host", base.scheme, base.netloc, scheme, self.encoding), {}
            )
        self.same_scheme = tables.setdefault(("scheme", base.scheme, scheme, self.encoding), {})

    def cached(self, href: str) -> tuple[str, str | None] | None | object:
        """`href`'s link as resolved on an earlier page like this one, else _UNSEEN."""
        link = _UNSEEN if self.same_host is None else self.same_host.get(href, _UNSEEN)
        return self.same_scheme.get(href, _UNSEEN) if link is _UNSEEN else link

    def table_for(self, href: str) -> dict | None:
        """Where `href`'s resolution is cached, or None if it depends on this page."""
        if self.same_host is not None and _ROOT_PATH_RE.fullmatch(href):
            return self.same_host
        if _ABSOLUTE_RE.fullmatch(href):
            return self.same_scheme
        return None


# -- crawl limits and link traps ----------------------------------------------------

DEFAULT_MAX_DEPTH = 30  # links followed from a start URL (crawler/settings.py)
DEFAULT_MAX_PAGES = 20_000  # requests scheduled per crawl
DEFAULT_TRAP_REPEATS = 10  # a dated URL pattern met this often along one chain of links
_NUMBER_RE = re.compile(r"\d+")
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
MAX_URL_LENGTH = 2_000
MAX_SEGMENTS = 25
MAX_SEGMENT_REPEATS = 2  # the same word-like path segment more often: an ever-deepening loop


def dated_template(url: str) -> str | None:
    """The URL with every number as "#" when it looks like a calendar's (a year and at
    least one more number: /calendar/2026/01/, ?date=2026-01-15), else None."""
    parts = urlsplit(url)
    text = f"{parts.path}?{parts.query}"
    if not _YEAR_RE.search(text) or len(_NUMBER_RE.findall(text)) < 2:
        return None
    return f"{parts.netloc.lower()}{_NUMBER_RE.sub('#', text)}"


# ShopSpider asks twice for each URL it admits (its limits, then its request's trail).
_dated_template = lru_cache(maxsize=64)(dated_template)


def deepening_loop(url: str) -> str | None:
    """Why `url` looks like a relative-link loop (/a/b/a/b/a/b/…), else None."""
    if len(url) > MAX_URL_LENGTH:
        return f"URL longer than {MAX_URL_LENGTH} characters"
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > MAX_SEGMENTS:
        return f"path deeper than {MAX_SEGMENTS} segments"
    if len(segments) <= MAX_SEGMENT_REPEATS:  # no segment can repeat more often
        return None
    words = Counter(s for s in segments if not s.isdigit())
    if words:
        word, times = words.most_common(1)[0]
        if times > MAX_SEGMENT_REPEATS:
            return f"path segment {word[:40]!r} repeated {times} times"
    return None


def _ignored_reason(message: str) -> str:
    """The drop reason of a request a Scrapy middleware ignored, from its message."""
    text = message.lower()
    if "robots.txt" in text:
        return "robots_txt"
    if "download_maxsize" in text or "decompression" in text:
        return "too_large"  # a compression bomb, stopped while inflating
    if "redirections" in text:
        return "redirect_loop"
    return "ignored"


def _meta(response: Response) -> dict:
    """The response's request meta ({} for a response built without a request)."""
    return response.request.meta if response.request is not None else {}


def _limit(spider: Spider, name: str, default: int) -> int:
    settings = getattr(getattr(spider, "crawler", None), "settings", None)
    value = settings.getint(name, default) if settings is not None else default
    return value if value > 0 else default


def _let_go_of_tree(response: HtmlResponse) -> None:
    """Drop the response's cached selector once the page is read.

    Scrapy's selector refers back to its response (Selector.response), a cycle that
    reference counting cannot free: the page's parsed tree, its body, headers and
    request (about 33 objects a page) waited for the garbage collector, which walked
    them again in every pass until one found them. Without the selector they go as
    soon as Scrapy lets go of the response. Anything that asks for `response.selector`
    later gets a new one, parsed again."""
    if getattr(response, "_cached_selector", None) is not None:
        response._cached_selector = None


class ShopSpider(Spider):
    """Crawl one shop: follow same-host links and pagination, extract product pages.

    Arguments (strings when given with `-a`): `start_urls` (comma-separated or a
    list), `site` (the site's name, default the first start URL's host),
    `max_pages` (stop scheduling after this many requests; default the setting
    MASKSCREEN_MAX_PAGES), `follow` (false: fetch the start URLs only), `one_page`
    (true: the same as follow=false).

    Limits, each refusal counted as a drop with its URL: `max_pages` requests in all,
    links at most MASKSCREEN_MAX_DEPTH deep (`max_depth`), and link traps (`link_trap`):
    a calendar-like URL pattern (a year and another number) met MASKSCREEN_TRAP_REPEATS
    times along one chain of links, or a path that keeps deepening (/a/b/a/b/a/…).
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
        # Links are matched by netloc, so list hosts with their ports too.
        self._same_site = SameSiteLinks(hostnames + netlocs)
        self._links: LinkExtractor | None = None  # a subclass's link rules, if it has any
        self._scheduled: set[str] = set()
        self._yielded: set[str] = set()
        self._logged: set[str] = set()
        self._refused: set[str] = set()

    @property
    def page_cap(self) -> int:
        """The most requests this crawl schedules: `max_pages`, else the setting."""
        if self.max_pages is not None:
            return self.max_pages
        return _limit(self, "MASKSCREEN_MAX_PAGES", DEFAULT_MAX_PAGES)

    # -- requests -------------------------------------------------------------

    def start_requests(self) -> Iterator[Request]:
        for url in self.start_urls:
            if self._admit(url):
                yield self._request(url, dont_filter=True)

    async def start(self) -> AsyncIterator[Request]:
        for request in self.start_requests():
            yield request

    def _admit(self, url: str, parent: Response | None = None) -> bool:
        """Schedule `url` once, within the crawl's limits; a refusal is counted as a
        drop (once per URL). `parent`: the page that links to it."""
        if url in self._scheduled:
            return False
        refused = self._limit_refusal(url, parent)
        if refused is not None:
            reason, detail = refused
            if url not in self._refused:
                self._refused.add(url)
                drop_log(self.crawler).add(reason, url, detail)
                self._log_once(reason, "not following %s: %s (counted as %sdropped/%s)",
                               url, detail, STATS_PREFIX, reason)  # fmt: skip
            return False
        self._scheduled.add(url)
        return True

    def _limit_refusal(self, url: str, parent: Response | None) -> tuple[str, str] | None:
        """(reason, detail) when `url` is beyond the crawl's limits, else None."""
        if len(self._scheduled) >= self.page_cap:
            return "max_pages", f"{self.page_cap} pages scheduled"
        if parent is None:
            return None
        meta = _meta(parent)
        depth = meta.get("depth", 0) + 1
        max_depth = _limit(self, "MASKSCREEN_MAX_DEPTH", DEFAULT_MAX_DEPTH)
        if depth > max_depth:
            return "max_depth", f"{depth} links from a start URL (limit {max_depth})"
        loop = deepening_loop(url)
        if loop is not None:
            return "link_trap", loop
        template = _dated_template(url)
        if template is not None:
            seen = meta.get(TRAIL, ())
            repeats = _limit(self, "MASKSCREEN_TRAP_REPEATS", DEFAULT_TRAP_REPEATS)
            if list(seen).count(template) >= repeats:
                return "link_trap", f"the same dated pattern {repeats} times along one chain"
        return None

    def _request(self, url: str, parent: Response | None = None, **kwargs: Any) -> Request:
        """A request for a followed link, carrying its chain's dated patterns (TRAIL)."""
        trail = list(_meta(parent).get(TRAIL, ())) if parent is not None else []
        template = _dated_template(url)
        if template is not None:
            trail.append(template)
        meta = {TRAIL: trail} if trail else None
        return Request(url, callback=self.parse, errback=self.on_error, meta=meta, **kwargs)

    def _follow(self, response: HtmlResponse) -> Iterator[Request]:
        if self._links is None:
            urls = self._same_site.urls(response)
        else:
            rel_next = response.xpath(
                "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
            ).getall()
            urls = [response.urljoin(href) for href in rel_next]
            urls += [link.url for link in self._links.extract_links(response) if not link.nofollow]
            urls = [clean_url(url) for url in urls]
        for url in urls:
            if self._admit(url, response):
                yield self._request(url, response)

    # -- responses ------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Listing | Request]:
        if not isinstance(response, HtmlResponse):
            self._drop("not_html", response.url)
            return
        try:
            yield from self._parse_html(response)
        finally:
            _let_go_of_tree(response)

    def _parse_html(self, response: HtmlResponse) -> Iterator[Listing | Request]:
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
        """Count a failed request, with its URL: HTTP status, network error, robots.txt."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else None
        if failure.check(DownloadCancelledError) or (
            request is not None and request.meta.get(REFUSED)
        ):
            return  # counted where it was refused (too_large, the network policy, a trap)
        if failure.check(HttpError):
            reason, error = f"http_{failure.value.response.status}", True
        elif failure.check(IgnoreRequest):  # a counted skip, not an error: say which
            reason, error = _ignored_reason(failure.getErrorMessage()), False
        else:
            reason, error = type(failure.value).__name__, True
        key = f"{'errors' if error else 'dropped'}/{reason}"
        drop_log(self.crawler).add(reason, url, failure.getErrorMessage(), error=error)
        self._log_once(
            key, "%s on %s (counted as %s%s)", failure.getErrorMessage(), url or "?",
            STATS_PREFIX, key,
        )  # fmt: skip

    # -- counting -------------------------------------------------------------

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(STATS_PREFIX + key)

    def _drop(self, reason: str, url: str, detail: str | None = None) -> None:
        """Count a page or item skipped, and keep its URL (crawl_drops)."""
        drop_log(self.crawler).add(reason, url, detail)
        self._log_once(f"dropped/{reason}", "dropped %s: %s", url, reason)

    def _log_once(self, key: str, message: str, *args: Any) -> None:
        level = logging.DEBUG if key in self._logged else logging.INFO
        self._logged.add(key)
        logger.log(level, message, *args)
