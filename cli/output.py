"""Rendering rows for people (a table) and for scripts (JSON lines, CSV).

Listing text is hostile input: in a table, control characters and terminal
escape sequences are removed before anything reaches the terminal.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import click

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def safe(text: object) -> str:
    """One line of printable text: no escapes, no bidi overrides, no newlines."""
    return _CONTROL.sub(" ", "" if text is None else str(text)).strip()


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _jsonable(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, default=_jsonable)


def render(
    rows: Iterable[dict],
    columns: Sequence[str],
    *,
    as_json: bool = False,
    as_csv: bool = False,
    limits: dict[str, int] | None = None,
) -> int:
    """Write rows to stdout in the chosen format; returns how many were written."""
    count = 0
    if as_json:
        for row in rows:
            click.echo(dumps(row))
            count += 1
        return count
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        raw = csv_raw()
        for row in rows:
            writer.writerow([csv_cell(row.get(c), raw) for c in columns])
            count += 1
        return count
    limits = limits or {}
    table = [[clip(safe(_cell(row.get(c))), limits.get(c, 40)) for c in columns] for row in rows]
    widths = [max([width(c)] + [width(r[i]) for r in table]) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=False)).rstrip())
    for r in table:
        click.echo(
            "  ".join(v + " " * (w - width(v)) for v, w in zip(r, widths, strict=False)).rstrip()
        )
    return len(table)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dict):
        return ",".join(k for k, v in value.items() if v)
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    return "" if value is None else str(value)


# The rule (db.cells, shared with the web app's CSV): a spreadsheet runs a cell that
# begins with = + - @ tab or CR as a formula; titles and seller names come from sellers.
RAW_CSV_META = "maskscreen.csv_raw"


def csv_cell(value, raw: bool = False) -> str:
    """One CSV cell. Text that a spreadsheet would run as a formula gets a leading
    apostrophe, as OWASP recommends, unless `raw` (for programs, not spreadsheets).
    Numbers are written as they are: -5 is a number, not a formula."""
    if isinstance(value, (dict, list)):
        text = dumps(value)
    elif isinstance(value, datetime):
        return value.isoformat()
    elif value is None:
        return ""
    elif isinstance(value, (bool, int, float, Decimal)):
        return str(value)
    else:
        text = str(value)
    if raw:
        return text
    from maskscreen.db import spreadsheet_safe

    return spreadsheet_safe(text)


def csv_raw() -> bool:
    """Whether the command was given --raw (CSV cells as stored)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().meta.get(RAW_CSV_META))


def verdict_lines(verdict) -> list[str]:
    """A verdict for a person: label and score, signals, reasons."""
    fired = [name.replace("_", " ") for name, on in verdict.signals.items() if on]
    lines = [
        (
            f"{'FLAGGED' if verdict.flagged else 'benign'}: {verdict.label} "
            f"(score {verdict.score:.3f}, threshold {verdict.threshold:.3f})"
        ),
        f"signals: {', '.join(fired) if fired else 'none'}",
    ]
    if verdict.reasons:
        lines.append("reasons: " + "; ".join(safe(r) for r in verdict.reasons))
    sha256 = getattr(verdict, "model_sha256", "")
    lines.append(
        f"model: {verdict.model_version}"
        + (f" (sha256 {sha256[:16]})" if sha256 else "")
        + f", lexicon: {verdict.lexicon_version}"
    )
    return lines


def log_level() -> str:
    """The name of the level the command logs at (-v/-q), for a crawl's own logging."""
    import logging

    level = logging.getLogger().getEffectiveLevel()
    return logging.getLevelName(max(level, logging.DEBUG))


NO_PRODUCT = ("no_product", "no_structured_data", "not_a_product", "listing_page")


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


def recheck_line(summary) -> str:
    counts = summary.counts
    return (
        f"rechecked {summary.targets} listings under review: live {counts['live']}, "
        f"changed {counts['changed']}, removed {counts['removed']}, "
        f"unreachable {summary.unreachable}"
    )
