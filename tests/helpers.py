"""Shared helpers for tests that run maskscreen as a real process."""

from __future__ import annotations

import os
import subprocess
import sys

# Crawls start Twisted's reactor, which runs once per process: run the CLI in a child.


def run_cli(*args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "maskscreen.cli", *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "MASKSCREEN_DATABASE_URL": "", **(env or {})},
    )
