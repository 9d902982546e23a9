"""Evidence, edits and re-checks through the pipelines and the spider, without a reactor."""

from __future__ import annotations

import gzip
import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.crawler.demo.pages import jsonld_tag
from maskscreen.crawler.items import Listing, ListingCheck, PageEvidence
from maskscreen.crawler.pipelines import ClassifyStorePipeline, RecheckPipeline
from maskscreen.crawler.removal import removal_reason
from maskscreen.crawler.spiders.recheck import RecheckSpider
from maskscreen.db import evidence, rechecks, reviews
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Classification, CrawlRun, Evidence, ListingVersion, Review
from maskscreen.db.models import Listing as ListingRow

DANGEROUS = "Custom silicone face mask made from your photos, passes face recognition, WhatsApp us"
HARMLESS = "Hydrating aloe sheet mask, 10 sheets"
URL = "https://shop.example/p/1"
NOW = datetime(2026, 11, 26, tzinfo=UTC)


def make_listing(title: str, url: str = URL, body: bytes | None = None) -> Listing:
    page = None if body is None else PageEvidence(url, 200, "text/html", body, NOW)
    return Listing(
        url=url,
        site="shop.example",
        title=title,
        description="text",
        price=Decimal("12.50"),
        currency="USD",
        evidence=page,
    )


def crawl_into(url: str, *listings: Listing) -> None:
    crawler = get_crawler(
        settings_dict={"MASKSCREEN_DATABASE_URL": url, "MASKSCREEN_SITE": "shop.example"}
    )
    crawler.stats.open_spider()
    pipeline = ClassifyStorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for listing in listings:
        pipeline.process_item(listing)
    pipeline.close_spider()
    pipeline.spider_closed(None, "finished")  # the run closed, the lease released


def count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def database(tmp_path):
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    engine = open_database(url)
    yield url, engine
    engine.dispose()


def test_evidence_is_kept_for_flagged_listings_only(database):
    url, engine = database
    crawl_into(
        url,
        make_listing(DANGEROUS, body=b"<html>dangerous</html>"),
        make_listing(HARMLESS, url="https://shop.example/p/2", body=b"<html>ok</html>"),
    )
    crawl_into(url, make_listing(DANGEROUS, body=b"<html>dangerous</html>"))  # unchanged
    with Session(engine) as session:
        [kept] = session.scalars(select(Evidence)).all()
        assert kept.sha256 == hashlib.sha256(b"<html>dangerous</html>").hexdigest()
        assert gzip.decompress(kept.body) == b"<html>dangerous</html>"
        assert (kept.url, kept.http_status, kept.fetched_at) == (URL, 200, NOW)
        assert count(session, ListingVersion) == 2 and count(session, Classification) == 2


def test_flagged_listing_edited_to_look_harmless_stays_under_review(database):
    url, engine = database
    crawl_into(url, make_listing(DANGEROUS, body=b"<html>v1</html>"))
    crawl_into(url, make_listing(HARMLESS, body=b"<html>v2</html>"))
    with Session(engine) as session:
        assert count(session, ListingVersion) == 2  # a new version...
        verdicts = session.scalars(select(Classification.flagged).order_by(Classification.id)).all()
        assert verdicts == [True, False]  # ...with a new verdict
        [case] = session.scalars(select(Review)).all()
        assert case.status == "open"  # the case is not closed
        [edit] = rechecks.check_history(session, case.listing_id)
        assert edit["outcome"] == "changed" and "not flagged" in edit["note"]
        assert count(session, Evidence) == 1  # the page kept at flag time survives


def check(
    listing_id: int, outcome: str | None, listing: Listing | None = None, **kw
) -> ListingCheck:
    return ListingCheck(
        listing_id=listing_id,
        site="shop.example",
        url=URL,
        outcome=outcome,
        http_status=kw.pop("status", 200),
        checked_at=NOW,
        listing=listing,
        **kw,
    )


def recheck_into(url: str, *items: ListingCheck) -> dict:
    crawler = get_crawler(settings_dict={"MASKSCREEN_DATABASE_URL": url})
    crawler.stats.open_spider()
    pipeline = RecheckPipeline.from_crawler(crawler)
    pipeline.open_spider()
    for item in items:
        pipeline.process_item(item)
    pipeline.close_spider()
    return crawler.stats.get_stats()


