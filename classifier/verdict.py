"""The verdict: what the classifier says about one listing (see DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

LABELS = ("realistic_face_mask", "custom_face_copy", "benign")
SIGNALS = ("evasion_claim", "made_to_order", "off_platform_contact")


@dataclass
class Verdict:
    label: str
    score: float  # calibrated probability that the listing is not benign
    scores: dict[str, float]
    flagged: bool
    signals: dict[str, bool]
    reasons: list[str] = field(default_factory=list)
    model_version: str = ""
    threshold: float = 0.5
    lexicon_version: str = ""

    def to_dict(self) -> dict:
        return asdict(self)
