"""`maskscreen run-due` for real: crawls of the demo shop in child processes, the runs
recorded with their monitors, an alert to a loopback webhook, and a worker killed
mid-crawl whose lease expires so that the next run takes over and loses nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.crawler.demo.server import DemoShop
from maskscreen.db import leases
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Listing
from tests.helpers import run_cli
from tests.ops.receivers import WebhookReceiver

pytestmark = pytest.mark.slow

PROFILE = """name = "{name}"
base_url = "{base}"
via = "html"
search_url = "/search?q={{keyword}}"
keywords = ["silicone mask", "面具"]
max_pages = {max_pages}
schedule = "daily"
[links]
product = ['/p/[^/?#]+']
pagination = ['/search\\\\?(?:.*&)?page=\\\\d+']
[rate]
download_delay = {delay}
concurrency = {concurrency}
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'due.sqlite'}"
    return pg_database_url("due")


def write_profile(folder, name, base, max_pages=30, delay=0, concurrency=8):
    text = PROFILE.format(name=name, base=base, max_pages=max_pages, delay=delay,
                          concurrency=concurrency)  # fmt: skip
    (folder / f"{name}.toml").write_text(text)


def runs_json(url, *args):
    result = run_cli("runs", "--json", "--db", url, *args)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_run_due_crawls_what_is_due_records_monitors_and_alerts(url, tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    env = {"MASKSCREEN_SITES_DIR": str(sites), "MASKSCREEN_DATABASE_URL": url,
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}  # fmt: skip
    with DemoShop() as shop, WebhookReceiver() as hook:
        write_profile(sites, "demo-due", shop.base_url)
        first = run_cli("run-due", env=env)
        assert first.returncode == 0, first.stderr
        assert "crawl demo-due: ok (never ran)" in first.stdout
        [crawl] = runs_json(url, "--site", "demo-due")
        assert crawl["kind"] == "crawl" and crawl["trigger"] == "schedule"
        assert crawl["status"] == "finished" and crawl["listings"] > 10
        assert crawl["monitors_failed"] == 0 and crawl["field_coverage"]["title"] == 1.0

        again = run_cli("run-due", env=env)
        assert again.returncode == 0 and "nothing due" in again.stderr

        # A much smaller crawl by hand: the drop monitor fails and the webhook hears of it.
        write_profile(sites, "demo-due", shop.base_url, max_pages=3)
        alert_env = {**env, "MASKSCREEN_ALERT_WEBHOOK": hook.url}
        small = run_cli("run-job", "crawl", "demo-due", env=alert_env)
        assert small.returncode == 4, small.stderr
        assert "monitor listing_drop failed" in small.stderr
    [post] = hook.posts
    assert post["text"].startswith("maskscreen: 1 monitor(s) failed on the crawl of demo-due")
    assert post["site"] == "demo-due" and post["monitors"][0]["name"] == "listing_drop"
    assert hook.url not in small.stderr + small.stdout
    latest = runs_json(url, "--site", "demo-due", "--failed-monitors")[0]
    assert latest["alerted_at"] is not None
    table = run_cli("runs", "--db", url, "--site", "demo-due")
    assert "FAILED: listing_drop" in table.stdout


def test_a_worker_killed_mid_crawl_is_taken_over_and_nothing_is_lost(url, tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    env = {"MASKSCREEN_SITES_DIR": str(sites), "MASKSCREEN_DATABASE_URL": url,
           "XDG_DATA_HOME": str(tmp_path / "data")}  # fmt: skip
    with DemoShop() as shop:
        write_profile(sites, "demo-kill", shop.base_url, max_pages=40, delay=0.25, concurrency=1)
        worker = subprocess.Popen(
            [sys.executable, "-m", "maskscreen.cli", "run-job", "crawl", "demo-kill", "--lease-ttl", "5"],
            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            lease = wait_for_lease_with_run(url, "crawl:demo-kill", 120, worker)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()

        # Dead, its lease not yet expired: on this machine its process is known gone,
        # so the next command takes the site over at once (elsewhere: at expiry).
        write_profile(sites, "demo-kill", shop.base_url, max_pages=40)
        due = run_cli("run-due", "--retry-after", "0", env=env)
    assert due.returncode == 0, due.stderr
    assert f"run {lease['run_id']}: its worker is gone (killed or disconnected)" in due.stderr
    assert "crawl demo-kill: ok (retrying: the last run failed" in due.stdout
    newest, killed = runs_json(url, "--site", "demo-kill")
    assert killed["id"] == lease["run_id"] and killed["status"] == "failed"
    assert killed["monitors"][0]["name"] == "worker_lost"
    assert newest["status"] == "finished"
    engine = open_database(url)
    with Session(engine) as session:
        stored = session.execute(select(func.count()).select_from(Listing)).scalar_one()
        assert leases.current(session) == []
    engine.dispose()
    assert stored == newest["listings"]  # the fresh crawl saw every listing stored


def now_utc():
    from maskscreen.db.models import utcnow

    return utcnow()


def wait_for_lease_with_run(url, key, timeout, worker):
    engine = open_database(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if worker.poll() is not None:
                raise AssertionError(f"the worker ended first (exit {worker.returncode})")
            with Session(engine) as session:
                found = [row for row in leases.current(session) if row["key"] == key]
            if found and found[0]["run_id"] is not None:
                return found[0]
            time.sleep(0.2)
    finally:
        engine.dispose()
    raise AssertionError(f"no lease {key} with a run after {timeout}s")


def test_a_crawl_whose_lease_is_taken_over_stops_and_is_recorded_failed(url, tmp_path):
    sites = tmp_path / "sites"
    sites.mkdir()
    env = {"MASKSCREEN_SITES_DIR": str(sites), "MASKSCREEN_DATABASE_URL": url,
           "XDG_DATA_HOME": str(tmp_path / "data")}  # fmt: skip
    with DemoShop() as shop:
        write_profile(sites, "demo-stolen", shop.base_url, max_pages=200, delay=0.25, concurrency=1)
        worker = subprocess.Popen(
            [sys.executable, "-m", "maskscreen.cli", "run-job", "crawl", "demo-stolen", "--lease-ttl", "8"],
            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            lease = wait_for_lease_with_run(url, "crawl:demo-stolen", 120, worker)
            engine = open_database(url)
            with Session(engine) as session, session.begin():  # as if it had expired
                leases.release(session, "crawl:demo-stolen", lease["holder"])
                leases.acquire(session, "crawl:demo-stolen", "thief:1:00", ttl=600)
            engine.dispose()
            _out, err = worker.communicate(timeout=120)
        finally:
            worker.kill()
    assert worker.returncode == 2, err
    assert "crawl of demo-stolen ended early (lease_lost)" in err
    [run] = runs_json(url, "--site", "demo-stolen")
    assert run["id"] == lease["run_id"] and run["status"] == "failed"
    assert [m["name"] for m in run["monitors"] if not m["passed"]] == ["finished"]
