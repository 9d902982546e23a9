"""`maskscreen demo`: serve the bundled demo shops, crawl them all, recheck the next day."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from maskscreen.cli import EXIT_ERROR
from maskscreen.cli.context import resources
from maskscreen.cli.options import model_option
from maskscreen.cli.output import clip, render, safe

SHOWN_PER_SHOP = 5  # flagged listings shown per shop; `maskscreen flagged` has the rest


def fresh_demo_database() -> str:
    """A new, empty SQLite file beside the default database."""
    from maskscreen.db import default_database_path

    path = Path(default_database_path()).with_name("demo.sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def stored_view(session, sites: list[str]) -> tuple[dict[str, list], dict[str, str], list]:
    """(flagged listings per site, source formats per site, time-to-removal rows)."""
    from sqlalchemy import func, select

    from maskscreen.db import Listing, ListingVersion, Site, analytics, store

    flagged = {
        site: sorted(store.query_flagged(session, site=site, limit=10_000), key=lambda r: -r.score)
        for site in sites
    }
    formats: dict[str, dict[str, int]] = {}
    rows = session.execute(
        select(Site.name, ListingVersion.source_format, func.count())
        .join(Listing, Listing.site_id == Site.id)
        .join(ListingVersion, ListingVersion.id == Listing.current_version_id)
        .where(Site.name.in_(sites))
        .group_by(Site.name, ListingVersion.source_format)
    )
    for site, source, count in rows:
        formats.setdefault(site, {})[source or "?"] = count
    removal = [row for row in analytics.removal_both_ways(session) if row.site in sites]
    shown = {site: ", ".join(sorted(found)) for site, found in formats.items()}
    return flagged, shown, removal


def flagged_table(rows: list) -> None:
    render(
        [
            {
                "score": row.score,
                "label": row.label,
                "title": row.title,
                "signals": row.signals,
                "reasons": "; ".join(clip(safe(r), 30) for r in row.reasons[:3]),
            }
            for row in rows
        ],
        ["score", "label", "title", "signals", "reasons"],
        limits={"title": 48, "reasons": 60, "signals": 40},
    )


def total_summary(tour):
    """The shops' summaries added up, as one crawler.jobs.job.CrawlSummary."""
    from maskscreen.crawler.jobs.job import CrawlSummary

    counts: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for shop in tour.crawls:
        for key, value in shop.summary.counts.items():
            counts[key] = counts.get(key, 0) + value
        for key, value in shop.summary.dropped.items():
            dropped[key] = dropped.get(key, 0) + value
    reasons = {shop.summary.finish_reason for shop in tour.crawls}
    return CrawlSummary(
        counts=counts,
        dropped=dropped,
        finish_reason=reasons.pop() if len(reasons) == 1 else "mixed",
    )


@click.command()
@click.option(
    "--db",
    "database_url",
    envvar="MASKSCREEN_DATABASE_URL",
    metavar="URL",
    help="Crawl into this database (default: MASKSCREEN_DATABASE_URL, else a fresh demo.sqlite "
    "beside the default database).",
)
@click.option(
    "--serve",
    is_flag=True,
    help="Keep serving the demo shops (on the next day) after the demo, until Ctrl-C.",
)
@model_option
def demo(database_url: str | None, serve: bool, model_dir: str | None) -> None:
    """Crawl the built-in demo shops on 127.0.0.1 and show what maskscreen flags.

    Serves six small shops, each on its own port: JSON-LD pages, microdata pages,
    a Shopify-style products.json, a WooCommerce Store API, a gzipped sitemap
    index, and a GBK-encoded Chinese marketplace with no structured data (read
    with the bundled site profile demo-zh-market). Each is probed and crawled
    the way `maskscreen crawl` would, with the real spiders, classifier and
    store, all at once. Then the shops move to the next day (some listings
    edited, some taken down) and the flagged ones are rechecked, as
    `maskscreen recheck` does.

    \b
    Example:
      maskscreen demo
    """
    from maskscreen.cli.output import log_level, recheck_line, summary_line
    from maskscreen.crawler.demo.mall import DemoMall
    from maskscreen.crawler.demo.tour import run_tour
    from maskscreen.db import safe_url

    # The demo's shops are served on this machine's loopback, which the network policy
    # refuses unless allowed (crawler/network.py): allow it for this command alone.
    allowed = os.environ.get("MASKSCREEN_ALLOW_NETWORKS", "")
    os.environ["MASKSCREEN_ALLOW_NETWORKS"] = ",".join(filter(None, [allowed, "127.0.0.0/8"]))
    res = resources()
    model = res.model()  # fail fast as one line, before any crawl
    res.settings.set("database_url", database_url or fresh_demo_database())
    engine = res.engine()
    shown = safe_url(engine)
    with DemoMall() as mall:
        click.echo("demo shops on 127.0.0.1:", err=True)
        for shop in mall.shops:
            click.echo(f"  {shop.name:15} {shop.base_url}/  ({shop.kind})", err=True)
        tour = run_tour(mall, engine, model, log_level=log_level(), own_logging=False)
        names = [shop.name for shop in tour.crawls]
        with res.session(write=False) as session:
            flagged, formats, removal = stored_view(session, names)
        overview = []
        for shop in tour.crawls:
            how = "detected" if shop.plan.detected else "chosen"
            click.echo(f"\n== {shop.name} ({shop.kind}): via {shop.plan.via} ({how})")
            click.echo(summary_line(shop.summary))
            rows = flagged[shop.name]
            if rows:
                flagged_table(rows[:SHOWN_PER_SHOP])
            if len(rows) > SHOWN_PER_SHOP:
                click.echo(
                    f"  … {len(rows) - SHOWN_PER_SHOP} more: maskscreen flagged "
                    f"--db '{shown}' --site {shop.name}"
                )
            overview.append(
                {
                    "shop": shop.name,
                    "via": shop.plan.via,
                    "read as": formats.get(shop.name, "-"),
                    "listings": shop.summary.counts["listings"],
                    "flagged now": len(rows),
                    "errors": shop.summary.counts["errors"],
                }
            )
        click.echo("\n== all shops")
        render(overview, ["shop", "via", "read as", "listings", "flagged now", "errors"])
        click.echo(summary_line(total_summary(tour)))
        if tour.recheck is not None:
            click.echo(f"next day: {recheck_line(tour.recheck)}")
            if removal:
                click.echo("time to removal, median hours from the flag and from confirmation:")
                render([row.as_row() for row in removal], list(removal[0].as_row()))
        click.echo(f"database: {shown}")
        click.echo("try next:")
        click.echo(f"  maskscreen flagged --db '{shown}' --label custom_face_copy")
        click.echo(f"  maskscreen review next --db '{shown}'")
        click.echo(f"  maskscreen recheck --db '{shown}'")
        click.echo("  maskscreen check --text 'realistic silicone old man mask, add WhatsApp'")
        if serve:
            click.echo("serving the demo shops (next day) until Ctrl-C", err=True)
            mall.shops[0].server.wait()
    if not tour.finished:
        reasons = ", ".join(
            f"{s.name} {s.summary.finish_reason}"
            for s in tour.crawls
            if s.summary.finish_reason != "finished"
        )
        click.echo(f"maskscreen: error: crawl ended early ({reasons})", err=True)
        sys.exit(EXIT_ERROR)
    if tour.recheck is None or tour.recheck.finish_reason != "finished":
        click.echo("maskscreen: error: the next day's recheck did not finish", err=True)
        sys.exit(EXIT_ERROR)


def register(group: click.Group) -> None:
    group.add_command(demo)
