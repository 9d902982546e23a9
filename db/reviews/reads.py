"""What reviewers read: the queue, one case with everything about it, a case's history.

Functions take a session and never write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, literal, select, true
from sqlalchemy.orm import Session

from maskscreen.db.models import CONFIRMED_STATES, QUEUE_STATES
from maskscreen.db.queries import on_site
from maskscreen.db.sellers.linking import linked_sellers
from maskscreen.db.tables import (
    classifications,
    listings,
    review_events,
    reviews,
    seller_handles,
    sellers,
    sites,
    versions,
)


@dataclass(frozen=True, slots=True)
class ReviewCase:
    review_id: int
    listing_id: int
    site: str
    url: str
    title: str | None
    seller: str | None
    status: str
    source: str
    priority: float
    label: str | None
    score: float | None
    opened_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class ReviewEventRow:
    reviewer: str
    at: datetime
    from_status: str | None
    to_status: str
    note: str | None


@dataclass(frozen=True, slots=True)
class SellerListing:
    """Another listing of the same seller (or of a seller sharing a handle)."""

    listing_id: int
    site: str
    url: str
    title: str | None
    seller: str | None
    review_id: int | None
    review_status: str | None


@dataclass(frozen=True, slots=True)
class CaseFile:
    """Everything a reviewer needs to decide one case."""

    case: ReviewCase
    description: str | None
    price: Decimal | None
    currency: str | None
    seller_url: str | None
    signals: dict[str, Any]
    reasons: list[Any]
    model_version: str | None
    handles: list[tuple[str, str]] = field(default_factory=list)
    seller_listings: list[SellerListing] = field(default_factory=list)
    events: list[ReviewEventRow] = field(default_factory=list)


def _case_select() -> Select[Any]:
    return select(
        reviews.c.id.label("review_id"),
        reviews.c.listing_id,
        sites.c.name.label("site"),
        listings.c.url,
        versions.c.title,
        versions.c.seller,
        reviews.c.status,
        reviews.c.source,
        reviews.c.priority,
        classifications.c.label,
        classifications.c.score,
        reviews.c.opened_at,
        reviews.c.updated_at,
        reviews.c.version,
    ).select_from(
        reviews.join(listings, listings.c.id == reviews.c.listing_id)
        .join(sites, sites.c.id == listings.c.site_id)
        .outerjoin(versions, versions.c.id == listings.c.current_version_id)
        .outerjoin(classifications, classifications.c.id == reviews.c.classification_id)
    )


def review_queue(
    session: Session,
    *,
    status: str | None = None,
    site: str | None = None,
    label: str | None = None,
    language: str | None = None,
    signal: str | None = None,
    source: str | None = None,
    skip: Sequence[int] = (),
    limit: int = 50,
    offset: int = 0,
) -> list[ReviewCase]:
    """Cases in ``status`` (default: open and escalated), highest priority first,
    oldest first among equals; ``language`` of the current version, ``signal`` raised by
    the verdict that opened the case, ``source`` why the case was opened (flag, audit,
    needs_human: the reason reviewers see), ``skip`` these case ids. ``site`` matches
    the listing's own site and every other site that saw its URL."""
    stmt = _case_select().order_by(reviews.c.priority.desc(), reviews.c.opened_at, reviews.c.id)
    if status is None:
        # Literal states, so that SQLite (and a generic PostgreSQL plan) can use the
        # partial index ix_reviews_queue, whose predicate names them.
        queued = [literal(state, literal_execute=True) for state in QUEUE_STATES]
        stmt = stmt.where(reviews.c.status.in_(queued))
    else:
        stmt = stmt.where(reviews.c.status == status)
    if site is not None:
        stmt = stmt.where(on_site(site))
    if label is not None:
        stmt = stmt.where(classifications.c.label == label)
    if source is not None:
        stmt = stmt.where(reviews.c.source == source)
    if language is not None:
        stmt = stmt.where(versions.c.language == language)
    if signal is not None:
        stmt = stmt.where(classifications.c.signals[signal].as_boolean().is_(true()))
    if skip:
        stmt = stmt.where(reviews.c.id.not_in(list(skip)))
    stmt = stmt.limit(limit).offset(offset)
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


