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
