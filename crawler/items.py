"""The listing: one normalised shape for every source (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
)

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

    def to_record(self) -> dict:
        """A plain dict for the store (no crawler types cross into db/)."""
        return asdict(self)
