"""Analyst and reviewer queries on a large store: SQLite and PostgreSQL.

Bulk-loads N listings (each with one version and one classification), 5 % of them
flagged with an open review case, and 20,000 review events (decisions) into a fresh
database, then times:

- `flagged` first page: store.query_flagged(limit=50)
- `review next`: the highest-priority open case, db.reviews.review_queue(limit=1)
- `sellers` first page: db.sellers.rank_sellers(limit=50)
- `export` of every flagged row through db.export.export_rows (rows/s), and the
  peak memory of `maskscreen export` run as its own process (max RSS)

    python bench/queries.py                          # 1,000,000 listings, both databases
    python bench/queries.py --n 100000 --backend sqlite

Query times are the best of --repeat runs after one warm-up. Targets: each query
under 100 ms; export at 20,000 rows/s or more with peak memory under 300 MB.
``*_before`` figures measure, in the same run on the same data, what migration 0008
changed: the sellers ranking's two counts through listings on the old index (against
reviews.seller_id now), export through the old read.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, bindparam, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from maskscreen.db import export, jsontext, migrate, reviews, store
from maskscreen.db.session import make_engine

PG_ADMIN = os.environ.get(
    "MASKSCREEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SITES = 20
SELLERS = 5000  # a multiple of SITES
WORDS = [
    "silicone",
    "realistic",
    "human",
    "face",
    "mask",
    "custom",
    "lifelike",
    "skin",
    "old",
    "man",
    "latex",
    "hood",
    "disguise",
]
SIGNALS_ON = '{"evasion_claim": true, "made_to_order": false, "off_platform_contact": false}'
SIGNALS_OFF = '{"evasion_claim": false, "made_to_order": false, "off_platform_contact": false}'


def rows(
    n: int, flagged_every: int, events: int, dialect: str
) -> dict[str, Callable[[], Iterator[tuple]]]:
    """Row generators per table, in the column order of COLUMNS."""
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def at(i: int) -> object:
        moment = start + timedelta(seconds=i * 7)
        return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else moment

    flagged = range(flagged_every, n + 1, flagged_every)  # listing ids with a flag and a case
    rng = random.Random(1)

    def sites():
        for s in range(1, SITES + 1):
            yield s, f"site{s}.example", at(0)

    def sellers():
        for k in range(
            1, SELLERS + 1
        ):  # seller k sells on the site of listings i with i % SELLERS == k - 1
            yield k, 1 + (k - 1) % SITES, f"seller{k - 1}", f"seller{k - 1}", at(0)

    def listings():
        for i in range(1, n + 1):
            site = 1 + i % SITES
            yield (
                i,
                site,
                f"https://site{site}.example/p/{i}",
                at(i),
                at(i),
                i,
                "live",
                1 + i % SELLERS,
            )

    def versions():
        for i in range(1, n + 1):
            title = " ".join(rng.choices(WORDS, k=6)) + f" {i}"
            yield (
                i,
                i,
                f"{i:064x}",
                at(i),
                title,
                "lifelike full head mask, hand made",
                "129.00",
                "USD",
                f"seller{i % 5000}",
                "[]",
                "en",
            )

    def classifications():
        for i in range(1, n + 1):
            hit = i % flagged_every == 0
            score = 0.6 + (i % 400) / 1000 if hit else 0.05
            label = "realistic_face_mask" if hit else "benign"
            yield (
                i,
                i,
                "bench-1",
                label,
                score,
                "{}",
                hit,
                SIGNALS_ON if hit and i % 3 == 0 else SIGNALS_OFF,
                "[]",
                0.5,
                at(i),
            )

    def reviews_():
        for k, i in enumerate(flagged, start=1):
            decided = k <= events
            status = ("confirmed" if k % 3 else "dismissed") if decided else "open"
            yield (
                k,
                i,
                status,
                0.6 + (i % 400) / 1000 + (1.0 if i % 3 == 0 else 0),
                at(i),
                at(i),
                i,
                "flag",
                1 + i % SELLERS,  # the listing's seller (triggers keep it; COPY skips them)
            )

    def events_():
        for k in range(1, min(events, len(flagged)) + 1):
            yield k, k, "bench", at(n + k), "open", "confirmed" if k % 3 else "dismissed"

    return {"sites": sites, "sellers": sellers, "listings": listings, "listing_versions": versions,
            "classifications": classifications, "reviews": reviews_, "review_events": events_}  # fmt: skip


COLUMNS = {
    "sites": "id, name, created_at",
    "sellers": "id, site_id, name, key, first_seen_at",
    "listings": "id, site_id, url, first_seen_at, last_seen_at, current_version_id, status, seller_id",
    "listing_versions": "id, listing_id, content_hash, seen_at, title, description, price, currency, "
    "seller, images, language",
    "classifications": "id, listing_version_id, model_version, label, score, scores, flagged, signals, "
    "reasons, threshold, created_at",
    "reviews": "id, listing_id, status, priority, opened_at, updated_at, classification_id, source, "
    "seller_id",
    "review_events": "id, review_id, reviewer, at, from_status, to_status",
}


def load(engine: Engine, n: int, flagged_every: int, events: int) -> float:
    """Bulk-load every table; returns seconds. Foreign keys are checked after, not per row."""
    began = time.perf_counter()
    generators = rows(n, flagged_every, events, engine.dialect.name)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute("BEGIN")
            for table, columns in COLUMNS.items():
                marks = ", ".join("?" * len(columns.split(",")))
                raw.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", generators[table]()
                )
            raw.execute("COMMIT")
            raw.execute("ANALYZE")
        else:
            pg = raw.driver_connection
            with pg.cursor() as cursor:
                cursor.execute(
                    "SET session_replication_role = replica"
                )  # no FK triggers while loading
                for table, columns in COLUMNS.items():
                    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in generators[table]():
                            copy.write_row(row)
                cursor.execute("SET session_replication_role = DEFAULT")
                for table in COLUMNS:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT max(id) FROM {table}))")  # fmt: skip
            pg.commit()
            pg.autocommit = True
            pg.execute("VACUUM ANALYZE")
            pg.autocommit = False
    finally:
        raw.close()
    return time.perf_counter() - began


def best_ms(engine: Engine, query: Callable[[Session], object], repeat: int) -> float:
    times = []
    for _ in range(repeat + 1):
        with Session(engine) as session:
            began = time.perf_counter()
            query(session)
            times.append((time.perf_counter() - began) * 1000)
    return min(times[1:])


@contextmanager
def seller_index_before_0008(engine: Engine) -> Iterator[None]:
    """Listings indexed on seller_id alone (as before migration 0008) while inside."""
    swap = [("DROP INDEX ix_listings_seller_id_id",
             "CREATE INDEX ix_listings_seller_id ON listings (seller_id)"),
            ("DROP INDEX ix_listings_seller_id",
             "CREATE INDEX ix_listings_seller_id_id ON listings (seller_id, id)")]  # fmt: skip
    analyze = "ANALYZE listings" if engine.dialect.name == "postgresql" else "ANALYZE"
    for step, (drop, create) in enumerate(swap):
        with engine.begin() as connection:
            connection.exec_driver_sql(drop)
            connection.exec_driver_sql(create)
            connection.exec_driver_sql(analyze)
        if step == 0:
            yield


CONFIRMED = "('confirmed', 'actioned', 'removed')"


def seller_counts_0007(session: Session) -> object:
    """The two counts of db.sellers.ranking's first step as 0007 ran them (via listings)."""
    confirmed = dict(session.execute(text(
        "SELECT l.seller_id, count(*) FROM reviews r JOIN listings l ON l.id = r.listing_id"
        f" WHERE r.status IN {CONFIRMED} AND l.seller_id IS NOT NULL GROUP BY l.seller_id"
    )).all())  # fmt: skip
    return session.execute(text(
        "SELECT l.seller_id, count(*) FROM listings l JOIN reviews r ON r.listing_id = l.id"
        " WHERE l.seller_id IN :ids AND r.source = 'flag' GROUP BY l.seller_id"
    ).bindparams(bindparam("ids", expanding=True)), {"ids": sorted(confirmed)}).all()  # fmt: skip


