"""One crawl shared by several workers: a Redis frontier (scrapy-redis).

    maskscreen crawl https://shop.example --frontier redis://10.0.0.5:6379/0   # on each machine

Every worker of one crawl uses the same Redis keys (`frontier_key`: the site, the
start URLs and the database, so the same command on each machine joins the same
crawl). scrapy-redis keeps in them the request queue (`<key>:requests`, a sorted
set by priority) and the fingerprints of every request ever scheduled
(`<key>:seen`): each page is fetched by one worker only, and each worker stores
what it fetched into the one database (one crawl_runs row per worker).

`FrontierAddon` (listed in ADDONS in crawler/settings.py) turns this on when the
MASKSCREEN_FRONTIER setting holds a Redis URL, for the CLI and for Scrapyd jobs
alike (`setting=MASKSCREEN_FRONTIER=redis://…` in schedule.json).

Ending together (`FrontierWorkers`): a worker whose own queue runs dry does not
stop while the shared queue holds requests or another worker is still busy
(another worker's pages may add links); each worker writes a heartbeat to
`<key>:workers` every second. A worker whose heartbeat is older than
STALE_AFTER seconds is taken for dead: the requests it had taken are lost for
this crawl (their fingerprints stay in `<key>:seen`), the next crawl finds them.
The last worker to finish deletes the keys, so the next crawl starts afresh; a
crawl interrupted on every worker leaves them, and running it again resumes it.
A frontier that cannot be reached for UNREACHABLE_AFTER seconds ends the worker's
crawl as `frontier_unavailable` (its crawl run is recorded as failed).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

logger = logging.getLogger(__name__)

QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"
HEARTBEAT = 1.0  # seconds between a worker's heartbeats
SETTLE = 2.0  # seconds every worker must look idle before one ends its crawl
STALE_AFTER = 30.0  # a worker silent this long is taken for dead
UNREACHABLE_AFTER = 15.0  # seconds without Redis before a worker gives up
CONNECT_TIMEOUT = 5.0


class FrontierUnavailable(RuntimeError):
    """The shared frontier (Redis) cannot be reached."""


def safe_redis_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)


def frontier_key(site: str, start_urls: Sequence[str], database_url: str | None) -> str:
    """The Redis key prefix shared by every worker of one crawl."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"
    digest = hashlib.sha256("\n".join([database_url or "", *sorted(start_urls)]).encode())
    return f"maskscreen:{safe}:{digest.hexdigest()[:12]}"


def connect(url: str):
    """A Redis client for `url` that is known to answer (else FrontierUnavailable)."""
    try:
        import redis
        import scrapy_redis  # noqa: F401 (the scheduler the workers will use)
    except ImportError:
        raise FrontierUnavailable(
            "a shared frontier needs scrapy-redis: pip install 'maskscreen[distributed]'"
        ) from None
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise FrontierUnavailable(f"not a Redis URL: {url!r} (expected redis://HOST:PORT/DB)")
    try:
        client = redis.Redis.from_url(
            url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT
        )
        client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        raise FrontierUnavailable(
            f"cannot reach the frontier at {safe_redis_url(url)}: {exc}"
        ) from None
    return client


def frontier_settings(url: str, key: str) -> dict:
    """Settings that put a crawl on the shared frontier (see FrontierAddon)."""
    return {"MASKSCREEN_FRONTIER": url, "MASKSCREEN_FRONTIER_KEY": key}


def _key(settings) -> str:
    # scrapy-redis fills in %(spider)s; a literal % would break its formatting.
    key = settings.get("MASKSCREEN_FRONTIER_KEY") or "maskscreen:%(spider)s"
    return key.replace("%", "%%").replace("%%(spider)s", "%(spider)s")


class FrontierAddon:
    """Scrapy add-on: with MASKSCREEN_FRONTIER set, schedule through Redis."""

    def update_settings(self, settings) -> None:
        url = settings.get("MASKSCREEN_FRONTIER")
        if not url:
            return
        key = _key(settings)
        # scrapy-redis 0.9 still passes spider= to the stats collector; nothing to act on.
        warnings.filterwarnings(
            "ignore", message="Passing a 'spider' argument", module="scrapy_redis"
        )
        for name, value in {
            "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
            "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
            "SCHEDULER_QUEUE_CLASS": QUEUE_CLASS,
            "SCHEDULER_QUEUE_KEY": f"{key}:requests",
            "SCHEDULER_DUPEFILTER_KEY": f"{key}:seen",
            # JSON, not scrapy-redis's default pickle: Redis is shared with other machines.
            "SCHEDULER_SERIALIZER": "maskscreen.crawler.jobs.frontier_codec",
            # Kept when a worker stops: the others still use them, and an interrupted
            # crawl resumes from them. FrontierWorkers deletes them when the crawl ends.
            "SCHEDULER_PERSIST": True,
            "REDIS_URL": url,
            "REDIS_PARAMS": {
                "socket_connect_timeout": CONNECT_TIMEOUT,
                "socket_timeout": 30,
                "retry_on_timeout": True,
            },
        }.items():
            settings.set(name, value, priority="addon")
        settings.set_in_component_priority_dict("EXTENSIONS", FrontierWorkers, 600)


