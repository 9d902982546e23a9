"""An interrupted crawl resumes when run again: nothing lost, nothing stored twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.crawler.demo.catalog import load_products
from maskscreen.crawler.demo.server import DemoShop
from maskscreen.db.migrate import open_database
from maskscreen.db.models import CrawlRun, Listing, ListingVersion

pytestmark = pytest.mark.slow

SCRIPT = Path(__file__).with_name("crawl_resume.py")
ROOT = Path(__file__).parents[2]
PRODUCTS = load_products()


def count(url: str, model) -> int:
    engine = open_database(url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def start(base_url: str, database_url: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), base_url + "/", database_url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_interrupted_crawl_resumes_without_losing_or_repeating_listings(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'resume.sqlite'}"
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    jobs = tmp_path / "data" / "maskscreen" / "jobs" / "demo-shop"
    open_database(database_url).dispose()
    with DemoShop() as shop:
        first = start(shop.base_url, database_url, env)
        deadline = time.monotonic() + 240
        while count(database_url, Listing) < 30:  # a few batches stored: mid-way
            assert first.poll() is None, first.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the crawl never got going"
            time.sleep(0.2)
        first.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy stops gracefully
        out, err = first.communicate(timeout=120)
        interrupted = json.loads(out.splitlines()[-1])
        assert interrupted["finish_reason"] == "shutdown", err[-3000:]
        stored_first = count(database_url, Listing)
        assert 30 <= stored_first < len(PRODUCTS)
        assert interrupted["resume_dir"] and Path(interrupted["resume_dir"]).parent == jobs

        second = start(shop.base_url, database_url, env)  # the same command again
        out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err[-3000:]
    resumed = json.loads(out.splitlines()[-1])
    assert resumed["finish_reason"] == "finished"
    assert resumed["resume_dir"] is None and not any(jobs.iterdir())  # a finished job is cleared
    # Every product exactly once, and no listing seen by both runs.
    # The demo's products, and its gift-card and broken-JSON-LD pages (heuristic listings).
    expected = len(PRODUCTS) + 2
    assert count(database_url, Listing) == count(database_url, ListingVersion) == expected
    assert interrupted["counts"]["listings"] + resumed["counts"]["listings"] == expected
    assert resumed["counts"]["unchanged"] == 0
    engine = open_database(database_url)
    with Session(engine) as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
    engine.dispose()
    assert [run.status for run in runs] == ["interrupted", "finished"]
