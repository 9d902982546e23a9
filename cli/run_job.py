"""`maskscreen run-job KIND SITE` (hidden): one scheduled job, in its own process.

`maskscreen run-due` starts one per due job. It can be run by hand too: it is a
crawl or recheck of a site profile under the site's lease, recorded as scheduled,
with the profile's monitor thresholds and the configured alerts.
"""

from __future__ import annotations

import shlex
import sys

import click

from maskscreen.cli import EXIT_ERROR, EXIT_MONITORS, EXIT_OK
from maskscreen.cli.options import database_option, lease_ttl_option, model_option
from maskscreen.cli.sites import resolve_sites_dir, sites_dir_option


def crawl_job(profile, url: str, model_dir: str | None, lease_ttl: float, command: str) -> int:
    from maskscreen.cli.output import log_level, summary_line
    from maskscreen.crawler.jobs.alerts import configured_alerts
    from maskscreen.crawler.jobs.job import run_crawl
    from maskscreen.crawler.jobs.monitors import failed
    from maskscreen.crawler.jobs.plan import plan_crawl

    plan = plan_crawl(profile=profile)
    summary = run_crawl(
        plan.start_urls, database_url=url, site=plan.site, model_dir=model_dir,
        max_pages=plan.max_pages, log_level=log_level(), command=command, own_logging=False,
        via=plan.via, spider_args=plan.spider_args, settings_overrides=plan.settings,
        trigger="schedule", lease_ttl=lease_ttl, monitors=profile.monitors, alerts=configured_alerts(),
    )  # fmt: skip
    click.echo(f"crawl {profile.name} (run {summary.run_id}): {summary_line(summary)}")
    if summary.finish_reason != "finished":
        click.echo(f"maskscreen: error: crawl of {profile.name} ended early "
                   f"({summary.finish_reason})", err=True)  # fmt: skip
        return EXIT_ERROR
    bad = failed(summary.monitors or [])
    for result in bad:
        click.echo(f"monitor {result['name']} failed: {result['message']}", err=True)
    return EXIT_MONITORS if bad else EXIT_OK


def recheck_job(site: str, url: str, model_dir: str | None, lease_ttl: float, command: str) -> int:
    from sqlalchemy.orm import Session

    from maskscreen.cli.output import log_level, recheck_line
    from maskscreen.crawler.jobs.job import CrawlBusy
    from maskscreen.crawler.jobs.recheck import run_recheck
    from maskscreen.db import runs
    from maskscreen.db.leases import LeaseHeld, LeaseKeeper
    from maskscreen.db.migrate import open_database
    from maskscreen.db.models import utcnow

    engine = open_database(url)
    keeper = LeaseKeeper(engine, f"recheck:{site}", ttl=lease_ttl)
    try:
        keeper.acquire()
    except LeaseHeld as exc:
        engine.dispose()
        raise CrawlBusy(f"another recheck is running: {exc}") from None
    started = utcnow()
    keeper.start()
    try:
        summary = run_recheck(url, site=site, model_dir=model_dir, log_level=log_level(),
                              own_logging=False,
                              settings_overrides={"MASKSCREEN_COMMAND": command,
                                                  "MASKSCREEN_TRIGGER": "schedule"})  # fmt: skip
    finally:
        keeper.release()
    status = {"finished": "finished", "shutdown": "interrupted"}.get(
        summary.finish_reason, "failed"
    )
    with Session(engine) as session, session.begin():
        # So that run-due knows when the site was last rechecked, even with nothing to visit.
        if not _recheck_recorded(session, site, started):
            site_id = runs.get_or_create_site(session, site)
            run_id = runs.start_crawl_run(session, site_id, command, kind="recheck",
                                          trigger="schedule")  # fmt: skip
            counts = {
                "listings": summary.targets,
                "changed": summary.counts["changed"],
                "unchanged": summary.counts["live"],
                "errors": summary.unreachable,
            }
            runs.finish_crawl_run(session, run_id, status=status, counts=counts, dropped={})
    engine.dispose()
    click.echo(f"recheck {site}: {recheck_line(summary)}")
    return EXIT_OK if status == "finished" else EXIT_ERROR


def _recheck_recorded(session, site: str, since) -> bool:
    from maskscreen.db.runs import run_history

    return bool(run_history(session, site=site, kind="recheck", since=since, limit=1))


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
    from maskscreen.crawler.pipelines import shared_model
    from maskscreen.crawler.profiles import find_profile
    from maskscreen.db.migrate import open_database

    profile = find_profile(site, resolve_sites_dir(sites_dir))
    if profile is None:
        raise click.UsageError(f"unknown site {site!r}: no site profile has that name")
    shared_model(model_dir)  # a broken model is one line here, not a failed crawl
    engine = open_database(database_url)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    command = shlex.join(["maskscreen", "run-due", kind, site])
    if kind == "crawl":
        sys.exit(crawl_job(profile, url, model_dir, lease_ttl, command))
    sys.exit(recheck_job(profile.name, url, model_dir, lease_ttl, command))
