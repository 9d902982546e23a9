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


def test_upgrade_to_0008_merges_one_url_under_two_sites(database_url: str) -> None:
    """At 0007 the same URL under two site names was two listings and two cases: 0008
    folds them into the older listing, keeps every decision and sighting."""
    migrate.upgrade(database_url, "0007")
    engine = make_engine(database_url)
    url = "https://shop.example/products/1"
    stamp = "2026-05-01 12:00:00"
    later = "2026-05-03 12:00:00"
    with engine.begin() as connection:
        run = connection.execute

        def insert(sql: str, **params: object) -> None:
            run(text(sql), params)

        insert("INSERT INTO sites (id, name, created_at) VALUES (1, 'shop', :t), (2, 'shop2', :t)",
               t=stamp)  # fmt: skip
        for lid, site, seen in ((1, 1, stamp), (2, 2, later), (3, 1, stamp)):
            other_url = url if lid < 3 else "https://shop.example/products/3"
            insert("INSERT INTO listings (id, site_id, url, first_seen_at, last_seen_at, status)"
                   " VALUES (:id, :site, :url, :t, :seen, 'live')",
                   id=lid, site=site, url=other_url, t=stamp, seen=seen)  # fmt: skip
        # Listing 1: content A; listing 2: content A and the newer B; listing 3: alone.
        for vid, lid, digest in ((1, 1, "a"), (2, 2, "a"), (3, 2, "b"), (4, 3, "c")):
            insert("INSERT INTO listing_versions (id, listing_id, content_hash, seen_at, images)"
                   " VALUES (:v, :l, :h, :t, '[]')", v=vid, l=lid, h=digest * 64, t=stamp)  # fmt: skip
        insert("UPDATE listings SET current_version_id = 1, content_hash = :h WHERE id = 1",
               h="a" * 64)  # fmt: skip
        insert("UPDATE listings SET current_version_id = 3, content_hash = :h WHERE id = 2",
               h="b" * 64)  # fmt: skip
        insert("UPDATE listings SET current_version_id = 4 WHERE id = 3")
        for cid, vid in ((1, 1), (2, 2), (3, 3), (4, 4)):
            insert("INSERT INTO classifications (id, listing_version_id, model_version, label,"
                   " score, scores, flagged, signals, reasons, created_at) VALUES"
                   " (:c, :v, 'm1', 'realistic_face_mask', 0.9, '{}', :f, '{}', '[]', :t)",
                   c=cid, v=vid, t=stamp, f=True)  # fmt: skip
        insert("INSERT INTO evidence (listing_version_id, fetched_at, url, sha256, size,"
               " truncated, body) VALUES (2, :t, :url, :h, 1, :no, :body)",
               t=stamp, url=url, h="e" * 64, no=False, body=b"x")  # fmt: skip
        # Case 1 (listing 1) open; case 2 (listing 2) confirmed with its events.
        insert("INSERT INTO reviews (id, listing_id, status, priority, opened_at, updated_at,"
               " classification_id, source, version) VALUES"
               " (1, 1, 'open', 0.9, :t, :t, 1, 'flag', 1),"
               " (2, 2, 'confirmed', 0.9, :t, :t, 2, 'flag', 2)", t=stamp)  # fmt: skip
        insert("INSERT INTO review_events (review_id, reviewer, at, from_status, to_status, note)"
               " VALUES (1, 'maskscreen', :t, NULL, 'open', 'flagged'),"
               " (2, 'maskscreen', :t, NULL, 'open', 'flagged'),"
               " (2, 'alice', :t, 'open', 'confirmed', 'a copy of a real face')", t=stamp)  # fmt: skip
        insert("INSERT INTO listing_checks (listing_id, checked_at, outcome) VALUES (2, :t, 'live')",
               t=stamp)  # fmt: skip
        if engine.dialect.name == "postgresql":  # ids given above: move the sequences on
            for table in ("sites", "listings", "listing_versions", "classifications", "reviews"):
                insert(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 100)")
    migrate.upgrade(engine)
    with engine.connect() as connection:

        def rows(sql: str) -> list:
            return [tuple(r) for r in connection.execute(text(sql)).all()]

        assert rows("SELECT id, site_id, current_version_id FROM listings ORDER BY id") == [
            (1, 1, 3), (3, 1, 4)
        ]  # fmt: skip
        assert rows("SELECT id, listing_id FROM listing_versions ORDER BY id") == [
            (1, 1), (3, 1), (4, 3)
        ]  # fmt: skip
        # Listing 2's verdict on content A duplicated listing 1's (same model): dropped, and
        # the case that pointed at it now points at the kept one; its evidence moved.
        assert rows("SELECT id, listing_version_id FROM classifications ORDER BY id") == [
            (1, 1), (3, 3), (4, 4)
        ]  # fmt: skip
        assert rows("SELECT listing_version_id FROM evidence") == [(1,)]
        # The decided case stays, on the kept listing, with every event of both cases.
        assert rows("SELECT id, listing_id, status, classification_id FROM reviews") == [
            (2, 1, "confirmed", 1)
        ]
        notes = [n for (n,) in rows("SELECT note FROM review_events ORDER BY id")]
        assert notes[:3] == ["flagged", "flagged", "a copy of a real face"]
        assert "merged case 1" in notes[3] and len(notes) == 4
        assert rows("SELECT count(*) FROM review_events WHERE review_id <> 2") == [(0,)]
        assert rows("SELECT listing_id, site_id FROM listing_sites") == [(1, 2)]
        assert rows("SELECT listing_id FROM listing_checks") == [(1,)]
        assert rows("SELECT count(*) FROM flagged_listings") == [(2,)]
    with Session(engine) as session, session.begin():
        # Now the URL is one listing under either name.
        [again] = store.upsert_listings(session, 2, [make_listing(1, url=url)])
        assert again.listing_id == 1
    migrate.downgrade(engine, "0007")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM listings")).scalar_one() == 2
        assert "listing_sites" not in inspect(connection).get_table_names()
    engine.dispose()


