"""Throughput of the shipped model with its pinned signal patterns and with another
pattern file swapped in (what a retrain on that file would cost in matching), in one
process, rounds interleaved.

    python bench/evasion_speed.py OLD_PATTERNS NEW_PATTERNS [--n 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from pathlib import Path

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    corpus = [e.text for e in load_corpus()]
    texts = [f"{corpus[i % len(corpus)]} {i}" for i in range(args.n)]
    models = {}
    for name, path in (("old", args.old), ("new", args.new)):
        model = load_model()
        spec = model.runtime.concepts
        model.runtime.concepts = dataclasses.replace(spec, signals=Path(path).read_text("utf-8"))
        # the verdicts' matcher too, as a model trained on the file would pin it (else the
        # reasons search every listing again: a side whose file is the model's own would not)
        object.__setattr__(model, "matcher", model.runtime.concepts.matchers()[1])
        model.predict(texts[:2000])  # warm: compile the patterns
        models[name] = model
    cpu = {name: [] for name in models}
    for _ in range(args.rounds):
        for name, model in models.items():
            start = time.process_time()
            for at in range(0, len(texts), 1000):
                model.predict(texts[at : at + 1000])
            cpu[name].append(len(texts) / (time.process_time() - start))
    for name, rates in cpu.items():
        print(
            f"{name}: {statistics.median(rates):,.0f} listings per CPU-second {[round(r) for r in rates]}"
        )  # noqa: T201


if __name__ == "__main__":
    main()
