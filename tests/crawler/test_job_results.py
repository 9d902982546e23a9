"""What a crawl job holds until it ends: a stored crawl hands each listing on and keeps
none (they are in the database); a crawl that stores nothing (`check`) keeps them all."""

from __future__ import annotations

from sqlalchemy import create_engine

from maskscreen.crawler.jobs.job import CrawlJob
from maskscreen.crawler.jobs.plan import CrawlPlan


def collect_three(engine) -> tuple[CrawlJob, list]:
    handed_on: list = []
    plan = CrawlPlan(via="html", start_urls=["https://shop.example/"])
    job = CrawlJob(plan, engine=engine, model=None, on_result=handed_on.append)
    for number in range(3):
        job._collect({"url": f"https://shop.example/p/{number}"}, None, "new")
    return job, handed_on


def test_a_stored_crawl_hands_each_listing_on_and_keeps_none():
    engine = create_engine("sqlite://")
    job, handed_on = collect_three(engine)
    engine.dispose()
    assert [r.listing["url"] for r in handed_on] == [
        f"https://shop.example/p/{n}" for n in range(3)
    ]
    assert job.results == []


def test_a_crawl_that_stores_nothing_keeps_every_listing_for_its_caller():
    job, handed_on = collect_three(None)
    assert [r.listing["url"] for r in job.results] == [r.listing["url"] for r in handed_on]
    assert len(job.results) == 3


def crawler_job(engine, on_result=None) -> CrawlJob:
    """A job whose crawler is made (not run), as a crawl makes it."""
    from scrapy.crawler import CrawlerRunner

    from maskscreen.crawler.jobs.job import crawl_settings

    plan = CrawlPlan(via="html", start_urls=["https://shop.example/"], resume=False)
    job = CrawlJob(plan, engine=engine, model=None, on_result=on_result)
    job.create(CrawlerRunner(crawl_settings()))
    return job


def classify(job: CrawlJob, url: str) -> None:
    from maskscreen.crawler.jobs.runs import listing_classified

    job.crawler.signals.send_catch_log(
        signal=listing_classified, listing={"url": url}, verdict=None, status="new"
    )


def test_the_pipeline_signal_reaches_a_caller_that_asked_and_a_crawl_that_stores_nothing():
    engine = create_engine("sqlite://")
    handed_on: list = []
    stored = crawler_job(engine, handed_on.append)
    classify(stored, "https://shop.example/p/1")
    unstored = crawler_job(None)
    classify(unstored, "https://shop.example/p/2")
    quiet = crawler_job(engine)  # stored, nobody asked: nothing collected
    classify(quiet, "https://shop.example/p/3")
    engine.dispose()
    assert [r.listing["url"] for r in handed_on] == ["https://shop.example/p/1"]
    assert stored.results == []
    assert [r.listing["url"] for r in unstored.results] == ["https://shop.example/p/2"]
    assert quiet.results == []
