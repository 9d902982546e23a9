"""The listing's life on the demo shop: crawl day 1, re-crawl and recheck day 2.

Each crawl runs `maskscreen` in a subprocess (one reactor per process) against a
demo shop served from this process, so the shop can move to the next day between them.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.crawler.demo.catalog import NEXT_DAY, load_products
from maskscreen.crawler.demo.server import DemoShop
from maskscreen.db import rechecks, reviews
from maskscreen.db.migrate import open_database
from maskscreen.db.models import (
    Classification,
    CrawlRun,
    Evidence,
    Listing,
    ListingCheck,
    ListingVersion,
    Review,
)
from tests.helpers import run_cli

pytestmark = pytest.mark.slow

PRODUCTS = load_products()
EDITED_FLAG = "old-man-silicone-mask-super-realistic-elderly-82"
EDITED_HARMLESS = "sleep-mask-silk-100-mulberry-blackout-eye-2"
GONE = {NEXT_DAY["gone"][0]: "HTTP 404", NEXT_DAY["redirected"][0]: "redirected to",
        NEXT_DAY["delisted"][0]: "已下架"}  # fmt: skip


def slug(url: str) -> str:
    return url.rsplit("/p/", 1)[1]


@pytest.fixture(scope="module")
def life(tmp_path_factory):
    """Crawl day 1, re-crawl day 2, recheck day 2 twice; the outputs and the database URL."""
    tmp = tmp_path_factory.mktemp("recheck")
    url = f"sqlite:///{tmp / 'life.sqlite'}"
    env = {"XDG_DATA_HOME": str(tmp / "data")}
    outputs = {}
    with DemoShop() as shop:
        for step, day, args in [
            ("crawl1", 1, ["crawl", shop.base_url + "/", "--site", "demo-shop"]),
            ("crawl2", 2, ["crawl", shop.base_url + "/", "--site", "demo-shop"]),
            ("recheck", 2, ["recheck"]),
            ("recheck_again", 2, ["recheck", "--site", "demo-shop"]),
        ]:
            shop.set_day(day)
            done = run_cli(*args, "--db", url, env=env)
            assert done.returncode == 0, done.stderr[-3000:]
            outputs[step] = done.stdout
    engine = open_database(url)
    yield url, engine, outputs
    engine.dispose()


def by_slug(session: Session) -> dict[str, int]:
    return {slug(u): lid for lid, u in session.execute(select(Listing.id, Listing.url))}


def test_recrawl_stores_edits_and_reclassifies_only_them(life):
    _, engine, outputs = life
    vanished = len(GONE)
    seen = len(PRODUCTS) - vanished + 2  # + the gift card and broken-JSON-LD pages (heuristic)
    assert f"listings seen {seen} (new 0, changed 2, unchanged {seen - 2})" in outputs["crawl2"]
    with Session(engine) as session:
        ids = by_slug(session)
        versions = session.scalar(select(func.count()).select_from(ListingVersion))
        classified = session.scalar(select(func.count()).select_from(Classification))
        assert versions == classified == len(PRODUCTS) + 2 + 2  # 2 heuristic, 2 edited
        harmless = session.scalar(
            select(func.count())
            .select_from(ListingVersion)
            .where(ListingVersion.listing_id == ids[EDITED_HARMLESS])
        )
        assert harmless == 2


def test_flagged_listing_edited_to_drop_keywords_stays_under_review(life):
    _, engine, _ = life
    with Session(engine) as session:
        listing_id = by_slug(session)[EDITED_FLAG]
        case = session.scalars(select(Review).where(Review.listing_id == listing_id)).one()
        assert case.status == "open"
        history = rechecks.check_history(session, listing_id)
        assert history[0]["outcome"] == "changed" and "not flagged" in history[0]["note"]
        assert [h["outcome"] for h in history[1:]] == ["live", "live"]
        latest = session.scalars(
            select(Classification.flagged).join(ListingVersion)
            .where(ListingVersion.listing_id == listing_id).order_by(Classification.id)
        ).all()  # fmt: skip
        assert latest == [True, False]


def test_recheck_finds_the_removed_listings_and_why(life):
    _, engine, outputs = life
    assert "changed 0, removed 3, unreachable 0" in outputs["recheck"]
    assert "demo-shop" in outputs["recheck"] and "hours_from_flag" in outputs["recheck"]
    with Session(engine) as session:
        ids = by_slug(session)
        for gone, reason in GONE.items():
            listing = session.get(Listing, ids[gone])
            assert listing.status == "removed" and listing.removed_at is not None
            [seen] = rechecks.check_history(session, ids[gone])
            assert seen["outcome"] == "removed" and reason in seen["note"]
        outcomes = dict(
            session.execute(
                select(ListingCheck.outcome, func.count()).group_by(ListingCheck.outcome)
            ).all()
        )
        [times] = rechecks.time_to_removal(session)
        assert (times.site, times.removed) == ("demo-shop", 3)
    assert outcomes["removed"] == 3


def test_recheck_visits_only_listings_under_review_until_removed(life):
    _, engine, outputs = life
    with Session(engine) as session:
        watched = session.scalar(select(func.count()).select_from(Review))
    assert f"rechecked {watched} listings under review" in outputs["recheck"]
    assert f"rechecked {watched - 3} listings under review" in outputs["recheck_again"]
    assert "removed 0" in outputs["recheck_again"]


def test_evidence_was_kept_at_flag_time_for_every_flag(life):
    _, engine, _ = life
    with Session(engine) as session:
        flagged = session.scalar(
            select(func.count()).select_from(Classification).where(Classification.flagged)
        )
        kept = session.scalars(select(Evidence)).all()
        assert len(kept) == flagged
        ids = by_slug(session)
        gone = ids[NEXT_DAY["gone"][0]]
        [page] = [e for e in kept if e.url.endswith(NEXT_DAY["gone"][0])]
        body = gzip.decompress(page.body)
        assert hashlib.sha256(body).hexdigest() == page.sha256 and not page.truncated
        assert page.http_status == 200 and b"application/ld+json" in body
        assert session.get(Listing, gone).status == "removed"  # evidence outlives the page


def test_flagged_command_shows_removal_time(life):
    url, _, _ = life
    done = run_cli("flagged", "--db", url, "--json", "--limit", "500")
    assert done.returncode == 0, done.stderr
    rows = {slug(r["url"]): r for r in map(json.loads, done.stdout.splitlines())}
    assert all(rows[s]["removed_at"] for s in GONE)
    assert sum(1 for r in rows.values() if r["removed_at"]) == 3


def test_recheck_writes_a_crawl_run_and_notes_takedowns_on_the_cases(life):
    _, engine, _ = life
    with Session(engine) as session:
        watched = session.scalar(select(func.count()).select_from(Review))
        runs = session.scalars(select(CrawlRun).where(CrawlRun.command.like("maskscreen recheck%"))
                               .order_by(CrawlRun.id)).all()  # fmt: skip
        assert [r.command for r in runs] == [
            "maskscreen recheck",
            "maskscreen recheck --site demo-shop",
        ]
        first, again = runs
        assert first.status == again.status == "finished" and first.finished_at is not None
        assert (first.listings, first.pages, first.changed, first.errors) == (
            watched,
            watched,
            0,
            0,
        )
        assert first.unchanged == watched - 3  # the rest were live
        assert (again.listings, again.pages, again.unchanged) == ((watched - 3,) * 3)
        ids = by_slug(session)
        for gone, reason in GONE.items():
            case = session.scalars(select(Review).where(Review.listing_id == ids[gone])).one()
            assert case.status == "open"  # nobody confirmed it: still a reviewer's decision
            last = reviews.review_history(session, case.id)[-1]
            assert (last.from_status, last.to_status) == ("open", "open")
            assert last.reviewer == "maskscreen" and "recheck: listing removed" in last.note
            assert reason in last.note
