"""Store fixtures: every test that takes ``engine`` or ``session`` runs on SQLite and PostgreSQL.

- ``backend``: "sqlite" or "postgresql" (session-scoped parameter).
- ``database_url``: a fresh, empty database of that backend, per test (for migration tests).
- ``engine``: a database migrated to head through the migrations, one per backend per
  test session (per xdist worker).
- ``session``: a Session inside an outer transaction that is rolled back after the test,
  so tests may flush and even commit without leaving anything behind.

PostgreSQL databases come from ``pg_database_url`` in tests/conftest.py: an unreachable
server fails the PostgreSQL tests, it never skips them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from maskscreen.db import migrate
from maskscreen.db.session import make_engine

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def new_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """Factory: the URL of a fresh, empty database of the given backend."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / 'maskscreen.sqlite'}"
        return request.getfixturevalue("pg_database_url")("store")

    return make


@pytest.fixture
def database_url(backend: str, new_database: Callable[[str], str]) -> str:
    return new_database(backend)


@pytest.fixture(scope="session")
def engine(backend: str, new_database: Callable[[str], str]) -> Iterator[Engine]:
    engine = make_engine(new_database(backend))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    # SQLAlchemy's "joining a Session into an external transaction" recipe. On SQLite,
    # make_engine applies the documented pysqlite fix, so SAVEPOINT works there too.
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
            yield session
        transaction.rollback()
