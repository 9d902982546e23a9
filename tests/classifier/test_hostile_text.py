"""One hostile character in one listing never moves its neighbours' verdicts."""

from __future__ import annotations

import pytest

from maskscreen.classifier.model import load_model
from maskscreen.classifier.normalize import normalize

NEIGHBOURS = [
    {"title": "Realistic silicone old man mask, full head, passes face ID", "description": ""},
    {"title": "Hydrating sheet mask 10 pack", "description": "hyaluronic acid"},
    {"title": "按照片定制 真人面具 可过人脸识别", "description": "加V信"},
]


@pytest.mark.parametrize("hostile", ["a\x00b", "\x00" * 50, "mask\ud800x", "x\x1b[31mred", "\x7f"])
def test_control_characters_and_lone_surrogates_become_spaces(hostile):
    folded = normalize(hostile)
    assert "\x00" not in folded and "\x1b" not in folded and "\ud800" not in folded


@pytest.mark.parametrize("hostile", ["silicone\x00mask", "\x00\x00\x00", "face\ud800mask"])
def test_a_hostile_listing_does_not_shift_its_batch(hostile):
    model = load_model()
    alone = model.predict(NEIGHBOURS)
    mixed = model.predict([NEIGHBOURS[0], {"title": hostile}, *NEIGHBOURS[1:]])
    assert len(mixed) == len(NEIGHBOURS) + 1
    kept = [mixed[0], *mixed[2:]]
    assert [(v.label, v.score) for v in kept] == [(v.label, v.score) for v in alone]
