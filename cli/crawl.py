"""`maskscreen crawl` and `maskscreen demo`."""

from __future__ import annotations

import shlex
import sys

import click

from cli import EXIT_ERROR
from cli.options import database_option, model_option


class Progress:
    """A running count on stderr when it is a terminal; silent otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.seen = self.flagged = 0

    def __call__(self, result) -> None:
        self.seen += 1
        if result.verdict is not None and result.verdict.flagged:
            self.flagged += 1
        if self.enabled and self.seen % 5 == 0:
            click.echo(f"\r{self.seen} listings, {self.flagged} flagged", err=True, nl=False)

    def done(self) -> None:
        if self.enabled and self.seen:
            click.echo("\r" + " " * 40 + "\r", err=True, nl=False)


# Pages that hold no product are what category, search and home pages look
# like; they are counted, but they are not listings lost.
NO_PRODUCT = ("no_product", "no_jsonld")


def summary_line(summary) -> str:
    counts = summary.counts
    lost = {k: v for k, v in summary.dropped.items() if k not in NO_PRODUCT}
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(lost.items()))
    no_product = sum(summary.dropped.get(k, 0) for k in NO_PRODUCT)
    return (
        f"listings seen {counts['listings']} (new {counts['new']}, changed {counts['changed']}, "
        f"unchanged {counts['unchanged']}), flagged {counts['flagged']}, "
        f"dropped {sum(lost.values())}{f' ({reasons})' if reasons else ''}, errors {counts['errors']}; "
        f"pages {counts['pages']}, {no_product} without a product"
    )


def resolve_target(session, target: str) -> tuple[str, str | None]:
    """A start URL (and site name) for URL_OR_SITE; unknown names are refused."""
    from sqlalchemy import select

    from db.models import Site

    if target.startswith(("http://", "https://")):
        return target, None
    site = session.execute(select(Site).where(Site.name == target)).scalar_one_or_none()
    if site is None or not site.base_url:
        known = session.execute(select(Site.name).order_by(Site.name)).scalars().all()
        hint = f"; known sites: {', '.join(known)}" if known else ""
        raise click.UsageError(f"unknown site {target!r}: give a start URL (https://…){hint}")
    return site.base_url, site.name


def crawl_into(engine_url: str, start_url: str, site: str | None, model_dir, max_pages, log_level):
    from crawler.run import run_crawl

    progress = Progress(sys.stderr.isatty())
    summary = run_crawl(
        [start_url],
        database_url=engine_url,
        site=site,
        model_dir=model_dir,
        max_pages=max_pages,
        log_level=log_level,
        command=shlex.join(["maskscreen", *sys.argv[1:]]),
        on_result=progress,
        own_logging=False,
    )
    progress.done()
    return summary


def _log_level() -> str:
    import logging

    level = logging.getLogger().getEffectiveLevel()
    return logging.getLevelName(max(level, logging.DEBUG))


@click.command()
@click.argument("target", metavar="URL_OR_SITE")
@click.option("--site", help="Store listings under this site name (default: the URL's host).")
@click.option("--max-pages", type=click.IntRange(1), help="Stop after this many pages.")
@database_option
@model_option
def crawl(target, site, max_pages, database_url, model_dir) -> None:
    """Crawl a shop from a category or search page: classify and store every listing.

    URL_OR_SITE is a start URL, or the name of a site crawled before.
    Prints a summary at the end; progress goes to stderr on a terminal.

    \b
    Example:
      maskscreen crawl https://shop.example/search?q=silicone+mask --max-pages 200
    """
    from sqlalchemy.orm import Session

    from classifier.model import load_model
    from db.session import open_database, safe_url

    load_model(model_dir)
    engine = open_database(database_url)
    with Session(engine) as session:
        start_url, known_site = resolve_target(session, target)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    summary = crawl_into(url, start_url, site or known_site, model_dir, max_pages, _log_level())
    click.echo(summary_line(summary))
    click.echo(f"database: {safe_url(url)}", err=True)
    if summary.finish_reason != "finished":
        click.echo(f"maskscreen: error: crawl ended early ({summary.finish_reason})", err=True)
        sys.exit(EXIT_ERROR)


def register(group: click.Group) -> None:
    from cli.demo import demo

    group.add_command(crawl)
    group.add_command(demo)
