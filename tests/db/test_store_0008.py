"""Migration 0008's store behaviour: one listing per URL, where a page was read,
verdict languages and concepts, needs_human cases."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.db import reviews, store
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Classification, Listing, ListingSite, Review, ReviewEvent
from tests.db.factories import benign_verdict, make_listing, make_verdict

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
T1 = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def site_id(session: Session) -> int:
    return store.get_or_create_site(session, "shop", "https://shop.example/")


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def unsupported(**overrides: object) -> dict:
    return benign_verdict(language="ja", language_supported=False, **overrides)


# one listing per URL


def test_the_same_url_under_two_sites_is_one_listing_and_one_case(
    session: Session, site_id: int
) -> None:
    other = store.get_or_create_site(session, "shop-again")
    [a] = store.upsert_listings(session, site_id, [make_listing()], seen_at=T0)
    store.record_classifications(session, [(a.version_id, make_verdict())])
    [b] = store.upsert_listings(session, other, [make_listing()], seen_at=T1)
    store.record_classifications(session, [(b.version_id, make_verdict())])
    assert (b.listing_id, b.version_id, b.status) == (a.listing_id, a.version_id, "unchanged")
    assert count(session, Listing) == 1 and count(session, Review) == 1
    listing = session.get(Listing, a.listing_id)
    assert listing.site_id == site_id and listing.last_seen_at == T1
    [seen] = session.scalars(select(ListingSite)).all()
    assert (seen.listing_id, seen.site_id, seen.first_seen_at) == (a.listing_id, other, T1)


def test_a_listing_seen_again_under_its_other_site_moves_last_seen(
    session: Session, site_id: int
) -> None:
    other = store.get_or_create_site(session, "shop-again")
    [a] = store.upsert_listings(session, site_id, [make_listing()], seen_at=T0)
    store.upsert_listings(session, other, [make_listing()], seen_at=T0)
    store.upsert_listings(session, other, [make_listing()], seen_at=T1)
    [seen] = session.scalars(select(ListingSite)).all()
    assert (seen.first_seen_at, seen.last_seen_at) == (T0, T1)
    # The owning site's own sightings write nothing there.
    store.upsert_listings(session, site_id, [make_listing()], seen_at=T1)
    assert count(session, ListingSite) == 1


# where a page was read: kept, never content


def test_fetched_and_canonical_urls_are_kept_and_make_no_new_version(
    session: Session, site_id: int
) -> None:
    first = make_listing(fetched_url="https://shop.example/p?id=1&utm=x",
                         canonical_url="https://shop.example/products/1",
                         extraction_confidence=0.75)  # fmt: skip
    [a] = store.upsert_listings(session, site_id, [first])
    again = make_listing(fetched_url="https://shop.example/products/1?ref=2",
                         canonical_url=None, extraction_confidence=0.5)  # fmt: skip
    [b] = store.upsert_listings(session, site_id, [again])
    assert (b.version_id, b.status) == (a.version_id, "unchanged")
    session.expire_all()
    listing = session.get(Listing, a.listing_id)
    assert listing.fetched_url == "https://shop.example/products/1?ref=2"
    assert listing.canonical_url == "https://shop.example/products/1"  # not erased by None
    assert listing.extraction_confidence == 0.5


def test_records_without_the_new_keys_still_store(session: Session, site_id: int) -> None:
    record = make_listing()
    assert "fetched_url" not in record
    [a] = store.upsert_listings(session, site_id, [record])
    listing = session.get(Listing, a.listing_id)
    assert listing.fetched_url is None and listing.extraction_confidence is None


def test_content_hash_reads_only_the_visible_fields() -> None:
    base = make_listing()
    moved = make_listing(url="https://elsewhere.example/x", fetched_url="https://a/b",
                         canonical_url="https://c/d", extraction_confidence=0.1,
                         language="fr", source_format="heuristic")  # fmt: skip
    assert store.content_hash(base) == store.content_hash(moved)
    assert store.content_hash(base) != store.content_hash(make_listing(title="other"))
    assert not set(store.WHERE_READ) & set(store.HASHED_FIELDS)


# verdict languages and concepts


def test_language_and_concepts_are_stored(session: Session, site_id: int) -> None:
    [a, b] = store.upsert_listings(session, site_id, [make_listing(1), make_listing(2)])
    concepts = {"human_subject": ["Grandpa"], "material": ["silicone"]}
    store.record_classifications(session, [
        (a.version_id, make_verdict(language="en", language_supported=True, concepts=concepts)),
        (b.version_id, make_verdict()),  # an older verdict without them
    ])  # fmt: skip
    rows = {c.listing_version_id: c for c in session.scalars(select(Classification))}
    assert (rows[a.version_id].language, rows[a.version_id].language_supported) == ("en", True)
    assert rows[a.version_id].concepts == concepts
    assert rows[b.version_id].language is None and rows[b.version_id].concepts is None


# unsupported languages go to a person


def test_an_unsupported_language_opens_a_needs_human_case(session: Session, site_id: int) -> None:
    [a, b] = store.upsert_listings(session, site_id, [make_listing(1), make_listing(2)])
    opened = store.record_classifications(
        session, [(a.version_id, unsupported()), (b.version_id, benign_verdict(language="en"))]
    )
    assert opened == 1
    [case] = session.scalars(select(Review)).all()
    assert (case.listing_id, case.source, case.status) == (a.listing_id, "needs_human", "open")
    [event] = session.scalars(select(ReviewEvent)).all()
    assert "language not supported" in event.note
    [queued] = reviews.review_queue(session, limit=5)
    assert queued.source == "needs_human"
    assert [c.review_id for c in reviews.review_queue(session, limit=5, source="needs_human")] == [
        case.id
    ]
    assert reviews.review_queue(session, limit=5, source="flag") == []


def test_a_flagged_unsupported_listing_is_a_flag_case(session: Session, site_id: int) -> None:
    [a] = store.upsert_listings(session, site_id, [make_listing()])
    store.record_classifications(
        session, [(a.version_id, make_verdict(language="ja", language_supported=False))]
    )
    assert session.scalars(select(Review.source)).all() == ["flag"]


def test_the_rate_samples_by_listing_and_agrees_on_reruns(session: Session, site_id: int) -> None:
    results = store.upsert_listings(session, site_id, [make_listing(n) for n in range(400)])
    rows = [(r.version_id, unsupported()) for r in results]
    opened = store.record_classifications(session, rows, needs_human_rate=0.25)
    chosen = {r.listing_id for r in results if store.needs_human_sampled(r.listing_id, 0.25)}
    assert 60 < opened < 140 and opened == len(chosen)
    assert set(session.scalars(select(Review.listing_id))) == chosen
    assert store.record_classifications(session, rows, needs_human_rate=0.25) == 0


def test_rate_zero_sends_none(session: Session, site_id: int) -> None:
    [a] = store.upsert_listings(session, site_id, [make_listing()])
    rows = [(a.version_id, unsupported())]
    assert store.record_classifications(session, rows, needs_human_rate=0.0) == 0
    assert count(session, Review) == 0


def test_the_engine_option_sets_the_rate(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        store.set_needs_human_rate(engine, 0.0)
        with Session(engine) as session, session.begin():
            site = store.get_or_create_site(session, "shop")
            [a] = store.upsert_listings(session, site, [make_listing()])
            assert store.record_classifications(session, [(a.version_id, unsupported())]) == 0
        store.set_needs_human_rate(engine, 1.0)
        with Session(engine) as session, session.begin():
            [b] = store.upsert_listings(session, site, [make_listing(2)])
            assert store.record_classifications(session, [(b.version_id, unsupported())]) == 1
        with pytest.raises(ValueError):
            store.set_needs_human_rate(engine, 1.5)
    finally:
        engine.dispose()


# reviews.seller_id: the listing's seller, kept by the database


def case_sellers(session: Session) -> dict[int, int | None]:
    session.expire_all()
    return dict(session.execute(select(Review.listing_id, Review.seller_id)).all())


def test_a_case_carries_its_listings_seller_and_follows_it(session: Session, site_id: int) -> None:
    [a] = store.upsert_listings(
        session, site_id, [make_listing(1, seller="first", seller_url=None)]
    )
    store.record_classifications(session, [(a.version_id, make_verdict())])
    first = session.get(Listing, a.listing_id).seller_id
    assert first is not None and case_sellers(session) == {a.listing_id: first}
    # The seller's name changes with the content: the listing and its case move together.
    store.upsert_listings(session, site_id, [make_listing(1, seller="second", seller_url=None)])
    session.expire_all()
    second = session.get(Listing, a.listing_id).seller_id
    assert second not in (None, first)
    assert case_sellers(session) == {a.listing_id: second}


def test_ranking_counts_cases_by_the_listings_seller(session: Session, site_id: int) -> None:
    from maskscreen.db.sellers import rank_sellers

    rows = store.upsert_listings(session, site_id, [
        make_listing(n, seller="maker", seller_url=None) for n in range(3)
    ])  # fmt: skip
    store.record_classifications(session, [(r.version_id, make_verdict()) for r in rows])
    [ranked] = rank_sellers(session)
    assert (ranked.name, ranked.flagged, ranked.confirmed) == ("maker", 3, 0)
    case_id = session.scalar(select(Review.id).where(Review.listing_id == rows[0].listing_id))
    reviews.decide(session, case_id, "confirmed", reviewer="ana")
    [ranked] = rank_sellers(session)
    assert (ranked.flagged, ranked.confirmed) == (3, 1)


def test_site_filters_find_a_listing_under_each_site_that_saw_it(
    session: Session, site_id: int
) -> None:
    from maskscreen.db import export

    other = store.get_or_create_site(session, "shop-again")
    store.get_or_create_site(session, "elsewhere")
    [a] = store.upsert_listings(session, site_id, [make_listing()])
    store.upsert_listings(session, other, [make_listing()])
    store.record_classifications(session, [(a.version_id, make_verdict())])
    for name in ("shop", "shop-again"):
        assert [f.listing_id for f in store.query_flagged(session, site=name)] == [a.listing_id]
        assert [c.listing_id for c in reviews.review_queue(session, site=name)] == [a.listing_id]
        assert [r["listing_id"] for r in export.export_rows(session, site=name)] == [a.listing_id]
    assert store.query_flagged(session, site="elsewhere") == []
    assert reviews.review_queue(session, site="elsewhere") == []


def test_an_export_stopped_early_leaves_the_session_usable(session: Session, site_id: int) -> None:
    from datetime import datetime as naive_clock

    from maskscreen.db import export

    rows = store.upsert_listings(session, site_id, [make_listing(n) for n in range(30)])
    store.record_classifications(session, [(r.version_id, make_verdict()) for r in rows])
    stream = export.export_rows(session, chunk=7)
    first = [next(stream)["listing_id"] for _ in range(3)]
    stream.close()  # a reader that stops (a closed pipe, a limit)
    assert first == [r.listing_id for r in rows[:3]]
    assert store.count_listings(session) == 30
    everything = list(export.export_rows(session, chunk=7))
    assert [r["listing_id"] for r in everything] == [r.listing_id for r in rows]
    assert all(r["flagged_at"].tzinfo is not None for r in everything)
    # A naive time is UTC, as everywhere in the store.
    later = naive_clock(2999, 1, 1)
    assert list(export.export_rows(session, since=later)) == []
