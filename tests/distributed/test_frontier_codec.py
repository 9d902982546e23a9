"""Requests cross the Redis frontier as JSON: a round trip keeps them whole."""

import pickle

import pytest
from scrapy import Request, Spider
from scrapy.utils.request import request_from_dict

from maskscreen.crawler.jobs import frontier_codec


class Shop(Spider):
    name = "shop"

    def parse_product(self, response):
        pass


def test_a_request_survives_the_round_trip():
    spider = Shop()
    request = Request(
        "http://127.0.0.1/p/1?q=面具", callback=spider.parse_product, method="POST",
        body=b"\x00\xffbinary", headers={"X-Token": "abc"}, meta={"depth": 2, "tags": ["a"]},
        priority=5, dont_filter=True, cb_kwargs={"page": 3},
    )  # fmt: skip
    data = frontier_codec.dumps(request.to_dict(spider=spider))
    assert isinstance(data, str) and "%E9%9D%A2" in data  # URLs arrive escaped
    back = request_from_dict(frontier_codec.loads(data), spider=spider)
    assert back.url == request.url and back.body == b"\x00\xffbinary"
    assert back.callback == spider.parse_product and back.method == "POST"
    assert back.headers.get("X-Token") == b"abc"
    assert back.meta == {"depth": 2, "tags": ["a"]} and back.cb_kwargs == {"page": 3}
    assert back.priority == 5 and back.dont_filter


def test_a_pickle_in_the_queue_is_not_run():
    with pytest.raises(ValueError):
        frontier_codec.loads(pickle.dumps({"url": "http://x"}))


def test_meta_that_json_cannot_carry_is_refused_when_queued():
    with pytest.raises(TypeError, match="JSON only"):
        frontier_codec.dumps({"url": "http://x", "meta": {"obj": object()}})
