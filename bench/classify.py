"""Listings per second for the loaded model, one process, and the cold start of a one-off check.

    python bench/classify.py [--n 20000] [--batch 1000] [--model DIR] [--reference DIR]
                             [--baseline REV] [--rounds 3] [--cold-runs 5] [--stages]

    (--rounds 0: the cold start only; --cold-runs 0: the throughput only)

Input: the corpus texts cycled to N listings (each made unique by a number),
so the mix of English, Chinese, short titles and long descriptions is the
corpus's own. Prints batched throughput (wall and per CPU-second) and, for contrast,
one listing per call; then the wall and CPU time of `maskscreen check --text` in a
fresh process (cold start: median of the runs, compiled patterns already cached).

With --baseline REV, the maskscreen code of git revision REV (say `main`) is measured
in the same run, alike: each figure is taken in a fresh process for each side in turn
(rounds interleaved, so a change in the machine's load falls on both), and printed side
by side. With --reference DIR, the same figures for another model directory. With
--stages, the CPU time of each step of a prediction as well (in the same batched runs:
the counters cost a little, so its throughput figures read a few per cent low).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("cli", "classifier", "crawler", "db", "web")  # the folders `maskscreen` is made of
CHECK_TEXTS = [
    "Realistic silicone old man mask, full head",
    "按照片定制 真人面具 可过人脸识别 加V信",
]


def loadable(model_dir: str | None) -> str | None:
    """`model_dir`, or, for a model saved before metrics.json recorded the runtime's digest
    and canaries (which load_model refuses), a copy re-saved from its model.skops."""
    from maskscreen.classifier.model import METRICS_FILE, MODEL_FILE, _load_pipeline, save_model

    if model_dir is None:
        return None
    metrics = json.loads((Path(model_dir) / METRICS_FILE).read_text("utf-8"))
    if "runtime_sha256" in metrics:
        return model_dir
    copy = Path(tempfile.mkdtemp(prefix="maskscreen-bench-"))
    save_model(_load_pipeline(Path(model_dir) / MODEL_FILE), metrics, copy)
    print(f"({model_dir} predates integrity records: measuring a copy re-saved in {copy})")
    return str(copy)


# The steps of a prediction timed by --stages: (module, attribute as the caller reaches
# it, label). Nested steps are timed inside their caller's figure too (signals and concepts
# inside "concept features", the character rows of "TF-IDF rows" inside "character
# n-grams"); a step a revision does not have is left out.
STAGES = [
    ("runtime", "normalize", "normalise"),
    ("runtime", "concept_features", "concept features"),
    ("concepts", "ConceptMatcher.find", "  concepts"),
    ("signals", "SignalMatcher.find", "  signals"),
    ("runtime", "token_texts", "tokens"),
    ("hashing", "HashedVocabulary.analyze", "word n-grams"),
    ("hashing", "HashedVocabulary.transform", "character n-grams"),
    ("hashing", "HashedVocabulary.matrix", "TF-IDF rows"),
    ("model", "language_id.identify", "language"),
    ("model", "find_original", "quoting reasons"),
]


def timed_stages() -> dict[str, float]:
    """Wrap each step of STAGES with a CPU-time counter; returns the counters (seconds)."""
    import importlib

    spent: dict[str, float] = {}
    for module_name, path, label in STAGES:
        owner = importlib.import_module(f"maskscreen.classifier.{module_name}")
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent, None)
        function = getattr(owner, name, None)
        if function is None:
            continue

        def counted(*args, _function=function, _label=label, **kwargs):
            started = time.process_time()
            try:
                return _function(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.process_time() - started

        setattr(owner, name, counted)
        spent[label] = 0.0
    return spent


def throughput(
    model_dir: str | None, n: int, batch: int, single: int, stages: bool = False
) -> dict:
    """Measured in this process (the code that `maskscreen` imports here)."""
    from maskscreen.classifier.corpus import load_corpus
    from maskscreen.classifier.model import load_model

    examples = load_corpus()
    items = [
        {"title": f"{e.title} #{i}", "description": e.description}
        for i, e in zip(range(n), (examples[i % len(examples)] for i in range(n)), strict=False)
    ]
    started = time.perf_counter()
    model = load_model(model_dir)
    loaded = time.perf_counter()
    model.predict(items[:10])  # warm up: spaCy, jieba and the language identifier load lazily
    try:  # as `maskscreen classify` does (a revision without it: nothing)
        from maskscreen.classifier.longrun import prepare_for_batches
    except ImportError:
        pass
    else:
        prepare_for_batches(model)
    warm = time.perf_counter()
    spent = timed_stages() if stages else {}
    started_batched, cpu = time.perf_counter(), time.process_time()
    flagged = 0
    for start in range(0, len(items), batch):
        flagged += sum(v.flagged for v in model.predict(items[start : start + batch]))
    elapsed, cpu = time.perf_counter() - started_batched, time.process_time() - cpu
    per_listing = {label: seconds / len(items) * 1e6 for label, seconds in spent.items()}
    started_single = time.perf_counter()
    for item in items[:single]:
        model.predict([item])
    single_elapsed = time.perf_counter() - started_single
    return {
        "version": model.version,
        "load": loaded - started,
        "warm": warm - loaded,
        "per_second": len(items) / elapsed,
        "per_cpu_second": len(items) / cpu,
        "flagged": flagged,
        "single_per_second": single / single_elapsed,
        "stages_us": per_listing,  # CPU µs a listing per step (with --stages), batched run
    }


def baseline_tree(revision: str) -> Path:
    """A folder from which `import maskscreen` gives the code of `revision` (git archive)."""
    root = Path(tempfile.mkdtemp(prefix="maskscreen-baseline-"))
    tree = root / "tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", revision], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    package = root / "path" / "maskscreen"
    package.mkdir(parents=True)
    for name in PACKAGES:
        (package / name).symlink_to(tree / name, target_is_directory=True)
    return root / "path"


def side_env(path: Path | None) -> dict:
    env = dict(os.environ)
    if path is not None:  # ahead of the installed (editable) maskscreen
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(path), env.get("PYTHONPATH")]))
    return env


def run_throughput(path: Path | None, args, model_dir: str | None) -> dict:
    command = [sys.executable, __file__, "--worker", "--n", str(args.n),
               "--batch", str(args.batch), "--single", str(args.single)]  # fmt: skip
    if args.stages:
        command.append("--stages")
    if model_dir:
        command += ["--model", model_dir]
    out = subprocess.run(command, env=side_env(path), capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def cold_start(path: Path | None, text: str, model_dir: str | None) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one `maskscreen check --text` process."""
    command = [sys.executable, "-m", "maskscreen.cli", "check", "--text", text]
    if model_dir:
        command += ["--model", model_dir]
    before = os.times()
    started = time.perf_counter()
    subprocess.run(command, env=side_env(path), capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def measure(sides: dict[str, Path | None], args, model_dir: str | None) -> None:
    results: dict[str, list[dict]] = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, path in sides.items():
            results[name].append(run_throughput(path, args, model_dir))
    for name, runs in results.items():
        if not runs:  # --rounds 0: cold start only
            continue
        first = runs[0]
        median = {
            key: statistics.median(r[key] for r in runs)
            for key in first
            if key not in ("version", "stages_us")
        }
        print(
            f"  {name:>9}: model {first['version']} loaded in {median['load']:.2f} s, "
            f"warm {median['warm']:.2f} s later; batched ({args.batch} a call) "
            f"{median['per_second']:,.0f} listings/s, {median['per_cpu_second']:,.0f} per "
            f"CPU-second ({first['flagged']} of {args.n} flagged); one per call "
            f"{median['single_per_second']:,.0f}/s  [median of {len(runs)} processes]"
        )
    if args.stages and args.rounds:
        labels = list(dict.fromkeys(k for runs in results.values() for k in runs[0]["stages_us"]))
        print(f"  CPU µs a listing, by step (median; nested steps indented): {' / '.join(sides)}")
        for label in labels:
            figures = [
                statistics.median(r["stages_us"].get(label, float("nan")) for r in runs)
                for runs in results.values()
            ]
            print(f"    {label:<20}" + "".join(f"{f:>9.1f}" for f in figures))
    for text in CHECK_TEXTS if args.cold_runs else []:
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
        for path in sides.values():
            cold_start(path, text, model_dir)  # first run: patterns compiled and cached
        for _ in range(args.cold_runs):
            for name, path in sides.items():
                times[name].append(cold_start(path, text, model_dir))
        for name, runs in times.items():
            walls, cpus = [w for w, _ in runs], [c for _, c in runs]
            print(
                f"  {name:>9}: check --text cold start ({text[:24]}…): median "
                f"{statistics.median(walls):.2f} s wall (min {min(walls):.2f}), "
                f"{statistics.median(cpus):.2f} s CPU (min {min(cpus):.2f}), {len(runs)} runs"
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
    parser.add_argument("--baseline", default=None, metavar="REV", help="git revision to compare")
    parser.add_argument("--rounds", type=int, default=3, help="throughput processes per side")
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument(
        "--stages", action="store_true", help="time each step of a prediction as well"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(throughput(args.model, args.n, args.batch, args.single, args.stages)))
        return
    sides: dict[str, Path | None] = {"this tree": None}
    if args.baseline:
        sides = {args.baseline: baseline_tree(args.baseline), "this tree": None}
    models = [loadable(args.model)] + ([loadable(args.reference)] if args.reference else [])
    for model_dir in models:
        print(f"== {model_dir or 'shipped model'}")
        measure(sides, args, model_dir)


if __name__ == "__main__":
    main()
