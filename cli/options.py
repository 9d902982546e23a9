"""Options shared by several commands, as decorators."""

from __future__ import annotations

import click

from maskscreen.cli.context import remember

DATABASE_HELP = (
    "Database URL (sqlite:///FILE or postgresql://USER@HOST/DB). "
    "Default: MASKSCREEN_DATABASE_URL, else the SQLite file {path}."
)


def _default_path() -> str:
    from maskscreen.db.session import default_database_path

    return str(default_database_path())


def database_option(func):
    return click.option(
        "--db",
        "database_url",
        envvar="MASKSCREEN_DATABASE_URL",
        metavar="URL",
        callback=remember("database_url"),
        help=DATABASE_HELP.format(path=_default_path()),
    )(func)


def model_option(func):
    return click.option(
        "--model",
        "model_dir",
        envvar="MASKSCREEN_MODEL",
        type=click.Path(file_okay=False),
        callback=remember("model_dir"),
        metavar="DIR",
        help="Model directory (from `maskscreen train`). Default: MASKSCREEN_MODEL, else the model shipped with maskscreen.",
    )(func)


def output_options(func):
    func = click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout.")(func)
    func = click.option("--json", "as_json", is_flag=True, help="JSON lines on stdout.")(func)
    return func


lease_ttl_option = click.option(
    "--lease-ttl",
    type=click.FloatRange(5),
    default=300,
    show_default=True,
    metavar="SECONDS",
    help="A lease not renewed for this long may be taken over.",
)
