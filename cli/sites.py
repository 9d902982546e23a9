"""`maskscreen sites list | show NAME | validate FILE`: the site profiles."""

from __future__ import annotations

import json
import sys

import click

from maskscreen.cli import EXIT_ERROR
from maskscreen.cli.context import remember
from maskscreen.cli.output import render


def _default_sites_dir() -> str:
    from maskscreen.crawler.profiles import default_sites_dir

    return str(default_sites_dir())


def sites_dir_option(func):
    return click.option(
        "--sites-dir",
        envvar="MASKSCREEN_SITES_DIR",
        type=click.Path(file_okay=False),
        callback=remember("sites_dir"),
        metavar="DIR",
        help=f"Folder of your site profiles (*.toml). Default: MASKSCREEN_SITES_DIR, "
        f"else {_default_sites_dir()}.",
    )(func)


def resolve_sites_dir(sites_dir: str | None) -> str:
    return sites_dir or _default_sites_dir()


def _changed_thresholds(thresholds) -> dict:
    """The monitor thresholds a profile sets (those unlike crawler.jobs.monitors' defaults)."""
    from dataclasses import asdict

    from maskscreen.crawler.jobs.monitors import Thresholds

    defaults = asdict(Thresholds())
    return {k: v for k, v in asdict(thresholds).items() if v != defaults[k]}


def profile_fields(profile) -> dict:
    """The profile as the TOML it would be written as (URLs resolved), tables last."""
    top = {
        "name": profile.name,
        "description": profile.description,
        "example": profile.example,
        "base_url": profile.base_url,
        "via": profile.via,
        "start_urls": list(profile.start_urls),
        "search_url": profile.search_url,
        "keywords": list(profile.keywords),
        "sitemap_urls": list(profile.sitemap_urls),
        "currency": profile.currency,
        "shop_name": profile.shop_name,
        "max_pages": profile.max_pages,
        "obey_robots": profile.obey_robots,
        "robots_override_reason": profile.robots_override_reason,
        "schedule": profile.schedule,
        "recheck_schedule": profile.recheck_schedule,
        # Said only when set (a plain profile's TOML stays as it was).
        "render": profile.render or None,
        "page_budget": profile.page_budget,
        "requires_login": profile.requires_login or None,
        "notes": profile.notes,
    }
    tables = {
        "links": {
            "product": list(profile.product_links),
            "pagination": list(profile.pagination_links),
            "deny": list(profile.deny_links),
        },
        "extract": dict(profile.selectors),
        "rate": {"download_delay": profile.download_delay, "concurrency": profile.concurrency},
        "monitors": _changed_thresholds(profile.monitors),
    }
    fields = {k: v for k, v in top.items() if v not in (None, [], {}, "")}
    for name, table in tables.items():
        table = {k: v for k, v in table.items() if v not in (None, [], {}, "")}
        if table:
            fields[name] = table
    return fields


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string


def to_toml(fields: dict) -> str:
    lines = [f"{k} = {_toml_value(v)}" for k, v in fields.items() if not isinstance(v, dict)]
    for name, table in fields.items():
        if isinstance(table, dict):
            lines += ["", f"[{name}]", *(f"{k} = {_toml_value(v)}" for k, v in table.items())]
    return "\n".join(lines) + "\n"


@click.group()
def sites() -> None:
    """Site profiles: where and how to crawl each shop or marketplace.

    Bundled profiles ship with maskscreen; yours are TOML files in the sites
    folder (MASKSCREEN_SITES_DIR) and replace a bundled one of the same name.
    `maskscreen crawl NAME` crawls with a profile.

    \b
    Example:
      maskscreen sites list
      maskscreen sites validate ~/shops/my-shop.toml
    """


@sites.command("list")
@click.option("--json", "as_json", is_flag=True, help="JSON lines on stdout.")
@sites_dir_option
def list_sites(as_json: bool, sites_dir: str | None) -> None:
    """List the site profiles: name, source (bundled or user), way, start pages, keywords.

    Files that are refused are named on stderr, one line each (exit 2).

    \b
    Example:
      maskscreen sites list --json
    """
    from maskscreen.crawler.profiles import scan_profiles

    profiles, errors = scan_profiles(resolve_sites_dir(sites_dir))
    rows = [
        {
            "name": p.name,
            "source": p.source,
            "via": p.via,
            "start_urls": len(p.start_urls),
            "keywords": len(p.keywords),
            "example": p.example,
            "description": p.description or "",
        }
        for p in profiles.values()
    ]
    render(
        rows,
        ["name", "source", "via", "start_urls", "keywords", "example", "description"],
        as_json=as_json,
        limits={"description": 60},
    )
    for error in errors:
        click.echo(f"maskscreen: error: {error}", err=True)
    if errors:
        sys.exit(EXIT_ERROR)


@sites.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="The profile as one JSON object.")
@sites_dir_option
def show(name: str, as_json: bool, sites_dir: str | None) -> None:
    """Show a profile as it will be used: URLs resolved, defaults filled, start pages listed.

    \b
    Example:
      maskscreen sites show demo-shop
    """
    from maskscreen.crawler.profiles import find_profile, scan_profiles

    profile = find_profile(name, resolve_sites_dir(sites_dir))
    if profile is None:
        known = ", ".join(scan_profiles(resolve_sites_dir(sites_dir))[0])
        raise click.UsageError(f"no site profile {name!r} (known: {known})")
    fields = profile_fields(profile)
    if as_json:
        click.echo(
            json.dumps(
                {
                    **fields,
                    "source": profile.source,
                    "path": profile.path,
                    "crawl_urls": profile.crawl_urls(),
                },
                ensure_ascii=False,
            )
        )
        return
    urls = profile.crawl_urls()
    click.echo(f"# {profile.source} profile: {profile.path}")
    click.echo(
        f"# start pages ({len(urls)}): " + " ".join(urls[:5]) + (" …" if len(urls) > 5 else "")
    )
    click.echo(to_toml(fields), nl=False)


@sites.command()
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
def validate(path: str) -> None:
    """Check one profile file: prints "ok", or the file, field and reason (exit 2).

    \b
    Example:
      maskscreen sites validate my-shop.toml
    """
    from maskscreen.crawler.profiles import ProfileError, load_profile

    try:
        profile = load_profile(path)
    except ProfileError as exc:
        click.echo(f"maskscreen: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"ok {profile.name}")


def register(group: click.Group) -> None:
    group.add_command(sites)
