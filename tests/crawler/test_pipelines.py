"""Item pipelines without a reactor: normalise, classify, store in batches, roll back."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.crawler.items import Listing
from maskscreen.crawler.pipelines import (
    ClassifyStorePipeline,
    NormalizePipeline,
    listing_classified,
)
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Classification, ListingVersion, Review
from maskscreen.db.models import Listing as ListingRow

DANGEROUS = "Custom silicone face mask made from your photos, passes face recognition, WhatsApp us"
HARMLESS = "Hydrating aloe sheet mask, 10 sheets"


def make_listing(**overrides) -> Listing:
    fields = {
        "url": "https://shop.example/p/1",
        "site": "shop.example",
        "title": "  A   title ",
        "description": "text",
        "price": Decimal("12.50"),
        "currency": "usd",
    }
    fields.update(overrides)
    return Listing(**fields)


def make_pipeline(database_url, batch_size=2):
    crawler = get_crawler(
        settings_dict={
            "MASKSCREEN_DATABASE_URL": database_url,
            "MASKSCREEN_STORE": database_url is not None,
            "MASKSCREEN_SITE": "shop.example",
            "MASKSCREEN_BATCH_SIZE": batch_size,
        }
    )
    crawler.stats.open_spider()
    pipeline = ClassifyStorePipeline.from_crawler(crawler)
    seen = []

    def collect(listing, verdict, status):
        seen.append((listing, verdict, status))

    crawler.signals.connect(collect, signal=listing_classified)
    pipeline.open_spider()
    return pipeline, crawler, seen, collect


def test_normalize_tidies_and_uppercases_currency():
    crawler = get_crawler()
    crawler.stats.open_spider()
    item = NormalizePipeline.from_crawler(crawler).process_item(make_listing())
    assert item.title == "A title" and item.currency == "USD" and item.fetched_at is not None


def test_normalize_drops_untitled_listing_and_counts_it():
    crawler = get_crawler()
    crawler.stats.open_spider()
    with pytest.raises(DropItem):
        NormalizePipeline.from_crawler(crawler).process_item(make_listing(title="   "))
    assert crawler.stats.get_value("maskscreen/dropped/no_title") == 1


def test_without_database_verdicts_are_announced_not_stored():
    pipeline, _, seen, _keep = make_pipeline(None, batch_size=10)
    pipeline.process_item(make_listing(title=DANGEROUS))
    assert seen == []  # buffered until the batch fills or the spider closes
    pipeline.close_spider()
    ((_listing, verdict, status),) = seen
    assert status == "unstored" and verdict.flagged and verdict.signals["made_to_order"]


def test_batches_are_stored_and_unchanged_listings_not_reclassified(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    pipeline, crawler, seen, _keep = make_pipeline(url)
    pipeline.process_item(make_listing(url="https://shop.example/p/1", title=DANGEROUS))
    pipeline.process_item(make_listing(url="https://shop.example/p/2", title=HARMLESS))
    pipeline.process_item(make_listing(url="https://shop.example/p/1", title=DANGEROUS))
    pipeline.close_spider()
    pipeline.spider_closed(None, "finished")
    assert [s for _, _, s in seen] == ["new", "new", "unchanged"]
    assert seen[2][1] is None  # already classified by this model version
    assert crawler.stats.get_value("maskscreen/flagged") == 1
    engine = open_database(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ListingRow)) == 2
        assert session.scalar(select(func.count()).select_from(ListingVersion)) == 2
        assert session.scalar(select(func.count()).select_from(Classification)) == 2
        assert session.scalar(select(func.count()).select_from(Review)) == 1
    engine.dispose()


def test_a_failing_batch_rolls_back_and_is_counted(tmp_path, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from maskscreen.db import store

    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    pipeline, crawler, seen, _keep = make_pipeline(url)

    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(store, "record_classifications", broken)
    pipeline.process_item(make_listing(url="https://shop.example/p/1", title=DANGEROUS))
    pipeline.process_item(make_listing(url="https://shop.example/p/2", title=HARMLESS))
    assert crawler.stats.get_value("maskscreen/dropped/store_failed") == 2
    assert seen == []
    pipeline.spider_closed(None, "finished")
    engine = open_database(url)
    with Session(engine) as session:  # the listings of the failed batch are not half there
        assert session.scalar(select(func.count()).select_from(ListingRow)) == 0
        assert session.scalar(select(func.count()).select_from(ListingVersion)) == 0
    engine.dispose()


class BrokenModel:
    version = "broken"

    def predict(self, texts):
        raise RuntimeError("model fault")

    def __getattr__(self, name):
        raise RuntimeError("model fault")


def test_a_classifier_fault_rolls_the_batch_back_and_is_counted(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    pipeline, crawler, seen, _keep = make_pipeline(url, batch_size=10)
    pipeline.model = BrokenModel()
    pipeline.process_item(make_listing(url="https://shop.example/p/1", title=DANGEROUS))
    pipeline.process_item(make_listing(url="https://shop.example/p/2", title=HARMLESS))
    pipeline.close_spider()  # no exception escapes: the crawl goes on
    pipeline.spider_closed(None, "finished")
    assert crawler.stats.get_value("maskscreen/dropped/classify_failed") == 2
    assert seen == []
    with Session(open_database(url)) as session:
        assert session.scalar(select(func.count()).select_from(ListingRow)) == 0


def test_a_crawl_without_a_job_takes_the_sites_lease_and_is_monitored(tmp_path):
    """`scrapy crawl` and Scrapyd: the pipeline's context from the settings holds the
    lease of the site while it runs, and the run is checked by the monitors at the end."""
    from maskscreen.crawler.jobs.resume import CrawlBusy
    from maskscreen.db.runs import run_row

    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    first, crawler, _, _keep = make_pipeline(url)
    with pytest.raises(CrawlBusy):
        make_pipeline(url)  # a second crawl of the site, while the first runs
    first.process_item(make_listing(url="https://shop.example/p/1", title=DANGEROUS))
    first.close_spider()
    crawler.stats.set_value("maskscreen/pages", 1)  # the page the listing came from
    crawler.stats.set_value("finish_reason", "finished")
    first.spider_closed(None, "finished")
    second, _, _, _keep2 = make_pipeline(url)  # the lease is free again
    second.spider_closed(None, "finished")
    engine = open_database(url)
    with Session(engine) as session:
        row = run_row(session, first.run_id)
    engine.dispose()
    assert row["status"] == "finished" and row["monitors"]


def test_a_listing_record_is_a_copy_its_store_cannot_change(tmp_path):
    listing = make_listing(images=["https://shop.example/a.jpg"])
    record = listing.to_record()
    expected = {k: v for k, v in dataclasses.asdict(listing).items() if k != "evidence"}
    assert record == expected
    record["images"].append("https://shop.example/b.jpg")
    assert listing.images == ["https://shop.example/a.jpg"]


def test_stored_verdicts_are_the_verdicts_the_classifier_gave(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    pipeline, _, seen, _keep = make_pipeline(url)
    pipeline.process_item(make_listing(url="https://shop.example/p/1", title=DANGEROUS))
    pipeline.process_item(make_listing(url="https://shop.example/p/2", title=HARMLESS))
    pipeline.close_spider()
    pipeline.spider_closed(None, "finished")
    engine = open_database(url)
    with Session(engine) as session:
        for listing, verdict, _status in seen:
            row = session.scalars(
                select(Classification)
                .join(ListingVersion)
                .join(ListingRow, ListingRow.id == ListingVersion.listing_id)
                .where(ListingRow.url == listing.url)
            ).one()
            given = verdict.to_dict()
            stored = {name: getattr(row, name) for name in given if hasattr(row, name)}
            assert stored.keys() >= {"label", "score", "flagged", "signals", "reasons", "concepts"}
            assert stored == {name: given[name] for name in stored}
    engine.dispose()


def test_clean_is_the_whitespace_regex_for_every_whitespace_character():
    import re
    import sys

    from maskscreen.crawler.pipelines import _clean

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch(r"\s", chr(c))]
    assert len(spaces) > 20
    for space in [*spaces, "\u200b", "\xa0\u3000", "\x1c\x1d"]:
        for text in (f"{space}a{space}{space}b{space}", space, f"a{space}", "", "a b"):
            expected = re.sub(r"\s+", " ", text).strip() or None
            assert _clean(text) == expected, repr(text)
    assert _clean(None) is None
