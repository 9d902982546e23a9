"""`maskscreen crawl`: parse the options, plan the crawl, run it as a job, render."""

from __future__ import annotations

import re
import shlex
import sys

import click

from maskscreen.cli import EXIT_ERROR, EXIT_LOST
from maskscreen.cli.context import resources
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
    name, or the name of a site crawled before (from where it was first crawled: its
    start URL, e.g. https://shop.example/big/, not the host's root); unknown names are
    refused."""
    from maskscreen.crawler.profiles import find_profile, scan_profiles
    from maskscreen.db import runs as run_rows

    if target.startswith(("http://", "https://")):
        return target, None, None
    profile = find_profile(target, sites_dir)
    if profile is not None:
        return None, profile, None
    start_url = run_rows.site_start_url(session, target)
    if not start_url:
        known = sorted(set(run_rows.site_names(session)) | set(scan_profiles(sites_dir)[0]))
        hint = f"; known sites: {', '.join(known)}" if known else ""
        raise click.UsageError(f"unknown site {target!r}: give a start URL (https://…){hint}")
    return start_url, None, target


def check_crawlable(profile) -> None:
    """Refuse a profile whose listings are shown only to signed-in users (maskscreen
    never logs in: the crawl would read login walls), and warn before crawling an
    example profile (selectors unverified, the site's terms not checked). A profile
    moved with --base-url (a mirror, a saved copy) is not refused."""
    from maskscreen.cli.inputs import InputError

    if profile.requires_login:
        raise InputError(
            f"site {profile.name!r} shows its listings only to signed-in users and maskscreen "
            "never logs in; crawl a copy with --base-url (docs/marketplaces.md)"
        )
    if profile.example:
        click.echo(
            f"maskscreen: warning: {profile.name!r} is an example profile: check its selectors, "
            "the site's terms and robots.txt before relying on it (docs/marketplaces.md)",
            err=True,
        )


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
    from dataclasses import replace

    from maskscreen.crawler.jobs.alerts import configured_alerts
    from maskscreen.crawler.jobs.job import database_turn, run_crawl, shared_crawl_key
    from maskscreen.crawler.jobs.plan import plan_crawl
    from maskscreen.db import safe_url

    res = resources()
    model = res.model()  # fail fast as one line, before any crawl
    with database_turn(frontier, res.database_url):  # workers of a shared crawl take turns
        engine = res.engine()
    with res.session(write=False) as session:
        start_url, profile, known_site = resolve_target(
            session, target, resolve_sites_dir(sites_dir)
        )
    if base_url and profile is None:
        raise click.UsageError("--base-url moves a site profile; give a profile's name")
    if profile is not None and base_url:
        profile = profile.with_base_url(base_url)
    elif profile is not None:
        check_crawlable(profile)
    plan = plan_crawl(
        url=start_url,
        profile=profile,
        via=None if via == "auto" else via,
        currency=currency,
        max_pages=max_pages,
        site=site or known_site,
    )
    plan = replace(plan, command=shlex.join(["maskscreen", *sys.argv[1:]]))
    if frontier:
        plan = replace(plan, frontier=frontier, frontier_key=frontier_key)
        plan = replace(plan, frontier_key=shared_crawl_key(plan, engine))
    alerts = configured_alerts()
    how = "detected" if plan.detected else "chosen"
    if frontier:
        click.echo(f"sharing the crawl through the frontier {plan.frontier_key}", err=True)
    click.echo(
        f"crawling via {plan.via} ({how}) from {plan.start_urls[0]}"
        + (f" and {len(plan.start_urls) - 1} more" if len(plan.start_urls) > 1 else ""),
        err=True,
    )
    progress = Progress(sys.stderr.isatty())
    summary = run_crawl(plan, engine=engine, model=model, alerts=alerts, log_level=log_level(),
                        own_logging=False, on_result=progress)  # fmt: skip
    progress.done()
    click.echo(summary_line(summary))
    for result in summary.monitors or []:
        if not result["passed"]:
            click.echo(f"monitor {result['name']} failed: {result['message']}", err=True)
    click.echo(f"database: {safe_url(engine)}", err=True)
    if summary.unkept:
        click.echo(f"{summary.unkept} drops counted but not kept by URL (a run keeps a sample"
                   " of each reason; the counts are complete)", err=True)  # fmt: skip
    if summary.finish_reason != "finished":
        resumable = summary.resume_dir or (frontier and summary.finish_reason == "shutdown")
        hint = "; run the same command again to resume" if resumable else ""
        click.echo(
            f"maskscreen: error: crawl ended early ({summary.finish_reason}){hint}", err=True
        )
        sys.exit(EXIT_ERROR)
    if summary.status == "failed":
        where = f" (maskscreen runs --drops {summary.run_id})" if summary.run_id else ""
        click.echo(f"maskscreen: error: crawl failed: {summary.status_reason}{where}", err=True)
        sys.exit(EXIT_LOST)


def register(group: click.Group) -> None:
    group.add_command(crawl)
