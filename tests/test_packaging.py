"""The wheel carries what an installed maskscreen needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_migrations_model_patterns_corpus_and_demo(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("maskscreen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "maskscreen/db/migrations/env.py",
        "maskscreen/db/migrations/script.py.mako",
        "maskscreen/db/migrations/versions/0001_initial.py",
        "maskscreen/classifier/model/model.skops",
        "maskscreen/classifier/model/runtime.npz",
        "maskscreen/classifier/model/metrics.json",
        "maskscreen/classifier/model/MODEL.md",
        "maskscreen/classifier/data/test_split.txt",
        "maskscreen/classifier/patterns/signals.json",
        "maskscreen/classifier/GUIDELINES.md",
        "maskscreen/crawler/demo/products.jsonl",
        "maskscreen/cli/main.py",
        "maskscreen/web/app.py",
        "maskscreen/web/templates/case.html",
        "maskscreen/web/static/keys.js",
        "maskscreen/web/static/app.css",
    ):
        assert required in names, required
    assert any(
        n.startswith("maskscreen/classifier/data/corpus_") and n.endswith(".jsonl") for n in names
    )
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert (
        "maskscreen = maskscreen.cli.main:main"
        in zipfile.ZipFile(wheel).read(entry_points).decode()
    )
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"maskscreen"}, tops  # one installed name, nothing to collide with on PyPI
    # Every package folder of the checkout is in the wheel (the package list is explicit).
    for init in ROOT.glob("*/**/__init__.py"):
        folder = init.parent.relative_to(ROOT)
        if folder.parts[0] in ("cli", "web", "crawler", "classifier", "db"):
            assert f"maskscreen/{folder.as_posix()}/__init__.py" in names, folder
