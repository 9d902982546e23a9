"""`maskscreen db …` (schema) and `maskscreen flagged` (the analyst's first query)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, output_options
from maskscreen.cli.output import render

LABEL_CHOICES = click.Choice(["realistic_face_mask", "custom_face_copy"])
_RELATIVE = re.compile(r"^(\d+)([hdw])$")


def parse_since(value: str | None) -> datetime | None:
    """ISO date/time, or a span back from now: 12h, 7d, 2w."""
    if value is None:
        return None
    match = _RELATIVE.match(value.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        span = {
            "h": timedelta(hours=amount),
            "d": timedelta(days=amount),
            "w": timedelta(weeks=amount),
        }[unit]
        return datetime.now(UTC) - span
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r}: use a date (2026-11-01), a time, or 12h / 7d / 2w"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.group("db")
def db_group() -> None:
    """Create, upgrade or inspect the database schema (Alembic migrations).

    \b
    Example:
      maskscreen db upgrade --db postgresql://maskscreen@db.internal/maskscreen
    """


@db_group.command()
@click.argument("revision", default="head")
@database_option
def upgrade(revision: str, database_url: str | None) -> None:
    """Bring the schema up to REVISION (default: head).

    \b
    Example:
      maskscreen db upgrade
    """
    from maskscreen.db import migrate
    from maskscreen.db.session import safe_url

    engine = _engine(database_url)
    migrate.upgrade(engine, revision)
    click.echo(f"{safe_url(engine)}: at {migrate.current(engine)}")


@db_group.command()
@click.argument("revision")
@database_option
def downgrade(revision: str, database_url: str | None) -> None:
    """Take the schema down to REVISION (`base` removes every table).

    \b
    Example:
      maskscreen db downgrade base
    """
    from maskscreen.db import migrate
    from maskscreen.db.session import safe_url

    engine = _engine(database_url)
    migrate.downgrade(engine, revision)
    click.echo(f"{safe_url(engine)}: at {migrate.current(engine) or 'base'}")


@db_group.command()
@database_option
def current(database_url: str | None) -> None:
    """Print the schema revision of the database and the code's head.

    \b
    Example:
      maskscreen db current
    """
    from maskscreen.db import migrate
    from maskscreen.db.session import safe_url

    engine = _engine(database_url)
    click.echo(
        f"{safe_url(engine)}: at {migrate.current(engine) or 'base (empty)'}; code head {migrate.head()}"
    )


def _engine(database_url: str | None):
    """The command's engine, known to connect, without touching the schema."""
    return resources().engine(migrate=False)


@click.command()
@click.option("--site", help="Only this site.")
@click.option("--since", help="Flagged since: a date, a time, or 12h / 7d / 2w back.")
@click.option("--min-score", type=click.FloatRange(0, 1), help="Only scores at or above this.")
@click.option("--label", type=LABEL_CHOICES, help="Only this label.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@output_options
@database_option
def flagged(site, since, min_score, label, limit, as_json, as_csv, database_url) -> None:
    """List flagged listings, newest first.

    \b
    Examples:
      maskscreen flagged --since 7d --min-score 0.9
      maskscreen flagged --label custom_face_copy --csv > custom.csv
    """
    from dataclasses import asdict

    from sqlalchemy.orm import Session

    from maskscreen.db import checks, store

    since_at = parse_since(since)
    engine = resources().engine()
    with Session(engine) as session:
        rows = store.query_flagged(
            session, site=site, since=since_at, min_score=min_score, label=label, limit=limit
        )
        removed = checks.removal_times(session, [row.listing_id for row in rows])
    records = [{**asdict(row), "removed_at": removed.get(row.listing_id)} for row in rows]
    columns = ["flagged_at", "site", "score", "label", "title", "signals", "url", "removed_at"]
    if as_json or as_csv:
        columns = list(records[0]) if records else columns
    render(records, columns, as_json=as_json, as_csv=as_csv, limits={"title": 50, "url": 60})


def register(group: click.Group) -> None:
    group.add_command(db_group)
    group.add_command(flagged)
