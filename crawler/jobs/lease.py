"""A job's lease ("crawl:<site>", "recheck:<site>"; db/leases.py) on the job's engine.

Taken before the crawl starts (CrawlBusy if another live job holds it), renewed from a
thread while it runs, released at the end. A lease lost while crawling (taken over after
the database was unreachable for a whole TTL) closes the crawl gracefully: its run is
recorded failed (`lease_lost`).
"""

from __future__ import annotations

from maskscreen.crawler.jobs.resume import CrawlBusy


class Lease:
    """The job's lease, on the job's engine; CrawlBusy if another live job holds it."""

    def __init__(self, engine, key: str, ttl: float | None, busy: str):
        from maskscreen.db import DEFAULT_TTL, LeaseHeld, LeaseKeeper

        self.keeper = LeaseKeeper(engine, key, ttl=ttl or DEFAULT_TTL)
        try:
            self.keeper.acquire()
        except LeaseHeld as exc:
            raise CrawlBusy(f"another {busy} is running: {exc}") from None

    def start(self, crawler=None) -> None:
        if crawler is not None:
            self.keeper.run_source = lambda: (
                crawler.stats and crawler.stats.get_value("maskscreen/run_id")
            )
            self.keeper.on_lost = lambda reason: _stop_from_thread(crawler, "lease_lost")
        self.keeper.start()

    def attach_run(self, run_id: int) -> None:
        """Name the run this lease covers at once (not at the first renewal), so that a
        crawl killed before then still has its run closed by the next command."""
        self.keeper.set_run(run_id)
        self.keeper.renew_now()

    def release(self) -> None:
        self.keeper.release()


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
