"""`python -m maskscreen.classifier.train`'s figures of the evasion patterns: computed on the
training material only (never the dev set or the written test split), split by language."""

from __future__ import annotations

from maskscreen.classifier.corpus import Example
from maskscreen.classifier.grounded import in_dev
from maskscreen.classifier.signals import SignalMatcher
from maskscreen.classifier.split import load_test_ids
from maskscreen.classifier.train import signal_figures, training_material


def _example(i, language, text, claim, url=None):
    return Example(
        id=f"t{i}", language=language, family="x", title=text, description="", label="benign",
        signals={"evasion_claim": claim}, source_url=url,
    )  # fmt: skip


def test_figures_count_hits_misses_and_false_alarms_per_language():
    examples = [
        _example(1, "en", "passes face recognition, fools the camera", True),
        _example(2, "en", "soft silicone sheet mask for dry skin", False),
        _example(3, "en", "lifelike old man mask", True),  # an annotated claim no pattern reads
        _example(4, "zh", "可过人脸识别 门禁刷脸", True, url="https://example.org/a"),
    ]
    figures = signal_figures(examples, SignalMatcher.from_file(None))
    assert set(figures) == {"all", "grounded", "en", "zh"}
    assert figures["en"]["recall"] == 0.5 and figures["en"]["precision"] == 1.0
    assert figures["zh"]["recall"] == 1.0
    assert figures["grounded"]["support"] == 1
    assert figures["all"]["support"] == 3


def test_training_material_holds_neither_the_dev_set_nor_the_test_split():
    material = training_material()
    test_ids = load_test_ids()
    assert material and not any(e.id in test_ids for e in material)
    grounded = [e for e in material if e.source_url]
    assert grounded and not any(in_dev(e.source_url) or e.borderline for e in grounded)
