"""SQL building blocks shared by the store modules."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, repeat
from typing import Any, cast

from sqlalchemy import JSON, BindParameter, CursorResult, Dialect, Result, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

IN_CHUNK = 5000  # values per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
ROWS_PER_INSERT = 1000  # rows per multi-row INSERT (SQLAlchemy's insertmanyvalues page size)
_JSON_CONTAINERS = (dict, list)


def insert_for(session: Session, table: Table) -> Any:
    """An ``INSERT`` offering ``on_conflict_do_update``/``_nothing`` for the session's dialect.

    Both dialects spell it the same (``ON CONFLICT (...) DO ...``, ``excluded``).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the store supports SQLite and PostgreSQL, not {dialect}")


def gc_paused(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``function`` with Python's cyclic garbage collector paused (if it was on).

    For the store's batch writes: a batch of 500 listings builds tens of thousands of
    short-lived tuples, lists and dicts, none of them in a reference cycle, so
    reference counting frees them all; but their number sets off collector passes
    that walk the young objects over and over, about a tenth of a batch's time in
    bench/store.py. Nothing is left uncollected: objects in cycles made meanwhile wait
    for the collector's next pass. Two threads overlapping here can only end a pause early.
    """

    @functools.wraps(function)
    def paused(*args: Any, **kwargs: Any) -> Any:
        if not gc.isenabled():
            return function(*args, **kwargs)
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            gc.enable()

    return paused


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE run by ``Session.execute`` matched.

    ``Session.execute`` is typed to return a ``Result``; for a DML statement it is a
    ``CursorResult``, which has ``rowcount`` (the cast SQLAlchemy's own code makes).
    """
    return cast("CursorResult[Any]", result).rowcount


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def in_values(values: Sequence[Any]) -> BindParameter[Any]:
    """The right side of ``column.in_(...)`` for a list of values: one expanding parameter
    that holds the list whole. Given a plain list, SQLAlchemy coerces each value into
    an expression of its own (about 0.7 ms for 500 ids, every statement).
    """
    return bindparam(None, list(values), expanding=True)


def param_mark(dialect: Dialect) -> str:
    """The driver's positional parameter marker: ``?`` (sqlite3) or ``%s`` (psycopg)."""
    return "?" if dialect.paramstyle == "qmark" else "%s"


def insert_rows(
    session: Session,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    same: Mapping[str, Any] | None = None,
    on_conflict: str = "",
    returning: Sequence[str] = (),
) -> list[Any]:
    """``INSERT INTO table (columns) VALUES (...), (...) [on_conflict] [RETURNING ...]``.

    The batched write of the store: each row is a sequence of values in ``columns``
    order; ``same`` gives columns that have one value for every row. Values are
    bound parameters, converted by the columns' own types exactly as SQLAlchemy
    converts them (``TypeEngine.bind_processor`` of the dialect's implementation),
    and sent on the driver's cursor as multi-row VALUES: SQLAlchemy's own
    "insertmanyvalues" does the same, but spends most of its time preparing each
    row's parameters, several times over this. ``on_conflict`` is SQL text after
    VALUES that both dialects share (``ON CONFLICT (...) DO ...``, ``excluded``);
    it holds names, never values. Every column with a Python-side default needs a
    value (ValueError otherwise). Returns the RETURNING rows, in no set order.
    """
    if not rows:
        return []
    connection = session.connection()
    dialect = connection.dialect
    same = same or {}
    # Python-side defaults (Column(default=...)) are SQLAlchemy's to apply, not this SQL's.
    unset = [c.name for c in table.c if c.default is not None and c.name not in {*columns, *same}]
    if unset:
        raise ValueError(f"insert_rows into {table.name} needs a value for {', '.join(unset)}")
    convert = [_column_converter(table.c[name].type, dialect) for name in columns]
    fixed = [
        value if process is None else process(value)
        for process, value in zip(_processors(table, same, dialect), same.values(), strict=True)
    ]
    names = [*columns, *same]
    quote = dialect.identifier_preparer.quote
    mark = param_mark(dialect)
    row_marks = f"({', '.join([mark] * len(names))})"
    head = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES "
    tail = f" {on_conflict}" if on_conflict else ""
    if returning:
        tail += f" RETURNING {', '.join(quote(n) for n in returning)}"
    max_parameters = getattr(dialect, "insertmanyvalues_max_parameters", 999)
    per_statement = max(1, min(ROWS_PER_INSERT, max_parameters // len(names)))
    found: list[Any] = []
    for batch in chunks(rows, per_statement):
        # Column by column: each converter runs over a whole column.
        values: list[Any] = [
            column if converter is None else converter(column)
            for column, converter in zip(zip(*batch, strict=True), convert, strict=True)
        ]
        values += [repeat(value, len(batch)) for value in fixed]
        params = tuple(chain.from_iterable(zip(*values, strict=True)))
        sql = head + ", ".join([row_marks] * len(batch)) + tail
        result = connection.exec_driver_sql(sql, params)
        if returning:
            found.extend(result.all())
    return found


def _processors(table: Table, names: Any, dialect: Dialect) -> list[Any]:
    """The bind processor (or None) of each named column's type on ``dialect``."""
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names]


def _column_converter(type_: TypeEngine[Any], dialect: Dialect) -> Any:
    """A function converting a whole column of values as ``type_`` binds them, or None.

    JSON on SQLite: SQLAlchemy's processor hands a dict or list to the engine's JSON
    serializer (its own checks are for None and SQL NULL markers), so those go to the
    serializer directly, without a Python call per value on top; checked on a probe.
    """
    impl = type_.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if process is None:
        return None
    serialize = getattr(dialect, "_json_serializer", None)
    probe = {"probe": [1.5, None, True, "ü"]}
    if (
        dialect.name == "sqlite"
        and isinstance(impl, JSON)
        and serialize is not None
        and process(probe) == serialize(probe)
    ):
        return lambda column: [
            serialize(value) if type(value) in _JSON_CONTAINERS else process(value)
            for value in column
        ]
    return lambda column: list(map(process, column))
