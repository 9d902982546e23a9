"""Review cases: opened when a listing is first flagged, moved by reviewers.

Every change of status appends a ``review_events`` row (who, when, from, to, note);
events are never updated or deleted. Functions take a session and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, literal, select, update
from sqlalchemy.orm import Session

from db.errors import ReviewError
from db.models import REVIEW_STATUSES, Base, UTCDateTime, utcnow
from db.sql import insert_for

SYSTEM_REVIEWER = "maskscreen"
# How much each raised signal adds to a case's priority (score is in [0, 1]).
SIGNAL_WEIGHTS = {"evasion_claim": 1.0, "made_to_order": 1.0, "off_platform_contact": 0.5}
OTHER_SIGNAL_WEIGHT = 0.25

sites = Base.metadata.tables["sites"]
listings = Base.metadata.tables["listings"]
versions = Base.metadata.tables["listing_versions"]
classifications = Base.metadata.tables["classifications"]
reviews = Base.metadata.tables["reviews"]
review_events = Base.metadata.tables["review_events"]


@dataclass(frozen=True, slots=True)
class ReviewCase:
    review_id: int
    listing_id: int
    site: str
    url: str
    title: str | None
    status: str
    priority: float
    label: str | None
    score: float | None
    opened_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewEventRow:
    reviewer: str
    at: datetime
    from_status: str | None
    to_status: str
    note: str | None


def review_priority(score: float, signals: dict[str, Any] | None) -> float:
    """A case's place in the queue: the score, raised by each signal that fired."""
    raised = [name for name, value in (signals or {}).items() if value]
    bonus = sum(SIGNAL_WEIGHTS.get(name, OTHER_SIGNAL_WEIGHT) for name in raised)
    return round(float(score) + bonus, 6)


def open_reviews(
    session: Session,
    candidates: list[tuple[int, int, float, dict[str, Any] | None]],
    *,
    at: datetime | None = None,
) -> int:
    """Open a case for each (listing_id, classification_id, score, signals) without one.

    A listing that already has a case (whatever its status) is left alone.
    Returns the number of cases opened.
    """
    at = at or utcnow()
    best: dict[int, dict[str, Any]] = {}
    for listing_id, classification_id, score, signals in candidates:
        row = {
            "listing_id": listing_id,
            "classification_id": classification_id,
            "status": "open",
            "priority": review_priority(score, signals),
            "opened_at": at,
            "updated_at": at,
        }
        if listing_id not in best or row["priority"] > best[listing_id]["priority"]:
            best[listing_id] = row
    if not best:
        return 0
    stmt = (
        insert_for(session, reviews)
        .on_conflict_do_nothing(index_elements=[reviews.c.listing_id])
        .returning(reviews.c.id)
    )
    opened = session.scalars(stmt, list(best.values())).all()
    if opened:
        session.execute(
            review_events.insert(),
            [
                {"review_id": rid, "reviewer": SYSTEM_REVIEWER, "at": at,
                 "from_status": None, "to_status": "open", "note": "flagged"}
                for rid in opened
            ],
        )  # fmt: skip
    return len(opened)


def set_review_status(
    session: Session, review_id: int, to_status: str, *, reviewer: str, note: str | None = None
) -> None:
    """Move a case to ``to_status`` and append the event that says who did it and why.

    The event is written first, from the case's current status in the same statement:
    a transaction that writes before it reads cannot trip over a concurrent writer
    (SQLite) and two reviewers moving one case are serialised (PostgreSQL).
    """
    if to_status not in REVIEW_STATUSES:
        raise ReviewError(f"unknown review status {to_status!r}, expected one of {REVIEW_STATUSES}")
    now = utcnow()
    current = (
        select(
            reviews.c.id,
            literal(reviewer),
            literal(now, UTCDateTime()),
            reviews.c.status,
            literal(to_status),
            literal(note, String()),
        )
        .where(reviews.c.id == review_id, reviews.c.status != to_status)
        .with_for_update()
    )
    columns = ["review_id", "reviewer", "at", "from_status", "to_status", "note"]
    appended = review_events.insert().from_select(columns, current).returning(review_events.c.id)
    if session.execute(appended).first() is None:
        status = session.scalar(select(reviews.c.status).where(reviews.c.id == review_id))
        if status is None:
            raise ReviewError(f"no review case {review_id}")
        raise ReviewError(f"review case {review_id} is already {to_status}")
    session.execute(
        update(reviews).where(reviews.c.id == review_id).values(status=to_status, updated_at=now)
    )


def review_queue(
    session: Session, *, status: str = "open", site: str | None = None, limit: int = 50
) -> list[ReviewCase]:
    """Cases in ``status``, highest priority first, oldest first among equals."""
    stmt = (
        select(
            reviews.c.id.label("review_id"),
            reviews.c.listing_id,
            sites.c.name.label("site"),
            listings.c.url,
            versions.c.title,
            reviews.c.status,
            reviews.c.priority,
            classifications.c.label,
            classifications.c.score,
            reviews.c.opened_at,
            reviews.c.updated_at,
        )
        .select_from(
            reviews.join(listings, listings.c.id == reviews.c.listing_id)
            .join(sites, sites.c.id == listings.c.site_id)
            .outerjoin(versions, versions.c.id == listings.c.current_version_id)
            .outerjoin(classifications, classifications.c.id == reviews.c.classification_id)
        )
        .where(reviews.c.status == status)
        .order_by(reviews.c.priority.desc(), reviews.c.opened_at, reviews.c.id)
        .limit(limit)
    )
    if site is not None:
        stmt = stmt.where(sites.c.name == site)
    return [ReviewCase(**row._mapping) for row in session.execute(stmt)]


def review_history(session: Session, review_id: int) -> list[ReviewEventRow]:
    """The events of a case, oldest first."""
    stmt = (
        select(
            review_events.c.reviewer,
            review_events.c.at,
            review_events.c.from_status,
            review_events.c.to_status,
            review_events.c.note,
        )
        .where(review_events.c.review_id == review_id)
        .order_by(review_events.c.id)
    )
    return [ReviewEventRow(**row._mapping) for row in session.execute(stmt)]
