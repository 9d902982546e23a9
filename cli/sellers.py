"""`maskscreen sellers`: sellers ranked by confirmed, then flagged listings."""

from __future__ import annotations

from dataclasses import asdict

import click

from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, output_options
from maskscreen.cli.output import render


@click.command()
@click.option("--site", help="Only sellers on this site.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@output_options
@database_option
def sellers(site, limit, as_json, as_csv, database_url) -> None:
    """List sellers by confirmed cases, then flagged listings, with sites and handles.

    Sellers are linked across sites by the contact handles (WeChat, QQ, WhatsApp,
    Telegram, LINE, phone, e-mail) found in their listings; `sites` includes the
    sites of linked sellers.

    \b
    Examples:
      maskscreen sellers --limit 20
      maskscreen sellers --json | jq -r 'select(.linked > 0) | .handles[]'
    """
    from sqlalchemy.orm import Session

    from maskscreen.db.seller_queries import rank_sellers

    engine = resources().engine()
    with Session(engine) as session:
        ranked = rank_sellers(session, site=site, limit=limit)
    records = [asdict(row) for row in ranked]
    columns = ["confirmed", "flagged", "listings", "site", "name", "sites", "handles", "url"]
    if as_json or as_csv:
        columns = list(records[0]) if records else ["seller_id", *columns]
    render(records, columns, as_json=as_json, as_csv=as_csv,
           limits={"name": 30, "sites": 30, "handles": 50, "url": 50})  # fmt: skip


def register(group: click.Group) -> None:
    group.add_command(sellers)
