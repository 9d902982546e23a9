"""`maskscreen run-job KIND SITE` (hidden): one scheduled job, in its own process.

`maskscreen run-due` starts one per due job. It can be run by hand too: it is a
crawl or recheck of a site profile under the site's lease, recorded as scheduled,
with the profile's monitor thresholds and the configured alerts (crawler/jobs/job.py).
"""

from __future__ import annotations

import shlex
import sys

import click

from maskscreen.cli import EXIT_ERROR, EXIT_LOST, EXIT_MONITORS, EXIT_OK
from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, lease_ttl_option, model_option
from maskscreen.cli.output import log_level, recheck_line, summary_line
from maskscreen.cli.sites import resolve_sites_dir, sites_dir_option


def crawl_job(profile, engine, model, lease_ttl: float, command: str) -> int:
    from dataclasses import replace

    from maskscreen.crawler.jobs.alerts import configured_alerts
    from maskscreen.crawler.jobs.job import run_crawl
    from maskscreen.crawler.jobs.monitors import failed
    from maskscreen.crawler.jobs.plan import plan_crawl

    plan = replace(plan_crawl(profile=profile), trigger="schedule", lease_ttl=lease_ttl,
                   command=command)  # fmt: skip
    summary = run_crawl(plan, engine=engine, model=model, alerts=configured_alerts(),
                        log_level=log_level(), own_logging=False)  # fmt: skip
    click.echo(f"crawl {profile.name} (run {summary.run_id}): {summary_line(summary)}")
    if summary.finish_reason != "finished":
        click.echo(f"maskscreen: error: crawl of {profile.name} ended early "
                   f"({summary.finish_reason})", err=True)  # fmt: skip
        return EXIT_ERROR
    if summary.status == "failed":
        click.echo(f"maskscreen: error: crawl of {profile.name} failed: {summary.status_reason} "
                   f"(maskscreen runs --drops {summary.run_id})", err=True)  # fmt: skip
        return EXIT_LOST
    bad = failed(summary.monitors or [])
    for result in bad:
        click.echo(f"monitor {result['name']} failed: {result['message']}", err=True)
    return EXIT_MONITORS if bad else EXIT_OK


def recheck_job(profile, engine, model, lease_ttl: float, command: str, sites_dir) -> int:
    from maskscreen.crawler.jobs.job import run_recheck
    from maskscreen.crawler.jobs.recheck import RecheckPlan

    plan = RecheckPlan(sites=(profile.name,), sites_dir=sites_dir, command=command,
                       trigger="schedule", lease=True, lease_ttl=lease_ttl)  # fmt: skip
    summary = run_recheck(plan, engine=engine, model=model, log_level=log_level(),
                          own_logging=False)  # fmt: skip
    click.echo(f"recheck {profile.name}: {recheck_line(summary)}")
    return EXIT_OK if summary.finish_reason == "finished" else EXIT_ERROR


@click.command("run-job", hidden=True)
@click.argument("kind", type=click.Choice(["crawl", "recheck"]))
@click.argument("site")
@lease_ttl_option
@sites_dir_option
@database_option
@model_option
def run_job(kind, site, lease_ttl, sites_dir, database_url, model_dir) -> None:
    """Run one scheduled job now: a crawl or a recheck of a site profile.

    Exit codes as `maskscreen run-due`: 0 ok, 2 failed, 3 busy, 4 monitors failed.

    \b
    Example:
      maskscreen run-job crawl demo-shop
    """
    from maskscreen.crawler.profiles import find_profile

    folder = resolve_sites_dir(sites_dir)
    profile = find_profile(site, folder)
    if profile is None:
        raise click.UsageError(f"unknown site {site!r}: no site profile has that name")
    res = resources()
    model = res.model()  # a broken model is one line here, not a failed crawl
    engine = res.engine()
    command = shlex.join(["maskscreen", "run-due", kind, site])
    if kind == "crawl":
        sys.exit(crawl_job(profile, engine, model, lease_ttl, command))
    sys.exit(recheck_job(profile, engine, model, lease_ttl, command, folder))
