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

from collections import Counter
from typing import Any

DROPPED = "maskscreen/dropped/"  # stats prefix of every page or item skipped, by reason
ERRORS = "maskscreen/errors/"  # stats prefix of every request that failed, by kind
UNKEPT = "maskscreen/drops_unkept"  # drops counted but not kept as crawl_drops rows

# Drop rows a crawl keeps per reason (a sample: the first ones), and in all; the counts
# on the run row are always complete. A link trap must not fill the database.
DROP_ROWS_PER_REASON = 1_000
DROP_ROWS_PER_RUN = 10_000  # db.runs.MAX_DROP_ROWS

# The pipeline's signal for each listing it has classified: (listing, verdict, status).
listing_classified = object()

STATUS_OF_FINISH_REASON = {"finished": "finished", "shutdown": "interrupted"}


class DropLog:
    """Every page, request or item a crawl skipped or lost, by URL, for crawl_drops.

    `add` counts the drop in the crawl's stats (maskscreen/dropped/<reason>, or
    maskscreen/errors/<reason> for a failed request) and keeps a row (reason, url,
    detail) while there is room: DROP_ROWS_PER_REASON per reason, DROP_ROWS_PER_RUN in
    all. Beyond that the drop is counted in maskscreen/drops_unkept. The pipeline that
    owns the run writes the kept rows in batches (`take`), so that for every run

        rows in crawl_drops + drops_unkept == sum(dropped) + errors
    """

    def __init__(self, stats: Any, per_reason: int = DROP_ROWS_PER_REASON,
                 per_run: int = DROP_ROWS_PER_RUN) -> None:  # fmt: skip
        self.stats = stats
        self.per_reason, self.per_run = per_reason, per_run
        self.kept: Counter[str] = Counter()
        self.pending: list[dict[str, Any]] = []

    def add(self, reason: str, url: str | None, detail: str | None = None, *,
            error: bool = False) -> None:  # fmt: skip
        """Count one drop (a failed request when `error`) and keep its row if there is room."""
        self.stats.inc_value((ERRORS if error else DROPPED) + reason)
        if self.kept[reason] >= self.per_reason or self.kept.total() >= self.per_run:
            self.unkept(1)
            return
        self.kept[reason] += 1
        self.pending.append({"reason": reason, "url": url, "detail": _one_line(detail)})

    def unkept(self, count: int) -> None:
        if count:
            self.stats.inc_value(UNKEPT, count)

    def take(self) -> list[dict[str, Any]]:
        """The rows not yet written, handed over once."""
        rows, self.pending = self.pending, []
        return rows


def _one_line(text: str | None, limit: int = 500) -> str | None:
    if not text:
        return None
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


DROP_LOG = "maskscreen_drops"


def drop_log(crawler: Any) -> DropLog:
    """The crawler's one DropLog (made on first use)."""
    log = getattr(crawler, DROP_LOG, None)
    if log is None:
        log = DropLog(crawler.stats)
        setattr(crawler, DROP_LOG, log)
    return log


def write_drops(engine: Any, run_id: int, log: DropLog) -> None:
    """Write the log's pending rows on run `run_id`; rows that cannot be written (the
    database gone, the run's room full) are counted as unkept, never raised."""
    rows = log.take()
    if not rows or engine is None or run_id is None:
        log.unkept(len(rows))
        return
    from sqlalchemy.orm import Session

    from maskscreen.db import runs

    try:
        with Session(engine) as session, session.begin():
            written = runs.record_drops(session, run_id, rows)
    except Exception as exc:  # noqa: BLE001 (the database gone: the counts stay complete)
        import logging

        logging.getLogger(__name__).warning(
            "could not record %d drops of run %s: %s", len(rows), run_id, str(exc).splitlines()[0]
        )
        written = 0
    log.unkept(len(rows) - written)


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
    # `listings` counts every listing that reached the store, the lost ones included.
    seen = max(counts.get("listings", 0), lost)
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


KILLED = "killed"  # the finish reason of a crawl whose spider never closed


def close_unfinished(engine, run_id: int, crawler) -> bool:
    """Close the run of a crawl whose spider never closed (stopped at once by a second
    Ctrl-C): failed, with what it counted and the drops it kept. The listings still
    buffered were never stored: counted as lost (store_failed). Whether it was open."""
    from sqlalchemy.orm import Session

    from maskscreen.db import runs

    log = drop_log(crawler)
    for pipeline in _store_pipelines(crawler):
        for item in pipeline.buffer:
            log.add("store_failed", item.url, "the crawl was stopped before its batch was stored")
        pipeline.buffer = []
    crawler.stats.set_value("finish_reason", KILLED)
    write_drops(engine, run_id, log)
    counts, dropped = crawl_counts(crawler.stats.get_stats())
    status, reason = judge_run(KILLED, counts, dropped)
    with Session(engine) as session, session.begin():
        return runs.finish_crawl_run(
            session, run_id, status=status, counts=counts, dropped=dropped,
            reason=f"{reason}: stopped at once, its spider never closed", only_running=True,
        )  # fmt: skip


def _store_pipelines(crawler) -> list:
    """The crawler's pipelines that buffer listings for the store."""
    manager = getattr(getattr(crawler, "engine", None), "scraper", None)
    manager = getattr(manager, "itemproc", None)
    return [m for m in getattr(manager, "middlewares", ()) if isinstance(
        getattr(m, "buffer", None), list) and hasattr(m, "run_id")]  # fmt: skip


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
