"""What every fault test asserts about the store after a command: the run row, the drop
rows that account for every drop, and listings neither lost nor duplicated."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.db import open_database, run_history
from maskscreen.db import runs as run_rows
from maskscreen.db.tables import listings
from tests.helpers import run_cli


def runs(url: str, *args: str) -> list[dict]:
    result = run_cli("runs", "--json", "--limit", "100", "--db", url, *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def the_run(url: str) -> dict:
    [row] = runs(url)
    return row


def drops(url: str, run_id: int) -> list[dict]:
    result = run_cli("runs", "--drops", str(run_id), "--json", "--limit", "100000", "--db", url)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def stored_urls(url: str) -> list[str]:
    """Every stored listing as "site-id URL" (a duplicate would appear twice)."""
    engine = open_database(url)
    try:
        with Session(engine) as session:
            rows = session.execute(select(listings.c.site_id, listings.c.url).order_by(
                listings.c.site_id, listings.c.url))  # fmt: skip
            return [f"{site_id} {listing}" for site_id, listing in rows]
    finally:
        engine.dispose()


def listing_count(url: str) -> int:
    engine = open_database(url)
    try:
        with Session(engine) as session:
            return session.execute(select(func.count()).select_from(listings)).scalar_one()
    finally:
        engine.dispose()


def run_row(url: str, run_id: int) -> dict:
    engine = open_database(url)
    try:
        with Session(engine) as session:
            [row] = run_history(session, run_id=run_id, limit=1)
            return row
    finally:
        engine.dispose()


def assert_drops_accounted(url: str, run: dict, unkept: int = 0) -> list[dict]:
    """Every drop the run counts has a row (or is among the `unkept` the crawl reported)."""
    rows = drops(url, run["id"])
    assert len(rows) + unkept == sum(run["dropped"].values()) + run["errors"], (rows, run)
    by_reason: dict[str, int] = {}
    for row in rows:
        by_reason[row["reason"]] = by_reason.get(row["reason"], 0) + 1
    for reason, count in run["dropped"].items():
        assert by_reason.get(reason, 0) <= count
    assert len(rows) <= run_rows.MAX_DROP_ROWS
    return rows
