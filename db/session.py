"""Database URLs and engines: SQLite by default, PostgreSQL for a team."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from db.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000
# JSON columns: compact, and non-ASCII text (Chinese titles, say) kept readable.
_JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def default_database_path() -> Path:
    """The SQLite file used when no database URL is given."""
    return Path(platformdirs.user_data_dir("maskscreen")) / "maskscreen.sqlite"


def resolve_url(url: str | None) -> str:
    """Turn a user-given URL (or None, for the default SQLite file) into a SQLAlchemy URL."""
    if not url:
        return f"sqlite:///{default_database_path()}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe_url(url: str | Engine) -> str:
    """The URL with any password hidden, for messages."""
    parsed = url.url if isinstance(url, Engine) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine for a resolved URL.

    SQLite: the file's directory is created; each connection gets WAL, foreign keys,
    a busy timeout, and SQLAlchemy's documented pysqlite fix so that BEGIN, DDL and
    SAVEPOINT behave transactionally. PostgreSQL: connections are pinged before use.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, json_serializer=_JSON_ENCODER.encode)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseUnavailable(
                f"cannot create the directory of database {safe_url(url)}: {exc.strerror or exc}"
            ) from exc
    engine = create_engine(parsed, json_serializer=_JSON_ENCODER.encode)
    event.listen(engine, "connect", _sqlite_on_connect(wal=not in_memory))
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(*, wal: bool) -> Any:
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Leave BEGIN to SQLAlchemy (see _sqlite_on_begin): pysqlite's own handling
        # skips BEGIN before DDL and SAVEPOINT.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
                # Safe with WAL: a power cut may lose the last commits, never corrupts.
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    return on_connect


def _sqlite_on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN")


def open_database(url: str | None, auto_upgrade: bool = True) -> Engine:
    """Resolve the URL, connect, and bring the schema to head (or raise saying how).

    Raises DatabaseUnavailable when the database cannot be reached or opened,
    SchemaBehindError / SchemaAheadError when the schema does not match this code.
    """
    # Imported here: db.migrate builds engines with this module.
    from db.migrate import ensure_schema

    resolved = resolve_url(url)
    engine = make_engine(resolved)
    try:
        with engine.connect():
            pass
    except (DBAPIError, OSError) as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"cannot open database {safe_url(resolved)}: {_first_line(exc)}"
        ) from exc
    try:
        ensure_schema(engine, auto_upgrade=auto_upgrade)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__
