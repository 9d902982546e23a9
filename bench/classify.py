"""Listings per second for the loaded model, one process.

    python bench/classify.py [--n 20000] [--batch 1000] [--model DIR]

Input: the corpus texts cycled to N listings (each made unique by a number),
so the mix of English, Chinese, short titles and long descriptions is the
corpus's own. Prints batched throughput and, for contrast, one listing per call.
"""

from __future__ import annotations

import argparse
import time

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--single", type=int, default=500, help="listings for the one-per-call figure"
    )
    parser.add_argument("--model", default=None)
    args = parser.parse_args()

    examples = load_corpus()
    items = [
        {"title": f"{e.title} #{i}", "description": e.description}
        for i, e in zip(
            range(args.n), (examples[i % len(examples)] for i in range(args.n)), strict=False
        )
    ]
    started = time.perf_counter()
    model = load_model(args.model)
    loaded = time.perf_counter()
    model.predict(items[:10])  # warm up: spaCy and jieba load lazily
    print(
        f"model {model.version} loaded in {loaded - started:.2f} s, "
        f"warm {time.perf_counter() - loaded:.2f} s later"
    )

    started, cpu = time.perf_counter(), time.process_time()
    flagged = 0
    for start in range(0, len(items), args.batch):
        flagged += sum(v.flagged for v in model.predict(items[start : start + args.batch]))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"batched ({args.batch} a call): {len(items)} listings in {elapsed:.2f} s = {len(items) / elapsed:,.0f} listings/s "
        f"({len(items) / cpu:,.0f} per CPU-second; {flagged} flagged)"
    )

    started = time.perf_counter()
    for item in items[: args.single]:
        model.predict([item])
    elapsed = time.perf_counter() - started
    print(
        f"one per call: {args.single} listings in {elapsed:.2f} s = {args.single / elapsed:,.0f} listings/s"
    )


if __name__ == "__main__":
    main()
