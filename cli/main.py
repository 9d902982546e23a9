"""The `maskscreen` command group: logging, errors, and the command modules."""

from __future__ import annotations

import logging
import sys

import click

from cli import EXIT_ERROR, __version__



def known_errors() -> tuple[type[Exception], ...]:
    """Domain errors that become one line on stderr instead of a traceback."""
    from classifier.corpus import CorpusError
    from classifier.model import ModelError
    from classifier.signals import PatternFileError
    from cli.inputs import InputError
    from crawler.profiles import ProfileError
    from crawler.run import CrawlBusy
    from db.errors import StoreError

    return (CorpusError, ModelError, PatternFileError, InputError, StoreError, ProfileError,
            CrawlBusy)


class MaskscreenGroup(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except known_errors() as exc:
            click.echo(f"maskscreen: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


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
    level = logging.ERROR if quiet else [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # The level sits on the handler too: Scrapy sets its own loggers to DEBUG.
    handler.setLevel(level)
    root = logging.getLogger()
    if not verbose:
        # A failed fetch is counted and reported once by maskscreen; Scrapy's
        # download middlewares would add a traceback per URL. (A filter on the
        # handler, because Scrapy resets its loggers' levels when a crawl starts.)
        handler.addFilter(lambda record: not record.name.startswith("scrapy.downloadermiddlewares."))
    root.handlers[:] = [handler]
    root.setLevel(level)


def _register() -> None:
    from cli import audit, check, crawl, database, export, model, recheck, report, sites, stats
    from cli import review, sellers

    for module in (check, crawl, database, model, export, stats, report, audit, sites, recheck):
        module.register(cli)
    for module in (review, sellers):
        module.register(cli)


_register()


def main() -> None:
    cli(prog_name="maskscreen")
