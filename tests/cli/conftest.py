"""Fixtures for CLI tests that need a database with the analytics seed data."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from maskscreen.db.migrate import open_database
from tests.db.analytics_data import seed


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request, tmp_path, pg_database_url):
    """A database URL (SQLite, then PostgreSQL) holding tests.db.analytics_data's seed."""
    url = (
        f"sqlite:///{tmp_path / 'cli.sqlite'}"
        if request.param == "sqlite"
        else pg_database_url("cli")
    )
    engine = open_database(url)
    with Session(engine) as session, session.begin():
        seed(session)
    engine.dispose()
    return url
