"""The listing: one normalised shape for every source (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal

SOURCE_FORMATS = (
    "jsonld",
    "microdata",
    "rdfa",
    "opengraph",
    "shopify",
    "woocommerce",
    "css",
    "heuristic",
)


@dataclass(frozen=True)
class PageEvidence:
    """The page a listing was read from, as fetched: kept as evidence when it is flagged.

    Attached by `crawler.middlewares.EvidenceMiddleware`; never part of the listing's
    content (not in `to_record()`, not in the content hash).
    """

    url: str
    status: int
    content_type: str | None
    body: bytes
    fetched_at: datetime


@dataclass
class Listing:
    url: str
    site: str
    title: str | None = None
    description: str | None = None
    external_id: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    seller: str | None = None
    seller_url: str | None = None
    brand: str | None = None
    images: list[str] = field(default_factory=list)
    language: str | None = None
    category: str | None = None
    availability: str | None = None
    fetched_at: datetime | None = None
    source_format: str | None = None
    # How sure the generic page reading (`source_format` "heuristic") is that this is a
    # product and these its fields, in [0, 1]; None for every other source (a shop's own
    # structured data or a profile's selectors are statements, not guesses).
    extraction_confidence: float | None = None
    # The URL actually fetched (before cleaning); `url` is the key: the page's canonical
    # when on the same site, else this URL cleaned of tracking parameters.
    fetched_url: str | None = None
    # The canonical the page declared when it was NOT used as the key (another site).
    canonical_url: str | None = None
    # Not content: the fetched page, for evidence. Excluded from to_record().
    evidence: PageEvidence | None = field(default=None, repr=False, compare=False)

    def to_record(self) -> dict:
        """A plain dict for the store (no crawler types cross into db/); no evidence.

        The values are the listing's own except `images`, a copy: every other field
        holds an immutable value (str, Decimal, datetime, float or None), so the deep copy
        this once made (about a sixth of a millisecond a listing) protected nothing.
        """
        record = {name: getattr(self, name) for name in _RECORD_FIELDS}
        if isinstance(self.images, list):  # of str: a shallow copy is a full one
            record["images"] = list(self.images)
        return record


NOT_CONTENT = frozenset({"evidence"})
_RECORD_FIELDS = tuple(f.name for f in fields(Listing) if f.name not in NOT_CONTENT)


@dataclass
class ListingCheck:
    """What a recheck saw at a flagged listing's URL (crawler/spiders/recheck.py).

    `outcome` is "removed" when the page says so (with the reason in `note`); None when
    the page still shows the listing, in which case the store decides live or changed
    from `listing`'s content hash.
    """

    listing_id: int
    site: str
    url: str
    outcome: str | None
    http_status: int | None
    checked_at: datetime
    note: str | None = None
    listing: Listing | None = None
