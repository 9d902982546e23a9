"""The store's batched writes (db.sql.insert_rows): the same rows as SQLAlchemy Core writes.

insert_rows sends multi-row VALUES on the driver's cursor with values converted by the
columns' own types. Each test runs on SQLite and PostgreSQL: the rows it stores are
compared, as the driver reads them back, with the rows SQLAlchemy's Core ``insert()``
stores from the same values, and with fixed expectations that hold on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from maskscreen.db import sql, store
from maskscreen.db.models import Base, Classification, Listing, ListingVersion, Review, Seller
from tests.db.factories import benign_verdict, make_listing, make_verdict

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
HOSTILE = 'Robert\'); DROP TABLE listings; -- "quoted" \\ 全脸 ＷｅＣｈａｔ %s ? :name'

listings = Base.metadata.tables["listings"]
versions = Base.metadata.tables["listing_versions"]
classifications = Base.metadata.tables["classifications"]
sellers = Base.metadata.tables["sellers"]


@pytest.fixture
def site_id(session: Session) -> int:
    return store.get_or_create_site(session, "bulk")


def new_listing(session: Session, site_id: int, url: str) -> int:
    return session.execute(
        insert(listings)
        .values(site_id=site_id, url=url, first_seen_at=T0, last_seen_at=T0, status="live")
        .returning(listings.c.id)
    ).scalar_one()


def stored(session: Session, table_name: str, columns: list[str], where: str, key: int) -> tuple:
    """One row as the driver reads it back: no type conversion on the way out."""
    mark = sql.param_mark(session.get_bind().dialect)
    text = f"SELECT {', '.join(columns)} FROM {table_name} WHERE {where} = {mark}"
    return tuple(session.connection().exec_driver_sql(text, (key,)).one())


VERSION_VALUES: list[dict[str, Any]] = [
    {"title": HOSTILE, "description": "line one\nline two\ttab", "price": Decimal("129.5"),
     "currency": "USD", "seller": "maskmaker", "seller_url": None, "brand": None,
     "images": ["https://cdn.example/a.jpg", "b.jpg"], "language": "zh",
     "category": None, "availability": "InStock", "source_format": "jsonld",
     "fetched_at": datetime(2026, 5, 1, 20, 0, tzinfo=timezone(timedelta(hours=8)))},
    {"title": None, "description": None, "price": None, "currency": None, "seller": None,
     "seller_url": None, "brand": None, "images": [], "language": None, "category": None,
     "availability": None, "source_format": None, "fetched_at": datetime(2026, 5, 1, 12)},
]  # fmt: skip


@pytest.mark.parametrize("values", VERSION_VALUES)
def test_a_version_row_is_stored_as_core_stores_it(
    session: Session, site_id: int, values: dict[str, Any]
) -> None:
    by_core = new_listing(session, site_id, "https://bulk.example/core")
    by_rows = new_listing(session, site_id, "https://bulk.example/rows")
    digest = "d" * 64
    session.execute(
        insert(versions), [{"listing_id": by_core, "content_hash": digest, "seen_at": T0, **values}]
    )
    columns = ["listing_id", "content_hash", *values]
    [(vid, lid, returned_hash)] = sql.insert_rows(
        session, versions, columns, [(by_rows, digest, *values.values())],
        same={"seen_at": T0}, returning=("id", "listing_id", "content_hash"),
    )  # fmt: skip

    assert (lid, returned_hash) == (by_rows, digest)
    read = ["content_hash", "seen_at", *values]
    assert stored(session, "listing_versions", read, "listing_id", by_rows) == stored(
        session, "listing_versions", read, "listing_id", by_core
    )
    version = session.get(ListingVersion, vid)
    for field, value in values.items():
        expected = (
            value.replace(tzinfo=UTC) if field == "fetched_at" and not value.tzinfo else value
        )
        assert getattr(version, field) == expected, field


@pytest.mark.parametrize(
    "verdict",
    [make_verdict(reasons=["真人面具", HOSTILE], threshold=None), benign_verdict(scores={})],
)
def test_a_classification_row_is_stored_as_core_stores_it(
    session: Session, site_id: int, verdict: dict[str, Any]
) -> None:
    [result] = store.upsert_listings(session, site_id, [make_listing()])
    values = {
        "model_version": verdict["model_version"], "label": verdict["label"],
        "score": verdict["score"], "scores": verdict["scores"], "flagged": verdict["flagged"],
        "signals": verdict["signals"], "reasons": verdict["reasons"],
        "threshold": verdict["threshold"], "lexicon_version": verdict["lexicon_version"],
        "created_at": T0,
    }  # fmt: skip
    session.execute(insert(classifications), [{"listing_version_id": result.version_id, **values}])
    other = {**values, "model_version": "other-model"}
    [(cid,)] = sql.insert_rows(
        session, classifications, ["listing_version_id", *other],
        [(result.version_id, *other.values())], returning=("id",),
    )  # fmt: skip

    read = ["label", "score", "scores", "flagged", "signals", "reasons", "threshold",
            "lexicon_version", "created_at"]  # fmt: skip
    core = stored(session, "classifications", ["id"], "model_version", "test-model-1")
    assert stored(session, "classifications", read, "id", cid) == stored(
        session, "classifications", read, "id", core[0]
    )
    row = session.get(Classification, cid)
    assert (row.scores, row.signals, row.reasons) == (
        verdict["scores"],
        verdict["signals"],
        verdict["reasons"],
    )
    assert row.flagged is verdict["flagged"] and row.created_at == T0


def test_insert_rows_returns_only_the_rows_it_inserted(session: Session, site_id: int) -> None:
    rows = [(f"key-{n}", f"Seller {n}", None) for n in range(5)]
    kwargs = {
        "same": {"site_id": site_id, "first_seen_at": T0},
        "on_conflict": "ON CONFLICT (site_id, key) DO NOTHING",
        "returning": ("key", "id"),
    }
    first = dict(sql.insert_rows(session, sellers, ["key", "name", "url"], rows[:3], **kwargs))
    again = dict(sql.insert_rows(session, sellers, ["key", "name", "url"], rows, **kwargs))

    assert sorted(first) == ["key-0", "key-1", "key-2"]
    assert sorted(again) == ["key-3", "key-4"]
    assert not set(first.values()) & set(again.values())
    assert sql.insert_rows(session, sellers, ["key"], [], **kwargs) == []


def test_insert_rows_splits_batches_by_rows_and_parameters(
    session: Session, site_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql, "ROWS_PER_INSERT", 7)
    rows = [(f"key-{n}", HOSTILE, f"https://bulk.example/s/{n}") for n in range(50)]
    found = sql.insert_rows(
        session, sellers, ["key", "name", "url"], rows,
        same={"site_id": site_id, "first_seen_at": T0}, returning=("key",),
    )  # fmt: skip

    assert sorted(key for (key,) in found) == sorted(key for key, _, _ in rows)
    names = session.scalars(select(Seller.name).where(Seller.site_id == site_id)).all()
    assert names == [HOSTILE] * 50


def dump(session: Session, site_id: int) -> dict[str, list[tuple]]:
    """What a batch left in the store, by URL and key rather than by ids."""
    url_of = dict(session.execute(select(Listing.id, Listing.url)).all())
    key_of = dict(session.execute(select(Seller.id, Seller.key)).all())
    hash_of = dict(session.execute(select(ListingVersion.id, ListingVersion.content_hash)).all())
    return {
        "listings": sorted(
            (row.url, row.external_id, row.first_seen_at, row.last_seen_at, row.content_hash,
             hash_of[row.current_version_id], key_of.get(row.seller_id), row.status)
            for row in session.scalars(select(Listing).where(Listing.site_id == site_id))
        ),
        "versions": sorted(
            (url_of[v.listing_id], v.content_hash, v.seen_at, v.title, v.price, v.images,
             v.fetched_at)
            for v in session.scalars(select(ListingVersion))
        ),
        "classifications": sorted(
            (hash_of[c.listing_version_id], c.model_version, c.label, c.flagged, c.signals)
            for c in session.scalars(select(Classification))
        ),
        "reviews": sorted(
            (url_of[r.listing_id], r.status, r.priority) for r in session.scalars(select(Review))
        ),
    }  # fmt: skip


def test_a_crawl_and_a_recrawl_leave_the_same_rows_on_both_backends(
    session: Session, site_id: int
) -> None:
    batch = [
        make_listing(1, title=HOSTILE),
        make_listing(2, seller="other", seller_url=None, price=Decimal(5)),
        make_listing(3, seller=None, seller_url=None, images=[]),
        make_listing(1, title=HOSTILE),  # the same sighting twice
    ]
    results = store.upsert_listings(session, site_id, batch, seen_at=T0)
    verdicts = [make_verdict(), benign_verdict(), make_verdict(score=0.7), make_verdict()]
    opened = store.record_classifications(
        session, [(r.version_id, v) for r, v in zip(results, verdicts, strict=True)]
    )
    later = T0 + timedelta(days=1)
    again = store.upsert_listings(session, site_id, batch[:3], seen_at=later)

    assert [r.status for r in results] == ["new", "new", "new", "unchanged"]
    assert [r.status for r in again] == ["unchanged"] * 3
    assert opened == 2
    h1, h2, h3 = (store.content_hash(record) for record in batch[:3])
    url = "https://shop.example/products/{}".format
    maker = "https://shop.example/sellers/maskmaker"
    signals = make_verdict()["signals"]
    assert dump(session, site_id) == {
        "listings": [
            (url(1), "sku-1", T0, later, h1, h1, maker, "live"),
            (url(2), "sku-2", T0, later, h2, h2, "other", "live"),
            (url(3), "sku-3", T0, later, h3, h3, None, "live"),
        ],
        "versions": sorted([
            (url(1), h1, T0, HOSTILE, Decimal("129.00"), ["https://cdn.shop.example/1/front.jpg"],
             T0),
            (url(2), h2, T0, "Realistic silicone male face mask 2", Decimal("5.00"),
             ["https://cdn.shop.example/2/front.jpg"], T0),
            (url(3), h3, T0, "Realistic silicone male face mask 3", Decimal("129.00"), [], T0),
        ]),
        "classifications": sorted([
            (h1, "test-model-1", "realistic_face_mask", True, signals),
            (h2, "test-model-1", "benign", False, signals),
            (h3, "test-model-1", "realistic_face_mask", True, signals),
        ]),
        "reviews": [(url(1), "open", 0.91), (url(3), "open", 0.7)],
    }  # fmt: skip


def test_in_values_matches_a_plain_in_list(session: Session, site_id: int) -> None:
    ids = [
        r.listing_id
        for r in store.upsert_listings(session, site_id, [make_listing(n) for n in range(4)])
    ]
    wanted = ids[1:3]

    def found(values: Any) -> list[int]:
        return session.scalars(
            select(Listing.id).where(Listing.id.in_(values)).order_by(Listing.id)
        ).all()

    assert found(sql.in_values(wanted)) == found(wanted) == wanted
    assert found(sql.in_values([])) == found([]) == []


def test_insert_rows_wants_the_columns_that_have_python_defaults(session: Session) -> None:
    with pytest.raises(ValueError, match="first_seen_at"):
        sql.insert_rows(session, sellers, ["site_id", "key"], [(1, "k")])


def test_batch_writes_pause_the_collector_and_restore_it(session: Session, site_id: int) -> None:
    import gc

    seen: list[bool] = []

    @sql.gc_paused
    def write(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise RuntimeError("batch failed")

    assert gc.isenabled()
    write(False)
    with pytest.raises(RuntimeError):
        write(True)
    assert seen == [False, False] and gc.isenabled()
    gc.disable()  # a caller that runs without the collector keeps it off
    try:
        write(False)
        assert not gc.isenabled()
    finally:
        gc.enable()
    results = store.upsert_listings(session, site_id, [make_listing(1)])
    store.record_classifications(session, [(results[0].version_id, make_verdict())])
    assert gc.isenabled()
