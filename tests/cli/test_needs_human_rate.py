"""The needs_human rate: from MASKSCREEN_NEEDS_HUMAN_RATE or the configuration file to
the store, on SQLite and PostgreSQL; a bad value is one line and exit 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from maskscreen.cli.context import ConfigError, Resources, Settings
from maskscreen.cli.main import cli
from maskscreen.db import store
from maskscreen.db.models import Review
from tests.db.factories import benign_verdict, make_listing

UNSUPPORTED = benign_verdict(language="ko", language_supported=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path, pg_database_url):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'rate.sqlite'}"
    return pg_database_url("rate")


@pytest.fixture(autouse=True)
def no_config_file(tmp_path, monkeypatch):
    """No user configuration file: an empty one, unless a test writes its own."""
    empty = tmp_path / "empty.toml"
    empty.write_text("")
    monkeypatch.setenv("MASKSCREEN_CONFIG", str(empty))
    return empty


def cases_opened(resources: Resources, n: int, start: int = 0) -> int:
    """Cases opened for n new unflagged listings in a language the model does not cover."""
    with Session(resources.engine()) as session, session.begin():
        site = store.get_or_create_site(session, "shop")
        new = [make_listing(i) for i in range(start, start + n)]
        rows = store.upsert_listings(session, site, new)
        opened = store.record_classifications(session, [(r.version_id, UNSUPPORTED) for r in rows])
        ids = [r.listing_id for r in rows]
        assert opened == session.scalar(
            select(func.count()).select_from(Review).where(Review.listing_id.in_(ids))
        )
        return opened


def test_the_environment_sets_the_rate(url, monkeypatch) -> None:
    monkeypatch.setenv("MASKSCREEN_NEEDS_HUMAN_RATE", "0")
    settings = Settings()
    settings.set("database_url", url)
    resources = Resources(settings)
    try:
        assert cases_opened(resources, 20) == 0
    finally:
        resources.close()


def test_the_config_file_sets_the_rate_and_the_default_sends_all(url, tmp_path, monkeypatch):
    config = tmp_path / "maskscreen.toml"
    config.write_text("needs_human_rate = 0.5\n")
    monkeypatch.delenv("MASKSCREEN_NEEDS_HUMAN_RATE", raising=False)
    monkeypatch.setenv("MASKSCREEN_CONFIG", str(config))
    settings = Settings()
    settings.set("database_url", url)
    resources = Resources(settings)
    try:
        opened = cases_opened(resources, 200)
    finally:
        resources.close()
    assert 60 < opened < 140  # about half, chosen by listing id
    config.write_text("")
    settings = Settings()
    settings.set("database_url", url)
    resources = Resources(settings)
    try:  # no setting: every such listing
        assert cases_opened(resources, 50, start=1000) == 50
    finally:
        resources.close()


@pytest.mark.parametrize("value", ["1.5", "-0.1", "lots", "nan"])
def test_a_bad_rate_is_one_line_and_exit_2(value, tmp_path):
    result = CliRunner(env={"MASKSCREEN_NEEDS_HUMAN_RATE": value}).invoke(
        cli, ["review", "list", "--db", f"sqlite:///{tmp_path / 'x.sqlite'}"]
    )
    assert result.exit_code == 2, result.output
    assert "MASKSCREEN_NEEDS_HUMAN_RATE" in result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_a_bad_rate_in_the_file_names_the_setting(tmp_path, monkeypatch):
    config = tmp_path / "maskscreen.toml"
    config.write_text('needs_human_rate = "all"\n')
    monkeypatch.delenv("MASKSCREEN_NEEDS_HUMAN_RATE", raising=False)
    monkeypatch.setenv("MASKSCREEN_CONFIG", str(config))
    resources = Resources(Settings())
    with pytest.raises(ConfigError, match="needs_human_rate"):
        resources.sites_dir  # noqa: B018 (reading a setting resolves them all)
