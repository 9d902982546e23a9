"""Politeness and resilience: user agent with a contact, retries with backoff, evidence.

Downloader middlewares (enabled in crawler/settings.py):
  ContactUserAgentMiddleware  USER_AGENT plus "contact: …" from MASKSCREEN_CONTACT
                              (setting, else the environment variable of that name)
  BackoffRetryMiddleware      Scrapy's RetryMiddleware, waiting before each retry:
                              Retry-After (seconds or an HTTP date) when the site sends
                              one, else exponential backoff with full jitter
                              (RETRY_BACKOFF_BASE * 2**n, at most RETRY_BACKOFF_MAX).
                              A Retry-After longer than RETRY_AFTER_MAX is not waited
                              for: the request gives up (maskscreen/retry/after_too_long).
                              Pages over DOWNLOAD_MAXSIZE are counted as
                              maskscreen/dropped/too_large.
Spider middleware:
  EvidenceMiddleware          attaches the fetched page (PageEvidence) to every Listing
                              a callback yields; the pipeline keeps it for flagged ones.
Extension:
  PolitenessReport            logs, once per crawl, the user agent and whether
                              robots.txt is obeyed (an override is a WARNING).
Log formatter (LOG_FORMATTER):
  DebugAwareLogFormatter      Scrapy's, without building the two DEBUG records of every
                              page and item when no log handler would take them.
"""

from __future__ import annotations

import logging
import os
import random
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as _ScrapyRobotsTxtMiddleware
from scrapy.downloadermiddlewares.useragent import UserAgentMiddleware
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import Response
from scrapy.logformatter import LogFormatter
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message
from twisted.internet.defer import CancelledError

from maskscreen.crawler.items import Listing, PageEvidence

logger = logging.getLogger(__name__)

CONTACT_SETTING = "MASKSCREEN_CONTACT"


def user_agent_with_contact(user_agent: str, contact: str | None) -> str:
    """'name/1.0 (+url; what)' + contact -> 'name/1.0 (+url; what; contact: …)'."""
    contact = (contact or "").strip()
    if not contact:
        return user_agent
    if user_agent.endswith(")"):
        return f"{user_agent[:-1]}; contact: {contact})"
    return f"{user_agent} (contact: {contact})"


def contact_of(settings) -> str | None:
    return settings.get(CONTACT_SETTING) or os.environ.get(CONTACT_SETTING) or None


class ContactUserAgentMiddleware(UserAgentMiddleware):
    """Scrapy's UserAgentMiddleware with the operator's contact appended."""

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        middleware = cls(user_agent_with_contact(settings["USER_AGENT"], contact_of(settings)))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**attempt))."""
    ceiling = min(cap, base * (2 ** max(0, attempt)))
    return (rng or random).uniform(0, ceiling)


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits (Retry-After, else jittered backoff) before retrying.

    The wait happens inside this middleware, so the retried request is handed back
    to the scheduler only once it may be sent again.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 300.0)

    def _inc(self, key: str) -> None:
        self.crawler.stats.inc_value(f"maskscreen/{key}")

    def delay_for(self, request: Request, response: Response | None) -> float | None:
        """Seconds to wait before retrying; None: the site asked for longer than we wait."""
        attempt = request.meta.get("retry_times", 0)
        if response is not None:
            asked = retry_after_seconds(response.headers.get(b"Retry-After"))
            if asked is not None:
                if asked > self.retry_after_max:
                    return None
                return asked
        return backoff_delay(attempt, self.backoff_base, self.backoff_max)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        delay = self.delay_for(request, response)
        if delay is None:
            self._inc("retry/after_too_long")
            logger.warning(
                "%s asks to retry %s after more than %.0f s; giving up on it",
                response.status,
                request.url,
                self.retry_after_max,
            )
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if delay > 0:
            self._inc("retry/waits")
            self.crawler.stats.inc_value("maskscreen/retry/waited_seconds", round(delay, 3))
            logger.debug(
                "waiting %.2f s before retrying %s (%s)", delay, request.url, response.status
            )
            await sleep(delay)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, (DownloadCancelledError, CancelledError)):
            # Over DOWNLOAD_MAXSIZE (the only cancellation we cause): not retried.
            from maskscreen.crawler.jobs.runs import drop_log

            limit = request.meta.get("download_maxsize") or self.crawler.settings.getint(
                "DOWNLOAD_MAXSIZE"
            )
            drop_log(self.crawler).add("too_large", request.url, f"over {limit} bytes")
            return None
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry"):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            delay = self.delay_for(request, None) or 0.0
            if delay > 0:
                await sleep(delay)
        return retry


def page_evidence(response: Response) -> PageEvidence:
    content_type = response.headers.get(b"Content-Type")
    return PageEvidence(
        url=response.url,
        status=response.status,
        content_type=content_type.decode("latin-1") if content_type else None,
        body=response.body,
        fetched_at=datetime.now(UTC),
    )


class EvidenceMiddleware:
    """Attach the response each Listing was extracted from (see PageEvidence)."""

    @staticmethod
    def _attach(response: Response, item: Any) -> Any:
        if isinstance(item, Listing) and item.evidence is None:
            item.evidence = page_evidence(response)
        return item

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            yield self._attach(response, item)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            yield self._attach(response, item)


class PolitenessReport:
    """Says once per crawl how polite it is; an explicit robots.txt override is a WARNING."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self, spider) -> None:
        settings = self.crawler.settings
        site = settings.get("MASKSCREEN_SITE") or spider.name
        if not settings.getbool("ROBOTSTXT_OBEY"):
            self.crawler.stats.set_value("maskscreen/robots_txt_ignored", 1)
            logger.warning("robots.txt is NOT obeyed for %s: explicit per-site override", site)
        logger.info(
            "crawling %s as %r; robots.txt %s; AutoThrottle %s; %s concurrent per domain",
            site,
            user_agent_with_contact(settings["USER_AGENT"], contact_of(settings)),
            "obeyed" if settings.getbool("ROBOTSTXT_OBEY") else "ignored",
            "on" if settings.getbool("AUTOTHROTTLE_ENABLED") else "off",
            settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
        )


