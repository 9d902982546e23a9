"""Database URLs and engines: SQLite by default, PostgreSQL for a team."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from maskscreen.db import jsontext
from maskscreen.db.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000


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


# scheme://user:password@host: the password part, in any text (a command line, a message).
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/@]*:)[^\s@/]+(?=@)")


def redact_credentials(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``: what the
    project stores (a run's command line) and prints must never carry one."""
    return _URL_PASSWORD.sub(r"\g<head>***", text)


def make_engine(url: str) -> Engine:
    """An engine for a resolved URL.

    SQLite: the default file's directory is created (any other must exist); each connection gets WAL, foreign keys,
    a busy timeout, and SQLAlchemy's documented pysqlite fix so that BEGIN, DDL and
    SAVEPOINT behave transactionally. PostgreSQL: connections are pinged before use.

    With real transactions, SQLite has one rule for callers: a transaction that reads
    tables and then writes fails ("database is locked") if another process commits in
    between. Start a write transaction with its write (every store write function
    writes before it reads), and read for display in a transaction of its own.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(
                parsed,
                pool_pre_ping=True,
                json_serializer=jsontext.dumps,
                json_deserializer=jsontext.loads,
            )
        except ImportError as exc:  # the URL names a driver that is not installed
            extra = (
                " (pip install 'maskscreen[postgres]')" if "postgres" in parsed.drivername else ""
            )
            raise DatabaseUnavailable(
                f"cannot open database {safe_url(url)}: its driver is not installed: "
                f"{exc.name or exc}{extra}"
            ) from exc

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        folder = Path(database).expanduser().parent
        if folder == default_database_path().parent:
            # The default file's folder is ours to make; a folder the user named must exist
            # (a typo must not leave an empty database somewhere unexpected).
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseUnavailable(
                    f"cannot create the directory of database {safe_url(url)}: {exc.strerror or exc}"
                ) from exc
        elif not folder.is_dir():
            raise DatabaseUnavailable(
                f"cannot open database {safe_url(url)}: no such directory {folder}"
            )
    engine = create_engine(parsed, json_serializer=jsontext.dumps, json_deserializer=jsontext.loads)
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


def connect(url: str | None) -> Engine:
    """An engine for the URL (None: the default file) that is known to connect.

    The schema is left as it is (for ``maskscreen db current``, say). Raises
    DatabaseUnavailable, one line, when the database cannot be reached or opened.
    """
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
    return engine


def _first_line(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__
