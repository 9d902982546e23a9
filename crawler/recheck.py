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
from collections import Counter
from dataclasses import dataclass, field

from scrapy import signals

from maskscreen.crawler.items import Listing, ListingCheck
from maskscreen.crawler.pipelines import NormalizePipeline, edit_note, shared_model, store_batch
from maskscreen.crawler.removal import OUTCOMES

logger = logging.getLogger(__name__)


class RecheckPipeline:
    """Stores what RecheckSpider saw, in batches, one transaction each, and a crawl run
    per site.

    Settings: MASKSCREEN_DATABASE_URL (required), MASKSCREEN_MODEL_DIR,
    MASKSCREEN_BATCH_SIZE (default 100), MASKSCREEN_COMMAND (the runs' command),
    MASKSCREEN_TRIGGER (manual | schedule, recorded on the runs).
    """

    def __init__(self, crawler, database_url, model_dir, batch_size, command=None, trigger=None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.database_url = database_url
        self.model_dir = model_dir
        self.batch_size = batch_size
        self.command = command or "maskscreen recheck"
        self.trigger = trigger
        self.buffer: list[ListingCheck] = []
        self.normalize = NormalizePipeline(crawler.stats)
        self.engine = None
        self.model = None
        self.site_ids: dict[str, int] = {}
        self.run_ids: dict[str, int] = {}  # site -> crawl_runs.id
        self.counts: dict[str, Counter] = {}  # site -> RUN_COUNTS

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            crawler,
            database_url=settings.get("MASKSCREEN_DATABASE_URL"),
            model_dir=settings.get("MASKSCREEN_MODEL_DIR"),
            batch_size=settings.getint("MASKSCREEN_BATCH_SIZE", 100),
            command=settings.get("MASKSCREEN_COMMAND"),
            trigger=settings.get("MASKSCREEN_TRIGGER"),
        )

    def open_spider(self, spider=None):
        from maskscreen.db.migrate import open_database

        if not self.database_url:
            raise ValueError("a recheck needs MASKSCREEN_DATABASE_URL")
        self.model = shared_model(self.model_dir)
        self.engine = open_database(self.database_url)
        self._start_runs(spider or getattr(self.crawler, "spider", None))
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def _start_runs(self, spider) -> None:
        """One crawl run per site among the spider's targets, status running."""
        from sqlalchemy.orm import Session

        from maskscreen.db import runs

        targets = getattr(spider, "targets", [])
        with Session(self.engine) as session, session.begin():
            for site in dict.fromkeys(t["site"] for t in targets):
                self.site_ids[site] = runs.get_or_create_site(session, site)
                self.run_ids[site] = runs.start_crawl_run(
                    session,
                    self.site_ids[site],
                    command=self.command,
                    kind="recheck",
                    trigger=self.trigger,
                )
                self.counts[site] = Counter(
                    listings=sum(t["site"] == site for t in targets))  # fmt: skip

    def spider_closed(self, spider, reason) -> None:
        """Close each site's run with its counts (errors: unreachable or not stored)."""
        if self.engine is None:
            return
        from sqlalchemy.orm import Session

        from maskscreen.db import runs

        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, "failed")
        unreachable = getattr(spider, "unreachable", Counter())
        with Session(self.engine) as session, session.begin():
            for site, run_id in self.run_ids.items():
                counts = self.counts[site]
                counts["errors"] += unreachable.get(site, 0)
                runs.finish_crawl_run(
                    session, run_id, status=status, dropped={},
                    counts={k: counts.get(k, 0) for k in runs.RUN_COUNTS},
                )  # fmt: skip
        self.engine.dispose()

    def process_item(self, item, spider=None):
        if isinstance(item, ListingCheck):
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self.flush()
        return item

    def close_spider(self, spider=None):
        self.flush()

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if not batch:
            return
        from sqlalchemy.exc import SQLAlchemyError
        from sqlalchemy.orm import Session

        try:
            with Session(self.engine) as session, session.begin():
                outcomes = self._store(session, batch)
        except SQLAlchemyError as exc:
            self.stats.inc_value("maskscreen/recheck/store_failed", len(batch))
            logger.error("could not store %d checks (rolled back): %s", len(batch), exc)
            for check in batch:
                self._count(check.site, pages=1, errors=1)
            return
        for check, (outcome, flagged) in zip(batch, outcomes, strict=True):
            self.stats.inc_value(f"maskscreen/recheck/{outcome}")
            self._count(check.site, pages=1, changed=outcome == "changed",
                        unchanged=outcome == "live", flagged=flagged)  # fmt: skip

    def _count(self, site: str, **counts: int) -> None:
        self.counts.setdefault(site, Counter()).update({k: int(v) for k, v in counts.items() if v})

    def _store(self, session, batch: list[ListingCheck]) -> list[tuple[str, bool]]:
        """(outcome, new version flagged) per check, in batch order."""
        from maskscreen.db import rechecks, reviews, store

        rows: list[dict] = []
        seen: dict[str, list[tuple[ListingCheck, Listing]]] = {}
        for check in batch:
            row = {"listing_id": check.listing_id, "outcome": check.outcome,
                   "http_status": check.http_status, "note": check.note,
                   "checked_at": check.checked_at}  # fmt: skip
            rows.append(row)
            if check.outcome is None:
                listing = self._normalized(check)
                if listing is None:
                    row.update(outcome="live", note="page up; no listing title found")
                else:
                    seen.setdefault(check.site, []).append((check, listing))
        by_listing = {row["listing_id"]: row for row in rows}
        flagged: set[int] = set()
        for site, pairs in seen.items():
            if site not in self.site_ids:
                self.site_ids[site] = store.get_or_create_site(session, site)
            listings = [listing for _, listing in pairs]
            results, verdicts = store_batch(
                session, self.model, self.site_ids[site], listings, note_edits=False
            )
            for (check, _), result, verdict in zip(pairs, results, verdicts, strict=True):
                row = by_listing[check.listing_id]
                if result.status == "changed":
                    row.update(outcome="changed", note=edit_note(verdict))
                    if verdict is not None and verdict.flagged:
                        flagged.add(check.listing_id)
                else:
                    row["outcome"] = "live"
        removed = {row["listing_id"]: row["note"] or "gone"
                   for row in rows if row["outcome"] == "removed"}  # fmt: skip
        rechecks.mark_removed(session, list(removed))
        reviews.record_removals(session, removed)
        rechecks.record_checks(session, rows)
        return [(row["outcome"], row["listing_id"] in flagged) for row in rows]

    def _normalized(self, check: ListingCheck) -> Listing | None:
        from scrapy.exceptions import DropItem

        listing = check.listing
        # The listing keeps the URL and site it was flagged under.
        listing.url, listing.site = check.url, check.site
        try:
            return self.normalize.process_item(listing)
        except DropItem:
            return None


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
    from maskscreen.db import rechecks
    from maskscreen.db.migrate import open_database

    engine = open_database(database_url)
    try:
        with Session(engine) as session:
            targets = rechecks.recheck_targets(session, site=sites)
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
        "ITEM_PIPELINES": {"maskscreen.crawler.recheck.RecheckPipeline": 300},
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

    from maskscreen.crawler.run import crawl_settings

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
