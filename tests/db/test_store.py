"""The store's write API: sites, runs, listings and versions, classifications."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.db import store
from maskscreen.db.models import (
    Classification,
    CrawlRun,
    Listing,
    ListingVersion,
    Review,
    ReviewEvent,
    Site,
)
from tests.db.factories import benign_verdict, make_listing, make_verdict

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def site_id(session: Session) -> int:
    return store.get_or_create_site(session, "shop", "https://shop.example/")


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


# sites and runs


def test_get_or_create_site_returns_the_same_id(session: Session) -> None:
    first = store.get_or_create_site(session, "shop")
    assert store.get_or_create_site(session, "shop", "https://shop.example/") == first
    assert store.get_or_create_site(session, "other") != first
    assert session.scalar(select(Site.base_url).where(Site.id == first)) == "https://shop.example/"


def test_crawl_run_records_status_counts_and_drops(session: Session, site_id: int) -> None:
    run_id = store.start_crawl_run(session, site_id, command="maskscreen crawl shop")
    run = session.get(CrawlRun, run_id)
    assert (run.status, run.pages, run.dropped, run.finished_at) == ("running", 0, {}, None)

    store.finish_crawl_run(
        session, run_id, status="finished",
        counts={"pages": 40, "listings": 30, "new": 30, "flagged": 3},
        dropped={"no_product": 10},
    )  # fmt: skip
    session.expire_all()
    run = session.get(CrawlRun, run_id)
    assert (run.status, run.pages, run.new, run.flagged, run.errors) == ("finished", 40, 30, 3, 0)
    assert run.dropped == {"no_product": 10}
    assert run.finished_at is not None and run.finished_at.tzinfo == UTC


def test_finish_crawl_run_refuses_unknown_counts_and_statuses(
    session: Session, site_id: int
) -> None:
    run_id = store.start_crawl_run(session, site_id)
    with pytest.raises(ValueError, match="pagez"):
        store.finish_crawl_run(session, run_id, status="finished", counts={"pagez": 1}, dropped={})
    with pytest.raises(ValueError, match="done"):
        store.finish_crawl_run(session, run_id, status="done", counts={}, dropped={})


# content hash


def test_content_hash_ignores_fields_a_reviewer_does_not_see() -> None:
    listing = make_listing()
    same = make_listing(fetched_at=T0 + timedelta(days=3), availability="OutOfStock", language="de")
    assert store.content_hash(listing) == store.content_hash(same)
    assert store.content_hash(listing) != store.content_hash(make_listing(title="Other"))
    assert store.content_hash(listing) != store.content_hash(make_listing(images=[]))


def test_content_hash_reads_prices_to_the_cent() -> None:
    assert store.content_hash(make_listing(price=Decimal(129))) == store.content_hash(
        make_listing(price=Decimal("129.00"))
    )
    assert store.content_hash(make_listing(price=129.5)) == store.content_hash(
        make_listing(price=Decimal("129.50"))
    )


def test_content_hash_is_sha256_of_sorted_compact_json() -> None:
    import hashlib
    import json

    listing = make_listing(title="人脸面具 réaliste", price=Decimal("9.9"))
    fields = {k: listing[k] for k in ("title", "description", "currency", "seller", "brand",
                                      "category", "images")}  # fmt: skip
    fields["price"] = "9.90"
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert store.content_hash(listing) == hashlib.sha256(text.encode()).hexdigest()


# listings and versions


def test_same_content_twice_is_one_version_and_moves_last_seen(
    session: Session, site_id: int
) -> None:
    later = T0 + timedelta(hours=1)
    [first] = store.upsert_listings(session, site_id, [make_listing()], seen_at=T0)
    [again] = store.upsert_listings(session, site_id, [make_listing()], seen_at=later)

    assert first.status == "new" and again.status == "unchanged"
    assert again == (first.listing_id, first.version_id, "unchanged")
    assert count(session, Listing) == 1 and count(session, ListingVersion) == 1
    listing = session.get(Listing, first.listing_id)
    assert listing.first_seen_at == T0
    assert listing.last_seen_at == later
    assert listing.current_version_id == first.version_id


def test_changed_content_is_a_new_current_version(session: Session, site_id: int) -> None:
    [first] = store.upsert_listings(session, site_id, [make_listing()], seen_at=T0)
    edited = make_listing(price=Decimal("99.00"), description="Now cheaper.")
    [changed] = store.upsert_listings(session, site_id, [edited], seen_at=T0 + timedelta(days=1))

    assert changed.status == "changed"
    assert changed.listing_id == first.listing_id and changed.version_id != first.version_id
    listing = session.get(Listing, first.listing_id)
    assert listing.current_version_id == changed.version_id
    assert listing.content_hash == store.content_hash(edited)
    version = session.get(ListingVersion, changed.version_id)
    assert (version.price, version.description) == (Decimal("99.00"), "Now cheaper.")
    assert version.seen_at == T0 + timedelta(days=1)
    assert count(session, ListingVersion) == 2


def test_reverted_content_points_back_at_its_old_version(session: Session, site_id: int) -> None:
    [original] = store.upsert_listings(session, site_id, [make_listing()])
    store.upsert_listings(session, site_id, [make_listing(title="Edited")])
    [reverted] = store.upsert_listings(session, site_id, [make_listing()])

    assert reverted.status == "changed"
    assert reverted.version_id == original.version_id
    assert session.get(Listing, original.listing_id).current_version_id == original.version_id
    assert count(session, ListingVersion) == 2


def test_a_version_keeps_every_listing_field(session: Session, site_id: int) -> None:
    record = make_listing(title="全脸硅胶面具", brand="FaceCo", images=["a.jpg", "b.jpg"])
    [result] = store.upsert_listings(session, site_id, [record])
    version = session.get(ListingVersion, result.version_id)
    for field in ("title", "description", "price", "currency", "seller", "seller_url", "brand",
                  "images", "language", "category", "availability", "source_format",
                  "fetched_at"):  # fmt: skip
        assert getattr(version, field) == record[field], field
    assert session.get(Listing, result.listing_id).external_id == "sku-1"


def test_missing_fields_stay_empty(session: Session, site_id: int) -> None:
    record = {"url": "https://shop.example/bare", "site": "shop"}
    [result] = store.upsert_listings(session, site_id, [record])
    version = session.get(ListingVersion, result.version_id)
    assert (version.title, version.price, version.fetched_at) == (None, None, None)
    assert version.images == []


def test_duplicate_urls_in_one_batch_are_sightings_in_order(session: Session, site_id: int) -> None:
    batch = [make_listing(1), make_listing(2), make_listing(1), make_listing(1, title="Edited")]
    results = store.upsert_listings(session, site_id, batch)

    assert [r.status for r in results] == ["new", "new", "unchanged", "changed"]
    assert results[0].listing_id == results[2].listing_id == results[3].listing_id
    assert results[0].version_id == results[2].version_id != results[3].version_id
    assert count(session, Listing) == 2 and count(session, ListingVersion) == 3
    assert session.get(Listing, results[0].listing_id).current_version_id == results[3].version_id


def test_results_come_in_input_order_across_many_rows(session: Session, site_id: int) -> None:
    batch = [make_listing(n) for n in range(1200)]
    results = store.upsert_listings(session, site_id, batch)
    listings = dict(session.execute(select(Listing.url, Listing.id)).all())
    assert [r.listing_id for r in results] == [listings[record["url"]] for record in batch]
    again = store.upsert_listings(session, site_id, batch[::-1])
    assert [r.status for r in again] == ["unchanged"] * 1200
    assert [r.listing_id for r in again] == [r.listing_id for r in results[::-1]]


def test_upserting_nothing_does_nothing(session: Session, site_id: int) -> None:
    assert store.upsert_listings(session, site_id, []) == []
    assert store.record_classifications(session, []) == 0


def test_store_functions_never_commit(engine, site_id: int, session: Session) -> None:
    store.upsert_listings(session, site_id, [make_listing()])
    with Session(engine) as other:
        assert other.scalar(select(func.count()).select_from(Listing)) == 0


# classifications and review cases


def test_unclassified_versions_are_those_without_that_model(session: Session, site_id: int) -> None:
    results = store.upsert_listings(session, site_id, [make_listing(n) for n in range(3)])
    ids = [r.version_id for r in results]
    store.record_classifications(session, [(ids[0], make_verdict())])
    assert store.unclassified_versions(session, ids, "test-model-1") == {ids[1], ids[2]}
    assert store.unclassified_versions(session, ids, "test-model-2") == set(ids)
    assert store.unclassified_versions(session, [], "test-model-1") == set()


def test_classifications_are_recorded_once_per_version_and_model(
    session: Session, site_id: int
) -> None:
    [result] = store.upsert_listings(session, site_id, [make_listing()])
    verdict = make_verdict(signals={"evasion_claim": True}, reasons=["fool face recognition"])
    store.record_classifications(session, [(result.version_id, verdict)])
    store.record_classifications(session, [(result.version_id, verdict)] * 2)
    store.record_classifications(session, [(result.version_id, make_verdict(model_version="m2"))])

    rows = session.scalars(select(Classification).order_by(Classification.id)).all()
    assert [c.model_version for c in rows] == ["test-model-1", "m2"]
    stored = rows[0]
    assert (stored.label, stored.score, stored.flagged) == ("realistic_face_mask", 0.91, True)
    assert stored.signals == {"evasion_claim": True}
    assert stored.reasons == ["fool face recognition"]
    assert stored.scores["benign"] == pytest.approx(0.09)
    assert (stored.threshold, stored.lexicon_version) == (0.5, "lexicon-1")


def test_first_flag_opens_one_review_case(session: Session, site_id: int) -> None:
    [flagged, benign] = store.upsert_listings(session, site_id, [make_listing(1), make_listing(2)])
    opened = store.record_classifications(
        session, [(flagged.version_id, make_verdict()), (benign.version_id, benign_verdict())]
    )
    assert opened == 1
    review = session.scalars(select(Review)).one()
    assert (review.listing_id, review.status) == (flagged.listing_id, "open")
    assert review.classification_id == session.scalar(
        select(Classification.id).where(Classification.listing_version_id == flagged.version_id)
    )
    event = session.scalars(select(ReviewEvent)).one()
    assert (event.review_id, event.reviewer, event.from_status, event.to_status) == (
        review.id,
        "maskscreen",
        None,
        "open",
    )


def test_a_listing_gets_one_case_however_often_it_is_flagged(
    session: Session, site_id: int
) -> None:
    [v1] = store.upsert_listings(session, site_id, [make_listing()])
    assert store.record_classifications(session, [(v1.version_id, make_verdict())]) == 1
    assert store.record_classifications(session, [(v1.version_id, make_verdict())]) == 0
    by_m2 = make_verdict(model_version="m2")
    assert store.record_classifications(session, [(v1.version_id, by_m2)]) == 0
    [v2] = store.upsert_listings(session, site_id, [make_listing(title="Edited")])
    assert store.record_classifications(session, [(v2.version_id, make_verdict())]) == 0
    assert count(session, Review) == 1 and count(session, ReviewEvent) == 1


def test_two_flagged_versions_of_one_listing_in_one_call_open_one_case(
    session: Session, site_id: int
) -> None:
    results = store.upsert_listings(session, site_id, [make_listing(), make_listing(title="B")])
    scores = (0.7, 0.95)
    rows = [(r.version_id, make_verdict(score=s)) for r, s in zip(results, scores, strict=True)]
    assert store.record_classifications(session, rows) == 1
    assert session.scalars(select(Review.priority)).one() == pytest.approx(0.95)


def test_signals_raise_review_priority(session: Session, site_id: int) -> None:
    results = store.upsert_listings(session, site_id, [make_listing(1), make_listing(2)])
    loud = {"evasion_claim": True, "made_to_order": True, "off_platform_contact": True}
    store.record_classifications(
        session,
        [(results[0].version_id, make_verdict(score=0.8)),
         (results[1].version_id, make_verdict(score=0.8, signals=loud))],
    )  # fmt: skip
    priorities = dict(session.execute(select(Review.listing_id, Review.priority)).all())
    assert priorities[results[0].listing_id] == pytest.approx(0.8)
    assert priorities[results[1].listing_id] == pytest.approx(0.8 + 1.0 + 1.0 + 0.5)
