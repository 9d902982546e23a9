"""`maskscreen review …`: work the queue of flagged listings, decide cases, list them.

Listing text is hostile: everything from a listing goes through cli.output.safe.
Errors (unknown case, a move the case cannot make, somebody else deciding first,
no reviewer) are one line on stderr and exit 2, with nothing written.
"""

from __future__ import annotations

import getpass
from dataclasses import asdict

import click

from maskscreen.cli import EXIT_ERROR
from maskscreen.cli.context import resources
from maskscreen.cli.options import database_option, output_options
from maskscreen.cli.output import clip, render, safe

KEYS = {"c": "confirmed", "d": "dismissed", "e": "escalated"}
STATUS_CHOICES = click.Choice(
    ["open", "escalated", "confirmed", "dismissed", "actioned", "removed"]
)
LABEL_CHOICES = click.Choice(["realistic_face_mask", "custom_face_copy", "benign"])


class CommandError(click.ClickException):
    """One line on stderr, exit 2 (as maskscreen's domain errors)."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:
        click.echo(f"maskscreen: error: {self.message}", err=True)


def reviewer_option(func):
    return click.option(
        "--reviewer",
        envvar="MASKSCREEN_REVIEWER",
        metavar="NAME",
        help="Who decides (kept in the audit trail). "
        "Default: MASKSCREEN_REVIEWER, else the OS user.",
    )(func)


def resolve_reviewer(given: str | None) -> str:
    """--reviewer, else MASKSCREEN_REVIEWER (click reads it), else the OS user."""
    name = (given or "").strip()
    if not name:
        try:
            name = getpass.getuser().strip()
        except (OSError, KeyError, ImportError):
            name = ""
    if not name:
        raise CommandError("no reviewer: pass --reviewer NAME or set MASKSCREEN_REVIEWER")
    return name[:100]


@click.group("review")
def review_group() -> None:
    """Work the review queue: show the next case, decide cases, list them.

    \b
    Example:
      maskscreen review next --reviewer ana
    """


REASON_CHOICES = click.Choice(["flag", "audit", "needs_human"])
REASON_HELP = (
    "Only cases opened for this reason: flag (the model flagged it), audit (audit sample), "
    "needs_human (a language the model does not cover)."
)


@review_group.command("next")
@click.option("--site", help="Only cases of this site.")
@click.option("--reason", type=REASON_CHOICES, help=REASON_HELP)
@click.option("--no-input", is_flag=True, help="Show the next case and stop; decide nothing.")
@reviewer_option
@database_option
def next_command(site, reason, no_input, reviewer, database_url) -> None:
    """Show the highest-priority open case and decide it with one key.

    c confirm, d dismiss, e escalate, s skip, q quit; then an optional note.
    After a decision or a skip the next case follows.

    \b
    Examples:
      maskscreen review next
      maskscreen review next --no-input --site shop.example
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import reviews

    name = None if no_input else resolve_reviewer(reviewer)
    engine = resources().engine()
    skipped: set[int] = set()
    while True:
        with Session(engine) as session:
            queue = reviews.review_queue(session, site=site, source=reason, limit=len(skipped) + 1)
            ids = [c.review_id for c in queue if c.review_id not in skipped]
            casefile = reviews.load_case(session, ids[0]) if ids else None
            evidence = _evidence(session, casefile.case.listing_id) if casefile else []
        if casefile is None:
            click.echo("no open cases" + (" left" if skipped else ""), err=True)
            return
        click.echo("\n".join(case_lines(casefile, evidence)))
        if no_input:
            return
        click.echo("[c]onfirm  [d]ismiss  [e]scalate  [s]kip  [q]uit: ", nl=False, err=True)
        key = _read_key()
        click.echo(key, err=True)
        if key in ("q", ""):
            return
        if key == "s":
            skipped.add(casefile.case.review_id)
            continue
        if key not in KEYS:
            click.echo(f"unknown key {safe(key)!r}", err=True)
            continue
        note = click.prompt("note (enter for none)", default="", show_default=False, err=True)
        case = casefile.case
        with Session(engine) as session, session.begin():
            reviews.decide(
                session, case.review_id, KEYS[key], reviewer=name,
                note=note.strip() or None, expected_version=case.version,
            )  # fmt: skip
        click.echo(f"case {case.review_id}: {case.status} -> {KEYS[key]}", err=True)
        if KEYS[key] == "escalated":  # still queued, and at the top: not again at once
            skipped.add(case.review_id)


def _read_key() -> str:
    try:
        return click.getchar().lower()
    except (EOFError, KeyboardInterrupt):
        return ""


def _evidence(session, listing_id: int) -> list:
    from maskscreen.db import evidence_for_listing

    return evidence_for_listing(session, listing_id)


