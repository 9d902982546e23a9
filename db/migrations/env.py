"""Alembic environment for the maskscreen store.

Run from code (``db.migrate``), the connection arrives in
``config.attributes["connection"]`` and its transaction belongs to the caller.
Run as ``alembic upgrade head`` from a checkout, the URL comes from
``-x db=URL``, else ``sqlalchemy.url`` in alembic.ini, else MASKSCREEN_DATABASE_URL,
else the default SQLite file.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection

from maskscreen.db.models import Base
from maskscreen.db.session import make_engine, resolve_url

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    return resolve_url(
        context.get_x_argument(as_dictionary=True).get("db")
        or config.get_main_option("sqlalchemy.url")
        or os.environ.get("MASKSCREEN_DATABASE_URL")
    )


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    # make_engine gives SQLite real transactions, so its DDL is transactional too.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    # Imported here: db.migrate imports this package's modules' dependencies.
    from maskscreen.db.migrate import migrating

    engine = make_engine(_url())
    try:
        with migrating(engine) as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