def seller_counts_0008(session: Session) -> object:
    """The same two counts as 0008 runs them (reviews.seller_id)."""
    confirmed = dict(session.execute(text(
        f"SELECT seller_id, count(*) FROM reviews WHERE status IN {CONFIRMED}"
        " AND seller_id IS NOT NULL GROUP BY seller_id"
    )).all())  # fmt: skip
    return session.execute(text(
        "SELECT seller_id, count(*) FROM reviews WHERE source = 'flag' AND seller_id IN :ids"
        " GROUP BY seller_id"
    ).bindparams(bindparam("ids", expanding=True)), {"ids": sorted(confirmed)}).all()  # fmt: skip


def seller_query() -> Callable[[Session], object] | None:
    try:
        from maskscreen.db.sellers.ranking import rank_sellers
    except ImportError:
        return None
    return lambda session: rank_sellers(session, limit=50)


def export_rate(engine: Engine, read=export.export_rows) -> tuple[int, float]:
    with Session(engine) as session, session.begin():
        began = time.perf_counter()
        count = sum(1 for _ in read(session))
        return count, count / (time.perf_counter() - began)


CHILD = """
import resource, sys
from maskscreen.cli.main import cli
try:
    cli(sys.argv[1:], prog_name="maskscreen")
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def export_process(url: str) -> tuple[float, float]:
    """`maskscreen export --format jsonl` as its own process: wall seconds and max RSS in MB."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, "export", "--format", "jsonl", "--db", url],
                          check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    seconds = time.perf_counter() - began
    return seconds, int(done.stderr.split()[-1]) / 1024


