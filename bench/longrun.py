"""Listings per CPU-second under each garbage-collector setting, in one process.

    python bench/longrun.py [--n 6000] [--batch 1000] [--rounds 4]

The settings are alternated round by round in the same process (the machine's load
falls on all of them alike): Python's defaults; the heap frozen after loading; frozen
with the thresholds of classifier/longrun.py (what `maskscreen classify` uses); the
collector off, for reference. Input as in bench/classify.py: the corpus cycled, each
title made unique by a number. Median of the rounds.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=6000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()

    from maskscreen.classifier.corpus import load_corpus
    from maskscreen.classifier.longrun import GC_THRESHOLDS
    from maskscreen.classifier.model import CANARIES, load_model

    examples = load_corpus()
    items = [
        {"title": f"{e.title} #{i}", "description": e.description}
        for i, e in enumerate(examples[i % len(examples)] for i in range(args.n))
    ]
    model = load_model()
    model.predict(list(CANARIES))
    model.predict(items)  # the token caches as full for every setting
    defaults = gc.get_threshold()
    settings = {
        "defaults": (False, defaults),
        "frozen": (True, defaults),
        "frozen + longrun thresholds": (True, GC_THRESHOLDS),
        "collector off": None,
    }
    rates: dict[str, list[float]] = {name: [] for name in settings}
    for _ in range(args.rounds):
        for name, setting in settings.items():
            gc.unfreeze()
            gc.enable()
            gc.set_threshold(*defaults)
            gc.collect()
            if setting is None:
                gc.disable()
            else:
                frozen, thresholds = setting
                if frozen:
                    gc.freeze()
                gc.set_threshold(*thresholds)
            started = time.process_time()
            for start in range(0, len(items), args.batch):
                model.predict(items[start : start + args.batch])
            rates[name].append(len(items) / (time.process_time() - started))
    gc.enable()
    for name, runs in rates.items():
        print(f"  {name:>28}: {statistics.median(runs):,.0f} listings per CPU-second "
              f"(median of {len(runs)} rounds)")  # fmt: skip


if __name__ == "__main__":
    main()
