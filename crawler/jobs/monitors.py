"""Monitors: checks of a finished crawl, in the spirit of Spidermon.

After each stored crawl, `check_run` looks at what it did against the site's recent
runs and its thresholds (a site profile's [monitors] table; `Thresholds` holds the
defaults):

  finished           the crawl ran to its end (not interrupted, not failed)
  zero_listings      no listings, where the recent runs saw `many_listings` or more
  listing_drop       listings fell by more than `max_drop` (a share) against the
                     median of the last `recent_runs` finished crawls
  coverage_title     share of extracted listings with a title, price and currency,
  coverage_price     each at least its threshold (checked from `min_items` listings
  coverage_currency  on: a handful of items says little)
  error_rate         failed requests / requests, at most `max_error_rate`
  time_budget        the crawl took at most `time_budget_minutes`

Each result is a dict: name, passed, message (and value, threshold). They are kept on
the run (crawl_runs.monitors, monitors_failed) and shown by `maskscreen runs`.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)

COVERAGE_FIELDS = ("title", "price", "currency")
FIELD_STAT = "maskscreen/fields/"  # maskscreen/fields/seen, .../title, .../price, ...


@dataclass(frozen=True)
class Thresholds:
    recent_runs: int = 5
    many_listings: int = 20
    max_drop: float = 0.5
    title_coverage: float = 0.9
    price_coverage: float = 0.5
    currency_coverage: float = 0.5
    min_items: int = 10
    max_error_rate: float = 0.2
    time_budget_minutes: float | None = 240.0


# key -> (type, lowest, highest): what a site profile's [monitors] table may set.
LIMITS: dict[str, tuple[type, float, float]] = {
    "recent_runs": (int, 1, 100), "many_listings": (int, 1, 10**9),
    "max_drop": (float, 0, 1), "title_coverage": (float, 0, 1),
    "price_coverage": (float, 0, 1), "currency_coverage": (float, 0, 1),
    "min_items": (int, 1, 10**9), "max_error_rate": (float, 0, 1),
    "time_budget_minutes": (float, 1, 7 * 24 * 60),
}  # fmt: skip
assert set(LIMITS) == {f.name for f in fields(Thresholds)}


def for_worker(thresholds: Thresholds | None) -> Thresholds:
    """The thresholds for one worker of a shared crawl (a Redis frontier): its run holds
    only its share of the crawl, so comparing its listings with whole crawls would cry
    wolf. The count monitors are off; the others stay as the site set them."""
    return replace(thresholds or Thresholds(), max_drop=1.0, many_listings=10**9)


@dataclass(frozen=True)
class RunFacts:
    """What one crawl did, from its stats and its crawl_runs row."""

    finish_reason: str
    listings: int
    pages: int
    errors: int
    started_at: datetime | None = None
    finished_at: datetime | None = None
    coverage: dict[str, float] | None = None  # field_coverage(): shares and "of"
    recent: tuple[int, ...] = ()  # listings of the site's previous finished crawls


def field_coverage(stats: dict[str, Any]) -> dict[str, float]:
    """Shares of extracted listings that had each field, and how many there were ("of")."""
    seen = int(stats.get(f"{FIELD_STAT}seen", 0))
    coverage: dict[str, float] = {"of": seen}
    for name in COVERAGE_FIELDS:
        coverage[name] = round(stats.get(f"{FIELD_STAT}{name}", 0) / seen, 4) if seen else 0.0
    return coverage


def _result(name: str, passed: bool, message: str, value=None, threshold=None) -> dict[str, Any]:
    return {"name": name, "passed": passed, "message": message, "value": value,
            "threshold": threshold}  # fmt: skip


def check_run(facts: RunFacts, thresholds: Thresholds = Thresholds()) -> list[dict[str, Any]]:
    """Every monitor's result for one crawl."""
    t = thresholds
    results = [
        _result("finished", facts.finish_reason == "finished",
                f"the crawl ended: {facts.finish_reason}", facts.finish_reason, "finished"),
    ]  # fmt: skip
    baseline = statistics.median(facts.recent) if facts.recent else None
    if baseline is not None:
        usual = f"median {baseline:g} of the last {len(facts.recent)} crawls"
        results.append(_result(
            "zero_listings", not (facts.listings == 0 and baseline >= t.many_listings),
            f"{facts.listings} listings ({usual})", facts.listings, t.many_listings,
        ))  # fmt: skip
        drop = 1 - facts.listings / baseline if baseline else 0.0
        results.append(_result(
            "listing_drop", drop <= t.max_drop,
            f"{facts.listings} listings, {max(drop, 0):.0%} fewer than the {usual} "
            f"(allowed {t.max_drop:.0%})", round(drop, 4), t.max_drop,
        ))  # fmt: skip
    coverage = facts.coverage or {}
    if coverage.get("of", 0) >= t.min_items:
        for name in COVERAGE_FIELDS:
            share, wanted = coverage.get(name, 0.0), getattr(t, f"{name}_coverage")
            results.append(_result(
                f"coverage_{name}", share >= wanted,
                f"{name} on {share:.0%} of {coverage['of']:g} listings (wanted {wanted:.0%})",
                share, wanted,
            ))  # fmt: skip
    requests = facts.pages + facts.errors
    if requests:
        rate = facts.errors / requests
        results.append(_result(
            "error_rate", rate <= t.max_error_rate,
            f"{facts.errors} of {requests} requests failed ({rate:.0%}, allowed "
            f"{t.max_error_rate:.0%})", round(rate, 4), t.max_error_rate,
        ))  # fmt: skip
    if t.time_budget_minutes is not None and facts.started_at and facts.finished_at:
        minutes = (facts.finished_at - facts.started_at).total_seconds() / 60
        results.append(_result(
            "time_budget", minutes <= t.time_budget_minutes,
            f"took {minutes:.1f} min (budget {t.time_budget_minutes:g} min)",
            round(minutes, 2), t.time_budget_minutes,
        ))  # fmt: skip
    return results


