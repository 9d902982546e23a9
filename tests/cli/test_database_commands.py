"""`maskscreen db …` and `maskscreen flagged` on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.db import migrate, store
from maskscreen.db.migrate import open_database
from maskscreen.db.session import connect
from tests.db.factories import make_listing, make_verdict


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.sqlite'}"
    return pg_database_url("cli")


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_db_upgrade_downgrade_current(url):
    assert "base (empty)" in run("db", "current", "--db", url).output
    result = run("db", "upgrade", "--db", url)
    assert result.exit_code == 0, result.output
    assert migrate.head() in result.output
    assert f"at {migrate.head()}" in run("db", "current", "--db", url).output
    result = run("db", "downgrade", "base", "--db", url)
    assert result.exit_code == 0 and "at base" in result.output


def test_database_ahead_of_the_code_is_refused(url):
    run("db", "upgrade", "--db", url)
    migrate.stamp(connect(url), "head")
    engine = connect(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'fffffffffff9'")
    engine.dispose()
    result = run("flagged", "--db", url)
    assert result.exit_code == 2
    assert "does not know" in result.output and "Traceback" not in result.output


def test_database_behind_is_upgraded_on_first_use(url):
    result = run("flagged", "--db", url)
    assert result.exit_code == 0, result.output
    assert f"at {migrate.head()}" in run("db", "current", "--db", url).output


def test_unreachable_database_is_one_line():
    result = run("flagged", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert result.exit_code == 2
    assert result.output.startswith("maskscreen: error: cannot open database")
    assert result.output.count("\n") == 1


def seed(url):
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site = store.get_or_create_site(session, "shop")
        rows = store.upsert_listings(
            session,
            site,
            [
                make_listing(url="https://shop.example/p/1", title="Face copy <b>from</b> photos"),
                make_listing(url="https://shop.example/p/2", title="Old man hood"),
                make_listing(url="https://shop.example/p/3", title="Sheet mask"),
            ],
        )
        store.record_classifications(
            session,
            [
                (
                    rows[0].version_id,
                    make_verdict(label="custom_face_copy", score=0.97, flagged=True),
                ),
                (
                    rows[1].version_id,
                    make_verdict(label="realistic_face_mask", score=0.81, flagged=True),
                ),
                (rows[2].version_id, make_verdict(label="benign", score=0.02, flagged=False)),
            ],
        )
    engine.dispose()


def test_flagged_filters_and_formats(url):
    seed(url)
    rows = [json.loads(line) for line in run("flagged", "--db", url, "--json").output.splitlines()]
    assert {r["title"] for r in rows} == {"Face copy <b>from</b> photos", "Old man hood"}
    only = run("flagged", "--db", url, "--json", "--min-score", "0.9").output.splitlines()
    assert len(only) == 1 and json.loads(only[0])["label"] == "custom_face_copy"
    assert (
        run("flagged", "--db", url, "--json", "--label", "realistic_face_mask").output.count("\n")
        == 1
    )
    assert run("flagged", "--db", url, "--json", "--site", "elsewhere").output == ""
    assert run("flagged", "--db", url, "--json", "--since", "1h").output.count("\n") == 2
    table = run("flagged", "--db", url).output
    assert table.splitlines()[0].split()[:3] == ["flagged_at", "site", "score"]
    assert run("flagged", "--db", url, "--since", "yesterday").exit_code == 2