def test_upgrade_to_0008_gives_existing_cases_their_sellers(database_url: str) -> None:
    migrate.upgrade(database_url, "0007")
    engine = make_engine(database_url)
    stamp = "2026-05-01 12:00:00"
    with engine.begin() as connection:
        for sql in (
            "INSERT INTO sites (id, name, created_at) VALUES (1, 'shop', :t)",
            "INSERT INTO sellers (id, site_id, key, first_seen_at) VALUES (7, 1, 'maker', :t)",
            "INSERT INTO listings (id, site_id, url, first_seen_at, last_seen_at, status,"
            " seller_id) VALUES (1, 1, 'https://shop.example/1', :t, :t, 'live', 7),"
            " (2, 1, 'https://shop.example/2', :t, :t, 'live', NULL)",
            "INSERT INTO reviews (id, listing_id, status, priority, opened_at, updated_at,"
            " source, version) VALUES (1, 1, 'open', 1, :t, :t, 'flag', 1),"
            " (2, 2, 'open', 1, :t, :t, 'flag', 1)",
        ):
            connection.execute(text(sql), {"t": stamp})
    migrate.upgrade(engine)
    with engine.begin() as connection:
        found = connection.execute(text("SELECT id, seller_id FROM reviews ORDER BY id")).all()
        assert [tuple(r) for r in found] == [(1, 7), (2, None)]
        # The triggers keep it: a listing linked later passes its seller to its case.
        connection.execute(text("UPDATE listings SET seller_id = 7 WHERE id = 2"))
        assert connection.execute(text("SELECT seller_id FROM reviews WHERE id = 2")).scalar() == 7
    migrate.downgrade(engine, "0007")
    assert "seller_id" not in {c["name"] for c in inspect(engine).get_columns("reviews")}
    migrate.upgrade(engine)
    engine.dispose()
