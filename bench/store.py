"""Store write throughput: listings per second, each with its version and classification.

Writes N synthetic listings into a fresh SQLite file through the store API
(upsert_listings + record_classifications, one transaction per batch), then the
same rows through raw sqlite3 ``executemany`` upserts into the same schema, and
prints both. A second store pass re-sights every listing unchanged (a re-crawl).

    python bench/store.py            # N = 20000, batches of 500, best of 5
    python bench/store.py 50000 --batch 1000 --repeat 9

Times are the best of --repeat interleaved runs (five by default, as timeit does): the
machine is shared, and its speed swings by up to a factor of two from minute to minute.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from maskscreen.db import migrate, store
from maskscreen.db.session import make_engine

WORDS = [
    "silicone",
    "realistic",
    "human",
    "face",
    "mask",
    "handmade",
    "custom",
    "lifelike",
    "skin",
    "wrinkle",
    "male",
    "female",
    "old",
    "young",
    "halloween",
    "costume",
    "party",
    "latex",
    "full",
    "head",
    "hair",
    "eyes",
    "disguise",
    "photo",
    "real",
]


def make_records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    records = []
    for i in range(n):
        records.append(
            {
                "url": f"https://shop.example/products/{i}-{rng.randrange(10**9)}",
                "site": "bench",
                "external_id": str(i),
                "title": " ".join(rng.choices(WORDS, k=8)),
                "description": " ".join(rng.choices(WORDS, k=60)),
                "price": Decimal(rng.randrange(500, 90000)) / 100,
                "currency": "USD",
                "seller": f"seller{rng.randrange(500)}",
                "seller_url": None,
                "brand": None,
                "images": [f"https://cdn.example/{i}/{k}.jpg" for k in range(3)],
                "language": "en",
                "category": "masks",
                "availability": "InStock",
                "fetched_at": now,
                "source_format": "jsonld",
            }
        )
    return records


def make_verdict(i: int) -> dict[str, Any]:
    flagged = i % 10 == 0
    score = 0.93 if flagged else 0.04
    return {
        "label": "realistic_face_mask" if flagged else "benign",
        "score": score,
        "scores": {"realistic_face_mask": score, "custom_face_copy": 0.01, "benign": 1 - score},
        "flagged": flagged,
        "signals": {
            "evasion_claim": flagged,
            "made_to_order": False,
            "off_platform_contact": False,
        },
        "reasons": ["realistic", "silicone"] if flagged else [],
        "model_version": "bench-1",
        "threshold": 0.5,
        "lexicon_version": "lex-1",
    }


def through_store(
    path: Path, records: list[dict[str, Any]], verdicts: list[dict[str, Any]], batch: int
) -> tuple[float, float]:
    """Seconds for a first crawl and for a re-crawl with nothing changed."""
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    # Once, as the crawler's pipeline does in open_spider (and the raw run before its clock).
    with Session(engine) as session, session.begin():
        site_id = store.get_or_create_site(session, "bench")
    timings = []
    for _ in range(2):  # first crawl, then a re-crawl where nothing changed
        start = time.perf_counter()
        for lo in range(0, len(records), batch):
            with Session(engine) as session, session.begin():
                results = store.upsert_listings(session, site_id, records[lo : lo + batch])
                store.record_classifications(
                    session,
                    [(r.version_id, verdicts[lo + k]) for k, r in enumerate(results)],
                )
        timings.append(time.perf_counter() - start)
    engine.dispose()
    return timings[0], timings[1]


RAW_LISTING = (
    "INSERT INTO listings (site_id, url, external_id, first_seen_at, last_seen_at, content_hash,"
    " status) VALUES (?, ?, ?, ?, ?, ?, 'live') ON CONFLICT (url) DO UPDATE SET"
    " last_seen_at = excluded.last_seen_at, content_hash = excluded.content_hash"
)
RAW_IDS = "SELECT url, id FROM listings WHERE url IN ({marks})"
RAW_VERSION = (
    "INSERT INTO listing_versions (listing_id, content_hash, seen_at, title, description, price,"
    " currency, seller, seller_url, brand, images, language, category, availability,"
    " source_format, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (listing_id, content_hash) DO NOTHING"
)
RAW_VERSION_IDS = "SELECT listing_id, id FROM listing_versions WHERE listing_id IN ({marks})"
RAW_CURRENT = "UPDATE listings SET current_version_id = ? WHERE id = ?"
RAW_CLASSIFICATION = (
    "INSERT INTO classifications (listing_version_id, model_version, label, score, scores,"
    " flagged, signals, reasons, threshold, lexicon_version, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (listing_version_id, model_version) DO NOTHING"
)


def through_raw_sqlite3(
    path: Path, records: list[dict[str, Any]], verdicts: list[dict[str, Any]], batch: int
) -> float:
    """The same rows with plain sqlite3 executemany: a ceiling, not a rival design.

    It skips what the store does beyond the rows (statuses, review cases, duplicate URLs).
    """
    migrate.upgrade(f"sqlite:///{path}")
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("INSERT INTO sites (id, name, created_at) VALUES (1, 'bench', '2026-01-01')")
    start = time.perf_counter()
    for lo in range(0, len(records), batch):
        chunk, chunk_verdicts = records[lo : lo + batch], verdicts[lo : lo + batch]
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
        hashes = [store.content_hash(r) for r in chunk]
        marks = ",".join("?" * len(chunk))
        conn.execute("BEGIN")
        conn.executemany(
            RAW_LISTING,
            [
                (1, r["url"], r["external_id"], now, now, h)
                for r, h in zip(chunk, hashes, strict=False)
            ],
        )
        ids = dict(conn.execute(RAW_IDS.format(marks=marks), [r["url"] for r in chunk]))
        conn.executemany(RAW_VERSION, [
            (ids[r["url"]], h, now, r["title"], r["description"], float(r["price"]),
             r["currency"], r["seller"], r["seller_url"], r["brand"], json.dumps(r["images"]),
             r["language"], r["category"], r["availability"], r["source_format"],
             r["fetched_at"].replace(tzinfo=None).isoformat(" "))
            for r, h in zip(chunk, hashes, strict=False)
        ])  # fmt: skip
        version_of = dict(conn.execute(RAW_VERSION_IDS.format(marks=marks), list(ids.values())))
        conn.executemany(RAW_CURRENT, [(vid, lid) for lid, vid in version_of.items()])
        conn.executemany(RAW_CLASSIFICATION, [
            (version_of[ids[r["url"]]], v["model_version"], v["label"], v["score"],
             json.dumps(v["scores"]), v["flagged"], json.dumps(v["signals"]),
             json.dumps(v["reasons"]), v["threshold"], v["lexicon_version"], now)
            for r, v in zip(chunk, chunk_verdicts, strict=False)
        ])  # fmt: skip
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=20000, help="listings (default 20000)")
    parser.add_argument("--batch", type=int, default=500, help="listings per transaction")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each; the best is shown")
    args = parser.parse_args()
    records = make_records(args.n)
    verdicts = [make_verdict(i) for i in range(args.n)]
    runs = []
    for _ in range(args.repeat):  # interleaved, fresh files each time
        with tempfile.TemporaryDirectory() as tmp:
            first, again = through_store(Path(tmp) / "store.sqlite", records, verdicts, args.batch)
            raw = through_raw_sqlite3(Path(tmp) / "raw.sqlite", records, verdicts, args.batch)
        runs.append((first, again, raw))
    first, again, raw = (min(column) for column in zip(*runs, strict=True))
    n = args.n
    print(f"{n} listings, batches of {args.batch}, SQLite (WAL, synchronous=NORMAL), "
          f"best of {args.repeat}")  # fmt: skip
    print(f"store API, first crawl : {n / first:10,.0f} listings/s  ({first:.2f} s)")
    print(f"store API, re-crawl    : {n / again:10,.0f} listings/s  ({again:.2f} s, all unchanged)")
    print(f"raw sqlite3 executemany: {n / raw:10,.0f} listings/s  ({raw:.2f} s)")
    print(f"store / raw            : {raw / first:10.2f}")


if __name__ == "__main__":
    main()
