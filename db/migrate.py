"""Alembic, driven from code: works from a checkout and from an installed wheel.

The Alembic configuration is built here, pointing at the migrations shipped inside
this package, so no ``alembic.ini`` is needed at run time. Every function runs on a
connection passed to ``env.py`` through ``Config.attributes["connection"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from maskscreen.db.errors import SchemaAheadError, SchemaBehindError
from maskscreen.db.session import connect, make_engine, resolve_url, safe_url

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for the packaged migrations, optionally bound to a connection."""
    config = Config()
    # ConfigParser interpolates '%': escape it in the path.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this code knows."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None, "db/migrations has no revisions"
    return revision


def known_revisions() -> set[str]:
    """Every revision this code carries."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


@contextmanager
def _engine(engine_or_url: Engine | str | None) -> Iterator[Engine]:
    if isinstance(engine_or_url, Engine):
        yield engine_or_url
        return
    engine = make_engine(resolve_url(engine_or_url))
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations.

    On SQLite, foreign keys are off for the transaction (the first step of SQLite's
    documented procedure for changing a table): a batch migration copies a table,
    drops the old one and renames the copy, and with foreign keys on, the drop of a
    table other rows refer to fails. ``PRAGMA foreign_key_check`` runs before the
    commit, and foreign keys are on again afterwards.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, where the pragma takes effect
            _driver_execute(connection, "PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise RuntimeError(f"migration broke a foreign key: {tuple(broken)}")
        finally:
            if sqlite:
                _driver_execute(connection, "PRAGMA foreign_keys=ON")


def _driver_execute(connection: Connection, sql: str) -> None:
    """Run ``sql`` on the driver's own connection, outside SQLAlchemy's transaction."""
    driver = connection.connection.driver_connection
    assert driver is not None, "an open connection has its driver's connection"
    driver.execute(sql)


def upgrade(engine_or_url: Engine | str | None, revision: str = "head") -> None:
    """Migrate the database up to ``revision``, in one transaction."""
    with _engine(engine_or_url) as engine, migrating(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine_or_url: Engine | str | None, revision: str) -> None:
    """Migrate the database down to ``revision`` ("base" empties it), in one transaction."""
    with _engine(engine_or_url) as engine, migrating(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def stamp(engine_or_url: Engine | str | None, revision: str) -> None:
    """Record ``revision`` as current without running migrations."""
    with _engine(engine_or_url) as engine, engine.begin() as connection:
        command.stamp(alembic_config(connection), revision, purge=True)


def current(engine_or_url: Engine | str | None) -> str | None:
    """The database's revision, or None when it has never been migrated."""
    with _engine(engine_or_url) as engine, engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(engine: Engine, auto_upgrade: bool = True) -> None:
    """Bring a database that is behind to head, or raise saying what to do.

    SchemaAheadError when the database carries a revision this code does not know
    (a newer maskscreen migrated it). SchemaBehindError when it is behind and
    ``auto_upgrade`` is False; the message names the command that fixes it.
    """
    at = current(engine)
    newest = head()
    if at == newest:
        return
    if at is not None and at not in known_revisions():
        raise SchemaAheadError(
            f"database {safe_url(engine)} is at schema revision {at}, which this "
            f"maskscreen does not know (newest known: {newest}); upgrade maskscreen"
        )
    if not auto_upgrade:
        raise SchemaBehindError(
            f"database {safe_url(engine)} is at schema revision {at or 'none'}, "
            f"needs {newest}: run `maskscreen db upgrade --db {safe_url(engine)}`"
        )
    log.info("upgrading database %s from %s to %s", safe_url(engine), at or "empty", newest)
    upgrade(engine, "head")


def open_database(url: str | None, auto_upgrade: bool = True) -> Engine:
    """Connect, and bring the schema to head (or raise saying how).

    Raises DatabaseUnavailable when the database cannot be reached or opened,
    SchemaBehindError / SchemaAheadError when the schema does not match this code.
    """
    engine = connect(url)
    try:
        ensure_schema(engine, auto_upgrade=auto_upgrade)
    except BaseException:
        engine.dispose()
        raise
    return engine
