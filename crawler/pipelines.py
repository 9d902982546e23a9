"""Item pipelines: normalise each listing, then classify and store them in batches.

Where listings go and how they are classified comes from the crawler's job
(crawler/jobs/context.py): the command's engine (None: nothing stored), its loaded
model, the site, the command line and trigger recorded on the run. A crawler started
without a job (`scrapy crawl`, Scrapyd) builds that from its settings
(MASKSCREEN_DATABASE_URL, MASKSCREEN_MODEL_DIR, MASKSCREEN_SITE, ...). Setting read
here: MASKSCREEN_BATCH_SIZE, listings per classify/store batch (default 200; 100 for
rechecks). The run rows are opened and closed through crawler/jobs/runs.py.

Each batch is one transaction: its listings, versions, verdicts, review cases,
evidence (the fetched page of each version flagged in the batch) and edit notes
(listing_checks rows for changed listings under review) land together or not at all. After each batch the pipeline sends the
`listing_classified` signal once per listing (listing, verdict, status), which
is how `maskscreen check` and the CLI's progress see results.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import fields
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import DropItem

from maskscreen.crawler.items import Listing, ListingCheck
from maskscreen.crawler.jobs.context import context_of
from maskscreen.crawler.jobs.runs import (
    DROPPED,
    crawl_counts,
    drop_log,
    finish_run,
    listing_classified,
    start_run,
    write_drops,
)

logger = logging.getLogger(__name__)


def _clean(text: str | None) -> str | None:
    r"""Runs of whitespace as one space, none at the ends; None for nothing left. What
    re.sub(r"\s+", " ", text).strip() gives (str.split and str.strip take the same
    whitespace as the regex's \s), at a third of its cost."""
    if text is None:
        return None
    return " ".join(text.split()) or None


class NormalizePipeline:
    """Tidies text fields and drops listings without a title (counted)."""

    def __init__(self, stats, drops=None):
        self.stats = stats
        self.drops = drops  # crawler.jobs.runs.DropLog: dropped listings by URL

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, drop_log(crawler))

    def process_item(self, item: Listing, spider=None):
        if not isinstance(item, Listing):  # e.g. a recheck's ListingCheck
            return item
        item.title = _clean(item.title)
        item.description = (item.description or "").strip() or None
        for name in ("seller", "brand", "category", "currency", "language"):
            setattr(item, name, _clean(getattr(item, name)))
        if item.currency:
            item.currency = item.currency.upper()
        if item.fetched_at is None:
            item.fetched_at = datetime.now(UTC)
        # Field coverage, for the monitors (crawler/jobs/monitors.py).
        self.stats.inc_value("maskscreen/fields/seen")
        for name in ("title", "price", "currency"):
            if getattr(item, name) is not None:
                self.stats.inc_value(f"maskscreen/fields/{name}")
        if not item.title:
            if self.drops is not None:
                self.drops.add("no_title", item.url)
            else:
                self.stats.inc_value(f"{DROPPED}no_title")
            raise DropItem(f"no title: {item.url}")
        return item