def case_lines(casefile, evidence=()) -> list[str]:
    """A case for a person: listing, verdict, seller and history; listing text made safe."""
    case = casefile.case
    price = "-"
    if casefile.price is not None:
        price = f"{casefile.price} {safe(casefile.currency)}".strip()
    seller = safe(case.seller) or "-"
    if casefile.seller_url:
        seller += f" <{safe(casefile.seller_url)}>"
    score = "-" if case.score is None else f"{case.score:.3f}"
    model = safe(casefile.model_version) or "-"
    fired = [n.replace("_", " ") for n, on in casefile.signals.items() if on]
    lines = [
        (
            f"case {case.review_id}  {case.status}  priority {case.priority:.3f}"
            f"  (version {case.version}, reason {case.source})"
        ),
        f"title:    {safe(case.title)}",
        f"url:      {safe(case.url)}",
        f"site:     {safe(case.site)}   price: {price}   seller: {seller}",
        f"verdict:  {case.label or '-'}  score {score}  model {model}",
        f"signals:  {', '.join(fired) if fired else 'none'}",
        f"reasons:  {'; '.join(safe(r) for r in casefile.reasons) or '-'}",
        f"text:     {clip(safe(casefile.description), 300) or '-'}",
    ]
    if casefile.handles:
        lines.append("handles:  " + ", ".join(f"{k}:{safe(v)}" for k, v in casefile.handles))
    for item in evidence:
        truncated = ", truncated" if item.truncated else ""
        lines.append(
            f"evidence: page kept {item.fetched_at:%Y-%m-%d %H:%M}"
            f" sha256 {item.sha256[:16]}… ({item.size} bytes{truncated})"
        )
    lines.append("seller's other listings:" + ("" if casefile.seller_listings else " none"))
    for other in casefile.seller_listings:
        status = other.review_status or "no case"
        title = clip(safe(other.title), 50)
        lines.append(f"  [{status}] {safe(other.site)}  {title}  {safe(other.url)}")
    lines.append("decisions:")
    for e in casefile.events:
        note = f"  {safe(e.note)}" if e.note else ""
        moved = f"{e.from_status or '-'} -> {e.to_status}"
        lines.append(f"  {e.at:%Y-%m-%d %H:%M}  {safe(e.reviewer)}  {moved}{note}")
    return lines


@review_group.command("decide")
@click.argument("case", type=int)
@click.option("--confirm", "to_status", flag_value="confirmed", help="It sells what it should not.")
@click.option("--dismiss", "to_status", flag_value="dismissed", help="A false flag.")
@click.option("--escalate", "to_status", flag_value="escalated", help="For a second opinion.")
@click.option("--actioned", "to_status", flag_value="actioned", help="Takedown requested.")
@click.option("--removed", "to_status", flag_value="removed", help="Seen gone.")
@click.option("--reopen", "to_status", flag_value="open", help="Back to the queue.")
@click.option("--note", help="Why; kept in the audit trail.")
@click.option(
    "--if-version", type=int, metavar="N", help="Refuse if the case moved past version N."
)
@reviewer_option
@database_option
def decide_command(case, to_status, note, if_version, reviewer, database_url) -> None:
    """Move review case CASE: confirm, dismiss, escalate, actioned, removed or reopen.

    \b
    Examples:
      maskscreen review decide 42 --confirm --note "same seller as 17"
      maskscreen review decide 42 --actioned --note "takedown ticket 9913"
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import reviews

    if to_status is None:
        raise click.UsageError(
            "say what to do: --confirm, --dismiss, --escalate, --actioned, --removed or --reopen"
        )
    name = resolve_reviewer(reviewer)
    engine = resources().engine()
    with Session(engine) as session, session.begin():
        version = reviews.decide(session, case, to_status, reviewer=name, note=note,
                                 expected_version=if_version)  # fmt: skip
    click.echo(f"case {case}: {to_status} by {safe(name)} (version {version})")


@review_group.command("list")
@click.option(
    "--status", type=STATUS_CHOICES, help="Cases in this status. Default: open and escalated."
)
@click.option("--site", help="Only this site.")
@click.option("--label", type=LABEL_CHOICES, help="Only this label.")
@click.option("--reason", type=REASON_CHOICES, help=REASON_HELP)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@output_options
@database_option
def list_command(status, site, label, reason, limit, as_json, as_csv, database_url) -> None:
    """List review cases, highest priority first.

    \b
    Examples:
      maskscreen review list --status escalated
      maskscreen review list --status confirmed --site shop.example --csv > confirmed.csv
    """
    from sqlalchemy.orm import Session

    from maskscreen.db import reviews

    engine = resources().engine()
    with Session(engine) as session:
        rows = reviews.review_queue(
            session, status=status, site=site, label=label, source=reason, limit=limit
        )
    records = [asdict(row) for row in rows]
    columns = ["review_id", "status", "source", "priority", "score", "label", "site", "title",
               "url"]  # fmt: skip
    if as_json or as_csv:
        columns = list(records[0]) if records else columns
    render(records, columns, as_json=as_json, as_csv=as_csv, limits={"title": 50, "url": 60})


def register(group: click.Group) -> None:
    group.add_command(review_group)
