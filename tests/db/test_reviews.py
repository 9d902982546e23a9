"""Review cases: a queue by priority, moves by reviewers, an append-only trail."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import reviews, store
from db.errors import ReviewError
from db.models import Review
from db.session import open_database
from tests.db.factories import make_listing, make_verdict


def open_case(session: Session, n: int, **verdict) -> int:
    site_id = store.get_or_create_site(session, "shop")
    [result] = store.upsert_listings(session, site_id, [make_listing(n)])
    store.record_classifications(session, [(result.version_id, make_verdict(**verdict))])
    return session.scalars(select(Review.id).where(Review.listing_id == result.listing_id)).one()


def test_queue_is_highest_priority_first(session: Session) -> None:
    low = open_case(session, 1, score=0.6)
    high = open_case(session, 2, score=0.7, signals={"made_to_order": True})
    mid = open_case(session, 3, score=0.9)
    queue = reviews.review_queue(session)
    assert [case.review_id for case in queue] == [high, mid, low]
    assert queue[0].priority == pytest.approx(1.7)
    assert (queue[0].site, queue[0].status) == ("shop", "open")
    assert queue[0].label == "realistic_face_mask"
    assert queue[0].url == make_listing(2)["url"]


def test_moving_a_case_appends_an_event(session: Session) -> None:
    case = open_case(session, 1)
    reviews.set_review_status(session, case, "escalated", reviewer="ana", note="seller in 3 shops")
    reviews.set_review_status(session, case, "confirmed", reviewer="bo")

    history = reviews.review_history(session, case)
    assert [(e.reviewer, e.from_status, e.to_status) for e in history] == [
        ("maskscreen", None, "open"),
        ("ana", "open", "escalated"),
        ("bo", "escalated", "confirmed"),
    ]
    assert history[1].note == "seller in 3 shops"
    assert reviews.review_queue(session) == []
    assert [c.review_id for c in reviews.review_queue(session, status="confirmed")] == [case]


def test_bad_moves_are_refused(session: Session) -> None:
    case = open_case(session, 1)
    with pytest.raises(ReviewError, match="unknown review status"):
        reviews.set_review_status(session, case, "deleted", reviewer="ana")
    with pytest.raises(ReviewError, match="already open"):
        reviews.set_review_status(session, case, "open", reviewer="ana")
    with pytest.raises(ReviewError, match="no review case"):
        reviews.set_review_status(session, 424242, "dismissed", reviewer="ana")
    assert len(reviews.review_history(session, case)) == 1


def test_queue_filters_by_site(session: Session) -> None:
    open_case(session, 1)
    assert reviews.review_queue(session, site="nowhere") == []
    assert len(reviews.review_queue(session, site="shop")) == 1


@pytest.mark.parametrize(
    ("score", "signals", "priority"),
    [
        (0.5, {}, 0.5),
        (0.5, {"evasion_claim": True, "made_to_order": False}, 1.5),
        (0.5, {"off_platform_contact": True}, 1.0),
        (0.5, {"something_new": True}, 0.75),
        (0.5, None, 0.5),
    ],
)
def test_review_priority(score: float, signals: dict | None, priority: float) -> None:
    assert reviews.review_priority(score, signals) == pytest.approx(priority)


def test_a_move_waits_for_a_concurrent_crawl_batch_on_sqlite(tmp_path) -> None:
    # A crawl commits a batch while a reviewer moves a case: on SQLite the move must
    # wait for the lock, not fail with "database is locked" on a stale snapshot.
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    reviewer_engine, crawler_engine = open_database(url), open_database(url)
    try:
        with Session(reviewer_engine) as session, session.begin():
            case = open_case(session, 1)
        batch_started = threading.Event()

        def crawl_batch() -> None:
            with Session(crawler_engine) as session, session.begin():
                site_id = store.get_or_create_site(session, "shop")
                store.upsert_listings(session, site_id, [make_listing(2)])
                batch_started.set()
                time.sleep(0.3)

        crawler = threading.Thread(target=crawl_batch)
        crawler.start()
        batch_started.wait(5)
        with Session(reviewer_engine) as session, session.begin():
            reviews.set_review_status(session, case, "confirmed", reviewer="ana")
        crawler.join()
        with Session(reviewer_engine) as session:
            assert session.get(Review, case).status == "confirmed"
            assert store.count_listings(session) == 2
    finally:
        reviewer_engine.dispose()
        crawler_engine.dispose()
