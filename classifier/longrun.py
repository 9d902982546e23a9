"""A process that classifies batch after batch (`maskscreen classify` and its workers,
bench/classify.py): the model warmed once and the garbage collector kept out of the way.

A batch makes hundreds of thousands of short-lived lists, tuples and dicts, nearly all
freed by reference counting as soon as they are used; with Python's default thresholds
the collector still walks the young ones every 700 allocations and, now and then, every
object alive (the model's patterns, the token caches). bench/longrun.py alternates the
settings in one process (corpus, batches of 1000); on a loaded two-core machine, listings
per CPU-second with the defaults -> frozen after loading with a young generation of 50,000:
2,131 -> 2,919 in one run, 2,311 -> 2,623 in another. Verdicts are the same: only when
cycles are freed changes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# (young generation, collections of it before the middle one, of that before the oldest)
GC_THRESHOLDS = (50_000, 20, 10)


def prepare_for_batches(model) -> None:
    """Warm `model` (every pattern compiled, both tokenizers loaded: the canary texts are
    in several languages; scipy's sigmoid, which batches use, imported), then freeze what
    is alive (gc.freeze: never walked again) and raise the collector's thresholds.
    Process-wide: for the edge of a long run to call."""
    warm(model)
    # A batch of more than runtime.SMALL_EXPIT sigmoid inputs imports scipy.special (0.11-0.13 s):
    # at the first batch of the run otherwise, where it is counted against that batch and
    # allocates after the freeze below.
    from scipy.special import expit  # noqa: F401

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def warm(model) -> None:
    """Classify the model's canary texts (spaCy, jieba, every pattern and cache loaded on
    first use, in several languages) with the collector paused: what the warm-up makes
    (about 190,000 objects) lives as long as the process, and with the default thresholds
    it set off some 170 passes over every object (0.10-0.15 s of CPU, against 0.04 s for
    the one young pass after). A collector paused before stays paused; errors propagate."""
    from maskscreen.classifier.model import CANARIES

    collecting = gc.isenabled()
    gc.disable()
    try:
        model.predict(list(CANARIES))
    finally:
        if collecting:
            gc.enable()


@contextmanager
def frozen(*, collect: bool = False, young: int | None = None) -> Iterator[None]:
    """While the block runs: what is alive now (a loaded model, the imported modules) kept
    out of the collector's passes (gc.freeze; with `collect`, after one full pass, so no
    garbage is frozen), the young generation's threshold raised to at least `young`;
    afterwards the thresholds restored and the objects handed back (gc.unfreeze)."""
    thresholds = gc.get_threshold()
    if collect:
        gc.collect()
    gc.freeze()
    if young is not None:
        gc.set_threshold(max(thresholds[0], young), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
