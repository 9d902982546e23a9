"""The analyst's pages: flagged listings (and their CSV), sellers, live statistics, runs,
and the admin's users page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from maskscreen.db import accounts, analytics, cells, export, runs, sellers, store
from maskscreen.web.auth import Viewer, check_csrf, page_role, reading, writing
from maskscreen.web.pages import LABELS
from maskscreen.web.rendering import render

router = APIRouter(include_in_schema=False)
Analyst = Annotated[Viewer, Depends(page_role("analyst"))]
Admin = Annotated[Viewer, Depends(page_role("admin"))]
Reading = Annotated[Session, Depends(reading)]
PAGE = 50
REVIEW_STATUSES = ("none", "open", "escalated", "confirmed", "dismissed", "actioned", "removed")
RUN_STATUSES = ("running", "finished", "failed", "interrupted")


def _label(label: str | None) -> str | None:
    if label and label not in LABELS:
        raise HTTPException(400, f"unknown label {label!r}")
    return label or None


@router.get("/flagged")
def flagged(
    request: Request,
    viewer: Analyst,
    session: Reading,
    q: Annotated[str | None, Query(max_length=200)] = None,
    site: Annotated[str | None, Query(max_length=100)] = None,
    label: Annotated[str | None, Query(max_length=40)] = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    rows = store.query_flagged(
        session, site=site or None, label=_label(label), min_score=min_score,
        contains=q or None, limit=PAGE + 1, offset=(page - 1) * PAGE,
    )  # fmt: skip
    return render(
        request, "flagged.html", viewer=viewer, rows=rows[:PAGE], more=len(rows) > PAGE,
        page=page, q=q or "", site=site or "", label=label or "", labels=LABELS,
        min_score="" if min_score is None else min_score, statuses=REVIEW_STATUSES,
    )  # fmt: skip


def csv_cell(value: object) -> str:
    """One cell: numbers as they are, text through the spreadsheet guard (db.cells)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (bool, int, float)):
        return str(value)
    if isinstance(value, dict):
        value = ",".join(k for k, v in value.items() if v)
    elif isinstance(value, list):
        value = "; ".join(map(str, value))
    return cells.spreadsheet_safe(str(value))


@router.get("/flagged.csv")
def flagged_csv(
    request: Request,
    viewer: Analyst,
    site: Annotated[str | None, Query(max_length=100)] = None,
    label: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    """Every flagged listing as CSV (the columns of `maskscreen export`), streamed."""
    if status and status not in REVIEW_STATUSES:
        raise HTTPException(400, f"unknown status {status!r}")
    site, label, status = site or None, _label(label), status or None
    engine = request.app.state.engine

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(export.EXPORT_COLUMNS)
        with Session(engine) as session, session.begin():
            rows = export.export_rows(session, site=site, label=label, status=status)
            for count, row in enumerate(rows, 1):
                writer.writerow([csv_cell(row[c]) for c in export.EXPORT_COLUMNS])
                if count % 500 == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    return StreamingResponse(
        lines(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="flagged.csv"'},
    )


@router.get("/sellers")
def sellers_page(
    request: Request,
    viewer: Analyst,
    session: Reading,
    site: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    ranked = sellers.rank_sellers(session, site=site or None, limit=100)
    return render(request, "sellers.html", viewer=viewer, sellers=ranked, site=site or "")


@router.get("/stats")
def stats(
    request: Request,
    viewer: Analyst,
    session: Reading,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
) -> Response:
    """The figures of `maskscreen report`, live; time to removal measured both ways."""
    since = datetime.now(UTC) - timedelta(days=days)
    by_day = analytics.site_days(session, since=since)
    removal = [row.as_row() for row in analytics.removal_both_ways(session, since=since)]
    totals = {"crawled": 0, "flagged": 0, "confirmed": 0, "dismissed": 0, "removed": 0}
    for row in by_day:
        for key in totals:
            totals[key] += getattr(row, key)
    peak = max([row.flagged for row in by_day] + [1])
    return render(
        request, "stats.html", viewer=viewer, days=days, by_day=by_day, peak=peak,
        outcomes=analytics.outcomes(session, since=since), removal=removal, totals=totals,
        precision=analytics.precision_by_model(session, since=since),
    )  # fmt: skip


def monitors_cell(row: dict) -> str:
    results = row.get("monitors")
    if results is None:
        return "-"
    bad = [str(result.get("name")) for result in results if not result.get("passed")]
    return f"FAILED: {', '.join(bad)}" if bad else "ok"


@router.get("/runs")
def runs_page(
    request: Request,
    viewer: Analyst,
    session: Reading,
    site: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    if status and status not in RUN_STATUSES:
        raise HTTPException(400, f"unknown status {status!r}")
    rows = runs.run_history(session, site=site or None, status=status or None, limit=100)
    for row in rows:
        row["monitors_cell"] = monitors_cell(row)
    return render(
        request, "runs.html", viewer=viewer, runs=rows, site=site or "", status=status or "",
        statuses=RUN_STATUSES,
    )  # fmt: skip


@router.get("/users")
def users_page(request: Request, viewer: Admin, session: Reading) -> Response:
    return render(
        request, "users.html", viewer=viewer, users=accounts.list_users(session), message=None
    )


@router.post("/users/{name}/disable")
def disable(
    request: Request,
    viewer: Admin,
    name: str,
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(viewer.csrf, csrf)
    if name == viewer.name:
        raise HTTPException(400, "you cannot disable yourself")
    try:
        with writing(request) as session:
            accounts.disable_user(session, name)
    except accounts.AccountError as exc:
        raise HTTPException(404, str(exc)) from None
    return RedirectResponse("/users", 303)
