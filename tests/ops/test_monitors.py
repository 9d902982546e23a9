"""Monitors: each check of a finished crawl passes and fails where it should."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from maskscreen.crawler.jobs.monitors import (
    RunFacts,
    Thresholds,
    alert_text,
    check_run,
    failed,
    field_coverage,
)

START = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


def facts(**overrides) -> RunFacts:
    values = {"finish_reason": "finished", "listings": 100, "pages": 120, "errors": 0, "started_at": START,
                  "finished_at": START + timedelta(minutes=10),
                  "coverage": {"of": 100, "title": 1.0, "price": 0.9, "currency": 0.9},
                  "recent": (100, 95, 105)}  # fmt: skip
    values.update(overrides)
    return RunFacts(**values)


def names(results) -> list[str]:
    return [result["name"] for result in failed(results)]


def test_a_normal_crawl_passes_every_monitor():
    results = check_run(facts())
    assert names(results) == []
    assert {r["name"] for r in results} == {
        "finished", "zero_listings", "listing_drop", "coverage_title", "coverage_price",
        "coverage_currency", "error_rate", "time_budget"}  # fmt: skip


def test_zero_listings_where_there_used_to_be_many_fails_twice():
    assert names(check_run(facts(listings=0, coverage={"of": 0}))) == [
        "zero_listings",
        "listing_drop",
    ]


def test_a_drop_beyond_the_share_fails_and_a_smaller_one_passes():
    assert names(check_run(facts(listings=40))) == ["listing_drop"]
    assert names(check_run(facts(listings=60))) == []
    assert names(check_run(facts(listings=60), Thresholds(max_drop=0.3))) == ["listing_drop"]


def test_field_coverage_under_its_threshold_fails():
    coverage = {"of": 100, "title": 1.0, "price": 0.2, "currency": 0.9}
    results = check_run(facts(coverage=coverage))
    assert names(results) == ["coverage_price"]
    assert "price on 20% of 100 listings (wanted 50%)" in failed(results)[0]["message"]


def test_coverage_is_not_judged_on_a_handful_of_listings():
    coverage = {"of": 3, "title": 1.0, "price": 0.0, "currency": 0.0}
    assert names(check_run(facts(coverage=coverage))) == []


def test_error_rate_and_time_budget_and_early_end():
    assert names(check_run(facts(pages=50, errors=50))) == ["error_rate"]
    late = facts(finished_at=START + timedelta(hours=5))
    assert names(check_run(late, Thresholds(time_budget_minutes=60))) == ["time_budget"]
    assert names(check_run(facts(finish_reason="lease_lost"))) == ["finished"]


def test_the_first_crawl_has_no_baseline_to_compare():
    assert "listing_drop" not in {r["name"] for r in check_run(facts(recent=()))}


def test_field_coverage_from_stats():
    stats = {
        "maskscreen/fields/seen": 4,
        "maskscreen/fields/title": 3,
        "maskscreen/fields/price": 2,
    }
    assert field_coverage(stats) == {"of": 4, "title": 0.75, "price": 0.5, "currency": 0.0}
    assert field_coverage({}) == {"of": 0, "title": 0.0, "price": 0.0, "currency": 0.0}


def test_alert_text_names_the_site_run_and_failures():
    text = alert_text("demo-shop", 7, check_run(facts(listings=10)))
    assert (
        text.splitlines()[0] == "maskscreen: 1 monitor(s) failed on the crawl of demo-shop (run 7)"
    )
    assert "- listing_drop: 10 listings, 90% fewer" in text
