"""A copy of a trained model with an evasion head fitted on its own feature rows (the
training material's evasion marks, train.fit_evasion_head, the shipped recipe's settings),
without retraining the model: to measure the head's cost and verdicts on a model at hand.

    python bench/evasion_head_attach.py [--model DIR] OUT_DIR

The head is the one `maskscreen train` would fit for that model (same rows, folds, cut).
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from maskscreen.classifier.evasion_head import HEAD_FILE
from maskscreen.classifier.model import METRICS_FILE, default_model_dir, load_model
from maskscreen.classifier.train import attach_evasion_head, training_material


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None)
    parser.add_argument("out")
    args = parser.parse_args()
    source = Path(args.model) if args.model else default_model_dir()
    out = Path(args.out)
    shutil.copytree(source, out)
    model = load_model(out)
    model.metadata.setdefault("cross_validation", {})
    head = attach_evasion_head(
        model, training_material(), model.matcher, int(model.metadata.get("seed", 0)), print
    )
    if head is not None:
        head.save(out / HEAD_FILE)
    else:  # the copied model's own head, if it had one, is not this one
        (out / HEAD_FILE).unlink(missing_ok=True)
    (out / METRICS_FILE).write_text(
        json.dumps(model.metadata, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(json.dumps(model.metadata["cross_validation"]["evasion_head"], indent=1))  # noqa: T201
    print(
        f"{out}: head {'threshold ' + str(head.threshold) if head else 'none (no cut keeps the target)'}"
    )  # noqa: T201


if __name__ == "__main__":
    main()
