"""Analyst queries on SQLite and PostgreSQL: export, per site and day, precision, miss rate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from maskscreen.db import analytics, export, rechecks
from maskscreen.db.models import Review, utcnow
from tests.db.analytics_data import HOSTILE_SELLER, HOSTILE_TITLE, seed


def test_export_streams_flagged_listings_with_review_status(session: Session) -> None:
    ids = seed(session)
    rows = list(export.export_rows(session))
    assert [r["listing_id"] for r in rows] == [ids[n] for n in (1, 2, 3, 4, 7)]
    assert list(rows[0]) == list(export.EXPORT_COLUMNS)
    by_id = {r["listing_id"]: r for r in rows}
    assert by_id[ids[1]]["review_status"] == "removed"
    assert by_id[ids[1]]["label"] == "custom_face_copy"
    assert by_id[ids[4]]["review_status"] == "open"
    assert by_id[ids[7]]["title"] == HOSTILE_TITLE and by_id[ids[7]]["review_source"] == "flag"


@pytest.mark.parametrize("chunk", [1, 2, 5, 1000])
def test_export_pages_return_every_row_once(session: Session, chunk: int) -> None:
    seed(session)
    everything = [r["listing_id"] for r in export.export_rows(session)]
    assert [r["listing_id"] for r in export.export_rows(session, chunk=chunk)] == everything


def test_export_filters(session: Session) -> None:
    ids = seed(session)

    def listed(**filters):
        return {r["listing_id"] for r in export.export_rows(session, **filters)}

    assert listed(site="market") == {ids[7]}
    assert listed(status="dismissed") == {ids[2]}
    assert listed(status="none") == set()
    assert listed(label="custom_face_copy") == {ids[1], ids[7]}
    assert listed(since=utcnow() + timedelta(hours=1)) == set()
    assert len(listed(since=utcnow() - timedelta(hours=1))) == 5


def test_unknown_site_is_named(session: Session) -> None:
    seed(session)
    analytics.check_site(session, "shop")
    with pytest.raises(
        analytics.UnknownSiteError, match="unknown site 'nowhere' .known: market, shop"
    ):
        analytics.check_site(session, "nowhere")


def test_site_days_count_flags_decisions_and_removals(session: Session) -> None:
    seed(session)
    days = analytics.site_days(session)
    totals = {
        site: {k: sum(getattr(d, k) for d in days if d.site == site)
               for k in ("flagged", "confirmed", "dismissed", "removed")}
        for site in ("shop", "market")
    }  # fmt: skip
    # Audit cases are decisions too: shop confirmed 1, 3 and audit 5; market 7, dismissed audit 8.
    assert totals["shop"] == {"flagged": 4, "confirmed": 3, "dismissed": 1, "removed": 1}
    assert totals["market"] == {"flagged": 1, "confirmed": 1, "dismissed": 1, "removed": 1}
    medians = {d.site: d.median_hours_to_removal for d in days if d.median_hours_to_removal}
    assert medians == {"shop": pytest.approx(4.0), "market": pytest.approx(2.0)}
    assert days == sorted(days, key=lambda d: d.day, reverse=True)


def test_crawled_counts_crawls_not_recheck_visits(session: Session) -> None:
    from maskscreen.db import runs

    site_id = runs.get_or_create_site(session, "quiet")
    counts = {"pages": 10, "listings": 10, "new": 10}
    for kind, seen in (("crawl", 10), ("recheck", 4)):
        run_id = runs.start_crawl_run(session, site_id, command=kind, kind=kind)
        runs.finish_crawl_run(session, run_id, status="finished",
                              counts={**counts, "listings": seen}, dropped={})  # fmt: skip
    assert [n for s, _, n in analytics.crawled_by_day(session, site="quiet")] == [10]


def test_site_days_since_and_site(session: Session) -> None:
    seed(session)
    assert analytics.site_days(session, since=utcnow() + timedelta(minutes=1)) == []
    assert {d.site for d in analytics.site_days(session, site="market")} == {"market"}


def test_removal_delays_run_from_confirmation_to_removal(session: Session) -> None:
    seed(session)
    delays = analytics.removal_delays(session)
    assert sorted((d.site, round(d.hours, 3)) for d in delays) == [("market", 2.0), ("shop", 4.0)]


def test_time_to_removal_both_ways_names_each_start(session: Session) -> None:
    now = utcnow()
    ids = seed(session, now)
    # Cases opened 12 h ago. Listing 1 (confirmed 10 h ago) and listing 4 (never
    # confirmed) seen removed 6 h ago; market's 7 removed after confirmation only.
    session.execute(update(Review).values(opened_at=now - timedelta(hours=12)))
    rechecks.mark_removed(session, [ids[1], ids[4]], at=now - timedelta(hours=6))
    rows = {r.site: r.as_row() for r in analytics.removal_both_ways(session)}
    assert rows["shop"] == {"site": "shop", "removed": 2, "hours_from_flag": 6.0,
                            "confirmed_removed": 1, "hours_from_confirmation": 4.0}  # fmt: skip
    assert rows["market"] == {"site": "market", "removed": 0, "hours_from_flag": None,
                              "confirmed_removed": 1, "hours_from_confirmation": 2.0}  # fmt: skip
    assert list(rows["shop"]) == analytics.REMOVAL_COLUMNS
    # The period holds removals seen at or after `since`, measured both ways.
    recent = analytics.removal_both_ways(session, since=now - timedelta(hours=3))
    assert [(r.site, r.removed, r.confirmed_removed) for r in recent] == [("market", 0, 1)]
    assert [r.site for r in analytics.removal_both_ways(session, site="shop")] == ["shop"]


def test_precision_per_model_version_counts_decided_flags(session: Session) -> None:
    seed(session)
    rows = {d.key: d for d in analytics.precision_by_model(session)}
    # m1: 1 confirmed (now removed), 2 dismissed. m2: 3 actioned, 7 removed; 4 still open.
    assert (rows[("m1",)].confirmed, rows[("m1",)].dismissed, rows[("m1",)].share) == (1, 1, 0.5)
    assert (rows[("m2",)].confirmed, rows[("m2",)].dismissed, rows[("m2",)].share) == (2, 0, 1.0)


def test_miss_rate_per_site_and_language_comes_from_audit_cases(session: Session) -> None:
    seed(session)
    rows = {d.key: (d.confirmed, d.decided, d.share) for d in analytics.miss_rate(session)}
    assert rows == {("market", "zh"): (0, 1, 0.0), ("shop", "en"): (1, 1, 1.0)}


def test_outcomes_and_top_sellers(session: Session) -> None:
    seed(session)
    assert analytics.outcomes(session) == {"removed": 2, "dismissed": 1, "actioned": 1, "open": 1}
    sellers = analytics.top_sellers(session)
    assert [(s.site, s.seller, s.flagged, s.confirmed) for s in sellers] == [
        ("shop", "maskmaker", 4, 2),
        ("market", HOSTILE_SELLER, 1, 1),
    ]
