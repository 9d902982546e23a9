"""Pages per second: one crawl worker against two sharing a Redis frontier.

    python bench/frontier.py [--pages 5000] [--concurrency 32] [--redis redis://127.0.0.1:6379/0]

Serves a loopback shop of PAGES product pages from its own process
(tests/distributed/shop.py), then crawls it three times with the full pipeline
(extract, classify, store into a fresh PostgreSQL database each time), every
worker in its own child process with the same tuned settings (AutoThrottle off,
CONCURRENT_REQUESTS(_PER_DOMAIN) = --concurrency):

  one worker           the ordinary crawl (Scrapy's own scheduler)
  one worker, Redis    the same through the shared frontier (its overhead)
  two workers, Redis   two processes splitting the crawl through the frontier

A crawl's rate is its pages over the span from the first worker's crawl start to
the last one's finish (Scrapy's start_time/finish_time: process start-up and model
loading excluded; the frontier's end-of-crawl agreement, ~2 s, included). The
scaling factor is two workers' rate over one ordinary worker's. Both workers run
on this machine, so they share its cores with each other and with the shop.
PostgreSQL: MASKSCREEN_BENCH_PG_URL (default the local server's `test` database),
where a database is created per crawl and dropped after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_URL = os.environ.get(
    "MASKSCREEN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def tuned_settings(concurrency: int) -> dict:
    return {
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY": 0,
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "CONCURRENT_ITEMS": 16,
        "LOG_LEVEL": "WARNING",
    }


def crawl(url: str, database: str, concurrency: int, redis_url: str | None, key: str) -> dict:
    """One worker (a child process): the real run_crawl, optionally on the frontier."""
    from maskscreen.classifier.model import load_model
    from maskscreen.crawler.jobs.job import run_crawl
    from maskscreen.crawler.jobs.plan import CrawlPlan
    from maskscreen.db.migrate import open_database

    plan = CrawlPlan(via="html", start_urls=[url], site="bench", settings=tuned_settings(concurrency),
                     resume=False, lease=False, frontier=redis_url or None,
                     frontier_key=key if redis_url else None)  # fmt: skip
    engine = open_database(database)
    try:
        summary = run_crawl(plan, engine=engine, model=load_model())
    finally:
        engine.dispose()
    stats = summary.stats
    return {
        "pages": stats.get("response_received_count", 0),
        "listings": summary.counts["listings"],
        "finish_reason": summary.finish_reason,
        "start": stats["start_time"].timestamp(),
        "finish": stats["finish_time"].timestamp(),
    }


class Databases:
    """Fresh PostgreSQL databases, dropped at the end."""

    def __init__(self):
        from sqlalchemy import create_engine

        self.admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def new(self) -> str:
        from sqlalchemy import text
        from sqlalchemy.engine import make_url

        name = f"maskscreen_bench_{uuid.uuid4().hex[:10]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        self.names.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        from sqlalchemy import text

        with self.admin.connect() as connection:
            for name in self.names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def migrate(database: str) -> None:
    from maskscreen.db.migrate import open_database

    open_database(database).dispose()  # once, before workers start (as the CLI does)


def run(workers: int, url: str, database: str, args, redis_url: str | None) -> dict:
    key = f"maskscreen-bench:{uuid.uuid4().hex[:10]}"
    command = [
        sys.executable,
        __file__,
        "--worker",
        "--url",
        url,
        "--db",
        database,
        "--concurrency",
        str(args.concurrency),
        "--key",
        key,
    ]
    if redis_url:
        command += ["--redis", redis_url]
    processes = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(workers)
    ]
    results = []
    for process in processes:
        out, err = process.communicate()
        if process.returncode != 0:
            sys.exit(f"a worker failed:\n{err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    pages = sum(r["pages"] for r in results)
    span = max(r["finish"] for r in results) - min(r["start"] for r in results)
    return {
        "pages": pages,
        "seconds": span,
        "rate": pages / span,
        "listings": sum(r["listings"] for r in results),
        "split": [r["pages"] for r in results],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000, help="product pages (default 5000)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="the frontier")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        redis_url = args.redis if "--redis" in sys.argv else None
        print(json.dumps(crawl(args.url, args.db, args.concurrency, redis_url, args.key)))
        return

    from maskscreen.crawler.jobs.frontier import connect
    from tests.distributed.shop import LoopbackShop

    connect(args.redis).close()
    print(
        f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    databases = Databases()
    started = time.perf_counter()
    try:
        with LoopbackShop(args.pages) as url:
            print(
                f"loopback shop of {args.pages:,} product pages at {url} (ready in "
                f"{time.perf_counter() - started:.1f} s); settings for every worker: "
                f"{json.dumps(tuned_settings(args.concurrency))}"
            )
            rates = {}
            for label, workers, redis_url in (
                ("one worker", 1, None),
                ("one worker, Redis", 1, args.redis),
                ("two workers, Redis", 2, args.redis),
            ):
                database = databases.new()
                migrate(database)
                result = run(workers, url, database, args, redis_url)
                rates[label] = result["rate"]
                split = " + ".join(f"{n:,}" for n in result["split"])
                print(
                    f"{label:19}: {result['pages']:,} pages ({split}), "
                    f"{result['listings']:,} listings in {result['seconds']:.1f} s "
                    f"= {result['rate']:,.0f} pages/s"
                )
    finally:
        databases.drop()
    print(
        f"scaling factor, two workers over one: "
        f"{rates['two workers, Redis'] / rates['one worker']:.2f}x "
        f"(frontier overhead for one worker: "
        f"{rates['one worker, Redis'] / rates['one worker']:.0%} of its rate)"
    )


if __name__ == "__main__":
    main()
