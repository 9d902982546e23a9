"""Reading a Parquet catalogue for `maskscreen classify`, row group by row group.

pyarrow reads only the id, title and text columns, a batch at a time; a bad row is
named by its row group and its row number in the file, and a row group that cannot
be read at all is reported whole (with --skip-bad the next one is read).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from maskscreen.cli.rows import BadRows, Batch, Columns, InputError, checked_row


def open_parquet(path: str, name: str):
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        raise InputError(f"{name}: not a readable Parquet file ({_first_line(exc)})") from None


def resolved(columns: Columns, names: list[str]) -> Columns:
    """``columns`` with the file's own names: they match exactly, else ignoring case
    (as in a CSV header)."""
    folded = {n.lower(): n for n in reversed(names)}
    id_col, title_col, text_col = (
        c if c in names else folded.get(c.lower(), c)
        for c in (columns.id, columns.title, columns.text)
    )
    return replace(columns, id=id_col, title=title_col, text=text_col)


def id_type(parquet, columns: Columns):
    """The Arrow type of the file's id column, or None if it has none."""
    schema = parquet.schema_arrow
    index = schema.get_field_index(resolved(columns, schema.names).id)
    return schema.field(index).type if index >= 0 else None


def parquet_batches(
    parquet, name: str, columns: Columns, bad: BadRows, batch_size: int
) -> Iterator[Batch]:
    """Batches of each row group in turn; a row group that cannot be read is reported whole."""
    import pyarrow as pa

    schema = parquet.schema_arrow
    columns = resolved(columns, schema.names)
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
            checked_row(row_id, title, text, columns, where, bad)
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
