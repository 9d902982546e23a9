"""The store API used by the crawler pipelines and the CLI.

Every function takes a ``Session`` and never commits: the caller owns the
transaction. Writes are ``INSERT ... ON CONFLICT`` in batches (SQLite and PostgreSQL
share that syntax), a few statements per batch, never one per row: multi-row VALUES
with bound parameters on the driver's cursor (``db.sql.insert_rows``), the same
code on both dialects, values converted once by the columns' own types.
Sites and crawl runs (``db.runs``) and reads (``db.queries``) are re-exported here,
so callers need only this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from itertools import chain
from typing import Any, Literal, NamedTuple

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from maskscreen.db import jsontext
from maskscreen.db.models import utcnow
from maskscreen.db.queries import FlaggedListing, count_listings, count_versions, query_flagged
from maskscreen.db.reviews.cases import open_reviews, reopen_changed
from maskscreen.db.runs import finish_crawl_run, get_or_create_site, start_crawl_run
from maskscreen.db.sellers.linking import record_handles, resolve_sellers, seller_keys
from maskscreen.db.sql import chunks, gc_paused, in_values, insert_rows, param_mark
from maskscreen.db.tables import classifications, listing_sites, listings, versions

__all__ = [
    "HASHED_FIELDS",
    "NEEDS_HUMAN_RATE",
    "WHERE_READ",
    "FlaggedListing",
    "UpsertResult",
    "content_hash",
    "count_listings",
    "count_versions",
    "finish_crawl_run",
    "get_or_create_site",
    "needs_human_sampled",
    "query_flagged",
    "record_classifications",
    "set_needs_human_rate",
    "start_crawl_run",
    "unclassified_versions",
    "upsert_listings",
]


ListingStatus = Literal["new", "changed", "unchanged"]

# A URL is one listing whatever site name saw it (migration 0008): the conflict is on the
# URL alone, and the listing keeps the site that saw it first (the others: listing_sites).
# Where the page was read is the latest sighting's (a URL once known is kept).
_TOUCH_CONFLICT = (
    "ON CONFLICT (url) DO UPDATE SET last_seen_at = excluded.last_seen_at,"
    " external_id = coalesce(excluded.external_id, listings.external_id),"
    " content_hash = excluded.content_hash, status = excluded.status,"
    " fetched_url = coalesce(excluded.fetched_url, listings.fetched_url),"
    " canonical_url = coalesce(excluded.canonical_url, listings.canonical_url),"
    " extraction_confidence = excluded.extraction_confidence"
)
_SIGHTING_CONFLICT = (
    "ON CONFLICT (listing_id, site_id) DO UPDATE SET last_seen_at = excluded.last_seen_at"
)
# The listing keys that say where a page was read, not what it shows: stored on the
# listing (the latest values), never hashed, so they never make a new version.
WHERE_READ = ("fetched_url", "canonical_url", "extraction_confidence")
_VERSION_COLUMNS = (
    "listing_id", "content_hash", "title", "description", "price", "currency", "seller",
    "seller_url", "brand", "images", "language", "category", "availability", "source_format",
    "fetched_at",
)  # fmt: skip
_CLASSIFICATION_COLUMNS = (
    "listing_version_id", "model_version", "label", "score", "scores", "flagged", "signals",
    "reasons", "threshold", "lexicon_version", "language", "language_supported", "concepts",
)  # fmt: skip
# The reviewer-visible fields, and only they, make a listing's content hash (sorted).
HASHED_FIELDS = ("brand", "category", "currency", "description", "images", "price", "seller",
                 "title")  # fmt: skip


class UpsertResult(NamedTuple):
    """What one sighting did: its listing, the version it saw, and new/changed/unchanged."""

    listing_id: int
    version_id: int
    status: ListingStatus


_CENT = Decimal("0.01")


def _price_text(price: Any) -> str | None:
    if price is None:
        return None
    if not isinstance(price, Decimal):
        price = Decimal(str(price))
    return str(price.quantize(_CENT))


def content_hash(record: dict[str, Any]) -> str:
    """sha256 of the JSON of the reviewer-visible fields (``HASHED_FIELDS``), price as text.

    The JSON is ``json.dumps(fields, sort_keys=True, ensure_ascii=False,
    separators=(",", ":"))`` byte for byte (``jsontext.exact_bytes``); the keys below
    are written in sorted order. Every other key of a record (the URL, the language,
    where the page was read: ``WHERE_READ``, when it was fetched) is left out, so it
    never makes a new version.
    """
    get = record.get
    visible = {name: get(name) for name in HASHED_FIELDS}
    visible["images"] = visible["images"] or []
    visible["price"] = _price_text(visible["price"])
    return hashlib.sha256(jsontext.exact_bytes(visible)).hexdigest()


@gc_paused
def upsert_listings(
    session: Session,
    site_id: int,
    records: list[dict[str, Any]],
    *,
    seen_at: datetime | None = None,
) -> list[UpsertResult]:
    """Record one sighting of each listing; one result per record, in input order.

    The same URL is the same listing, under whatever site it is seen (the listing keeps
    the site that saw it first; a sighting under another site is recorded in
    listing_sites). ``fetched_url``, ``canonical_url`` and ``extraction_confidence``
    (optional keys) are written on the listing, the latest sighting's; they are not
    content. A version row is written only when
    the content hash is new for that listing; last_seen_at moves on every sighting;
    current_version_id points at the content seen last. A URL repeated inside the
    batch is taken as sightings in input order. Each listing is linked to its seller,
    the contact handles in new and changed content are recorded (db.sellers), and a
    changed listing's decided review case reopens (db.reviews).
    """
    if not records:
        return []
    seen_at = seen_at or utcnow()
    hashes = [content_hash(record) for record in records]
    final = {r["url"]: (r, digest) for r, digest in zip(records, hashes, strict=True)}

    # 1. One row per URL: insert new listings, touch existing ones, note the content
    #    hash each one ends the batch with.
    listing_id: dict[str, int] = {}
    old_version: dict[int, int] = {}
    seller_of: dict[int, int | None] = {}
    elsewhere: list[tuple[int]] = []  # listings of another site seen under this one
    for lid, url, version, seller_id, owner in _touch_listings(session, site_id, final, seen_at):
        listing_id[url] = lid
        seller_of[lid] = seller_id
        if version is not None:
            old_version[lid] = version
        if owner != site_id:
            elsewhere.append((lid,))
    if elsewhere:
        insert_rows(
            session, listing_sites, ("listing_id",), sorted(elsewhere),
            same={"site_id": site_id, "first_seen_at": seen_at, "last_seen_at": seen_at},
            on_conflict=_SIGHTING_CONFLICT,
        )  # fmt: skip

    # 2. The hash each existing listing had before.
    old_hash: dict[int, str] = {}
    for batch in chunks(list(old_version.values())):
        found = session.execute(
            select(versions.c.listing_id, versions.c.content_hash).where(
                versions.c.id.in_(in_values(batch))
            )
        )
        old_hash.update({lid: digest for lid, digest in found})

    # 3. Walk the sightings in order: the status of each, and the versions they need.
    ids = [listing_id[record["url"]] for record in records]
    statuses: list[ListingStatus] = []
    latest: dict[int, str] = {}
    needed: dict[tuple[int, str], dict[str, Any]] = {}
    for record, lid, digest in zip(records, ids, hashes, strict=True):
        before = latest.get(lid, old_hash.get(lid))
        statuses.append("new" if before is None else "unchanged" if before == digest else "changed")
        if before != digest:
            needed.setdefault((lid, digest), record)
        latest[lid] = digest

    version_id = {(lid, digest): old_version[lid] for lid, digest in old_hash.items()}
    version_id.update(_insert_versions(session, needed, seen_at))

    # 4. New and changed content, and listings not linked yet: their sellers
    #    (db.sellers.resolve_sellers), then one UPDATE per chunk points each listing at
    #    its current version and its seller together (no second UPDATE per new row).
    #    Unchanged, linked listings (a re-crawl) do no seller work.
    moved = [lid for lid, digest in latest.items() if old_hash.get(lid) != digest]
    moved_ids = set(moved)
    relink = [(listing_id[url], record) for url, (record, _) in final.items()
              if listing_id[url] in moved_ids or seller_of[listing_id[url]] is None]  # fmt: skip
    keys = seller_keys(record for _, record in relink)
    named: dict[str, dict[str, Any]] = {}  # key -> the first record naming it
    for (_, record), key in zip(relink, keys, strict=True):
        if key is not None:
            named.setdefault(key, record)
    seller_ids = resolve_sellers(session, site_id, named, seen_at=seen_at)
    new_seller = {lid: seller_ids[key]
                  for (lid, _), key in zip(relink, keys, strict=True) if key is not None}  # fmt: skip
    pointed: list[tuple[int, int | None, int | None]] = [
        (lid, version_id[(lid, latest[lid])], new_seller.get(lid)) for lid in moved
    ]
    pointed += [(lid, None, sid) for lid, sid in new_seller.items()
                if lid not in moved_ids and seller_of[lid] != sid]  # fmt: skip
    _point_listings(session, pointed)
    seller_of.update(new_seller)

    # 5. The contact handles in new and changed content (db.sellers); reopen changed
    #    listings' cases (db.reviews).
    if moved_ids:
        new_text = [(seller_of[lid], record) for lid, record in relink if lid in moved_ids]
        record_handles(session, new_text, seen_at=seen_at)
    changed = {lid for lid, status in zip(ids, statuses, strict=True) if status == "changed"}
    if changed:
        reopen_changed(session, changed)
    return [
        UpsertResult(lid, version_id[(lid, digest)], status)
        for lid, digest, status in zip(ids, hashes, statuses, strict=True)
    ]


def _touch_listings(
    session: Session,
    site_id: int,
    final: dict[str, tuple[dict[str, Any], str]],
    seen_at: datetime,
) -> list[Any]:
    """Upsert one row per URL; return (id, url, current_version_id, seller_id, site_id) as
    before (site_id: the site that owns the listing, maybe another one)."""
    rows = []
    for url, (record, digest) in final.items():
        get = record.get
        confidence = get("extraction_confidence")
        rows.append((url, get("external_id"), digest, get("fetched_url"), get("canonical_url"),
                     None if confidence is None else float(confidence)))  # fmt: skip
    return insert_rows(
        session, listings,
        ("url", "external_id", "content_hash", "fetched_url", "canonical_url",
         "extraction_confidence"),
        rows,
        same={"site_id": site_id, "first_seen_at": seen_at, "last_seen_at": seen_at,
              "status": "live"},
        on_conflict=_TOUCH_CONFLICT,
        returning=("id", "url", "current_version_id", "seller_id", "site_id"),
    )  # fmt: skip


def _point_listings(session: Session, rows: list[tuple[int, int | None, int | None]]) -> None:
    """Set (listing_id, current_version_id, seller_id) in one UPDATE ... FROM (VALUES ...)
    per chunk; a None leaves that column as it is.

    SQLite (3.33+) and PostgreSQL share the syntax and name the VALUES columns
    column1, column2, ...; the casts type them on PostgreSQL (a column of NULLs).
    """
    if not rows:
        return
    connection = session.connection()
    mark = param_mark(connection.dialect)
    row_marks = f"({mark}, {mark}, {mark})"
    for batch in chunks(rows):
        sql = (
            "UPDATE listings SET"
            " current_version_id = coalesce(CAST(v.column2 AS BIGINT), listings.current_version_id),"
            " seller_id = coalesce(CAST(v.column3 AS BIGINT), listings.seller_id)"
            f" FROM (VALUES {', '.join([row_marks] * len(batch))}) AS v"
            " WHERE listings.id = CAST(v.column1 AS BIGINT)"
        )
        connection.exec_driver_sql(sql, tuple(chain.from_iterable(batch)))


def _insert_versions(
    session: Session, needed: dict[tuple[int, str], dict[str, Any]], seen_at: datetime
) -> dict[tuple[int, str], int]:
    """Insert the versions not stored yet; return the ids of all the needed ones."""
    if not needed:
        return {}
    rows = []
    for (lid, digest), record in needed.items():
        get = record.get
        rows.append(
            (lid, digest, get("title"), get("description"), get("price"), get("currency"),
             get("seller"), get("seller_url"), get("brand"), get("images") or [],
             get("language"), get("category"), get("availability"), get("source_format"),
             get("fetched_at"))
        )  # fmt: skip
    inserted = insert_rows(
        session, versions, _VERSION_COLUMNS, rows,
        same={"seen_at": seen_at},
        on_conflict="ON CONFLICT (listing_id, content_hash) DO NOTHING",
        returning=("id", "listing_id", "content_hash"),
    )  # fmt: skip
    ids = {(lid, digest): vid for vid, lid, digest in inserted}
    # Content a listing had before (a seller undoing an edit): reuse that version.
    missing = sorted({lid for lid, digest in needed if (lid, digest) not in ids})
    for batch in chunks(missing):
        found = session.execute(
            select(versions.c.id, versions.c.listing_id, versions.c.content_hash).where(
                versions.c.listing_id.in_(in_values(batch))
            )
        )
        for vid, lid, digest in found:
            if (lid, digest) in needed:
                ids[(lid, digest)] = vid
    return ids


def unclassified_versions(
    session: Session, version_ids: Iterable[int], model_version: str
) -> set[int]:
    """The version ids among ``version_ids`` that ``model_version`` has not classified yet."""
    wanted = sorted(set(version_ids))
    done: set[int] = set()
    for batch in chunks(wanted):
        done.update(
            session.scalars(
                select(classifications.c.listing_version_id).where(
                    classifications.c.model_version == model_version,
                    classifications.c.listing_version_id.in_(in_values(batch)),
                )
            )
        )
    return set(wanted) - done


NEEDS_HUMAN_RATE = 1.0  # the default: every unflagged listing in an unsupported language
_RATE_OPTION = "maskscreen_needs_human_rate"


def set_needs_human_rate(engine: Engine, rate: float) -> None:
    """Send this share (0–1) of unflagged listings in languages the model does not cover
    to the review queue, for every session on ``engine`` (an engine execution option,
    so callers that only pass sessions need not know it). Outside [0, 1]: ValueError."""
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"needs_human_rate must be between 0 and 1, not {rate}")
    engine.update_execution_options(**{_RATE_OPTION: rate})


def needs_human_sampled(listing_id: int, rate: float) -> bool:
    """Whether a listing falls in the ``rate`` share sent to a person: decided by a hash
    of its id, so reruns (and every process) decide the same listing the same way."""
    if rate >= 1.0:
        return True
    if rate <= 0.0:
        return False
    digest = hashlib.sha256(f"needs_human:{listing_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") < rate * 2**64


@gc_paused
def record_classifications(
    session: Session,
    rows: list[tuple[int, dict[str, Any]]],
    *,
    needs_human_rate: float | None = None,
) -> int:
    """Store verdicts, once per (version, model version); open review cases for new flags.

    A flagged verdict opens a review case (source ``flag``) for its listing unless the
    listing already has one. An unflagged verdict whose ``language_supported`` is false
    opens a ``needs_human`` case instead, for the ``needs_human_rate`` share of such
    listings (``needs_human_sampled``; default: the engine's ``set_needs_human_rate``,
    else ``NEEDS_HUMAN_RATE``, all of them). The verdict's ``language``,
    ``language_supported`` and ``concepts`` are stored when it has them. Returns the
    number of review cases opened.
    """
    now = utcnow()
    chosen: dict[tuple[int, str], dict[str, Any]] = {}
    for vid, verdict in rows:
        chosen.setdefault((vid, verdict["model_version"]), verdict)
    if not chosen:
        return 0
    values = []
    for (vid, model_version), verdict in chosen.items():
        get = verdict.get
        supported = get("language_supported")
        values.append(
            (vid, model_version, verdict["label"], float(verdict["score"]), get("scores") or {},
             bool(verdict["flagged"]), get("signals") or {}, get("reasons") or [],
             get("threshold"), get("lexicon_version"), get("language"),
             None if supported is None else bool(supported), get("concepts"))
        )  # fmt: skip
    # Only rows stored now come back, so recording a verdict again opens nothing new.
    inserted = insert_rows(
        session, classifications, _CLASSIFICATION_COLUMNS, values,
        same={"created_at": now},
        on_conflict="ON CONFLICT (listing_version_id, model_version) DO NOTHING",
        returning=("id", "listing_version_id", "model_version"),
    )  # fmt: skip
    flagged: dict[int, tuple[int, dict[str, Any]]] = {}
    unsupported: dict[int, tuple[int, dict[str, Any]]] = {}
    for cid, vid, mv in inserted:
        verdict = chosen[(vid, mv)]
        if verdict["flagged"]:
            flagged[vid] = (cid, verdict)
        elif verdict.get("language_supported") is False:
            unsupported[vid] = (cid, verdict)
    opened = _open_cases(session, flagged, "flag", now)
    if unsupported:
        rate = needs_human_rate
        if rate is None:
            options = session.connection().get_execution_options()
            rate = float(options.get(_RATE_OPTION, NEEDS_HUMAN_RATE))
        opened += _open_cases(session, unsupported, "needs_human", now, rate=rate)
    return opened


def _open_cases(
    session: Session,
    verdicts: dict[int, tuple[int, dict[str, Any]]],
    source: str,
    now: datetime,
    *,
    rate: float = 1.0,
) -> int:
    """Open ``source`` cases for the listings of these versions ({version: (classification
    id, verdict)}); with ``rate`` < 1, for that share of the listings only."""
    candidates = []
    sellers_of: dict[int, int | None] = {}
    connection = session.connection()
    mark = param_mark(connection.dialect)
    for batch in chunks(sorted(verdicts)):
        sql = (
            "SELECT v.id, v.listing_id, l.seller_id FROM listing_versions AS v"
            " JOIN listings AS l ON l.id = v.listing_id"
            f" WHERE v.id IN ({', '.join([mark] * len(batch))})"
        )
        for vid, lid, seller_id in connection.exec_driver_sql(sql, tuple(batch)):
            if rate < 1.0 and not needs_human_sampled(lid, rate):
                continue
            cid, verdict = verdicts[vid]
            candidates.append((lid, cid, float(verdict["score"]), verdict.get("signals") or {}))
            sellers_of[lid] = seller_id
    return open_reviews(session, candidates, at=now, seller_of=sellers_of, source=source)
