"""The labelled corpus: JSONL files in classifier/data, written by the project.

Each line: id, language, family, title, description, price, label, signals
(see GUIDELINES.md). `load_corpus` validates every line and names the file
and line of anything wrong.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from maskscreen.classifier.verdict import LABELS, SIGNALS

CORPUS_GLOB = "corpus_*.jsonl"


class CorpusError(ValueError):
    """A corpus line that is not valid JSON or breaks the schema."""


@dataclass(frozen=True)
class Example:
    id: str
    language: str
    family: str
    title: str
    description: str
    label: str
    signals: dict[str, bool] = field(default_factory=dict)
    price: str | None = None
    source_url: str | None = None  # grounded records: the public page the record rests on
    borderline: bool = False  # genuinely ambiguous: kept out of training and scoring

    @property
    def text(self) -> str:
        from maskscreen.classifier.normalize import listing_text

        return listing_text(self.title, self.description)


def default_corpus_files() -> list[Path]:
    data = Path(str(resources.files("maskscreen.classifier").joinpath("data")))
    return sorted(data.glob(CORPUS_GLOB))


def corpus_hash(paths: list[Path] | None = None) -> str:
    """sha256 over the corpus files' names and bytes, in name order, the test split and
    (for the default corpus) the real-grounded files with their relabels."""
    digest = hashlib.sha256()
    data = Path(str(resources.files("maskscreen.classifier").joinpath("data")))
    split = data / "test_split.txt"
    files = sorted(paths or default_corpus_files(), key=lambda p: p.name)
    if paths is None and split.is_file():
        files.append(split)
    if paths is None:
        files += sorted((data / "grounded").glob("*.jsonl"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def parse_example(line: str, where: str) -> Example:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{where}: not JSON ({exc.msg})") from exc
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: expected an object")
    label = raw.get("label")
    if label not in LABELS:
        raise CorpusError(f"{where}: label must be one of {', '.join(LABELS)}, not {label!r}")
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        raise CorpusError(f"{where}: title is missing")
    signals = raw.get("signals") or {}
    if not isinstance(signals, dict) or any(
        not isinstance(signals.get(s, False), bool) for s in SIGNALS
    ):
        raise CorpusError(f"{where}: signals must map {', '.join(SIGNALS)} to booleans")
    return Example(
        id=str(raw.get("id") or where),
        language=str(raw.get("language") or "en"),
        family=str(raw.get("family") or "unknown"),
        title=title,
        description=raw.get("description") or "",
        label=label,
        signals={s: bool(signals.get(s, False)) for s in SIGNALS},
        price=raw.get("price"),
        source_url=raw.get("source_url") or None,
        borderline=bool(raw.get("borderline", False)),
    )


def load_corpus(paths: list[Path] | None = None) -> list[Example]:
    examples: list[Example] = []
    seen: set[str] = set()
    for path in paths or default_corpus_files():
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                example = parse_example(line, f"{path.name}:{number}")
                if example.id in seen:
                    raise CorpusError(f"{path.name}:{number}: duplicate id {example.id!r}")
                seen.add(example.id)
                examples.append(example)
    if not examples:
        raise CorpusError("the corpus is empty")
    return examples
