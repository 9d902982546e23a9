"""`maskscreen demo`'s crawl: every demo shop side by side, then the next day's recheck.

    tour = run_tour(mall, database_url)       # mall: a running crawler.demo.mall.DemoMall
    for shop in tour.crawls: print(shop.name, shop.plan.via, shop.summary.counts)
    print(tour.recheck.counts)

One Scrapy process, one reactor (it starts once per process): a crawler per shop,
each planned the way `maskscreen crawl` plans it (crawler.jobs.plan.plan_crawl
probes the shop's home, or the shop's site profile says how), all run at once with
the same pipelines and store as any crawl. When every crawl has finished, the
shops move to the next day and RecheckSpider re-visits the listings under review,
as `maskscreen recheck` does. No job state is kept: the demo starts afresh.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from maskscreen.crawler.jobs.plan import CrawlPlan, plan_crawl, spider_class
from maskscreen.crawler.profiles import find_profile

logger = logging.getLogger(__name__)

SHOPIFY_CURRENCY = {"demo-shopify": "USD"}  # the API does not say; the shop's owner would


@dataclass
class ShopCrawl:
    name: str
    kind: str
    plan: CrawlPlan
    summary: object | None = None  # crawler.jobs.job.CrawlSummary


@dataclass
class Tour:
    crawls: list[ShopCrawl] = field(default_factory=list)
    recheck: object | None = None  # crawler.jobs.recheck.RecheckSummary; None if not run

    @property
    def finished(self) -> bool:
        return all(
            c.summary is not None and c.summary.finish_reason == "finished" for c in self.crawls
        )


def plan_shops(mall, sites_dir: str | Path | None = None) -> list[ShopCrawl]:
    """How to crawl each shop of `mall`: its profile moved to its port, else probe its home."""
    crawls = []
    for shop in mall.shops:
        if shop.profile:
            profile = find_profile(shop.profile, sites_dir)
            if profile is None:
                raise LookupError(f"no site profile {shop.profile!r}")
            plan = plan_crawl(profile=profile.with_base_url(shop.base_url), site=shop.name)
        else:
            plan = plan_crawl(
                url=shop.base_url + "/", site=shop.name, currency=SHOPIFY_CURRENCY.get(shop.name)
            )
        crawls.append(ShopCrawl(shop.name, shop.kind, plan))
    return crawls


def run_tour(
    mall,
    database_url: str,
    *,
    model_dir: str | None = None,
    log_level: str = "WARNING",
    own_logging: bool = True,
    recheck: bool = True,
    sites_dir: str | Path | None = None,
) -> Tour:
    """Crawl every shop of the running `mall` at once; then, if all finished and `recheck`,
    move it to day 2 and recheck the listings under review. Blocks until done."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import defer

    from maskscreen.crawler.jobs.job import CrawlSummary, crawl_settings
    from maskscreen.crawler.jobs.recheck import prepare_recheck, recheck_summary
    from maskscreen.crawler.pipelines import crawl_counts

    tour = Tour(plan_shops(mall, sites_dir))
    base = crawl_settings(
        database_url=database_url,
        site="demo",
        site_url=None,
        model_dir=model_dir,
        log_level=log_level,
        command="maskscreen demo",
        own_logging=own_logging,
    )
    process = CrawlerProcess(base)
    jobs = []
    for shop in tour.crawls:
        crawler = process.create_crawler(spider_class(shop.plan.via, shop.plan.spider_args))
        parts = urlsplit(shop.plan.start_urls[0])
        per_shop = {
            "MASKSCREEN_SITE": shop.name,
            "MASKSCREEN_SITE_URL": f"{parts.scheme}://{parts.netloc}",
            **shop.plan.settings,
        }
        crawler.settings.update(per_shop, priority="cmdline")
        kwargs = {"start_urls": shop.plan.start_urls, "site": shop.name, **shop.plan.spider_args}
        if shop.plan.max_pages:
            kwargs["max_pages"] = shop.plan.max_pages
        jobs.append((shop, crawler, kwargs))

    def summarize() -> None:
        for shop, crawler, _ in jobs:
            stats = crawler.stats.get_stats() if crawler.stats else {}
            counts, dropped = crawl_counts(stats)
            shop.summary = CrawlSummary(
                counts=counts,
                dropped=dropped,
                stats=stats,
                finish_reason=str(stats.get("finish_reason", "unknown")),
            )

    # The first crawl installs Scrapy's reactor: only then may `reactor` be imported.
    crawling = [process.crawl(crawler, **kwargs) for _, crawler, kwargs in jobs]
    from twisted.internet import reactor

    @defer.inlineCallbacks
    def then_recheck():
        try:
            yield defer.DeferredList(crawling, consumeErrors=True)
            summarize()
            if recheck and tour.finished:
                mall.set_day(2)
                prepared = prepare_recheck(
                    database_url,
                    sites=[shop.name for shop in tour.crawls],
                    model_dir=model_dir,
                    log_level=log_level,
                    own_logging=own_logging,
                    command="maskscreen demo (recheck)",
                    sites_dir=sites_dir,
                )
                stats: dict = {"finish_reason": "finished"}
                if prepared.targets:
                    crawler = process.create_crawler(prepared.spider_class)
                    crawler.settings.update(prepared.overrides, priority="cmdline")
                    yield process.crawl(crawler, **prepared.spider_kwargs())
                    stats = crawler.stats.get_stats() if crawler.stats else {}
                tour.recheck = recheck_summary(len(prepared.targets), stats)
        except Exception:
            logger.exception("the demo's crawl or recheck failed")
        finally:
            if reactor.running:
                reactor.stop()
            else:
                reactor.callWhenRunning(reactor.stop)

    then_recheck()
    process.start(stop_after_crawl=False)
    if any(shop.summary is None for shop in tour.crawls):
        summarize()
    return tour
