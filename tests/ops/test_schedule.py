"""Schedules: what a profile may say, and when a job is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from maskscreen.crawler.jobs.schedule import (
    ScheduleError,
    due_jobs,
    is_due,
    parse_schedule,
    previous_fire,
)
from maskscreen.crawler.profiles import ProfileError, parse_profile
from maskscreen.db.runs import LastRun

NOW = datetime(2026, 11, 26, 10, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expression"),
    [("daily", "@daily"), ("Hourly", "@hourly"), ("weekly", "@weekly"),
     ("30 2 * * *", "30 2 * * *"), ("*/15 * * * 1-5", "*/15 * * * 1-5"), ("@daily", "@daily")],
)  # fmt: skip
def test_parse_schedule_accepts_aliases_and_cron(text, expression):
    assert parse_schedule(text) == expression


@pytest.mark.parametrize("text", ["every day", "61 * * * *", "* * *", "0 0 * * * * * *", ""])
def test_parse_schedule_refuses_what_is_not_a_schedule_in_one_line(text):
    with pytest.raises(ScheduleError) as raised:
        parse_schedule(text)
    assert "\n" not in str(raised.value)


def test_previous_fire_is_at_or_before_now():
    assert previous_fire("@daily", NOW) == datetime(2026, 11, 26, tzinfo=UTC)
    assert previous_fire("7 10 * * *", NOW) == NOW  # fires exactly now


def run(started: datetime, status: str = "finished", success: datetime | None = None) -> LastRun:
    return LastRun(
        1, started, status, success if success else started if status == "finished" else None
    )


def test_a_job_that_never_ran_is_due():
    assert is_due("@daily", None, NOW) == "never ran"


def test_a_job_is_due_once_its_schedule_fired_since_its_last_run():
    assert is_due("@daily", run(NOW - timedelta(days=1)), NOW).startswith("due since")
    assert is_due("@daily", run(NOW - timedelta(hours=2)), NOW) is None


def test_a_failed_run_is_retried_after_the_retry_delay_only():
    failed = run(NOW - timedelta(minutes=10), "failed", NOW - timedelta(days=1))
    assert is_due("@daily", failed, NOW, retry_after=timedelta(minutes=30)) is None
    assert "retrying" in is_due("@daily", failed, NOW, retry_after=timedelta(minutes=5))


def test_a_running_run_is_not_started_twice():
    running = run(NOW - timedelta(hours=3), "running", NOW - timedelta(days=1))
    assert is_due("@daily", running, NOW, retry_after=timedelta(0)) is None


def test_due_jobs_picks_the_due_ones():
    last = {
        ("crawl", "a"): run(NOW - timedelta(hours=1)),
        ("crawl", "b"): run(NOW - timedelta(days=2)),
    }
    jobs = due_jobs([("crawl", "a", "@daily"), ("crawl", "b", "@daily"), ("recheck", "a", "@hourly")],
                    last, NOW)  # fmt: skip
    assert [(job.kind, job.site) for job in jobs] == [("crawl", "b"), ("recheck", "a")]


def test_a_profile_carries_schedules_and_monitor_thresholds():
    profile = parse_profile({"base_url": "https://shop.example", "schedule": "daily",
                             "recheck_schedule": "0 */6 * * *",
                             "monitors": {"max_drop": 0.3, "time_budget_minutes": 30}},
                            "shop.toml")  # fmt: skip
    assert (profile.schedule, profile.recheck_schedule) == ("@daily", "0 */6 * * *")
    assert profile.monitors.max_drop == 0.3 and profile.monitors.time_budget_minutes == 30.0
    assert profile.monitors.price_coverage == 0.5  # the default


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [({"schedule": "61 * * * *"}, "schedule", "not a valid cron expression"),
     ({"recheck_schedule": "sometimes"}, "recheck_schedule", "not a schedule"),
     ({"monitors": {"max_drop": 1.5}}, "monitors.max_drop", "between 0 and 1"),
     ({"monitors": {"recent_runs": 2.5}}, "monitors.recent_runs", "expected an integer"),
     ({"monitors": {"max_dorp": 0.5}}, "monitors.max_dorp", "unknown key")],
)  # fmt: skip
def test_a_bad_schedule_or_threshold_names_file_field_and_reason(extra, field, reason):
    with pytest.raises(ProfileError) as raised:
        parse_profile({"base_url": "https://shop.example", **extra}, "shop.toml")
    assert (raised.value.path, raised.value.field) == ("shop.toml", field)
    assert reason in raised.value.reason
