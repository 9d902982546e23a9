"""The jobs module: one job's life, however it was started.

    plan = plan_crawl(url="https://shop.example")                      # crawler/jobs/plan.py
    summary = run_crawl(plan, engine=engine, model=model, alerts=alerts)
    summary = run_recheck(RecheckPlan(sites=("shop.example",)), engine=engine, model=model)
    run_jobs([CrawlJob(plan_a, ...), CrawlJob(plan_b, ...)], then=...)   # at once (the demo)

`maskscreen crawl`, `check URL`, `recheck`, `run-due`/`run-job`, the workers of a shared
crawl and the demo all run here; a Scrapyd job (`scrapy crawl`) runs the same pipelines,
which open and close its run rows through crawler/jobs/runs.py. A job's life:

  plan      a frozen CrawlPlan (what to crawl and how) or RecheckPlan
  lease     "crawl:<site>" (or the plan's key; "recheck:<site>" for a scheduled recheck)
            from db/leases.py, renewed while the crawl runs; CrawlBusy if it is held.
            A crawl killed mid-way stops renewing; its lease expires and the next takes over.
  resume    Scrapy's job state kept between runs (crawler/jobs/resume.py)
  run row   opened and closed by the pipelines (crawler/jobs/runs.py: status mapping)
  Scrapy    one CrawlerProcess per process (Twisted's reactor starts once); the job
            attaches the command's engine and model to each crawler (crawler/jobs/context.py)
  monitors  the finished run checked against the site's thresholds (crawler/jobs/monitors.py)
  alerts    failed monitors sent to the configured channels (crawler/jobs/alerts.py)

A worker of a shared crawl (`plan.frontier`, a Redis URL) takes no lease and keeps no
job state (the frontier holds both), its count monitors are off (`monitors.for_worker`),
and it opens the database in turn with the other workers (`database_turn`).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import SETTINGS_PRIORITIES, Settings

from maskscreen.crawler.jobs import monitors, resume, runs
from maskscreen.crawler.jobs.context import JobContext, attach
from maskscreen.crawler.jobs.frontier import database_turn, shared_crawl_key
from maskscreen.crawler.jobs.lease import Lease
from maskscreen.crawler.jobs.plan import CrawlPlan, spider_class
from maskscreen.crawler.jobs.recheck import RecheckPlan, RecheckSummary
from maskscreen.crawler.jobs.resume import CrawlBusy, job_directory
from maskscreen.crawler.jobs.runs import DROPPED, crawl_counts, judge_run, listing_classified

logger = logging.getLogger(__name__)

__all__ = [
    "CrawlBusy",
    "CrawlJob",
    "CrawlResult",
    "CrawlSummary",
    "RecheckJob",
    "crawl_settings",
    "database_turn",
    "job_directory",
    "run_crawl",
    "run_jobs",
    "run_recheck",
    "shared_crawl_key",
]


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
    # Every listing and verdict, for a crawl that stores nothing (`check`); a stored
    # crawl's are in the database (and reach `on_result`), not held here to the end.
    results: list[CrawlResult] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    # Set when an interrupted crawl left its job state: run the same command to resume.
    resume_dir: str | None = None
    run_id: int | None = None  # the crawl_runs row, when stored
    monitors: list[dict] | None = None  # crawler.jobs.monitors results, when checked
    alerted: list[str] = field(default_factory=list)  # the alert channels that took it
    status: str = "finished"  # the run's status (crawler/jobs/runs.judge_run)
    status_reason: str | None = None  # why it failed: ended early, lost listings, nothing fetched
    unkept: int = 0  # drops counted but beyond the rows a run keeps (crawl_drops)


def site_from_url(url: str) -> str:
    """A site's name from its URL: the host without "www.", and the port when it is not
    the scheme's default (two shops on one host at :8001 and :8002 are two sites)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return url
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: the host alone
        port = None
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return f"{host}:{port}" if port is not None and port != default else host


