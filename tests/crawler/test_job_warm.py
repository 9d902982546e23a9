"""A crawl job that follows links warms its model once before the crawl (warm_model):
the canary texts, once per model and process; a one-page crawl is not warmed, and a
model that fails to warm is left to fail in the crawl's batches, where it is counted.
The collector is paused while the canaries run and resumed after, also when they fail."""

from __future__ import annotations

import gc
import subprocess
import sys

from maskscreen.classifier.model import CANARIES
from maskscreen.crawler.jobs.job import CrawlJob, warm_model
from maskscreen.crawler.jobs.plan import CrawlPlan


class RecordingModel:
    version = "recording"

    def __init__(self):
        self.calls: list[list] = []
        self.collecting: list[bool] = []  # gc.isenabled() at each call

    def predict(self, texts):
        self.calls.append(list(texts))
        self.collecting.append(gc.isenabled())
        return []


class BrokenModel:
    version = "broken"

    def __init__(self):
        self.calls = 0

    def predict(self, texts):
        self.calls += 1
        assert not gc.isenabled()
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


def test_the_collector_is_paused_while_the_model_warms_and_resumed_after():
    assert gc.isenabled()
    model = RecordingModel()
    prepared(model)
    assert model.collecting == [False]
    assert gc.isenabled()


def test_a_collector_paused_before_the_warm_up_stays_paused():
    gc.disable()
    try:
        model = RecordingModel()
        prepared(model)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_one_page_crawl_does_not_warm_the_model():
    model = RecordingModel()
    prepared(model, follow=False)
    assert model.calls == []


def test_a_model_that_fails_to_warm_does_not_stop_the_crawl_and_is_tried_again():
    model = BrokenModel()
    prepared(model)
    assert gc.isenabled()
    warm_model(model)
    assert model.calls == 2


def test_no_model_nothing_to_warm():
    warm_model(None)


def test_a_crawl_that_stores_imports_the_store_before_it_starts(tmp_path):
    """In a fresh process (this one has imported the store already): a job with an engine,
    prepared, has the modules its first batch would otherwise import mid-crawl."""
    script = f"""
import sys
from maskscreen.db.migrate import open_database
from maskscreen.crawler.jobs.job import CrawlJob
from maskscreen.crawler.jobs.plan import CrawlPlan
engine = open_database("sqlite:///{tmp_path / "store.sqlite"}")
plan = CrawlPlan(via="html", start_urls=["https://shop.example/"], follow=False,
                 resume=False, lease=False)
before = "maskscreen.db.store" in sys.modules
assert CrawlJob(plan, engine=engine, model=None).prepare()
print(before, "maskscreen.db.store" in sys.modules, "maskscreen.db.evidence" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True", "True"]
