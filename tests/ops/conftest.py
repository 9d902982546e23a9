"""Operations tests use the store fixtures: every test that takes ``engine``, ``session``
or ``database_url`` runs on SQLite and on PostgreSQL (see tests/db/conftest.py)."""

from tests.db.conftest import backend, database_url, engine, new_database, session  # noqa: F401
