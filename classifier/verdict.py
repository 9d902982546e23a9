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
    # policy concept -> the listing's own words for it (dangerous concepts first)
    concepts: dict[str, list[str]] = field(default_factory=dict)
    language: str = "und"  # ISO 639-1, "und" for text with no letters (language.py)
    # False: a language the model does not cover; route to a person (needs_human)
    language_supported: bool = True
    # sha256 of the model file (model.skops) the verdict came from: which exact model, not
    # only its version name ("" for a model that was never saved)
    model_sha256: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def needs_human(verdict: Verdict, rate: float = 1.0, key: str = "") -> bool:
    """Whether a listing goes to the review queue as `needs_human` although the model did
    not flag it: it is written in a language the model does not cover, so its score says
    little. `rate` (0–1) is the share of such listings sent, chosen by a hash of `key`
    (the listing's URL, say), so the same listing is always decided the same way.
    Flagged listings go to the queue anyway.
    """
    if verdict.flagged or verdict.language_supported:
        return False
    if rate >= 1.0:
        return True
    import hashlib

    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < rate
