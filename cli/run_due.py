"""`maskscreen run-due`: start every scheduled crawl and recheck that is due, then exit.

What cron, a systemd timer or a Kubernetes CronJob calls every few minutes (see
docs/operations.md). Each due job runs in a child process (`maskscreen run-job`,
hidden: Twisted's reactor starts once per process) under its site's lease.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import click

from maskscreen.cli import EXIT_BUSY, EXIT_ERROR, EXIT_LOST, EXIT_MONITORS, EXIT_OK
from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, lease_ttl_option, model_option
from maskscreen.cli.sites import resolve_sites_dir, sites_dir_option

# The exit code run-due returns when jobs end differently: the first found in this order.
SEVERITY = (EXIT_ERROR, EXIT_LOST, EXIT_MONITORS, EXIT_BUSY, EXIT_OK)
OUTCOMES = {EXIT_OK: "ok", EXIT_ERROR: "failed", EXIT_BUSY: "busy (another run holds its lease)",
            EXIT_MONITORS: "finished, monitors failed",
            EXIT_LOST: "failed: lost listings or fetched nothing"}  # fmt: skip


def scheduled(profiles: dict) -> list[tuple[str, str, str]]:
    """(kind, site, cron expression) for every schedule the profiles carry."""
    jobs = []
    for name, profile in profiles.items():
        if profile.schedule:
            jobs.append(("crawl", name, profile.schedule))
        if profile.recheck_schedule:
            jobs.append(("recheck", name, profile.recheck_schedule))
    return jobs


def clock():
    """Now, in UTC: what schedules and leases are judged against (tests fix it)."""
    from maskscreen.db import utcnow

    return utcnow()


def find_due(engine, profiles: dict, retry_after: timedelta, now=None):
    """(due jobs, runs closed because their worker died), at `now` (default: clock())."""
    from sqlalchemy.orm import Session

    from maskscreen.crawler.jobs.schedule import due_jobs
    from maskscreen.db import leases, runs

    now = now or clock()
    with Session(engine) as session, session.begin():
        reaped = leases.reap_expired(session, now)
    with Session(engine) as session:
        last = {("crawl", site): run for site, run in runs.last_runs(session, "crawl").items()}
        last.update(
            {("recheck", site): run for site, run in runs.last_runs(session, "recheck").items()}
        )
    return due_jobs(scheduled(profiles), last, now, retry_after), reaped


def _verbosity() -> list[str]:
    level = logging.getLogger().getEffectiveLevel()
    return {logging.DEBUG: ["-vv"], logging.INFO: ["-v"], logging.ERROR: ["-q"]}.get(level, [])


def run_child(job, url: str, sites_dir: str, model_dir: str | None, lease_ttl: float) -> int:
    args = [sys.executable, "-m", "maskscreen.cli", *_verbosity(), "run-job", job.kind, job.site,
            "--sites-dir", sites_dir, "--lease-ttl", str(lease_ttl)]  # fmt: skip
    if model_dir:
        args += ["--model", model_dir]
    # The database URL goes by environment, not argv: `ps` would show its password.
    env = {**os.environ, "MASKSCREEN_DATABASE_URL": url}
    return subprocess.run(args, env=env, stdin=subprocess.DEVNULL, check=False).returncode


def worst(codes: list[int]) -> int:
    return next((code for code in SEVERITY if code in codes), EXIT_ERROR if codes else EXIT_OK)


@click.command("run-due")
@click.option(
    "--site",
    "only",
    multiple=True,
    metavar="NAME",
    help="Only this site's jobs (repeatable). Default: every profile with a schedule.",
)
@click.option("--dry-run", is_flag=True, help="Say what is due; start nothing.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Due jobs run at the same time (each in its own process).",
)
@click.option(
    "--retry-after",
    type=click.IntRange(0),
    default=30,
    show_default=True,
    metavar="MINUTES",
    help="Try a failed run again after this long.",
)
@lease_ttl_option
@click.option("--json", "as_json", is_flag=True, help="One JSON line per job on stdout.")
@click.option("--test-alert", is_flag=True,
              help="Send a test alert on every configured channel, say which took it; "
                   "start nothing.")  # fmt: skip
@sites_dir_option
@database_option
@model_option
def run_due(only, dry_run, jobs, retry_after, lease_ttl, as_json, test_alert, sites_dir,
            database_url, model_dir) -> None:  # fmt: skip
    """Start every scheduled crawl and recheck that is due, then exit.

    Schedules come from the site profiles (`schedule`, `recheck_schedule`: hourly,
    daily, weekly or a cron expression, in UTC). A job is due when none of its runs
    started since its schedule last fired; a failed run is tried again after
    --retry-after. Each job runs under its site's lease, so two machines calling
    run-due on one database never crawl a site twice at once.

    \b
    Exit codes: 0 every due job finished and passed its monitors (or none was due);
    2 a job failed, or bad input (unknown site, bad schedule, no database);
    3 a site was busy (another crawl holds its lease); 4 a crawl's monitors failed.

    \b
    Example:
      */5 * * * *  maskscreen run-due --db postgresql://maskscreen@db/maskscreen
      maskscreen run-due --dry-run
    """
    from maskscreen.crawler.jobs.alerts import configured_alerts
    from maskscreen.crawler.profiles import find_profile, scan_profiles

    folder = resolve_sites_dir(sites_dir)
    alerts = (
        configured_alerts()
    )  # a malformed alert configuration is one line now, not in every job
    if test_alert:
        sys.exit(send_test_alert(alerts))
    profiles, refused = scan_profiles(folder)
    for name in only:
        if name not in profiles and find_profile(name, folder) is None:  # raises if refused
            known = ", ".join(sorted(p for p, prof in profiles.items() if scheduled({p: prof})))
            raise click.UsageError(
                f"unknown site {name!r}; sites with a schedule: {known or 'none'}"
            )
    if only:
        profiles = {name: profiles[name] for name in only}
    for error in refused:
        click.echo(f"maskscreen: error: {error} (skipped)", err=True)
    engine = resources().engine()
    due, reaped = find_due(engine, profiles, timedelta(minutes=retry_after))
    url = engine.url.render_as_string(hide_password=False)  # for the children, by environment
    for run_id in reaped:
        click.echo(
            f"run {run_id}: its worker is gone (killed or disconnected); closed as failed",
            err=True,
        )
    codes = [EXIT_ERROR] if refused else []
    if not due:
        click.echo("nothing due", err=True)
    if dry_run:
        for job in due:
            _report(job, None, as_json)
        sys.exit(worst(codes))
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [
            (job, pool.submit(run_child, job, url, folder, model_dir, lease_ttl)) for job in due
        ]
        for job, future in futures:
            code = future.result()
            codes.append(code)
            _report(job, code, as_json)
    sys.exit(worst(codes))


def send_test_alert(alerts) -> int:
    import socket

    from maskscreen.crawler.jobs.alerts import send_alert

    if not alerts.channels:
        click.echo("maskscreen: error: no alert channel is configured "
                   "(see docs/operations.md)", err=True)  # fmt: skip
        return EXIT_ERROR
    text = f"maskscreen: test alert from {socket.gethostname()} (maskscreen run-due --test-alert)"
    sent = send_alert(alerts, text, {"test": True})
    for channel, where in alerts.describe().items():
        click.echo(f"{channel} ({where}): {'sent' if channel in sent else 'FAILED (see the log)'}")
    return EXIT_OK if len(sent) == len(alerts.channels) else EXIT_ERROR


def _report(job, code: int | None, as_json: bool) -> None:
    outcome = "due" if code is None else OUTCOMES.get(code, f"failed (exit {code})")
    if as_json:
        click.echo(
            json.dumps(
                {
                    "kind": job.kind,
                    "site": job.site,
                    "schedule": job.schedule,
                    "reason": job.reason,
                    "exit_code": code,
                    "outcome": outcome,
                }
            )
        )
    else:
        click.echo(f"{job.kind} {job.site}: {outcome} ({job.reason})")


def register(group: click.Group) -> None:
    from maskscreen.cli.run_job import run_job

    group.add_command(run_due)
    group.add_command(run_job)