def next_case(
    session: Session, *, site: str | None = None, source: str | None = None
) -> CaseFile | None:
    """The highest-priority open or escalated case, with everything about it."""
    top = review_queue(session, site=site, source=source, limit=1)
    return load_case(session, top[0].review_id) if top else None


def load_case(session: Session, review_id: int, *, others: int = 10) -> CaseFile | None:
    """One case: listing, verdict, seller's handles and other listings, earlier decisions.

    The verdict is the newest one of the listing's current version (a changed listing
    is scored again), else the one that opened the case.
    """
    row = session.execute(_case_select().where(reviews.c.id == review_id)).first()
    if row is None:
        return None
    case = ReviewCase(**row._mapping)
    listing = session.execute(
        select(
            listings.c.seller_id,
            listings.c.current_version_id,
            reviews.c.classification_id,
            versions.c.description,
            versions.c.price,
            versions.c.currency,
            versions.c.seller_url,
        )
        .select_from(
            reviews.join(listings, listings.c.id == reviews.c.listing_id).outerjoin(
                versions, versions.c.id == listings.c.current_version_id
            )
        )
        .where(reviews.c.id == review_id)
    ).one()
    newest = session.scalar(
        select(func.max(classifications.c.id)).where(
            classifications.c.listing_version_id == listing.current_version_id
        )
    )
    verdict = session.execute(
        select(
            classifications.c.label,
            classifications.c.score,
            classifications.c.signals,
            classifications.c.reasons,
            classifications.c.model_version,
        ).where(classifications.c.id == (newest or listing.classification_id))
    ).first()
    if verdict is not None:
        case = _with_verdict(case, verdict.label, verdict.score)
    return CaseFile(
        case=case,
        description=listing.description,
        price=listing.price,
        currency=listing.currency,
        seller_url=listing.seller_url,
        signals=dict(verdict.signals or {}) if verdict else {},
        reasons=list(verdict.reasons or []) if verdict else [],
        model_version=verdict.model_version if verdict else None,
        handles=_handles(session, listing.seller_id),
        seller_listings=_seller_listings(session, case.listing_id, listing.seller_id, others),
        events=review_history(session, review_id),
    )


def _with_verdict(case: ReviewCase, label: str, score: float) -> ReviewCase:
    values = {name: getattr(case, name) for name in ReviewCase.__slots__}
    return ReviewCase(**{**values, "label": label, "score": score})


def _handles(session: Session, seller_id: int | None) -> list[tuple[str, str]]:
    if seller_id is None:
        return []
    stmt = (
        select(seller_handles.c.kind, seller_handles.c.value)
        .where(seller_handles.c.seller_id == seller_id)
        .order_by(seller_handles.c.kind, seller_handles.c.value)
    )
    return [(kind, value) for kind, value in session.execute(stmt)]


def _seller_listings(
    session: Session, listing_id: int, seller_id: int | None, limit: int
) -> list[SellerListing]:
    """Other listings of the seller and linked sellers: decided cases first, newest first."""
    if seller_id is None:
        return []
    group = sorted(linked_sellers(session, [seller_id])[seller_id])
    confirmed_first = case((reviews.c.status.in_(CONFIRMED_STATES), 0), else_=1)
    stmt = (
        select(
            listings.c.id.label("listing_id"),
            sites.c.name.label("site"),
            listings.c.url,
            versions.c.title,
            sellers.c.name.label("seller"),
            reviews.c.id.label("review_id"),
            reviews.c.status.label("review_status"),
        )
        .select_from(
            listings.join(sites, sites.c.id == listings.c.site_id)
            .join(sellers, sellers.c.id == listings.c.seller_id)
            .outerjoin(versions, versions.c.id == listings.c.current_version_id)
            .outerjoin(reviews, reviews.c.listing_id == listings.c.id)
        )
        .where(listings.c.seller_id.in_(group), listings.c.id != listing_id)
        .order_by(confirmed_first, reviews.c.updated_at.desc().nulls_last(), listings.c.id.desc())
        .limit(limit)
    )
    return [SellerListing(**row._mapping) for row in session.execute(stmt)]
