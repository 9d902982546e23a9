"""The crawl_runs history: kinds, monitors, filters and what run-due reads."""

from __future__ import annotations

import json
from datetime import timedelta

from maskscreen.crawler.jobs.monitors import Thresholds, monitor_run
from maskscreen.db import runs
from maskscreen.db.models import utcnow


def finished_run(session, site_id, listings, *, kind="crawl", status="finished", **extra) -> int:
    run_id = runs.start_crawl_run(session, site_id, "maskscreen crawl", kind=kind, **extra)
    counts = {"pages": listings + 5, "listings": listings}
    runs.finish_crawl_run(session, run_id, status=status, counts=counts, dropped={})
    return run_id


def test_history_filters_by_site_status_kind_and_failed_monitors(session):
    a = runs.get_or_create_site(session, "hist-a")
    b = runs.get_or_create_site(session, "hist-b")
    first = finished_run(session, a, 10, trigger="schedule")
    failed = finished_run(session, a, 0, status="failed")
    recheck = finished_run(session, a, 3, kind="recheck")
    other = finished_run(session, b, 7)
    runs.record_monitors(session, failed, monitors=[{"name": "finished", "passed": False}])
    runs.record_monitors(session, first, monitors=[{"name": "finished", "passed": True}])

    def ids(**filters):
        return [r["id"] for r in runs.run_history(session, **filters)]

    assert ids(site="hist-a") == [recheck, failed, first]
    assert ids(site="hist-a", kind="crawl") == [failed, first]
    assert ids(site="hist-a", status="failed") == [failed]
    assert ids(site="hist-a", failed_monitors=True) == [failed]
    assert ids(site="hist-b") == [other]
    assert ids(since=utcnow() + timedelta(hours=1)) == []
    [row] = runs.run_history(session, site="hist-a", limit=1, kind="crawl")
    assert row["site"] == "hist-a" and row["monitors_failed"] == 1
    assert (
        runs.run_history(session, site="hist-a", status="finished", kind="crawl")[0]["trigger"]
        == "schedule"
    )


def test_last_runs_per_kind_with_the_last_success(session):
    site_id = runs.get_or_create_site(session, "last-site")
    ok = finished_run(session, site_id, 10)
    finished_run(session, site_id, 0, status="failed")
    finished_run(session, site_id, 2, kind="recheck")
    crawl = runs.last_runs(session, "crawl")["last-site"]
    assert crawl.status == "failed"
    assert crawl.last_success_at == runs.run_row(session, ok)["started_at"]
    assert runs.last_runs(session, "recheck")["last-site"].status == "finished"


def test_monitor_run_compares_with_the_site_s_recent_crawls(engine):
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        site_id = runs.get_or_create_site(session, "monitor-site")
        for listings in (100, 90, 110):
            finished_run(session, site_id, listings)
        finished_run(session, site_id, 5, kind="recheck")  # rechecks are no baseline
        run_id = finished_run(session, site_id, 20)
    stats = {"finish_reason": "finished", "maskscreen/listings": 20, "maskscreen/pages": 25,
             "maskscreen/fields/seen": 20, "maskscreen/fields/title": 20,
             "maskscreen/fields/price": 20, "maskscreen/fields/currency": 2}  # fmt: skip
    _row, results = monitor_run(engine, run_id, stats, Thresholds(recent_runs=3))
    assert [r["name"] for r in results if not r["passed"]] == ["listing_drop", "coverage_currency"]
    assert (
        "median 100 of the last 3 crawls"
        in next(r for r in results if r["name"] == "listing_drop")["message"]
    )
    with Session(engine) as session:
        stored = runs.run_row(session, run_id)
    assert stored["monitors_failed"] == 2
    assert stored["field_coverage"] == {"of": 20, "title": 1.0, "price": 1.0, "currency": 0.1}


def test_runs_drops_lists_what_a_run_lost(tmp_path):
    from click.testing import CliRunner
    from sqlalchemy.orm import Session

    from maskscreen.cli.main import cli
    from maskscreen.db import open_database, runs, store

    url = f"sqlite:///{tmp_path / 'drops.sqlite'}"
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site = store.get_or_create_site(session, "shop")
        run = runs.start_crawl_run(session, site, "maskscreen crawl shop")
        drops = [
            {"reason": "blocked_scheme", "url": "file:///etc/passwd", "detail": "file scheme"},
            {"reason": "no_product", "url": "https://shop.example/about"},
        ]
        assert runs.record_drops(session, run, drops) == 2
        runs.finish_crawl_run(
            session, run, status="failed", counts={}, reason="lost 2 of 2 pages",
            dropped={"blocked_scheme": 1, "no_product": 1},
        )  # fmt: skip
    engine.dispose()
    result = CliRunner().invoke(cli, ["runs", "--drops", str(run), "--json", "--db", url])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["reason"], d["url"]) for d in lines] == [
        ("blocked_scheme", "file:///etc/passwd"),
        ("no_product", "https://shop.example/about"),
    ]
    only = CliRunner().invoke(
        cli, ["runs", "--drops", str(run), "--reason", "no_product", "--db", url]
    )
    assert only.exit_code == 0 and "file:///etc/passwd" not in only.stdout
    assert "dropped 2: blocked_scheme 1, no_product 1" in only.stderr
    history = CliRunner().invoke(cli, ["runs", "--json", "--db", url])
    assert json.loads(history.stdout.splitlines()[0])["status_reason"] == "lost 2 of 2 pages"
    missing = CliRunner().invoke(cli, ["runs", "--drops", "999", "--db", url])
    assert missing.exit_code == 2 and "no run 999" in missing.output
