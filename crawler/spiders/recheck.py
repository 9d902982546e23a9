"""RecheckSpider: visit each flagged listing's URL once and say what is there now.

    run_recheck(database_url)       # crawler/jobs/recheck.py: targets from the database

Yields one `ListingCheck` per URL reached: outcome "removed" with the reason (see
crawler.removal.removal_reason), or outcome None with the listing as extracted now,
for the pipeline to compare with the stored content. Redirects are followed and
judged by where they end. Failed fetches yield nothing and are counted under
`maskscreen/recheck/unreachable`.

A page is read again the way its listing was first read (`reads_visible_page`): a
listing the generic page reading found (`source_format` "heuristic", a target's
`source_format`) is read with the same entry point and the heuristic on, so the same
page gives the same title and price (live) and an edited one a new version (changed);
any other listing from structured data and its site profile only, so that a shop
API's listing is not compared with what its storefront page happens to show.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from maskscreen.crawler.extract.page import NotAListing, extract_listing
from maskscreen.crawler.items import ListingCheck
from maskscreen.crawler.removal import GONE_STATUSES, removal_reason

logger = logging.getLogger(__name__)

_VISIBLE_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style)]"
_HEADINGS = "//title//text() | //h1//text() | //h2//text()"


def _text(response: Response, query: str) -> str:
    if not isinstance(response, TextResponse):
        return ""
    try:
        return " ".join(response.xpath(query).getall())
    except ValueError:  # not HTML/XML (JSON): search the raw text
        return response.text


# The listings whose stored version the generic reading of the visible page made.
VISIBLE_PAGE_SOURCES = frozenset({"heuristic"})


def reads_visible_page(target: dict) -> bool:
    """Whether a target's page is read with the heuristic on (see the module docstring)."""
    return target.get("source_format") in VISIBLE_PAGE_SOURCES


class RecheckSpider(Spider):
    """`targets`: dicts of listing_id, site, url (the listing's stored URL) and
    optionally source_format (how its stored version was read);
    `selectors`: per site, the CSS/XPath selectors of its site profile, if it has them
    (a page read through a profile is read again the same way)."""

    name = "recheck"

    def __init__(
        self,
        targets: Iterable[dict] | None = None,
        selectors: dict[str, dict] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.targets = list(targets or [])
        self.selectors = dict(selectors or {})
        self.unreachable: Counter[str] = Counter()  # site -> pages that could not be fetched

    async def start(self) -> AsyncIterator[Request]:
        for target in self.targets:
            yield Request(
                target["url"],
                callback=self.parse,
                errback=self.on_error,
                dont_filter=True,
                meta={"target": target, "handle_httpstatus_list": list(GONE_STATUSES)},
            )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[ListingCheck]:
        target = response.meta["target"]
        requested = response.meta.get("redirect_urls", [response.url])[0]
        listing = None
        if response.status not in GONE_STATUSES and isinstance(response, TextResponse):
            try:
                # As first read: the heuristic's reading of an API-sourced listing's
                # storefront page would differ from the stored version.
                listing = extract_listing(
                    response,
                    target["site"],
                    profile=self.selectors.get(target["site"]),
                    heuristic=reads_visible_page(target),
                )
            except (NotAListing, ValueError, AttributeError):
                listing = None
        # A page that still holds its product is judged by its title and headings
        # (boilerplate elsewhere may say "no longer available"); one without, by all text.
        text = _text(response, _HEADINGS if listing is not None else _VISIBLE_TEXT)
        reason = removal_reason(response.status, requested, response.url, text)
        if reason is None and listing is not None and listing.availability == "Discontinued":
            reason = "availability Discontinued"
        check = ListingCheck(
            listing_id=target["listing_id"],
            site=target["site"],
            url=target["url"],
            outcome="removed" if reason else None,
            http_status=response.status,
            checked_at=datetime.now(UTC),
            note=reason,
            listing=None if reason else listing,
        )
        if check.outcome is None and listing is None:
            check.outcome, check.note = "live", "page up; no listing found on it"
        yield check

    def on_error(self, failure: Failure) -> None:
        self.crawler.stats.inc_value("maskscreen/recheck/unreachable")
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        if request is not None and "target" in request.meta:
            self.unreachable[request.meta["target"]["site"]] += 1
        logger.info("could not re-check %s: %s", url, failure.getErrorMessage())
