"""Run one crawl in this process: spider → extraction → pipelines → store.

Twisted's reactor starts once per process, so call `run_crawl` once per
process (the CLI does; tests run crawls in a subprocess).

Resuming: with `resume=True` (the default) a crawl keeps Scrapy's job state
(JOBDIR: pending requests and the fingerprints of requests already made) in
`job_directory(site)`, i.e. <user data dir>/maskscreen/jobs/<site>. Interrupt it
(Ctrl-C once, or SIGTERM: Scrapy finishes the pages in flight and the pipeline
stores its last batch) and run the same command again: it carries on where it
stopped, so no listing is lost or stored twice. A crawl that finishes deletes
its job directory, so the next scheduled crawl starts from the beginning. A
second Ctrl-C or SIGKILL stops at once: the last unstored batch (up to
MASKSCREEN_BATCH_SIZE listings) is then only found by a crawl with resume=False.
A crawl whose store failed (a batch rolled back: database gone) deletes its job
state too, so the next crawl visits those pages again.

One crawl of a site at a time: a crawl that stores takes the database lease
"crawl:<site>" (db/leases.py) first, renews it while it runs, and raises CrawlBusy
if another live crawl holds it. A crawl killed mid-way stops renewing; its lease
expires and the next crawl takes it over. After the crawl, the monitors
(crawler/jobs/monitors.py) check the run and, if any fails and alerts are configured,
an alert goes out (crawler/jobs/alerts.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs
from scrapy.crawler import CrawlerProcess
from scrapy.settings import SETTINGS_PRIORITIES, Settings

from maskscreen.crawler.pipelines import DROPPED, crawl_counts, listing_classified

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
    # Set when an interrupted crawl left its job state: run the same command to resume.
    resume_dir: str | None = None
    run_id: int | None = None  # the crawl_runs row, when stored
    monitors: list[dict] | None = None  # crawler.jobs.monitors results, when checked
    alerted: list[str] = field(default_factory=list)  # the alert channels that took it


def site_from_url(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or url


class CrawlBusy(RuntimeError):
    """Another process (here, or on a machine sharing the database) is crawling the site."""


def job_directory(
    site: str, start_urls: Sequence[str] = (), database_url: str | None = None
) -> Path:
    """Where a resumable crawl keeps its Scrapy job state (JOBDIR).

    <user data dir>/maskscreen/jobs/<site>/<key>: the key is a hash of the start URLs
    and the database, so the same command finds its job again and two different
    crawls of one site (another database, another start page) never share one.
    """
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"
    key = hashlib.sha256("\n".join([database_url or "", *sorted(start_urls)]).encode()).hexdigest()
    return Path(platformdirs.user_data_dir("maskscreen")) / "jobs" / safe / key[:12]


def _lock(jobdir: Path):
    """Hold an exclusive lock on the job directory (released when the process ends)."""
    jobdir.mkdir(parents=True, exist_ok=True)
    handle = open(jobdir / "lock", "a")  # noqa: SIM115 (held for the crawl)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the same command twice is on the user
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CrawlBusy(f"another crawl is using {jobdir}; wait for it or stop it") from None
    return handle


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
    settings.setmodule("maskscreen.crawler.settings", priority="project")
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
    # robots.txt is ignored only when a caller said so explicitly (cmdline priority).
    if settings.getpriority("ROBOTSTXT_OBEY") < SETTINGS_PRIORITIES["cmdline"]:
        settings.set("ROBOTSTXT_OBEY", True, priority="cmdline")
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
    resume: bool = True,
    job_dir: str | Path | None = None,
    via: str = "html",
    spider_args: dict | None = None,
    trigger: str | None = None,
    lease: bool | str = True,
    lease_ttl: float | None = None,
    monitors=None,
    alerts=None,
) -> CrawlSummary:
    """Crawl from `start_urls`, classify and (with a database URL) store; block until done.

    `resume`: keep the job state in `job_dir` (default `job_directory(site)`) so that
    an interrupted crawl carries on when run again; see the module docstring. Only a
    crawl that stores listings resumes (without a database the items would be lost).
    `via` picks the spider (html, shopify, woocommerce, sitemap: see crawler/jobs/plan.py)
    and `spider_args` adds its arguments (a site profile's link rules, selectors, currency).
    `trigger` (manual | schedule) is recorded on the run.

    `lease`: True takes the lease "crawl:<site>" (CrawlBusy if it is held), a string
    takes the lease of that key, False takes none: the workers of one distributed
    crawl (a shared frontier) pass False, or one key among themselves per worker.
    `lease_ttl`: seconds the lease outlives its last renewal (default
    db.leases.DEFAULT_TTL). `monitors`: the site's crawler.jobs.monitors.Thresholds (default
    thresholds if None); `alerts`: a crawler.jobs.alerts.AlertConfig to send failures to.
    """
    from maskscreen.crawler.jobs.plan import spider_class

    start_urls = list(start_urls)
    site = site or site_from_url(start_urls[0])
    parts = urlsplit(start_urls[0])
    jobdir = lock = keeper = None
    if lease and database_url:
        keeper = _take_lease(
            database_url, lease if isinstance(lease, str) else f"crawl:{site}", lease_ttl
        )
    if resume and database_url:
        jobdir = Path(job_dir) if job_dir else job_directory(site, start_urls, database_url)
        try:
            lock = _lock(jobdir)
        except CrawlBusy:
            if keeper is not None:
                keeper.release()
                keeper.engine.dispose()
            raise
        settings_overrides = {"JOBDIR": str(jobdir), **(settings_overrides or {})}
        if (jobdir / "requests.seen").exists() and keeper and not _resumable(keeper.engine, site):
            # Killed (SIGKILL, lost lease): its last batch may be fetched but not stored.
            logger.warning("the last crawl of %s did not stop cleanly: starting afresh", site)
            _forget_job(jobdir)
        if (jobdir / "requests.seen").exists():
            logger.info("resuming the interrupted crawl of %s (job state in %s)", site, jobdir)
    settings = crawl_settings(
        database_url=database_url,
        site=site,
        site_url=f"{parts.scheme}://{parts.netloc}",
        model_dir=model_dir,
        log_level=log_level,
        command=command,
        overrides={"MASKSCREEN_TRIGGER": trigger, **(settings_overrides or {})},
        own_logging=own_logging,
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_class(via, spider_args))
    if keeper is not None:
        keeper.run_source = lambda: crawler.stats and crawler.stats.get_value("maskscreen/run_id")
        keeper.on_lost = lambda reason: _stop_from_thread(crawler, "lease_lost")
        keeper.start()
    results: list[CrawlResult] = []

    def collect(listing, verdict, status):
        result = CrawlResult(listing, verdict, status)
        results.append(result)
        if on_result is not None:
            on_result(result)

    crawler.signals.connect(collect, signal=listing_classified)
    kwargs = {"start_urls": start_urls, "site": site, "follow": follow, **(spider_args or {})}
    if max_pages:
        kwargs["max_pages"] = max_pages
    process.crawl(crawler, **kwargs)
    try:
        process.start()
    finally:
        if lock is not None:
            lock.close()
        if keeper is not None:
            keeper.release()
            keeper.engine.dispose()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    counts, dropped = crawl_counts(stats)
    finish_reason = str(stats.get("finish_reason", "unknown"))
    if jobdir is not None and (finish_reason == "finished" or stats.get(f"{DROPPED}store_failed")):
        shutil.rmtree(jobdir, ignore_errors=True)  # done (or lost batches): start afresh
    run_id = stats.get("maskscreen/run_id")
    checked, alerted = (
        _monitor(database_url, run_id, stats, monitors, alerts) if run_id else (None, [])
    )
    return CrawlSummary(
        counts=counts,
        dropped=dropped,
        finish_reason=finish_reason,
        results=results,
        stats=stats,
        resume_dir=str(jobdir) if jobdir is not None and jobdir.exists() else None,
        run_id=run_id,
        monitors=checked,
        alerted=alerted,
    )


def _take_lease(database_url: str, key: str, ttl: float | None):
    from maskscreen.db.leases import DEFAULT_TTL, LeaseHeld, LeaseKeeper
    from maskscreen.db.migrate import open_database

    keeper = LeaseKeeper(open_database(database_url), key, ttl=ttl or DEFAULT_TTL)
    try:
        keeper.acquire()
    except LeaseHeld as exc:
        keeper.engine.dispose()
        raise CrawlBusy(f"another crawl is running: {exc}") from None
    return keeper


def _resumable(engine, site: str) -> bool:
    """Whether the site's last crawl stopped cleanly (interrupted, its last batch stored)."""
    from sqlalchemy.orm import Session

    from maskscreen.db.runs import run_history

    with Session(engine) as session:
        last = run_history(session, site=site, kind="crawl", limit=1)
    return bool(last) and last[0]["status"] == "interrupted"


