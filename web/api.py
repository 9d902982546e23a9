"""The HTTP API under /api/v1 (JSON; OpenAPI at /api/openapi.json, read at /api/docs).

Every route needs an account (HTTP Basic or a bearer token): analysts read and check,
reviewers also decide. Errors are ``{"status": code, "message": one line}``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from maskscreen.db import accounts, evidence, rechecks, reviews, runs, store
from maskscreen.web.auth import RowId, api_role, reading
from maskscreen.web.decisions import MAX_NOTE, decide
from maskscreen.web.rendering import render

router = APIRouter(prefix="/api")
v1 = "/v1"
Account = Annotated[accounts.UserRow, Depends(api_role("analyst"))]
ReviewerAccount = Annotated[accounts.UserRow, Depends(api_role("reviewer"))]
Reading = Annotated[Session, Depends(reading)]
Label = Literal["realistic_face_mask", "custom_face_copy", "benign"]


class Problem(BaseModel):
    """Every error: its status code and one line saying what is wrong."""

    status: int
    message: str


def _problems(*codes: tuple[int, str]) -> dict[int | str, dict[str, Any]]:
    return {code: {"description": what, "model": Problem} for code, what in codes}


ERRORS = _problems((401, "not signed in"), (403, "role too low"), (422, "bad input"))
NOT_FOUND = _problems((404, "no such case"))
CONFLICT = _problems((409, "moved by someone else, or not a move this case can make"))


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=100_000)
    price: Decimal | None = None
    url: str | None = Field(default=None, max_length=4000)


class VerdictOut(BaseModel):
    label: Label
    score: float
    scores: dict[str, float]
    flagged: bool
    signals: dict[str, bool]
    reasons: list[str]
    model_version: str
    threshold: float
    lexicon_version: str
    concepts: dict[str, list[str]] = {}  # policy concept -> the listing's own words
    language: str = "und"  # ISO 639-1 (und: no letters)
    language_supported: bool = True  # False: a language the model does not cover
    model_sha256: str = ""  # sha256 of the model file the verdict came from


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["confirm", "dismiss", "escalate", "actioned", "removed", "reopen"]
    note: str | None = Field(default=None, max_length=MAX_NOTE)
    version: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="The case version you saw."
    )


class DecisionOut(BaseModel):
    review_id: int
    status: str
    version: int
    reviewer: str


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


@router.post(f"{v1}/check", response_model=VerdictOut, responses=ERRORS, tags=["check"])
async def check(body: CheckIn, request: Request, user: Account) -> Any:
    """The verdict on one listing: the same model, the same answer as `maskscreen classify`
    (concurrent checks share one batch: web.batching)."""
    listing = {"title": body.title, "description": body.description}
    verdict = await request.app.state.batcher.predict(listing)
    return verdict.to_dict()


@router.get(f"{v1}/flagged", responses=ERRORS, tags=["analysts"])
def flagged(
    user: Account,
    session: Reading,
    site: Annotated[str | None, Query(max_length=100)] = None,
    label: Label | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    since: datetime | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the title.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Flagged listings, newest flag first, a page at a time (``next_offset``)."""
    rows = store.query_flagged(
        session, site=site, label=label, min_score=min_score, since=since, contains=q,
        limit=limit + 1, offset=offset,
    )  # fmt: skip
    items = [_plain(asdict(row)) for row in rows[:limit]]
    more = len(rows) > limit
    return {"items": items, "limit": limit, "offset": offset,
            "next_offset": offset + limit if more else None}  # fmt: skip


@router.get(f"{v1}/cases", responses=ERRORS, tags=["reviewers"])
def cases(
    user: Account,
    session: Reading,
    status: Literal["open", "escalated", "confirmed", "dismissed", "actioned", "removed", "queue"]
    | None = "queue",
    site: Annotated[str | None, Query(max_length=100)] = None,
    label: Label | None = None,
    reason: Literal["flag", "audit", "needs_human"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Review cases, highest priority first; ``status=queue`` (the default): open and
    escalated. Each case's ``reason`` (also ``source``) says why it was opened: flag,
    audit, or needs_human (a language the model does not cover)."""
    found = reviews.review_queue(
        session, status=None if status in (None, "queue") else status, site=site, label=label,
        source=reason, limit=limit + 1, offset=offset,
    )  # fmt: skip
    items = [_plain(asdict(case)) | {"reason": case.source} for case in found[:limit]]
    return {"items": items, "limit": limit, "offset": offset,
            "next_offset": offset + limit if len(found) > limit else None}  # fmt: skip


@router.get(f"{v1}/cases/{{review_id}}", responses={**ERRORS, **NOT_FOUND}, tags=["reviewers"])
def case(user: Account, session: Reading, review_id: RowId) -> dict[str, Any]:
    """One case: listing, verdict, seller and linked sellers, decisions, evidence, rechecks."""
    casefile = reviews.load_case(session, review_id)
    if casefile is None:
        raise HTTPException(404, f"no review case {review_id}")
    record = _plain(asdict(casefile))
    listing_id = casefile.case.listing_id
    record["evidence"] = [
        _plain(asdict(e)) | {"href": f"/cases/{review_id}/evidence/{e.id}"}
        for e in evidence.evidence_for_listing(session, listing_id)
    ]
    record["checks"] = _plain(rechecks.check_history(session, listing_id))
    return record


@router.post(
    f"{v1}/cases/{{review_id}}/decision",
    response_model=DecisionOut,
    responses={**ERRORS, **NOT_FOUND, **CONFLICT},
    tags=["reviewers"],
)
def decision(
    request: Request, body: DecisionIn, user: ReviewerAccount, review_id: RowId
) -> DecisionOut:
    """Decide a case as the signed-in reviewer; with ``version``, refused (409) if the case
    moved since you saw it. Written to the append-only review trail."""
    try:
        outcome = decide(request, review_id, body.decision, reviewer=user.name,
                         note=body.note, version=body.version)  # fmt: skip
    except reviews.UnknownCase as exc:
        raise HTTPException(404, str(exc)) from None
    except (reviews.ReviewConflict, reviews.InvalidTransition) as exc:
        raise HTTPException(409, str(exc)) from None
    return DecisionOut(review_id=review_id, status=outcome.status, version=outcome.version,
                       reviewer=user.name)  # fmt: skip


@router.get(f"{v1}/runs", responses=ERRORS, tags=["analysts"], summary="Runs")
def run_list(
    user: Account,
    session: Reading,
    site: Annotated[str | None, Query(max_length=100)] = None,
    status: Literal["running", "finished", "failed", "interrupted"] | None = None,
    kind: Literal["crawl", "recheck"] | None = None,
    failed_monitors: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> dict[str, Any]:
    """Crawls and rechecks, newest first, with their counts and monitors."""
    rows = runs.run_history(session, site=site, status=status, kind=kind,
                       failed_monitors=failed_monitors, limit=limit)  # fmt: skip
    return {"items": _plain(rows)}


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    """The OpenAPI description as a plain page (no script, no CDN)."""
    schema = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
         "description": op.get("description", ""),
         "parameters": [p["name"] for p in op.get("parameters", [])],
         "body": "requestBody" in op}
        for path, methods in schema.get("paths", {}).items()
        for method, op in methods.items()
    ]  # fmt: skip
    return render(request, "api_docs.html", viewer=None, operations=operations, info=schema["info"])
