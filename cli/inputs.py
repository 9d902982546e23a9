"""Reading a user's file of listings (JSONL or CSV) for `maskscreen classify`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO


class InputError(ValueError):
    """An input file that cannot be read; the message names the line."""


def read_listings(stream: IO[str], fmt: str, name: str) -> Iterator[dict]:
    """Yield one dict per listing; raise InputError naming the bad line."""
    if fmt == "csv":
        yield from _read_csv(stream, name)
    else:
        yield from _read_jsonl(stream, name)


def guess_format(name: str, first_line: str) -> str:
    if name.lower().endswith(".csv"):
        return "csv"
    if name.lower().endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    return "jsonl" if first_line.lstrip().startswith("{") else "csv"


def _read_jsonl(stream: IO[str], name: str) -> Iterator[dict]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise InputError(f"{name}:{number}: expected a JSON object with title/description")
        yield _checked(record, name, number)


def _read_csv(stream: IO[str], name: str) -> Iterator[dict]:
    reader = csv.DictReader(stream)
    if not reader.fieldnames or not {"title", "description"} & {
        f.strip().lower() for f in reader.fieldnames
    }:
        raise InputError(f"{name}:1: CSV header needs a title or description column")
    try:
        for row in reader:
            record = {(k or "").strip().lower(): v for k, v in row.items() if k is not None}
            yield _checked(record, name, reader.line_num)
    except csv.Error as exc:
        raise InputError(f"{name}:{reader.line_num}: {exc}") from exc


def _checked(record: dict, name: str, number: int) -> dict:
    title, description = record.get("title"), record.get("description")
    for field, value in (("title", title), ("description", description)):
        if value is not None and not isinstance(value, str):
            raise InputError(f"{name}:{number}: {field} must be text")
    if not (title or "").strip() and not (description or "").strip():
        raise InputError(f"{name}:{number}: no title or description")
    return record


def open_text(path: str) -> tuple[IO[str], str]:
    """Open PATH (or '-' for stdin) as UTF-8 lines; InputError if unreadable.

    Lines are decoded one by one, so a line that is not UTF-8 is named.
    """
    import sys

    if path == "-":
        return _Utf8Lines(sys.stdin.buffer, "<stdin>"), "<stdin>"
    try:
        return _Utf8Lines(open(path, "rb"), path), path
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


class _Utf8Lines(io.TextIOBase):
    """Text lines from a binary stream; InputError naming the line on bad UTF-8."""

    def __init__(self, raw, name: str):
        self._raw, self._name, self._number = raw, name, 0

    def readline(self, size: int = -1) -> str:
        data = self._raw.readline()
        if not data:
            return ""
        self._number += 1
        if self._number == 1 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]  # a byte-order mark
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{self._name}:{self._number}: not valid UTF-8 ({exc.reason})"
            ) from None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def close(self) -> None:
        self._raw.close()
        super().close()
