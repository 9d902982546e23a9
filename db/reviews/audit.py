"""Closing the loop: the audit sample of unflagged listings, and reviewers' labels for training.

Functions take a session and never commit. Review events are only ever inserted.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, not_, select
from sqlalchemy.orm import Session

from maskscreen.db.models import CONFIRMED_STATES, DISMISSED_STATES, utcnow
from maskscreen.db.reviews.cases import SYSTEM_REVIEWER, review_priority
from maskscreen.db.sql import chunks, insert_for
from maskscreen.db.tables import classifications, listings, review_events, reviews, sites, versions


def audit_candidates(session: Session, *, site: str | None = None) -> list[int]:
    """Listings whose current version's newest verdict is not flagged and that have no case."""
    c2 = classifications.alias("c2")
    newest = (
        select(func.max(c2.c.id)).where(c2.c.listing_version_id == listings.c.current_version_id)
    ).scalar_subquery()
    stmt = (
        select(listings.c.id)
        .select_from(
            listings.join(classifications, classifications.c.id == newest).outerjoin(
                reviews, reviews.c.listing_id == listings.c.id
            )
        )
        .where(not_(classifications.c.flagged), reviews.c.id.is_(None))
        .order_by(listings.c.id)
    )
    if site is not None:
        stmt = stmt.join(sites, sites.c.id == listings.c.site_id).where(sites.c.name == site)
    return list(session.scalars(stmt))


def choose_sample(candidates: list[int], n: int, seed: int | None = None) -> list[int]:
    """``n`` of the candidates at random (all of them if fewer); the same seed, the same draw."""
    if n >= len(candidates):
        return list(candidates)
    return sorted(random.Random(seed).sample(candidates, n))


def open_audit_cases(
    session: Session, listing_ids: list[int], *, at: datetime | None = None
) -> int:
    """Open an audit case (source 'audit', status open) for each listing without a case.

    The case points at the listing's newest verdict; a listing that has a case by now
    is left alone. Returns the number of cases opened.
    """
    if not listing_ids:
        return 0
    at = at or utcnow()
    c2 = classifications.alias("c2")
    newest = (
        select(func.max(c2.c.id)).where(c2.c.listing_version_id == listings.c.current_version_id)
    ).scalar_subquery()
    rows = []
    for batch in chunks(sorted(set(listing_ids))):
        found = session.execute(
            select(
                listings.c.id,
                classifications.c.id,
                classifications.c.score,
                classifications.c.signals,
            )
            .select_from(listings.join(classifications, classifications.c.id == newest))
            .where(listings.c.id.in_(batch))
        )
        rows += [
            {"listing_id": lid, "classification_id": cid, "status": "open", "source": "audit",
             "priority": review_priority(score, signals), "opened_at": at, "updated_at": at}
            for lid, cid, score, signals in found
        ]  # fmt: skip
    if not rows:
        return 0
    stmt = (
        insert_for(session, reviews)
        .on_conflict_do_nothing(index_elements=[reviews.c.listing_id])
        .returning(reviews.c.id)
    )
    opened = session.scalars(stmt, rows).all()
    if opened:
        session.execute(
            review_events.insert(),
            [{"review_id": rid, "reviewer": SYSTEM_REVIEWER, "at": at, "from_status": None,
              "to_status": "open", "note": "audit sample"} for rid in opened],
        )  # fmt: skip
    return len(opened)


@dataclass(frozen=True, slots=True)
class ReviewLabel:
    """A reviewer's decision on a listing, with the text of the listing's current version."""

    listing_id: int
    confirmed: bool
    predicted_label: str | None
    signals: dict[str, bool]
    title: str | None
    description: str | None
    language: str | None


def review_labels(session: Session) -> list[ReviewLabel]:
    """Every decided case (flag or audit): confirmed (or later) vs dismissed."""
    stmt = (
        select(
            reviews.c.listing_id,
            reviews.c.status,
            classifications.c.label,
            classifications.c.signals,
            versions.c.title,
            versions.c.description,
            versions.c.language,
        )
        .select_from(
            reviews.join(listings, listings.c.id == reviews.c.listing_id)
            .join(versions, versions.c.id == listings.c.current_version_id)
            .outerjoin(classifications, classifications.c.id == reviews.c.classification_id)
        )
        .where(reviews.c.status.in_(CONFIRMED_STATES + DISMISSED_STATES))
        .order_by(reviews.c.listing_id)
    )
    return [
        ReviewLabel(lid, status in CONFIRMED_STATES, label, signals or {}, title, desc, lang)
        for lid, status, label, signals, title, desc, lang in session.execute(stmt)
    ]
