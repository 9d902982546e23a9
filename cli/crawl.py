"""`maskscreen crawl` and `maskscreen demo`."""

from __future__ import annotations

import re
import shlex
import sys

import click

from maskscreen.cli import EXIT_ERROR
from maskscreen.cli.options import database_option, model_option
from maskscreen.cli.output import log_level, summary_line
from maskscreen.cli.sites import resolve_sites_dir, sites_dir_option


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
def resolve_target(session, target: str, sites_dir: str | None = None):
    """(start URL, site profile, site name) for URL_OR_SITE: a URL, a site profile's
    name, or the name of a site crawled before; unknown names are refused."""
    from sqlalchemy import select

    from maskscreen.crawler.profiles import find_profile, scan_profiles
    from maskscreen.db.models import Site

    if target.startswith(("http://", "https://")):
        return target, None, None
    profile = find_profile(target, sites_dir)
    if profile is not None:
        return None, profile, None
    site = session.execute(select(Site).where(Site.name == target)).scalar_one_or_none()
    if site is None or not site.base_url:
        known = session.execute(select(Site.name).order_by(Site.name)).scalars().all()
        known = sorted(set(known) | set(scan_profiles(sites_dir)[0]))
        hint = f"; known sites: {', '.join(known)}" if known else ""
        raise click.UsageError(f"unknown site {target!r}: give a start URL (https://…){hint}")
    return site.base_url, None, site.name


def crawl_into(
    engine_url: str,
    start_url: str | None,
    site: str | None,
    model_dir,
    max_pages,
    log_level,
    plan=None,
    frontier: dict | None = None,
):
    """Run the crawl `plan` (crawler.jobs.plan.CrawlPlan), or an HTML crawl of `start_url`.

    `frontier`: crawler.jobs.frontier.frontier_settings, to share the crawl with other workers
    (their Redis frontier replaces the job directory and the per-site lease)."""
    from maskscreen.crawler.jobs.alerts import configured_alerts
    from maskscreen.crawler.jobs.job import run_crawl

    overrides = {**(plan.settings if plan else {}), **(frontier or {})}
    shared = {"resume": False, "lease": False} if frontier else {}
    if plan is not None and plan.monitors is not None:
        shared["monitors"] = plan.monitors
    if frontier:
        # A worker's run holds only its share of the crawl: comparing its listings with
        # whole crawls would cry wolf, so the count monitors are off for workers.
        from dataclasses import replace

        from maskscreen.crawler.jobs.monitors import Thresholds

        base = shared.get("monitors") or Thresholds()
        shared["monitors"] = replace(base, max_drop=1.0, many_listings=10**9)
    progress = Progress(sys.stderr.isatty())
    summary = run_crawl(
        plan.start_urls if plan else [start_url],
        database_url=engine_url,
        site=site,
        model_dir=model_dir,
        max_pages=max_pages,
        log_level=log_level,
        command=shlex.join(["maskscreen", *sys.argv[1:]]),
        on_result=progress,
        own_logging=False,
        via=plan.via if plan else "html",
        spider_args=plan.spider_args if plan else None,
        settings_overrides=overrides or None,
        alerts=configured_alerts(),
        **shared,
    )
    progress.done()
    return summary


