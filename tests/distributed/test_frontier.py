"""`maskscreen crawl --frontier`: workers in separate processes split one crawl through
the machine's Redis and store into one PostgreSQL database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from maskscreen.db.migrate import open_database
from tests.distributed.shop import ROOT, LoopbackShop
from tests.helpers import run_cli

REDIS_URL = os.environ.get("MASKSCREEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_key():
    """A key prefix of this test's own; whatever is left under it is deleted at the end."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:  # no skipping: CI starts Redis (.ci/run)
        pytest.fail(f"Redis at {REDIS_URL} is not reachable: {exc}")
    key = f"maskscreen-test:{uuid.uuid4().hex[:10]}"
    yield key
    leftovers = list(client.scan_iter(f"{key}*"))
    if leftovers:
        client.delete(*leftovers)
    client.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query(url: str, sql: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql)))
    finally:
        engine.dispose()


def worker(url: str, database: str, frontier: str, key: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "maskscreen.cli",
            "crawl",
            url,
            "--site",
            "loopback",
            "--via",
            "html",
            "--db",
            database,
            "--frontier",
            frontier,
            "--frontier-key",
            key,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "MASKSCREEN_DATABASE_URL": ""},
    )


@pytest.mark.slow
def test_two_workers_split_a_crawl_and_store_every_listing_once(pg_database_url, redis_key):
    import redis

    database = pg_database_url("frontier")
    with LoopbackShop(2000) as url:
        workers = [worker(url, database, REDIS_URL, redis_key) for _ in range(2)]
        outputs = [w.communicate(timeout=900) for w in workers]
    for process, (_out, err) in zip(workers, outputs, strict=True):
        assert process.returncode == 0, err[-3000:]
        assert "sharing the crawl through the frontier" in err

    listings = query(database, "SELECT count(*), count(DISTINCT url) FROM listings")[0]
    assert tuple(listings) == (2000, 2000)
    runs = query(database, "SELECT status, pages, listings, new, command FROM crawl_runs")
    assert len(runs) == 2
    assert all(run.status == "finished" and "--frontier" in run.command for run in runs)
    # Each worker did part of the work, and no product page was fetched twice.
    assert all(run.listings > 0 for run in runs), runs
    assert sum(run.listings for run in runs) == 2000
    assert sum(run.new for run in runs) == 2000
    # The last worker to finish removed the crawl's keys.
    assert not list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{redis_key}*"))


def test_unreachable_frontier_is_one_line_and_a_failed_run(tmp_path):
    database = f"sqlite:///{tmp_path / 'runs.sqlite'}"
    frontier = f"redis://127.0.0.1:{free_port()}/0"
    done = run_cli(
        "crawl",
        "http://127.0.0.1:9/",
        "--site",
        "nowhere",
        "--via",
        "html",
        "--db",
        database,
        "--frontier",
        frontier,
    )
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if "error" in line.lower()]
    assert errors == [errors[0]] and errors[0].startswith(
        f"maskscreen: error: cannot reach the frontier at {frontier}"
    ), done.stderr
    assert "Traceback" not in done.stderr
    runs = query(
        database, "SELECT s.name, r.status FROM crawl_runs r JOIN sites s ON s.id = r.site_id"
    )
    assert [tuple(run) for run in runs] == [("nowhere", "failed")]


def test_frontier_must_be_a_redis_url(tmp_path):
    done = run_cli(
        "crawl",
        "http://127.0.0.1:9/",
        "--via",
        "html",
        "--db",
        f"sqlite:///{tmp_path / 'db.sqlite'}",
        "--frontier",
        "http://x",
    )
    assert done.returncode == 2
    assert "Invalid value for '--frontier': a Redis URL: redis://HOST:PORT/DB" in done.stderr


@pytest.mark.slow
def test_a_worker_whose_frontier_dies_ends_its_crawl_as_failed(tmp_path, pg_database_url):
    """Redis going away mid-crawl: the worker stops (exit 2), its run is recorded as failed."""
    server = shutil_which("redis-server")
    port = free_port()
    redis_server = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    database = pg_database_url("frontier_dies")
    open_database(database).dispose()  # the schema, so that the test can look for listings
    frontier = f"redis://127.0.0.1:{port}/0"
    process = None
    try:
        with LoopbackShop(2000) as url:
            process = worker(url, database, frontier, "dies")
            deadline = time.monotonic() + 300
            while not query(database, "SELECT 1 FROM listings LIMIT 1"):
                assert process.poll() is None, process.communicate()[1][-3000:]
                assert time.monotonic() < deadline, "the crawl stored nothing in 300 s"
                time.sleep(0.5)
            redis_server.terminate()
            redis_server.wait(timeout=10)
            _, err = process.communicate(timeout=300)
    finally:
        for child in (redis_server, process):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
    assert process.returncode == 2, err[-3000:]
    assert "crawl ended early (frontier_unavailable)" in err
    ((status, listings),) = query(database, "SELECT status, listings FROM crawl_runs")
    assert status == "failed" and listings > 0


def shutil_which(name: str) -> str:
    import shutil

    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed (CI installs it: .ci/run)")
    return path


def test_the_same_command_on_each_machine_joins_the_same_crawl():
    from maskscreen.crawler.jobs.frontier import frontier_key

    key = frontier_key(
        "shop.example",
        ["https://shop.example/", "https://shop.example/c/a"],
        "postgresql+psycopg://db/maskscreen",
    )
    assert key.startswith("maskscreen:shop.example:")
    assert key == frontier_key(
        "shop.example",
        ["https://shop.example/c/a", "https://shop.example/"],
        "postgresql+psycopg://db/maskscreen",
    )
    assert key != frontier_key(
        "shop.example", ["https://shop.example/"], "postgresql+psycopg://db/maskscreen"
    )
    assert key != frontier_key(
        "shop.example",
        ["https://shop.example/", "https://shop.example/c/a"],
        "postgresql+psycopg://db/other",
    )


def test_the_frontier_addon_schedules_through_redis_only_when_asked():
    from scrapy.settings import Settings

    from maskscreen.crawler.jobs.frontier import FrontierAddon, FrontierWorkers, frontier_settings

    plain = Settings()
    plain.setmodule("maskscreen.crawler.settings", priority="project")
    FrontierAddon().update_settings(plain)
    assert "scrapy_redis" not in plain.get("SCHEDULER")

    shared = Settings()
    shared.setmodule("maskscreen.crawler.settings", priority="project")
    shared.setdict(frontier_settings("redis://127.0.0.1:6379/0", "maskscreen:k"), "cmdline")
    FrontierAddon().update_settings(shared)
    assert shared.get("SCHEDULER") == "scrapy_redis.scheduler.Scheduler"
    assert shared.get("SCHEDULER_QUEUE_KEY") == "maskscreen:k:requests"
    assert shared.get("SCHEDULER_DUPEFILTER_KEY") == "maskscreen:k:seen"
    assert shared.getbool("SCHEDULER_PERSIST")
    extensions = shared.getdict("EXTENSIONS")
    assert extensions[FrontierWorkers] == 600
    assert "maskscreen.crawler.middlewares.PolitenessReport" in extensions  # the project's are kept
