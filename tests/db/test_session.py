"""URLs, engines and opening a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from maskscreen.db import session as session_module
from maskscreen.db.errors import DatabaseUnavailable
from maskscreen.db.migrate import open_database
from maskscreen.db.models import Site
from maskscreen.db.session import (
    connect,
    default_database_path,
    make_engine,
    resolve_url,
)


def test_no_url_means_the_default_sqlite_file() -> None:
    assert resolve_url(None) == f"sqlite:///{default_database_path()}"
    assert default_database_path().name == "maskscreen.sqlite"
    assert "maskscreen" in default_database_path().parent.parts[-1]


@pytest.mark.parametrize(
    "given",
    ["postgresql://u:p@db.example/maskscreen", "postgres://u:p@db.example/maskscreen"],
)
def test_postgres_urls_use_psycopg(given: str) -> None:
    assert resolve_url(given) == "postgresql+psycopg://u:p@db.example/maskscreen"


def test_explicit_urls_are_kept() -> None:
    assert resolve_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"
    assert resolve_url("postgresql+psycopg://h/d") == "postgresql+psycopg://h/d"


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        engine.dispose()


def test_the_default_files_directory_is_created(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "new" / "dir" / "maskscreen.sqlite"
    monkeypatch.setattr(session_module, "default_database_path", lambda: path)
    open_database(None).dispose()
    assert path.exists()


def test_sqlite_directory_that_cannot_be_made_is_unavailable(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    url = f"sqlite:///{tmp_path / 'a-file' / 'sub' / 'maskscreen.sqlite'}"
    with pytest.raises(DatabaseUnavailable) as raised:
        open_database(url)
    assert "\n" not in str(raised.value)
    assert "a-file" in str(raised.value)


def test_a_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are notes, not a database" * 100)
    with pytest.raises(DatabaseUnavailable) as raised:
        open_database(f"sqlite:///{path}")
    assert "\n" not in str(raised.value)


def test_unreachable_postgresql_is_unavailable_in_one_line() -> None:
    url = "postgresql://maskscreen:secret@127.0.0.1:1/maskscreen"
    with pytest.raises(DatabaseUnavailable) as raised:
        open_database(url)
    message = str(raised.value)
    assert "\n" not in message
    shown = "postgresql+psycopg://maskscreen:***@127.0.0.1:1/maskscreen"
    assert message.startswith(f"cannot open database {shown}: ")
    assert "secret" not in message


def test_connect_leaves_the_schema_alone(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'x.sqlite'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar() == 0
    finally:
        engine.dispose()
    with pytest.raises(DatabaseUnavailable):
        connect("postgresql://127.0.0.1:1/maskscreen")


def test_foreign_keys_are_enforced(session: Session) -> None:
    with pytest.raises(IntegrityError, match="(?i)foreign key"):
        session.execute(
            text(
                "INSERT INTO listings (site_id, url, first_seen_at, last_seen_at, status)"
                " VALUES (424242, 'https://x.example/', '2026-01-01', '2026-01-01', 'live')"
            )
        )
        session.flush()


def test_timestamps_come_back_as_aware_utc(session: Session) -> None:
    paris_summer = timezone(timedelta(hours=2))
    site = Site(name="tz", created_at=datetime(2026, 6, 1, 14, 0, tzinfo=paris_summer))
    naive = Site(name="naive", created_at=datetime(2026, 6, 1, 12, 0))
    session.add_all([site, naive])
    session.flush()
    session.expire_all()
    rows = dict(session.execute(select(Site.name, Site.created_at)).all())
    assert rows["tz"] == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    assert rows["tz"].tzinfo == UTC
    assert rows["naive"] == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_a_sqlite_file_in_a_missing_folder_is_refused_not_created(tmp_path) -> None:
    missing = tmp_path / "no" / "such" / "dir"
    with pytest.raises(DatabaseUnavailable, match="no such directory"):
        connect(f"sqlite:///{missing / 'x.sqlite'}")
    assert not missing.exists()


def test_a_postgresql_url_without_its_driver_names_the_extra() -> None:
    with pytest.raises(DatabaseUnavailable, match=r"maskscreen\[postgres\]"):
        make_engine("postgresql+pg8000://user@127.0.0.1/db")


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "maskscreen crawl shop --db postgresql://crawler:s3cr3t@db.internal/maskscreen",
            "maskscreen crawl shop --db postgresql://crawler:***@db.internal/maskscreen",
        ),
        ("--frontier redis://:hunter2@10.0.0.5:6379/0", "--frontier redis://:***@10.0.0.5:6379/0"),
        ("https://user@shop.example/p/1", "https://user@shop.example/p/1"),  # no password
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_credentials_are_redacted_from_any_text(text, redacted) -> None:
    from maskscreen.db import redact_credentials

    assert redact_credentials(text) == redacted


def test_a_run_stores_its_command_without_the_password(tmp_path) -> None:
    from sqlalchemy.orm import Session

    from maskscreen.db import runs, store

    engine = open_database(f"sqlite:///{tmp_path / 'r.sqlite'}")
    with Session(engine) as session, session.begin():
        site = store.get_or_create_site(session, "shop")
        run = runs.start_crawl_run(session, site, "maskscreen crawl x --db postgresql://u:pw@h/db")
        [row] = runs.run_history(session)
    engine.dispose()
    assert row["id"] == run
    assert row["command"] == "maskscreen crawl x --db postgresql://u:***@h/db"
