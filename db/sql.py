"""SQL building blocks shared by the store modules."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

IN_CHUNK = 5000  # values per IN (...) list: well under SQLite's and PostgreSQL's parameter limits


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


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
