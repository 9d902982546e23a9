"""The audit sample of unflagged listings, and reviewers' decisions as training labels."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.db import reviews
from maskscreen.db.models import Review
from maskscreen.db.reviews import audit
from tests.db.analytics_data import seed


def test_candidates_are_unflagged_listings_without_a_case(session: Session) -> None:
    ids = seed(session)
    assert audit.audit_candidates(session) == [ids[6], ids[9]]
    assert audit.audit_candidates(session, site="market") == [ids[9]]


def test_sample_is_reproducible_with_a_seed() -> None:
    candidates = list(range(100))
    first = audit.choose_sample(candidates, 10, seed=3)
    assert first == audit.choose_sample(candidates, 10, seed=3)
    assert len(set(first)) == 10 and first == sorted(first)
    assert audit.choose_sample(candidates, 500, seed=3) == candidates


def test_audit_cases_are_open_with_source_audit_and_an_event(session: Session) -> None:
    ids = seed(session)
    assert audit.open_audit_cases(session, [ids[6], ids[9], ids[1]]) == 2  # 1 has a case
    cases = session.execute(
        select(Review.id, Review.status, Review.source).where(
            Review.listing_id.in_([ids[6], ids[9]])
        )
    ).all()
    assert {(status, source) for _, status, source in cases} == {("open", "audit")}
    history = reviews.review_history(session, cases[0].id)
    assert [(e.to_status, e.note) for e in history] == [("open", "audit sample")]
    assert audit.audit_candidates(session) == []


def test_review_labels_are_decided_cases_with_current_text(session: Session) -> None:
    ids = seed(session)
    labels = {row.listing_id: row for row in audit.review_labels(session)}
    # 4 is still open: no label. 5 (audit, confirmed) had a benign verdict.
    assert set(labels) == {ids[n] for n in (1, 2, 3, 5, 7, 8)}
    assert labels[ids[1]].confirmed and labels[ids[1]].predicted_label == "custom_face_copy"
    assert not labels[ids[2]].confirmed
    assert labels[ids[5]].confirmed and labels[ids[5]].predicted_label == "benign"
    assert labels[ids[8]].language == "zh" and labels[ids[8]].title == "硅胶 模具 手工"
