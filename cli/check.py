"""`maskscreen check` (one URL or one text) and `maskscreen classify` (a file)."""

from __future__ import annotations

import atexit
import gc
import sys

import click

from maskscreen.cli import EXIT_ERROR, EXIT_FLAGGED, EXIT_OK
from maskscreen.cli.catalogue import EXIT_SKIPPED
from maskscreen.cli.options import model_option
from maskscreen.cli.output import dumps, verdict_lines

DROP_MESSAGES = {
    "no_structured_data": "no schema.org Product data (JSON-LD, microdata, RDFa, OpenGraph)",
    "broken_jsonld": "the page's JSON-LD is broken",
    "no_product": "the page describes no product",
    "no_title": "the product has no title",
    "not_a_product": "no price, buy button or stock label of its own",
    "listing_page": "a list of products (category or search page), not one product",
}


NETWORK_ERRORS = {
    "DownloadConnectionRefusedError": "connection refused",
    "ConnectionRefusedError": "connection refused",
    "DNSLookupError": "host not found",
    "TimeoutError": "timed out",
    "DownloadTimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "ResponseNeverReceived": "no response",
    "Error": "the browser could not load it",  # Playwright's error, when rendering
    "TargetClosedError": "the browser closed the page",
}


def _skip_last_collection() -> None:
    """Spare a one-off check the interpreter's last garbage collection, at exit: with
    spaCy loaded it takes about 50 ms, and this process holds nothing that waits on it
    (standard output is flushed at exit regardless)."""
    atexit.unregister(gc.freeze)  # once, however many checks a process runs
    atexit.register(gc.freeze)


def _fail(message: str) -> None:
    click.echo(f"maskscreen: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _why_nothing(summary, url: str) -> str:
    for key, count in summary.stats.items():
        if key.startswith("maskscreen/errors/") and count:
            what = key.rsplit("/", 1)[1]
            if what.startswith("http_"):
                return f"{url} answered HTTP {what[5:]}"
            if summary.stats.get("maskscreen/render/refused"):  # Chromium's "Error"
                return f"cannot fetch {url}: it leads to an address the network policy refuses"
            return f"cannot fetch {url}: {NETWORK_ERRORS.get(what, what)}"
    if summary.stats.get("robotstxt/forbidden"):
        return f"{url} is disallowed by the site's robots.txt"
    for reason in summary.dropped:
        return f"{url} is not a product page: {DROP_MESSAGES.get(reason, reason)}"
    return f"no listing found at {url}"


def _page_plan(url: str, profile_name: str | None, sites_dir: str | None, render: bool):
    """The one-page crawl plan: the named profile's selectors, rendered in Chromium when
    asked (--render) or when the profile says so; one line and exit 2 otherwise."""
    from maskscreen.crawler.jobs.plan import CrawlPlan

    spider_args: dict = {}
    budget = None
    if profile_name is not None:
        from maskscreen.crawler.profiles import ProfileError, find_profile, scan_profiles

        try:
            profile = find_profile(profile_name, sites_dir)
        except ProfileError as exc:
            _fail(str(exc))
        if profile is None:
            known = ", ".join(scan_profiles(sites_dir)[0]) or "none"
            _fail(f"unknown site profile {profile_name!r} (known: {known})")
        if profile.selectors:
            spider_args["selectors"] = dict(profile.selectors)
        render = render or profile.render
        budget = profile.page_budget
    settings: dict = {}
    if render:
        from maskscreen.crawler.render import RenderUnavailable, render_settings

        try:
            settings = render_settings(budget or 1)
        except RenderUnavailable as exc:
            _fail(str(exc))
    return CrawlPlan(via="html", start_urls=[url], follow=False, resume=False, lease=False,
                     spider_args=spider_args, settings=settings)  # fmt: skip


@click.command()
@click.argument("url", required=False)
@click.option("--text", "text", metavar="TEXT", help="Check this text instead of a URL.")
@click.option("--json", "as_json", is_flag=True, help="The verdict as JSON on stdout.")
@click.option(
    "--profile",
    "profile_name",
    metavar="NAME",
    help="Read URL with this site profile's selectors (`maskscreen sites list`).",
)
@click.option(
    "--render",
    is_flag=True,
    help="Render URL in Chromium first, for pages whose product data is inserted by script.",
)
@click.option(
    "--sites-dir",
    envvar="MASKSCREEN_SITES_DIR",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="With --profile: the folder of your site profiles (as for `maskscreen sites`).",
)
@model_option
def check(url: str | None, text: str | None, as_json: bool, profile_name: str | None,
          render: bool, sites_dir: str | None, model_dir: str | None) -> None:  # fmt: skip
    """Check one product page (or one text) and print the verdict with its reasons.

    Fetches URL with the same spider, extraction and classifier as a crawl;
    nothing is stored. Exit code: 0 benign, 1 flagged, 2 error.

    \b
    Examples:
      maskscreen check https://shop.example/p/silicone-old-man-mask
      maskscreen check https://item.rakuten.co.jp/shop/item/ --profile rakuten
      maskscreen check https://jp.mercari.com/item/m123 --render
      maskscreen check --text "按照片定制真人面具 加V信"
    """
    from maskscreen.classifier.model import load_model

    if (url is None) == (text is None):
        raise click.UsageError("give a URL or --text TEXT (one of them)")
    if text is not None and (profile_name or render):
        raise click.UsageError("--profile and --render read a URL, not --text")
    if text is not None:
        if not text.strip():
            raise click.UsageError("--text is empty")
        from maskscreen.classifier.language import needs_identifier
        from maskscreen.classifier.model import text_of
        from maskscreen.classifier.normalize import normalize

        # Chinese, Japanese or Korean text: its script decides, py3langid is never loaded
        model = load_model(model_dir, preload_language=needs_identifier(normalize(text_of(text))))
        verdict = model.predict([text])[0]
        title = None
        _skip_last_collection()
    else:
        if not url.startswith(("http://", "https://")):
            raise click.UsageError(f"not an http(s) URL: {url!r}")
        from maskscreen.cli.context import resources
        from maskscreen.crawler.jobs.job import run_crawl

        if sites_dir is None and profile_name is not None:
            from maskscreen.crawler.profiles import default_sites_dir

            sites_dir = str(default_sites_dir())
        plan = _page_plan(url, profile_name, sites_dir, render)
        model = resources().model()  # fail fast, before starting a crawl
        summary = run_crawl(plan, engine=None, model=model, own_logging=False)
        found = [r for r in summary.results if r.verdict is not None]
        if not found:
            _fail(_why_nothing(summary, url))
        verdict, title = found[0].verdict, found[0].listing.title
    if as_json:
        record = verdict.to_dict()
        if url:
            record.update(url=url, title=title)
        click.echo(dumps(record))
    else:
        if title:
            from maskscreen.cli.output import safe

            click.echo(f"title: {safe(title)}")
        for line in verdict_lines(verdict):
            click.echo(line)
        click.echo(_language_line(verdict))
    sys.exit(EXIT_FLAGGED if verdict.flagged else EXIT_OK)


def _language_line(verdict) -> str:
    """The listing's language, and whether the model covers it (one line)."""
    language = getattr(verdict, "language", None) or "und"
    if getattr(verdict, "language_supported", True) is False:
        return f"language: {language} (language not supported: sent to a human)"
    return f"language: {language}"


@click.command()
@click.argument("file", metavar="INPUT", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--out",
    "out",
    metavar="OUTPUT",
    type=click.Path(dir_okay=False),
    help="Write the verdicts to OUTPUT (.jsonl, .csv or .parquet) instead of stdout.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "csv", "parquet"]),
    default="auto",
    show_default=True,
    help="INPUT's format (auto: from its name or content).",
)
@click.option(
    "--out-format",
    type=click.Choice(["jsonl", "csv", "parquet"]),
    help="OUTPUT's format (default: from its name; stdout is JSON lines).",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(0, 256),
    help="Worker processes, each loading the model once (0: one per core).",
)
@click.option("--id-col", default="id", show_default=True, help="The input's id column.")
@click.option("--title-col", default="title", show_default=True, help="The input's title column.")
@click.option(
    "--text-col",
    default="description",
    show_default=True,
    help="The input's text (description) column.",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help=f"Report bad rows and carry on (exit {EXIT_SKIPPED} if any), instead of stopping at the first.",
)
@click.option(
    "--raw",
    is_flag=True,
    help="CSV output: leave cells that begin with = + - @ as they are (no leading ').",
)
@click.option(
    "--store",
    "source",
    metavar="SOURCE",
    help="Also store the rows as listings of the catalogue source SOURCE; flagged ones enter review.",
)
@click.option(
    "--db",
    "database_url",
    envvar="MASKSCREEN_DATABASE_URL",
    metavar="URL",
    help="With --store: the database (as for every command; `maskscreen flagged --help` "
    "shows the default).",
)  # not options.database_option: it imports SQLAlchemy
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000),
              help="Rows read, classified and written at a time.")  # fmt: skip
@model_option
def classify(file: str, out: str | None, fmt: str, out_format: str | None, jobs: int,
             id_col: str, title_col: str, text_col: str, skip_bad: bool, raw: bool,
             source: str | None, database_url: str | None, batch_size: int,
             model_dir: str | None) -> None:  # fmt: skip
    """Classify a file of listings (a catalogue): one verdict per row, in input order.

    INPUT is JSON lines, CSV with a header, or Parquet, read in batches (memory stays
    flat); `-` reads stdin. Every output row carries the input row's id. A summary
    (rows, flagged per label, bad rows and where) goes to stderr, with a progress bar
    on a terminal. Exit code: 0 every row classified; 2 an error (a bad row names its
    line or row group; nothing is left under OUTPUT); 5 done, but --skip-bad skipped rows.

    \b
    Examples:
      maskscreen classify catalogue.jsonl > verdicts.jsonl
      maskscreen classify export.parquet --out verdicts.parquet --jobs 0
      maskscreen classify items.csv --text-col body --skip-bad --store acme-catalogue
    """
    import os
    from concurrent.futures.process import BrokenProcessPool

    from maskscreen.cli import catalogue
    from maskscreen.cli.inputs import BadRows, Columns, Input
    from maskscreen.cli.verdict_files import VerdictWriter, output_format

    out_fmt = output_format(out, out_format)
    if (out is None or out == "-") and out_fmt != "jsonl":
        raise click.UsageError("stdout takes JSON lines only: give --out FILE")
    if source is not None and not 0 < len(source.strip()) <= 100:
        raise click.UsageError("--store SOURCE: a name of 1 to 100 characters")
    if jobs == 0:  # the cores this process may use (affinity is Linux's; else all)
        affinity = getattr(os, "sched_getaffinity", None)
        jobs = len(affinity(0)) if affinity else os.cpu_count() or 1
    quiet = click.get_current_context().find_root().params.get("quiet", False)
    columns = Columns(id_col, title_col, text_col, id_required=source is not None)
    summary = catalogue.Summary(bad=BadRows(skip=skip_bad))
    with Input(file, fmt, columns, summary.bad) as source_file:
        writer = VerdictWriter(out, out_fmt, raw=raw, id_type=source_file.id_type())
        show = sys.stderr.isatty() and not quiet
        progress = catalogue.Progress(source_file.size, source_file.format == "parquet", show)
        try:
            sink = None
            if source is not None:
                sink = catalogue.CatalogueStore(database_url, source, command=f"classify {file}")
            catalogue.screen(source_file.batches(batch_size), writer, sink, progress, summary,
                             model_dir=model_dir, jobs=jobs, batch_size=batch_size)  # fmt: skip
        except BrokenProcessPool as exc:
            _fail(f"a worker process died ({exc}); try fewer --jobs or a smaller --batch-size")
        except BrokenPipeError:
            # The reader of stdout went away (`| head`): stop quietly, as `cat` does.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_ERROR)
    if not quiet:
        for line in summary.lines():
            click.echo(line, err=True)
    if summary.bad.count:
        sys.exit(catalogue.EXIT_SKIPPED)


def register(group: click.Group) -> None:
    group.add_command(check)
    group.add_command(classify)
