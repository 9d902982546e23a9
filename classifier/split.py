"""The fixed held-out test split: ids listed in data/test_split.txt.

The test split is never used for training, tuning or choosing the threshold.
It is stratified by label and language, and it is stable: when the corpus
grows, `extend_split` keeps every id already in the test split and draws new
test examples only from the new listings (ids missing from data/split_seen.txt,
the record of every id an earlier split has already placed), so a training
listing never moves into the test split and old figures stay comparable.

    python -m maskscreen.classifier.split          # extend the split to cover new listings
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from maskscreen.classifier.corpus import Example, load_corpus

SPLIT_FILE = "data/test_split.txt"
SEEN_FILE = "data/split_seen.txt"
TEST_FRACTION = 0.2


def split_path() -> Path:
    return Path(str(resources.files("maskscreen.classifier").joinpath(SPLIT_FILE)))


def seen_path() -> Path:
    return Path(str(resources.files("maskscreen.classifier").joinpath(SEEN_FILE)))


def load_seen_ids(path: Path | None = None) -> set[str]:
    """Every id an earlier split has placed, in training or in test."""
    return load_test_ids(path or seen_path())


def load_test_ids(path: Path | None = None) -> set[str]:
    path = path or split_path()
    if not path.is_file():
        return set()
    lines = path.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def stratum(example: Example) -> tuple[str, str]:
    language = "zh" if example.language == "zh" else "en"  # mixed listings count as English
    return example.label, language


def extend_split(
    examples: Sequence[Example],
    test_ids: set[str],
    seen: set[str] | None = None,
    fraction: float = TEST_FRACTION,
    seed: int = 0,
) -> set[str]:
    """Test ids covering at least `fraction` of every (label, language) stratum.

    New test ids are drawn only from listings not in `seen` (ids an earlier split
    already placed); by default every listing outside the test split counts as new.
    """
    known = {e.id for e in examples}
    test_ids = test_ids & known
    seen = set(test_ids) if seen is None else seen | test_ids
    groups: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in examples:
        groups[stratum(example)].append(example)
    rng = random.Random(seed)
    chosen = set(test_ids)
    for key in sorted(groups):
        members = sorted(groups[key], key=lambda e: e.id)
        wanted = math.ceil(fraction * len(members))
        have = [e for e in members if e.id in chosen]
        fresh = [e for e in members if e.id not in seen]
        rng.shuffle(fresh)
        chosen.update(e.id for e in fresh[: max(0, wanted - len(have))])
    return chosen


def split(examples: Sequence[Example], test_ids: set[str]) -> tuple[list[Example], list[Example]]:
    train = [e for e in examples if e.id not in test_ids]
    test = [e for e in examples if e.id in test_ids]
    return train, test


def write_test_ids(test_ids: set[str], path: Path | None = None) -> None:
    path = path or split_path()
    header = (
        "# maskscreen held-out test split: never train, tune or choose a threshold on these ids\n"
    )
    path.write_text(header + "\n".join(sorted(test_ids)) + "\n", encoding="utf-8")


def write_seen_ids(ids: set[str], path: Path | None = None) -> None:
    path = path or seen_path()
    header = "# every corpus id the test split has been decided for (train or test)\n"
    path.write_text(header + "\n".join(sorted(ids)) + "\n", encoding="utf-8")


def main() -> None:
    examples = load_corpus()
    before = load_test_ids()
    seen_file = seen_path()
    seen = load_seen_ids() if seen_file.is_file() else None
    after = extend_split(examples, before, seen)
    write_test_ids(after)
    write_seen_ids({e.id for e in examples} | (seen or set()))
    print(
        f"test split: {len(after)} of {len(examples)} listings ({len(after) - len(before & after)} added)"
    )


if __name__ == "__main__":
    main()
