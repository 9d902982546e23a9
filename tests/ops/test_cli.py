"""`maskscreen runs` and `maskscreen run-due` in process: history, dry runs, bad input.

Crawls start Twisted's reactor, so runs that crawl are in test_run_due_end_to_end.py.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.db import leases, runs
from maskscreen.db.migrate import open_database
from maskscreen.db.models import CrawlRun, utcnow

PROFILE = """name = "{name}"
base_url = "http://127.0.0.1:9"
schedule = "{schedule}"
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ops.sqlite'}"
    return pg_database_url("ops")


@pytest.fixture
def sites(tmp_path):
    folder = tmp_path / "sites"
    folder.mkdir()
    return folder


def profile(folder, name: str, schedule: str = "daily", extra: str = "") -> None:
    (folder / f"{name}.toml").write_text(PROFILE.format(name=name, schedule=schedule) + extra)


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env)


def seed_runs(url: str) -> dict[str, int]:
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site = runs.get_or_create_site(session, "shop-a")
        ok = runs.start_crawl_run(session, site, "maskscreen crawl shop-a", trigger="schedule")
        runs.finish_crawl_run(session, ok, status="finished", dropped={},
                              counts={"pages": 50, "listings": 40, "new": 3, "flagged": 2})  # fmt: skip
        runs.record_monitors(session, ok, monitors=[{"name": "finished", "passed": True,
                                                     "message": "the crawl ended: finished"}])  # fmt: skip
        bad = runs.start_crawl_run(session, site, "maskscreen crawl shop-a")
        runs.finish_crawl_run(session, bad, status="finished", dropped={},
                              counts={"pages": 12, "listings": 4, "errors": 8})  # fmt: skip
        runs.record_monitors(session, bad, field_coverage={"of": 4, "price": 0.25},
                             monitors=[{"name": "listing_drop", "passed": False, "message": "4 listings, 90% fewer"},
                                       {"name": "error_rate", "passed": False, "message": "8 of 20 failed"}])  # fmt: skip
        other = runs.get_or_create_site(session, "shop-b")
        running = runs.start_crawl_run(session, other, "maskscreen crawl shop-b")
    engine.dispose()
    return {"ok": ok, "bad": bad, "running": running}


def test_runs_shows_the_history_newest_first_with_monitors(url):
    ids = seed_runs(url)
    result = run("runs", "--db", url)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "site", "kind", "started", "finished", "status", "pages",
                                "listings", "new", "changed", "flagged", "errors", "monitors"]  # fmt: skip
    assert [line.split()[0] for line in lines[1:]] == [
        str(ids["running"]),
        str(ids["bad"]),
        str(ids["ok"]),
    ]
    assert "FAILED: listing_drop, error_rate" in result.output
    assert lines[-1].rstrip().endswith("ok")


def test_runs_filters_and_json(url):
    ids = seed_runs(url)
    result = run("runs", "--db", url, "--failed-monitors", "--json")
    assert result.exit_code == 0, result.output
    [row] = [json.loads(line) for line in result.output.splitlines()]
    assert row["id"] == ids["bad"] and row["site"] == "shop-a" and row["monitors_failed"] == 2
    assert row["field_coverage"] == {"of": 4, "price": 0.25}
    assert row["monitors"][0]["message"] == "4 listings, 90% fewer"
    result = run("runs", "--db", url, "--site", "shop-b", "--status", "running", "--json")
    assert [json.loads(line)["id"] for line in result.output.splitlines()] == [ids["running"]]
    result = run("runs", "--db", url, "--site", "nowhere")
    assert result.exit_code == 0 and "no runs match" in result.output


def test_run_due_dry_run_lists_what_is_due(url, sites):
    profile(sites, "never-crawled")
    profile(sites, "crawled-today")
    (sites / "unscheduled.toml").write_text('base_url = "http://127.0.0.1:9"\n')
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site = runs.get_or_create_site(session, "crawled-today")
        run_id = runs.start_crawl_run(session, site)
        runs.finish_crawl_run(session, run_id, status="finished", counts={}, dropped={})
    engine.dispose()
    result = run("run-due", "--dry-run", "--json", "--db", url, "--sites-dir", str(sites))
    assert result.exit_code == 0, result.output
    jobs = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert [(j["kind"], j["site"], j["reason"]) for j in jobs] == [
        ("crawl", "never-crawled", "never ran")
    ]


def _reap_and_retry_at(url, sites, now, monkeypatch) -> None:
    """A worker died 10 minutes before `now` (its lease expired): run-due, its clock
    fixed at `now`, closes the run and says why the site is due."""
    from maskscreen.cli import run_due

    monkeypatch.setattr(run_due, "clock", lambda: now)
    profile(sites, "dead-worker")
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site = runs.get_or_create_site(session, "dead-worker")
        run_id = runs.start_crawl_run(session, site)
        past = now - timedelta(minutes=10)
        leases.acquire(session, "crawl:dead-worker", "gone:1:aa", ttl=60, now=past)
        leases.renew(session, "crawl:dead-worker", "gone:1:aa", 60, run_id=run_id, now=past)
        session.execute(update(CrawlRun).values(started_at=past))
    engine.dispose()
    result = run(
        "run-due", "--dry-run", "--retry-after", "5", "--db", url, "--sites-dir", str(sites)
    )
    assert result.exit_code == 0, result.output
    assert f"run {run_id}: its worker is gone (killed or disconnected); closed as failed" in (
        result.output
    )
    # The daily schedule fires at midnight: within 10 minutes after it, the schedule is
    # why the site is due; otherwise the failed run is retried.
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if now - midnight < timedelta(minutes=10):
        assert f"crawl dead-worker: due (due since {midnight:%Y-%m-%d} 00:00 UTC" in result.output
    else:
        assert "crawl dead-worker: due (retrying: the last run failed at" in result.output


