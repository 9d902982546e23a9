"""Store test factories: a listing record and a verdict, as crawler and classifier give them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def make_listing(n: int = 1, **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "url": f"https://shop.example/products/{n}",
        "site": "shop",
        "title": f"Realistic silicone male face mask {n}",
        "description": "Hand-made full head mask, lifelike skin and wrinkles.",
        "external_id": f"sku-{n}",
        "price": Decimal("129.00"),
        "currency": "USD",
        "seller": "maskmaker",
        "seller_url": "https://shop.example/sellers/maskmaker",
        "brand": None,
        "images": [f"https://cdn.shop.example/{n}/front.jpg"],
        "language": "en",
        "category": "Costumes",
        "availability": "InStock",
        "fetched_at": datetime(2026, 5, 1, 12, 0, tzinfo=UTC),
        "source_format": "jsonld",
    }
    record.update(overrides)
    return record


def make_verdict(**overrides: Any) -> dict[str, Any]:
    """A flagged realistic-face-mask verdict unless overridden."""
    score = overrides.get("score", 0.91)
    verdict: dict[str, Any] = {
        "label": "realistic_face_mask",
        "score": score,
        "scores": {"realistic_face_mask": score, "custom_face_copy": 0.02, "benign": 1 - score},
        "flagged": True,
        "signals": {"evasion_claim": False, "made_to_order": False, "off_platform_contact": False},
        "reasons": ["realistic", "silicone"],
        "model_version": "test-model-1",
        "threshold": 0.5,
        "lexicon_version": "lexicon-1",
    }
    verdict.update(overrides)
    return verdict


def benign_verdict(**overrides: Any) -> dict[str, Any]:
    return make_verdict(
        **{"label": "benign", "score": 0.03, "flagged": False, "reasons": [], **overrides}
    )
