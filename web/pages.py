"""The reviewer's pages: sign in and out, the queue, a case and its decision, the evidence.

Plain server-rendered HTML that works without JavaScript; static/keys.js only adds the
one-key decisions (c confirm, d dismiss, e escalate, s skip) to the case page.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from maskscreen.db import accounts, evidence, rechecks, reviews
from maskscreen.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    RowId,
    TooManyAttempts,
    Viewer,
    check_csrf,
    login,
    page_role,
    page_viewer,
    reading,
    same_token,
    writing,
)
from maskscreen.web.decisions import DECISIONS, decide, highlight, parse_ids
from maskscreen.web.headers import EVIDENCE_CSP
from maskscreen.web.rendering import render

router = APIRouter(include_in_schema=False)
LABELS = ("realistic_face_mask", "custom_face_copy", "benign")
SIGNALS = ("evasion_claim", "made_to_order", "off_platform_contact")
# Why a case was opened (db.models.REVIEW_SOURCES): flagged, audit sample, needs a human
REASONS = ("flag", "audit", "needs_human")
Analyst = Annotated[Viewer, Depends(page_role("analyst"))]
Reviewer = Annotated[Viewer, Depends(page_role("reviewer"))]
Reading = Annotated[Session, Depends(reading)]
DONE = re.compile(r"\d{1,12}:[a-z]{1,16}")  # "42:confirmed": the last decision, shown once


@dataclass(frozen=True)
class Walk:
    """Where a reviewer is in the queue: its filters and the cases skipped, carried from
    page to page in the URL (and in the decision form) so the next case respects them."""

    site: str | None = None
    label: str | None = None
    language: str | None = None
    signal: str | None = None
    reason: str | None = None
    skip: tuple[int, ...] = ()

    @classmethod
    def read(cls, values: Mapping[str, str]) -> Walk:
        label, signal = values.get("label") or None, values.get("signal") or None
        if label is not None and label not in LABELS:
            raise HTTPException(400, f"unknown label {label[:40]!r}")
        if signal is not None and signal not in SIGNALS:
            raise HTTPException(400, f"unknown signal {signal[:40]!r}")
        reason = values.get("reason") or None
        if reason is not None and reason not in REASONS:
            raise HTTPException(400, f"unknown reason {reason[:40]!r}")
        return cls(
            site=(values.get("site") or "")[:100] or None, label=label,
            language=(values.get("language") or "")[:35] or None, signal=signal, reason=reason,
            skip=tuple(parse_ids((values.get("skip") or "")[:3000])),
        )  # fmt: skip

    @property
    def filters(self) -> dict[str, str | None]:
        return {"site": self.site, "label": self.label, "language": self.language,
                "signal": self.signal, "reason": self.reason}  # fmt: skip

    def cases(self, session: Session, limit: int) -> list[reviews.ReviewCase]:
        """The walk's next cases, in queue order."""
        return reviews.review_queue(
            session, site=self.site, label=self.label, language=self.language,
            signal=self.signal, source=self.reason, skip=self.skip, limit=limit,
        )  # fmt: skip

    def skipping(self, review_id: int) -> Walk:
        return replace(self, skip=tuple(sorted({*self.skip, review_id})))

    def query(self, done: str | None = None) -> str:
        values = {k: v for k, v in self.filters.items() if v}
        if self.skip:
            values["skip"] = ",".join(map(str, self.skip))
        if done and DONE.fullmatch(done):
            values["done"] = done
        return urlencode(values)


def _done(done: str | None) -> str | None:
    return done if done and DONE.fullmatch(done) else None


def _cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="strict",
        secure=request.app.state.settings.secure_cookies,
    )  # fmt: skip


@router.get("/")
def home() -> Response:
    return RedirectResponse("/queue", 303)


