"""The export: every flagged listing with its latest verdict and review case, streamed.

Rows come from the database a page at a time, keyed on the classification id, on both
databases, so memory stays flat however many rows there are. Each page is a range of
ix_classifications_flagged_id and index lookups, in id order (no sort). On PostgreSQL
each page is streamed (libpq's chunked rows): the server produces the page's rows while
Python turns the first ones into records, instead of one waiting for the other. (A
single query through a server-side cursor, as before migration 0008, gets no parallel
workers, and its plan for the whole result hashed all of listings and classifications
and sorted on disk; bench/queries.py measures both in one run.)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, bindparam, text
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
    if session.get_bind().dialect.name == "postgresql":
        yield from _streamed_pages(session, stmt, pick, at_key, chunk)
        return
    last = 0
    while True:
        page = session.execute(stmt.where(key > last).order_by(key).limit(chunk)).all()
        for row in page:
            yield dict(zip(EXPORT_COLUMNS, pick(row), strict=True))
        if len(page) < chunk:
            return
        last = page[-1][at_key]


_TIMES = [EXPORT_COLUMNS.index("flagged_at"), EXPORT_COLUMNS.index("decided_at")]
_ROWS_PER_CHUNK = 500  # rows per libpq chunk while streaming a page


def _streamed_pages(
    session: Session, stmt: Select[Any], pick: Any, at_key: int, chunk: int
) -> Iterator[dict[str, Any]]:
    """PostgreSQL: each page streamed through psycopg on the session's own connection
    (its transaction), with bound parameters. The values are psycopg's (numeric as
    Decimal, JSON through the engine's reader); timestamps are put in UTC here, as the
    store's UTCDateTime does."""
    key = classifications.c.id
    connection = session.connection()
    page = stmt.where(key > bindparam("after_key")).order_by(key).limit(chunk)
    compiled = page.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    sql = str(compiled)
    driver = connection.connection.driver_connection
    assert driver is not None  # a live connection of the session
    last = 0
    while True:
        params = {
            name: value.replace(tzinfo=UTC)
            if isinstance(value, datetime) and value.tzinfo is None
            else value
            for name, value in compiled.construct_params({"after_key": last}).items()
        }
        seen = 0
        with driver.cursor() as cursor:
            for row in cursor.stream(sql, params, size=_ROWS_PER_CHUNK):
                values = list(pick(row))
                for index in _TIMES:
                    if values[index] is not None:
                        values[index] = values[index].astimezone(UTC)
                seen += 1
                last = row[at_key]
                yield dict(zip(EXPORT_COLUMNS, values, strict=True))
        if seen < chunk:
            return


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