def _base_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _start_of(plan: CrawlPlan) -> str | None:
    """Where the site is crawled from, kept on the site when it is first crawled: the URL
    the plan was made from (a shop's /big/ section), else the first start URL's root.
    A one-page check (follow=False) says nothing about where the site's listings are."""
    if not plan.follow:
        return None
    return plan.origin_url or _base_url(plan.start_urls[0])


def _database_key(engine) -> str | None:
    """The database as the job directory and the frontier key know it (password and all:
    it is hashed, never shown)."""
    return engine.url.render_as_string(hide_password=False) if engine is not None else None


def crawl_settings(
    *, log_level: str = "WARNING", own_logging: bool = True, overrides: dict | None = None
) -> Settings:
    """The process's Scrapy settings: crawler/settings.py, the log level, `overrides`."""
    settings = Settings()
    settings.setmodule("maskscreen.crawler.settings", priority="project")
    settings.set("LOG_LEVEL", log_level)
    # A caller that configured logging itself (the CLI) keeps its handlers.
    settings.set("LOG_INSTALL_ROOT_HANDLER", own_logging)
    _override(settings, overrides)
    return settings


def _override(settings: Settings, overrides: dict | None) -> None:
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    # robots.txt is ignored only when a caller said so explicitly (cmdline priority).
    if settings.getpriority("ROBOTSTXT_OBEY") < SETTINGS_PRIORITIES["cmdline"]:
        settings.set("ROBOTSTXT_OBEY", True, priority="cmdline")


