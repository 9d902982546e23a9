"""docs/operations.md: the cron line, the systemd units and the CronJob are real.

The cron schedule parses and its command line is one maskscreen accepts; the systemd
units parse (and pass `systemd-analyze verify` where systemd is installed); the
CronJob's schedule and arguments parse too.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest
from croniter import croniter

from maskscreen.cli.main import cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text("utf-8"), re.DOTALL)


def check_command_line(argv: list[str]) -> str:
    """Parse `maskscreen …` as the CLI would (options and all); the command's name."""
    assert argv[0].rsplit("/", 1)[-1] == "maskscreen"
    args = argv[1:]
    at = next(i for i, token in enumerate(args) if not token.startswith("-"))  # the command
    group_ctx = cli.make_context("maskscreen", args[: at + 1])  # the group's own options
    command = cli.get_command(group_ctx, args[at])
    assert command is not None, f"no command {args[at]!r}"
    with command.make_context(args[at], args[at + 1 :], parent=group_ctx):
        return args[at]


def test_the_cron_line_parses():
    [crontab] = blocks("crontab")
    lines = [line for line in crontab.splitlines() if line.strip() and not line.startswith("#")]
    env = [line for line in lines if re.match(r"^[A-Z_]+=", line)]
    [job] = [line for line in lines if line not in env]
    assert env == ["MASKSCREEN_DATABASE_URL=postgresql://maskscreen@db.internal/maskscreen"]
    fields = job.split(None, 5)
    assert croniter.is_valid(" ".join(fields[:5]))
    command = shlex.split(fields[5].split(">>")[0])
    assert check_command_line(command) == "run-due"


def units() -> dict[str, str]:
    return {block.splitlines()[0].rsplit("/", 1)[-1]: block for block in blocks("ini")}


def test_the_systemd_units_parse():
    found = units()
    assert set(found) == {"maskscreen-run-due.service", "maskscreen-run-due.timer"}
    service, timer = configparser.ConfigParser(), configparser.ConfigParser()
    service.read_string(found["maskscreen-run-due.service"])
    timer.read_string(found["maskscreen-run-due.timer"])
    assert service["Service"]["Type"] == "oneshot"
    assert check_command_line(shlex.split(service["Service"]["ExecStart"])) == "run-due"
    assert service["Service"]["SuccessExitStatus"] == "3"  # EXIT_BUSY
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_the_systemd_units_pass_systemd_analyze(tmp_path):
    for name, text in units().items():
        # verify wants ExecStart's program to exist: maskscreen need not be installed there.
        (tmp_path / name).write_text(text.replace("/usr/local/bin/maskscreen", "/bin/true"))
    result = subprocess.run(
        ["systemd-analyze", "verify", *(str(p) for p in sorted(tmp_path.iterdir()))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    timer = configparser.ConfigParser()
    timer.read_string(units()["maskscreen-run-due.timer"])
    calendar = subprocess.run(["systemd-analyze", "calendar", timer["Timer"]["OnCalendar"]],
                              capture_output=True, text=True, check=False)  # fmt: skip
    assert calendar.returncode == 0, calendar.stderr


def test_the_cronjob_schedule_and_arguments_parse():
    [manifest] = blocks("yaml")
    schedule = re.search(r'^\s+schedule: "(.+)"$', manifest, re.MULTILINE).group(1)
    assert croniter.is_valid(schedule)
    args = json.loads(re.search(r"^\s+args: (\[.*\])$", manifest, re.MULTILINE).group(1))
    assert check_command_line(args) == "run-due"


def test_a_wrong_command_line_is_caught():
    with pytest.raises(click.UsageError):
        check_command_line(["maskscreen", "run-due", "-q"])  # -q belongs to the group
