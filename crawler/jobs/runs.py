"""A job's run rows (crawl_runs): what a run counts and the status it ends with.

Every crawl and recheck, however it was started (`maskscreen crawl`, `recheck`,
`run-due`, a frontier worker, a Scrapyd job, the demo), opens its rows and closes them
here, so a run's status means the same everywhere:

    finished     Scrapy's finish reason "finished": the crawl ran to its end
    interrupted  "shutdown" (Ctrl-C once, SIGTERM): its last batch was stored; it resumes
    failed       anything else (lease lost, frontier gone, a closed spider, an error)

A leaf of the jobs family: the pipelines and the job both use it.
"""

from __future__ import annotations

from typing import Any

DROPPED = "maskscreen/dropped/"  # stats prefix of every page or item skipped, by reason

# The pipeline's signal for each listing it has classified: (listing, verdict, status).
listing_classified = object()

STATUS_OF_FINISH_REASON = {"finished": "finished", "shutdown": "interrupted"}


def run_status(finish_reason: str) -> str:
    """The crawl_runs status of a crawl that ended with Scrapy's `finish_reason`."""
    return STATUS_OF_FINISH_REASON.get(finish_reason, "failed")


# Listings that were extracted but never stored: the run lost them.
LOST = ("store_failed", "classify_failed")
# The share of a run's listings it may lose and still count as finished (0: none).
MAX_LOST_SHARE = 0.0


def judge_run(
    finish_reason: str,
    counts: dict[str, int] | None,
    dropped: dict[str, int] | None,
    *,
    kind: str = "crawl",
    max_lost_share: float = MAX_LOST_SHARE,
) -> tuple[str, str | None]:
    """(status, why it failed or None): a crawl that ended early, lost listings beyond
    `max_lost_share`, or fetched nothing at all is failed, whatever Scrapy said."""
    counts, dropped = counts or {}, dropped or {}
    status = run_status(finish_reason)
    if status == "failed":
        return status, f"ended early ({finish_reason})"
    lost = sum(dropped.get(reason, 0) for reason in LOST)
    seen = counts.get("listings", 0) + lost
    if lost and lost > max_lost_share * seen:
        detail = ", ".join(f"{r} {dropped[r]}" for r in LOST if dropped.get(r))
        return "failed", f"lost {lost} of {seen} listings ({detail})"
    if kind == "crawl" and status == "finished" and not counts.get("pages", 0):
        return "failed", "fetched nothing: no page answered"
    return status, None


def crawl_counts(stats: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]]:
    """The crawl_runs counters (and dropped reasons) from a crawl's Scrapy stats."""
    counts = {
        "pages": stats.get("maskscreen/pages", 0),
        "listings": stats.get("maskscreen/listings", 0),
        "new": stats.get("maskscreen/new", 0),
        "changed": stats.get("maskscreen/changed", 0),
        "unchanged": stats.get("maskscreen/unchanged", 0),
        "flagged": stats.get("maskscreen/flagged", 0),
        "errors": sum(v for k, v in stats.items() if k.startswith("maskscreen/errors/")),
    }
    dropped = {k[len(DROPPED) :]: v for k, v in stats.items() if k.startswith(DROPPED)}
    return counts, dropped


def start_run(
    session,
    site: str,
    *,
    base_url: str | None = None,
    command: str | None = None,
    kind: str = "crawl",
    trigger: str | None = None,
) -> tuple[int, int]:
    """Open a run of `site` in status running, inside the caller's transaction;
    (site id, run id)."""
    from maskscreen.db import runs

    site_id = runs.get_or_create_site(session, site, base_url=base_url)
    return site_id, runs.start_crawl_run(session, site_id, command=command, kind=kind,
                                         trigger=trigger)  # fmt: skip


def finish_run(
    session,
    run_id: int,
    finish_reason: str,
    counts: dict[str, int] | None = None,
    dropped: dict[str, int] | None = None,
    kind: str = "crawl",
) -> str:
    """Close a run with the status judge_run gives it (and why); returns the status."""
    from maskscreen.db import runs

    status, reason = judge_run(finish_reason, counts, dropped, kind=kind)
    runs.finish_crawl_run(
        session, run_id, status=status, counts=counts or {}, dropped=dropped or {},
        reason=reason,
    )  # fmt: skip
    return status


def record_failed_start(engine, site: str, base_url: str | None, command: str | None,
                        trigger: str | None = None) -> None:  # fmt: skip
    """A crawl that could not start (its frontier unreachable): a failed run under its site,
    so that monitoring sees it."""
    from sqlalchemy.orm import Session

    with Session(engine) as session, session.begin():
        _, run_id = start_run(session, site, base_url=base_url, command=command, trigger=trigger)
        finish_run(session, run_id, "not_started")


def record_idle_rechecks(engine, sites, since, summary, command: str) -> None:
    """A run for each of `sites` with no recheck run since `since` (a scheduled recheck
    with nothing to visit there), closed with the recheck's `summary`."""
    from sqlalchemy.orm import Session

    from maskscreen.db import run_history

    counts = {"listings": summary.targets, "changed": summary.counts["changed"],
              "unchanged": summary.counts["live"], "errors": summary.unreachable}  # fmt: skip
    with Session(engine) as session, session.begin():
        for site in sites:
            if run_history(session, site=site, kind="recheck", since=since, limit=1):
                continue
            _, run_id = start_run(session, site, command=command, kind="recheck",
                                  trigger="schedule")  # fmt: skip
            finish_run(session, run_id, summary.finish_reason, counts, kind="recheck")
