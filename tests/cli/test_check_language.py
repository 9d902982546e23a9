"""`maskscreen check --text` prints the listing's language, and says when a person must look."""

from __future__ import annotations

import json

from click.testing import CliRunner

from maskscreen.cli.main import cli

FINNISH = "Erittäin realistinen silikoninen kasvonaamio, koko pää, käsintehty"


def check(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


def test_a_covered_language_is_one_plain_line() -> None:
    result = check("--text", "Realistic silicone old man mask, full head")
    lines = result.output.splitlines()
    assert [line for line in lines if line.startswith("language:")] == ["language: en"]


def test_an_uncovered_language_says_it_goes_to_a_human() -> None:
    text = check("--text", FINNISH).output
    record = json.loads(check("--text", FINNISH, "--json").output)
    assert record["language_supported"] is False
    wanted = f"language: {record['language']} (language not supported: sent to a human)"
    assert wanted in text.splitlines()
