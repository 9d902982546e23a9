"""A small store for the analytics tests: two sites, flags by two model versions, decisions.

shop:   1 custom_face_copy (m1) confirmed 10h ago, removed 6h ago (4 h to removal)
        2 realistic (m1) dismissed · 3 realistic (m2) confirmed, actioned · 4 (m2) open
        5 benign (en), audit case confirmed (a miss) · 6 benign, no case
market: 7 hostile title and seller (m2) confirmed 3h ago, removed 1h ago (2 h)
        8 benign (zh), audit case dismissed · 9 benign, no case
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from maskscreen.db import store
from maskscreen.db.models import Base, Review, utcnow
from tests.db.factories import benign_verdict, make_listing, make_verdict

HOSTILE_TITLE = '<script>alert("x")</script> Real face copy & <img src=x onerror=alert(1)>'
HOSTILE_SELLER = "<b>evil</b> seller"

reviews = Base.metadata.tables["reviews"]
review_events = Base.metadata.tables["review_events"]


def move(
    session: Session, review_id: int, to_status: str, at: datetime, reviewer: str = "ana"
) -> None:
    """A reviewer's move written as the workflow writes it: an event, then the case."""
    status = session.scalar(select(reviews.c.status).where(reviews.c.id == review_id))
    session.execute(
        review_events.insert().values(
            review_id=review_id, reviewer=reviewer, at=at, from_status=status, to_status=to_status
        )
    )
    session.execute(
        update(reviews).where(reviews.c.id == review_id).values(status=to_status, updated_at=at)
    )


def case_of(session: Session, listing_id: int) -> int:
    return session.scalars(select(Review.id).where(Review.listing_id == listing_id)).one()


def open_audit_case(session: Session, listing_id: int) -> int:
    from maskscreen.db.reviews.audit import open_audit_cases

    open_audit_cases(session, [listing_id])
    return case_of(session, listing_id)


def seed(session: Session, now: datetime | None = None) -> dict[int, int]:
    """Write the store above; returns listing number -> listing id."""
    now = now or utcnow()

    def ago(hours: float) -> datetime:
        return now - timedelta(hours=hours)

    shop = store.get_or_create_site(session, "shop")
    market = store.get_or_create_site(session, "market")
    shop_rows = store.upsert_listings(session, shop, [make_listing(n) for n in range(1, 7)])
    market_rows = store.upsert_listings(session, market, [
        make_listing(7, url="https://market.example/7", title=HOSTILE_TITLE, seller=HOSTILE_SELLER),
        make_listing(8, url="https://market.example/8", title="硅胶 模具 手工", language="zh"),
        make_listing(9, url="https://market.example/9", title="Sheet mask for skin"),
    ])  # fmt: skip
    rows = shop_rows + market_rows
    verdicts = {
        1: make_verdict(label="custom_face_copy", score=0.97, model_version="m1"),
        2: make_verdict(score=0.81, model_version="m1"),
        3: make_verdict(score=0.9, model_version="m2"),
        4: make_verdict(score=0.7, model_version="m2"),
        7: make_verdict(label="custom_face_copy", score=0.99, model_version="m2"),
    }
    store.record_classifications(session, [
        (row.version_id, verdicts.get(n, benign_verdict(model_version="m2")))
        for n, row in enumerate(rows, start=1)
    ])  # fmt: skip
    ids = {n: row.listing_id for n, row in enumerate(rows, start=1)}
    move(session, case_of(session, ids[1]), "confirmed", ago(10))
    move(session, case_of(session, ids[1]), "actioned", ago(9))
    move(session, case_of(session, ids[1]), "removed", ago(6))
    move(session, case_of(session, ids[2]), "dismissed", ago(5))
    move(session, case_of(session, ids[3]), "confirmed", ago(4))
    move(session, case_of(session, ids[3]), "actioned", ago(3))
    move(session, case_of(session, ids[7]), "confirmed", ago(3))
    move(session, case_of(session, ids[7]), "removed", ago(1))
    move(session, open_audit_case(session, ids[5]), "confirmed", ago(2))
    move(session, open_audit_case(session, ids[8]), "dismissed", ago(2))
    session.flush()
    return ids
