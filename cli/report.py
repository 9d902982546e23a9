"""`maskscreen report`: a self-contained HTML page for the weekly trust-and-safety review."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

import click

from maskscreen.cli.charts import bar_chart, column_chart
from maskscreen.cli.context import resources
from maskscreen.cli.database import parse_since
from maskscreen.cli.inputs import InputError
from maskscreen.cli.options import database_option

STYLE = """body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:760px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{padding:2px 10px;border-bottom:1px solid #ddd;text-align:left}
td.n{text-align:right}h1{font-size:22px}h2{font-size:17px;margin-top:2em}"""


DAY_COLUMNS = ["day", "site", "crawled", "flagged", "confirmed", "dismissed", "removed",
               "median h to removal"]  # fmt: skip


@click.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="FILE.html",
              help="Write the report here.")  # fmt: skip
@click.option(
    "--since", default="7d", show_default=True, help="From: a date, a time, or 12h / 7d / 2w back."
)
@database_option
def report(out, since, database_url) -> None:
    """Write a self-contained HTML report: flags, outcomes, time to removal, sellers.

    Charts are inline SVG; the page needs no network and runs no script. Every
    listing and seller text on it is escaped.

    \b
    Example:
      maskscreen report --out week.html --since 7d
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import analytics

    since_at = parse_since(since) or datetime.now(UTC) - timedelta(days=7)
    engine = resources().engine()
    with Session(engine) as session, session.begin():
        data = {
            "days": analytics.site_days(session, since=since_at),
            "outcomes": analytics.outcomes(session, since=since_at),
            "delays": analytics.removal_delays(session, since=since_at),
            "sellers": analytics.top_sellers(session, since=since_at),
        }
    page = render_report(data, since_at, datetime.now(UTC))
    try:
        Path(out).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    click.echo(f"report: {out}", err=True)


def render_report(data: dict, since: datetime, now: datetime) -> str:
    days, delays, sellers = data["days"], data["delays"], data["sellers"]
    flags: dict[str, int] = {}
    for d in days:
        flags[d.day] = flags.get(d.day, 0) + d.flagged
    by_site: dict[str, list[float]] = {}
    for delay in delays:
        by_site.setdefault(delay.site, []).append(delay.hours)
    medians = sorted(((f"{site} (n={len(h)})", statistics.median(h)) for site, h in by_site.items()),
                     key=lambda p: -p[1])  # fmt: skip
    totals = {
        k: sum(getattr(d, k) for d in days)
        for k in ("crawled", "flagged", "confirmed", "dismissed", "removed")
    }
    period = f"{since:%Y-%m-%d %H:%M} – {now:%Y-%m-%d %H:%M} UTC"
    seller_rows = [[s.site, s.seller, s.flagged, s.confirmed] for s in sellers]
    day_rows = [
        [d.day, d.site, d.crawled, d.flagged, d.confirmed, d.dismissed, d.removed,
         "" if d.median_hours_to_removal is None else d.median_hours_to_removal]
        for d in days
    ]  # fmt: skip
    parts = [
        "<!doctype html><html lang=en><head><meta charset=utf-8>",
        f"<title>maskscreen report {escape(period)}</title><style>{STYLE}</style></head><body>",
        f"<h1>maskscreen weekly report</h1><p>{escape(period)}</p>",
        _table(
            ["crawled", "flagged", "confirmed", "dismissed", "removed"], [list(totals.values())]
        ),
        "<h2>Flags over time</h2>",
        column_chart(sorted(flags.items()), title="listings flagged per day"),
        "<h2>Outcomes</h2>",
        bar_chart(
            sorted(data["outcomes"].items(), key=lambda p: -p[1]),
            title="flag cases opened in the period, by status now",
        ),
        "<h2>Time to removal</h2>",
        bar_chart(medians, title="median hours from confirmation to removal, per site", unit=" h"),
        "<h2>Top sellers</h2>",
        _table(["site", "seller", "flagged", "confirmed"], seller_rows),
        "<h2>Per site and day</h2>",
        _table(DAY_COLUMNS, day_rows),
        f"<p><small>generated {now:%Y-%m-%d %H:%M} UTC by maskscreen stats and report</small></p>",
        "</body></html>\n",
    ]
    return "\n".join(parts)


def _table(header: list[str], rows: list[list]) -> str:
    if not rows:
        return "<p>none</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(
            f'<td class="n">{v}</td>' if isinstance(v, (int, float)) else f"<td>{escape(str(v))}</td>"
            for v in row
        ) + "</tr>"
        for row in rows
    )  # fmt: skip
    return f"<table><tr>{head}</tr>{body}</table>"


def register(group: click.Group) -> None:
    group.add_command(report)
