"""DirectStatsCollector (crawler/stats.py): the project's STATS_CLASS keeps Scrapy's
MemoryStatsCollector's stats, reached without its per-call deprecation wrapper."""

from __future__ import annotations

from scrapy import Spider
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from maskscreen.crawler.stats import DirectStatsCollector


def test_the_project_collects_stats_with_it():
    settings = Settings()
    settings.setmodule("maskscreen.crawler.settings", priority="project")
    assert load_object(settings["STATS_CLASS"]) is DirectStatsCollector
    crawler = get_crawler(Spider, settings_dict={"STATS_CLASS": settings["STATS_CLASS"]})
    assert type(crawler.stats) is DirectStatsCollector


def test_the_same_stats_as_scrapys_collector():
    crawler = get_crawler(Spider)
    spider = Spider("shop")
    crawler.spider = spider
    results = []
    for cls in (MemoryStatsCollector, DirectStatsCollector):
        stats = cls(crawler)
        stats.open_spider()
        stats.inc_value("pages")
        stats.inc_value("pages", 2)
        stats.inc_value("bytes", 10, start=5)
        stats.set_value("run_id", 7)
        stats.max_value("depth", 3)
        stats.max_value("depth", 1)
        stats.min_value("free", 4)
        stats.min_value("free", 9)
        seen = (stats.get_value("pages"), stats.get_value("missing", "none"))
        stats.close_spider(reason="finished")
        results.append((dict(stats.get_stats()), seen, stats.spider_stats))
    assert results[0] == results[1]
    assert results[1][0] == {"pages": 3, "bytes": 15, "run_id": 7, "depth": 3, "free": 4}
    assert results[1][2] == {"shop": results[1][0]}  # kept after the spider closed


def test_no_wrapper_between_the_caller_and_the_method():
    stats = DirectStatsCollector(get_crawler(Spider))
    assert stats.inc_value.__func__ is MemoryStatsCollector.inc_value
    stats.inc_value("pages")
    assert not any(name.startswith("_cached_") for name in vars(stats))
