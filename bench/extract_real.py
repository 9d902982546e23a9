"""Field precision, recall and F1 of the extractor on the real-page fixtures.

    python bench/extract_real.py [--pages DIR] [--group dev|report|all] [--by-site]
                                 [--show-errors]

Reads every ``manifest-*.jsonl`` in tests/crawler/real_pages/ (see its README),
builds a Scrapy ``HtmlResponse`` from each saved page (with the manifest's URL, or
``https://DOMAIN/`` when the page gave none) and runs
``maskscreen.crawler.extract.page.extract_listing`` on it.

The expected values in the manifests were written by people reading the pages, not
by this extractor. Per field, over the product pages:

- true positive: the predicted value matches the expected non-null value;
- false positive: a value was predicted but it is wrong, or none was expected;
- false negative: a value was expected but none was predicted, or it is wrong.

So a wrong value counts once as FP and once as FN. Matching: title after
lower-casing and collapsing whitespace; price as equal decimal amounts; currency
and availability as equal strings, except that the schema.org names ``SoldOut`` and
``OutOfStock`` are one value here (`SAME_AVAILABILITY`): both say a buyer cannot have
the item now, and a page's words rarely tell which one its shop meant ("sold out" is
printed for stock that may come back). A product page that yields no listing counts
as "nothing predicted" for every field, and its `NotAListing` reason is tallied.
Non-product pages (``"product": false``) are reported apart: a listing taken from
one is a false positive of the page itself.

Two groups of pages, reported side by side with their union (``all``):

- ``dev``: the manifests in `DEV_MANIFESTS`, the pages the extractor's rules were
  tuned on (their errors were read with ``--show-errors``);
- ``report``: every other manifest, pages added later and never used to tune the
  rules, so their figures say how the extractor does on pages it has not seen.

``--group`` restricts the run (and ``--show-errors``, ``--by-site``) to one group;
tune with ``--group dev`` only. Figures are given per field and per source format
(jsonld, microdata, rdfa, opengraph, css, heuristic, or no listing).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from scrapy.http import HtmlResponse

from maskscreen.crawler.extract.page import NotAListing, extract_listing

ROOT = Path(__file__).parents[1] / "tests" / "crawler" / "real_pages"
FIELDS = ("title", "price", "currency", "availability")
# The development pages: the rules were tuned on these; every other manifest reports.
DEV_MANIFESTS = frozenset(
    {
        "manifest-1.jsonl",
        "manifest-2.jsonl",
        "manifest-3.jsonl",
        "manifest-4.jsonl",
        "manifest-5.jsonl",
        "manifest-6.jsonl",
        "manifest-7.jsonl",
        "manifest-8.jsonl",
        "manifest-9.jsonl",
        "manifest-10.jsonl",
        "manifest-11.jsonl",
        "manifest-12.jsonl",
        "manifest-13.jsonl",
        "manifest-14.jsonl",
        "manifest-15.jsonl",
        "manifest-16.jsonl",
        "manifest-17.jsonl",
        "manifest-18.jsonl",
        "manifest-19.jsonl",
    }
)
GROUPS = ("dev", "report", "all")
# Availability names the bench compares as one (see the module docstring).
SAME_AVAILABILITY = {"SoldOut": "OutOfStock"}


def load_manifests(root: Path) -> list[dict]:
    """Every manifest row, in file order, with the manifest's name under ``_manifest``."""
    rows = []
    for manifest in sorted(root.glob("manifest-*.jsonl")):
        for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            row["_manifest"] = f"{manifest.name}:{number}"
            row["_group"] = "dev" if manifest.name in DEV_MANIFESTS else "report"
            rows.append(row)
    return rows


def page_url(row: dict) -> str:
    return row.get("url") or f"https://{row['site']}/"


def response_for(row: dict, root: Path) -> HtmlResponse:
    body = (root / row["file"]).read_bytes()
    return HtmlResponse(url=page_url(row), body=body, encoding="utf-8")


def normalise_title(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split()).casefold()
    return text or None


def as_decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def matches(field: str, expected: object, predicted: object) -> bool:
    if field == "title":
        return normalise_title(expected) == normalise_title(predicted)
    if field == "price":
        return as_decimal(expected) == as_decimal(predicted)
    if field == "availability":
        return SAME_AVAILABILITY.get(expected, expected) == SAME_AVAILABILITY.get(
            predicted, predicted
        )
    return expected == predicted


class Tally:
    """True positives, false positives and false negatives of one field."""

    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, field: str, expected: object, predicted: object) -> None:
        if predicted in (None, ""):
            predicted = None
        if expected is not None and predicted is not None and matches(field, expected, predicted):
            self.tp += 1
            return
        if predicted is not None:
            self.fp += 1
        if expected is not None:
            self.fn += 1

    def scores(self) -> tuple[float, float, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def predict(row: dict, root: Path) -> tuple[dict | None, str | None]:
    """The extractor's fields for one page, or (None, reason) when it gives no listing."""
    try:
        listing = extract_listing(response_for(row, root), site=row["site"])
    except NotAListing as exc:
        return None, exc.reason
    return {
        "title": listing.title,
        "price": listing.price,
        "currency": listing.currency,
        "availability": listing.availability,
        "source_format": listing.source_format,
    }, None


class Figures:
    """The tallies of one group of pages."""

    def __init__(self) -> None:
        self.fields: dict[str, Tally] = defaultdict(Tally)
        self.by_format: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
        self.by_site: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
        self.format_pages: Counter = Counter()
        self.site_pages: Counter = Counter()
        self.reasons: Counter = Counter()
        self.products = self.others = self.listed = 0

    def add_product(self, row: dict, predicted: dict | None, reason: str | None) -> None:
        source = predicted["source_format"] if predicted else f"(none: {reason})"
        self.products += 1
        if reason:
            self.reasons[reason] += 1
        self.format_pages[source] += 1
        self.site_pages[row["site"]] += 1
        for field in FIELDS:
            expected = row["expected"].get(field)
            value = predicted[field] if predicted else None
            for tallies in (self.fields, self.by_format[source], self.by_site[row["site"]]):
                tallies[field].add(field, expected, value)


def is_wrong(field: str, expected: object, value: object) -> bool:
    if value in (None, ""):
        value = None
    if expected is None and value is None:
        return False
    return expected is None or value is None or not matches(field, expected, value)


def cell(tally: Tally) -> str:
    if tally.tp + tally.fp + tally.fn == 0:
        return "-"
    p, r, f = tally.scores()
    return f"{p:.3f}/{r:.3f}/{f:.3f} ({tally.tp}/{tally.fp}/{tally.fn})"


def print_fields(shown: list[str], figures: dict[str, Figures]) -> None:
    width = 34
    print("\nProduct pages, per field: P/R/F1 (tp/fp/fn)")
    heads = [f"{name} ({figures[name].products} pages)" for name in shown]
    print(f"  {'':13}" + "".join(f" {head:{width}}" for head in heads))
    for field in FIELDS:
        cells = [cell(figures[name].fields[field]) for name in shown]
        print(f"  {field:13}" + "".join(f" {c:{width}}" for c in cells))


def print_table(title: str, groups: dict[str, dict[str, Tally]], pages: Counter) -> None:
    print(f"\n{title}")
    if not groups:
        print("  (no pages)")
        return
    header = f"{'':32} {'pages':>5}" + "".join(f" {f[:12]:>14}" for f in FIELDS)
    print(header)
    print(f"{'':32} {'':>5}" + "".join(f" {'P/R/F1':>14}" for _ in FIELDS))
    for name in sorted(groups, key=lambda n: (-pages[n], n)):
        cells = []
        for field in FIELDS:
            tally = groups[name][field]
            if tally.tp + tally.fp + tally.fn == 0:
                cells.append(f" {'-':>14}")
                continue
            p, r, f = tally.scores()
            cells.append(f" {p:.2f}/{r:.2f}/{f:.2f}".rjust(15))
        print(f"{name[:32]:32} {pages[name]:>5}" + "".join(cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=ROOT, help="folder of the manifests")
    parser.add_argument(
        "--group",
        choices=GROUPS,
        default="all",
        help="dev: the tuning pages (DEV_MANIFESTS); report: every other manifest; "
        "all (default): both side by side, and their union",
    )
    parser.add_argument("--by-site", action="store_true", help="also one row per site")
    parser.add_argument(
        "--show-errors",
        action="store_true",
        help="list every wrong field, and every non-product page that gave a listing",
    )
    args = parser.parse_args(argv)
    print("command:", shlex.join([sys.executable, *sys.argv]))

    rows = load_manifests(args.pages)
    if args.group != "all":
        rows = [row for row in rows if row["_group"] == args.group]
    shown = list(GROUPS) if args.group == "all" else [args.group]
    for name in shown:
        group = [row for row in rows if name == "all" or row["_group"] == name]
        print(
            f"{name}: {len(group)} pages "
            f"({sum(bool(row['product']) for row in group)} product) from "
            f"{len({row['site'] for row in group})} sites, manifests: "
            + (", ".join(sorted({row["_manifest"].split(":")[0] for row in group})) or "none")
        )

    figures = {name: Figures() for name in GROUPS}
    errors = []
    for row in rows:
        predicted, reason = predict(row, args.pages)
        targets = (figures[row["_group"]], figures["all"])
        if not row["product"]:
            for figure in targets:
                figure.others += 1
                figure.listed += predicted is not None
            if predicted is not None:  # a listing taken from a page that is not a product
                errors.append((row["_group"], row["file"], "listing", None, predicted["title"]))
            continue
        for figure in targets:
            figure.add_product(row, predicted, reason)
        for field in FIELDS:
            expected = row["expected"].get(field)
            value = predicted[field] if predicted else None
            if is_wrong(field, expected, value):
                errors.append((row["_group"], row["file"], field, expected, value))

    print_fields(shown, figures)
    for name in shown:
        figure = figures[name]
        print_table(f"{name}: by source_format (P/R/F1):", figure.by_format, figure.format_pages)
        if args.by_site:
            print_table(f"{name}: by site (P/R/F1):", figure.by_site, figure.site_pages)
    for name in shown:
        figure = figures[name]
        print(
            f"\n{name}: product pages with no listing: "
            f"{sum(figure.reasons.values())} of {figure.products}"
        )
        for reason, count in figure.reasons.most_common():
            print(f"  {reason}: {count}")
        print(
            f"{name}: non-product pages that gave a listing (false positives): "
            f"{figure.listed} of {figure.others}"
        )

    if args.show_errors:
        print("\nWrong or missing fields (group, file, field, expected, predicted):")
        for group, file, field, expected, value in errors:
            print(f"  {group:6} {file}  {field}: {expected!r} -> {value!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
