"""A reviewer's decision on a case, for the pages and the API alike: through db.reviews.

Every decision goes through ``db.reviews.decide`` with the version the reviewer saw, so
the append-only trail records the signed-in reviewer and a case somebody else moved
first is reported as a conflict, never overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Request

from maskscreen.db import reviews
from maskscreen.web.auth import writing

# What a reviewer says -> the status the case moves to.
DECISIONS = {
    "confirm": "confirmed",
    "dismiss": "dismissed",
    "escalate": "escalated",
    "actioned": "actioned",
    "removed": "removed",
    "reopen": "open",
}
MAX_NOTE = 2000


@dataclass(frozen=True)
class Outcome:
    review_id: int
    status: str
    version: int


def decide(
    request: Request,
    review_id: int,
    decision: str,
    *,
    reviewer: str,
    note: str | None,
    version: int | None,
) -> Outcome:
    """Move the case (one transaction); raises db.reviews' UnknownCase, InvalidTransition,
    ReviewConflict with nothing written."""
    to_status = DECISIONS[decision]
    note = (note or "").strip()[:MAX_NOTE] or None
    with writing(request) as session:
        new_version = reviews.decide(
            session, review_id, to_status, reviewer=reviewer, note=note,
            expected_version=version,
        )  # fmt: skip
    return Outcome(review_id, to_status, new_version)


def parse_ids(text: str | None, limit: int = 200) -> list[int]:
    """Case ids from "3,17,42" (the cases a reviewer skipped); anything else is ignored."""
    found = [int(part) for part in re.findall(r"(?<!\d)\d{1,12}(?!\d)", text or "")]
    return sorted(set(found))[:limit]


def highlight(text: str | None, phrases: list) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_a_reason) so a template can mark the reasons, escaped.

    A reason's quoted phrase is matched case-insensitively in the listing's own words.
    """
    if not text:
        return []
    quoted = set()
    for reason in phrases:
        if isinstance(reason, str):  # "evasion claim: 'passes face ID'" or "'man'"
            quoted.update(re.findall(r"'([^']+)'", reason) or [reason])
    words = sorted((w.strip() for w in quoted if w.strip()), key=len, reverse=True)
    words = [w for w in words if len(w) >= 2][:50]
    if not words:
        return [(text, False)]
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() > at:
            pieces.append((text[at : match.start()], False))
        pieces.append((match.group(0), True))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces
