"""A crawl started without a job (`scrapy crawl`, a Scrapyd job) lives the same life.

`maskscreen crawl` and the other commands run crawls through crawler/jobs/job.py. A
crawler that Scrapy starts on its own has no job around it, so its store pipeline calls
these two steps around its run row, with the context it built from the settings
(crawler/jobs/context.py):

  open   the lease "crawl:<site>" (CrawlBusy if another crawl holds it), renewed while
         the crawl runs; none for a worker of a shared crawl (MASKSCREEN_FRONTIER)
  close  the lease released; the run checked by the monitors (the default thresholds;
         a worker's count monitors off), failures sent to the configured alerts

No job state is kept: Scrapyd's own `jobdir` setting is the way to resume there.
"""

from __future__ import annotations

import logging

from maskscreen.crawler.jobs import monitors
from maskscreen.crawler.jobs.lease import Lease

logger = logging.getLogger(__name__)


def open_standalone(context, crawler) -> None:
    if context.engine is None or crawler.settings.get("MASKSCREEN_FRONTIER"):
        return
    context.lease = Lease(context.engine, f"crawl:{context.site}", None, "crawl")
    context.lease.start(crawler)


def close_standalone(context, run_id: int, stats: dict, frontier: bool) -> None:
    if context.lease is not None:
        context.lease.release()
        context.lease = None
    if context.engine is None or not run_id:
        return
    from maskscreen.crawler.jobs.alerts import AlertConfigError, configured_alerts

    try:
        alerts = configured_alerts()
    except AlertConfigError as exc:
        logger.error("alerts are not configured right: %s", exc)
        alerts = None
    thresholds = monitors.for_worker(None) if frontier else monitors.Thresholds()
    monitors.check_and_alert(context.engine, run_id, stats, thresholds, alerts)