def _login_page(request: Request, status: int = 200, message: str | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", status, csrf=token, message=message, viewer=None)
    _cookie(request, response, LOGIN_COOKIE, token, 3600)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
def login_submit(
    request: Request,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not same_token(expected, csrf):
        return _login_page(request, 403, "The sign-in form was stale; please try again.")
    try:
        user = login(request, name.strip(), password)
    except TooManyAttempts:
        return _login_page(request, 429, "Too many failed sign-ins; wait 15 minutes.")
    if user is None:
        return _login_page(request, 401, "Wrong name or password.")
    settings = request.app.state.settings
    with writing(request) as session:
        raw, _ = accounts.start_session(session, user.id, settings.session_ttl)
    response = RedirectResponse("/queue", 303)
    _cookie(request, response, SESSION_COOKIE, raw, int(settings.session_ttl.total_seconds()))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(
    request: Request,
    viewer: Annotated[Viewer, Depends(page_viewer)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(viewer.csrf, csrf)
    with writing(request) as session:
        accounts.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/queue")
def queue(request: Request, viewer: Analyst, session: Reading) -> Response:
    """The next cases by priority, filtered by site, label, language, signal, reason."""
    walk = Walk.read(request.query_params)
    cases = walk.cases(session, 50)
    return render(
        request, "queue.html", viewer=viewer, cases=cases, filters=walk.filters, labels=LABELS,
        signals=SIGNALS, reasons=REASONS, walk=walk.query(), skipped=bool(walk.skip),
        done=_done(request.query_params.get("done")),
    )  # fmt: skip


@router.get("/queue/next")
def queue_next(request: Request, viewer: Analyst, session: Reading) -> Response:
    """The highest-priority case of the walk's filters that was not skipped (a case just
    escalated counts as skipped: it would otherwise come straight back)."""
    walk = Walk.read(request.query_params)
    top = walk.cases(session, 1)
    query = walk.query(request.query_params.get("done"))
    if not top:
        return RedirectResponse(f"/queue?{query}", 303)
    return RedirectResponse(f"/cases/{top[0].review_id}?{query}", 303)


def _case_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    review_id: int,
    walk: Walk,
    status: int = 200,
    conflict: str | None = None,
    done: str | None = None,
) -> Response:
    casefile = reviews.load_case(session, review_id)
    if casefile is None:
        raise HTTPException(404, f"no review case {review_id}")
    case = casefile.case
    kept = evidence.evidence_for_listing(session, case.listing_id)
    checks = rechecks.check_history(session, case.listing_id)
    return render(
        request, "case.html", status, viewer=viewer, casefile=casefile, case=case,
        title=highlight(case.title, casefile.reasons),
        description=highlight(casefile.description, casefile.reasons),
        evidence=kept, checks=checks, walk=walk.query(),
        skip_next=walk.skipping(review_id).query(), conflict=conflict, done=_done(done),
        allowed=reviews.TRANSITIONS.get(case.status, frozenset()),
    )  # fmt: skip


@router.get("/cases/{review_id}")
def case_page(request: Request, viewer: Analyst, session: Reading, review_id: RowId) -> Response:
    walk = Walk.read(request.query_params)
    done = request.query_params.get("done")
    return _case_page(request, session, viewer, review_id, walk, done=done)


@router.post("/cases/{review_id}/decision")
def case_decision(
    request: Request,
    viewer: Reviewer,
    review_id: RowId,
    decision: Annotated[str, Form(max_length=20)],
    version: Annotated[int, Form(ge=1, le=2**31 - 1)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    walk: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    check_csrf(viewer.csrf, csrf)
    if decision not in DECISIONS:
        raise HTTPException(400, f"unknown decision {decision!r}")
    where = Walk.read(dict(parse_qsl(walk)))
    try:
        outcome = decide(
            request, review_id, decision, reviewer=viewer.name, note=note, version=version
        )
    except reviews.UnknownCase as exc:
        raise HTTPException(404, str(exc)) from None
    except (reviews.ReviewConflict, reviews.InvalidTransition) as exc:
        with Session(request.app.state.engine) as session:
            message = _conflict_message(session, review_id, exc)
            return _case_page(request, session, viewer, review_id, where, 409, message)
    if outcome.status in ("open", "escalated"):
        where = where.skipping(review_id)  # still queued: do not show it again at once
    done = f"{review_id}:{outcome.status}"
    return RedirectResponse(f"/queue/next?{where.query(done)}", 303)


def _conflict_message(session: Session, review_id: int, exc: Exception) -> str:
    events = reviews.review_history(session, review_id)
    last = events[-1] if events else None
    if isinstance(exc, reviews.ReviewConflict) and last is not None:
        return (
            f"Another reviewer decided first: {last.reviewer} moved this case to "
            f"{last.to_status}. Your decision was not saved; look again."
        )
    return f"Not saved: {exc}"


@router.get("/cases/{review_id}/evidence/{evidence_id}")
def evidence_page(
    viewer: Analyst, session: Reading, review_id: RowId, evidence_id: RowId
) -> Response:
    """The page kept at flag time, inert: its own CSP (no script, no network, sandbox)."""
    casefile = reviews.load_case(session, review_id)
    kept = {e.id: e for e in evidence.evidence_for_listing(session, casefile.case.listing_id)} \
        if casefile else {}  # fmt: skip
    if evidence_id not in kept:
        raise HTTPException(404, f"no evidence {evidence_id} for case {review_id}")
    body = evidence.evidence_body(session, evidence_id) or b""
    kind = (kept[evidence_id].content_type or "").lower()
    media = "text/html" if "html" in kind else "text/plain"
    named = re.search(r"charset=\"?([a-z0-9_.:-]{1,30})", kind)
    return Response(
        body,
        media_type=f"{media}; charset={named.group(1) if named else 'utf-8'}",
        headers={"Content-Security-Policy": EVIDENCE_CSP, "X-Frame-Options": "SAMEORIGIN"},
    )