class FrontierWorkers:
    """Extension: the workers of one shared crawl end it together (see module docstring)."""

    def __init__(self, crawler, server, key: str):
        self.crawler = crawler
        self.server = server
        self.key = key
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.loop = None
        self.poke = None
        self.idle_since: float | None = None
        self.unreachable_since: float | None = None
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.get("MASKSCREEN_FRONTIER"):
            raise NotConfigured("no frontier")
        from scrapy_redis.connection import get_redis_from_settings

        extension = cls(crawler, get_redis_from_settings(settings), _key(settings))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- keys ---------------------------------------------------------------------

    def keys(self, spider) -> tuple[str, str, str]:
        base = self.key % {"spider": spider.name}
        return f"{base}:requests", f"{base}:seen", f"{base}:workers"

    # -- signals ------------------------------------------------------------------

    def spider_opened(self, spider) -> None:
        from twisted.internet.task import LoopingCall

        self.spider = spider
        self.requests_key, self.seen_key, self.workers_key = self.keys(spider)
        self.loop = LoopingCall(self._beat)
        self.loop.start(HEARTBEAT, now=True)
        logger.info(
            "worker %s joins the shared crawl %s", self.worker, self.key % {"spider": spider.name}
        )

    def spider_idle(self, spider) -> None:
        """Stay open while the crawl goes on elsewhere; end when every worker is done."""
        if self.closing:
            return
        import redis

        now = time.time()
        try:
            self._report(busy=False, now=now)
            waiting = self.server.zcard(self.requests_key)
            others_busy = any(busy for _, busy in self._others(now))
        except redis.RedisError:
            self._poke_later()  # the heartbeat decides when Redis has been gone too long
            raise DontCloseSpider from None
        if waiting or others_busy:
            self.idle_since = None
        elif self.idle_since is None:
            self.idle_since = now
        elif now - self.idle_since >= SETTLE:
            return  # everyone has been idle for a while and nothing is queued: done
        self._poke_later()
        raise DontCloseSpider

    def spider_closed(self, spider, reason) -> None:
        import redis

        self.closing = True
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.poke is not None and self.poke.active():
            self.poke.cancel()
        try:
            self.server.hdel(self.workers_key, self.worker)
            alive = list(self._others(time.time()))
            if not alive and reason == "finished":
                self.server.delete(self.requests_key, self.seen_key, self.workers_key)
                logger.info(
                    "shared crawl %s finished: its frontier keys are deleted",
                    self.key % {"spider": spider.name},
                )
        except redis.RedisError as exc:
            logger.warning("could not sign off from the frontier: %s", exc)

    # -- helpers ------------------------------------------------------------------

    def _report(self, *, busy: bool, now: float) -> None:
        self.server.hset(self.workers_key, self.worker, f"{now:.3f} {int(busy)}")

    def _others(self, now: float):
        """(worker, busy) for every other live worker; dead ones are removed."""
        for name, value in self.server.hgetall(self.workers_key).items():
            name = name.decode() if isinstance(name, bytes) else name
            value = value.decode() if isinstance(value, bytes) else value
            if name == self.worker:
                continue
            stamp, _, busy = value.partition(" ")
            if now - float(stamp) > STALE_AFTER:
                logger.warning(
                    "worker %s has been silent for %.0f s: taken for dead", name, now - float(stamp)
                )
                self.server.hdel(self.workers_key, name)
                continue
            yield name, busy == "1"

    def _beat(self) -> None:
        import redis

        if self.closing:
            return
        now = time.time()
        try:
            busy = not self.crawler.engine.spider_is_idle()
        except Exception:  # noqa: BLE001 (Redis gone, or the engine closing)
            busy = True
        try:
            self._report(busy=busy, now=now)
        except redis.RedisError as exc:
            self.unreachable_since = self.unreachable_since or now
            if now - self.unreachable_since >= UNREACHABLE_AFTER:
                logger.error(
                    "the frontier has been unreachable for %.0f s (%s): ending this worker's crawl",
                    now - self.unreachable_since,
                    exc,
                )
                self._close("frontier_unavailable")
            return
        self.unreachable_since = None
        if busy:
            self.idle_since = None

    def _poke_later(self) -> None:
        """Look at the shared queue again soon (Scrapy alone would wait 5 s)."""
        from twisted.internet import reactor

        if self.poke is None or not self.poke.active():
            self.poke = reactor.callLater(0.5, self._poke)

    def _poke(self) -> None:
        slot = getattr(self.crawler.engine, "_slot", None)  # no public hook for this
        if slot is not None and not self.closing:
            slot.nextcall.schedule()

    def _close(self, reason: str) -> None:
        from scrapy.utils.defer import deferred_from_coro

        self.closing = True
        engine = self.crawler.engine
        if hasattr(engine, "close_spider_async"):
            deferred_from_coro(engine.close_spider_async(reason=reason))
        else:  # Scrapy < 2.14
            engine.close_spider(self.spider, reason)


# -- for the jobs module (crawler/jobs/job.py) ----------------------------------------


def shared_crawl_key(plan, engine) -> str:
    """The Redis keys of a shared crawl: the plan's, else from its site, start URLs and
    database (so the same command on every worker joins the same crawl)."""
    from urllib.parse import urlsplit

    site = plan.site or (urlsplit(plan.start_urls[0]).hostname or "").removeprefix("www.")
    database = engine.url.render_as_string(hide_password=False)  # hashed, never shown
    return plan.frontier_key or frontier_key(site, plan.start_urls, database)


@contextmanager
def database_turn(frontier: str | None, database_url: str) -> Iterator[None]:
    """Around opening (and migrating) the database: the workers of one shared crawl take
    turns, so that two of them never migrate one fresh database at the same time. A
    frontier that cannot be reached takes no turn (the crawl then records a failed run)."""
    if not frontier:
        yield
        return
    import hashlib

    try:
        client = connect(frontier)
    except FrontierUnavailable:
        yield
        return
    name = hashlib.sha256(database_url.encode()).hexdigest()[:12]
    try:
        with client.lock(f"maskscreen:open-database:{name}", timeout=600, blocking_timeout=600):
            yield
    finally:
        client.close()
