"""Read queries over the store: flagged listings and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import Session

from maskscreen.db.tables import (
    classifications,
    listing_sites,
    listings,
    reviews,
    sites,
    versions,
)


@dataclass(frozen=True, slots=True)
class FlaggedListing:
    listing_id: int
    site: str
    url: str
    title: str | None
    price: Decimal | None
    currency: str | None
    seller: str | None
    label: str
    score: float
    signals: dict[str, bool]
    reasons: list[Any]
    model_version: str
    flagged_at: datetime
    review_status: str | None


def flagged_select() -> Select[Any]:
    """Listings whose current version's latest classification is flagged.

    "Latest" is the classification recorded last for that version, whatever the
    model version. The ``flagged_listings`` view (migration 0001) says the same in SQL.
    """
    c = classifications
    newer = classifications.alias("newer")
    # "Newest verdict" as "no newer one", and listings reached by current_version_id
    # (ix_listings_current_version_id): PostgreSQL then starts from the flagged
    # classifications, newest first (ix_classifications_flagged_created_at), and stops
    # at the page instead of reading every listing.
    superseded = (
        select(newer.c.id)
        .where(newer.c.listing_version_id == c.c.listing_version_id, newer.c.id > c.c.id)
        .exists()
    )
    return (
        select(
            listings.c.id.label("listing_id"),
            sites.c.name.label("site"),
            listings.c.url,
            versions.c.title,
            versions.c.price,
            versions.c.currency,
            versions.c.seller,
            c.c.label,
            c.c.score,
            c.c.signals,
            c.c.reasons,
            c.c.model_version,
            c.c.created_at.label("flagged_at"),
            reviews.c.status.label("review_status"),
        )
        .select_from(
            c.join(versions, versions.c.id == c.c.listing_version_id)
            .join(listings, listings.c.current_version_id == versions.c.id)
            .join(sites, sites.c.id == listings.c.site_id)
            .outerjoin(reviews, reviews.c.listing_id == listings.c.id)
        )
        .where(c.c.flagged == true(), ~superseded)
    )


def query_flagged(
    session: Session,
    *,
    site: str | None = None,
    since: datetime | None = None,
    min_score: float | None = None,
    label: str | None = None,
    contains: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[FlaggedListing]:
    """Flagged listings, newest flag first, filtered by site name, flag time, score, label,
    and text the title ``contains`` (case-insensitive)."""
    stmt = flagged_select()
    if site is not None:
        stmt = stmt.where(on_site(site))
    if since is not None:
        stmt = stmt.where(classifications.c.created_at >= since)
    if min_score is not None:
        stmt = stmt.where(classifications.c.score >= min_score)
    if label is not None:
        stmt = stmt.where(classifications.c.label == label)
    if contains:
        escaped = contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(versions.c.title.ilike(f"%{escaped}%", escape="\\"))
    stmt = stmt.order_by(classifications.c.created_at.desc(), classifications.c.id.desc())
    stmt = stmt.limit(limit).offset(offset)
    return [FlaggedListing(**row._mapping) for row in session.execute(stmt)]


def on_site(site: str) -> ColumnElement[bool]:
    """A listing seen under the site ``site`` (by name): its own site, or another site
    that saw its URL too (listing_sites). For queries that join listings and sites."""
    seen = (
        select(listing_sites.c.listing_id)
        .join(sites, sites.c.id == listing_sites.c.site_id)
        .where(sites.c.name == site)
    )
    return or_(sites.c.name == site, listings.c.id.in_(seen))


def count_listings(session: Session, site: str | None = None) -> int:
    """Number of listings, on one site (by name) or all."""
    stmt = select(func.count()).select_from(listings)
    if site is not None:
        stmt = stmt.join(sites, sites.c.id == listings.c.site_id).where(sites.c.name == site)
    return int(session.execute(stmt).scalar_one())


def count_versions(session: Session, listing_id: int | None = None) -> int:
    """Number of listing versions, of one listing or all."""
    stmt = select(func.count()).select_from(versions)
    if listing_id is not None:
        stmt = stmt.where(versions.c.listing_id == listing_id)
    return int(session.execute(stmt).scalar_one())
