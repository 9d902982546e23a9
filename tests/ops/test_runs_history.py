"""The crawl_runs history: kinds, monitors, filters and what run-due reads."""

from __future__ import annotations

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
