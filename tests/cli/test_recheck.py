"""`maskscreen recheck` and the removal time in `maskscreen flagged` (no crawl needed).

The recheck of a live shop is tested end to end in tests/crawler/test_recheck.py.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.db import rechecks, store
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Review
from tests.db.factories import make_listing, make_verdict

OPENED = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.sqlite'}"
    return pg_database_url("recheck")


def seed(url: str, removed_after_hours: dict[int, float]) -> None:
    """Flagged listings 1..n; those in `removed_after_hours` seen removed that long after."""
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site_id = store.get_or_create_site(session, "shop")
        for n in range(1, 4):
            [result] = store.upsert_listings(session, site_id, [make_listing(n)])
            store.record_classifications(session, [(result.version_id, make_verdict())])
            if n in removed_after_hours:
                at = OPENED + timedelta(hours=removed_after_hours[n])
                rechecks.mark_removed(session, [result.listing_id], at=at)
        session.execute(update(Review).values(opened_at=OPENED))
    engine.dispose()


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_recheck_with_nothing_under_review_says_so(url):
    result = run("recheck", "--db", url)
    assert result.exit_code == 0, result.output
    assert "rechecked 0 listings under review: live 0, changed 0, removed 0" in result.output
    assert "time to removal" not in result.output


def test_recheck_prints_median_time_to_removal_per_site(url):
    seed(url, {1: 6, 2: 18, 3: 30})  # all removed: nothing left to visit
    result = run("recheck", "--db", url, "--site", "shop")
    assert result.exit_code == 0, result.output
    assert "rechecked 0 listings" in result.output
    lines = result.output.splitlines()
    assert lines[-3].startswith("time to removal") and "confirmation" in lines[-3]
    assert lines[-2].split() == [
        "site", "removed", "hours_from_flag", "confirmed_removed", "hours_from_confirmation"
    ]  # fmt: skip
    # Seen removed by rechecks, never confirmed by a reviewer: measured from the flag only.
    assert lines[-1].split() == ["shop", "3", "18.000", "0"]  # no hours from confirmation


def test_flagged_shows_when_a_listing_was_removed(url):
    seed(url, {2: 5})
    result = run("flagged", "--db", url, "--json")
    assert result.exit_code == 0, result.output
    rows = {r["url"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows[make_listing(2)["url"]]["removed_at"].startswith("2026-05-01T05:00")
    assert rows[make_listing(1)["url"]]["removed_at"] is None
    table = run("flagged", "--db", url)
    assert table.output.splitlines()[0].split()[-1] == "removed_at"
