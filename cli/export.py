"""`maskscreen export`: every flagged listing with its latest verdict and review status."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import click

from maskscreen.cli.context import resources
from maskscreen.cli.database import LABEL_CHOICES, parse_since
from maskscreen.cli.inputs import InputError
from maskscreen.cli.options import database_option
from maskscreen.cli.output import _csv_cell, dumps

STATUS_CHOICES = click.Choice(
    ["none", "open", "escalated", "confirmed", "dismissed", "actioned", "removed"]
)


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="csv", show_default=True
)
@click.option(
    "--status", type=STATUS_CHOICES, help="Only cases in this review status (none: no case yet)."
)
@click.option("--site", help="Only this site.")
@click.option("--label", type=LABEL_CHOICES, help="Only this label.")
@click.option("--since", help="Flagged since: a date, a time, or 12h / 7d / 2w back.")
@click.option(
    "--out",
    default="-",
    show_default=True,
    metavar="FILE",
    help="Write here (replaced only when the export is complete); - for stdout.",
)
@database_option
def export(fmt, status, site, label, since, out, database_url) -> None:
    """Export flagged listings with their latest verdict and review status.

    Rows stream from the database to the output, so memory stays flat however
    many listings there are. A file is written beside its final name and moved
    into place at the end: an interrupted export leaves no half file.

    \b
    Examples:
      maskscreen export --format csv --out flagged.csv
      maskscreen export --format jsonl --status confirmed --since 7d | jq .url
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import analytics
    from maskscreen.db.export import export_rows

    since_at = parse_since(since)
    with _output(out) as stream:
        engine = resources().engine()
        with Session(engine) as session, session.begin():
            analytics.check_site(session, site)
            rows = export_rows(session, status=status, site=site, label=label, since=since_at)
            count = _write(stream, fmt, rows)
    click.echo(
        f"exported {count} flagged listings" + ("" if out == "-" else f" to {out}"), err=True
    )


def _write(stream: IO[str], fmt: str, rows: Iterator[dict]) -> int:
    count = 0
    if fmt == "jsonl":
        for row in rows:
            stream.write(dumps(row) + "\n")
            count += 1
        return count
    from maskscreen.db.export import EXPORT_COLUMNS

    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(row[c]) for c in EXPORT_COLUMNS])
        count += 1
    return count


@contextmanager
def _output(out: str) -> Iterator[IO[str]]:
    """stdout, or a temporary file beside ``out`` renamed to it when the block succeeds."""
    if out == "-":
        yield sys.stdout
        return
    target = Path(out)
    try:
        if target.is_dir():
            raise IsADirectoryError(21, "is a directory")
        # Kept open while rows stream in, then renamed over the target: no `with`.
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", encoding="utf-8", newline="", dir=target.parent, prefix=f".{target.name}.",
            suffix=".part", delete=False,
        )  # fmt: skip
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from exc
    try:
        with handle:
            yield handle
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def register(group: click.Group) -> None:
    group.add_command(export)
