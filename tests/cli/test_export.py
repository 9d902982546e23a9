"""`maskscreen export` on SQLite and PostgreSQL: formats, filters, and bad input."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.db import migrate
from maskscreen.db.export import EXPORT_COLUMNS
from maskscreen.db.migrate import open_database
from maskscreen.db.session import connect
from tests.db.analytics_data import HOSTILE_TITLE, seed


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cli.sqlite'}"
    return pg_database_url("cli")


@pytest.fixture
def seeded(url):
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        seed(session)
    engine.dispose()
    return url


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_export_jsonl_to_stdout(seeded):
    result = run("export", "--db", seeded, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5 and list(rows[0]) == list(EXPORT_COLUMNS)
    assert HOSTILE_TITLE in {r["title"] for r in rows}
    assert "exported 5 flagged listings" in result.stderr


def test_export_csv_to_a_file_with_filters(seeded, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "flagged.csv"
    result = run(
        "export", "--db", seeded, "--out", str(out), "--status", "removed", "--site", "shop"
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert [(r["site"], r["review_status"], r["label"]) for r in rows] == [
        ("shop", "removed", "custom_face_copy")
    ]
    assert json.loads(rows[0]["signals"])["made_to_order"] is False
    assert os.listdir(out.parent) == ["flagged.csv"]  # no temporary file left behind


def test_export_filters_by_label_and_since(seeded):
    output = run(
        "export", "--db", seeded, "--format", "jsonl", "--label", "custom_face_copy"
    ).stdout
    assert len(output.splitlines()) == 2
    assert (
        run("export", "--db", seeded, "--format", "jsonl", "--since", "1h").stdout.count("\n") == 5
    )
    assert run("export", "--db", seeded, "--format", "jsonl", "--since", "2099-01-01").stdout == ""


def test_unwritable_out_is_one_line_and_writes_nothing(seeded, tmp_path):
    out = tmp_path / "missing-dir" / "flagged.csv"
    result = run("export", "--db", seeded, "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"maskscreen: error: cannot write {out}")
    assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert not out.parent.exists()
    result = run("export", "--db", seeded, "--out", str(tmp_path))
    assert result.exit_code == 2 and "is a directory" in result.stderr


def test_unknown_site_is_one_line_and_leaves_the_old_file(seeded, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "flagged.csv"
    out.write_text("previous export\n")
    result = run("export", "--db", seeded, "--out", str(out), "--site", "nowhere")
    assert result.exit_code == 2
    assert result.stderr == "maskscreen: error: unknown site 'nowhere' (known: market, shop)\n"
    assert out.read_text() == "previous export\n" and os.listdir(out.parent) == ["flagged.csv"]


def test_database_behind_is_upgraded_and_ahead_is_refused(url, tmp_path):
    result = run("export", "--db", url)
    assert result.exit_code == 0, result.output
    assert migrate.current(url) == migrate.head()
    engine = connect(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'fffffffffff9'")
    engine.dispose()
    out = tmp_path / "x.csv"
    result = run("export", "--db", url, "--out", str(out))
    assert result.exit_code == 2 and "does not know" in result.stderr
    assert result.stderr.count("\n") == 1
    assert not [name for name in os.listdir(tmp_path) if "x.csv" in name]
