"""prepare_for_batches (a long run's garbage-collector settings) changes no verdict."""

import json
import subprocess
import sys


def test_verdicts_before_and_after_prepare_for_batches_are_the_same():
    # in a process of its own: the settings are process-wide
    code = (
        "import gc, json\n"
        "from maskscreen.classifier.corpus import load_corpus\n"
        "from maskscreen.classifier.longrun import GC_THRESHOLDS, prepare_for_batches\n"
        "from maskscreen.classifier.model import load_model\n"
        "texts = [e.text for e in load_corpus()[::9]]\n"
        "model = load_model()\n"
        "before = [v.to_dict() for v in model.predict(texts)]\n"
        "prepare_for_batches(model)\n"
        "after = [v.to_dict() for v in model.predict(texts)]\n"
        "print(json.dumps([before == after, len(after), gc.get_threshold() == GC_THRESHOLDS,\n"
        "                  gc.get_freeze_count() > 0]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=600
    )
    same, count, thresholds, frozen = json.loads(result.stdout.splitlines()[-1])
    assert same and count > 100
    assert thresholds and frozen
