"""`maskscreen runs`: the history of crawls and rechecks, with their monitors."""

from __future__ import annotations

import click

from maskscreen.cli.context import resources
from maskscreen.cli.database import parse_since
from maskscreen.cli.options import database_option, output_options
from maskscreen.cli.output import render

COLUMNS = ["id", "site", "kind", "started", "finished", "status", "pages", "listings", "new",
           "changed", "flagged", "errors", "monitors"]  # fmt: skip
STATUSES = ["running", "finished", "failed", "interrupted"]


def monitors_cell(row: dict) -> str:
    """ "ok", "-" (not checked) or the names of the monitors that failed."""
    results = row.get("monitors")
    if results is None:
        return "-"
    bad = [result["name"] for result in results if not result["passed"]]
    return f"FAILED: {', '.join(bad)}" if bad else "ok"


def table_row(row: dict) -> dict:
    return {**row, "started": row["started_at"], "finished": row["finished_at"],
            "monitors": monitors_cell(row)}  # fmt: skip


def json_row(row: dict) -> dict:
    keys = ["id", "site", "kind", "trigger", "status", "started_at", "finished_at", "command",
            "pages", "listings", "new", "changed", "unchanged", "flagged", "errors", "dropped",
            "field_coverage", "monitors", "monitors_failed", "alerted_at", "status_reason"]  # fmt: skip
    from maskscreen.db import redact_credentials

    record = {key: row.get(key) for key in keys}
    if record["command"]:  # rows written before commands were redacted on the way in
        record["command"] = redact_credentials(record["command"])
    return record


@click.command()
@click.option("--site", help="Only runs of this site.")
@click.option("--status", type=click.Choice(STATUSES), help="Only runs that ended so.")
@click.option("--kind", type=click.Choice(["crawl", "recheck"]), help="Only crawls or rechecks.")
@click.option("--since", help="Started since: a date, a time, or 12h / 7d / 2w back.")
@click.option("--failed-monitors", is_flag=True, help="Only runs with a failed monitor.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True,
              help="At most this many runs, newest first.")  # fmt: skip
@click.option("--drops", "drops_of", type=click.IntRange(1), metavar="RUN",
              help="What run RUN skipped or lost, one line per page or item, with the reason.")  # fmt: skip
@click.option("--reason", help="With --drops: only this reason (e.g. blocked_address).")
@output_options
@database_option
def runs(
    site, status, kind, since, failed_monitors, limit, drops_of, reason, as_json, as_csv,
    database_url,
) -> None:  # fmt: skip
    """Show past crawls and rechecks: when, how they ended, counts and monitors.

    The monitors column says "ok", "-" (not checked: a recheck, or a crawl still
    running) or which monitors failed; --json gives each result with its message,
    and the run's field coverage (title, price, currency).

    \b
    Example:
      maskscreen runs --site demo-shop --limit 5
      maskscreen runs --failed-monitors --since 7d --json
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import run_history

    if drops_of is not None:
        _show_drops(drops_of, reason, limit, as_json, as_csv)
        return
    engine = resources().engine()
    close_lost_runs(engine)
    with Session(engine) as session:
        rows = run_history(
            session, site=site, status=status, kind=kind, since=parse_since(since),
            failed_monitors=failed_monitors, limit=limit,
        )  # fmt: skip
    if as_json or as_csv:
        render([json_row(row) for row in rows], list(json_row({})), as_json=as_json,
               as_csv=as_csv)  # fmt: skip
        return
    if not rows:
        click.echo("no runs" + (" match" if site or status or kind or since else " yet"), err=True)
        return
    render([table_row(row) for row in rows], COLUMNS, limits={"monitors": 60})


def close_lost_runs(engine) -> list[int]:
    """Close the runs whose worker is gone (killed, its lease expired or its process
    dead on this machine) as failed (worker_lost), saying so on stderr; their ids."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from maskscreen.db import leases

    try:
        with Session(engine) as session, session.begin():
            closed = leases.reap_expired(session)
    except SQLAlchemyError:  # a read-only database: show the history as it is
        return []
    for run_id in closed:
        click.echo(f"run {run_id}: its worker is gone (killed or disconnected); "
                   "closed as failed (worker_lost)", err=True)  # fmt: skip
    return closed


def _show_drops(run_id: int, reason: str | None, limit: int, as_json: bool, as_csv: bool) -> None:
    from maskscreen.crawler.jobs.runs import DROP_ROWS_PER_REASON
    from maskscreen.db import runs as run_rows

    with resources().session(write=False) as session:
        known = run_rows.run_history(session, limit=1, run_id=run_id)
        if not known:
            raise click.BadParameter(f"no run {run_id}", param_hint="--drops")
        rows = run_rows.run_drops(session, run_id, reason=reason, limit=max(limit, 1000))
    counts = known[0]["dropped"] or {}
    if as_json or as_csv:
        render(rows, ["at", "reason", "url", "detail"], as_json=as_json, as_csv=as_csv)
        return
    total = sum(counts.values())
    errors = known[0]["errors"] or 0
    click.echo(f"run {run_id} dropped {total}: " + (", ".join(
        f"{k} {v}" for k, v in sorted(counts.items())) or "nothing")
        + (f"; {errors} requests failed" if errors else ""), err=True)  # fmt: skip
    render(rows, ["at", "reason", "url", "detail"], limits={"url": 70, "detail": 60})
    if total + errors > len(rows):
        click.echo(f"({len(rows)} of {total + errors} shown; a run keeps the first "
                   f"{DROP_ROWS_PER_REASON} of each reason, {run_rows.MAX_DROP_ROWS} in all; "
                   "the counts are complete)", err=True)  # fmt: skip


def register(group: click.Group) -> None:
    group.add_command(runs)