def test_recheck_records_live_changed_and_removed(database):
    url, engine = database
    crawl_into(url, make_listing(DANGEROUS), make_listing(DANGEROUS, url=URL + "0"))
    with Session(engine) as session:
        first, second = session.scalars(select(ListingRow.id).order_by(ListingRow.id)).all()
    stats = recheck_into(url, check(first, None, make_listing(DANGEROUS)))
    assert stats["maskscreen/recheck/live"] == 1
    stats = recheck_into(
        url,
        check(first, None, make_listing(DANGEROUS + " Now 2 colours.")),
        check(second, "removed", status=404, note="HTTP 404"),
    )
    assert (stats["maskscreen/recheck/changed"], stats["maskscreen/recheck/removed"]) == (1, 1)
    with Session(engine) as session:
        assert [c["outcome"] for c in rechecks.check_history(session, first)] == ["live", "changed"]
        assert count(session, ListingVersion, ListingVersion.listing_id == first) == 2
        assert count(session, Classification) == 3
        gone = session.get(ListingRow, second)
        assert gone.status == "removed" and gone.removed_at is not None
        assert [t.listing_id for t in rechecks.recheck_targets(session)] == [first]
        assert count(session, Evidence) == 0  # no pages attached in this test


@pytest.mark.parametrize(
    ("status", "final_url", "text", "removed"),
    [
        (404, URL, "", True),
        (410, URL, "", True),
        (200, "https://shop.example/", "Welcome", True),
        (200, "https://shop.example/search?q=silicone+mask", "Results", True),
        (200, "https://shop.example/catalogsearch/result", "Results", True),
        (200, "https://shop.example/p/1-new-name", "Mask", False),
        (200, URL, "Sorry, this item is NO LONGER   AVAILABLE.", True),
        (200, URL, "很抱歉，该商品已下架", True),
        (200, URL, "商品已失效", True),
        (200, URL, "该商品已删除", True),
        (200, URL, "Realistic silicone mask, in stock", False),
    ],
)
def test_removal_reason(status, final_url, text, removed):
    assert (removal_reason(status, URL, final_url, text) is not None) is removed


def respond(body: str, status: int = 200, url: str = URL, redirected_from: str | None = None):
    meta = {"target": {"listing_id": 7, "site": "shop.example", "url": URL}}
    if redirected_from:
        meta["redirect_urls"] = [redirected_from]
    request = Request(url, meta=meta)
    return HtmlResponse(url, status=status, body=body.encode(), encoding="utf-8", request=request)


PRODUCT = jsonld_tag(
    {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Mask",
        "offers": {"@type": "Offer", "price": "9.00", "priceCurrency": "USD"},
    }
)


@pytest.mark.parametrize(
    ("response", "outcome", "has_listing"),
    [
        (respond("<h1>gone</h1>", status=404), "removed", False),
        (
            respond("<h1>Home</h1>", url="https://shop.example/", redirected_from=URL),
            "removed",
            False,
        ),
        (respond("<h1>该商品已下架</h1>"), "removed", False),
        (respond(f"<head>{PRODUCT}</head><h1>Mask</h1>"), None, True),
        # Boilerplate beside a live product is not a removal notice.
        (
            respond(
                f"<head>{PRODUCT}</head><h1>Mask</h1><footer>Items no longer available "
                "are refunded.</footer>"
            ),
            None,
            True,
        ),
        (respond("<h1>Welcome back</h1>"), "live", False),
    ],
)
def test_recheck_spider_says_what_it_saw(response, outcome, has_listing):
    [seen] = RecheckSpider(targets=[]).parse(response)
    assert (seen.listing_id, seen.url, seen.http_status) == (7, URL, response.status)
    assert seen.outcome == outcome
    assert (seen.listing is not None) is has_listing
    if outcome == "removed":
        assert seen.note


def test_evidence_body_round_trips(database):
    url, engine = database
    crawl_into(url, make_listing(DANGEROUS, body="<html>面具</html>".encode()))
    with Session(engine) as session:
        listing_id = session.scalars(select(ListingRow.id)).one()
        [row] = evidence.evidence_for_listing(session, listing_id)
        assert evidence.evidence_body(session, row.id).decode() == "<html>面具</html>"


