"""Crawl a shop into a database, resumably, as `maskscreen crawl` does; print a summary.

Run in a subprocess by test_politeness_resume.py, which interrupts it and runs it again:

    python tests/crawler/crawl_resume.py START_URL DATABASE_URL
"""

from __future__ import annotations

import json
import sys

from maskscreen.crawler.jobs.job import run_crawl

SLOW = {  # slow enough to be interrupted mid-way; small batches so some are stored
    "MASKSCREEN_BATCH_SIZE": 10,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0.03,
    "AUTOTHROTTLE_ENABLED": False,
}


def main(start_url: str, database_url: str) -> None:
    summary = run_crawl(
        [start_url],
        database_url=database_url,
        site="demo-shop",
        settings_overrides=SLOW,
        log_level="INFO",
    )
    print(
        json.dumps(
            {
                "finish_reason": summary.finish_reason,
                "counts": summary.counts,
                "resume_dir": summary.resume_dir,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
