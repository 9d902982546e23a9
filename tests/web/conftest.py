"""Web fixtures: a seeded store served by a real uvicorn on 127.0.0.1, SQLite and PostgreSQL.

- ``model``: the shipped model, loaded once per test session (the server is given it).
- ``site``: a module's server over a seeded database, once per backend (API tests).
- ``sqlite_site``: the same on SQLite only (the pages; the API tests cover both stores).
- ``fresh_site``: a server of its own over a seeded SQLite database (tests that change
  the queue or the login limits).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from maskscreen.db import open_database
from tests.web.seed import Seeded, seed
from tests.web.server import Served


@dataclass
class Site:
    url: str
    database_url: str
    seeded: Seeded
    engine: object


@pytest.fixture(scope="session")
def model():
    from maskscreen.classifier.model import load_model

    return load_model(None)


def _serve(database_url: str, model) -> Iterator[Site]:
    engine = open_database(database_url)
    seeded = seed(engine)
    served = Served(database_url, model).start()
    try:
        yield Site(served.url, database_url, seeded, engine)
    finally:
        served.stop()
        engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(request, tmp_path_factory, pg_database_url, model) -> Iterator[Site]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}"
    else:
        url = pg_database_url("web")
    yield from _serve(url, model)


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory, model) -> Iterator[Site]:
    """A module's server over a seeded SQLite database (pages; the API runs on both)."""
    yield from _serve(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}", model)


@pytest.fixture
def fresh_site(tmp_path, model) -> Iterator[Site]:
    yield from _serve(f"sqlite:///{tmp_path / 'web.sqlite'}", model)
