"""The rows `maskscreen classify` reads: their columns, batches and the bad ones.

Shared by the text readers (cli/inputs.py) and the Parquet reader (cli/parquet_input.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


def checked_row(row_id, title, text, columns: Columns, where: str, bad: BadRows) -> tuple | None:
    """(id, title, text) of a row that can be classified; else None, reported to ``bad``."""
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
