"""The network policy: http(s) only, no private addresses unless allowed (crawler/network.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from maskscreen.crawler.network import NetworkPolicy, NetworkPolicyError, parse_networks

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared (carrier-grade NAT)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "not-an-address",
    ],
)
def test_private_and_special_addresses_are_refused_by_default(address):
    assert not NetworkPolicy().address_allowed(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_are_allowed(address):
    assert NetworkPolicy().address_allowed(address)


def test_an_allowed_network_opens_only_itself():
    policy = NetworkPolicy(parse_networks("127.0.0.0/8, ::1/128"))
    assert policy.address_allowed("127.0.0.1")
    assert policy.address_allowed("::1")
    assert policy.address_allowed("::ffff:127.0.0.1")
    assert not policy.address_allowed("10.0.0.1")


def test_a_bad_network_is_named():
    with pytest.raises(NetworkPolicyError, match="'10.0.0.0/33'"):
        parse_networks("127.0.0.0/8,10.0.0.0/33")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "blocked_scheme"),
        ("file://shop.example/etc/passwd", "blocked_scheme"),
        ("ftp://shop.example/x", "blocked_scheme"),
        ("data:text/html,<b>x</b>", "blocked_scheme"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://[::1]:8080/", "blocked_address"),
        ("http://10.0.0.5/admin", "blocked_address"),
        ("https://shop.example/p/1", None),  # a name: checked when it is resolved
        ("http://93.184.216.34/", None),
    ],
)
def test_refusal_names_the_reason(url, reason):
    refused = NetworkPolicy().refusal(url)
    assert (refused[0] if refused else None) == reason


@pytest.mark.slow
def test_a_hostile_shop_cannot_reach_files_or_private_addresses(tmp_path):
    out = tmp_path / "hostile.json"
    subprocess.run(
        [sys.executable, "-m", "tests.crawler.crawl_hostile", str(out)],
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
    )
    result = json.loads(out.read_text("utf-8"))
    assert result["private_hits"] == []  # nothing ever reached 127.0.0.1
    assert any(url.endswith("/good") for url in result["seen"])  # the shop itself is crawled
    assert "/good" in result["shop_hits"]
    assert not any(url.startswith(("file:", "ftp:")) for url in result["seen"])
    dropped = result["dropped"]
    assert dropped["maskscreen/dropped/blocked_scheme"] == 3  # file (x2), ftp
    # by address, by name (localhost), after the redirect and after the meta refresh
    assert dropped["maskscreen/dropped/blocked_address"] == 4


def test_a_detection_probe_refuses_a_private_host(monkeypatch, caplog):
    import logging

    from maskscreen.crawler.jobs import plan

    monkeypatch.delenv("MASKSCREEN_ALLOW_NETWORKS", raising=False)
    prober = plan._Prober("http://127.0.0.1:9/", "ua", "maskscreen", False, 2.0)
    with caplog.at_level(logging.WARNING, logger="maskscreen.crawler.jobs.plan"):
        assert prober.get("robots.txt", check_robots=False) is None
    assert "not probing http://127.0.0.1:9/robots.txt" in caplog.text  # refused, not tried


def test_a_gzip_bomb_is_not_inflated_by_the_sitemap_probe():
    import gzip

    from maskscreen.crawler.jobs.plan import _looks_like_sitemap

    bomb = gzip.compress(b"<urlset>" + b"\0" * (64 * 1024 * 1024))  # 64 MB inflated, ~64 kB sent
    assert _looks_like_sitemap(bomb)  # the head says sitemap; the rest is never inflated
    assert not _looks_like_sitemap(gzip.compress(b"\0" * (64 * 1024 * 1024)))


def test_a_slow_body_is_cut_at_the_probes_total_time():
    from maskscreen.crawler.jobs.plan import _read_bounded

    class Trickle:  # one byte at a time, for ever
        def read1(self, n):
            import time

            time.sleep(0.05)
            return b"x"

    with pytest.raises(TimeoutError):
        _read_bounded(Trickle(), 0.3)
