"""`maskscreen audit-sample` on SQLite and PostgreSQL."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Review


def run(*args):
    return CliRunner().invoke(cli, list(args))


def audit_cases(url):
    engine = open_database(url)
    with Session(engine) as session:
        rows = session.execute(
            select(Review.listing_id, Review.status)
            .where(Review.source == "audit")
            .order_by(Review.listing_id)
        ).all()
    engine.dispose()
    return rows


def test_audit_sample_draws_unflagged_listings_once(seeded):
    before = audit_cases(seeded)
    result = run("audit-sample", "1", "--db", seeded, "--seed", "4")
    assert result.exit_code == 0, result.output
    assert result.stdout == "drew 1 of 2 unflagged listings into audit cases\n"
    drawn = set(audit_cases(seeded)) - set(before)
    assert len(drawn) == 1 and drawn.pop().status == "open"
    result = run("audit-sample", "10", "--db", seeded)
    assert result.stdout == "drew 1 of 1 unflagged listings into audit cases\n"
    assert run("audit-sample", "10", "--db", seeded).stdout.startswith("drew 0 of 0")


def test_audit_sample_on_one_site(seeded):
    result = run("audit-sample", "5", "--db", seeded, "--site", "market")
    assert result.stdout == "drew 1 of 1 unflagged listings on market into audit cases\n"


def test_audit_sample_bad_input(seeded):
    result = run("audit-sample", "5", "--db", seeded, "--site", "nowhere")
    assert result.exit_code == 2 and result.stderr.startswith(
        "maskscreen: error: unknown site 'nowhere'"
    )
    assert run("audit-sample", "0", "--db", seeded).exit_code == 2
