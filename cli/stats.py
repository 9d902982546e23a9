"""`maskscreen stats`: per site and day, measured precision, and the estimated miss rate."""

from __future__ import annotations

from dataclasses import asdict

import click

from maskscreen.cli.context import resources
from maskscreen.cli.database import parse_since
from maskscreen.cli.options import database_option
from maskscreen.cli.output import dumps, render

DAY_COLUMNS = ["day", "site", "crawled", "flagged", "confirmed", "dismissed", "removed",
               "median_hours_to_removal"]  # fmt: skip


@click.command()
@click.option("--site", help="Only this site.")
@click.option("--since", help="From: a date, a time, or 12h / 7d / 2w back.")
@click.option("--json", "as_json", is_flag=True, help="All figures as one JSON object.")
@database_option
def stats(site, since, as_json, database_url) -> None:
    """Show what was crawled, flagged, decided and removed, per site and day.

    Also the measured precision of each model version (the share of decided flags
    that reviewers confirmed) and, from the audit sample of unflagged listings
    (`maskscreen audit-sample`), the estimated miss rate per site and language.
    Crawled counts the listings that crawl runs saw (not recheck visits). Time to
    removal is shown both ways, each labelled: from the flag (as `recheck` reports it)
    and from a case's confirmation to the re-check that found the listing gone.

    \b
    Examples:
      maskscreen stats --since 7d
      maskscreen stats --site shop.example --json | jq .precision
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import analytics

    since_at = parse_since(since)
    engine = resources().engine()
    with Session(engine) as session, session.begin():
        analytics.check_site(session, site)
        days = [asdict(d) for d in analytics.site_days(session, site=site, since=since_at)]
        precision = [
            _decided(d, ["model_version"], "precision")
            for d in analytics.precision_by_model(session, site=site, since=since_at)
        ]
        misses = [
            _decided(d, ["site", "language"], "miss_rate")
            for d in analytics.miss_rate(session, site=site, since=since_at)
        ]
        removal = [
            row.as_row() for row in analytics.removal_both_ways(session, site=site, since=since_at)
        ]
    if as_json:
        click.echo(dumps({"days": days, "precision": precision, "miss_rate": misses,
                          "time_to_removal": removal}))  # fmt: skip
        return
    _section("per site and day (UTC)", days, DAY_COLUMNS)
    _section("measured precision per model version (confirmed / decided flags)", precision,
             ["model_version", "confirmed", "dismissed", "decided", "precision"])  # fmt: skip
    _section("estimated miss rate per site and language (confirmed / decided audit cases)", misses,
             ["site", "language", "confirmed", "dismissed", "decided", "miss_rate"])  # fmt: skip
    _section("time to removal per site: median hours from the flag (case opened, as recheck "
             "reports) and from a reviewer's confirmation; removals in the period", removal,
             analytics.REMOVAL_COLUMNS)  # fmt: skip


def _decided(row, names: list[str], share: str) -> dict:
    record = dict(zip(names, row.key, strict=False))
    record.update(confirmed=row.confirmed, dismissed=row.dismissed, decided=row.decided)
    record[share] = None if row.share is None else round(row.share, 4)
    return record


def _section(title: str, rows: list[dict], columns: list[str]) -> None:
    click.echo(f"{title}:")
    if rows:
        render(rows, columns, limits={"site": 30, "model_version": 30})
    else:
        click.echo("  (none)")
    click.echo()


def register(group: click.Group) -> None:
    group.add_command(stats)
