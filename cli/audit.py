"""`maskscreen audit-sample`: unflagged listings drawn at random for review (the miss rate)."""

from __future__ import annotations

import click

from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option


@click.command("audit-sample")
@click.argument("n", type=click.IntRange(1))
@click.option("--site", help="Only listings of this site.")
@click.option(
    "--seed", type=int, help="Random seed: the same database and seed draw the same listings."
)
@database_option
def audit_sample(n, site, seed, database_url) -> None:
    """Draw N unflagged listings at random into review cases (source audit).

    Listings whose newest verdict is not flagged and that have no review case yet
    are candidates. Reviewers decide the cases like any other; `maskscreen stats`
    turns their decisions into an estimated miss rate per site and language.

    \b
    Example:
      maskscreen audit-sample 200 --site shop.example --seed 1
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import analytics, audit

    engine = resources().engine()
    # Read in one transaction, write in another: on SQLite a transaction that reads
    # and then writes fails if another process commits in between.
    with Session(engine) as session, session.begin():
        analytics.check_site(session, site)
        candidates = audit.audit_candidates(session, site=site)
    chosen = audit.choose_sample(candidates, n, seed)
    with Session(engine) as session, session.begin():
        opened = audit.open_audit_cases(session, chosen)
    where = f" on {site}" if site else ""
    click.echo(f"drew {opened} of {len(candidates)} unflagged listings{where} into audit cases")


def register(group: click.Group) -> None:
    group.add_command(audit_sample)
