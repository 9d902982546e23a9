"""One engine, one schema check and one model load per crawl process, however many
crawlers, pipelines, leases and monitors the command runs (crawler/jobs/context.py)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from maskscreen.crawler.demo.server import DemoShop

SCRIPT = Path(__file__).with_name("crawl_counted.py")

pytestmark = pytest.mark.slow


def run_counted(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "counts.json"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), *args],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert out.exists(), done.stderr[-3000:]
    return json.loads(out.read_text("utf-8"))


def listings_in(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM listings").fetchone()[0]


def test_a_crawl_opens_one_engine_checks_the_schema_once_and_loads_one_model(tmp_path):
    database = tmp_path / "crawl.sqlite"
    with DemoShop() as shop:
        counts = run_counted(tmp_path, "crawl", shop.base_url + "/", "--via", "html",
                             "--db", f"sqlite:///{database}")  # fmt: skip
    assert counts["exit_code"] == 0, counts
    assert listings_in(database) > 0  # the pipeline stored through that one engine
    assert counts == {"engines": 1, "schema_checks": 1, "model_loads": 1, "exit_code": 0}


def test_the_demo_runs_six_crawls_and_a_recheck_on_one_engine(tmp_path):
    database = tmp_path / "demo.sqlite"
    counts = run_counted(tmp_path, "demo", "--db", f"sqlite:///{database}")
    assert listings_in(database) > 0
    assert counts == {"engines": 1, "schema_checks": 1, "model_loads": 1, "exit_code": 0}
