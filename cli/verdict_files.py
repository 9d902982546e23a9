"""Writing `maskscreen classify` verdicts: JSON lines, CSV or Parquet, a batch at a time.

Every row starts with the input row's id. JSON lines keep the verdict's shape
(DESIGN.md); CSV flattens it (a column per signal and per label's score, the
reasons as a JSON list); Parquet keeps it typed (structs for signals and scores,
a list of reasons). A file is written beside its final name and renamed into
place when the run succeeds, so a failed run never leaves half a file under it.

CSV cells are opened by spreadsheets: a cell that begins with = + - @, a tab or a
carriage return is a formula to them, so it gets a leading apostrophe (OWASP,
"CSV injection") unless the writer is told the output is raw.
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from maskscreen.classifier.verdict import LABELS, SIGNALS
from maskscreen.cli.output import dumps
from maskscreen.db import spreadsheet_safe  # db/cells.py: the one CSV guard, light

OUTPUT_FORMATS = ("jsonl", "csv", "parquet")
CSV_COLUMNS = (
    ("id", "label", "score", "flagged")
    + SIGNALS
    + tuple(f"score_{label}" for label in LABELS)
    + ("reasons", "threshold", "model_version", "lexicon_version", "model_sha256")
)
# Parquet row groups of this many rows (not one per batch): readers skip and scan
# by row group, and a thousand tiny ones cost them; ~10 MB of verdicts held at most.
ROW_GROUP_ROWS = 64 * 1024


def output_format(path: str | None, forced: str | None) -> str:
    """The format to write: forced, else from the file name; stdout is JSON lines."""
    if forced:
        return forced
    if path is None or path == "-":
        return "jsonl"
    lower = path.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".parquet", ".pq")):
        return "parquet"
    return "jsonl"


def neutralised(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula, with a leading apostrophe."""
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell


class VerdictWriter:
    """Write (ids, verdict dicts) batches to PATH (None: stdout) in FORMAT."""

    def __init__(self, path: str | None, fmt: str, *, raw: bool = False, id_type=None):
        self.path, self.format, self.raw, self.id_type = path, fmt, raw, id_type
        self._partial = None
        if path is None or path == "-":
            if fmt != "jsonl":
                raise ValueError("stdout takes JSON lines only: give --out FILE")
            self._stream = sys.stdout
        else:
            target = Path(path)
            self._partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
            mode = "wb" if fmt == "parquet" else "w"
            kwargs = {} if fmt == "parquet" else {"encoding": "utf-8", "newline": ""}
            self._stream = open(self._partial, mode, **kwargs)  # noqa: SIM115
        self._csv = None
        self._parquet = None
        self._pending: list = []  # Parquet: record batches not written yet
        self._pending_rows = 0
        if fmt == "csv":
            self._csv = csv.writer(self._stream)
            self._csv.writerow(CSV_COLUMNS)

    def write(self, ids: list, verdicts: list[dict]) -> None:
        if self.format == "jsonl":
            lines = []
            for row_id, verdict in zip(ids, verdicts, strict=True):
                record = {"id": row_id}
                record.update(verdict)
                lines.append(dumps(record))
            self._stream.write("\n".join(lines) + "\n")
        elif self.format == "csv":
            self._write_csv(ids, verdicts)
        else:
            self._write_parquet(ids, verdicts)
        if self._partial is None:
            self._stream.flush()

    def _write_csv(self, ids: list, verdicts: list[dict]) -> None:
        rows = []
        for row_id, v in zip(ids, verdicts, strict=True):
            row = [row_id, v["label"], v["score"], v["flagged"]]
            row += [v["signals"].get(name, False) for name in SIGNALS]
            row += [v["scores"].get(label) for label in LABELS]
            row += [dumps(v["reasons"]), v["threshold"], v["model_version"], v["lexicon_version"]]
            row.append(v.get("model_sha256", ""))
            rows.append(row if self.raw else [neutralised(cell) for cell in row])
        self._csv.writerows(rows)

    def _write_parquet(self, ids: list, verdicts: list[dict]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self._parquet is None:
            self._schema = parquet_schema(self.id_type or pa.string())
            self._parquet = pq.ParquetWriter(self._stream, self._schema, compression="zstd")
        if self.id_type is None:
            ids = [None if i is None else str(i) for i in ids]
        columns = {
            "id": ids,
            "label": [v["label"] for v in verdicts],
            "score": [v["score"] for v in verdicts],
            "flagged": [v["flagged"] for v in verdicts],
            "signals": [v["signals"] for v in verdicts],
            "scores": [v["scores"] for v in verdicts],
            "reasons": [v["reasons"] for v in verdicts],
            "threshold": [v["threshold"] for v in verdicts],
            "model_version": [v["model_version"] for v in verdicts],
            "lexicon_version": [v["lexicon_version"] for v in verdicts],
            "model_sha256": [v.get("model_sha256", "") for v in verdicts],
        }
        self._pending.append(pa.RecordBatch.from_pydict(columns, schema=self._schema))
        self._pending_rows += len(ids)
        if self._pending_rows >= ROW_GROUP_ROWS:
            self._flush_parquet()

    def _flush_parquet(self) -> None:
        import pyarrow as pa

        if self._pending:
            self._parquet.write_table(pa.Table.from_batches(self._pending, schema=self._schema))
        self._pending, self._pending_rows = [], 0

    def finish(self) -> None:
        """Close the file and move it to its name (a run that wrote nothing leaves a valid,
        empty file)."""
        if self.format == "parquet" and self._parquet is None:
            self._write_parquet([], [])
        if self._parquet is not None:
            self._flush_parquet()
            self._parquet.close()
        if self._partial is None:
            self._stream.flush()
            return
        self._stream.close()
        os.replace(self._partial, self.path)

    def abandon(self) -> None:
        """A failed run: remove the partial file; an older file under the name is kept."""
        if self._partial is None:
            return
        try:
            if self._parquet is not None:
                self._parquet.close()
            self._stream.close()
        finally:
            self._partial.unlink(missing_ok=True)


def parquet_schema(id_type):
    """The Parquet columns of a verdict file (the id's type follows a Parquet input's)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", id_type),
            ("label", pa.string()),
            ("score", pa.float64()),
            ("flagged", pa.bool_()),
            ("signals", pa.struct([(name, pa.bool_()) for name in SIGNALS])),
            ("scores", pa.struct([(label, pa.float64()) for label in LABELS])),
            ("reasons", pa.list_(pa.string())),
            ("threshold", pa.float64()),
            ("model_version", pa.string()),
            ("lexicon_version", pa.string()),
            ("model_sha256", pa.string()),
        ]
    )
