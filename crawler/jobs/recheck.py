"""Re-check flagged listings until they are gone: live, changed or removed.

    summary = run_recheck(RecheckPlan(sites=("shop.example",)), engine=engine, model=model)

(run_recheck is in crawler/jobs/job.py; this module says what a recheck visits and
how its outcome reads; RecheckPipeline in crawler/pipelines.py stores it.)

Visits the URL of every listing under review (db.rechecks.recheck_targets) with
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


@dataclass(frozen=True)
class RecheckPlan:
    """One recheck job: which sites, and how it runs (crawler/jobs/job.py)."""

    sites: tuple[str, ...] = ()  # () : every site with listings under review
    sites_dir: str | None = None  # where the site profiles are (their selectors)
    command: str | None = None  # recorded on its runs (default "maskscreen recheck --site …")
    trigger: str | None = None  # manual | schedule
    lease: bool = False  # take "recheck:<site>" for each site (scheduled rechecks do)
    lease_ttl: float | None = None
    settings: dict = field(default_factory=dict)  # Scrapy settings it changes

    def default_command(self) -> str:
        return self.command or " ".join(
            ["maskscreen recheck", *(f"--site {name}" for name in self.sites)]
        )


@dataclass
class PreparedRecheck:
    """What a recheck crawl needs: its targets, its spider and the settings it changes."""

    targets: list
    spider_class: type
    overrides: dict
    selectors: dict[str, dict] = field(default_factory=dict)  # site -> its profile's [extract]

    def spider_kwargs(self) -> dict:
        # source_format: how the listing's stored version was read (RecheckSpider reads
        # a heuristic listing's page with the heuristic on).
        targets = [{"listing_id": t.listing_id, "site": t.site, "url": t.url,
                    "source_format": t.source_format}
                   for t in self.targets]  # fmt: skip
        return {"targets": targets, "selectors": self.selectors}


def profile_selectors(sites: set[str], sites_dir=None) -> dict[str, dict]:
    """The [extract] selectors of the site profiles named like these sites: a listing
    crawled through a profile is read again the same way."""
    from maskscreen.crawler.profiles import scan_profiles

    profiles, _errors = scan_profiles(sites_dir)
    return {site: dict(profiles[site].selectors) for site in sorted(sites)
            if site in profiles and profiles[site].selectors}  # fmt: skip


def prepare_recheck(engine, plan: RecheckPlan) -> PreparedRecheck:
    """The listings under review on the plan's sites and the settings their recheck
    runs with (RecheckPipeline instead of the crawl's)."""
    from sqlalchemy.orm import Session

    from maskscreen.crawler.spiders.recheck import RecheckSpider
    from maskscreen.db import rechecks

    with Session(engine) as session:
        targets = rechecks.recheck_targets(session, site=list(plan.sites) or None)
    overrides = {
        "MASKSCREEN_SITE": ", ".join(plan.sites) or "all sites",
        "ITEM_PIPELINES": {"maskscreen.crawler.pipelines.RecheckPipeline": 300},
        **plan.settings,
    }
    selectors = profile_selectors({t.site for t in targets}, plan.sites_dir)
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
