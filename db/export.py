"""The export: every flagged listing with its latest verdict and review case, streamed.

Rows come from the database a page at a time, keyed on the classification id, on both
databases, so memory stays flat however many rows there are. Each page is a range of
ix_classifications_flagged_id and index lookups. (A single query through a server-side
cursor was slower on PostgreSQL: a cursor gets no parallel workers, and the plan for the
whole result hashed all of listings and classifications and sorted on disk: 11,000 rows/s
against 20,000+ for pages on 1,000,000 listings; bench/queries.py measures both.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, text
from sqlalchemy.orm import Session

from maskscreen.db.queries import flagged_select, on_site
from maskscreen.db.tables import classifications, reviews

NO_CASE = "none"  # --status none: flagged listings without a review case
EXPORT_CHUNK = 5000

EXPORT_COLUMNS = (
    "listing_id", "site", "url", "title", "price", "currency", "seller", "label", "score",
    "signals", "reasons", "model_version", "flagged_at", "review_id", "review_status",
    "review_source", "decided_by", "decided_at",
)  # fmt: skip


def export_select(
    *,
    status: str | None = None,
    site: str | None = None,
    label: str | None = None,
    since: datetime | None = None,
) -> Select[Any]:
    """Flagged listings with their latest verdict and review case, filtered.

    ``db.queries.flagged_select`` (the rows of the ``flagged_listings`` view) plus the
    columns an export adds: the classification and the review case's details.
    """
    stmt = flagged_select().add_columns(
        classifications.c.id.label("classification_id"),
        reviews.c.id.label("review_id"),
        reviews.c.source.label("review_source"),
        reviews.c.decided_by,
        reviews.c.decided_at,
    )
    if status == NO_CASE:
        stmt = stmt.where(reviews.c.id.is_(None))
    elif status is not None:
        stmt = stmt.where(reviews.c.status == status)
    if site is not None:
        stmt = stmt.where(on_site(site))
    if label is not None:
        stmt = stmt.where(classifications.c.label == label)
    if since is not None:
        stmt = stmt.where(classifications.c.created_at >= since)
    return stmt


def export_rows(
    session: Session, *, chunk: int = EXPORT_CHUNK, **filters: Any
) -> Iterator[dict[str, Any]]:
    """Stream the export as dicts in EXPORT_COLUMNS order, oldest flag first: pages of
    ``chunk`` rows keyed on the classification id, each a short read."""
    stmt = export_select(**filters)
    key = classifications.c.id
    names = [c.name for c in stmt.selected_columns]
    pick = itemgetter(*(names.index(name) for name in EXPORT_COLUMNS))
    at_key = names.index("classification_id")
    last = 0
    while True:
        page = session.execute(stmt.where(key > last).order_by(key).limit(chunk)).all()
        for row in page:
            yield dict(zip(EXPORT_COLUMNS, pick(row), strict=True))
        if len(page) < chunk:
            return
        last = page[-1][at_key]


def export_rows_cursor(
    session: Session, *, chunk: int = EXPORT_CHUNK, **filters: Any
) -> Iterator[dict[str, Any]]:
    """The export as it was read before migration 0008 on PostgreSQL (one query through a
    server-side cursor): kept for bench/queries.py to measure against ``export_rows``."""
    session.execute(text("SET LOCAL cursor_tuple_fraction = 1.0"))
    stmt = export_select(**filters).order_by(classifications.c.id)
    for row in session.execute(stmt, execution_options={"yield_per": chunk}):
        yield _export_record(row._mapping)


def _export_record(mapping: Any) -> dict[str, Any]:
    return {name: mapping[name] for name in EXPORT_COLUMNS}