def run(url: str, args: argparse.Namespace) -> dict:
    engine = make_engine(url)
    migrate.upgrade(engine)
    seconds = load(engine, args.n, args.flagged_every, args.events)
    figures: dict[str, object] = {"backend": engine.dialect.name, "listings": args.n,
                                  "load_s": round(seconds, 1)}  # fmt: skip
    figures["flagged_first_page_ms"] = best_ms(
        engine, lambda s: store.query_flagged(s, limit=50), args.repeat
    )
    figures["review_next_ms"] = best_ms(
        engine, lambda s: reviews.review_queue(s, limit=1), args.repeat
    )
    sellers = seller_query()
    if sellers is None:
        print("note: no db.sellers.rank_sellers: sellers skipped", file=sys.stderr)
    else:
        figures["sellers_first_page_ms"] = best_ms(engine, sellers, args.repeat)
        # What 0008 changed, in the same run: counting each seller's confirmed and
        # flagged cases through listings on 0007's index, against reviews.seller_id.
        figures["sellers_counts_ms"] = best_ms(engine, seller_counts_0008, args.repeat)
        with seller_index_before_0008(engine):
            figures["sellers_counts_ms_before"] = best_ms(engine, seller_counts_0007, args.repeat)
    count, rate = export_rate(engine)
    figures.update(export_rows=count, export_rows_per_s=round(rate))
    # Before, in the same run on the same data: the read as it was before migration 0008
    # (PostgreSQL: one query through a server-side cursor) on an engine reading JSON
    # with the standard library, as engines did.
    plain = create_engine(url, json_serializer=jsontext.dumps)
    before_read = export.export_rows_cursor if plain.dialect.name == "postgresql" else None
    _, before = export_rate(plain, before_read or export.export_rows)
    plain.dispose()
    figures["export_rows_per_s_before"] = round(before)
    wall, rss = export_process(url)
    figures.update(export_cli_s=round(wall, 2), export_cli_max_rss_mb=round(rss, 1))
    engine.dispose()
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="listings (default 1,000,000)")
    parser.add_argument(
        "--flagged-every", type=int, default=20, help="one listing in this many is flagged"
    )
    parser.add_argument("--events", type=int, default=20_000, help="review events (decisions)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for_each_backend(args.backend, lambda url: run(url, args))


def for_each_backend(backend: str, run_one) -> None:
    """Print `run_one(url)` as JSON for a scratch database of each backend asked for
    (sqlite | postgresql | both), each made empty and removed afterwards."""
    for name in ["sqlite", "postgresql"] if backend == "both" else [backend]:
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                print(json.dumps(run_one(f"sqlite:///{folder}/bench.sqlite")), flush=True)
            continue
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        database = f"maskscreen_bench_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        try:
            url = make_url(PG_ADMIN).set(database=database).render_as_string(hide_password=False)
            print(json.dumps(run_one(url)), flush=True)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
