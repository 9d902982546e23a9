"""A run that lost data never looks like a success (crawler/jobs/runs.judge_run)."""

from __future__ import annotations

import pytest

from maskscreen.crawler.jobs.runs import judge_run

FULL = {"pages": 10, "listings": 600}


@pytest.mark.parametrize(
    ("finish_reason", "counts", "dropped", "status", "reason"),
    [
        ("finished", FULL, {}, "finished", None),
        ("finished", FULL, {"no_product": 40, "robots_txt": 2}, "finished", None),  # ordinary
        ("finished", FULL, {"store_failed": 400}, "failed",
         "lost 400 of 600 listings (store_failed 400)"),  # listings: all that reached the store
        ("finished", FULL, {"classify_failed": 1}, "failed", "lost 1 of 600 listings"),
        ("finished", {"pages": 0, "listings": 0}, {}, "failed", "fetched nothing"),
        ("shutdown", FULL, {}, "interrupted", None),
        ("shutdown", FULL, {"store_failed": 5}, "failed", "lost 5 of 600"),
        ("closespider_errorcount", FULL, {}, "failed", "ended early (closespider_errorcount)"),
    ],
)  # fmt: skip
def test_judge_run(finish_reason, counts, dropped, status, reason):
    judged, why = judge_run(finish_reason, counts, dropped)
    assert judged == status
    assert (why is None) if reason is None else (reason in why)


def test_a_configured_share_of_losses_is_tolerated():
    assert judge_run("finished", FULL, {"store_failed": 3}, max_lost_share=0.01)[0] == "finished"
    assert judge_run("finished", FULL, {"store_failed": 30}, max_lost_share=0.01)[0] == "failed"


def test_a_recheck_that_fetched_no_page_is_not_failed_for_it():
    assert judge_run("finished", {"listings": 3}, {}, kind="recheck") == ("finished", None)


def test_a_crawl_whose_start_url_refuses_connections_fails_loudly(tmp_path):
    import json

    from tests.helpers import run_cli

    db = f"sqlite:///{tmp_path / 'refused.sqlite'}"
    result = run_cli("crawl", "http://127.0.0.1:1/", "--via", "html", "--db", db)
    assert result.returncode == 5, result.stderr
    assert "crawl failed: fetched nothing" in result.stderr
    assert "Traceback" not in result.stderr
    runs = run_cli("runs", "--json", "--db", db)
    [row] = [json.loads(line) for line in runs.stdout.splitlines()]
    assert row["status"] == "failed" and row["status_reason"].startswith("fetched nothing")
