"""Politeness and resilience: robots.txt, Retry-After, backoff, size limits, user agent."""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from maskscreen.crawler.jobs.job import crawl_settings, job_directory
from maskscreen.crawler.middlewares import (
    PolitenessReport,
    backoff_delay,
    retry_after_seconds,
    user_agent_with_contact,
)

SCRIPT = Path(__file__).with_name("crawl_loopback.py")
ROOT = Path(__file__).parents[2]
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (b"0", 0.0),
        (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
        (format_datetime(NOW - timedelta(hours=1), usegmt=True), 0.0),  # in the past: now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates(header, seconds):
    assert retry_after_seconds(header, now=NOW) == seconds


@pytest.mark.parametrize("attempt", [0, 1, 2, 5, 30])
def test_backoff_is_jittered_exponential_and_capped(attempt):
    rng = random.Random(attempt)
    delays = [backoff_delay(attempt, base=1.0, cap=60.0, rng=rng) for _ in range(200)]
    ceiling = min(60.0, 2.0**attempt)
    assert all(0 <= d <= ceiling for d in delays)
    assert len(set(delays)) > 100  # jittered, not one fixed wait
    assert max(delays) > ceiling / 2


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        (None, "maskscreen/0.1 (+https://x.example; research)"),
        ("  ", "maskscreen/0.1 (+https://x.example; research)"),
        (
            "tns@corp.example",
            "maskscreen/0.1 (+https://x.example; research; contact: tns@corp.example)",
        ),
    ],
)
def test_user_agent_carries_the_contact(contact, expected):
    assert (
        user_agent_with_contact("maskscreen/0.1 (+https://x.example; research)", contact)
        == expected
    )


def settings_for(**overrides):
    return crawl_settings(overrides={"MASKSCREEN_SITE": "shop", **overrides})


def test_robots_txt_is_obeyed_unless_overridden_explicitly():
    assert settings_for().getbool("ROBOTSTXT_OBEY") is True
    assert settings_for(ROBOTSTXT_OBEY=False).getbool("ROBOTSTXT_OBEY") is False


def test_robots_txt_override_is_logged_as_a_warning(caplog):
    crawler = get_crawler(settings_dict={"ROBOTSTXT_OBEY": False, "MASKSCREEN_SITE": "shop"})
    crawler.stats.open_spider()
    with caplog.at_level(logging.INFO, logger="maskscreen.crawler.middlewares"):
        PolitenessReport.from_crawler(crawler).spider_opened(spider=type("S", (), {"name": "shop"}))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "robots.txt is NOT obeyed for shop" in warnings[0].getMessage()
    assert crawler.stats.get_value("maskscreen/robots_txt_ignored") == 1


def test_polite_defaults():
    settings = settings_for()
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert 429 in settings.getlist("RETRY_HTTP_CODES") and 503 in settings.getlist(
        "RETRY_HTTP_CODES"
    )
    assert settings.getint("DOWNLOAD_TIMEOUT") <= 60
    assert settings.getint("DOWNLOAD_MAXSIZE") <= 50 * 1024 * 1024
    assert settings["USER_AGENT"].startswith("maskscreen/")


def test_job_directory_is_per_site_and_per_command(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    first = job_directory("shop.example", ["https://shop.example/"], "sqlite:///a.sqlite")
    assert first == job_directory("shop.example", ["https://shop.example/"], "sqlite:///a.sqlite")
    assert first.parent.name == "shop.example" and first.parent.parent.name == "jobs"
    assert first != job_directory("shop.example", ["https://shop.example/"], "sqlite:///b.sqlite")
    assert job_directory("../../etc", []).parent.name == "etc"  # no path tricks


def crawl_loopback(tmp_path: Path, *settings: str, env: dict | None = None) -> dict:
    out = tmp_path / "loopback.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), *settings],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(out.read_text("utf-8"))
    result["stderr"] = done.stderr
    return result


@pytest.fixture(scope="module")
def loopback(tmp_path_factory) -> dict:
    return crawl_loopback(
        tmp_path_factory.mktemp("loopback"), env={"MASKSCREEN_CONTACT": "trust-safety@corp.example"}
    )


def hits(result: dict, path: str) -> list[dict]:
    return [entry for entry in result["log"] if entry["path"] == path]


@pytest.mark.slow
def test_429_waits_for_retry_after_then_gets_the_item(loopback):
    first, second = hits(loopback, "/p/throttled")
    assert first["status"] == 429 and second["status"] == 200
    assert second["at"] - first["at"] >= 0.95  # Retry-After: 1
    assert any(item["url"].endswith("/p/throttled") for item in loopback["items"])
    assert loopback["stats"]["maskscreen/retry/waits"] >= 1


@pytest.mark.slow
def test_503_is_retried_after_a_backoff(loopback):
    first, second = hits(loopback, "/p/flaky")
    assert (first["status"], second["status"]) == (503, 200)
    assert any(item["url"].endswith("/p/flaky") for item in loopback["items"])


@pytest.mark.slow
def test_oversized_pages_are_dropped_and_counted(loopback):
    urls = {item["url"].rsplit("/", 1)[1] for item in loopback["items"]}
    assert {"huge", "huge-stream"}.isdisjoint(urls)
    assert loopback["stats"]["maskscreen/dropped/too_large"] == 2
    assert loopback["stats"]["finish_reason"] == "finished"


@pytest.mark.slow
def test_robots_txt_refusal_and_user_agent_with_contact(loopback):
    assert hits(loopback, "/private") == []
    assert loopback["stats"]["maskscreen/dropped/robots_txt"] == 1
    agents = {entry["user_agent"] for entry in loopback["log"]}
    assert len(agents) == 1
    assert agents.pop().endswith("; contact: trust-safety@corp.example)")


@pytest.mark.slow
def test_items_carry_their_page_as_evidence(loopback):
    assert loopback["items"] and all(item["evidence_size"] > 0 for item in loopback["items"])
    assert all("evidence" not in item for item in loopback["items"])  # not in to_record()


@pytest.mark.slow
def test_explicit_robots_override_fetches_and_warns(tmp_path):
    result = crawl_loopback(tmp_path, "ROBOTSTXT_OBEY=false")
    assert [entry["status"] for entry in hits(result, "/private")] == [200]
    assert "robots.txt is NOT obeyed for loopback" in result["stderr"]