def test_run_due_reaps_a_dead_worker_s_run_and_retries_it(url, sites, monkeypatch):
    _reap_and_retry_at(url, sites, utcnow(), monkeypatch)


@pytest.mark.parametrize(
    "instant",
    ["2026-12-06T23:59:30", "2026-12-07T00:00:00", "2026-12-07T00:05:00",
     "2026-12-07T00:10:01", "2026-12-07T12:59:59", "2026-12-07T13:00:00",
     "2026-12-07T13:04:59"],
)  # fmt: skip
def test_the_time_dependent_cases_at_fixed_instants(url, sites, monkeypatch, instant):
    """Around midnight and the hour, whatever the wall clock says when CI runs."""
    from datetime import UTC, datetime

    _reap_and_retry_at(url, sites, datetime.fromisoformat(instant).replace(tzinfo=UTC),
                       monkeypatch)  # fmt: skip


def test_run_due_unknown_site_is_one_line_exit_2(url, sites):
    profile(sites, "known")
    result = run("run-due", "--site", "nope", "--db", url, "--sites-dir", str(sites))
    assert result.exit_code == 2
    assert "unknown site 'nope'; sites with a schedule: known" in result.output


def test_run_due_bad_cron_is_one_line_and_the_other_sites_still_run(url, sites):
    profile(sites, "bad-cron", schedule="61 * * * *")
    profile(sites, "good")
    result = run("run-due", "--site", "bad-cron", "--db", url, "--sites-dir", str(sites))
    assert result.exit_code == 2
    error_lines = [line for line in result.output.splitlines() if "error" in line]
    expected = f"{sites / 'bad-cron.toml'}: schedule: not a valid cron expression: '61 * * * *'"
    assert error_lines == [f"maskscreen: error: {expected}"]
    result = run("run-due", "--dry-run", "--db", url, "--sites-dir", str(sites))
    assert result.exit_code == 2  # the refused file is reported; good's job is still listed
    assert "schedule: not a valid cron expression" in result.output
    assert "crawl good: due (never ran)" in result.output


def test_run_due_without_a_database_is_one_line_exit_2(sites, tmp_path):
    profile(sites, "somewhere")
    result = run(
        "run-due", "--db", "postgresql://nobody@127.0.0.1:1/none", "--sites-dir", str(sites)
    )
    assert result.exit_code == 2
    assert result.output.startswith("maskscreen: error: cannot open database")
    assert len(result.output.strip().splitlines()) == 1


def test_a_bad_alert_config_is_one_line_exit_2(url, sites, tmp_path):
    profile(sites, "alerted")
    bad = tmp_path / "alerts.toml"
    bad.write_text('[webhook]\nurl = "ftp://nope"\n')
    result = run("run-due", "--dry-run", "--db", url, "--sites-dir", str(sites),
                 env={"MASKSCREEN_ALERTS_FILE": str(bad)})  # fmt: skip
    assert result.exit_code == 2
    assert result.output == "maskscreen: error: webhook.url: not an http(s) URL\n"


def test_run_job_on_a_busy_site_says_so_and_exits_3(url, sites):
    profile(sites, "busy-site")
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        leases.acquire(session, "crawl:busy-site", "other-host:42:ab", ttl=600)
    engine.dispose()
    result = run("run-job", "crawl", "busy-site", "--db", url, "--sites-dir", str(sites))
    assert result.exit_code == 3, result.output
    assert result.output.startswith("maskscreen: error: another crawl is running: crawl:busy-site "
                                    "is held by other-host:42:ab until")  # fmt: skip


def test_run_due_test_alert_says_which_channel_took_it_without_secrets(sites):
    from tests.ops.receivers import WebhookReceiver, _free_port

    with WebhookReceiver() as hook:
        result = run("run-due", "--test-alert", "--sites-dir", str(sites),
                     env={"MASKSCREEN_ALERT_WEBHOOK": hook.url})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == "webhook (http://127.0.0.1/…): sent\n"
    assert hook.posts[0]["text"].startswith("maskscreen: test alert from ")
    dead = f"http://127.0.0.1:{_free_port()}/hooks/secret-token"
    result = run("run-due", "--test-alert", "--sites-dir", str(sites),
                 env={"MASKSCREEN_ALERT_WEBHOOK": dead})  # fmt: skip
    assert result.exit_code == 2
    assert "webhook (http://127.0.0.1/…): FAILED (see the log)" in result.output
    assert "secret-token" not in result.output
    result = run(
        "run-due",
        "--test-alert",
        "--sites-dir",
        str(sites),
        env={"MASKSCREEN_ALERTS_FILE": "/nonexistent"},
    )
    assert result.exit_code == 2 and "no alert channel is configured" in result.output


def test_a_recheck_with_nothing_to_visit_is_recorded_so_it_is_not_due_again(url, sites):
    profile(sites, "quiet", extra='recheck_schedule = "hourly"\n')
    result = run("run-due", "--dry-run", "--db", url, "--sites-dir", str(sites))
    assert "recheck quiet: due (never ran)" in result.output
    result = run("run-job", "recheck", "quiet", "--db", url, "--sites-dir", str(sites))
    assert result.exit_code == 0, result.output
    assert "recheck quiet: rechecked 0 listings under review" in result.output
    [row] = [json.loads(line) for line in run("runs", "--json", "--db", url).output.splitlines()]
    assert (row["kind"], row["trigger"], row["status"]) == ("recheck", "schedule", "finished")
    result = run("run-due", "--dry-run", "--db", url, "--sites-dir", str(sites))
    assert "recheck quiet" not in result.output and "crawl quiet: due" in result.output
