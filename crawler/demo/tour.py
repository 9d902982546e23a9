"""`maskscreen demo`'s crawl: every demo shop side by side, then the next day's recheck.

    tour = run_tour(mall, engine, model)      # mall: a running crawler.demo.mall.DemoMall
    for shop in tour.crawls: print(shop.name, shop.plan.via, shop.summary.counts)
    print(tour.recheck.counts)

One Scrapy process, one reactor (it starts once per process): a crawl job per shop,
each planned the way `maskscreen crawl` plans it (crawler.jobs.plan.plan_crawl
probes the shop's home, or the shop's site profile says how), all run at once through
the jobs module (crawler/jobs/job.py) with the command's one engine and model. When
every crawl has finished, the shops move to the next day and a recheck job re-visits
the listings under review, as `maskscreen recheck` does. No job state is kept: the
demo starts afresh.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from maskscreen.crawler.jobs.plan import CrawlPlan, plan_crawl
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
    engine,
    model,
    *,
    log_level: str = "WARNING",
    own_logging: bool = True,
    recheck: bool = True,
    sites_dir: str | Path | None = None,
) -> Tour:
    """Crawl every shop of the running `mall` at once; then, if all finished and `recheck`,
    move it to day 2 and recheck the listings under review. Blocks until done.

    Each crawl is a job like any other (crawler/jobs/job.py: lease, run row, monitors),
    without job state: the demo starts afresh."""
    from maskscreen.crawler.jobs.job import CrawlJob, RecheckJob, run_jobs
    from maskscreen.crawler.jobs.recheck import RecheckPlan

    tour = Tour(plan_shops(mall, sites_dir))
    jobs = [
        CrawlJob(replace(shop.plan, resume=False, command="maskscreen demo"), engine=engine,
                 model=model)
        for shop in tour.crawls
    ]  # fmt: skip

    more: list[RecheckJob] = []

    def next_day(crawls) -> list[RecheckJob]:
        if recheck and all(job.finish_reason == "finished" for job in crawls):
            mall.set_day(2)
            plan = RecheckPlan(sites=tuple(shop.name for shop in tour.crawls),
                               sites_dir=sites_dir, command="maskscreen demo (recheck)")  # fmt: skip
            more.append(RecheckJob(plan, engine=engine, model=model))
        return more

    run_jobs(jobs, log_level=log_level, own_logging=own_logging, then=next_day)
    for shop, job in zip(tour.crawls, jobs, strict=True):
        shop.summary = job.summary
    if more:
        tour.recheck = more[0].summary
    return tour
