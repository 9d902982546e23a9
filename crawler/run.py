"""Run one crawl in this process: spider → extraction → pipelines → store.

Twisted's reactor starts once per process, so call `run_crawl` once per
process (the CLI does; tests run crawls in a subprocess).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.pipelines import crawl_counts, listing_classified

logger = logging.getLogger(__name__)


@dataclass
class CrawlResult:
    listing: object  # crawler.items.Listing
    verdict: object | None  # classifier.verdict.Verdict, None when unchanged and already classified
    status: str  # new | changed | unchanged | unstored


@dataclass
class CrawlSummary:
    counts: dict[str, int]
    dropped: dict[str, int]
    finish_reason: str
    results: list[CrawlResult] = field(default_factory=list)
    stats: dict = field(default_factory=dict)


def site_from_url(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or url


def crawl_settings(
    *,
    database_url: str | None,
    site: str,
    site_url: str | None,
    model_dir: str | None = None,
    log_level: str = "WARNING",
    command: str | None = None,
    overrides: dict | None = None,
    own_logging: bool = True,
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("MASKSCREEN_DATABASE_URL", database_url)
    settings.set("MASKSCREEN_STORE", database_url is not None)
    settings.set("MASKSCREEN_SITE", site)
    settings.set("MASKSCREEN_SITE_URL", site_url)
    settings.set("MASKSCREEN_MODEL_DIR", model_dir)
    settings.set("MASKSCREEN_COMMAND", command)
    settings.set("LOG_LEVEL", log_level)
    # A caller that configured logging itself (the CLI) keeps its handlers.
    settings.set("LOG_INSTALL_ROOT_HANDLER", own_logging)
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    start_urls: Sequence[str],
    *,
    database_url: str | None,
    site: str | None = None,
    model_dir: str | None = None,
    max_pages: int | None = None,
    follow: bool = True,
    log_level: str = "WARNING",
    command: str | None = None,
    settings_overrides: dict | None = None,
    on_result: Callable[[CrawlResult], None] | None = None,
    own_logging: bool = True,
) -> CrawlSummary:
    """Crawl from `start_urls`, classify and (with a database URL) store; block until done."""
    from crawler.spiders.shop import ShopSpider

    start_urls = list(start_urls)
    site = site or site_from_url(start_urls[0])
    parts = urlsplit(start_urls[0])
    settings = crawl_settings(
        database_url=database_url,
        site=site,
        site_url=f"{parts.scheme}://{parts.netloc}",
        model_dir=model_dir,
        log_level=log_level,
        command=command,
        overrides=settings_overrides,
        own_logging=own_logging,
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ShopSpider)
    results: list[CrawlResult] = []

    def collect(listing, verdict, status):
        result = CrawlResult(listing, verdict, status)
        results.append(result)
        if on_result is not None:
            on_result(result)

    crawler.signals.connect(collect, signal=listing_classified)
    kwargs = {"start_urls": start_urls, "site": site, "follow": follow}
    if max_pages:
        kwargs["max_pages"] = max_pages
    process.crawl(crawler, **kwargs)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    counts, dropped = crawl_counts(stats)
    return CrawlSummary(
        counts=counts,
        dropped=dropped,
        finish_reason=str(stats.get("finish_reason", "unknown")),
        results=results,
        stats=stats,
    )
