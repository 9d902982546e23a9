"""Listings per second for the loaded model, one process, and the cold start of a one-off check.

    python bench/classify.py [--n 20000] [--batch 1000] [--model DIR] [--reference DIR]

Input: the corpus texts cycled to N listings (each made unique by a number),
so the mix of English, Chinese, short titles and long descriptions is the
corpus's own. Prints batched throughput (wall and per CPU-second) and, for contrast,
one listing per call; then the median wall time of `maskscreen check --text` in a
fresh process (cold start). With --reference, the same figures for another model
directory (an older model, say) in the same run, so the two are measured alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import (
    METRICS_FILE,
    MODEL_FILE,
    _load_pipeline,
    load_model,
    save_model,
)

CHECK_TEXTS = ["Realistic silicone old man mask, full head", "按照片定制 真人面具 加V信"]


def loadable(model_dir: str | None) -> str | None:
    """`model_dir`, or, for a model saved before metrics.json recorded the runtime's digest
    and canaries (which load_model refuses), a copy re-saved from its model.skops."""
    if model_dir is None:
        return None
    metrics = json.loads((Path(model_dir) / METRICS_FILE).read_text("utf-8"))
    if "runtime_sha256" in metrics:
        return model_dir
    copy = Path(tempfile.mkdtemp(prefix="maskscreen-bench-"))
    save_model(_load_pipeline(Path(model_dir) / MODEL_FILE), metrics, copy)
    print(f"({model_dir} predates integrity records: measuring a copy re-saved in {copy})")
    return str(copy)


def throughput(items, model_dir, batch: int, single: int) -> None:
    started = time.perf_counter()
    model = load_model(model_dir)
    loaded = time.perf_counter()
    model.predict(items[:10])  # warm up: spaCy, jieba and the language identifier load lazily
    print(
        f"model {model.version} loaded in {loaded - started:.2f} s, "
        f"warm {time.perf_counter() - loaded:.2f} s later"
    )
    started, cpu = time.perf_counter(), time.process_time()
    flagged = 0
    for start in range(0, len(items), batch):
        flagged += sum(v.flagged for v in model.predict(items[start : start + batch]))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"  batched ({batch} a call): {len(items)} listings in {elapsed:.2f} s = "
        f"{len(items) / elapsed:,.0f} listings/s ({len(items) / cpu:,.0f} per CPU-second; "
        f"{flagged} flagged)"
    )
    started = time.perf_counter()
    for item in items[:single]:
        model.predict([item])
    elapsed = time.perf_counter() - started
    print(
        f"  one per call: {single} listings in {elapsed:.2f} s = {single / elapsed:,.0f} listings/s"
    )


def cold_start(model_dir, runs: int) -> None:
    for text in CHECK_TEXTS:
        script = Path(sys.executable).with_name("maskscreen")  # the installed console script
        command = [str(script), "check", "--text", text]
        if model_dir:
            command += ["--model", model_dir]
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            times.append(time.perf_counter() - started)
        print(
            f"  check --text cold start ({text[:24]}…): median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, {runs} runs)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--single", type=int, default=500, help="listings for the one-per-call figure"
    )
    parser.add_argument("--model", default=None)
    parser.add_argument("--reference", default=None, help="another model directory to measure")
    parser.add_argument("--cold-runs", type=int, default=5)
    args = parser.parse_args()

    examples = load_corpus()
    items = [
        {"title": f"{e.title} #{i}", "description": e.description}
        for i, e in zip(
            range(args.n), (examples[i % len(examples)] for i in range(args.n)), strict=False
        )
    ]
    models = [loadable(args.model)] + ([loadable(args.reference)] if args.reference else [])
    for model_dir in models:
        print(f"== {model_dir or 'shipped model'}")
        throughput(items, model_dir, args.batch, args.single)
        cold_start(model_dir, args.cold_runs)


if __name__ == "__main__":
    main()
