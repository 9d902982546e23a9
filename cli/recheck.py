"""`maskscreen recheck`: re-visit flagged listings, record live / changed / removed."""

from __future__ import annotations

import sys

import click

from maskscreen.cli import EXIT_ERROR
from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, model_option
from maskscreen.cli.output import log_level, recheck_line, render
from maskscreen.cli.sites import resolve_sites_dir, sites_dir_option


def removal_rows(session, site: str | None) -> list[dict]:
    from maskscreen.db import analytics

    return [row.as_row() for row in analytics.removal_both_ways(session, site=site)]


@click.command()
@click.option("--site", help="Only listings of this site (default: every site).")
@sites_dir_option
@database_option
@model_option
def recheck(
    site: str | None, sites_dir: str | None, database_url: str | None, model_dir: str | None
) -> None:
    """Re-visit listings under review and record whether they are live, changed or removed.

    Visits every listing with an open, escalated, confirmed or actioned case that is
    not known to be removed. Removed: HTTP 404/410, a redirect to the home or a
    search page, or a page saying it is gone ("no longer available", "已下架", …).
    Changed: the content moved; the new version is stored and classified, and the
    case stays as it is. A removal moves a confirmed or actioned case to removed and
    notes it on an open or escalated one. A site crawled through a site profile is
    read with its profile's selectors. Each site visited gets a crawl run (command
    "maskscreen recheck"). Then prints the median time to removal per site, both ways:
    from the flag, and from a reviewer's confirmation (as `stats` and `report` do).

    \b
    Example:
      maskscreen recheck --site shop.example
    """
    from maskscreen.crawler.jobs.job import run_recheck
    from maskscreen.crawler.jobs.recheck import RecheckPlan

    res = resources()
    model = res.model()  # a broken model is one line here, not a failed crawl
    plan = RecheckPlan(sites=(site,) if site else (), sites_dir=resolve_sites_dir(sites_dir))
    summary = run_recheck(plan, engine=res.engine(), model=model, log_level=log_level(),
                          own_logging=False)  # fmt: skip
    click.echo(recheck_line(summary))
    from maskscreen.db import analytics

    with res.session(write=False) as session:
        rows = removal_rows(session, site)
    if rows:
        click.echo(
            "time to removal, median hours per site: from the flag (case opened) to first "
            "seen removed, and from a reviewer's confirmation to removal:"
        )
        render(rows, analytics.REMOVAL_COLUMNS)
    if summary.finish_reason != "finished":
        click.echo(f"maskscreen: error: recheck ended early ({summary.finish_reason})", err=True)
        sys.exit(EXIT_ERROR)


def register(group: click.Group) -> None:
    group.add_command(recheck)
