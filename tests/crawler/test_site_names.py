"""A site's name from its URL: one host's ports are different sites."""

from __future__ import annotations

from maskscreen.crawler.jobs.job import site_from_url


def test_ports_of_one_host_are_different_sites() -> None:
    assert site_from_url("http://127.0.0.1:8001/") == "127.0.0.1:8001"
    assert site_from_url("http://127.0.0.1:8002/shop") == "127.0.0.1:8002"
    assert site_from_url("http://127.0.0.1:8001/") != site_from_url("http://127.0.0.1:8002/")


def test_default_ports_and_www_are_left_out() -> None:
    assert site_from_url("https://www.shop.example/p/1") == "shop.example"
    assert site_from_url("https://shop.example:443/") == "shop.example"
    assert site_from_url("http://shop.example:80/") == "shop.example"
    assert site_from_url("http://shop.example:8080/") == "shop.example:8080"
