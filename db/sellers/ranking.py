"""Sellers ranked for `maskscreen sellers`: confirmed cases first, then flagged listings.

"Flagged" counts a seller's listings that have a review case opened by a flag;
"confirmed" counts cases now confirmed, actioned or removed (as the seller_summary
view does). Functions take a session and never write.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from maskscreen.db.models import CONFIRMED_STATES
from maskscreen.db.sellers.linking import linked_sellers
from maskscreen.db.sql import chunks
from maskscreen.db.tables import listings, reviews, sellers, sites
from maskscreen.db.tables import seller_handles as handles


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
    page = _top_by_confirmed(session, site, limit)
    if page is None:
        page = _top_all(session, site, limit)
    ids = [row.id for row in page]
    if not ids:
        return []
    counts: dict[int, int] = dict(
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


class _PageRow(NamedTuple):
    id: int
    site: str
    name: str | None
    url: str | None
    confirmed: int
    flagged: int


def _top_by_confirmed(session: Session, site: str | None, limit: int) -> list[_PageRow] | None:
    """The first page ranked in two steps, or None when fewer than ``limit`` sellers have a
    confirmed case (then flagged counts alone decide the rest of the page).

    1. Confirmed cases per seller: the few decided cases, counted from reviews.seller_id
       (the listing's seller, kept by triggers) on ix_reviews_status_seller_id.
    2. Flagged cases only for the sellers that can still make the page: confirmed at
       least as often as the ``limit``-th seller. Anyone below ranks under ``limit``
       sellers already, whatever its flagged count. ix_reviews_source_seller_id.
    """
    if limit < 1:
        return None
    stmt = (
        select(reviews.c.seller_id, func.count())
        .where(reviews.c.status.in_(CONFIRMED_STATES), reviews.c.seller_id.is_not(None))
        .group_by(reviews.c.seller_id)
    )
    if site is not None:
        stmt = stmt.where(
            reviews.c.seller_id.in_(
                select(sellers.c.id)
                .join(sites, sites.c.id == sellers.c.site_id)
                .where(sites.c.name == site)
            )
        )
    confirmed = {sid: int(n) for sid, n in session.execute(stmt).all()}
    if len(confirmed) < limit:
        return None
    floor = sorted(confirmed.values(), reverse=True)[limit - 1]
    candidates = sorted(sid for sid, n in confirmed.items() if n >= floor)
    flagged: dict[int, int] = {}
    for batch in chunks(candidates):
        found = session.execute(
            select(reviews.c.seller_id, func.count())
            .where(reviews.c.source == "flag", reviews.c.seller_id.in_(batch))
            .group_by(reviews.c.seller_id)
        )
        flagged.update((sid, int(n)) for sid, n in found.all())
    top = sorted(candidates, key=lambda sid: (-confirmed[sid], -flagged.get(sid, 0), sid))[:limit]
    named = {
        row.id: row
        for row in session.execute(
            select(sellers.c.id, sites.c.name.label("site"), sellers.c.name, sellers.c.url)
            .join(sites, sites.c.id == sellers.c.site_id)
            .where(sellers.c.id.in_(top))
        )
    }
    return [
        _PageRow(
            sid,
            named[sid].site,
            named[sid].name,
            named[sid].url,
            confirmed[sid],
            flagged.get(sid, 0),
        )
        for sid in top
    ]


def _top_all(session: Session, site: str | None, limit: int) -> list[Any]:
    """The first page in one query: every seller's flagged and confirmed counts."""
    flagged = func.sum(case((reviews.c.source == "flag", 1), else_=0))
    confirmed = func.sum(case((reviews.c.status.in_(CONFIRMED_STATES), 1), else_=0))
    per_seller = (
        select(
            reviews.c.seller_id,
            flagged.label("flagged"),
            confirmed.label("confirmed"),
        )
        .where(reviews.c.seller_id.is_not(None))
        .group_by(reviews.c.seller_id)
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
    return list(session.execute(stmt).all())
