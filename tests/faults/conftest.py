"""Fault-injection tests: each runs on SQLite and PostgreSQL where a store is involved
(``database_url``: a fresh database of each backend, tests/db/conftest.py)."""

from tests.db.conftest import backend, database_url, new_database  # noqa: F401
