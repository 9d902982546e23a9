"""A catalogue's verdicts as listings: `maskscreen classify FILE --store SOURCE`.

A catalogue source is a site like a crawled one (its name is the source's), so its
flagged items enter the same review queue through the same store functions as a
crawl's (``db.store``). Each catalogue id is one listing, keyed by the URL
``catalogue:SOURCE/ID`` (not fetchable: a catalogue row has no page), its id kept as
``external_id``. Storing the same rows again is a sighting: a new version only when
the title or text changed, a verdict only for a version this model has not scored.
Like every store function: takes a session, never commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from maskscreen.db import rechecks, store

SOURCE_FORMAT = "catalogue"


def catalogue_url(source: str, row_id: object) -> str:
    """The listing key of a catalogue row: ``catalogue:SOURCE/ID`` (the id %-quoted)."""
    return f"catalogue:{quote(source, safe='')}/{quote(str(row_id), safe='')}"


def store_catalogue_rows(
    session: Session,
    site_id: int,
    source: str,
    ids: Sequence[object],
    items: Sequence[dict[str, Any]],
    verdicts: Sequence[dict[str, Any]],
) -> Counter[str]:
    """Record one sighting of each row and the verdicts of new content; open review cases.

    ``items`` hold title and description; ``verdicts`` are the model's (as dicts), one
    per row. Returns counts: new, changed, unchanged (listings), classified (verdicts
    stored), flagged (of those), reviews (cases opened).
    """
    records = [
        {
            "url": catalogue_url(source, row_id),
            "external_id": str(row_id)[:255],
            "title": item.get("title"),
            "description": item.get("description"),
            "source_format": SOURCE_FORMAT,
        }
        for row_id, item in zip(ids, items, strict=True)
    ]
    results = store.upsert_listings(session, site_id, records)
    todo = store.unclassified_versions(session, [r.version_id for r in results], _version(verdicts))
    rows = [
        (r.version_id, v) for r, v in zip(results, verdicts, strict=True) if r.version_id in todo
    ]
    counts = Counter(r.status for r in results)
    counts["classified"] = len({vid for vid, _ in rows})
    counts["flagged"] = len({vid for vid, v in rows if v["flagged"]})
    counts["reviews"] = store.record_classifications(session, rows)
    # As a crawl does: an edited listing under review gets a note of its new verdict.
    scored = dict(rows)
    edits = [(r.listing_id, _note(scored.get(r.version_id)))
             for r in results if r.status == "changed"]  # fmt: skip
    rechecks.note_edits(session, edits)
    return counts


def _version(verdicts: Sequence[dict[str, Any]]) -> str:
    return verdicts[0]["model_version"] if verdicts else ""


def _note(verdict: dict[str, Any] | None) -> str:
    if verdict is None:
        return rechecks.edit_note(None)
    return rechecks.edit_note(verdict["label"], verdict["score"], verdict["flagged"])
