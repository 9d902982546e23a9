"""What a command opens, opened once: the settings, the database engine, the model.

The group callback (cli/main.py) puts one `Resources` on click's context object and
registers its `close` with `call_on_close`, so every command path, failures included,
disposes the engine it opened. Option callbacks (cli/options.py) write what the user
gave into `Resources.settings`; a command asks for `resources().session()` or
`resources().model()` and passes them down. Packages below receive them as arguments
and read no environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

CONFIG_ENV = "MASKSCREEN_CONFIG"
RATE_ENV = "MASKSCREEN_NEEDS_HUMAN_RATE"


class ConfigError(Exception):
    """A configuration file that cannot be read or holds unknown keys."""


@dataclass
class Settings:
    """Everything a command may be configured with, resolved once at the edge.

    Precedence: a flag, then its environment variable (click reads both), then the
    configuration file (MASKSCREEN_CONFIG, else <user config dir>/maskscreen/config.toml,
    if it exists), then the default.
    """

    database_url: str | None = None
    model_dir: str | None = None
    sites_dir: str | None = None
    # The share (0–1) of unflagged listings in languages the model does not cover that
    # go to the review queue as needs_human (MASKSCREEN_NEEDS_HUMAN_RATE or the file;
    # default: the store's, all of them).
    needs_human_rate: float | None = None
    given: set[str] = field(default_factory=set, repr=False)  # set by a flag or env

    def set(self, name: str, value: Any) -> None:
        if value is not None:
            setattr(self, name, value)
            self.given.add(name)

    def with_config_file(self, path: Path | None = None) -> Settings:
        """Fill what no flag or environment variable gave from the configuration file."""
        path = path or config_path()
        if path is None or not path.is_file():
            return self
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read configuration file {path}: {exc}") from exc
        known = {f.name for f in fields(self)} - {"given"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"{path}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})"
            )
        for name, value in data.items():
            if name not in self.given:
                setattr(self, name, value)
        return self


def _rate(value: Any, where: str) -> float:
    """A share between 0 and 1, or ConfigError saying where it came from."""
    try:
        rate = float(value)
    except (TypeError, ValueError):
        rate = -1.0
    if isinstance(value, bool) or not 0.0 <= rate <= 1.0:
        raise ConfigError(f"{where}: expected a number from 0 to 1, not {str(value)[:40]!r}")
    return rate


def config_path() -> Path | None:
    explicit = os.environ.get(CONFIG_ENV)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV}={explicit}: no such file")
        return path
    import platformdirs

    return Path(platformdirs.user_config_dir("maskscreen")) / "config.toml"


class Resources:
    """One command's settings, database engine and model, each opened at most once."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self._engine: Engine | None = None
        self._model: Any = None
        self._resolved = False

    def _settings(self) -> Settings:
        if not self._resolved:
            rate = os.environ.get(RATE_ENV)
            if rate:
                self.settings.set("needs_human_rate", _rate(rate, RATE_ENV))
            self.settings.with_config_file()
            if self.settings.needs_human_rate is not None:
                self.settings.needs_human_rate = _rate(
                    self.settings.needs_human_rate, "needs_human_rate"
                )
            self._resolved = True
        return self.settings

    @property
    def database_url(self) -> str:
        """The database URL with its default filled in (it may carry a password:
        never print it; `safe_url` does that)."""
        from maskscreen.db import resolve_url

        return resolve_url(self._settings().database_url)

    def engine(self, migrate: bool = True) -> Engine:
        """The engine, connected and (with `migrate`) at the schema's head, or
        DatabaseUnavailable / SchemaBehindError saying how. One engine per command:
        the schema is checked when the engine is first opened."""
        if self._engine is None:
            if migrate:
                from maskscreen.db import open_database

                self._engine = open_database(self.database_url)
            else:
                from maskscreen.db import connect

                self._engine = connect(self.database_url)
            rate = self._settings().needs_human_rate
            if rate is not None:
                from maskscreen.db import store

                store.set_needs_human_rate(self._engine, rate)
        return self._engine

    @contextmanager
    def session(self, write: bool = True) -> Iterator[Session]:
        """A session on the one engine; with `write`, one transaction committed at the end."""
        from sqlalchemy.orm import Session

        with Session(self.engine()) as session:
            if write:
                with session.begin():
                    yield session
            else:
                yield session

    def model(self) -> Any:
        """The classifier model, loaded once (ModelError, one line, if it cannot be)."""
        if self._model is None:
            from maskscreen.classifier.model import load_model

            self._model = load_model(self._settings().model_dir)
        return self._model

    @property
    def model_dir(self) -> str | None:
        return self._settings().model_dir

    @property
    def sites_dir(self) -> str | None:
        return self._settings().sites_dir

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def resources() -> Resources:
    """The current command's resources (made by the group callback)."""
    ctx = click.get_current_context()
    found = ctx.find_object(Resources)
    if found is None:  # a command invoked on its own, outside the group (tests)
        root = ctx.find_root()
        found = root.obj = Resources()
        root.call_on_close(found.close)
    return found


def remember(name: str):
    """An option callback that records the option's value in the settings, and passes it on."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and value != ():
            resources().settings.set(name, value)
        return value

    return callback
