"""Evidence: the page a flagged listing version was read from, kept at flag time.

The body is stored gzip-compressed, at most ``MAX_BODY`` bytes of it (``truncated``
says when it was cut); ``sha256`` and ``size`` are of the whole raw body as fetched,
so a copy of the page kept elsewhere can be matched to the flag. Functions take a
session and never commit.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.db.models import utcnow
from maskscreen.db.sql import insert_for
from maskscreen.db.tables import evidence, versions

MAX_BODY = 2 * 1024 * 1024  # bytes of the raw body kept; the hash covers all of it


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """What is known about one kept page, without its body."""

    id: int
    listing_version_id: int
    fetched_at: datetime
    url: str
    http_status: int | None
    content_type: str | None
    sha256: str
    size: int
    truncated: bool


def pack(body: bytes, max_body: int = MAX_BODY) -> dict[str, Any]:
    """sha256 and size of `body`, and the gzip of at most `max_body` bytes of it."""
    kept = body[:max_body]
    return {
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
        "truncated": len(body) > max_body,
        # mtime=0: the same page always compresses to the same bytes.
        "body": gzip.compress(kept, compresslevel=6, mtime=0),
    }


def record_evidence(session: Session, pages: list[dict[str, Any]]) -> int:
    """Keep each page: dicts of listing_version_id, url, http_status, content_type,
    body (raw bytes) and fetched_at. A page already kept for that version (same
    sha256) is not stored again. Returns the number of rows written."""
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for page in pages:
        packed = pack(page["body"])
        row = {
            "listing_version_id": page["listing_version_id"],
            "fetched_at": page.get("fetched_at") or utcnow(),
            "url": page["url"],
            "http_status": page.get("http_status"),
            "content_type": (page.get("content_type") or None) and page["content_type"][:255],
            **packed,
        }
        rows.setdefault((row["listing_version_id"], row["sha256"]), row)
    if not rows:
        return 0
    stmt = (
        insert_for(session, evidence)
        .on_conflict_do_nothing(index_elements=[evidence.c.listing_version_id, evidence.c.sha256])
        .returning(evidence.c.id)
    )
    return len(session.scalars(stmt, list(rows.values())).all())


_COLUMNS = [evidence.c[name] for name in EvidenceRow.__slots__]


def evidence_for_listing(session: Session, listing_id: int) -> list[EvidenceRow]:
    """The pages kept for any version of a listing, oldest first."""
    stmt = (
        select(*_COLUMNS)
        .join(versions, versions.c.id == evidence.c.listing_version_id)
        .where(versions.c.listing_id == listing_id)
        .order_by(evidence.c.fetched_at, evidence.c.id)
    )
    return [EvidenceRow(**row._mapping) for row in session.execute(stmt)]


def evidence_body(session: Session, evidence_id: int) -> bytes | None:
    """The kept body (decompressed; cut at MAX_BODY when truncated), None if no such row."""
    data = session.scalar(select(evidence.c.body).where(evidence.c.id == evidence_id))
    return None if data is None else gzip.decompress(data)
