"""Resources at the edge: one engine per command, closed on every path; one settings object."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from maskscreen.cli.context import ConfigError, Resources, Settings
from maskscreen.cli.main import cli
from maskscreen.db import migrate


@pytest.fixture
def engines(monkeypatch):
    """Every engine a command opens through open_database, with its disposals counted."""
    opened = []
    real = migrate.open_database

    def spy(url, *args, **kwargs):
        engine = real(url, *args, **kwargs)
        record = {"engine": engine, "disposed": 0}
        dispose = engine.dispose

        def counted(*a, **k):
            record["disposed"] += 1
            return dispose(*a, **k)

        engine.dispose = counted
        opened.append(record)
        return engine

    monkeypatch.setattr(migrate, "open_database", spy)
    return opened


@pytest.mark.parametrize(
    ("args", "exit_code"),
    [
        (["stats"], 0),
        (["stats", "--site", "no-such-site"], 2),  # a domain error after the engine opened
        (["review", "list"], 0),
        (["sellers"], 0),
        (["runs"], 0),
        (["flagged"], 0),
        (["export", "--format", "jsonl"], 0),
    ],
)
def test_a_command_opens_one_engine_and_disposes_it(seeded, engines, args, exit_code):
    result = CliRunner().invoke(cli, [*args, "--db", seeded])
    assert result.exit_code == exit_code, result.output
    assert len(engines) == 1
    assert engines[0]["disposed"] >= 1


def test_a_usage_error_opens_no_engine(engines):
    result = CliRunner().invoke(cli, ["stats", "--since", "yesterday-ish"])
    assert result.exit_code == 2
    assert engines == []


def test_config_file_fills_what_no_flag_gave(tmp_path, monkeypatch):
    config = tmp_path / "maskscreen.toml"
    config.write_text('database_url = "sqlite:///from-file.sqlite"\nmodel_dir = "/models/x"\n')
    monkeypatch.setenv("MASKSCREEN_CONFIG", str(config))
    settings = Settings()
    settings.set("database_url", "sqlite:///from-flag.sqlite")
    settings.with_config_file()
    assert settings.database_url == "sqlite:///from-flag.sqlite"  # the flag wins
    assert settings.model_dir == "/models/x"  # the file fills the rest


def test_config_file_with_an_unknown_key_is_refused(tmp_path):
    config = tmp_path / "maskscreen.toml"
    config.write_text('databse_url = "sqlite:///typo.sqlite"\n')
    with pytest.raises(ConfigError, match="unknown setting 'databse_url'"):
        Settings().with_config_file(config)


def test_a_bad_config_file_is_one_line_and_exit_2(tmp_path, seeded):
    config = tmp_path / "maskscreen.toml"
    config.write_text("database_url = [unterminated\n")
    result = CliRunner(env={"MASKSCREEN_CONFIG": str(config)}).invoke(cli, ["stats"])
    assert result.exit_code == 2
    assert "cannot read configuration file" in result.output
    assert "Traceback" not in result.output


def test_resources_close_is_idempotent(tmp_path):
    resources = Resources(Settings(database_url=f"sqlite:///{tmp_path / 'x.sqlite'}"))
    first = resources.engine()
    assert resources.engine() is first  # opened once
    resources.close()
    resources.close()
