"""Sites and crawl runs: the bookkeeping around each crawl."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from maskscreen.db.models import RUN_COUNTS, RUN_KINDS, RUN_STATUSES, RUN_TRIGGERS, utcnow
from maskscreen.db.session import redact_credentials
from maskscreen.db.sql import insert_for, rowcount
from maskscreen.db.tables import drops as drop_rows
from maskscreen.db.tables import runs as crawl_runs
from maskscreen.db.tables import sites


def get_or_create_site(session: Session, name: str, base_url: str | None = None) -> int:
    """The id of the site called ``name``, created if new.

    ``base_url``: where the site was crawled from (its start URL, e.g. a shop's /big/
    section). The first one given is kept, so that `maskscreen crawl SITE` starts where
    the site was first crawled from (`site_start_url`). One upsert, so the transaction
    writes before it reads (see db.session on SQLite).
    """
    if base_url is not None:
        base_url = redact_credentials(base_url)
    stmt = insert_for(session, sites).values(name=name, base_url=base_url, created_at=utcnow())
    stmt = stmt.on_conflict_do_update(
        index_elements=[sites.c.name],
        set_={"base_url": func.coalesce(sites.c.base_url, stmt.excluded.base_url)},
    )
    return int(session.execute(stmt.returning(sites.c.id)).scalar_one())


def site_start_url(session: Session, name: str) -> str | None:
    """Where the site called ``name`` was first crawled from; None for an unknown site."""
    stmt = select(sites.c.base_url).where(sites.c.name == name)
    return session.execute(stmt).scalar_one_or_none()


def site_names(session: Session) -> list[str]:
    """Every site's name, sorted."""
    return list(session.execute(select(sites.c.name).order_by(sites.c.name)).scalars())


def start_crawl_run(
    session: Session,
    site_id: int,
    command: str | None = None,
    *,
    kind: str = "crawl",
    trigger: str | None = None,
) -> int:
    """Open a run in status "running"; returns its id.

    ``kind``: crawl, or recheck (a re-visit of flagged listings); ``trigger``: manual or
    schedule (``maskscreen run-due``), None when unknown.
    """
    if kind not in RUN_KINDS:
        raise ValueError(f"unknown crawl run kind {kind!r}, expected one of {RUN_KINDS}")
    if trigger is not None and trigger not in RUN_TRIGGERS:
        raise ValueError(f"unknown crawl run trigger {trigger!r}, expected one of {RUN_TRIGGERS}")
    counts = dict.fromkeys(RUN_COUNTS, 0)
    stmt = crawl_runs.insert().values(
        site_id=site_id,
        started_at=utcnow(),
        status="running",
        command=None if command is None else redact_credentials(command),
        dropped={},
        kind=kind,
        trigger=trigger,
        **counts,
    )
    return int(session.execute(stmt.returning(crawl_runs.c.id)).scalar_one())


def finish_crawl_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    counts: dict[str, int],
    dropped: dict[str, int],
    reason: str | None = None,
    only_running: bool = False,
) -> bool:
    """Close a run with its status, its counts (keys from RUN_COUNTS), dropped reasons
    and, for a failed run, why (``reason``, one line). ``only_running``: leave a run
    that is already closed as it is. Whether the row changed."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown crawl run status {status!r}, expected one of {RUN_STATUSES}")
    unknown = set(counts) - set(RUN_COUNTS)
    if unknown:
        raise ValueError(f"unknown crawl run counts {sorted(unknown)}, expected {RUN_COUNTS}")
    stmt = (
        update(crawl_runs)
        .where(crawl_runs.c.id == run_id)
        .values(
            status=status,
            finished_at=utcnow(),
            dropped=dict(dropped),
            status_reason=reason,
            **counts,
        )
    )
    if only_running:
        stmt = stmt.where(crawl_runs.c.status == "running")
    return rowcount(session.execute(stmt)) > 0


# A run keeps at most this many drop rows (the counts per reason are always complete):
# a link trap must not fill the database with the same reason a million times.
MAX_DROP_ROWS = 10_000


def record_drops(session: Session, run_id: int, drops: Sequence[Mapping[str, Any]]) -> int:
    """Keep what a run skipped or lost: rows of reason, url, detail (and at). Returns how
    many were written (up to MAX_DROP_ROWS per run in all)."""
    if not drops:
        return 0
    kept = session.execute(
        select(func.count()).select_from(drop_rows).where(drop_rows.c.run_id == run_id)
    ).scalar_one()
    room = max(0, MAX_DROP_ROWS - int(kept))
    rows = [
        {
            "run_id": run_id,
            "at": drop.get("at") or utcnow(),
            "reason": str(drop["reason"])[:64],
            "url": drop.get("url"),
            "detail": drop.get("detail"),
        }
        for drop in list(drops)[:room]
    ]
    if rows:
        session.execute(drop_rows.insert(), rows)
    return len(rows)


def run_drops(
    session: Session, run_id: int, *, reason: str | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    """What run ``run_id`` skipped or lost, oldest first."""
    stmt = select(drop_rows.c.at, drop_rows.c.reason, drop_rows.c.url, drop_rows.c.detail).where(
        drop_rows.c.run_id == run_id
    )
    if reason:
        stmt = stmt.where(drop_rows.c.reason == reason)
    rows = session.execute(stmt.order_by(drop_rows.c.id).limit(limit)).mappings()
    return [dict(row) for row in rows]


def fail_run(session: Session, run_id: int, note: dict[str, Any]) -> bool:
    """Close a run that is still "running" as failed (its worker is gone); ``note`` is
    kept as its one failed monitor. False if the run had already closed."""
    stmt = (
        update(crawl_runs)
        .where(crawl_runs.c.id == run_id, crawl_runs.c.status == "running")
        .values(status="failed", finished_at=utcnow(), monitors=[note], monitors_failed=1,
                status_reason=f"{note.get('name', 'worker_lost')}: {note.get('message', '')}")
    )  # fmt: skip
    return rowcount(session.execute(stmt)) > 0


def record_monitors(
    session: Session,
    run_id: int,
    *,
    monitors: list[dict[str, Any]],
    field_coverage: dict[str, float] | None = None,
) -> None:
    """Keep the monitor results (dicts with at least "name" and "passed") on a run."""
    failed = sum(1 for result in monitors if not result["passed"])
    values: dict[str, Any] = {"monitors": monitors, "monitors_failed": failed}
    if field_coverage is not None:
        values["field_coverage"] = field_coverage
    session.execute(update(crawl_runs).where(crawl_runs.c.id == run_id).values(**values))


def mark_alerted(session: Session, run_id: int, at: datetime | None = None) -> None:
    stmt = update(crawl_runs).where(crawl_runs.c.id == run_id).values(alerted_at=at or utcnow())
    session.execute(stmt)


def run_row(session: Session, run_id: int) -> dict[str, Any] | None:
    """One run with its site's name, as a dict of its columns."""
    stmt = (
        select(crawl_runs, sites.c.name.label("site"))
        .join(sites, sites.c.id == crawl_runs.c.site_id)
        .where(crawl_runs.c.id == run_id)
    )
    row = session.execute(stmt).mappings().one_or_none()
    return dict(row) if row is not None else None


