"""Read queries for analysts: per-site and per-day statistics, precision, miss rate, report.

Every function takes a session and never commits. Aggregates are computed in SQL,
grouped by site and UTC day; the export streams from ``db.export``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select, true
from sqlalchemy.orm import Session

from maskscreen.db.errors import StoreError
from maskscreen.db.export import export_select
from maskscreen.db.models import CONFIRMED_STATES, DISMISSED_STATES
from maskscreen.db.rechecks import time_to_removal
from maskscreen.db.tables import classifications, listings, review_events, reviews, sites, versions
from maskscreen.db.tables import runs as crawl_runs

# A case in one of these states has been decided: the listing was judged dangerous ...
# ... or harmless.


class UnknownSiteError(StoreError):
    """A site name that the database has never crawled."""


def check_site(session: Session, name: str | None) -> None:
    """Raise UnknownSiteError, naming the known sites, unless ``name`` is None or known."""
    if name is None:
        return
    known = list(session.scalars(select(sites.c.name).order_by(sites.c.name)))
    if name not in known:
        listed = ", ".join(known[:20]) or "none yet"
        raise UnknownSiteError(f"unknown site {name!r} (known: {listed})")


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _day(session: Session, column: Any) -> ColumnElement[str]:
    """The UTC date of a timestamp column as 'YYYY-MM-DD' text, on either database."""
    if _dialect(session) == "sqlite":
        return func.substr(column, 1, 10)  # stored as naive UTC text: 'YYYY-MM-DD HH:MM:SS...'
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")


# -- per site and day ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemovalDelay:
    site: str
    review_id: int
    confirmed_at: datetime
    removed_at: datetime

    @property
    def hours(self) -> float:
        return (self.removed_at - self.confirmed_at).total_seconds() / 3600


def crawled_by_day(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[tuple[str, str, int]]:
    """(site, day, listings seen by crawl runs started that day). Rechecks are visits of
    listings already crawled, not crawling: they are not counted."""
    day = _day(session, crawl_runs.c.started_at)
    stmt = (
        select(sites.c.name, day, func.sum(crawl_runs.c.listings))
        .join(sites, sites.c.id == crawl_runs.c.site_id)
        .where(crawl_runs.c.kind == "crawl")
        .group_by(sites.c.name, day)
    )
    stmt = _filtered(stmt, site, since, crawl_runs.c.started_at)
    return [(s, d, int(n or 0)) for s, d, n in session.execute(stmt)]


def flagged_by_day(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[tuple[str, str, int]]:
    """(site, day, listings with a flagged verdict recorded that day)."""
    day = _day(session, classifications.c.created_at)
    stmt = (
        select(sites.c.name, day, func.count(func.distinct(versions.c.listing_id)))
        .select_from(
            classifications.join(versions, versions.c.id == classifications.c.listing_version_id)
            .join(listings, listings.c.id == versions.c.listing_id)
            .join(sites, sites.c.id == listings.c.site_id)
        )
        .where(classifications.c.flagged == true())
        .group_by(sites.c.name, day)
    )
    stmt = _filtered(stmt, site, since, classifications.c.created_at)
    return [(s, d, int(n)) for s, d, n in session.execute(stmt)]


def decisions_by_day(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[tuple[str, str, str, int]]:
    """(site, day, to_status, cases moved to that status that day), from the audit trail."""
    day = _day(session, review_events.c.at)
    stmt = (
        select(
            sites.c.name, day, review_events.c.to_status, func.count(func.distinct(reviews.c.id))
        )
        .select_from(
            review_events.join(reviews, reviews.c.id == review_events.c.review_id)
            .join(listings, listings.c.id == reviews.c.listing_id)
            .join(sites, sites.c.id == listings.c.site_id)
        )
        .where(review_events.c.to_status.in_(("confirmed", "dismissed", "removed")))
        .group_by(sites.c.name, day, review_events.c.to_status)
    )
    stmt = _filtered(stmt, site, since, review_events.c.at)
    return [(s, d, status, int(n)) for s, d, status, n in session.execute(stmt)]


def removal_delays(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[RemovalDelay]:
    """Each removed case: when it was last confirmed and when last seen removed.

    The same figures as the ``takedown_delays`` view (migration 0002).
    """
    e = review_events
    first = (
        select(
            e.c.review_id,
            func.max(_when(e.c.to_status == "confirmed", e.c.at)).label("confirmed_at"),
            func.max(_when(e.c.to_status == "removed", e.c.at)).label("removed_at"),
        )
        .where(e.c.to_status.in_(("confirmed", "removed")))
        .group_by(e.c.review_id)
        .subquery()
    )
    stmt = (
        select(sites.c.name, first.c.review_id, first.c.confirmed_at, first.c.removed_at)
        .select_from(
            first.join(reviews, reviews.c.id == first.c.review_id)
            .join(listings, listings.c.id == reviews.c.listing_id)
            .join(sites, sites.c.id == listings.c.site_id)
        )
        .where(reviews.c.status == "removed", first.c.confirmed_at.is_not(None))
        .order_by(sites.c.name, first.c.removed_at)
    )
    stmt = _filtered(stmt, site, since, first.c.removed_at)
    return [RemovalDelay(*row) for row in session.execute(stmt)]


@dataclass(slots=True)
class RemovalBothWays:
    """Time to removal on one site, measured from both starts, each named for it.

    From the flag: every listing seen removed, hours from its review case opening to
    the recheck that first saw it gone (what `recheck` measures). From confirmation:
    only cases a reviewer confirmed, hours from the last confirmation to removal (the
    ``takedown_delays`` view). The two differ in what they count as well as in where
    they start, so neither stands in for the other.
    """

    site: str
    removed: int
    hours_from_flag: float | None
    confirmed_removed: int
    hours_from_confirmation: float | None

    def as_row(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "removed": self.removed,
            "hours_from_flag": self.hours_from_flag,
            "confirmed_removed": self.confirmed_removed,
            "hours_from_confirmation": self.hours_from_confirmation,
        }


REMOVAL_COLUMNS = ["site", "removed", "hours_from_flag", "confirmed_removed",
                   "hours_from_confirmation"]  # fmt: skip


def removal_both_ways(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[RemovalBothWays]:
    """Per site, median hours to removal from the flag and from confirmation (see
    `RemovalBothWays`), for removals at or after `since` when given."""
    from_flag = {t.site: t for t in time_to_removal(session, site=site, since=since)}
    confirmed: dict[str, list[float]] = {}
    for delay in removal_delays(session, site=site, since=since):
        confirmed.setdefault(delay.site, []).append(max(0.0, delay.hours))
    return [
        RemovalBothWays(
            name,
            from_flag[name].removed if name in from_flag else 0,
            from_flag[name].median_hours if name in from_flag else None,
            len(confirmed.get(name, [])),
            round(statistics.median(confirmed[name]), 2) if confirmed.get(name) else None,
        )
        for name in sorted(set(from_flag) | set(confirmed))
    ]


@dataclass(slots=True)
class SiteDay:
    """One site on one UTC day; removals are counted, and timed, on the day of removal."""

    site: str
    day: str
    crawled: int = 0
    flagged: int = 0
    confirmed: int = 0
    dismissed: int = 0
    removed: int = 0
    median_hours_to_removal: float | None = None


def site_days(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[SiteDay]:
    """Crawled, flagged, decided and removed per site and day, newest day first."""
    table: dict[tuple[str, str], SiteDay] = {}

    def cell(name: str, day: str) -> SiteDay:
        return table.setdefault((name, day), SiteDay(name, day))

    for name, day, n in crawled_by_day(session, site=site, since=since):
        cell(name, day).crawled = n
    for name, day, n in flagged_by_day(session, site=site, since=since):
        cell(name, day).flagged = n
    for name, day, status, n in decisions_by_day(session, site=site, since=since):
        setattr(cell(name, day), status, n)
    delays: dict[tuple[str, str], list[float]] = {}
    for delay in removal_delays(session, site=site, since=since):
        day = delay.removed_at.date().isoformat()
        delays.setdefault((delay.site, day), []).append(delay.hours)
    for key, hours in delays.items():
        cell(*key).median_hours_to_removal = round(statistics.median(hours), 2)
    by_site = sorted(table.values(), key=lambda d: d.site)
    return sorted(by_site, key=lambda d: d.day, reverse=True)


def _when(condition: ColumnElement[bool], value: Any) -> Any:
    return case((condition, value), else_=None)


def _filtered(stmt: Select[Any], site: str | None, since: datetime | None, at: Any) -> Select[Any]:
    if site is not None:
        stmt = stmt.where(sites.c.name == site)
    if since is not None:
        stmt = stmt.where(at >= since)
    return stmt


# -- measured precision and the estimated miss rate -----------------------------------------


@dataclass(frozen=True, slots=True)
class Decided:
    """Decided cases of one group: how many were judged dangerous, how many harmless."""

    key: tuple[str, ...]
    confirmed: int
    dismissed: int

    @property
    def decided(self) -> int:
        return self.confirmed + self.dismissed

    @property
    def share(self) -> float | None:
        return self.confirmed / self.decided if self.decided else None


def _decided(rows: Any) -> list[Decided]:
    counts: dict[tuple[str, ...], list[int]] = {}
    for *key, status, n in rows:
        pair = counts.setdefault(tuple(key), [0, 0])
        pair[0 if status in CONFIRMED_STATES else 1] += int(n)
    return [Decided(key, c, d) for key, (c, d) in sorted(counts.items())]


def precision_by_model(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[Decided]:
    """Per model version: flag cases decided confirmed vs dismissed (measured precision)."""
    stmt = (
        select(classifications.c.model_version, reviews.c.status, func.count())
        .select_from(
            reviews.join(classifications, classifications.c.id == reviews.c.classification_id)
            .join(listings, listings.c.id == reviews.c.listing_id)
            .join(sites, sites.c.id == listings.c.site_id)
        )
        .where(
            reviews.c.source == "flag", reviews.c.status.in_(CONFIRMED_STATES + DISMISSED_STATES)
        )
        .group_by(classifications.c.model_version, reviews.c.status)
    )
    return _decided(session.execute(_filtered(stmt, site, since, classifications.c.created_at)))


def miss_rate(
    session: Session, *, site: str | None = None, since: datetime | None = None
) -> list[Decided]:
    """Per site and language: audit cases (unflagged listings) decided confirmed vs dismissed."""
    language = func.coalesce(versions.c.language, "unknown")
    stmt = (
        select(sites.c.name, language, reviews.c.status, func.count())
        .select_from(
            reviews.join(listings, listings.c.id == reviews.c.listing_id)
            .join(sites, sites.c.id == listings.c.site_id)
            .outerjoin(versions, versions.c.id == listings.c.current_version_id)
        )
        .where(
            reviews.c.source == "audit", reviews.c.status.in_(CONFIRMED_STATES + DISMISSED_STATES)
        )
        .group_by(sites.c.name, language, reviews.c.status)
    )
    return _decided(session.execute(_filtered(stmt, site, since, reviews.c.opened_at)))


# -- report ---------------------------------------------------------------------------------


def outcomes(session: Session, *, since: datetime | None = None) -> dict[str, int]:
    """Flag cases opened since ``since`` by their status now."""
    stmt = (
        select(reviews.c.status, func.count())
        .where(reviews.c.source == "flag")
        .group_by(reviews.c.status)
    )
    if since is not None:
        stmt = stmt.where(reviews.c.opened_at >= since)
    return {status: int(n) for status, n in session.execute(stmt)}


@dataclass(frozen=True, slots=True)
class SellerRow:
    site: str
    seller: str
    flagged: int
    confirmed: int


def top_sellers(
    session: Session, *, since: datetime | None = None, limit: int = 10
) -> list[SellerRow]:
    """Sellers (by name on their site) with the most flagged listings, then confirmed ones."""
    flagged = export_select().subquery()
    confirmed = func.sum(_when(flagged.c.review_status.in_(CONFIRMED_STATES), 1))
    stmt = (
        select(flagged.c.site, flagged.c.seller, func.count(), func.coalesce(confirmed, 0))
        .where(flagged.c.seller.is_not(None))
        .group_by(flagged.c.site, flagged.c.seller)
        .order_by(func.count().desc(), func.coalesce(confirmed, 0).desc(), flagged.c.seller)
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(flagged.c.flagged_at >= since)
    return [SellerRow(s, name, int(f), int(c)) for s, name, f, c in session.execute(stmt)]