class CrawlJob:
    """One crawl: `prepare` takes the lease and the job state; `create` makes its crawler;
    `release` lets go of them; `finish` reads the outcome, checks the run, alerts."""

    def __init__(self, plan: CrawlPlan, *, engine, model, alerts=None,
                 on_result: Callable[[CrawlResult], None] | None = None):  # fmt: skip
        self.plan = plan
        self.engine = engine  # None: classify only, store nothing (no lease, no resume)
        self.model = model
        self.alerts = alerts  # crawler.jobs.alerts.AlertConfig
        self.on_result = on_result
        self.site = plan.site or site_from_url(plan.start_urls[0])
        self.results: list[CrawlResult] = []
        self.crawler = None
        self.lease: Lease | None = None
        self.jobdir: Path | None = None
        self._lock = None
        self.summary: CrawlSummary | None = None

    def prepare(self) -> bool:
        """Take what the crawl holds while it runs; True: it has a crawl to run."""
        plan, stores = self.plan, self.engine is not None
        if plan.frontier:
            self._check_frontier()
        if stores and plan.lease and not plan.frontier:
            key = plan.lease if isinstance(plan.lease, str) else f"crawl:{self.site}"
            self.lease = Lease(self.engine, key, plan.lease_ttl, "crawl")
        if stores and plan.resume and not plan.frontier:
            self._take_job_state()
        if stores:
            from maskscreen.crawler.pipelines import load_store

            load_store()  # as warm_model: before the crawl, not in its first batch
        if plan.follow:
            warm_model(self.model)
        return True

    def create(self, process):
        """(crawler, spider arguments) for `process.crawl`."""
        plan, overrides = self.plan, {"MASKSCREEN_SITE": self.site, **self.plan.settings}
        if plan.frontier:
            from maskscreen.crawler.jobs.frontier import frontier_settings

            overrides.update(frontier_settings(plan.frontier, shared_crawl_key(plan, self.engine)))
        if self.jobdir is not None:
            overrides["JOBDIR"] = str(self.jobdir)
        self.crawler = process.create_crawler(spider_class(plan.via, plan.spider_args))
        _override(self.crawler.settings, overrides)
        attach(self.crawler, JobContext(
            engine=self.engine, model=self.model, site=self.site,
            site_url=_start_of(plan), command=plan.command, trigger=plan.trigger,
            lease=self.lease,
        ))  # fmt: skip
        if self.engine is None or self.on_result is not None:
            # Else `_collect` does nothing: not called for every listing (the signal is
            # still sent, to whatever else listens).
            self.crawler.signals.connect(self._collect, signal=listing_classified)
        if self.lease is not None:
            self.lease.start(self.crawler)
        kwargs = {"start_urls": list(plan.start_urls), "site": self.site, "follow": plan.follow,
                  **plan.spider_args}  # fmt: skip
        if plan.max_pages:
            kwargs["max_pages"] = plan.max_pages
        return self.crawler, kwargs

    @property
    def finish_reason(self) -> str | None:
        """Scrapy's finish reason, once the crawl has ended."""
        stats = self.crawler.stats if self.crawler is not None else None
        return stats.get_value("finish_reason") if stats else None

    def _take_job_state(self) -> None:
        plan = self.plan
        self.jobdir = Path(plan.job_dir) if plan.job_dir else job_directory(
            self.site, plan.start_urls, _database_key(self.engine))  # fmt: skip
        try:
            self._lock = resume.lock(self.jobdir)
        except CrawlBusy:
            self.release()
            raise
        if (
            resume.has_state(self.jobdir)
            and self.lease
            and not resume.resumable(self.engine, self.site)
        ):
            # Killed (SIGKILL, lost lease): its last batch may be fetched but not stored.
            logger.warning("the last crawl of %s did not stop cleanly: starting afresh", self.site)
            resume.forget(self.jobdir)
        if resume.has_state(self.jobdir):
            logger.info("resuming the interrupted crawl of %s (job state in %s)", self.site,
                        self.jobdir)  # fmt: skip

    def _check_frontier(self) -> None:
        """A frontier that cannot be reached: a failed run, so that monitoring sees it."""
        from maskscreen.crawler.jobs.frontier import FrontierUnavailable, connect

        try:
            connect(self.plan.frontier).close()
        except FrontierUnavailable:
            if self.engine is not None:
                runs.record_failed_start(self.engine, self.site, _base_url(self.plan.start_urls[0]),
                                         self.plan.command, self.plan.trigger)  # fmt: skip
            raise

    def _collect(self, listing, verdict, status) -> None:
        result = CrawlResult(listing, verdict, status)
        if self.engine is None:  # nothing stored: the caller reads them from the summary
            self.results.append(result)
        if self.on_result is not None:
            self.on_result(result)

    def release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        if self.lease is not None:
            self.lease.release()
            self.lease = None

    def finish(self) -> CrawlSummary:
        crawler = self.crawler
        stats = crawler.stats.get_stats() if crawler is not None and crawler.stats else {}
        run_id = stats.get("maskscreen/run_id")
        if run_id and "finish_reason" not in stats and self.engine is not None:
            # Scrapy never closed the spider (a second Ctrl-C stops at once): the run row
            # is still open and its last batch unstored. Close it as failed now.
            runs.close_unfinished(self.engine, run_id, crawler)
            stats = crawler.stats.get_stats()
        counts, dropped = crawl_counts(stats)
        finish_reason = str(stats.get("finish_reason", "unknown"))
        jobdir = self.jobdir
        if jobdir is not None and (
            finish_reason == "finished" or stats.get(f"{DROPPED}store_failed")
        ):
            shutil.rmtree(jobdir, ignore_errors=True)  # done (or lost batches): start afresh
        checked, alerted = (None, [])
        if run_id:
            thresholds = self.plan.monitors or monitors.Thresholds()
            if self.plan.frontier:
                thresholds = monitors.for_worker(thresholds)
            checked, alerted = monitors.check_and_alert(
                self.engine, run_id, stats, thresholds, self.alerts
            )
        status, status_reason = judge_run(finish_reason, counts, dropped)
        self.summary = CrawlSummary(
            counts=counts, dropped=dropped, finish_reason=finish_reason, results=self.results,
            stats=stats, resume_dir=str(jobdir) if jobdir is not None and jobdir.exists() else None,
            run_id=run_id, monitors=checked, alerted=alerted, status=status,
            status_reason=status_reason, unkept=int(stats.get(runs.UNKEPT, 0)),
        )  # fmt: skip
        return self.summary