def _currency(ctx, param, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise click.BadParameter("an ISO 4217 code such as USD or CNY")
    return value.strip().upper() if value else None


def _redis_url(ctx, param, value: str | None) -> str | None:
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise click.BadParameter("a Redis URL: redis://HOST:PORT/DB")
    return value or None


@click.command()
@click.argument("target", metavar="URL_OR_SITE")
@click.option(
    "--site",
    help="Store listings under this site name (default: the URL's host or the profile's name).",
)
@click.option("--max-pages", type=click.IntRange(1), help="Stop after this many pages.")
@click.option(
    "--via",
    type=click.Choice(["auto", "html", "shopify", "woocommerce", "sitemap"]),
    help="How to read the shop: its Shopify products.json, WooCommerce Store API, "
    "sitemaps, or HTML pages. Default: the profile's, else auto (a shop's home URL "
    "is probed: shopify > woocommerce > sitemap > html).",
)
@click.option(
    "--currency",
    callback=_currency,
    metavar="CODE",
    help="Currency of prices whose API does not say (Shopify), e.g. USD.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Crawl a site profile on another host (a mirror, a local copy): its URLs move there.",
)
@click.option(
    "--frontier",
    metavar="REDIS_URL",
    envvar="MASKSCREEN_FRONTIER",
    callback=_redis_url,
    help="Share the crawl with the workers on other machines that run the same "
    "command: one request queue and duplicate filter in Redis "
    "(redis://HOST:PORT/DB; docs/operations.md). Default: MASKSCREEN_FRONTIER.",
)
@click.option(
    "--frontier-key",
    metavar="KEY",
    help="Name of the shared crawl in Redis "
    "(default: from the site, the start URLs and the database).",
)
@sites_dir_option
@database_option
@model_option
def crawl(
    target,
    site,
    max_pages,
    via,
    currency,
    base_url,
    frontier,
    frontier_key,
    sites_dir,
    database_url,
    model_dir,
) -> None:
    """Crawl a shop or a site profile: classify and store every listing.

    URL_OR_SITE is a start URL, a site profile's name (`maskscreen sites list`),
    or the name of a site crawled before. Prints a summary at the end; progress
    goes to stderr on a terminal.

    \b
    Example:
      maskscreen crawl https://shop.example                 # detects Shopify, WooCommerce, sitemaps
      maskscreen crawl https://shop.example/search?q=silicone+mask --max-pages 200
      maskscreen crawl demo-shop --base-url http://127.0.0.1:8765
      maskscreen crawl https://shop.example --frontier redis://10.0.0.5:6379/0   # on each worker
    """
    from sqlalchemy.orm import Session

    from maskscreen.crawler.jobs.plan import plan_crawl
    from maskscreen.crawler.pipelines import shared_model
    from maskscreen.db.session import safe_url

    shared_model(model_dir)  # fail fast as one line; the crawl's pipeline reuses this copy
    redis_client, unreachable = _reach_frontier(frontier)
    engine = _open_database(database_url, redis_client)
    with Session(engine) as session:
        start_url, profile, known_site = resolve_target(
            session, target, resolve_sites_dir(sites_dir)
        )
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    if base_url and profile is None:
        raise click.UsageError("--base-url moves a site profile; give a profile's name")
    if profile is not None and base_url:
        profile = profile.with_base_url(base_url)
    plan = plan_crawl(
        url=start_url,
        profile=profile,
        via=None if via == "auto" else via,
        currency=currency,
        max_pages=max_pages,
        site=site or known_site,
    )
    shared = None
    if frontier:
        from maskscreen.crawler.jobs.frontier import frontier_key as default_key
        from maskscreen.crawler.jobs.frontier import frontier_settings
        from maskscreen.crawler.jobs.job import site_from_url

        site_name = plan.site or site_from_url(plan.start_urls[0])
        if unreachable is not None:
            _record_failed_run(url, site_name, plan.start_urls[0])
            raise unreachable
        key = frontier_key or default_key(site_name, plan.start_urls, url)
        shared = frontier_settings(frontier, key)
        click.echo(f"sharing the crawl through the frontier {key}", err=True)
    how = "detected" if plan.detected else "chosen"
    click.echo(
        f"crawling via {plan.via} ({how}) from {plan.start_urls[0]}"
        + (f" and {len(plan.start_urls) - 1} more" if len(plan.start_urls) > 1 else ""),
        err=True,
    )
    summary = crawl_into(
        url, None, plan.site, model_dir, plan.max_pages, log_level(), plan=plan, frontier=shared
    )
    click.echo(summary_line(summary))
    for result in summary.monitors or []:
        if not result["passed"]:
            click.echo(f"monitor {result['name']} failed: {result['message']}", err=True)
    click.echo(f"database: {safe_url(url)}", err=True)
    if summary.finish_reason != "finished":
        resumable = summary.resume_dir or (shared and summary.finish_reason == "shutdown")
        hint = "; run the same command again to resume" if resumable else ""
        click.echo(
            f"maskscreen: error: crawl ended early ({summary.finish_reason}){hint}", err=True
        )
        sys.exit(EXIT_ERROR)


def _reach_frontier(frontier: str | None):
    """(Redis client, None) or (None, FrontierUnavailable): the error is raised once the
    failed run can be recorded under its site."""
    if not frontier:
        return None, None
    from maskscreen.crawler.jobs.frontier import FrontierUnavailable, connect

    try:
        return connect(frontier), None
    except FrontierUnavailable as exc:
        return None, exc


def _open_database(database_url: str | None, redis_client):
    """open_database; the workers of a shared crawl take turns, so that two of them
    never migrate one fresh database at the same time."""
    from maskscreen.db.migrate import open_database
    from maskscreen.db.session import resolve_url

    if redis_client is None:
        return open_database(database_url)
    import hashlib

    name = hashlib.sha256(resolve_url(database_url).encode()).hexdigest()[:12]
    try:
        with redis_client.lock(
            f"maskscreen:open-database:{name}", timeout=600, blocking_timeout=600
        ):
            return open_database(database_url)
    finally:
        redis_client.close()


def _record_failed_run(url: str, site: str, start_url: str) -> None:
    """A crawl that could not start: a failed run, so that monitoring sees it."""
    from urllib.parse import urlsplit

    from sqlalchemy.orm import Session

    from maskscreen.db import store
    from maskscreen.db.migrate import open_database

    parts = urlsplit(start_url)
    engine = open_database(url)
    try:
        with Session(engine) as session, session.begin():
            site_id = store.get_or_create_site(
                session, site, base_url=f"{parts.scheme}://{parts.netloc}"
            )
            run_id = store.start_crawl_run(
                session, site_id, command=shlex.join(["maskscreen", *sys.argv[1:]])
            )
            store.finish_crawl_run(session, run_id, status="failed", counts={}, dropped={})
    finally:
        engine.dispose()


def register(group: click.Group) -> None:
    group.add_command(crawl)
