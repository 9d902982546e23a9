"""Which way to crawl a shop: detect its platform, then plan the crawl.

    plan = plan_crawl(url="https://shop.example")          # probes the shop
    plan = plan_crawl(profile=find_profile("demo-shop", None), via="sitemap")
    run_crawl(plan, engine=engine, model=model)              # crawler/jobs/job.py

Ways, best first: `shopify` (public /products.json), `woocommerce` (Store API
/wp-json/wc/store/v1/products), `sitemap` (robots.txt `Sitemap:` lines or
/sitemap.xml), `html` (follow links from the start pages). `auto` probes a
shop's home URL for each in that order, a few small requests that honour
robots.txt and send our user agent; a deeper URL is crawled as HTML from there
(or read as a sitemap when it names one).
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from maskscreen.crawler.network import NetworkPolicy
from maskscreen.crawler.profiles import SiteProfile

logger = logging.getLogger(__name__)

WAYS = ("shopify", "woocommerce", "sitemap", "html")
SPIDERS = {
    "html": "maskscreen.crawler.spiders.shop.ShopSpider",
    "profiled": "maskscreen.crawler.spiders.profiled.ProfileShopSpider",
    "shopify": "maskscreen.crawler.spiders.shopify.ShopifySpider",
    "woocommerce": "maskscreen.crawler.spiders.woocommerce.WooCommerceSpider",
    "sitemap": "maskscreen.crawler.spiders.sitemap.SitemapShopSpider",
}
PROFILE_ARGS = ("product_links", "pagination_links", "deny_links", "selectors")
SHOPIFY_PROBE = "products.json?limit=1"
WOOCOMMERCE_PROBE = "wp-json/wc/store/v1/products?per_page=1"
_PROBE_BYTES = 1 << 20


@dataclass(frozen=True)
class Detection:
    via: str
    sitemap_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrawlPlan:
    """One crawl job: what to crawl and how. `plan_crawl` makes one; `dataclasses.replace`
    adjusts it (a scheduled run, a frontier worker, a one-page check)."""

    via: str  # shopify | woocommerce | sitemap | html
    start_urls: list[str]
    site: str | None = None  # default: the first start URL's host
    spider_args: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)  # Scrapy settings it changes
    max_pages: int | None = None
    follow: bool = True  # False: the start URLs only (maskscreen check URL)
    detected: bool = False  # chosen by probing, not named
    monitors: Any = None  # crawler.jobs.monitors.Thresholds (None: the defaults)
    # How it runs (crawler/jobs/job.py):
    resume: bool = True  # keep Scrapy's job state so an interrupted crawl carries on
    job_dir: str | None = None  # where (default: job.job_directory)
    lease: bool | str = True  # True: "crawl:<site>"; a string: that key; False: none
    lease_ttl: float | None = None  # seconds (default db.leases.DEFAULT_TTL)
    trigger: str | None = None  # manual | schedule, recorded on the run
    command: str | None = None  # the command line recorded on the run
    frontier: str | None = None  # a Redis URL: one worker of a shared crawl
    frontier_key: str | None = None  # its keys in Redis (default: job.shared_crawl_key)
    origin_url: str | None = None  # the URL it was planned from (kept as the site's start)


def root_of(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))


def is_root(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def is_sitemap_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(("/robots.txt", ".xml", ".xml.gz"))


def spider_class(via: str, spider_args: dict[str, Any] | None = None) -> type:
    """The spider for a way of crawling; html with profile rules takes ProfileShopSpider."""
    from importlib import import_module

    key = via
    if via == "html" and any((spider_args or {}).get(k) for k in PROFILE_ARGS):
        key = "profiled"
    module, _, name = SPIDERS[key].rpartition(".")
    return getattr(import_module(module), name)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A probe follows no redirect: a shop's redirect could point anywhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: PLR0913
        return None


_NO_REDIRECTS = urllib.request.build_opener(_RefuseRedirects)


def _read_bounded(reply: Any, timeout: float) -> bytes | None:
    """At most _PROBE_BYTES of the body, within `timeout` seconds in all (a server that
    sends a byte a second must not hold a probe, or cron, for good)."""
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    while size < _PROBE_BYTES:
        if time.monotonic() > deadline:
            raise TimeoutError(f"probe body not read within {timeout:g} s")
        chunk = reply.read1(min(65536, _PROBE_BYTES - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class _Prober:
    """GETs for detection: our user agent, short timeouts, robots.txt honoured."""

    def __init__(
        self, root: str, user_agent: str, robots_agent: str, obey_robots: bool, timeout: float
    ):
        self.root, self.user_agent, self.timeout = root, user_agent, timeout
        self.robots_agent = robots_agent
        self.policy = NetworkPolicy.from_settings(None)
        self.robots = RobotFileParser()
        text = self.get("robots.txt", check_robots=False) if obey_robots else None
        self.robots.parse(text.decode("utf-8", "replace").splitlines() if text else [])
        self.obey_robots = obey_robots

    def get(self, path: str, *, check_robots: bool = True) -> bytes | None:
        url = self.root + path
        if check_robots and self.obey_robots and not self.robots.can_fetch(self.robots_agent, url):
            logger.info("robots.txt disallows probing %s", url)
            return None
        refused = self.policy.refusal(url) or self.policy.host_refusal(urlsplit(url).hostname or "")
        if refused:
            logger.warning("not probing %s: %s", url, refused[1])
            return None
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
        try:
            with _NO_REDIRECTS.open(request, timeout=self.timeout) as reply:
                return _read_bounded(reply, self.timeout) if reply.status == 200 else None
        except (urllib.error.URLError, OSError, ValueError, TimeoutError) as exc:
            logger.debug("probe %s: %s", url, exc)
            return None

    def json(self, path: str) -> Any:
        body = self.get(path)
        try:
            return json.loads(body) if body else None
        except ValueError:
            return None


def _looks_like_sitemap(body: bytes | None) -> bool:
    if body and body[:2] == b"\x1f\x8b":
        # Only the head is needed: decompress at most that much (a gzip bomb stays small).
        try:
            body = zlib.decompressobj(wbits=31).decompress(body, 4096)
        except zlib.error:
            return False
    head = (body or b"")[:4096]
    return b"<urlset" in head or b"<sitemapindex" in head


def detect(
    url: str,
    *,
    user_agent: str | None = None,
    robots_agent: str | None = None,
    obey_robots: bool = True,
    timeout: float = 10.0,
) -> Detection:
    """The best way to crawl the shop at `url`'s host: shopify > woocommerce > sitemap > html."""
    from maskscreen.crawler import settings

    prober = _Prober(
        root_of(url),
        user_agent or settings.USER_AGENT,
        robots_agent or getattr(settings, "ROBOTSTXT_USER_AGENT", "maskscreen"),
        obey_robots,
        timeout,
    )
    shopify = prober.json(SHOPIFY_PROBE)
    if isinstance(shopify, dict) and isinstance(shopify.get("products"), list):
        return Detection("shopify")
    if isinstance(prober.json(WOOCOMMERCE_PROBE), list):
        return Detection("woocommerce")
    sitemaps = tuple(prober.robots.site_maps() or ())
    if sitemaps:
        return Detection("sitemap", sitemaps)
    if _looks_like_sitemap(prober.get("sitemap.xml")):
        return Detection("sitemap", (prober.root + "sitemap.xml",))
    return Detection("html")


