"""`maskscreen demo`: serve the bundled demo shop, crawl it, show what was flagged."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli import EXIT_ERROR
from cli.options import model_option
from cli.output import clip, render, safe


def fresh_demo_database() -> str:
    """A new, empty SQLite file beside the default database."""
    from db.session import default_database_path

    path = Path(default_database_path()).with_name("demo.sqlite")
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def recheck_in_child(url: str, model_dir: str | None) -> str:
    """Run `maskscreen recheck` on the demo shop in a child process (one reactor per
    process: this one has crawled already); its output, one line per line."""
    import subprocess

    command = [sys.executable, "-m", "cli", "recheck", "--db", url, "--site", "demo-shop"]
    if model_dir:
        command += ["--model", model_dir]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        click.echo(done.stderr.rstrip(), err=True)
        return "recheck failed"
    return done.stdout.rstrip()


@click.command()
@click.option(
    "--db",
    "database_url",
    envvar="MASKSCREEN_DATABASE_URL",
    metavar="URL",
    help="Crawl into this database (default: MASKSCREEN_DATABASE_URL, else a fresh demo.sqlite "
    "beside the default database).",
)
@click.option("--serve", is_flag=True, help="Keep serving the demo shop after the crawl, until Ctrl-C.")
@model_option
def demo(database_url: str | None, serve: bool, model_dir: str | None) -> None:
    """Crawl the built-in demo shop on 127.0.0.1 and show what maskscreen flags.

    Serves a small shop (English and Chinese listings, look-alikes and
    dangerous ones), crawls it with the real spider, classifier and store,
    then prints the flagged listings and the commands to explore them. Then
    the shop moves to the next day (some listings edited, some taken down)
    and `maskscreen recheck` re-visits the flagged ones.

    \b
    Example:
      maskscreen demo
    """
    from sqlalchemy.orm import Session

    from crawler.pipelines import shared_model
    from cli.crawl import _log_level, crawl_into, summary_line
    from crawler.demo.server import DemoShop
    from db import store
    from db.session import open_database, safe_url

    shared_model(model_dir)  # fail fast as one line; the crawl's pipeline reuses this copy
    url = database_url or fresh_demo_database()
    engine = open_database(url)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    with DemoShop() as shop:
        click.echo(f"demo shop at {shop.base_url}", err=True)
        summary = crawl_into(url, shop.base_url, "demo-shop", model_dir, None, _log_level())
        engine = open_database(url)
        with Session(engine) as session:
            rows = store.query_flagged(session, site="demo-shop", limit=1000)
        engine.dispose()
        rows = sorted(rows, key=lambda r: -r.score)
        click.echo(f"Flagged listings ({len(rows)}):")
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
            limits={"title": 48, "reasons": 70, "signals": 40},
        )
        click.echo("")
        click.echo(summary_line(summary))
        if summary.finish_reason == "finished":
            shop.set_day(2)
            click.echo(f"next day: {recheck_in_child(url, model_dir)}")
        shown = safe_url(url)
        click.echo(f"database: {shown}")
        click.echo("try next:")
        click.echo(f"  maskscreen flagged --db '{shown}' --label custom_face_copy")
        click.echo(f"  maskscreen flagged --db '{shown}' --json")
        click.echo(f"  maskscreen recheck --db '{shown}'")
        click.echo("  maskscreen check --text 'realistic silicone old man mask, add WhatsApp'")
        if serve:
            click.echo(f"serving {shop.base_url} until Ctrl-C", err=True)
            shop.wait()
    if summary.finish_reason != "finished":
        click.echo(f"maskscreen: error: crawl ended early ({summary.finish_reason})", err=True)
        sys.exit(EXIT_ERROR)
