"""Every ```sql block in docs/analysts.md runs on SQLite and PostgreSQL against seeded data
and returns the columns its `-- returns:` comment names, with rows."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.db import reviews, store
from maskscreen.db.models import Review
from tests.db.factories import benign_verdict, make_listing, make_verdict

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysts.md"
BLOCKS = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def returns(sql: str) -> list[str]:
    match = re.match(r"--\s*returns:\s*(.+)", sql)
    assert match, f"block does not start with '-- returns: …':\n{sql}"
    return [name.strip() for name in match.group(1).split(",")]


def seed(session: Session) -> None:
    shop = store.get_or_create_site(session, "shop")
    market = store.get_or_create_site(session, "market")
    on_shop = store.upsert_listings(session, shop, [
        make_listing(1, seller="A", seller_url=None, description="WeChat: facecopy88"),
        make_listing(2, seller="A", seller_url=None),
        make_listing(3, seller="B", seller_url=None),
        make_listing(4, seller="B", seller_url=None),
        make_listing(5, seller="B", seller_url=None),
        make_listing(6, seller="C", seller_url=None),
    ])  # fmt: skip
    on_market = store.upsert_listings(session, market, [
        make_listing(7, seller="Z", seller_url=None, description="微信：FaceCopy88"),
    ])  # fmt: skip
    rows = on_shop + on_market
    store.record_classifications(session, [
        (rows[0].version_id, make_verdict(label="custom_face_copy", signals={"made_to_order": True})),
        (rows[1].version_id, make_verdict()),
        (rows[2].version_id, make_verdict()),
        (rows[3].version_id, make_verdict()),
        (rows[4].version_id, make_verdict(model_version="test-model-2")),
        (rows[5].version_id, benign_verdict()),
        (rows[6].version_id, make_verdict()),
    ])  # fmt: skip
    case = {
        n: session.scalar(select(Review.id).where(Review.listing_id == rows[n - 1].listing_id))
        for n in (1, 2, 3, 4, 5, 7)
    }
    for n, path in {
        1: ["confirmed", "actioned", "removed"],
        2: ["confirmed", "actioned"],
        3: ["dismissed"],
        4: ["escalated", "confirmed"],
        7: ["confirmed"],
    }.items():
        for status in path:
            reviews.decide(session, case[n], status, reviewer="ana", note=f"to {status}")


def test_the_doc_has_six_to_ten_queries() -> None:
    assert 6 <= len(BLOCKS) <= 10


@pytest.mark.parametrize("sql", BLOCKS, ids=[returns(b)[0] + f"-{i}" for i, b in enumerate(BLOCKS)])
def test_documented_query_runs(session: Session, sql: str) -> None:
    seed(session)
    result = session.connection().exec_driver_sql(sql)
    assert list(result.keys()) == returns(sql)
    rows = result.all()
    assert rows, "the seeded data should give every documented query rows"


def test_views_hold_what_the_doc_says(session: Session) -> None:
    seed(session)
    query = session.connection().exec_driver_sql
    assert query("SELECT site, confirmed, actioned, removed FROM takedown_stats ORDER BY site").all() == [
        ("market", 1, 0, 0), ("shop", 1, 1, 1),
    ]  # fmt: skip
    [(site, hours)] = query("SELECT site, hours FROM takedown_delays").all()
    assert site == "shop" and 0 <= hours < 1
    summary = query(
        "SELECT name, listings, flagged, confirmed, dismissed, handles FROM seller_summary ORDER BY name"
    ).all()
    assert [tuple(row) for row in summary] == [
        ("A", 2, 2, 2, 0, 1), ("B", 3, 3, 1, 1, 0), ("C", 1, 0, 0, 0, 0), ("Z", 1, 1, 1, 0, 1),
    ]  # fmt: skip
    [(status, signals)] = query("SELECT status, signals FROM review_queue").all()
    assert status == "open" and json.loads(signals) == make_verdict()["signals"]
