"""Re-checks of flagged listings: what to re-visit, what was seen, time to removal.

A listing under review (a case open, escalated, confirmed or actioned) is re-visited
until it is gone. Each look is a ``listing_checks`` row: live, changed (the seller
edited it) or removed. The first removal sets ``listings.status = 'removed'`` and
``listings.removed_at``; review cases are left to reviewers (db.reviews).
Functions take a session and never commit.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from maskscreen.db.models import CHECK_OUTCOMES, utcnow
from maskscreen.db.sql import chunks
from maskscreen.db.tables import listing_checks, listings, reviews, sites, versions

# Review states whose listing is still watched.
WATCHED_CASES = ("open", "escalated", "confirmed", "actioned")


@dataclass(frozen=True, slots=True)
class RecheckTarget:
    listing_id: int
    site: str
    url: str
    review_status: str
    # How the current version was read (jsonld, heuristic, ...): the recheck reads a
    # page the generic extractor read the same way; None when the listing has no version.
    source_format: str | None = None


@dataclass(frozen=True, slots=True)
class RemovalTime:
    """Per site: listings seen removed, and the median hours from flag to removal."""

    site: str
    removed: int
    median_hours: float


def recheck_targets(
    session: Session, site: str | Sequence[str] | None = None
) -> list[RecheckTarget]:
    """Listings with a watched review case that are not known to be removed (on `site`:
    a site's name or several). Only web pages: a catalogue row (`classify --store`, URL
    catalogue:SOURCE/ID) has nothing to visit."""
    stmt = (
        select(
            listings.c.id, sites.c.name, listings.c.url, reviews.c.status, versions.c.source_format
        )  # fmt: skip
        .join(sites, sites.c.id == listings.c.site_id)
        .join(reviews, reviews.c.listing_id == listings.c.id)
        .outerjoin(versions, versions.c.id == listings.c.current_version_id)
        .where(reviews.c.status.in_(WATCHED_CASES), listings.c.status != "removed")
        .where(or_(listings.c.url.like("http://%"), listings.c.url.like("https://%")))
        .order_by(sites.c.name, listings.c.id)
    )
    if site is not None:
        stmt = stmt.where(sites.c.name.in_([site] if isinstance(site, str) else list(site)))
    return [RecheckTarget(*row) for row in session.execute(stmt)]


def record_checks(session: Session, checks: list[dict[str, Any]]) -> int:
    """Append checks: dicts of listing_id, outcome, and optional http_status, note, checked_at."""
    rows = []
    for check in checks:
        if check["outcome"] not in CHECK_OUTCOMES:
            raise ValueError(f"outcome {check['outcome']!r} is not one of {CHECK_OUTCOMES}")
        rows.append({
            "listing_id": check["listing_id"],
            "outcome": check["outcome"],
            "http_status": check.get("http_status"),
            "note": check.get("note"),
            "checked_at": check.get("checked_at") or utcnow(),
        })  # fmt: skip
    if rows:
        session.execute(listing_checks.insert(), rows)
    return len(rows)


def mark_removed(session: Session, listing_ids: list[int], at: datetime | None = None) -> None:
    """Set status 'removed'; removed_at keeps the first time a removal was seen."""
    at = at or utcnow()
    for batch in chunks(sorted(set(listing_ids))):
        session.execute(
            update(listings)
            .where(listings.c.id.in_(batch))
            .values(status="removed", removed_at=func.coalesce(listings.c.removed_at, at))
        )


def watched(session: Session, listing_ids: list[int]) -> set[int]:
    """The listings among `listing_ids` with a watched review case."""
    found: set[int] = set()
    for batch in chunks(sorted(set(listing_ids))):
        found.update(session.scalars(
            select(reviews.c.listing_id).where(
                reviews.c.listing_id.in_(batch), reviews.c.status.in_(WATCHED_CASES)
            )
        ))  # fmt: skip
    return found


def note_edits(session: Session, edits: list[tuple[int, str]], at: datetime | None = None) -> int:
    """Record a 'changed' check for each (listing_id, note) whose listing is under review.

    How a crawl records that a flagged listing was edited (perhaps to drop its
    keywords): the case stays as it is, and the edit is on file with its time.
    """
    if not edits:
        return 0
    keep = watched(session, [lid for lid, _ in edits])
    return record_checks(session, [
        {"listing_id": lid, "outcome": "changed", "note": note, "checked_at": at}
        for lid, note in edits if lid in keep
    ])  # fmt: skip


def removal_times(session: Session, listing_ids: list[int]) -> dict[int, datetime]:
    """removed_at of each listing among `listing_ids` that has been seen removed."""
    found: dict[int, datetime] = {}
    for batch in chunks(sorted(set(listing_ids))):
        rows = session.execute(
            select(listings.c.id, listings.c.removed_at).where(
                listings.c.id.in_(batch), listings.c.removed_at.is_not(None)
            )
        )
        found.update({lid: at for lid, at in rows})
    return found


def time_to_removal(
    session: Session,
    site: str | Sequence[str] | None = None,
    since: datetime | None = None,
) -> list[RemovalTime]:
    """Per site, the median hours from flag (review case opened) to first seen removed
    (removals seen at or after `since` when given)."""
    stmt = (
        select(sites.c.name, reviews.c.opened_at, listings.c.removed_at)
        .join(listings, listings.c.site_id == sites.c.id)
        .join(reviews, reviews.c.listing_id == listings.c.id)
        .where(listings.c.status == "removed", listings.c.removed_at.is_not(None))
        .order_by(sites.c.name)
    )
    if site is not None:
        stmt = stmt.where(sites.c.name.in_([site] if isinstance(site, str) else list(site)))
    if since is not None:
        stmt = stmt.where(listings.c.removed_at >= since)
    hours: dict[str, list[float]] = {}
    for name, opened_at, removed_at in session.execute(stmt):
        spent = max(0.0, (removed_at - opened_at).total_seconds() / 3600)
        hours.setdefault(name, []).append(spent)
    return [
        RemovalTime(name, len(values), round(statistics.median(values), 2))
        for name, values in hours.items()
    ]


def check_history(session: Session, listing_id: int) -> list[dict[str, Any]]:
    """Every check of a listing, oldest first."""
    stmt = (
        select(listing_checks.c.checked_at, listing_checks.c.outcome,
               listing_checks.c.http_status, listing_checks.c.note)
        .where(listing_checks.c.listing_id == listing_id)
        .order_by(listing_checks.c.checked_at, listing_checks.c.id)
    )  # fmt: skip
    return [dict(row._mapping) for row in session.execute(stmt)]


def edit_note(label: str | None, score: float = 0.0, flagged: bool = False) -> str:
    """What a listing_checks row says about an edited listing's new content (its new
    verdict's label, score and flag; label None: content seen before, not scored again)."""
    if label is None:
        return "edited: back to content seen before"
    return f"edited: now {label} {score:.2f} ({'flagged' if flagged else 'not flagged'})"
