"""The database goes away mid-crawl: the disk fills (SQLite, a file-size limit on the
crawl's process), the server drops its connections (PostgreSQL, pg_terminate_backend
from another connection), the frontier cannot be reached. A loss is loud (exit 5, the
run failed, or closed by the next command), nothing stored twice, and the next crawl
stores every listing once."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.faults.checks import runs, stored_urls
from tests.faults.shop import Shop
from tests.helpers import run_cli

PRODUCTS = 450  # three batches of the store pipeline (200, 200, 50)


def crawl(url: str, database_url: str, tmp_path, preexec=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MASKSCREEN_DATABASE_URL": "", "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "maskscreen.cli", "crawl", url, "--via", "html", "--db",
         database_url],
        env=env, capture_output=True, text=True, timeout=600, preexec_fn=preexec,
    )  # fmt: skip


def judged_loudly(result: subprocess.CompletedProcess, database_url: str) -> dict:
    """The crawl's exit says whether it lost listings; its run is closed either way (by
    itself, or by the next command when it could not write its own row)."""
    if result.stderr:  # the last word is one line, not a traceback
        assert "Traceback" not in result.stderr.splitlines()[-1]
    everything = runs(database_url)  # the next command: closes a run left open
    [run] = [row for row in everything if row["kind"] == "crawl"][:1]
    assert run["status"] != "running", run
    lost = sum(run["dropped"].get(r, 0) for r in ("store_failed", "classify_failed"))
    if result.returncode == 0:
        assert run["status"] == "finished" and lost == 0
    else:
        assert result.returncode in (2, 5), result.stderr
        assert run["status"] == "failed", run
        assert "maskscreen: error:" in result.stderr
    return run


def then_everything_once(shop: Shop, database_url: str, tmp_path) -> None:
    again = crawl(shop.url("/"), database_url, tmp_path)
    assert again.returncode == 0, again.stderr
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls)) == PRODUCTS


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_full_disk_is_a_loud_loss(database_url, tmp_path):
    path = Path(database_url.removeprefix("sqlite:///"))
    assert run_cli("runs", "--db", database_url).returncode == 0  # the schema, made
    limit = path.stat().st_size + 96 * 1024  # room for a little, not for 450 listings

    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit: EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with Shop(products=PRODUCTS) as shop:
        result = crawl(shop.url("/"), database_url, tmp_path, preexec=full_disk)
        assert result.returncode == 5 or result.returncode == 2, result.stderr
        run = judged_loudly(result, database_url)
        assert len(stored_urls(database_url)) < PRODUCTS  # the disk was full: some lost …
        assert run["status"] == "failed"  # … and the run says so
        then_everything_once(shop, database_url, tmp_path)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_connections_terminated_mid_crawl_are_a_loud_loss(database_url, tmp_path):
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    stop = threading.Event()
    killed = []

    def terminate_backends():
        """Once the crawl's run is open, drop its connections every 0.3 s for a while."""
        deadline = time.monotonic() + 120
        with admin.connect() as conn:
            while not stop.is_set() and time.monotonic() < deadline:
                running = conn.execute(text(
                    "SELECT count(*) FROM crawl_runs WHERE status = 'running'")).scalar()  # fmt: skip
                if running:
                    killed.extend(conn.execute(text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )).scalars())  # fmt: skip
                    if len(killed) > 40:
                        return
                time.sleep(0.3)

    assert run_cli("runs", "--db", database_url).returncode == 0  # the schema, made
    with Shop(products=PRODUCTS, product_delay=0.01) as shop:
        killer = threading.Thread(target=terminate_backends, daemon=True)
        killer.start()
        try:
            result = crawl(shop.url("/"), database_url, tmp_path)
        finally:
            stop.set()
            killer.join()
        assert any(killed), "no connection was terminated: the fault never happened"
        run = judged_loudly(result, database_url)
        stored = len(stored_urls(database_url))
        lost = run["dropped"].get("store_failed", 0)
        if run["finished_at"] and result.returncode == 5:
            assert stored + lost >= PRODUCTS - 200  # what it lost, it counted
        then_everything_once(shop, database_url, tmp_path)
    admin.dispose()


def test_an_unreachable_frontier_is_one_line_exit_2_and_no_stuck_run(database_url):
    with Shop(products=2) as shop:
        result = run_cli("crawl", shop.url("/"), "--via", "html", "--frontier",
                         "redis://127.0.0.1:1/0", "--db", database_url)  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("maskscreen:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    [run] = runs(database_url)
    assert run["status"] == "failed" and run["listings"] == 0
    assert not shop.hits  # nothing fetched without the frontier


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_sqlite_file_deleted_mid_crawl_is_a_loud_loss(database_url, tmp_path):
    import sqlite3

    path = Path(database_url.removeprefix("sqlite:///"))
    env = {**os.environ, "MASKSCREEN_DATABASE_URL": "", "XDG_DATA_HOME": str(tmp_path / "data")}
    with Shop(products=PRODUCTS, product_delay=0.01) as shop:
        process = subprocess.Popen(
            [sys.executable, "-m", "maskscreen.cli", "crawl", shop.url("/"), "--via", "html",
             "--db", database_url],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and process.poll() is None:
                if path.exists():
                    with sqlite3.connect(path) as conn:  # a reader: WAL lets it look
                        try:
                            stored = conn.execute("SELECT count(*) FROM listings").fetchone()[0]
                        except sqlite3.OperationalError:
                            stored = 0
                    if stored >= 200:  # the first batch is in: take the file away
                        for suffix in ("", "-wal", "-shm"):
                            Path(f"{path}{suffix}").unlink(missing_ok=True)
                        break
                time.sleep(0.1)
            _, stderr = process.communicate(timeout=300)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
        assert process.returncode == 5, stderr
        assert "crawl failed: lost" in stderr and "Traceback" not in stderr.splitlines()[-1]
        then_everything_once(shop, database_url, tmp_path)  # a fresh file, every listing once
