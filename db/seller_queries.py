"""Sellers ranked for `maskscreen sellers`: confirmed cases first, then flagged listings.

"Flagged" counts a seller's listings that have a review case opened by a flag;
"confirmed" counts cases now confirmed, actioned or removed (as the seller_summary
view does). Functions take a session and never write.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from db.models import Base
from db.reviews import CONFIRMED_STATES
from db.sellers import handles, linked_sellers
from db.sql import chunks

sites = Base.metadata.tables["sites"]
listings = Base.metadata.tables["listings"]
reviews = Base.metadata.tables["reviews"]
sellers = Base.metadata.tables["sellers"]


@dataclass(frozen=True, slots=True)
class SellerRank:
    seller_id: int
    site: str
    name: str | None
    url: str | None
    confirmed: int
    flagged: int
    listings: int
    # Sites of this seller and of the sellers sharing a handle with it.
    sites: list[str] = field(default_factory=list)
    handles: list[str] = field(default_factory=list)  # "kind:value"
    linked: int = 0  # sellers sharing a handle with this one


def rank_sellers(session: Session, *, site: str | None = None, limit: int = 50) -> list[SellerRank]:
    """Sellers with flagged or confirmed listings, most confirmed first, then most flagged."""
    flagged = func.sum(case((reviews.c.source == "flag", 1), else_=0))
    confirmed = func.sum(case((reviews.c.status.in_(CONFIRMED_STATES), 1), else_=0))
    per_seller = (
        select(
            listings.c.seller_id,
            flagged.label("flagged"),
            confirmed.label("confirmed"),
        )
        .select_from(reviews.join(listings, listings.c.id == reviews.c.listing_id))
        .where(listings.c.seller_id.is_not(None))
        .group_by(listings.c.seller_id)
        .subquery()
    )
    stmt = (
        select(
            sellers.c.id,
            sites.c.name.label("site"),
            sellers.c.name,
            sellers.c.url,
            per_seller.c.confirmed,
            per_seller.c.flagged,
        )
        .select_from(
            per_seller.join(sellers, sellers.c.id == per_seller.c.seller_id).join(
                sites, sites.c.id == sellers.c.site_id
            )
        )
        .where(or_(per_seller.c.flagged > 0, per_seller.c.confirmed > 0))
        .order_by(per_seller.c.confirmed.desc(), per_seller.c.flagged.desc(), sellers.c.id)
        .limit(limit)
    )
    if site is not None:
        stmt = stmt.where(sites.c.name == site)
    page = session.execute(stmt).all()
    ids = [row.id for row in page]
    if not ids:
        return []
    counts = dict(
        session.execute(
            select(listings.c.seller_id, func.count())
            .where(listings.c.seller_id.in_(ids))
            .group_by(listings.c.seller_id)
        ).all()
    )
    found: dict[int, list[str]] = {sid: [] for sid in ids}
    for sid, kind, value in session.execute(
        select(handles.c.seller_id, handles.c.kind, handles.c.value)
        .where(handles.c.seller_id.in_(ids))
        .order_by(handles.c.kind, handles.c.value)
    ):
        found[sid].append(f"{kind}:{value}")
    groups = linked_sellers(session, ids)
    site_of = _sites_of(session, set().union(*groups.values()))
    return [
        SellerRank(
            seller_id=row.id,
            site=row.site,
            name=row.name,
            url=row.url,
            confirmed=int(row.confirmed),
            flagged=int(row.flagged),
            listings=int(counts.get(row.id, 0)),
            sites=sorted({site_of[sid] for sid in groups[row.id]}),
            handles=found[row.id],
            linked=len(groups[row.id]) - 1,
        )
        for row in page
    ]


def _sites_of(session: Session, seller_ids: set[int]) -> dict[int, str]:
    site_of: dict[int, str] = {}
    for batch in chunks(sorted(seller_ids)):
        found = session.execute(
            select(sellers.c.id, sites.c.name)
            .join(sites, sites.c.id == sellers.c.site_id)
            .where(sellers.c.id.in_(batch))
        )
        site_of.update(dict(found.all()))
    return site_of
