"""The keyword blocklist baseline (patterns/blocklist.json), for side-by-side evaluation."""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources


class KeywordBlocklist:
    def __init__(self, version: str, keywords: Sequence[str]):
        self.version = version
        self.keywords = [k.lower() for k in keywords]

    @classmethod
    def default(cls) -> KeywordBlocklist:
        data = json.loads(
            resources.files("maskscreen.classifier")
            .joinpath("patterns/blocklist.json")
            .read_text("utf-8")
        )
        return cls(data["version"], data["keywords"])

    def flags(self, texts: Sequence[str]) -> list[bool]:
        """Plain substring matching on lower-cased text, as a blocklist does."""
        return [any(k in text.lower() for k in self.keywords) for text in texts]
