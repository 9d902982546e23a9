"""End to end: deploy the project to a real Scrapyd, schedule a crawl, find it in PostgreSQL.

Scrapyd runs on a free loopback port with its own config and folders; the egg is
built by scrapyd-deploy from a copy of the project (so the checkout gets no build/).
The same shop is also crawled by `maskscreen crawl` into another database: both
must store the same listings with the same verdicts.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from maskscreen.crawler.demo.server import DemoShop
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_project(target: Path) -> Path:
    skip = shutil.ignore_patterns(
        ".git",
        ".venv",
        "tests",
        "build",
        "dist",
        "*.egg-info",
        "__pycache__",
        ".pytest_cache",
        "out",
    )
    shutil.copytree(ROOT, target, ignore=skip)
    return target


def call(base: str, action: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + action, data=body, timeout=30) as response:
        return json.loads(response.read())


class Scrapyd:
    """A Scrapyd on 127.0.0.1:<free port> with its folders under `home`."""

    def __init__(self, home: Path):
        self.home = home
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.home.mkdir(parents=True)
        (self.home / "scrapyd.conf").write_text(
            "[scrapyd]\n"
            f"bind_address = 127.0.0.1\nhttp_port = {self.port}\n"
            f"eggs_dir = {self.home / 'eggs'}\nlogs_dir = {self.home / 'logs'}\n"
            f"dbs_dir = {self.home / 'dbs'}\nitems_dir =\njobs_dir =\n"
            "max_proc = 1\npoll_interval = 0.5\n"
        )
        self.log = open(self.home / "scrapyd.out", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd", "--pidfile", str(self.home / "twistd.pid")],
            cwd=self.home,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MASKSCREEN_DATABASE_URL": ""},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.home / "scrapyd.out").read_text()
            try:
                if call(self.base, "daemonstatus.json")["status"] == "ok":
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("Scrapyd did not answer within 60 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log.close()

    def wait_for(self, job: str, timeout: float = 400) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = call(self.base, "listjobs.json?project=maskscreen")
            if any(j["id"] == job for j in jobs["finished"]):
                return
            time.sleep(1)
        raise AssertionError(f"job {job} did not finish within {timeout} s")


def stored(url: str) -> set[tuple[str, str, bool]]:
    """(URL, label, flagged) of every listing's current classification."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT l.url, c.label, c.flagged FROM listings l "
                    "JOIN classifications c ON c.listing_version_id = l.current_version_id"
                )
            )
            return {(u, label, bool(flagged)) for u, label, flagged in rows}
    finally:
        engine.dispose()


def test_scrapyd_deployed_crawl_stores_what_maskscreen_crawl_stores(tmp_path, pg_database_url):
    scrapyd_db, cli_db = pg_database_url("scrapyd"), pg_database_url("cli")
    project = copy_project(tmp_path / "project")
    scrapyd = Scrapyd(tmp_path / "scrapyd")
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    (xdg / "scrapy.cfg").write_text(f"[deploy:e2e]\nurl = {scrapyd.base}\nproject = maskscreen\n")
    with DemoShop() as shop:
        try:
            scrapyd.start()
            deploy = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "scrapyd_client.deploy",
                    "e2e",
                    "-p",
                    "maskscreen",
                    "-v",
                    "r1",
                ],
                cwd=project,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
                env={**os.environ, "XDG_CONFIG_HOME": str(xdg)},
            )
            assert deploy.returncode == 0, deploy.stderr
            assert call(scrapyd.base, "listspiders.json?project=maskscreen")["spiders"]

            job = call(
                scrapyd.base,
                "schedule.json",
                [
                    ("project", "maskscreen"),
                    ("spider", "shop"),
                    ("start_urls", shop.base_url + "/"),
                    ("site", "demo-shop"),
                    ("setting", f"MASKSCREEN_DATABASE_URL={scrapyd_db}"),
                ],
            )
            assert job["status"] == "ok", job
            scrapyd.wait_for(job["jobid"])
        finally:
            scrapyd.stop()
        log = next((tmp_path / "scrapyd" / "logs").rglob(f"{job['jobid']}.log")).read_text()
        assert "Traceback" not in log, log[-3000:]

        done = run_cli(
            "crawl", shop.base_url + "/", "--site", "demo-shop", "--via", "html", "--db", cli_db
        )
        assert done.returncode == 0, done.stderr

    from_scrapyd, from_cli = stored(scrapyd_db), stored(cli_db)
    assert len(from_scrapyd) > 100
    assert from_scrapyd == from_cli
    engine = create_engine(scrapyd_db)
    with engine.connect() as connection:
        run = connection.execute(text("SELECT status, command, listings FROM crawl_runs")).one()
    engine.dispose()
    assert run.status == "finished"
    assert run.command == f"scrapyd job {job['jobid']}"
    assert run.listings == len(from_scrapyd)
