"""Reading the store: flagged listings, newest flag first, and counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from maskscreen.db import store
from maskscreen.db.models import Classification
from tests.db.factories import benign_verdict, make_listing, make_verdict

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def flag(session: Session, site: str, n: int, at: datetime, **verdict) -> int:
    """Store listing n on a site with a verdict recorded at ``at``; returns the listing id."""
    site_id = store.get_or_create_site(session, site)
    [result] = store.upsert_listings(session, site_id, [make_listing(n)])
    store.record_classifications(session, [(result.version_id, make_verdict(**verdict))])
    session.execute(
        update(Classification)
        .where(Classification.listing_version_id == result.version_id)
        .values(created_at=at)
    )
    return result.listing_id


def ids(rows: list[store.FlaggedListing]) -> list[int]:
    return [row.listing_id for row in rows]


def test_flagged_listings_come_newest_first_with_their_verdict(session: Session) -> None:
    old = flag(session, "shop", 1, T0)
    new = flag(session, "shop", 2, T0 + timedelta(hours=2), signals={"evasion_claim": True})
    middle = flag(session, "shop", 3, T0 + timedelta(hours=1))

    rows = store.query_flagged(session)
    assert ids(rows) == [new, middle, old]
    top = rows[0]
    listing = make_listing(2)
    assert (top.site, top.url, top.title) == ("shop", listing["url"], listing["title"])
    assert (top.price, top.currency, top.seller) == (Decimal("129.00"), "USD", "maskmaker")
    assert (top.label, top.score) == ("realistic_face_mask", 0.91)
    assert top.model_version == "test-model-1"
    assert top.signals == {"evasion_claim": True} and top.reasons == ["realistic", "silicone"]
    assert top.flagged_at == T0 + timedelta(hours=2)
    assert top.review_status == "open"


def test_benign_listings_are_not_flagged(session: Session) -> None:
    site_id = store.get_or_create_site(session, "shop")
    [result] = store.upsert_listings(session, site_id, [make_listing()])
    store.record_classifications(session, [(result.version_id, benign_verdict())])
    assert store.query_flagged(session) == []


def test_filters_by_site_since_score_and_label(session: Session) -> None:
    a = flag(session, "shop", 1, T0, score=0.95)
    b = flag(session, "market", 2, T0 + timedelta(days=1), score=0.6, label="custom_face_copy")
    c = flag(session, "market", 3, T0 + timedelta(days=2), score=0.99)

    assert ids(store.query_flagged(session, site="market")) == [c, b]
    assert ids(store.query_flagged(session, site="nowhere")) == []
    assert ids(store.query_flagged(session, since=T0 + timedelta(days=1))) == [c, b]
    assert ids(store.query_flagged(session, min_score=0.9)) == [c, a]
    assert ids(store.query_flagged(session, label="custom_face_copy")) == [b]
    assert ids(store.query_flagged(session, site="market", min_score=0.9, since=T0)) == [c]


def test_limit_and_offset_page_through_flags(session: Session) -> None:
    listings = [flag(session, "shop", n, T0 + timedelta(minutes=n)) for n in range(5)]
    newest_first = listings[::-1]
    assert ids(store.query_flagged(session, limit=2)) == newest_first[:2]
    assert ids(store.query_flagged(session, limit=2, offset=2)) == newest_first[2:4]
    assert ids(store.query_flagged(session, limit=2, offset=4)) == newest_first[4:]


def test_the_latest_classification_of_the_current_version_decides(session: Session) -> None:
    site_id = store.get_or_create_site(session, "shop")
    [v1] = store.upsert_listings(session, site_id, [make_listing()])
    store.record_classifications(session, [(v1.version_id, make_verdict())])
    assert ids(store.query_flagged(session)) == [v1.listing_id]

    # A newer model clears it.
    store.record_classifications(session, [(v1.version_id, benign_verdict(model_version="m2"))])
    assert store.query_flagged(session) == []

    # The listing is edited: its new version, flagged, is what counts.
    [v2] = store.upsert_listings(session, site_id, [make_listing(title="Custom mask of your face")])
    assert store.query_flagged(session) == []
    store.record_classifications(session, [(v2.version_id, make_verdict(label="custom_face_copy"))])
    [row] = store.query_flagged(session)
    assert (row.title, row.label) == ("Custom mask of your face", "custom_face_copy")


def test_flagged_listings_view_agrees_with_query_flagged(session: Session) -> None:
    for n in range(4):
        flag(session, "shop", n, T0 + timedelta(minutes=n), flagged=n % 2 == 0)
    site_id = store.get_or_create_site(session, "shop")
    [cleared] = store.upsert_listings(session, site_id, [make_listing(0)])
    cleared_by_m2 = benign_verdict(model_version="m2")
    store.record_classifications(session, [(cleared.version_id, cleared_by_m2)])

    in_view = session.execute(text("SELECT listing_id FROM flagged_listings")).scalars().all()
    assert sorted(in_view) == sorted(ids(store.query_flagged(session, limit=1000)))
    assert len(in_view) == 1


def test_count_listings_and_versions(session: Session) -> None:
    shop = store.get_or_create_site(session, "shop")
    market = store.get_or_create_site(session, "market")
    [first, _] = store.upsert_listings(session, shop, [make_listing(1), make_listing(2)])
    store.upsert_listings(session, market, [make_listing(3)])
    store.upsert_listings(session, shop, [make_listing(1, title="Edited")])
    assert store.count_listings(session) == 3
    assert store.count_listings(session, site="shop") == 2
    assert store.count_listings(session, site="nowhere") == 0
    assert store.count_versions(session) == 4
    assert store.count_versions(session, first.listing_id) == 2
