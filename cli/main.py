"""The `maskscreen` command group: logging, errors, and the command modules."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from maskscreen.cli import EXIT_BUSY, EXIT_ERROR, __version__
from maskscreen.cli.context import Resources


def known_errors() -> tuple[type[Exception], ...]:
    """Domain errors that become one line on stderr instead of a traceback."""
    from maskscreen.classifier.corpus import CorpusError
    from maskscreen.classifier.model import ModelError
    from maskscreen.classifier.signals import PatternFileError
    from maskscreen.cli.context import ConfigError
    from maskscreen.cli.inputs import InputError
    from maskscreen.crawler.alerts import AlertConfigError
    from maskscreen.crawler.frontier import FrontierUnavailable
    from maskscreen.crawler.profiles import ProfileError
    from maskscreen.crawler.run import CrawlBusy
    from maskscreen.crawler.schedule import ScheduleError
    from maskscreen.db.errors import StoreError

    return (
        CorpusError,
        ModelError,
        PatternFileError,
        InputError,
        StoreError,
        ProfileError,
        CrawlBusy,
        AlertConfigError,
        ScheduleError,
        FrontierUnavailable,
        ConfigError,
    )


def exit_code(exc: Exception) -> int:
    """3 when the site is busy (another crawl holds its lease or job), else 2."""
    from maskscreen.crawler.run import CrawlBusy
    from maskscreen.db.leases import LeaseHeld

    return EXIT_BUSY if isinstance(exc, (CrawlBusy, LeaseHeld)) else EXIT_ERROR


# Commands whose module is loaded on its own when they are run: a one-off
# `maskscreen check --text` then starts without Scrapy, SQLAlchemy or matplotlib.
# Anything else that looks at the commands (other commands, --help, tests)
# registers every command module first, as before.
LIGHT_COMMANDS = {"check": "maskscreen.cli.check", "classify": "maskscreen.cli.check"}


class MaskscreenGroup(click.Group):
    @property
    def commands(self) -> dict[str, click.Command]:
        _register()
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._commands[name or cmd.name] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LIGHT_COMMANDS:
            if cmd_name not in self._commands:
                importlib.import_module(LIGHT_COMMANDS[cmd_name]).register(self)
            return self._commands.get(cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise  # click's own: no need to import every package to find the domain errors
        except Exception as exc:
            if not isinstance(exc, known_errors()):
                raise
            click.echo(f"maskscreen: error: {exc}", err=True)
            ctx.exit(exit_code(exc))


@click.group(cls=MaskscreenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="maskscreen")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Find listings that sell realistic human face masks and custom copies of a real face.

    \b
    Example:
      maskscreen demo
      maskscreen check --text "silicone old man mask, passes face ID, add WeChat"
    """
    level = (
        logging.ERROR if quiet else [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # The level sits on the handler too: Scrapy sets its own loggers to DEBUG.
    handler.setLevel(level)
    root = logging.getLogger()
    if not verbose:
        # A failed fetch is counted and reported once by maskscreen; Scrapy's
        # download middlewares would add a traceback per URL. (A filter on the
        # handler, because Scrapy resets its loggers' levels when a crawl starts.)
        handler.addFilter(
            lambda record: not record.name.startswith("scrapy.downloadermiddlewares.")
        )
    root.handlers[:] = [handler]
    root.setLevel(level)
    ctx = click.get_current_context()
    ctx.obj = Resources()
    ctx.call_on_close(ctx.obj.close)  # every command path disposes what it opened


_registered = False


def _register() -> None:
    global _registered
    if _registered:
        return
    from maskscreen.cli import (
        audit,
        check,
        crawl,
        database,
        demo,
        export,
        model,
        recheck,
        report,
        review,
        run_due,
        runs,
        sellers,
        sites,
        stats,
    )

    for module in (check, crawl, database, model, export, stats, report, audit, sites, recheck):
        module.register(cli)
    for module in (review, sellers, runs, run_due, demo):
        module.register(cli)
    _registered = True


def main() -> None:
    cli(prog_name="maskscreen")
