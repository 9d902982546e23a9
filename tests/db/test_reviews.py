"""Review cases: a queue by priority, moves along the state machine, an append-only trail."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.db import reviews, store
from maskscreen.db.errors import InvalidTransition, ReviewConflict, UnknownCase
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Review
from tests.db.factories import make_listing, make_verdict


def open_case(session: Session, n: int, **verdict) -> int:
    site_id = store.get_or_create_site(session, "shop")
    [result] = store.upsert_listings(
        session, site_id, [make_listing(n, seller=f"seller{n}", seller_url=None)]
    )
    store.record_classifications(session, [(result.version_id, make_verdict(**verdict))])
    return session.scalars(select(Review.id).where(Review.listing_id == result.listing_id)).one()


def move(session: Session, case: int, *path: str) -> None:
    for status in path:
        reviews.decide(session, case, status, reviewer="ana")


def test_queue_is_highest_priority_first(session: Session) -> None:
    low = open_case(session, 1, score=0.6)
    high = open_case(session, 2, score=0.7, signals={"made_to_order": True})
    mid = open_case(session, 3, score=0.9)
    queue = reviews.review_queue(session)
    assert [case.review_id for case in queue] == [high, mid, low]
    assert queue[0].priority == pytest.approx(1.7)
    assert (queue[0].site, queue[0].status, queue[0].source) == ("shop", "open", "flag")
    assert queue[0].label == "realistic_face_mask"
    assert queue[0].url == make_listing(2)["url"]


def test_escalated_cases_stay_in_the_queue(session: Session) -> None:
    case = open_case(session, 1)
    move(session, case, "escalated")
    assert [c.status for c in reviews.review_queue(session)] == ["escalated"]
    assert reviews.review_queue(session, status="open") == []


def test_deciding_appends_an_event_and_bumps_the_version(session: Session) -> None:
    case = open_case(session, 1)
    assert reviews.decide(session, case, "escalated", reviewer="ana", note="seller in 3 shops") == 2
    assert reviews.decide(session, case, "confirmed", reviewer="bo", expected_version=2) == 3

    history = reviews.review_history(session, case)
    assert [(e.reviewer, e.from_status, e.to_status) for e in history] == [
        ("maskscreen", None, "open"),
        ("ana", "open", "escalated"),
        ("bo", "escalated", "confirmed"),
    ]
    assert history[1].note == "seller in 3 shops"
    row = session.get(Review, case)
    session.refresh(row)
    assert (row.status, row.version, row.decided_by) == ("confirmed", 3, "bo")
    assert row.decided_at is not None
    assert reviews.review_queue(session) == []
    assert [c.review_id for c in reviews.review_queue(session, status="confirmed")] == [case]


@pytest.mark.parametrize(
    "path",
    [
        ["confirmed"], ["dismissed"], ["escalated"], ["escalated", "confirmed"],
        ["escalated", "dismissed"], ["confirmed", "actioned"], ["confirmed", "actioned", "removed"],
        ["confirmed", "removed"], ["dismissed", "open"], ["confirmed", "actioned", "open"],
        ["confirmed", "removed", "open"], ["confirmed", "open", "dismissed"],
    ],
    ids="-".join,
)  # fmt: skip
def test_allowed_paths(session: Session, path: list[str]) -> None:
    case = open_case(session, 1)
    move(session, case, *path)
    assert [e.to_status for e in reviews.review_history(session, case)] == ["open", *path]


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ([], "actioned"), ([], "removed"), ([], "open"), (["dismissed"], "confirmed"),
        (["escalated"], "escalated"), (["escalated"], "actioned"), (["confirmed"], "dismissed"),
        (["confirmed", "actioned"], "confirmed"), (["confirmed", "removed"], "actioned"),
        ([], "deleted"),
    ],
)  # fmt: skip
def test_invalid_transitions_write_nothing(session: Session, path: list[str], bad: str) -> None:
    case = open_case(session, 1)
    move(session, case, *path)
    with pytest.raises(InvalidTransition) as raised:
        reviews.decide(session, case, bad, reviewer="ana")
    assert "\n" not in str(raised.value) and bad in str(raised.value)
    assert len(reviews.review_history(session, case)) == 1 + len(path)


def test_unknown_case(session: Session) -> None:
    with pytest.raises(UnknownCase, match="no review case 424242"):
        reviews.decide(session, 424242, "dismissed", reviewer="ana")


def test_a_stale_version_is_a_conflict_and_writes_nothing(session: Session) -> None:
    case = open_case(session, 1)
    move(session, case, "escalated")  # version 1 -> 2
    with pytest.raises(ReviewConflict, match="moved by someone else"):
        reviews.decide(session, case, "dismissed", reviewer="bo", expected_version=1)
    assert [e.to_status for e in reviews.review_history(session, case)] == ["open", "escalated"]


def test_queue_filters_by_site_and_label(session: Session) -> None:
    open_case(session, 1)
    open_case(session, 2, label="custom_face_copy")
    assert reviews.review_queue(session, site="nowhere") == []
    assert len(reviews.review_queue(session, site="shop")) == 2
    assert [c.label for c in reviews.review_queue(session, label="custom_face_copy")] == [
        "custom_face_copy"
    ]


@pytest.mark.parametrize(
    ("score", "signals", "confirmed", "priority"),
    [
        (0.5, {}, 0, 0.5),
        (0.5, {"evasion_claim": True, "made_to_order": False}, 0, 1.5),
        (0.5, {"off_platform_contact": True}, 0, 1.0),
        (0.5, {"something_new": True}, 0, 0.75),
        (0.5, None, 0, 0.5),
        (0.5, {}, 1, 1.0),
        (0.5, {"made_to_order": True}, 5, 2.5),  # seller history is capped
    ],
)
def test_review_priority(
    score: float, signals: dict | None, confirmed: int, priority: float
) -> None:
    assert reviews.review_priority(score, signals, confirmed) == pytest.approx(priority)


def test_next_case_has_everything_a_reviewer_needs(session: Session) -> None:
    site_id = store.get_or_create_site(session, "shop")
    rows = store.upsert_listings(session, site_id, [
        make_listing(1, seller="Mask Maker", description="custom face from photo, WeChat: maskmaker88"),
        make_listing(2, seller="Mask Maker"),
    ])  # fmt: skip
    store.record_classifications(session, [
        (rows[0].version_id, make_verdict(score=0.95, signals={"made_to_order": True})),
        (rows[1].version_id, make_verdict(score=0.6)),
    ])  # fmt: skip
    first = reviews.next_case(session)
    assert first is not None and first.case.listing_id == rows[0].listing_id
    assert first.signals["made_to_order"] and first.reasons == ["realistic", "silicone"]
    assert first.handles == [("wechat", "maskmaker88")]
    assert [(o.listing_id, o.review_status) for o in first.seller_listings] == [
        (rows[1].listing_id, "open")
    ]
    assert [e.to_status for e in first.events] == ["open"]
    assert reviews.load_case(session, 424242) is None


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
            reviews.decide(session, case, "confirmed", reviewer="ana", expected_version=1)
        crawler.join()
        with Session(reviewer_engine) as session:
            assert session.get(Review, case).status == "confirmed"
            assert store.count_listings(session) == 2
    finally:
        reviewer_engine.dispose()
        crawler_engine.dispose()
