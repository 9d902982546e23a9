"""Crawl a shop into a database, resumably, as `maskscreen crawl` does; print a summary.

Run in a subprocess by test_politeness_resume.py, which interrupts it and runs it again:

    python tests/crawler/crawl_resume.py START_URL DATABASE_URL
"""

from __future__ import annotations

import json
import sys

from maskscreen.classifier.model import load_model
from maskscreen.crawler.jobs.job import run_crawl
from maskscreen.crawler.jobs.plan import CrawlPlan
from maskscreen.db.migrate import open_database

SLOW = {  # slow enough to be interrupted mid-way; small batches so some are stored
    "MASKSCREEN_BATCH_SIZE": 10,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0.03,
    "AUTOTHROTTLE_ENABLED": False,
}


def main(start_url: str, database_url: str) -> None:
    plan = CrawlPlan(via="html", start_urls=[start_url], site="demo-shop", settings=SLOW)
    engine = open_database(database_url)
    summary = run_crawl(plan, engine=engine, model=load_model(), log_level="INFO")
    engine.dispose()
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
