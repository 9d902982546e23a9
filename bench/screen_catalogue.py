"""A catalogue through `maskscreen classify` (Parquet -> Parquet) and through Spark.

    python bench/screen_catalogue.py [--n 1000000] [--jobs 1,2] [--no-spark] [--dir DIR]

Input: the corpus texts cycled to N listings (each made unique by a number), in
row groups of 100,000. Each `--jobs` value runs the command in a subprocess, timed
end to end (start-up, reading, classifying, writing), with the peak resident memory
of the whole process tree (the command, its fork server and workers, summed,
sampled every 0.1 s; RSS and PSS). The first `--jobs` value is the reference for
the others: speed-up, rows/s per core. Spark runs `local[2]` on the same file
(maskscreen.classifier.spark) and its verdicts are compared, row by row, with the
first command's.

Not bench/catalogue.py (issue 16's name for it): a script's folder comes first on
sys.path, and a catalogue.py there shadows spaCy's `catalogue` package for every
script in bench/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from maskscreen.classifier.corpus import load_corpus

FIELDS = ("label", "score", "flagged", "signals", "model_version")
GROUP = 100_000


def make_input(path: Path, n: int) -> None:
    if path.exists() and pq.ParquetFile(path).metadata.num_rows == n:
        return
    examples = load_corpus()
    schema = pa.schema([("id", pa.int64()), ("title", pa.string()), ("description", pa.string())])
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for start in range(0, n, GROUP):
            ids = list(range(start, min(n, start + GROUP)))
            chosen = [examples[i % len(examples)] for i in ids]
            writer.write_table(
                pa.table(
                    {
                        "id": ids,
                        "title": [f"{e.title} #{i}" for i, e in zip(ids, chosen, strict=True)],
                        "description": [e.description for e in chosen],
                    },
                    schema=schema,
                )
            )


def tree_memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes summed over a process and all its descendants (Linux /proc).

    RSS counts the pages the fork server's children share with it once per process;
    PSS divides each shared page between its sharers: the tree's real footprint.
    """
    rss = pss = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return rss, pss


def _model_alone(n: int) -> float:
    """Seconds for the model alone on n corpus rows in batches of 1000 (after loading)."""
    from maskscreen.classifier.model import load_model

    examples = load_corpus()
    items = [{"title": f"{examples[i % len(examples)].title} #{i}",
              "description": examples[i % len(examples)].description} for i in range(n)]  # fmt: skip
    model = load_model()
    model.predict(items[:10])
    started = time.perf_counter()
    for start in range(0, n, 1000):
        model.predict(items[start : start + 1000])
    return time.perf_counter() - started


def model_ceiling(processes: int, n: int = 20_000) -> float:
    """Rows/s of `processes` copies of the model alone running at once: what this
    machine gives now (others' load included), the ceiling for the command."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        seconds = pool.map(_model_alone, [n] * processes)
    return processes * n / max(seconds)


def run_command(source: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    command = [sys.executable, "-m", "maskscreen.cli", "classify", str(source),
               "--out", str(out), "--jobs", str(jobs)]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peak_rss = peak_pss = 0
    while process.poll() is None:
        rss, pss = tree_memory(process.pid)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    stderr = process.stderr.read()
    if process.returncode != 0:
        sys.exit(f"classify --jobs {jobs} failed ({process.returncode}): {stderr}")
    return elapsed, peak_rss, peak_pss


def run_spark(source: Path, out: Path, n: int) -> tuple[float, float]:
    from pyspark.sql import SparkSession

    from maskscreen.classifier.spark import with_verdicts

    os.environ["PYSPARK_PYTHON"] = sys.executable
    started = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    ready = time.perf_counter()
    frame = with_verdicts(spark.read.parquet(str(source)))
    frame.select("id", *(f"verdict.{name}" for name in FIELDS)).write.mode("overwrite").parquet(
        str(out)
    )
    done = time.perf_counter()
    spark.stop()
    return ready - started, done - ready


def compare(cli_out: Path, spark_out: Path) -> tuple[int, int]:
    """(rows compared, rows whose verdict differs), joined on id."""
    import pandas as pd

    def load(path: Path) -> pd.DataFrame:
        table = pq.read_table(path, columns=["id", *FIELDS]).flatten()
        return table.to_pandas().set_index("id").sort_index()

    left, right = load(cli_out), load(spark_out)
    if len(left) != len(right) or not left.index.equals(right.index):
        return len(left), abs(len(left) - len(right)) or len(left)
    right = right[left.columns]
    same = (left == right).all(axis=1)
    return len(left), int((~same).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values")
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument(
        "--dir", type=Path, default=Path(tempfile.gettempdir()) / "maskscreen-bench"
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    source = args.dir / f"catalogue-{args.n}.parquet"
    started = time.perf_counter()
    make_input(source, args.n)
    print(f"input: {args.n:,} rows, {source.stat().st_size / 1e6:.0f} MB Parquet ({source}), "
          f"made in {time.perf_counter() - started:.0f} s; {os.cpu_count()} cores")  # fmt: skip

    reference = None
    outputs = {}
    all_jobs = [int(j) for j in args.jobs.split(",")]
    for processes in sorted(set(all_jobs)):
        print(f"reference: the model alone (no reading or writing) in {processes} process(es) "
              f"at once: {model_ceiling(processes):,.0f} rows/s")  # fmt: skip
    for jobs in all_jobs:
        out = args.dir / f"verdicts-jobs{jobs}.parquet"
        elapsed, peak_rss, peak_pss = run_command(source, out, jobs)
        outputs[jobs] = out
        rate = args.n / elapsed
        reference = reference or (jobs, rate)
        speedup = (
            f", {rate / reference[1]:.2f}x --jobs {reference[0]}" if jobs != reference[0] else ""
        )
        print(f"classify --jobs {jobs}: {elapsed:.1f} s = {rate:,.0f} rows/s "
              f"({rate / min(jobs, os.cpu_count() or 1):,.0f} per core{speedup}); "
              f"peak RSS {peak_rss / 2**20:,.0f} MB, PSS {peak_pss / 2**20:,.0f} MB "
              "(summed over the command and its workers)")  # fmt: skip

    if not args.no_spark:
        spark_out = args.dir / "verdicts-spark"
        start_up, elapsed = run_spark(source, spark_out, args.n)
        print(f"spark local[2]: {elapsed:.1f} s = {args.n / elapsed:,.0f} rows/s "
              f"(session start {start_up:.1f} s not counted)")  # fmt: skip
        compared, differ = compare(outputs[min(outputs)], spark_out)
        print(
            f"spark vs classify --jobs {min(outputs)}: {compared:,} rows compared, {differ:,} differ"
        )


if __name__ == "__main__":
    main()
