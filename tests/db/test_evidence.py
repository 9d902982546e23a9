"""Evidence kept at flag time, and the re-check records (db.evidence, db.rechecks)."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from maskscreen.db import evidence, rechecks, store
from maskscreen.db.models import Listing, Review
from tests.db.factories import make_listing, make_verdict

FETCHED = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def flagged_listing(session: Session, n: int = 1, site: str = "shop") -> tuple[int, int]:
    """(listing_id, version_id) of a new listing with an open review case."""
    site_id = store.get_or_create_site(session, site)
    [result] = store.upsert_listings(session, site_id, [make_listing(n)])
    store.record_classifications(session, [(result.version_id, make_verdict())])
    return result.listing_id, result.version_id


def page(version_id: int, body: bytes = b"<html>mask</html>", **overrides) -> dict:
    return {"listing_version_id": version_id, "url": "https://shop.example/products/1",
            "http_status": 200, "content_type": "text/html; charset=utf-8", "body": body,
            "fetched_at": FETCHED, **overrides}  # fmt: skip


def test_pack_hashes_the_whole_body_and_keeps_a_bounded_gzip():
    body = b"x" * 100
    packed = evidence.pack(body, max_body=40)
    assert packed["sha256"] == hashlib.sha256(body).hexdigest()
    assert (packed["size"], packed["truncated"]) == (100, True)
    assert gzip.decompress(packed["body"]) == b"x" * 40
    assert evidence.pack(body)["truncated"] is False
    assert evidence.pack(body)["body"] == evidence.pack(body)["body"]  # deterministic


def test_evidence_is_kept_once_per_version_and_page(session: Session):
    listing_id, version_id = flagged_listing(session)
    assert evidence.record_evidence(session, [page(version_id), page(version_id)]) == 1
    assert evidence.record_evidence(session, [page(version_id)]) == 0  # already kept
    assert evidence.record_evidence(session, [page(version_id, b"<html>edited</html>")]) == 1
    rows = evidence.evidence_for_listing(session, listing_id)
    assert len(rows) == 2
    first = rows[0]
    assert (first.url, first.http_status, first.size, first.truncated) == (
        "https://shop.example/products/1",
        200,
        17,
        False,
    )
    assert first.fetched_at == FETCHED and first.content_type.startswith("text/html")
    assert evidence.evidence_body(session, first.id) in (
        b"<html>mask</html>",
        b"<html>edited</html>",
    )
    assert evidence.evidence_body(session, 10**9) is None


def test_big_evidence_is_truncated_and_marked(session: Session):
    listing_id, version_id = flagged_listing(session)
    body = b"<html>" + b"a" * (evidence.MAX_BODY + 10)
    evidence.record_evidence(session, [page(version_id, body)])
    [row] = evidence.evidence_for_listing(session, listing_id)
    assert row.truncated and row.size == len(body)
    assert len(evidence.evidence_body(session, row.id)) == evidence.MAX_BODY


def test_recheck_targets_are_listings_under_review_not_yet_removed(session: Session):
    watched, _ = flagged_listing(session, 1)
    dismissed, _ = flagged_listing(session, 2)
    removed, _ = flagged_listing(session, 3, site="other")
    site_id = store.get_or_create_site(session, "shop")
    store.upsert_listings(session, site_id, [make_listing(4)])  # never flagged
    session.execute(update(Review).where(Review.listing_id == dismissed).values(status="dismissed"))
    rechecks.mark_removed(session, [removed])
    assert [t.listing_id for t in rechecks.recheck_targets(session)] == [watched]
    assert rechecks.recheck_targets(session, site="other") == []
    [target] = rechecks.recheck_targets(session, site="shop")
    assert (target.url, target.review_status) == (make_listing(1)["url"], "open")


def test_first_removal_time_is_kept(session: Session):
    listing_id, _ = flagged_listing(session)
    first = datetime(2026, 5, 2, tzinfo=UTC)
    rechecks.mark_removed(session, [listing_id], at=first)
    rechecks.mark_removed(session, [listing_id], at=first + timedelta(days=3))
    row = session.get(Listing, listing_id)
    session.refresh(row)
    assert (row.status, row.removed_at) == ("removed", first)
    assert rechecks.removal_times(session, [listing_id, 10**9]) == {listing_id: first}


def test_edits_are_noted_only_for_listings_under_review(session: Session):
    watched, _ = flagged_listing(session, 1)
    site_id = store.get_or_create_site(session, "shop")
    [plain] = store.upsert_listings(session, site_id, [make_listing(2)])
    assert (
        rechecks.note_edits(session, [(watched, "edited: now benign"), (plain.listing_id, "x")])
        == 1
    )
    history = rechecks.check_history(session, watched)
    assert [(h["outcome"], h["note"]) for h in history] == [("changed", "edited: now benign")]
    assert rechecks.check_history(session, plain.listing_id) == []
    case = session.scalars(select(Review.status).where(Review.listing_id == watched)).one()
    assert case == "open"  # the case is not touched


def test_unknown_outcome_is_refused(session: Session):
    listing_id, _ = flagged_listing(session)
    with pytest.raises(ValueError):
        rechecks.record_checks(session, [{"listing_id": listing_id, "outcome": "edited"}])
    with pytest.raises(IntegrityError), session.begin_nested():  # the database says so too
        session.execute(
            rechecks.listing_checks.insert().values(
                listing_id=listing_id, outcome="edited", checked_at=FETCHED
            )
        )


def test_time_to_removal_is_the_median_per_site(session: Session):
    ids = [flagged_listing(session, n)[0] for n in (1, 2, 3)]
    other = flagged_listing(session, 4, site="other")[0]
    opened = datetime(2026, 5, 1, tzinfo=UTC)
    session.execute(update(Review).values(opened_at=opened))
    for listing_id, hours in zip([*ids, other], [2, 10, 30, 5], strict=False):
        rechecks.mark_removed(session, [listing_id], at=opened + timedelta(hours=hours))
    times = {t.site: t for t in rechecks.time_to_removal(session)}
    assert (times["shop"].removed, times["shop"].median_hours) == (3, 10.0)
    assert times["other"].median_hours == 5.0
    assert [t.site for t in rechecks.time_to_removal(session, site="other")] == ["other"]


def test_recheck_targets_are_web_pages_only(session) -> None:
    """A catalogue row (classify --store) under review has no page to visit."""
    site = store.get_or_create_site(session, "catalogue")
    [row] = store.upsert_listings(
        session, site, [make_listing(1, url="catalogue:warehouse/sku-1", site="catalogue")]
    )
    store.record_classifications(session, [(row.version_id, make_verdict())])
    assert rechecks.recheck_targets(session, site="catalogue") == []