class RobotsTxtMiddleware(_ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with every request that waits for a host's
    robots.txt given the parsed file.

    Scrapy (2.19, asyncio reactor) lets the requests that arrive while a host's
    robots.txt is being fetched await the same Deferred through `Deferred.asFuture`,
    which consumes the result: the first waiter gets the parser, every later one None,
    which Scrapy reads as "no robots.txt" and lets through. Several requests to a new
    host at once (redirects a site's policy allows, a burst of links) then fetched paths
    the host forbids. Here each waiter gets a Deferred of its own, fired with the result
    and passing it on unchanged (tests/faults/test_hostile.py)."""

    async def robot_parser(self, request: Request) -> Any:
        from scrapy.utils.defer import maybe_deferred_to_future
        from scrapy.utils.httpobj import urlparse_cached
        from twisted.internet.defer import Deferred

        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, Deferred):  # unknown (fetch it) or known: Scrapy's
            return await super().robot_parser(request)
        mine: Deferred = Deferred()

        def hand_over(result: Any) -> Any:
            mine.callback(result)
            return result  # for the next waiter

        pending.addCallback(hand_over)
        return await maybe_deferred_to_future(mine)


class DebugAwareLogFormatter(LogFormatter):
    """Scrapy's log formatter; its DEBUG lines of every page and item ("Crawled (200)
    <GET ...>", "Scraped from <200 ...>") are not built when no handler would take them.

    Scrapy's root logger passes every level on and its handler drops what is below
    LOG_LEVEL, so at the default INFO each page made a log record (two with an item) that
    was thrown away. When some handler on the way takes DEBUG (LOG_LEVEL DEBUG, a handler
    an application or a test added, however late), the lines are logged as before."""

    def __init__(self) -> None:
        # The loggers Scrapy logs these lines with (scrapy.core.engine, .scraper).
        self._engine = logging.getLogger("scrapy.core.engine")
        self._scraper = logging.getLogger("scrapy.core.scraper")

    def crawled(self, request, response, spider=None):
        if not takes_debug(self._engine):
            return None
        return super().crawled(request, response, spider)

    def scraped(self, item, response, spider=None):
        if not takes_debug(self._scraper):
            return None
        return super().scraped(item, response, spider)


def takes_debug(logger: logging.Logger) -> bool:
    """Whether a DEBUG record of `logger` would reach a handler that takes DEBUG: what
    `Logger.callHandlers` does with it, without making it (no handler at all: Python's
    last resort, WARNING and up)."""
    if not logger.isEnabledFor(logging.DEBUG):
        return False
    current: logging.Logger | None = logger
    while current is not None:
        if any(handler.level <= logging.DEBUG for handler in current.handlers):
            return True
        current = current.parent if current.propagate else None
    return False