def plan_crawl(
    *,
    url: str | None = None,
    profile: SiteProfile | None = None,
    via: str | None = None,
    currency: str | None = None,
    max_pages: int | None = None,
    site: str | None = None,
    detector=detect,
) -> CrawlPlan:
    """How to crawl `url` or `profile`: the way (named or detected), start URLs, arguments."""
    if (url is None) == (profile is None):
        raise ValueError("plan_crawl needs a url or a profile, not both")
    via = via or (profile.via if profile else "auto")
    if profile is not None:
        start_urls, root = profile.crawl_urls(), profile.root_url
        sitemap_urls = list(profile.sitemap_urls)
        settings = profile.scrapy_settings()
        obey_robots = profile.obey_robots
    else:
        start_urls, root, settings, obey_robots = [url], root_of(url), {}, True
        sitemap_urls = [url] if is_sitemap_url(url) else []
    detected = False
    if via == "auto":
        if profile is None and not is_root(url):
            via = "sitemap" if sitemap_urls else "html"
        else:
            found = detector(root, obey_robots=obey_robots)
            via, detected = found.via, True
            sitemap_urls = sitemap_urls or list(found.sitemap_urls)
            logger.info("%s: crawling via %s", root, via)
    args: dict[str, Any] = {}
    if profile is not None:
        args.update(product_links=list(profile.product_links), deny_links=list(profile.deny_links))
        if via == "html":
            args.update(
                pagination_links=list(profile.pagination_links), selectors=dict(profile.selectors)
            )
        if via == "sitemap":
            args["selectors"] = dict(profile.selectors)
        if via in ("shopify", "woocommerce"):
            args = {"shop_name": profile.shop_name} if profile.shop_name else {}
    if via == "shopify":
        args["currency"] = currency or (profile.currency if profile else None)
        start_urls = [u for u in start_urls if "/products/" in u] or [root]
    elif via == "woocommerce":
        start_urls = [root]
    elif via == "sitemap":
        start_urls = sitemap_urls or [root + "robots.txt"]
    return CrawlPlan(
        via=via,
        start_urls=start_urls,
        site=site or (profile.name if profile else None),
        spider_args={k: v for k, v in args.items() if v not in (None, [], {})},
        settings=settings,
        max_pages=max_pages or (profile.max_pages if profile else None),
        detected=detected,
        monitors=profile.monitors if profile else None,
        origin_url=url,
    )
