"""Every command explains itself: a summary line and an example."""

import click
import pytest
from click.testing import CliRunner

from maskscreen.cli.main import cli


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from all_commands(command, path)
        yield path


@pytest.mark.parametrize("path", list(all_commands(cli)), ids=" ".join)
def test_every_command_help_has_summary_and_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) > 2 and lines[1].strip()  # usage, then a summary
    assert "Example" in result.output


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "maskscreen" in result.output


def test_database_help_says_where_the_default_database_is():
    from maskscreen.db.session import default_database_path

    result = CliRunner().invoke(cli, ["flagged", "--help"], terminal_width=400)
    assert str(default_database_path()) in " ".join(result.output.split())


def test_evaluate_writes_report(tmp_path):
    out = tmp_path / "eval"
    result = CliRunner().invoke(cli, ["evaluate", "--worst", "3", "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert "flagged vs benign" in result.output and "blocklist" in result.output
    assert (out / "index.html").is_file()
