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
from dataclasses import dataclass, field
from typing import IO

FORMATS = ("jsonl", "csv", "parquet")
PARQUET_MAGIC = b"PAR1"


class InputError(ValueError):
    """An input file that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Columns:
    """Which input columns hold the id, the title and the text (description)."""

    id: str = "id"
    title: str = "title"
    text: str = "description"
    id_required: bool = False  # --store keys listings by id: a row without one is bad


@dataclass
class BadRows:
    """Rows that could not be classified: raise on the first (default) or count them."""

    skip: bool = False
    keep: int = 10  # locations kept for the summary; all are counted
    count: int = 0
    where: list[str] = field(default_factory=list)

    def __call__(self, where: str, why: str, rows: int = 1) -> None:
        if not self.skip:
            raise InputError(f"{where}: {why}")
        self.count += rows
        if len(self.where) < self.keep:
            self.where.append(f"{where}: {why}")


@dataclass
class Batch:
    """Consecutive good rows: their ids and {title, description} items, in file order.

    ``position`` is how far into the input the batch ends, in the unit of the
    input's ``size`` (bytes for text, rows for Parquet): enough for a progress bar.
    """

    ids: list
    items: list[dict]
    position: int = 0


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
        self._raw = _open_binary(path)
        self.size: int | None = None  # bytes, or rows for Parquet; None for a pipe
        if fmt == "auto":
            fmt = guess_format(self.name, self._raw.peek(64)[:64])
        if fmt == "parquet":
            if path == "-":
                raise InputError("Parquet cannot be read from stdin: give its file name")
            self._parquet = _open_parquet(path, self.name)  # pyarrow's own file: faster
            self.size = self._parquet.metadata.num_rows
        elif path != "-":
            self.size = os.fstat(self._raw.fileno()).st_size
        self.format = fmt

    def batches(self, batch_size: int) -> Iterator[Batch]:
        if self.format == "parquet":
            return _parquet_batches(self._parquet, self.name, self.columns, self.bad, batch_size)
        lines = _Utf8Lines(self._raw, self.name, self.bad)
        rows = _csv_rows if self.format == "csv" else _jsonl_rows
        return _batched(rows(lines, self.name, self.columns, self.bad), batch_size, lines)

    def id_type(self):
        """The Arrow type of the id column of a Parquet input, else None."""
        if self.format != "parquet":
            return None
        schema = self._parquet.schema_arrow
        index = schema.get_field_index(self.columns.id)
        return schema.field(index).type if index >= 0 else None

    def close(self) -> None:
        self._raw.close()
        if self.format == "parquet":
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
        row = _checked(record.get(columns.id), record.get(columns.title),
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

        row = _checked(cell(id_at), cell(title_at), cell(text_at), columns,
                       f"{name}:{lines.number}", bad)  # fmt: skip
        if row is not None:
            yield row


def _checked(row_id, title, text, columns: Columns, where: str, bad: BadRows) -> tuple | None:
    for column, value in ((columns.title, title), (columns.text, text)):
        if value is not None and not isinstance(value, str):
            bad(where, f"{column} must be text")
            return None
    if not (title or "").strip() and not (text or "").strip():
        bad(where, f"no {columns.title} or {columns.text}")
        return None
    if isinstance(row_id, bool) or not isinstance(row_id, (str, int, type(None))):
        bad(where, f"{columns.id} must be a string or an integer")
        return None
    if columns.id_required and (row_id is None or row_id == ""):
        bad(where, f"no {columns.id} (--store keys each listing by it)")
        return None
    return row_id, title, text


def _open_parquet(path: str, name: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{name}: not a readable Parquet file ({_first_line(exc)})") from None


def _parquet_batches(
    parquet, name: str, columns: Columns, bad: BadRows, batch_size: int
) -> Iterator[Batch]:
    """Batches of each row group in turn; a row group that cannot be read is reported whole."""
    import pyarrow as pa

    schema = parquet.schema_arrow
    present = [c for c in (columns.id, columns.title, columns.text) if c in schema.names]
    if columns.title not in present and columns.text not in present:
        raise InputError(f"{name}: no {columns.title} or {columns.text} column")
    for column in (columns.title, columns.text):
        if column in present and not _is_text(schema.field(column).type):
            raise InputError(f"{name}: column {column} is {schema.field(column).type}, not text")
    done = 0
    for group in range(parquet.metadata.num_row_groups):
        group_rows = parquet.metadata.row_group(group).num_rows
        read = 0
        try:
            for table in parquet.iter_batches(batch_size, row_groups=[group], columns=present):
                batch = _parquet_batch(table, columns, name, group, done + read, bad)
                read += table.num_rows
                if batch.ids:
                    yield batch
        except (pa.ArrowException, OSError) as exc:
            bad(f"{name}: row group {group}", f"cannot be read ({_first_line(exc)})",
                rows=group_rows - read)  # fmt: skip
        done += group_rows


def _parquet_batch(table, columns: Columns, name: str, group: int, before: int, bad) -> Batch:
    names = table.schema.names

    def values(column: str) -> list:
        if column in names:
            return table.column(column).to_pylist()
        return [None] * table.num_rows

    ids, titles, texts = values(columns.id), values(columns.title), values(columns.text)
    out_ids: list = []
    items: list[dict] = []
    for offset, (row_id, title, text) in enumerate(zip(ids, titles, texts, strict=True)):
        has_id = not columns.id_required or (row_id is not None and row_id != "")
        if has_id and ((title or "").strip() or (text or "").strip()):
            out_ids.append(row_id)
            items.append({"title": title, "description": text})
        else:  # rare: say what is wrong, and where
            where = f"{name}: row group {group}, row {before + offset + 1}"
            _checked(row_id, title, text, columns, where, bad)
    return Batch(out_ids, items, before + table.num_rows)


def _is_text(arrow_type) -> bool:
    import pyarrow as pa

    return (
        pa.types.is_string(arrow_type)
        or pa.types.is_large_string(arrow_type)
        or pa.types.is_null(arrow_type)
        or getattr(pa.types, "is_string_view", lambda _: False)(arrow_type)
    )


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_text(path: str) -> tuple[IO[str], str]:
    """Open PATH (or '-' for stdin) as UTF-8 lines; InputError if unreadable.

    Lines are decoded one by one, so a line that is not UTF-8 is named.
    """
    name = "<stdin>" if path == "-" else path
    return _Utf8Lines(_open_binary(path), name, BadRows()), name


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
