"""The real-world-grounded records (data/grounded/*.jsonl) and their fixed dev split.

Each grounded record rests on one public page (`source_url`). A deterministic share of
them, chosen by a hash of the page address, is the real-grounded **dev set**: never
trained on, never used to choose a threshold, reported on its own. The rest join
training. Borderline records are left out of both.

Relabels decided after the records were written (policy changes) live beside them in
`_relabel.jsonl` (id, source_url, label, family, made_to_order), because the record
files are source data; a relabel applies only when its id and source_url both match.

    python -m maskscreen.classifier.grounded     # counts of the dev and training parts
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from maskscreen.classifier.corpus import Example, load_corpus

GROUNDED_DIR = "data/grounded"
RELABEL_FILE = "_relabel.jsonl"
# About a third: at least 400 of the ~1,250 scoreable records (tests hold it to that).
DEV_FRACTION = 0.34


def grounded_dir() -> Path:
    return Path(str(resources.files("maskscreen.classifier").joinpath(GROUNDED_DIR)))


def grounded_files(directory: Path | None = None) -> list[Path]:
    """The record files (names starting with "_" hold metadata, not records)."""
    directory = directory or grounded_dir()
    return sorted(p for p in directory.glob("*.jsonl") if not p.name.startswith("_"))


def in_dev(source_url: str) -> bool:
    """Whether a page belongs to the dev set: the first 32 bits of its sha256 as a
    fraction below DEV_FRACTION (stable as records are added, whatever their order)."""
    digest = hashlib.sha256(source_url.strip().encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < DEV_FRACTION


def _relabels(directory: Path) -> dict[str, dict]:
    path = directory / RELABEL_FILE
    if not path.is_file():
        return {}
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {row["id"]: row for row in rows}


def load_grounded(directory: Path | None = None) -> list[Example]:
    """Every grounded record (borderline ones too), with the relabels applied."""
    directory = directory or grounded_dir()
    examples = load_corpus(grounded_files(directory))
    relabels = _relabels(directory)
    out = []
    for example in examples:
        row = relabels.get(example.id)
        if row and row.get("source_url") == example.source_url:
            signals = dict(example.signals)
            if "made_to_order" in row:
                signals["made_to_order"] = bool(row["made_to_order"])
            example = dataclasses.replace(
                example,
                label=row["label"],
                family=row.get("family", example.family),
                signals=signals,
            )
        out.append(example)
    return out


def grounded_split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """(training part, dev set) of the grounded records; borderline records in neither."""
    scored = [e for e in examples if not e.borderline and e.source_url]
    dev = [e for e in scored if in_dev(e.source_url)]
    train = [e for e in scored if not in_dev(e.source_url)]
    return train, dev


def main() -> None:
    train, dev = grounded_split(load_grounded())
    for name, part in (("training", train), ("dev", dev)):
        counts = Counter((e.language, e.label != "benign") for e in part)
        languages = sorted({lang for lang, _ in counts})
        detail = ", ".join(f"{x} {counts[(x, True)]}+{counts[(x, False)]}" for x in languages)
        print(f"{name}: {len(part)} (positives+benign by language: {detail})")  # noqa: T201


if __name__ == "__main__":
    main()