def _forget_job(jobdir: Path) -> None:
    """Delete a job's saved state, keeping the lock file this process holds."""
    for path in jobdir.iterdir():
        if path.name != "lock":
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def _stop_from_thread(crawler, reason: str) -> None:
    """Close the crawl (from another thread): pages in flight finish, batches are stored."""
    from twisted.internet import reactor

    def close() -> None:
        engine = crawler.engine
        if engine is None or not engine.running:
            return
        if hasattr(engine, "close_spider_async"):  # Scrapy 2.14+
            from scrapy.utils.defer import deferred_from_coro

            deferred_from_coro(engine.close_spider_async(reason=reason))
        else:
            engine.close_spider(engine.spider, reason=reason)

    reactor.callFromThread(close)


def _monitor(database_url, run_id, stats, thresholds, alerts) -> tuple[list | None, list[str]]:
    """Check the run and alert on failures; a database or channel that fails is logged."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from maskscreen.crawler.jobs.monitors import Thresholds, alert_text, failed, monitor_run
    from maskscreen.db.errors import StoreError
    from maskscreen.db.runs import mark_alerted
    from maskscreen.db.session import connect

    try:
        engine = connect(database_url)
    except StoreError as exc:
        logger.error("could not check crawl run %s: %s", run_id, exc)
        return None, []
    try:
        row, results = monitor_run(engine, run_id, stats, thresholds or Thresholds())
        sent: list[str] = []
        if failed(results) and alerts is not None and alerts.channels:
            from maskscreen.crawler.jobs.alerts import send_alert

            details = {"site": row["site"], "run_id": run_id, "status": row["status"],
                       "monitors": failed(results)}  # fmt: skip
            sent = send_alert(alerts, alert_text(row["site"], run_id, results), details)
            if sent:
                with Session(engine) as session, session.begin():
                    mark_alerted(session, run_id)
        return results, sent
    except (SQLAlchemyError, StoreError, LookupError) as exc:
        logger.error("could not check crawl run %s: %s", run_id, str(exc).splitlines()[0])
        return None, []
    finally:
        engine.dispose()