def recent_listing_counts(
    session: Session, site_id: int, *, before_run_id: int, limit: int
) -> list[int]:
    """Listings seen by the site's last ``limit`` finished crawls before ``before_run_id``."""
    stmt = (
        select(crawl_runs.c.listings)
        .where(
            crawl_runs.c.site_id == site_id,
            crawl_runs.c.kind == "crawl",
            crawl_runs.c.status == "finished",
            crawl_runs.c.id < before_run_id,
        )
        .order_by(crawl_runs.c.id.desc())
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class LastRun:
    """The latest run of one kind on a site, and when the latest finished one started."""

    run_id: int
    started_at: datetime
    status: str  # running | finished | failed | interrupted
    last_success_at: datetime | None = None


def last_runs(session: Session, kind: str = "crawl") -> dict[str, LastRun]:
    """Site name -> its latest run of ``kind`` (what `run-due` decides from)."""
    latest = (
        select(crawl_runs.c.site_id, func.max(crawl_runs.c.id).label("run_id"))
        .where(crawl_runs.c.kind == kind)
        .group_by(crawl_runs.c.site_id)
        .subquery()
    )
    finished = (
        select(crawl_runs.c.site_id, func.max(crawl_runs.c.started_at).label("at"))
        .where(crawl_runs.c.kind == kind, crawl_runs.c.status == "finished")
        .group_by(crawl_runs.c.site_id)
        .subquery()
    )
    stmt = (
        select(sites.c.name, crawl_runs.c.id, crawl_runs.c.started_at, crawl_runs.c.status,
               finished.c.at)
        .join(latest, latest.c.run_id == crawl_runs.c.id)
        .join(sites, sites.c.id == crawl_runs.c.site_id)
        .outerjoin(finished, finished.c.site_id == crawl_runs.c.site_id)
    )  # fmt: skip
    return {
        name: LastRun(run_id, started_at, status, finished_at)
        for name, run_id, started_at, status, finished_at in session.execute(stmt)
    }


def run_history(
    session: Session,
    *,
    site: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    since: datetime | None = None,
    failed_monitors: bool = False,
    limit: int | None = 50,
    run_id: int | None = None,
) -> list[dict[str, Any]]:
    """Runs newest first, each a dict of its columns and its site's name."""
    stmt = select(crawl_runs, sites.c.name.label("site")).join(
        sites, sites.c.id == crawl_runs.c.site_id
    )
    if run_id is not None:
        stmt = stmt.where(crawl_runs.c.id == run_id)
    if site is not None:
        stmt = stmt.where(sites.c.name == site)
    if status is not None:
        stmt = stmt.where(crawl_runs.c.status == status)
    if kind is not None:
        stmt = stmt.where(crawl_runs.c.kind == kind)
    if since is not None:
        stmt = stmt.where(crawl_runs.c.started_at >= since)
    if failed_monitors:
        stmt = stmt.where(crawl_runs.c.monitors_failed > 0)
    stmt = stmt.order_by(crawl_runs.c.started_at.desc(), crawl_runs.c.id.desc()).limit(limit)
    return [dict(row) for row in session.execute(stmt).mappings()]