class RecheckJob:
    """One recheck of the listings under review (crawler/jobs/recheck.py)."""

    def __init__(self, plan: RecheckPlan, *, engine, model):
        self.plan = plan
        self.engine = engine
        self.model = model
        self.crawler = None
        self.targets = 0
        self.leases: list[Lease] = []
        self.summary: RecheckSummary | None = None
        self.started = None
        self.prepared = None

    def prepare(self) -> bool:
        """Take the leases and find the targets; True: there is something to visit."""
        from maskscreen.crawler.jobs.recheck import prepare_recheck
        from maskscreen.db import utcnow

        if self.plan.lease:
            try:
                for site in self.plan.sites:
                    self.leases.append(Lease(self.engine, f"recheck:{site}", self.plan.lease_ttl,
                                              "recheck"))  # fmt: skip
            except CrawlBusy:
                self.release()
                raise
            for lease in self.leases:
                lease.start()
        self.started = utcnow()
        self.prepared = prepare_recheck(self.engine, self.plan)
        self.targets = len(self.prepared.targets)
        return bool(self.targets)

    def create(self, process):
        """(crawler, spider arguments) for `process.crawl`."""
        prepared = self.prepared
        self.crawler = process.create_crawler(prepared.spider_class)
        _override(self.crawler.settings, prepared.overrides)
        attach(self.crawler, JobContext(engine=self.engine, model=self.model,
                                        command=self.plan.default_command(),
                                        trigger=self.plan.trigger))  # fmt: skip
        return self.crawler, prepared.spider_kwargs()

    def release(self) -> None:
        for lease in self.leases:
            lease.release()
        self.leases = []

    def finish(self) -> RecheckSummary:
        from maskscreen.crawler.jobs.recheck import recheck_summary

        crawler = self.crawler
        stats = crawler.stats.get_stats() if crawler is not None and crawler.stats else {}
        self.summary = recheck_summary(self.targets, stats) if crawler else RecheckSummary(0)
        if self.plan.trigger == "schedule":
            # So that run-due knows when each site was last rechecked, even with nothing
            # to visit there.
            runs.record_idle_rechecks(self.engine, self.plan.sites, self.started, self.summary,
                                      self.plan.default_command())  # fmt: skip
        return self.summary


Job = CrawlJob | RecheckJob


def run_jobs(
    jobs: Sequence[Job],
    *,
    log_level: str = "WARNING",
    own_logging: bool = True,
    then: Callable[[Sequence[Job]], Sequence[Job]] | None = None,
) -> None:
    """Run `jobs` at once in this process's one Scrapy process; then, if given, the jobs
    `then(jobs)` returns (e.g. the demo's next-day recheck). Blocks until all are done;
    each job's `summary` then holds its outcome. Starts Twisted's reactor: once a process.
    """
    opened: list[Job] = []

    def prepare(batch: Sequence[Job]) -> list[Job]:
        """The jobs of `batch` with a crawl to run, their leases and job state taken."""
        opened.extend(batch)
        return [job for job in batch if job.prepare()]

    try:
        ready = prepare(jobs)
        if ready or then is not None:  # else no reactor: it cannot restart in this process
            _crawl(ready, lambda done: prepare(then(done)) if then else (), log_level, own_logging)
    finally:
        for job in opened:
            job.release()
    for job in opened:
        job.finish()


def _crawl(ready: Sequence[Job], then, log_level: str, own_logging: bool) -> None:
    """Crawl the `ready` jobs at once in one CrawlerProcess, then those `then` gives."""
    from scrapy.crawler import CrawlerProcess
    from twisted.internet import defer

    process = CrawlerProcess(crawl_settings(log_level=log_level, own_logging=own_logging))

    def start(batch: Sequence[Job]) -> list:
        return [process.crawl(crawler, **kwargs)
                for crawler, kwargs in (job.create(process) for job in batch)]  # fmt: skip

    crawling = start(ready)
    # The first crawl installs Scrapy's reactor: only then may `reactor` be imported.
    from twisted.internet import reactor

    @defer.inlineCallbacks
    def run_all():
        try:
            yield defer.DeferredList(crawling, consumeErrors=True)
            more = then(ready)
            if more:
                yield defer.DeferredList(start(more), consumeErrors=True)
        except Exception:
            logger.exception("a job failed")
        finally:
            if reactor.running:
                reactor.stop()
            else:
                reactor.callWhenRunning(reactor.stop)

    run_all()
    with long_lived_frozen():
        process.start(stop_after_crawl=False)


