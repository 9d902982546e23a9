"""Alembic owns the schema: migrations run both ways, match the models, and guard versions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Engine, Integer, MetaData, Table, inspect, text
from sqlalchemy.orm import Session

from maskscreen.db import migrate, store
from maskscreen.db.errors import SchemaAheadError, SchemaBehindError
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Base
from maskscreen.db.session import make_engine, safe_url
from tests.db.factories import make_listing, make_verdict

REPO = Path(__file__).resolve().parents[2]
TABLES = set(Base.metadata.tables)
VIEWS = {
    "flagged_listings", "review_queue", "seller_summary", "takedown_stats", "takedown_delays",
}  # fmt: skip


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def drift(engine: Engine, metadata: MetaData) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), metadata)


def test_upgrade_downgrade_upgrade_round_trip(database_url: str) -> None:
    migrate.upgrade(database_url)
    assert tables(database_url) == TABLES
    assert migrate.current(database_url) == migrate.head()

    # Down from a database holding a flagged listing: the listings <-> versions cycle.
    engine = make_engine(database_url)
    with Session(engine) as session, session.begin():
        site_id = store.get_or_create_site(session, "shop")
        [result] = store.upsert_listings(session, site_id, [make_listing()])
        store.record_classifications(session, [(result.version_id, make_verdict())])
    engine.dispose()
    migrate.downgrade(database_url, "base")
    assert tables(database_url) == set()
    assert migrate.current(database_url) is None

    migrate.upgrade(database_url)
    assert tables(database_url) == TABLES
    assert migrate.current(database_url) == migrate.head()


def test_models_and_migrations_do_not_drift(engine: Engine) -> None:
    assert drift(engine, Base.metadata) == []


def test_drift_check_sees_a_difference(engine: Engine) -> None:
    # The check above is only worth something if it can fail.
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("not_migrated", metadata, Column("id", Integer, primary_key=True))
    assert [diff[0] for diff in drift(engine, metadata)] == ["add_table"]


def test_analyst_views_are_created(engine: Engine) -> None:
    assert set(inspect(engine).get_view_names()) == VIEWS


def test_downgrade_to_0001_folds_new_states_and_keeps_events(database_url: str) -> None:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session, session.begin():
        site_id = store.get_or_create_site(session, "shop")
        [result] = store.upsert_listings(session, site_id, [make_listing()])
        store.record_classifications(session, [(result.version_id, make_verdict())])
        session.execute(text("UPDATE reviews SET status = 'actioned'"))
    migrate.downgrade(engine, "0001")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT status FROM reviews")).scalar_one() == "confirmed"
        assert connection.execute(text("SELECT count(*) FROM review_events")).scalar_one() == 1
        assert set(inspect(connection).get_view_names()) == {"flagged_listings"}
    engine.dispose()
    migrate.upgrade(database_url)
    assert migrate.current(database_url) == migrate.head()


def test_open_database_brings_an_empty_database_to_head(database_url: str) -> None:
    engine = open_database(database_url)
    try:
        assert migrate.current(engine) == migrate.head()
    finally:
        engine.dispose()


def test_schema_behind_without_auto_upgrade_says_the_command(database_url: str) -> None:
    with pytest.raises(SchemaBehindError) as raised:
        open_database(database_url, auto_upgrade=False)
    message = str(raised.value)
    assert f"maskscreen db upgrade --db {safe_url(database_url)}" in message
    assert "\n" not in message
    assert tables(database_url) == set()


def test_schema_ahead_is_refused(database_url: str) -> None:
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
        with pytest.raises(SchemaAheadError) as raised:
            migrate.ensure_schema(engine)
    finally:
        engine.dispose()
    message = str(raised.value)
    assert "9999_future" in message and "upgrade maskscreen" in message
    with pytest.raises(SchemaAheadError):
        open_database(database_url).dispose()


def test_stamp_records_a_revision_without_migrating(database_url: str) -> None:
    migrate.stamp(database_url, "head")
    assert migrate.current(database_url) == migrate.head()
    assert tables(database_url) == set()


def alembic(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "alembic", *args]
    return subprocess.run(
        command, check=False, cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_alembic_command_line_works_from_a_checkout(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    done = alembic("-x", f"db={url}", "upgrade", "head")
    assert done.returncode == 0, done.stderr
    assert tables(url) == TABLES
    assert migrate.current(url) == migrate.head()
    checked = alembic("-x", f"db={url}", "check")
    assert checked.returncode == 0, checked.stderr


def test_alembic_writes_the_sql_offline(tmp_path: Path) -> None:
    done = alembic("-x", f"db=sqlite:///{tmp_path / 'never.sqlite'}", "upgrade", "head", "--sql")
    assert done.returncode == 0, done.stderr
    assert "CREATE TABLE listings" in done.stdout and "CREATE VIEW flagged_listings" in done.stdout
    assert not (tmp_path / "never.sqlite").exists()


def test_migrations_are_found_without_alembic_ini(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # An installed wheel has no alembic.ini: the config is built in code.
    monkeypatch.chdir(tmp_path)
    location = migrate.alembic_config().get_main_option("script_location")
    assert location == str(migrate.MIGRATIONS_DIR)
    newest = max(p.name[:4] for p in (migrate.MIGRATIONS_DIR / "versions").glob("0*.py"))
    assert migrate.head() == newest
