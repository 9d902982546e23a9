"""The review trail is append-only, cases reopen when listings change, and two reviewers
deciding one case at once never lose a decision (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from maskscreen.db import reviews, store
from maskscreen.db.errors import InvalidTransition, ReviewConflict
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Review, ReviewEvent
from tests.db.factories import make_listing, make_verdict

REPO = Path(__file__).resolve().parents[2]
WRITES_TO_EVENTS = re.compile(r"^\s*(UPDATE|DELETE\s+FROM)\s+\"?review_events\b", re.IGNORECASE)


def flag(session: Session, *records: dict) -> list[int]:
    site_id = store.get_or_create_site(session, "shop")
    rows = store.upsert_listings(session, site_id, list(records))
    store.record_classifications(session, [(r.version_id, make_verdict()) for r in rows])
    return [
        session.scalar(select(Review.id).where(Review.listing_id == r.listing_id)) for r in rows
    ]


def test_a_whole_workflow_never_updates_or_deletes_an_event(session: Session) -> None:
    seen: list[str] = []
    connection = session.connection()

    @event.listens_for(connection, "before_cursor_execute")
    def watch(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    try:
        first, second = flag(session, make_listing(1), make_listing(2))
        reviews.decide(session, first, "escalated", reviewer="ana", note="ask lead")
        reviews.decide(session, first, "confirmed", reviewer="lead")
        reviews.decide(session, first, "actioned", reviewer="ana", note="takedown sent")
        site_id = store.get_or_create_site(session, "shop")
        store.upsert_listings(session, site_id, [make_listing(1, title="edited by seller")])
        reviews.decide(session, first, "confirmed", reviewer="ana")
        reviews.decide(session, first, "removed", reviewer="ana")
        reviews.decide(session, second, "dismissed", reviewer="bo")
        reviews.decide(session, second, "open", reviewer="bo", note="second look")
        with pytest.raises(ReviewConflict):
            reviews.decide(session, second, "confirmed", reviewer="bo", expected_version=1)
    finally:
        event.remove(connection, "before_cursor_execute", watch)

    assert any("INSERT INTO review_events" in s for s in seen)
    assert [s for s in seen if WRITES_TO_EVENTS.search(s)] == []
    trail = [e.to_status for e in reviews.review_history(session, first)]
    assert trail == ["open", "escalated", "confirmed", "actioned", "open", "confirmed", "removed"]


def test_no_source_updates_or_deletes_review_events() -> None:
    # Belt and braces beside the test above: no code path names such a statement.
    writes = re.compile(
        r"(update|delete)\(\s*(review_events|ReviewEvent)\b"
        r"|review_events\.(update|delete)\("
        r"|(UPDATE|DELETE\s+FROM)\s+review_events\b",
        re.IGNORECASE,
    )
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for package in ("db", "cli", "crawler")
        for path in sorted((REPO / package).rglob("*.py"))
        if "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert offenders == []


def test_a_changed_listing_reopens_its_decided_case(session: Session) -> None:
    dismissed, confirmed, still_open = flag(
        session, make_listing(1), make_listing(2), make_listing(3)
    )
    reviews.decide(session, dismissed, "dismissed", reviewer="ana")
    reviews.decide(session, confirmed, "confirmed", reviewer="ana")
    site_id = store.get_or_create_site(session, "shop")
    store.upsert_listings(session, site_id, [make_listing(1), make_listing(2), make_listing(3)])
    session.expire_all()
    assert [session.get(Review, c).status for c in (dismissed, confirmed)] == [
        "dismissed",
        "confirmed",
    ]

    store.upsert_listings(session, site_id, [
        make_listing(1, price="99.00"), make_listing(2, title="new title"), make_listing(3, title="x"),
    ])  # fmt: skip
    session.expire_all()
    assert [session.get(Review, c).status for c in (dismissed, confirmed, still_open)] == [
        "open", "open", "open",
    ]  # fmt: skip
    last = reviews.review_history(session, confirmed)[-1]
    assert (last.reviewer, last.from_status, last.to_status, last.note) == (
        "maskscreen", "confirmed", "open", "listing changed",
    )  # fmt: skip
    assert session.get(Review, confirmed).version == 3
    assert len(reviews.review_history(session, still_open)) == 1  # open stays, no event


@pytest.fixture
def shared_url(database_url: str) -> str:
    engine = open_database(database_url)
    with Session(engine) as session, session.begin():
        flag(session, make_listing(1))
    engine.dispose()
    return database_url


def test_two_reviewers_at_once_one_wins_the_other_is_told(shared_url: str) -> None:
    # Both read the case (version 1), both decide: exactly one event, the loser is told.
    ana_engine, bo_engine = open_database(shared_url), open_database(shared_url)
    try:
        with Session(ana_engine) as ana, Session(bo_engine) as bo:
            ana_seen = reviews.review_queue(ana)[0]
            bo_seen = reviews.review_queue(bo)[0]
            ana.rollback(), bo.rollback()  # reading done; as `review next` does before a key
            assert ana_seen.version == bo_seen.version == 1
            with ana.begin():
                reviews.decide(ana, ana_seen.review_id, "confirmed", reviewer="ana",
                               expected_version=ana_seen.version)  # fmt: skip
            with pytest.raises(ReviewConflict), bo.begin():
                reviews.decide(bo, bo_seen.review_id, "dismissed", reviewer="bo",
                               expected_version=bo_seen.version)  # fmt: skip
        with Session(ana_engine) as session:
            events = session.scalars(select(ReviewEvent).order_by(ReviewEvent.id)).all()
            assert [(e.reviewer, e.to_status) for e in events] == [
                ("maskscreen", "open"), ("ana", "confirmed"),
            ]  # fmt: skip
            assert session.get(Review, ana_seen.review_id).status == "confirmed"
    finally:
        ana_engine.dispose()
        bo_engine.dispose()


def test_a_decision_racing_an_uncommitted_one_is_a_conflict(shared_url: str, backend: str) -> None:
    # Ana has updated the case but not committed when Bo decides: Bo waits for her
    # row lock (PostgreSQL) or the write lock (SQLite), then sees her version and is told.
    ana_engine, bo_engine = open_database(shared_url), open_database(shared_url)
    outcome: list[BaseException | None] = []
    try:
        with Session(ana_engine) as ana:
            case = reviews.review_queue(ana)[0]
            ana.rollback()
            ana.begin()
            reviews.decide(ana, case.review_id, "confirmed", reviewer="ana", expected_version=1)

            def bo_decides() -> None:
                try:
                    with Session(bo_engine) as bo, bo.begin():
                        reviews.decide(bo, case.review_id, "dismissed", reviewer="bo")
                    outcome.append(None)
                except BaseException as exc:  # noqa: BLE001 - handed to the test thread
                    outcome.append(exc)

            bo_thread = threading.Thread(target=bo_decides)
            bo_thread.start()
            bo_thread.join(0.5)
            assert bo_thread.is_alive(), f"{backend}: Bo did not wait for Ana"
            ana.commit()
            bo_thread.join(10)
        # PostgreSQL: Bo read version 1 before Ana committed; his UPDATE ... WHERE
        # version = 1 waited on her row lock, then matched nothing. SQLite: Bo's write
        # waited for hers, then he read "confirmed", from which "dismissed" is no move.
        expected = ReviewConflict if backend == "postgresql" else InvalidTransition
        assert outcome and type(outcome[0]) is expected, outcome
        with Session(ana_engine) as session:
            statuses = [
                e.to_status for e in session.scalars(select(ReviewEvent).order_by(ReviewEvent.id))
            ]
            assert statuses == ["open", "confirmed"]
    finally:
        ana_engine.dispose()
        bo_engine.dispose()


def test_reviewers_reading_in_open_transactions_still_lose_cleanly(shared_url: str) -> None:
    # Both keep the transaction they read in: on SQLite Bo's snapshot is stale once
    # Ana commits, which decide() reports as a conflict too, never as a crash.
    ana_engine, bo_engine = open_database(shared_url), open_database(shared_url)
    try:
        with Session(ana_engine) as ana, Session(bo_engine) as bo:
            ana_seen, bo_seen = reviews.review_queue(ana)[0], reviews.review_queue(bo)[0]
            reviews.decide(ana, ana_seen.review_id, "dismissed", reviewer="ana", expected_version=1)
            ana.commit()
            with pytest.raises(ReviewConflict):
                reviews.decide(
                    bo, bo_seen.review_id, "confirmed", reviewer="bo", expected_version=1
                )
            bo.rollback()
        with Session(ana_engine) as session:
            assert [e.reviewer for e in session.scalars(select(ReviewEvent))] == [
                "maskscreen",
                "ana",
            ]
    finally:
        ana_engine.dispose()
        bo_engine.dispose()
