"""A listing that breaks the classifier takes none of its neighbours with it: the batch
is retried row by row, the bad row is a classify_failed drop with its URL, and the run
is failed (a loss beyond the allowed share, none by default). In process: the one fault
injected by a classifier that raises on a marked row."""

from __future__ import annotations

from decimal import Decimal

from scrapy.utils.test import get_crawler
from sqlalchemy.orm import Session

from maskscreen.classifier.model import load_model
from maskscreen.crawler.items import Listing
from maskscreen.crawler.pipelines import ClassifyStorePipeline
from maskscreen.db import runs as run_rows
from tests.faults.checks import drops, listing_count, stored_urls

POISON = "\ufdd0 breaks the classifier"


class PoisonedModel:
    """The shipped model, except that a text with POISON makes the whole batch raise."""

    def __init__(self):
        self.model = load_model()
        self.version = self.model.version

    def predict(self, texts):
        if any(POISON in (text.get("title") or "") for text in texts):
            raise ValueError("a row the classifier cannot take")
        return self.model.predict(texts)


def test_one_bad_row_is_isolated_and_recorded(database_url):
    crawler = get_crawler(settings_dict={
        "MASKSCREEN_DATABASE_URL": database_url, "MASKSCREEN_SITE": "poisoned.example",
        "MASKSCREEN_BATCH_SIZE": 5,
    })  # fmt: skip
    crawler.stats.open_spider()
    pipeline = ClassifyStorePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.model = PoisonedModel()
    for i in range(7):
        title = POISON if i == 2 else f"Realistic silicone face mask number {i}"
        pipeline.process_item(Listing(url=f"https://poisoned.example/p/{i}", site="poisoned.example",
                                      title=title, price=Decimal("10"), currency="USD"))  # fmt: skip
    pipeline.close_spider()
    crawler.stats.set_value("maskscreen/pages", 7)
    crawler.stats.set_value("finish_reason", "finished")
    pipeline.spider_closed(None, "finished")

    assert listing_count(database_url) == 6  # every neighbour stored, once
    assert len(stored_urls(database_url)) == len(set(stored_urls(database_url)))
    from maskscreen.db import open_database

    engine = open_database(database_url)
    with Session(engine) as session:
        row = run_rows.run_row(session, pipeline.run_id)
        kept = run_rows.run_drops(session, pipeline.run_id)
    engine.dispose()
    assert row["status"] == "failed" and "lost 1 of 7 listings" in row["status_reason"]
    assert row["dropped"] == {"classify_failed": 1} and row["new"] == 6
    assert [(d["reason"], d["url"]) for d in kept] == [
        ("classify_failed", "https://poisoned.example/p/2")]  # fmt: skip
    assert "ValueError" in kept[0]["detail"]
    assert drops(database_url, pipeline.run_id)[0]["url"] == "https://poisoned.example/p/2"
