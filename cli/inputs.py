"""Reading a user's file of listings (JSON lines, CSV or Parquet) in batches.

`maskscreen classify` streams: a file is read a batch at a time, so memory stays
flat however long the file is. A row that cannot be classified is reported with
where it is (``FILE:LINE`` for text, ``FILE: row group G, row N`` for Parquet)
to a ``BadRows`` collector, which raises (the default) or counts and carries on.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterator

from maskscreen.cli.rows import BadRows, Batch, Columns, InputError, checked_row

__all__ = ["FORMATS", "BadRows", "Batch", "Columns", "Input", "InputError", "guess_format"]

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_MAGIC = b"PAR1"


def guess_format(name: str, first_line: str | bytes) -> str:
    lower = name.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    if isinstance(first_line, bytes):
        if first_line.startswith(PARQUET_MAGIC):
            return "parquet"
        first_line = first_line.decode("utf-8", "replace")
    return "jsonl" if first_line.lstrip("\ufeff \t").startswith("{") else "csv"


class Input:
    """One input file (or stdin): its name, format, size, and its rows in batches."""

    def __init__(self, path: str, fmt: str, columns: Columns, bad: BadRows):
        self.path, self.columns, self.bad = path, columns, bad
        self.name = "<stdin>" if path == "-" else path
        self.size: int | None = None  # bytes, or rows for Parquet; None for a pipe
        self._parquet = None
        self._raw = _open_binary(path)
        try:
            if fmt == "auto":
                fmt = guess_format(self.name, self._raw.peek(64)[:64])
            self.format = fmt
            if fmt == "parquet":
                if path == "-":
                    raise InputError("Parquet cannot be read from stdin: give its file name")
                self._raw.close()  # pyarrow reads the file itself: faster than through Python
                from maskscreen.cli.parquet_input import open_parquet  # pyarrow: when needed

                self._parquet = open_parquet(path, self.name)
                self.size = self._parquet.metadata.num_rows
            elif path != "-":
                self.size = os.fstat(self._raw.fileno()).st_size
        except BaseException:
            self.close()
            raise

    def batches(self, batch_size: int) -> Iterator[Batch]:
        if self.format == "parquet":
            from maskscreen.cli.parquet_input import parquet_batches

            return parquet_batches(self._parquet, self.name, self.columns, self.bad, batch_size)
        lines = _Utf8Lines(self._raw, self.name, self.bad)
        rows = _csv_rows if self.format == "csv" else _jsonl_rows
        return _batched(rows(lines, self.name, self.columns, self.bad), batch_size, lines)

    def id_type(self):
        """The Arrow type of the id column of a Parquet input, else None."""
        if self._parquet is None:
            return None
        from maskscreen.cli.parquet_input import id_type

        return id_type(self._parquet, self.columns)

    def close(self) -> None:
        self._raw.close()
        if self._parquet is not None:
            self._parquet.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _open_binary(path: str):
    import sys

    if path == "-":
        stdin = sys.stdin.buffer
        return stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)
    try:
        return open(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc


def _batched(rows: Iterator[tuple], batch_size: int, lines: _Utf8Lines) -> Iterator[Batch]:
    ids: list = []
    items: list[dict] = []
    for row_id, title, text in rows:
        ids.append(row_id)
        items.append({"title": title, "description": text})
        if len(ids) >= batch_size:
            yield Batch(ids, items, lines.position())
            ids, items = [], []
    if ids:
        yield Batch(ids, items, lines.position())


def _jsonl_rows(lines, name: str, columns: Columns, bad: BadRows) -> Iterator[tuple]:
    for line in lines:
        if not line.strip():
            continue
        where = f"{name}:{lines.number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            bad(where, f"not valid JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            bad(where, f"expected a JSON object with {columns.title}/{columns.text}")
            continue
        row = checked_row(record.get(columns.id), record.get(columns.title),
                       record.get(columns.text), columns, where, bad)  # fmt: skip
        if row is not None:
            yield row


def _csv_rows(lines, name: str, columns: Columns, bad: BadRows) -> Iterator[tuple]:
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"{name}:1: {exc}") from exc
    names = [(h or "").strip().lower() for h in header or []]
    index = {h: i for i, h in reversed(list(enumerate(names)))}  # the first of a repeated name
    id_at, title_at, text_at = (index.get(c.strip().lower()) for c in
                                (columns.id, columns.title, columns.text))  # fmt: skip
    if title_at is None and text_at is None:
        raise InputError(
            f"{name}:1: CSV header needs a {columns.title} or {columns.text} column"
            if (columns.title, columns.text) != ("title", "description")
            else f"{name}:1: CSV header needs a title or description column"
        )
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            bad(f"{name}:{lines.number}", str(exc))
            continue
        if not cells:
            continue

        def cell(at: int | None, cells=cells) -> str | None:
            return cells[at] if at is not None and at < len(cells) else None

        row = checked_row(cell(id_at), cell(title_at), cell(text_at), columns,
                       f"{name}:{lines.number}", bad)  # fmt: skip
        if row is not None:
            yield row


class _Utf8Lines(io.TextIOBase):
    """Text lines from a binary stream; a line that is not UTF-8 goes to ``bad``
    (which raises, or counts it and the line is skipped)."""

    def __init__(self, raw, name: str, bad: Callable[..., None]):
        self._raw, self._name, self._bad, self.number = raw, name, bad, 0
        self._seekable = raw.seekable()

    def position(self) -> int:
        return self._raw.tell() if self._seekable else 0

    def readline(self, size: int = -1) -> str:
        while True:
            data = self._raw.readline()
            if not data:
                return ""
            self.number += 1
            if self.number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]  # a byte-order mark
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError as exc:
                self._bad(f"{self._name}:{self.number}", f"not valid UTF-8 ({exc.reason})")

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
