"""Review cases: opened when a listing is first flagged, moved by reviewers.

A case moves only along ``TRANSITIONS``: open -> confirmed | dismissed | escalated;
escalated -> confirmed | dismissed; confirmed -> actioned (takedown requested);
confirmed | actioned -> removed (seen gone; a recheck moves them, ``record_removals``);
a decided case -> open again when its listing changes (``reopen_changed``) or a
reviewer reopens it.

Every move appends a ``review_events`` row (who, when, from, to, note); code only
ever inserts events. Moves are optimistic: ``UPDATE ... WHERE id = :id AND version =
:seen`` with ``version + 1``; no row updated means somebody else moved the case
first (``ReviewConflict``) and nothing is written. Functions take a session and
never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, bindparam, func, literal, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from maskscreen.db.errors import InvalidTransition, ReviewConflict, ReviewError, UnknownCase
from maskscreen.db.models import (
    CONFIRMED_STATES,
    DECIDED_STATES,
    QUEUE_STATES,
    UTCDateTime,
    utcnow,
)
from maskscreen.db.reviews.reads import (
    CaseFile,
    ReviewCase,
    ReviewEventRow,
    load_case,
    next_case,
    review_history,
    review_queue,
)
from maskscreen.db.sellers.linking import PEER_PAIRS, linked_sellers
from maskscreen.db.sql import chunks, insert_rows, rowcount
from maskscreen.db.tables import classifications, listings, review_events, reviews

__all__ = [
    "CaseFile",
    "InvalidTransition",
    "ReviewCase",
    "ReviewConflict",
    "ReviewError",
    "ReviewEventRow",
    "UnknownCase",
    "decide",
    "load_case",
    "next_case",
    "open_reviews",
    "record_removals",
    "reopen_changed",
    "review_history",
    "review_priority",
    "review_queue",
    "seller_confirmed_counts",
]

SYSTEM_REVIEWER = "maskscreen"
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"confirmed", "dismissed", "escalated"}),
    "escalated": frozenset({"confirmed", "dismissed"}),
    "confirmed": frozenset({"actioned", "removed", "open"}),
    "actioned": frozenset({"removed", "open"}),
    "dismissed": frozenset({"open"}),
    "removed": frozenset({"open"}),
}
# The first event of a case, by its source (db.models.REVIEW_SOURCES).
OPENING_NOTES = {
    "flag": "flagged",
    "audit": "audit sample",
    "needs_human": "language not supported: needs a human",
}
# A takedown seen by a recheck moves these cases to removed; open and escalated cases
# keep their status (a reviewer still decides them) and get an event saying so.
TAKEDOWN_MOVES = ("confirmed", "actioned")
TAKEDOWN_NOTES = ("open", "escalated")

# How much each raised signal adds to a case's priority (score is in [0, 1]).
SIGNAL_WEIGHTS = {"evasion_claim": 1.0, "made_to_order": 1.0, "off_platform_contact": 0.5}
OTHER_SIGNAL_WEIGHT = 0.25
# Each confirmed case of the same seller (or a seller sharing a handle) adds this, up to a cap.
SELLER_WEIGHT = 0.5
SELLER_CAP = 2


def review_priority(
    score: float, signals: dict[str, Any] | None, seller_confirmed: int = 0
) -> float:
    """A case's place in the queue: the score, raised by each signal that fired and by
    the confirmed cases of its seller and linked sellers. The only place it is computed."""
    raised = [name for name, value in (signals or {}).items() if value]
    bonus = sum(SIGNAL_WEIGHTS.get(name, OTHER_SIGNAL_WEIGHT) for name in raised)
    bonus += SELLER_WEIGHT * min(seller_confirmed, SELLER_CAP)
    return round(float(score) + bonus, 6)


def _confirmed_per_seller() -> Select[Any]:
    """(seller_id, confirmed cases of it and its linked sellers) for the ``seller_ids``
    parameter; built once (see db.sellers.PEER_PAIRS)."""
    peers = PEER_PAIRS.subquery()
    return (
        select(peers.c.seller_id, func.count())
        .select_from(
            peers.join(listings, listings.c.seller_id == peers.c.peer).join(
                reviews, reviews.c.listing_id == listings.c.id
            )
        )
        .where(reviews.c.status.in_(CONFIRMED_STATES))
        .group_by(peers.c.seller_id)
    )


def seller_confirmed_counts(
    session: Session,
    listing_ids: Iterable[int],
    seller_of: dict[int, int | None] | None = None,
) -> dict[int, int]:
    """Per listing: confirmed cases (confirmed, actioned, removed) of its seller and of
    the sellers sharing a handle with it. ``seller_of`` (listing -> seller), if the
    caller has it, saves a query."""
    wanted = sorted(set(listing_ids))
    if seller_of is None:
        seller_of = {}
        for batch in chunks(wanted):
            found = session.execute(
                select(listings.c.id, listings.c.seller_id).where(listings.c.id.in_(batch))
            )
            seller_of.update(dict(found.all()))
    mine = {lid: seller_of.get(lid) for lid in wanted}
    confirmed: dict[int, int] = {}
    for batch in chunks(sorted({sid for sid in mine.values() if sid is not None})):
        found = session.execute(_CONFIRMED_PER_SELLER, {"seller_ids": list(batch)})
        confirmed.update(dict(found.all()))
    return {lid: confirmed[sid] for lid, sid in mine.items() if sid in confirmed}


_CONFIRMED_PER_SELLER = _confirmed_per_seller()


def open_reviews(
    session: Session,
    candidates: list[tuple[int, int, float, dict[str, Any] | None]],
    *,
    at: datetime | None = None,
    seller_of: dict[int, int | None] | None = None,
    source: str = "flag",
) -> int:
    """Open a case for each (listing_id, classification_id, score, signals) without one.

    A listing that already has a case (whatever its status) is left alone. Its
    priority counts its seller's history (``seller_of``: listing -> seller, if known).
    ``source`` says why: ``flag`` (the model flagged it) or ``needs_human`` (a language
    the model does not cover). Returns the number of cases opened.
    """
    if not candidates:
        return 0
    at = at or utcnow()
    history = seller_confirmed_counts(session, [c[0] for c in candidates], seller_of)
    best: dict[int, tuple[float, int]] = {}  # listing -> (priority, classification), the highest
    for listing_id, classification_id, score, signals in candidates:
        priority = review_priority(score, signals, history.get(listing_id, 0))
        if listing_id not in best or priority > best[listing_id][0]:
            best[listing_id] = (priority, classification_id)
    # Sorted, so that two writers insert (and lock) the same listings' cases in one order.
    rows = [(lid, cid, priority) for lid, (priority, cid) in sorted(best.items())]
    opened = insert_rows(
        session, reviews, ("listing_id", "classification_id", "priority"), rows,
        same={"status": "open", "source": source, "opened_at": at, "updated_at": at,
              "version": 1},
        on_conflict="ON CONFLICT (listing_id) DO NOTHING",
        returning=("id",),
    )  # fmt: skip
    insert_rows(
        session, review_events, ("review_id",), sorted(opened),
        same={"reviewer": SYSTEM_REVIEWER, "at": at, "from_status": None, "to_status": "open",
              "note": OPENING_NOTES[source]},
    )  # fmt: skip
    return len(opened)


def decide(
    session: Session,
    review_id: int,
    to_status: str,
    *,
    reviewer: str,
    note: str | None = None,
    expected_version: int | None = None,
) -> int:
    """Move a case to ``to_status``, append the event; returns the case's new version.

    ``expected_version``: the version the reviewer saw; if the case has moved since,
    ReviewConflict. Raises UnknownCase, InvalidTransition, ReviewConflict (one line
    each); on any of them nothing has been written.
    """
    if session.get_bind().dialect.name == "sqlite":
        _take_write_lock(session, review_id)
    row: tuple[str, int, int] | None = session.execute(
        select(reviews.c.status, reviews.c.version, reviews.c.listing_id).where(
            reviews.c.id == review_id
        )
    ).first()
    if row is None:
        raise UnknownCase(f"no review case {review_id}")
    status, version, listing_id = row
    if expected_version is not None and version != expected_version:
        raise ReviewConflict(
            f"review case {review_id} was moved by someone else (now {status}); look again"
        )
    if to_status not in TRANSITIONS.get(status, ()):
        allowed = ", ".join(sorted(TRANSITIONS.get(status, ()))) or "nothing"
        raise InvalidTransition(
            f"review case {review_id} is {status}: it can move to {allowed}, not {to_status}"
        )
    now = utcnow()
    moved = session.execute(
        update(reviews)
        .where(reviews.c.id == review_id, reviews.c.version == version)
        .values(status=to_status, version=version + 1, updated_at=now,
                decided_by=reviewer, decided_at=now)
    )  # fmt: skip
    if rowcount(moved) != 1:
        raise ReviewConflict(f"review case {review_id} was moved by someone else; look again")
    session.execute(
        review_events.insert().values(
            review_id=review_id, reviewer=reviewer, at=now,
            from_status=status, to_status=to_status, note=note,
        )
    )  # fmt: skip
    if to_status == "confirmed":
        reprioritise_seller_cases(session, listing_id)
    return version + 1


def _take_write_lock(session: Session, review_id: int) -> None:
    """SQLite: write before reading, so the read is not a stale snapshot (see db.session)."""
    try:
        session.execute(
            update(reviews).where(reviews.c.id == review_id).values(version=reviews.c.version)
        )
    except OperationalError as exc:
        if "locked" not in str(exc.orig):
            raise
        raise ReviewConflict(
            f"review case {review_id}: the database changed while deciding; look again"
        ) from exc


def reopen_changed(
    session: Session, listing_ids: Iterable[int], reviewer: str = SYSTEM_REVIEWER
) -> int:
    """Reopen the decided cases of listings whose content changed; returns how many.

    Two statements per batch: the events are appended from the cases' current status
    (rows locked on PostgreSQL), then those cases move to open, version + 1.
    """
    now = utcnow()
    reopened = 0
    for batch in chunks(sorted(set(listing_ids))):
        current = (
            select(
                reviews.c.id,
                literal(reviewer, String()),
                literal(now, UTCDateTime()),
                reviews.c.status,
                literal("open", String()),
                literal("listing changed", String()),
            )
            .where(reviews.c.listing_id.in_(batch), reviews.c.status.in_(DECIDED_STATES))
            .with_for_update()
        )
        columns = ["review_id", "reviewer", "at", "from_status", "to_status", "note"]
        appended = review_events.insert().from_select(columns, current)
        ids = session.scalars(appended.returning(review_events.c.review_id)).all()
        if ids:
            session.execute(
                update(reviews)
                .where(reviews.c.id.in_(ids))
                .values(status="open", version=reviews.c.version + 1, updated_at=now)
            )
            reopened += len(ids)
    return reopened


def record_removals(
    session: Session,
    removals: dict[int, str],
    *,
    reviewer: str = SYSTEM_REVIEWER,
    at: datetime | None = None,
) -> dict[int, str]:
    """A recheck saw these listings gone ({listing_id: why}): put it on their cases.

    A confirmed or actioned case moves to removed; an open or escalated case keeps its
    status (the listing may still need a decision, say for the seller's record) and
    gets an event from and to that status noting the takedown. Either way the case's
    version moves on, so a reviewer holding it is told to look again. Dismissed and
    removed cases are left alone. Returns {review_id: new status} of the cases touched.
    """
    if not removals:
        return {}
    at = at or utcnow()
    touched: dict[int, str] = {}
    for batch in chunks(sorted(removals)):
        cases = session.execute(
            select(reviews.c.id, reviews.c.listing_id, reviews.c.status, reviews.c.version)
            .where(reviews.c.listing_id.in_(batch),
                   reviews.c.status.in_(TAKEDOWN_MOVES + TAKEDOWN_NOTES))
            .with_for_update()
        ).all()  # fmt: skip
        for review_id, listing_id, status, version in cases:
            to_status = "removed" if status in TAKEDOWN_MOVES else status
            moved = session.execute(
                update(reviews)
                .where(reviews.c.id == review_id, reviews.c.version == version)
                .values(status=to_status, version=version + 1, updated_at=at)
            )
            if rowcount(moved) != 1:  # a reviewer moved it meanwhile: their decision stands
                continue
            why = removals[listing_id]
            note = (
                f"recheck: listing removed ({why})"
                if to_status == "removed"
                else f"recheck: listing removed ({why}); case left {status} for a decision"
            )
            session.execute(review_events.insert().values(
                review_id=review_id, reviewer=reviewer, at=at,
                from_status=status, to_status=to_status, note=note,
            ))  # fmt: skip
            touched[review_id] = to_status
    return touched


def reprioritise_seller_cases(session: Session, listing_id: int) -> int:
    """Recompute the priority of the open cases of a listing's seller and linked sellers."""
    seller_id = session.scalar(select(listings.c.seller_id).where(listings.c.id == listing_id))
    if seller_id is None:
        return 0
    group = linked_sellers(session, [seller_id])[seller_id]
    cases = session.execute(
        select(
            reviews.c.id, reviews.c.listing_id, classifications.c.score, classifications.c.signals
        )
        .select_from(
            reviews.join(listings, listings.c.id == reviews.c.listing_id).outerjoin(
                classifications, classifications.c.id == reviews.c.classification_id
            )
        )
        .where(listings.c.seller_id.in_(sorted(group)), reviews.c.status.in_(QUEUE_STATES))
    ).all()
    if not cases:
        return 0
    history = seller_confirmed_counts(session, [case.listing_id for case in cases])
    params = [
        {"rid": rid, "p": review_priority(score or 0.0, signals, history.get(lid, 0))}
        for rid, lid, score, signals in cases
    ]
    stmt = update(reviews).where(reviews.c.id == bindparam("rid")).values(priority=bindparam("p"))
    session.execute(stmt, params)
    return len(params)
