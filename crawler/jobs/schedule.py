"""When a site's crawl or recheck is due: cron expressions read by croniter, in UTC.

A schedule is "hourly", "daily" (00:00 UTC), "weekly" (Sunday 00:00 UTC), a cron
alias such as "@daily", or a five-field cron expression ("30 2 * * *").

A job is due when no run of it has started since the schedule last fired. A run
that started since then but did not finish (failed, interrupted, its worker lost)
is tried again once it is `retry_after` old, until one finishes. So `run-due` keeps
no state of its own: the crawl_runs table says what ran.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from croniter import croniter

if TYPE_CHECKING:
    from maskscreen.db import LastRun

ALIASES = {"hourly": "@hourly", "daily": "@daily", "weekly": "@weekly"}
DEFAULT_RETRY_AFTER = timedelta(minutes=30)


class ScheduleError(ValueError):
    """Not a schedule: the reason, one line."""


def parse_schedule(text: str) -> str:
    """The cron expression a schedule stands for; ScheduleError if it is not one."""
    expression = ALIASES.get(text.strip().lower(), text.strip())
    if len(expression.split()) != 5 and not expression.startswith("@"):
        raise ScheduleError(
            f"not a schedule: {text!r} (hourly, daily, weekly or 5 cron fields, e.g. '30 2 * * *')"
        )
    if not croniter.is_valid(expression):
        raise ScheduleError(f"not a valid cron expression: {text!r}")
    return expression


def previous_fire(expression: str, now: datetime) -> datetime:
    """The last time at or before ``now`` that the schedule fired (UTC)."""
    return croniter(expression, now + timedelta(microseconds=1)).get_prev(datetime)


def next_fire(expression: str, now: datetime) -> datetime:
    return croniter(expression, now).get_next(datetime)


@dataclass(frozen=True)
class Job:
    kind: str  # crawl | recheck
    site: str
    schedule: str
    reason: str  # why it is due, for people


def is_due(
    expression: str,
    last: LastRun | None,
    now: datetime,
    retry_after: timedelta = DEFAULT_RETRY_AFTER,
) -> str | None:
    """Why the job is due now, or None if it is not."""
    fired = previous_fire(expression, now)
    if last is None:
        return "never ran"
    if last.last_success_at is not None and last.last_success_at >= fired:
        return None
    if last.started_at < fired:
        return f"due since {fired:%Y-%m-%d %H:%M} UTC"
    if last.status == "running":
        return None  # its lease says whether it is alive; run-due reaps it first if not
    if now - last.started_at >= retry_after:
        return f"retrying: the last run {last.status} at {last.started_at:%H:%M} UTC"
    return None


def due_jobs(
    schedules: Iterable[tuple[str, str, str]],
    last: Mapping[tuple[str, str], LastRun],
    now: datetime,
    retry_after: timedelta = DEFAULT_RETRY_AFTER,
) -> list[Job]:
    """The jobs due now, from (kind, site, cron expression) and (kind, site) -> LastRun."""
    jobs = []
    for kind, site, expression in schedules:
        reason = is_due(expression, last.get((kind, site)), now, retry_after)
        if reason is not None:
            jobs.append(Job(kind, site, expression, reason))
    return jobs
