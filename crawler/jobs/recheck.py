"""Re-check flagged listings until they are gone: live, changed or removed.

    summary = run_recheck(database_url, site="shop.example")

Visits the URL of every listing under review (db.checks.recheck_targets) with
RecheckSpider and records one listing_checks row per listing reached:
  removed  HTTP 404 or 410; a redirect to the home page or a search page; page text
           saying it is gone (crawler/data/removal_phrases.json, versioned); or
           schema.org availability Discontinued. The first removal sets
           listings.status='removed' and listings.removed_at, and puts the takedown
           on the listing's review case (db.reviews.record_removals: confirmed and
           actioned cases move to removed; open and escalated ones get an event).
  changed  the listing's content hash moved: a new version is stored and classified
           (and its page kept as evidence if it is still flagged).
  live     the same content as before (nothing else is written).
Pages that cannot be reached (network errors, 5xx after retries, 403) record nothing
and are counted as unreachable: next time will tell.

Each recheck writes one crawl_runs row per site it visits (command "maskscreen
recheck"): pages fetched, listings checked, changed, unchanged (live), flagged (new
versions flagged), errors (unreachable or not stored) and the status it ended with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from maskscreen.crawler.removal import OUTCOMES

logger = logging.getLogger(__name__)


@dataclass
class RecheckSummary:
    targets: int
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    unreachable: int = 0
    finish_reason: str = "finished"
    stats: dict = field(default_factory=dict)


@dataclass
class PreparedRecheck:
    """What a recheck crawl needs: its targets, its spider and the settings it changes."""

    targets: list
    spider_class: type
    overrides: dict
    selectors: dict[str, dict] = field(default_factory=dict)  # site -> its profile's [extract]

    def spider_kwargs(self) -> dict:
        targets = [{"listing_id": t.listing_id, "site": t.site, "url": t.url}
                   for t in self.targets]  # fmt: skip
        return {"targets": targets, "selectors": self.selectors}


def profile_selectors(sites: set[str], sites_dir=None) -> dict[str, dict]:
    """The [extract] selectors of the site profiles named like these sites: a listing
    crawled through a profile is read again the same way."""
    from maskscreen.crawler.profiles import scan_profiles

    profiles, _errors = scan_profiles(sites_dir)
    return {site: dict(profiles[site].selectors) for site in sorted(sites)
            if site in profiles and profiles[site].selectors}  # fmt: skip


def prepare_recheck(
    database_url: str,
    *,
    sites: str | list[str] | None = None,
    model_dir: str | None = None,
    log_level: str = "WARNING",
    own_logging: bool = True,
    settings_overrides: dict | None = None,
    command: str | None = None,
    sites_dir=None,
) -> PreparedRecheck:
    """The listings under review on `sites` (a name, several, or None: all) and the
    settings their recheck runs with (RecheckPipeline instead of the crawl's)."""
    from sqlalchemy.orm import Session

    from maskscreen.crawler.spiders.recheck import RecheckSpider
    from maskscreen.db import checks
    from maskscreen.db.migrate import open_database

    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            targets = checks.recheck_targets(session, site=sites)
    finally:
        engine.dispose()
    named = [sites] if isinstance(sites, str) else list(sites or [])
    overrides = {
        "MASKSCREEN_DATABASE_URL": database_url,
        "MASKSCREEN_SITE": ", ".join(named) or "all sites",
        "MASKSCREEN_SITE_URL": None,
        "MASKSCREEN_MODEL_DIR": model_dir,
        "MASKSCREEN_COMMAND": command
        or " ".join(["maskscreen recheck", *(f"--site {name}" for name in named)]),
        "LOG_LEVEL": log_level,
        "LOG_INSTALL_ROOT_HANDLER": own_logging,
        "ITEM_PIPELINES": {"maskscreen.crawler.pipelines.RecheckPipeline": 300},
        **(settings_overrides or {}),
    }
    selectors = profile_selectors({t.site for t in targets}, sites_dir)
    return PreparedRecheck(targets, RecheckSpider, overrides, selectors)


def recheck_summary(targets: int, stats: dict) -> RecheckSummary:
    """A recheck's outcome from its crawler's stats."""
    return RecheckSummary(
        targets=targets,
        counts={o: stats.get(f"maskscreen/recheck/{o}", 0) for o in OUTCOMES},
        unreachable=stats.get("maskscreen/recheck/unreachable", 0),
        finish_reason=str(stats.get("finish_reason", "unknown")),
        stats=stats,
    )


def run_recheck(
    database_url: str,
    *,
    site: str | list[str] | None = None,
    model_dir: str | None = None,
    log_level: str = "WARNING",
    own_logging: bool = True,
    settings_overrides: dict | None = None,
    command: str | None = None,
    sites_dir=None,
) -> RecheckSummary:
    """Re-visit every listing under review (on `site`: a name, several; or all); block
    until done.

    Starts Scrapy's reactor: once per process, like run_crawl.
    """
    from scrapy.crawler import CrawlerProcess

    from maskscreen.crawler.jobs.job import crawl_settings

    prepared = prepare_recheck(
        database_url,
        sites=site,
        model_dir=model_dir,
        log_level=log_level,
        own_logging=own_logging,
        settings_overrides=settings_overrides,
        command=command,
        sites_dir=sites_dir,
    )
    if not prepared.targets:
        return RecheckSummary(targets=0)
    settings = crawl_settings(
        database_url=database_url,
        site=prepared.overrides["MASKSCREEN_SITE"],
        site_url=None,
        model_dir=model_dir,
        log_level=log_level,
        overrides=prepared.overrides,
        own_logging=own_logging,
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(prepared.spider_class)
    process.crawl(crawler, **prepared.spider_kwargs())
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return recheck_summary(len(prepared.targets), stats)