class ClassifyStorePipeline:
    """Buffers listings; per batch: store → classify what is new or changed → record."""

    def __init__(self, crawler, batch_size: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.buffer: list[Listing] = []
        self.job = None  # crawler.jobs.context.JobContext, from open_spider
        self.model = None
        self.engine = None
        self.site_id: int | None = None
        self.run_id: int | None = None
        self.drops = drop_log(crawler)  # written to crawl_drops after each batch
        self.database_file: tuple[str, int] | None = None  # SQLite: (path, inode) at start

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler, batch_size=crawler.settings.getint("MASKSCREEN_BATCH_SIZE", 200))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider=None):
        self.job = context_of(self.crawler, spider)
        self.model, self.engine = self.job.model, self.job.engine
        if self.engine is None:
            return
        from sqlalchemy.orm import Session

        if not self.job.site:
            raise ValueError("MASKSCREEN_SITE must name the site when storing listings")
        if self.job.owned:  # no job around this crawl (scrapy crawl, Scrapyd): its lease
            from maskscreen.crawler.jobs.standalone import open_standalone

            try:
                open_standalone(self.job, self.crawler)
            except Exception:
                self.job.close()
                raise
        with Session(self.engine) as session, session.begin():
            self.site_id, self.run_id = start_run(
                session, self.job.site, base_url=self.job.site_url, command=self.job.command,
                trigger=self.job.trigger,
            )  # fmt: skip
        self.stats.set_value("maskscreen/run_id", self.run_id)  # for the lease and monitors
        self.database_file = database_file(self.engine)
        if self.job.lease is not None:  # the lease names its run from now on
            self.job.lease.attach_run(self.run_id)

    def process_item(self, item: Listing, spider=None):
        self.buffer.append(item)
        self.stats.inc_value("maskscreen/listings")
        if len(self.buffer) >= self.batch_size:
            self.flush()
        return item

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if batch:
            try:
                self._flush(batch)
            finally:
                for item in batch:  # the pages are stored or not needed: free them
                    item.evidence = None
        if self.engine is not None and self.run_id is not None:
            write_drops(self.engine, self.run_id, self.drops)

    def _lose(self, reason: str, batch: list[Listing], exc: BaseException) -> None:
        """Count each listing of a rolled-back batch as lost, with its URL and why."""
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        for item in batch:
            self.drops.add(reason, item.url, f"batch of {len(batch)} rolled back: {detail}")

    def _flush(self, batch: list[Listing]) -> None:
        if self.engine is None:
            verdicts = self.model.predict([_text_fields(item) for item in batch])
            self._announce(batch, verdicts, ["unstored"] * len(batch))
            return
        from sqlalchemy.exc import SQLAlchemyError

        from maskscreen.db import StoreError

        try:
            results, verdicts = self._store(batch)
        except (SQLAlchemyError, StoreError) as exc:
            # The batch's transaction rolled back: nothing half-written. The
            # listings are counted as lost for this run; the next crawl finds them.
            self._lose("store_failed", batch, exc)
            logger.error("could not store %d listings (rolled back): %s", len(batch), exc)
            return
        except Exception as exc:
            # A fault in classification (a broken model, a bug, one hostile row): the
            # transaction rolled back. Each listing is tried again on its own, so one
            # row that breaks takes none of its neighbours with it.
            if len(batch) == 1:
                self._lose("classify_failed", batch, exc)
                logger.exception("could not classify %s (rolled back)", batch[0].url)
                return
            logger.warning("a batch of %d failed (%s); storing its listings one by one",
                           len(batch), type(exc).__name__)  # fmt: skip
            for item in batch:
                self._flush([item])
            return
        for result in results:
            self.stats.inc_value(f"maskscreen/{result.status}")
        for verdict in verdicts:
            if verdict is not None and verdict.flagged:
                self.stats.inc_value("maskscreen/flagged")
        self._announce(batch, verdicts, [r.status for r in results])

    def _store(self, batch: list[Listing]):
        """One transaction: upsert, classify what is new or changed, record verdicts."""
        from sqlalchemy.orm import Session

        self._check_database_file()

        with Session(self.engine) as session, session.begin():
            results, verdicts = store_batch(session, self.model, self.site_id, batch)
        return results, verdicts

    def _check_database_file(self) -> None:
        """A SQLite file deleted or replaced mid-crawl: open connections would go on
        writing into the deleted file and lose everything silently. Refuse instead."""
        from maskscreen.db import StoreError

        if self.database_file is not None and database_file(self.engine) != self.database_file:
            raise StoreError(f"the database file {self.database_file[0]} was deleted or "
                             "replaced during the crawl")  # fmt: skip

    def _announce(self, batch, verdicts, statuses) -> None:
        for listing, verdict, status in zip(batch, verdicts, statuses, strict=False):
            self.crawler.signals.send_catch_log(
                signal=listing_classified, listing=listing, verdict=verdict, status=status
            )

    def close_spider(self, spider=None):
        self.flush()

    def spider_closed(self, spider, reason):
        if self.engine is None:
            return
        from sqlalchemy.orm import Session

        write_drops(self.engine, self.run_id, self.drops)  # the last ones, before the counts
        counts, dropped = crawl_counts(self.stats.get_stats())
        with Session(self.engine) as session, session.begin():
            finish_run(session, self.run_id, reason, counts, dropped)
        if self.job.owned:  # no job around this crawl: its lease and monitors
            from maskscreen.crawler.jobs.standalone import close_standalone

            frontier = bool(self.crawler.settings.get("MASKSCREEN_FRONTIER"))
            close_standalone(self.job, self.run_id, self.stats.get_stats(), frontier)
        self.job.close()


def database_file(engine) -> tuple[str, int] | None:
    """(path, inode) of a SQLite database file, None for any other database (or none)."""
    import os

    if engine is None or engine.url.get_backend_name() != "sqlite":
        return None
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    try:
        return path, os.stat(path).st_ino
    except OSError:
        return path, -1


def load_store() -> None:
    """Import what `store_batch` imports on first use (the store and its readers: 0.1-0.2 s
    of CPU), for a crawl job to call before its crawl starts: else the first batch does it
    mid-crawl, on the reactor's thread, after the collector froze what existed before."""
    from maskscreen.db import evidence, rechecks, store  # noqa: F401


