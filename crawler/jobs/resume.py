"""Resuming a crawl: where its Scrapy job state lives, and who may use it.

With `plan.resume` (the default) a crawl keeps Scrapy's job state (JOBDIR: pending
requests and the fingerprints of requests already made) in `job_directory(...)`, i.e.
<user data dir>/maskscreen/jobs/<site>/<key>. Interrupt it (Ctrl-C once, or SIGTERM:
Scrapy finishes the pages in flight and the pipeline stores its last batch) and run the
same command again: it carries on where it stopped, so no listing is lost or stored
twice. A crawl that finishes deletes its job directory, so the next scheduled crawl
starts from the beginning. A second Ctrl-C or SIGKILL stops at once: the last unstored
batch (up to MASKSCREEN_BATCH_SIZE listings) is then only found by a crawl that does
not resume; so when the site's last run did not stop cleanly (it is not recorded as
interrupted), the saved state is dropped and the crawl starts afresh. A crawl whose
store failed (a batch rolled back: database gone) deletes its job state too, so the
next crawl visits those pages again.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import platformdirs


class CrawlBusy(RuntimeError):
    """Another process (here, or on a machine sharing the database) is crawling the site."""


def safe_name(site: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"


def job_directory(
    site: str, start_urls: Sequence[str] = (), database_url: str | None = None
) -> Path:
    """Where a resumable crawl keeps its Scrapy job state (JOBDIR).

    <user data dir>/maskscreen/jobs/<site>/<key>: the key is a hash of the start URLs
    and the database, so the same command finds its job again and two different
    crawls of one site (another database, another start page) never share one.
    """
    key = hashlib.sha256("\n".join([database_url or "", *sorted(start_urls)]).encode()).hexdigest()
    return Path(platformdirs.user_data_dir("maskscreen")) / "jobs" / safe_name(site) / key[:12]


def lock(jobdir: Path):
    """Hold an exclusive lock on the job directory (released when the handle closes or
    the process ends); CrawlBusy if another crawl holds it."""
    jobdir.mkdir(parents=True, exist_ok=True)
    handle = open(jobdir / "lock", "a")  # noqa: SIM115 (held for the crawl)
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the same command twice is on the user
        return handle
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CrawlBusy(f"another crawl is using {jobdir}; wait for it or stop it") from None
    return handle


def has_state(jobdir: Path) -> bool:
    return (jobdir / "requests.seen").exists()


def forget(jobdir: Path) -> None:
    """Delete a job's saved state, keeping the lock file this process holds."""
    for path in jobdir.iterdir():
        if path.name != "lock":
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def resumable(engine, site: str) -> bool:
    """Whether the site's last crawl stopped cleanly (interrupted, its last batch stored)."""
    from sqlalchemy.orm import Session

    from maskscreen.db import run_history

    with Session(engine) as session:
        last = run_history(session, site=site, kind="crawl", limit=1)
    return bool(last) and last[0]["status"] == "interrupted"
