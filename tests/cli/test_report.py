"""`maskscreen report`: one self-contained HTML file, hostile text escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner

from maskscreen.cli.main import cli
from tests.db.analytics_data import HOSTILE_SELLER, HOSTILE_TITLE


def test_report_is_self_contained_with_charts(seeded, tmp_path):
    out = tmp_path / "week.html"
    result = CliRunner().invoke(cli, ["report", "--db", seeded, "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    assert page.startswith("<!doctype html>") and page.count("<svg") == 4
    # Time to removal both ways, each labelled with where it starts.
    assert "from confirmation to removal" in page and "from flag (case opened) to removal" in page
    for heading in ("Flags over time", "Outcomes", "Time to removal", "Top sellers"):
        assert heading in page
    assert "shop (n=1)" in page and "maskmaker" in page
    assert "<script" not in page and "<img" not in page  # nothing fetched or run


def test_report_escapes_hostile_seller_text(seeded, tmp_path):
    out = tmp_path / "week.html"
    CliRunner().invoke(cli, ["report", "--db", seeded, "--out", str(out)])
    page = out.read_text("utf-8")
    assert HOSTILE_SELLER not in page and "&lt;b&gt;evil&lt;/b&gt; seller" in page


def test_render_report_escapes_a_hostile_title_everywhere():
    from maskscreen.cli.report import render_report
    from maskscreen.db.analytics import SellerRow, SiteDay

    now = datetime(2026, 5, 20, tzinfo=UTC)
    data = {
        "days": [SiteDay(HOSTILE_TITLE, "2026-05-19", flagged=3)],
        "outcomes": {HOSTILE_TITLE: 2},
        "delays": [],
        "sellers": [SellerRow(HOSTILE_TITLE, HOSTILE_TITLE, 3, 1)],
    }
    page = render_report(data, now, now)
    assert "<script" not in page and "<img" not in page and "&lt;script&gt;" in page


def test_report_to_an_unwritable_path_is_one_line(seeded, tmp_path):
    out = tmp_path / "missing" / "week.html"
    result = CliRunner().invoke(cli, ["report", "--db", seeded, "--out", str(out)])
    assert result.exit_code == 2 and result.stderr.startswith("maskscreen: error: cannot write")
    assert not out.parent.exists()
