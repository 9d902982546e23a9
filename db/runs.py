"""Sites and crawl runs: the bookkeeping around each crawl."""

from __future__ import annotations

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from db.models import RUN_COUNTS, RUN_STATUSES, Base, utcnow
from db.sql import insert_for

sites = Base.metadata.tables["sites"]
crawl_runs = Base.metadata.tables["crawl_runs"]


def get_or_create_site(session: Session, name: str, base_url: str | None = None) -> int:
    """The id of the site called ``name``, created if new; a given base_url is recorded.

    One upsert, so the transaction writes before it reads (see db.session on SQLite).
    """
    stmt = insert_for(session, sites).values(name=name, base_url=base_url, created_at=utcnow())
    stmt = stmt.on_conflict_do_update(
        index_elements=[sites.c.name],
        set_={"base_url": func.coalesce(stmt.excluded.base_url, sites.c.base_url)},
    )
    return int(session.execute(stmt.returning(sites.c.id)).scalar_one())


def start_crawl_run(session: Session, site_id: int, command: str | None = None) -> int:
    """Open a crawl run in status "running"; returns its id."""
    counts = dict.fromkeys(RUN_COUNTS, 0)
    stmt = crawl_runs.insert().values(
        site_id=site_id,
        started_at=utcnow(),
        status="running",
        command=command,
        dropped={},
        **counts,
    )
    return int(session.execute(stmt.returning(crawl_runs.c.id)).scalar_one())


def finish_crawl_run(
    session: Session, run_id: int, *, status: str, counts: dict[str, int], dropped: dict[str, int]
) -> None:
    """Close a run with its status, its counts (keys from RUN_COUNTS) and dropped reasons."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown crawl run status {status!r}, expected one of {RUN_STATUSES}")
    unknown = set(counts) - set(RUN_COUNTS)
    if unknown:
        raise ValueError(f"unknown crawl run counts {sorted(unknown)}, expected {RUN_COUNTS}")
    stmt = (
        update(crawl_runs)
        .where(crawl_runs.c.id == run_id)
        .values(status=status, finished_at=utcnow(), dropped=dict(dropped), **counts)
    )
    session.execute(stmt)
