"""`maskscreen stats` on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from click.testing import CliRunner

from maskscreen.cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_stats_json_has_days_precision_and_miss_rate(seeded):
    result = run("stats", "--db", seeded, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert sum(d["flagged"] for d in figures["days"]) == 5
    assert sum(d["removed"] for d in figures["days"]) == 2
    assert {p["model_version"]: p["precision"] for p in figures["precision"]} == {
        "m1": 0.5,
        "m2": 1.0,
    }
    assert {
        (m["site"], m["language"]): (m["miss_rate"], m["decided"]) for m in figures["miss_rate"]
    } == {
        ("market", "zh"): (0.0, 1),
        ("shop", "en"): (1.0, 1),
    }
    # Both measures of time to removal, each named for where it starts.
    removal = {r["site"]: r for r in figures["time_to_removal"]}
    assert removal["shop"]["hours_from_confirmation"] == 4.0
    assert set(removal["shop"]) == {
        "site", "removed", "hours_from_flag", "confirmed_removed", "hours_from_confirmation"
    }  # fmt: skip


def test_stats_tables_for_one_site(seeded):
    result = run("stats", "--db", seeded, "--site", "market", "--since", "7d")
    assert result.exit_code == 0, result.output
    assert "per site and day (UTC):" in result.stdout
    assert "shop" not in result.stdout and "market" in result.stdout
    assert "median_hours_to_removal" in result.stdout and "miss_rate" in result.stdout


def test_stats_unknown_site_is_one_line(seeded):
    result = run("stats", "--db", seeded, "--site", "nowhere")
    assert result.exit_code == 2
    assert result.stderr == "maskscreen: error: unknown site 'nowhere' (known: market, shop)\n"
    assert result.stdout == ""


def test_stats_on_an_empty_database(tmp_path):
    result = run("stats", "--db", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("(none)") == 4
