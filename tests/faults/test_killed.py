"""A crawl killed (SIGKILL) or stopped at once (Ctrl-C twice) never stays `running`: the
next command that sees its run closes it as failed, and the next crawl stores every
listing once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from maskscreen.db import open_database
from maskscreen.db import runs as run_rows
from tests.faults.checks import runs, stored_urls
from tests.faults.shop import Shop
from tests.helpers import run_cli

PRODUCTS = 24


def start_crawl(url: str, database_url: str, tmp_path) -> subprocess.Popen:
    env = {**os.environ, "MASKSCREEN_DATABASE_URL": "", "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.Popen(
        [sys.executable, "-m", "maskscreen.cli", "crawl", url, "--via", "html", "--db",
         database_url],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_until_crawling(database_url: str, shop: Shop, crawl: subprocess.Popen) -> int:
    """The run's id, once its row is open and product pages are being fetched."""
    engine = open_database(database_url)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert crawl.poll() is None, crawl.communicate()
            from sqlalchemy.orm import Session

            with Session(engine) as session:
                running = run_rows.run_history(session, status="running", limit=1)
            if running and sum(shop.hits[p] for p in shop.products) >= 2:
                return running[0]["id"]
            time.sleep(0.1)
        raise AssertionError("the crawl never got going")
    finally:
        engine.dispose()


def crawl_again_stores_everything_once(database_url: str, shop: Shop, tmp_path) -> dict:
    shop.product_delay = 0.0
    again = run_cli("crawl", shop.url("/"), "--via", "html", "--db", database_url,
                    env={"XDG_DATA_HOME": str(tmp_path / "data")})  # fmt: skip
    assert again.returncode == 0, again.stderr
    newest = runs(database_url)[0]
    assert newest["status"] == "finished"
    urls = stored_urls(database_url)
    assert len(urls) == len(set(urls)) == PRODUCTS  # nothing lost, nothing twice
    return newest


def test_a_crawl_killed_with_sigkill_is_closed_by_the_next_command(database_url, tmp_path):
    with Shop(products=PRODUCTS, product_delay=0.5) as shop:
        crawl = start_crawl(shop.url("/"), database_url, tmp_path)
        try:
            run_id = wait_until_crawling(database_url, shop, crawl)
        finally:
            crawl.send_signal(signal.SIGKILL)
            crawl.communicate()
        assert crawl.returncode == -signal.SIGKILL
        listed = run_cli("runs", "--db", database_url)  # the next command that sees it
        assert listed.returncode == 0, listed.stderr
        assert f"run {run_id}: its worker is gone" in listed.stderr
        killed = [row for row in runs(database_url) if row["id"] == run_id][0]
        assert killed["status"] == "failed"
        assert killed["monitors"][0]["name"] == "worker_lost"
        assert killed["status_reason"].startswith("worker_lost")
        crawl_again_stores_everything_once(database_url, shop, tmp_path)
    assert not [row for row in runs(database_url) if row["status"] == "running"]


def test_a_crawl_stopped_by_two_ctrl_c_closes_its_own_run_as_failed(database_url, tmp_path):
    with Shop(products=PRODUCTS, product_delay=3.0) as shop:
        crawl = start_crawl(shop.url("/"), database_url, tmp_path)
        try:
            run_id = wait_until_crawling(database_url, shop, crawl)
            crawl.send_signal(signal.SIGINT)  # Scrapy starts closing: pages in flight
            time.sleep(0.5)
            crawl.send_signal(signal.SIGINT)  # … and stops at once
            _, stderr = crawl.communicate(timeout=120)
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.communicate()
        assert crawl.returncode == 2, stderr
        assert "crawl ended early (killed)" in stderr and "Traceback" not in stderr
        stopped = [row for row in runs(database_url) if row["id"] == run_id][0]
        assert stopped["status"] == "failed"
        assert "never closed" in stopped["status_reason"]
        assert stopped["finished_at"] is not None
        crawl_again_stores_everything_once(database_url, shop, tmp_path)
