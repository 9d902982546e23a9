"""The wheel carries what an installed maskscreen needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_migrations_model_patterns_corpus_and_demo(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    wheel, = tmp_path.glob("maskscreen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "db/migrations/env.py",
        "db/migrations/script.py.mako",
        "db/migrations/versions/0001_initial.py",
        "classifier/model/model.skops",
        "classifier/model/runtime.npz",
        "classifier/model/metrics.json",
        "classifier/model/MODEL.md",
        "classifier/data/test_split.txt",
        "classifier/patterns/signals.json",
        "classifier/GUIDELINES.md",
        "crawler/demo/products.jsonl",
        "cli/main.py",
    ):
        assert required in names, required
    assert any(n.startswith("classifier/data/corpus_") and n.endswith(".jsonl") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "maskscreen = cli.main:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