def store_batch(session, model, site_id: int, batch: list[Listing], *, note_edits: bool = True):
    """Upsert `batch`, classify what is new or changed, record verdicts and evidence.

    Inside the caller's transaction. Unchanged listings add no version and are not
    classified again (their verdict is None). For each version flagged now, the page
    it was read from is kept as evidence. With `note_edits`, a changed listing that
    has a review case gets a listing_checks 'changed' row saying what the new verdict
    is; its case is left as it was (a reviewer decides). Returns (results, verdicts).
    """
    from maskscreen.db import evidence, rechecks, store

    results = store.upsert_listings(session, site_id, [item.to_record() for item in batch])
    todo = store.unclassified_versions(session, [r.version_id for r in results], model.version)
    todo_indices = [i for i, r in enumerate(results) if r.version_id in todo]
    verdicts = [None] * len(batch)
    if todo_indices:
        fresh = model.predict([_text_fields(batch[i]) for i in todo_indices])
        rows = []
        for index, verdict in zip(todo_indices, fresh, strict=False):
            verdicts[index] = verdict
            rows.append((results[index].version_id, _verdict_row(verdict)))
        store.record_classifications(session, rows)
    pages = [
        _evidence_row(result.version_id, item.evidence)
        for item, result, verdict in zip(batch, results, verdicts, strict=False)
        if verdict is not None and verdict.flagged and item.evidence is not None
    ]
    evidence.record_evidence(session, pages)
    if note_edits:
        edits = [
            (result.listing_id, edit_note(verdict))
            for result, verdict in zip(results, verdicts, strict=False)
            if result.status == "changed"
        ]
        rechecks.note_edits(session, edits)
    return results, verdicts


def edit_note(verdict) -> str:
    """The store's note for an edited listing (db.rechecks.edit_note), from a Verdict."""
    from maskscreen.db import rechecks

    if verdict is None:
        return rechecks.edit_note(None)
    return rechecks.edit_note(verdict.label, verdict.score, verdict.flagged)


def _evidence_row(version_id: int, page) -> dict:
    return {
        "listing_version_id": version_id,
        "url": page.url,
        "http_status": page.status,
        "content_type": page.content_type,
        "body": page.body,
        "fetched_at": page.fetched_at,
    }


def _verdict_row(verdict) -> dict:
    """The verdict as the store reads it: Verdict.to_dict() without its deep copy
    (dataclasses.asdict, about 0.07 ms a listing, a sixth of its classification); the
    dicts and lists inside are the verdict's own, which the store only reads."""
    return {f.name: getattr(verdict, f.name) for f in fields(verdict)}


def _text_fields(item: Listing) -> dict:
    return {"title": item.title, "description": item.description}


class RecheckPipeline:
    """Stores what RecheckSpider saw, in batches, one transaction each, and a crawl run
    per site.

    Needs a job with a database (crawler/jobs/context.py); its command defaults to
    "maskscreen recheck". Setting: MASKSCREEN_BATCH_SIZE (default 100).
    """

    def __init__(self, crawler, batch_size: int):
        self.crawler = crawler
        self.stats = crawler.stats
        self.batch_size = batch_size
        self.buffer: list[ListingCheck] = []
        self.normalize = NormalizePipeline(crawler.stats)
        self.job = None
        self.engine = None
        self.model = None
        self.site_ids: dict[str, int] = {}
        self.run_ids: dict[str, int] = {}  # site -> crawl_runs.id
        self.counts: dict[str, Counter] = {}  # site -> RUN_COUNTS

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler, batch_size=crawler.settings.getint("MASKSCREEN_BATCH_SIZE", 100))

    def open_spider(self, spider=None):
        spider = spider or getattr(self.crawler, "spider", None)
        self.job = context_of(self.crawler, spider)
        if self.job.engine is None:
            raise ValueError("a recheck needs a database (MASKSCREEN_DATABASE_URL)")
        self.model, self.engine = self.job.model, self.job.engine
        self._start_runs(spider)
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def _start_runs(self, spider) -> None:
        """One crawl run per site among the spider's targets, status running."""
        from sqlalchemy.orm import Session

        targets = getattr(spider, "targets", [])
        command = self.job.command or "maskscreen recheck"
        with Session(self.engine) as session, session.begin():
            for site in dict.fromkeys(t["site"] for t in targets):
                self.site_ids[site], self.run_ids[site] = start_run(
                    session, site, command=command, kind="recheck", trigger=self.job.trigger
                )
                self.counts[site] = Counter(
                    listings=sum(t["site"] == site for t in targets))  # fmt: skip

    def spider_closed(self, spider, reason) -> None:
        """Close each site's run with its counts (errors: unreachable or not stored)."""
        if self.engine is None:
            return
        from sqlalchemy.orm import Session

        from maskscreen.db import runs

        unreachable = getattr(spider, "unreachable", Counter())
        with Session(self.engine) as session, session.begin():
            for site, run_id in self.run_ids.items():
                counts = self.counts[site]
                counts["errors"] += unreachable.get(site, 0)
                finish_run(
                    session, run_id, reason, {k: counts.get(k, 0) for k in runs.RUN_COUNTS},
                    kind="recheck",
                )  # fmt: skip
        self.job.close()

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
