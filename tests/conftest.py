"""Fixtures shared by the whole suite.

PostgreSQL is real: the server at MASKSCREEN_TEST_PG_URL (default: the local
server, database `test`). Each test session creates its own databases there and
drops them at the end, so parallel workers never share a schema.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# The shops the tests serve live on loopback, which the network policy refuses unless
# allowed (crawler/network.py): the tests allow it, as a user crawling a local shop would.
# Subprocess crawls inherit it.
os.environ.setdefault("MASKSCREEN_ALLOW_NETWORKS", "127.0.0.0/8")

PG_URL = os.environ.get(
    "MASKSCREEN_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def pg_database_url():
    """Factory: a fresh, empty PostgreSQL database per call; all dropped at the end."""
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect():
            pass
    except Exception as exc:  # noqa: BLE001 -- no skipping: the suite needs its PostgreSQL
        pytest.fail(f"PostgreSQL at {make_url(PG_URL).render_as_string()} is not reachable: {exc}")
    created: list[str] = []

    def make(label: str = "db") -> str:
        name = f"maskscreen_test_{label}_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as connection:
        for name in created:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
