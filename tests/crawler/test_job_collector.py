"""The garbage collector while a crawl runs: long-lived objects frozen, then handed back."""

from __future__ import annotations

import gc
import weakref

import pytest

from maskscreen.crawler.jobs.job import YOUNG_GC_THRESHOLD, long_lived_frozen


class Node:
    """An object that can sit in a reference cycle."""

    def __init__(self):
        self.other = None


def test_a_crawl_freezes_what_existed_before_it_and_restores_the_collector():
    thresholds = gc.get_threshold()
    with long_lived_frozen():
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] >= YOUNG_GC_THRESHOLD
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds


def test_cycles_made_during_a_crawl_are_still_collected():
    with long_lived_frozen():
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone = weakref.ref(a)
        del a, b
        gc.collect()
        assert gone() is None


def test_a_failing_crawl_hands_the_frozen_objects_back():
    thresholds = gc.get_threshold()
    with pytest.raises(RuntimeError), long_lived_frozen():
        raise RuntimeError("the crawl failed")
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds
