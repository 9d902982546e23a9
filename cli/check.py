"""`maskscreen check` (one URL or one text) and `maskscreen classify` (a file)."""

from __future__ import annotations

import atexit
import gc
import sys

import click

from maskscreen.cli import EXIT_ERROR, EXIT_FLAGGED, EXIT_OK
from maskscreen.cli.options import model_option
from maskscreen.cli.output import dumps, verdict_lines

DROP_MESSAGES = {
    "no_structured_data": "no schema.org Product data (JSON-LD, microdata, RDFa, OpenGraph)",
    "broken_jsonld": "the page's JSON-LD is broken",
    "no_product": "the page describes no product",
    "no_title": "the product has no title",
}


NETWORK_ERRORS = {
    "DownloadConnectionRefusedError": "connection refused",
    "ConnectionRefusedError": "connection refused",
    "DNSLookupError": "host not found",
    "TimeoutError": "timed out",
    "DownloadTimeoutError": "timed out",
    "TCPTimedOutError": "timed out",
    "ResponseNeverReceived": "no response",
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
            return f"cannot fetch {url}: {NETWORK_ERRORS.get(what, what)}"
    if summary.stats.get("robotstxt/forbidden"):
        return f"{url} is disallowed by the site's robots.txt"
    for reason in summary.dropped:
        return f"{url} is not a product page: {DROP_MESSAGES.get(reason, reason)}"
    return f"no listing found at {url}"


@click.command()
@click.argument("url", required=False)
@click.option("--text", "text", metavar="TEXT", help="Check this text instead of a URL.")
@click.option("--json", "as_json", is_flag=True, help="The verdict as JSON on stdout.")
@model_option
def check(url: str | None, text: str | None, as_json: bool, model_dir: str | None) -> None:
    """Check one product page (or one text) and print the verdict with its reasons.

    Fetches URL with the same spider, extraction and classifier as a crawl;
    nothing is stored. Exit code: 0 benign, 1 flagged, 2 error.

    \b
    Examples:
      maskscreen check https://shop.example/p/silicone-old-man-mask
      maskscreen check --text "按照片定制真人面具 加V信"
    """
    from maskscreen.classifier.model import load_model

    if (url is None) == (text is None):
        raise click.UsageError("give a URL or --text TEXT (one of them)")
    if text is not None:
        if not text.strip():
            raise click.UsageError("--text is empty")
        model = load_model(model_dir)
        verdict = model.predict([text])[0]
        title = None
        _skip_last_collection()
    else:
        if not url.startswith(("http://", "https://")):
            raise click.UsageError(f"not an http(s) URL: {url!r}")
        from maskscreen.cli.context import resources
        from maskscreen.crawler.jobs.job import run_crawl
        from maskscreen.crawler.jobs.plan import CrawlPlan

        model = resources().model()  # fail fast, before starting a crawl
        plan = CrawlPlan(via="html", start_urls=[url], follow=False, resume=False, lease=False)
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
    sys.exit(EXIT_FLAGGED if verdict.flagged else EXIT_OK)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "jsonl", "csv"]),
    default="auto",
    show_default=True,
)
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000))
@model_option
def classify(file: str, fmt: str, batch_size: int, model_dir: str | None) -> None:
    """Classify a file of listings: one JSON verdict per input line, in input order.

    FILE is JSONL (objects with title, description, optional id) or CSV with a
    header; `-` reads stdin. Every output line carries the input's id.

    \b
    Example:
      maskscreen classify catalogue.jsonl > verdicts.jsonl
    """
    from maskscreen.classifier.model import load_model
    from maskscreen.cli.inputs import guess_format, open_text, read_listings

    model = load_model(model_dir)
    stream, name = open_text(file)
    with stream:
        if fmt == "auto":
            first = stream.readline()
            fmt = guess_format(name, first)
            rest = read_listings(_prepend(first, stream), fmt, name)
        else:
            rest = read_listings(stream, fmt, name)
        # Validate the whole file first so a bad line never leaves half an output.
        records = list(rest)
    for start in range(0, len(records), batch_size):
        batch = records[start : start + batch_size]
        for record, verdict in zip(batch, model.predict(batch), strict=False):
            out = {"id": record.get("id")}
            out.update(verdict.to_dict())
            click.echo(dumps(out))


def _prepend(first: str, stream):
    yield first
    yield from stream


def register(group: click.Group) -> None:
    group.add_command(check)
    group.add_command(classify)
