"""DebugAwareLogFormatter (crawler/middlewares.py): Scrapy's per-page and per-item DEBUG
lines are built only when a log handler would take them, and then are Scrapy's own."""

from __future__ import annotations

import logging

import pytest
from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.logformatter import LogFormatter
from scrapy.utils.test import get_crawler

from maskscreen.crawler import settings as project_settings
from maskscreen.crawler.middlewares import DebugAwareLogFormatter, takes_debug


@pytest.fixture
def chain():
    """A parent and a child logger of their own, outside logging's registry (pytest and
    the test suite hang handlers on registered ones)."""
    parent = logging.Logger("parent", logging.DEBUG)  # passes every level on, as
    parent.propagate = False  # Scrapy's root logger does
    child = logging.Logger("parent.child")
    child.parent = parent
    return parent, child


def _handler(level: int) -> logging.Handler:
    handler = logging.NullHandler()
    handler.setLevel(level)
    return handler


def test_no_handler_or_only_higher_ones_take_no_debug(chain):
    parent, child = chain
    assert not takes_debug(child)  # no handler: the last resort, WARNING and up
    parent.addHandler(_handler(logging.INFO))
    assert not takes_debug(child)


@pytest.mark.parametrize("level", [logging.DEBUG, logging.NOTSET])
def test_a_handler_up_the_chain_that_takes_debug(chain, level):
    parent, child = chain
    parent.addHandler(_handler(logging.WARNING))
    child.addHandler(_handler(level))
    assert takes_debug(child)
    assert not takes_debug(parent)


def test_a_logger_set_above_debug_takes_none(chain):
    parent, child = chain
    parent.addHandler(_handler(logging.DEBUG))
    child.setLevel(logging.INFO)
    assert not takes_debug(child)


def test_a_child_that_does_not_propagate_stops_the_search(chain):
    parent, child = chain
    parent.addHandler(_handler(logging.DEBUG))
    child.propagate = False
    assert not takes_debug(child)


def test_the_lines_are_scrapys_when_taken_and_none_otherwise(chain):
    parent, child = chain
    formatter = DebugAwareLogFormatter()
    formatter._engine = formatter._scraper = child
    spider = Spider(name="s")
    request = Request("https://shop.example/p/1")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    item = {"title": "x"}
    assert formatter.crawled(request, response, spider) is None
    assert formatter.scraped(item, response, spider) is None
    parent.addHandler(_handler(logging.DEBUG))
    scrapy_own = LogFormatter()
    assert formatter.crawled(request, response, spider) == scrapy_own.crawled(
        request, response, spider
    )
    assert formatter.scraped(item, response, spider) == scrapy_own.scraped(item, response, spider)


def test_the_project_uses_it():
    crawler = get_crawler(Spider, {"LOG_FORMATTER": project_settings.LOG_FORMATTER})
    crawler._apply_settings()
    assert isinstance(crawler.logformatter, DebugAwareLogFormatter)


def test_it_asks_the_loggers_scrapy_logs_these_lines_with():
    from scrapy.core import engine, scraper

    formatter = DebugAwareLogFormatter()
    assert formatter._engine is engine.logger
    assert formatter._scraper is scraper.logger