def failed(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [result for result in results if not result["passed"]]


def alert_text(site: str, run_id: int, results: list[dict[str, Any]]) -> str:
    """One message for people: which monitors failed on which run."""
    bad = failed(results)
    lines = [f"maskscreen: {len(bad)} monitor(s) failed on the crawl of {site} (run {run_id})"]
    lines += [f"- {result['name']}: {result['message']}" for result in bad]
    return "\n".join(lines)


def monitor_run(
    engine, run_id: int, stats: dict[str, Any], thresholds: Thresholds = Thresholds()
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check a stored crawl and keep the results on its run; (the run row, results)."""
    from sqlalchemy.orm import Session

    from maskscreen.db import runs

    with Session(engine) as session:  # reads in a transaction of their own (SQLite)
        row = runs.run_row(session, run_id)
        if row is None:
            raise LookupError(f"no crawl run {run_id}")
        recent = runs.recent_listing_counts(
            session, row["site_id"], before_run_id=run_id, limit=thresholds.recent_runs
        )
    from maskscreen.crawler.jobs.runs import crawl_counts
    from maskscreen.db import utcnow

    counts, _ = crawl_counts(stats)
    coverage = field_coverage(stats)
    facts = RunFacts(
        finish_reason=str(stats.get("finish_reason", "unknown")),
        listings=counts["listings"], pages=counts["pages"], errors=counts["errors"],
        started_at=row["started_at"], finished_at=row["finished_at"] or utcnow(),
        coverage=coverage, recent=tuple(recent),
    )  # fmt: skip
    results = check_run(facts, thresholds)
    with Session(engine) as session, session.begin():
        runs.record_monitors(session, run_id, monitors=results, field_coverage=coverage)
    row.update(monitors=results, field_coverage=coverage, monitors_failed=len(failed(results)))
    return row, results


def check_and_alert(engine, run_id: int, stats: dict[str, Any], thresholds: Thresholds,
                    alerts=None) -> tuple[list | None, list[str]]:  # fmt: skip
    """Check the run; on failures, alert the configured channels (a crawler.jobs.alerts
    .AlertConfig) and note it on the run. (results or None, channels that took the alert);
    a database or channel that fails is logged, never raised."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from maskscreen.db import StoreError, mark_alerted

    try:
        row, results = monitor_run(engine, run_id, stats, thresholds)
        sent: list[str] = []
        if failed(results) and alerts is not None and alerts.channels:
            from maskscreen.crawler.jobs.alerts import send_alert

            details = {"site": row["site"], "run_id": run_id, "status": row["status"],
                       "monitors": failed(results)}  # fmt: skip
            sent = send_alert(alerts, alert_text(row["site"], run_id, results), details)
            if sent:
                with Session(engine) as session, session.begin():
                    mark_alerted(session, run_id)
        return results, sent
    except (SQLAlchemyError, StoreError, LookupError) as exc:
        logger.error("could not check crawl run %s: %s", run_id, str(exc).splitlines()[0])
        return None, []
