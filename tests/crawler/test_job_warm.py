"""A crawl job that follows links warms its model once before the crawl (warm_model):
the canary texts, once per model and process; a one-page crawl is not warmed, and a
model that fails to warm is left to fail in the crawl's batches, where it is counted."""

from __future__ import annotations

from maskscreen.classifier.model import CANARIES
from maskscreen.crawler.jobs.job import CrawlJob, warm_model
from maskscreen.crawler.jobs.plan import CrawlPlan


class RecordingModel:
    version = "recording"

    def __init__(self):
        self.calls: list[list] = []

    def predict(self, texts):
        self.calls.append(list(texts))
        return []


class BrokenModel:
    version = "broken"

    def __init__(self):
        self.calls = 0

    def predict(self, texts):
        self.calls += 1
        raise RuntimeError("model fault")


def prepared(model, follow: bool = True) -> CrawlJob:
    plan = CrawlPlan(via="html", start_urls=["https://shop.example/"], follow=follow)
    job = CrawlJob(plan, engine=None, model=model)
    assert job.prepare()
    return job


def test_a_crawl_that_follows_links_warms_its_model_once_with_the_canaries():
    model = RecordingModel()
    prepared(model)
    prepared(model)  # a second crawl in the same process: already warm
    assert model.calls == [list(CANARIES)]


def test_a_one_page_crawl_does_not_warm_the_model():
    model = RecordingModel()
    prepared(model, follow=False)
    assert model.calls == []


def test_a_model_that_fails_to_warm_does_not_stop_the_crawl_and_is_tried_again():
    model = BrokenModel()
    prepared(model)
    warm_model(model)
    assert model.calls == 2


def test_no_model_nothing_to_warm():
    warm_model(None)
