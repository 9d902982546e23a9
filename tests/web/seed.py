"""A store with flagged listings, review cases, evidence, a run and the four kinds of account.

Listing text is hostile on purpose: a title and a kept page carry script and
event-handler payloads and a reference to a non-loopback host; a title starts with =.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from maskscreen.db import accounts, evidence, runs, store
from tests.db.factories import make_listing, make_verdict

PASSWORD = "correct horse 7"
ACCOUNTS = {"ana": "reviewer", "bob": "reviewer", "carol": "analyst", "root": "admin"}
OUTSIDE = "198.51.100.7"  # TEST-NET-2: a host no test may reach
HOSTILE_TITLE = (
    '<script>alert("title")</script><img src="http://198.51.100.7/t.png" onerror="alert(1)">'
    " Realistic silicone old man face mask"
)
HOSTILE_PAGE = (
    b"<!doctype html><html><head><script>alert('evidence')</script>"
    b'<link rel="stylesheet" href="http://198.51.100.7/s.css"></head><body>'
    b'<h1 onmouseover="alert(3)">Silicone mask</h1>'
    b'<img src="http://198.51.100.7/p.png" onerror="alert(2)">'
    b'<iframe src="http://198.51.100.7/"></iframe>'
    b'<form action="http://198.51.100.7/"><input name="q"></form>'
    b"<script src='http://198.51.100.7/x.js'></script></body></html>"
)
FORMULA_TITLE = '=HYPERLINK("http://198.51.100.7/","click") silicone face mask'


@dataclass
class Seeded:
    cases: dict[str, int] = field(default_factory=dict)  # listing url -> review case id
    hostile_case: int = 0
    formula_case: int = 0
    token: str = ""  # carol's (analyst) API token


def seed(engine: Engine, listings: int = 8) -> Seeded:
    """Flagged listings 1..n (listing 1 hostile, listing 2 starting with =), one case each,
    the hostile page kept as evidence, a finished run, users and carol's token."""
    seeded = Seeded()
    with Session(engine) as session, session.begin():
        site_id = store.get_or_create_site(session, "shop")
        run_id = runs.start_crawl_run(session, site_id, command="test")
        records = []
        for n in range(1, listings + 1):
            overrides = {}
            if n == 1:
                overrides = {
                    "title": HOSTILE_TITLE,
                    "description": "<b onclick=alert(4)>lifelike</b> passes face ID",
                }
            elif n == 2:
                overrides = {"title": FORMULA_TITLE}
            records.append(make_listing(n, **overrides))
        results = store.upsert_listings(session, site_id, records)
        verdicts = []
        for n, result in enumerate(results, 1):
            signals = {
                "evasion_claim": n == 1,
                "made_to_order": False,
                "off_platform_contact": n == 3,
            }
            verdicts.append(
                (result.version_id,
                 make_verdict(score=round(0.99 - n * 0.01, 2), signals=signals,
                              reasons=["evasion claim: 'passes face ID'", "'silicone'"]))
            )  # fmt: skip
        store.record_classifications(session, verdicts)
        evidence.record_evidence(session, [{
            "listing_version_id": results[0].version_id, "url": records[0]["url"],
            "http_status": 200, "content_type": "text/html; charset=utf-8",
            "body": HOSTILE_PAGE, "fetched_at": datetime(2026, 5, 1, 12, tzinfo=UTC),
        }])  # fmt: skip
        counts = {"pages": listings, "listings": listings, "new": listings, "flagged": listings}
        runs.finish_crawl_run(session, run_id, status="finished", counts=counts, dropped={})
        for name, role in ACCOUNTS.items():
            accounts.add_user(session, name, role, PASSWORD)
        seeded.token = accounts.create_token(session, "carol")[1]
    with Session(engine) as session:
        from maskscreen.db import reviews

        for case in reviews.review_queue(session, limit=1000):
            seeded.cases[case.url] = case.review_id
    seeded.hostile_case = seeded.cases["https://shop.example/products/1"]
    seeded.formula_case = seeded.cases.get("https://shop.example/products/2", 0)
    return seeded