_warmed: set[int] = set()  # id() of the models warmed in this process


def warm_model(model) -> None:
    """Classify the model's canary texts once per process before a crawl that follows
    links, so that its first batch of listings does not load what classification loads
    on first use (spaCy and its English tokenizer, compiled patterns, caches: 0.7-0.9 s
    of CPU).

    That load otherwise happens on the reactor's thread mid-crawl, holding up every
    download in flight; done here, it also comes before `long_lived_frozen`, which
    then keeps what it made out of the collector's passes. Nearly all of it is what a
    crawl of English listings needs at its first listing (the first English product of
    the demo catalogue imports spaCy); the canaries in Chinese and Japanese add about
    0.06 s. The collector is paused meanwhile (`longrun.warm`). A one-page
    crawl (`check URL`, follow=False) is not warmed. A model that fails here is left to
    fail per batch, where the pipeline counts each lost listing (ClassifyStorePipeline)."""
    if model is None or id(model) in _warmed:
        return
    from maskscreen.classifier.longrun import warm

    try:
        warm(model)
    except Exception as exc:  # counted where it matters: in the crawl's batches
        logger.debug("could not warm the model: %s", exc)
        return
    _warmed.add(id(model))


# Objects allocated (net) between two young-generation collector passes while a crawl
# runs; CPython's default is 700 (gc.get_threshold()). 5,000 -> 20,000 (with the pages'
# trees freed without the collector, crawler/spiders/shop.py _let_go_of_tree): the young
# and middle passes of a 3,000-page bench crawl took 0.20 -> 0.08 s of CPU, 0.03 ms a page.
YOUNG_GC_THRESHOLD = 20_000


@contextmanager
def long_lived_frozen():
    """While the crawl runs: keep what exists before it (the loaded model, the engine,
    the imported modules: about 200,000 objects) out of the garbage collector's passes
    (gc.freeze), and pass over the young objects less often (YOUNG_GC_THRESHOLD);
    afterwards hand the objects back (gc.unfreeze) and restore the thresholds.

    A crawl makes many short-lived objects. With the defaults they set off a full pass
    every few hundred pages, each walking the model's objects again, and a young pass
    every few dozen listings: together 0.70-0.84 ms of CPU a page, a sixth of the full
    pipeline's, against 0.3-0.4 ms for the bare spider, which holds no model; 0.16-0.21
    ms with this (bench/crawl.py --split, 3,000 pages). Nothing is lost: garbage made during the crawl is
    collected as before, only in larger passes, and an object frozen here that is (or
    became) garbage is collected by the first full pass after the crawl.
    """
    from maskscreen.classifier.longrun import frozen

    # No gc.collect() first: with the model loaded a full pass took 0.34 s (190,000
    # objects, 2 shared cores), which a one-page `check URL` would feel; garbage frozen
    # with the rest waits for the first full pass after the crawl.
    with frozen(young=YOUNG_GC_THRESHOLD):
        yield


def run_crawl(
    plan: CrawlPlan,
    *,
    engine,
    model,
    alerts=None,
    log_level: str = "WARNING",
    own_logging: bool = True,
    on_result: Callable[[CrawlResult], None] | None = None,
) -> CrawlSummary:
    """Crawl as `plan` says, classify with `model` and (with an `engine`) store; block
    until done. `alerts`: a crawler.jobs.alerts.AlertConfig for failed monitors."""
    job = CrawlJob(plan, engine=engine, model=model, alerts=alerts, on_result=on_result)
    run_jobs([job], log_level=log_level, own_logging=own_logging)
    return job.summary


def run_recheck(
    plan: RecheckPlan, *, engine, model, log_level: str = "WARNING", own_logging: bool = True
) -> RecheckSummary:
    """Re-visit every listing under review on the plan's sites; block until done."""
    job = RecheckJob(plan, engine=engine, model=model)
    run_jobs([job], log_level=log_level, own_logging=own_logging)
    return job.summary