def test_recheck_moves_the_cases_of_removed_listings(database):
    url, engine = database
    urls = [URL + str(n) for n in range(4)]
    crawl_into(url, *(make_listing(DANGEROUS, url=u) for u in urls))
    with Session(engine) as session, session.begin():
        ids = session.scalars(select(ListingRow.id).order_by(ListingRow.id)).all()
        case = {lid: session.scalars(select(Review.id).where(Review.listing_id == lid)).one()
                for lid in ids}  # fmt: skip
        reviews.decide(session, case[ids[0]], "confirmed", reviewer="ana")
        reviews.decide(session, case[ids[1]], "confirmed", reviewer="ana")
        reviews.decide(session, case[ids[1]], "actioned", reviewer="ana", note="takedown sent")
        reviews.decide(session, case[ids[3]], "dismissed", reviewer="ana")
        versions = {lid: session.get(Review, case[lid]).version for lid in ids}
    recheck_into(url, *(check(lid, "removed", status=404, note="HTTP 404") for lid in ids))
    with Session(engine) as session:
        status = {lid: session.get(Review, case[lid]).status for lid in ids}
        assert status == {ids[0]: "removed", ids[1]: "removed", ids[2]: "open",
                          ids[3]: "dismissed"}  # fmt: skip
        for lid in ids[:3]:
            last = reviews.review_history(session, case[lid])[-1]
            assert last.reviewer == reviews.SYSTEM_REVIEWER and "HTTP 404" in last.note
            assert session.get(Review, case[lid]).version == versions[lid] + 1
        last = reviews.review_history(session, case[ids[2]])[-1]
        assert (last.from_status, last.to_status) == ("open", "open")
        assert "removed" in last.note
        assert reviews.review_history(session, case[ids[3]])[-1].to_status == "dismissed"


def test_recheck_writes_a_crawl_run_per_site(database):
    url, engine = database
    crawl_into(
        url,
        make_listing(DANGEROUS),
        make_listing(DANGEROUS, url=URL + "0"),
        make_listing(DANGEROUS, url=URL + "1"),
    )
    with Session(engine) as session:
        first, second, third = session.scalars(select(ListingRow.id).order_by(ListingRow.id))
    targets = [{"listing_id": lid, "site": "shop.example", "url": URL} for lid in
               (first, second, third)]  # fmt: skip
    crawler = get_crawler(RecheckSpider, settings_dict={"MASKSCREEN_DATABASE_URL": url})
    spider = RecheckSpider.from_crawler(crawler, targets=targets)
    crawler.spider = spider
    crawler.stats.open_spider()
    spider.unreachable["shop.example"] += 1  # the third page could not be fetched
    pipeline = RecheckPipeline.from_crawler(crawler)
    pipeline.open_spider(spider)
    pipeline.process_item(check(first, None, make_listing(DANGEROUS + " Two colours.")))
    pipeline.process_item(check(second, "removed", status=404, note="HTTP 404"))
    pipeline.close_spider(spider)
    pipeline.spider_closed(spider, "finished")
    with Session(engine) as session:
        run = session.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run.command == "maskscreen recheck" and run.status == "finished"
        assert run.kind == "recheck"  # not counted as a crawl by run-due or the monitors
        assert (run.pages, run.listings, run.changed, run.unchanged, run.errors) == (2, 3, 1, 0, 1)
        assert run.finished_at is not None


def test_recheck_spider_reads_a_profiled_site_with_its_selectors():
    page = respond('<h1 class="t">硅胶面具</h1><span class="p">￥88.00</span>')
    selectors = {"title": "css:h1.t::text", "price": "css:span.p::text", "currency": "CNY"}
    [plain] = RecheckSpider(targets=[]).parse(page)
    assert (plain.outcome, plain.listing) == ("live", None)  # no structured data: unread
    spider = RecheckSpider(targets=[], selectors={"shop.example": selectors})
    [seen] = spider.parse(page)
    assert seen.outcome is None and seen.listing.title == "硅胶面具"
    assert (seen.listing.price, seen.listing.source_format) == (Decimal("88.00"), "css")


def test_prepare_recheck_finds_the_selectors_of_profiled_sites(database, tmp_path):
    from maskscreen.crawler.jobs.recheck import RecheckPlan, prepare_recheck
    from maskscreen.db.migrate import open_database

    url, _ = database
    crawl_into(url, make_listing(DANGEROUS))
    sites = tmp_path / "sites"
    sites.mkdir()
    (sites / "shop.toml").write_text(
        'name = "shop.example"\nbase_url = "https://shop.example"\n'
        '[extract]\ntitle = "css:h1::text"\n',
        "utf-8",
    )
    engine = open_database(url)
    try:
        plan = RecheckPlan(sites_dir=str(sites))
        prepared = prepare_recheck(engine, plan)
    finally:
        engine.dispose()
    assert prepared.selectors == {"shop.example": {"title": "css:h1::text"}}
    assert prepared.spider_kwargs()["targets"][0]["site"] == "shop.example"
    assert plan.default_command() == "maskscreen recheck"
