"""Signals: review-priority flags found by versioned patterns (patterns/signals.json).

Patterns run on normalised text, so one pattern covers full-width, spaced-out
and traditional spellings. Each match is mapped back to the listing's own
words for the reviewer (see spans.py).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from classifier.verdict import SIGNALS

DEFAULT_PATTERNS = "patterns/signals.json"
# Chinese patterns only run on text with Chinese characters, English ones on
# text with Latin letters or digits: most listings need one set, not both.
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")
_HAS_LATIN = re.compile(r"[a-z0-9+@]")


class PatternFileError(ValueError):
    """A pattern file that cannot be read or compiled."""


@dataclass(frozen=True)
class SignalMatch:
    signal: str
    start: int  # offsets in the normalised text
    end: int
    text: str


class SignalMatcher:
    def __init__(
        self,
        version: str,
        patterns: dict[tuple[str, str], re.Pattern[str]],
        negation: dict[str, re.Pattern[str]] | None = None,
    ):
        self.version = version
        self._patterns = patterns  # (signal, language) -> one alternation
        self._negation = negation or {}  # language -> cue that must end the text before a match

    @classmethod
    def from_file(cls, path: str | Path | None = None) -> SignalMatcher:
        try:
            if path is None:
                raw = resources.files("classifier").joinpath(DEFAULT_PATTERNS).read_text("utf-8")
            else:
                raw = Path(path).read_text("utf-8")
            data = json.loads(raw)
            version = data["version"]
            compiled = {}
            for signal in SIGNALS:
                for language, patterns in data["signals"][signal].items():
                    alternation = "|".join(f"(?:{p})" for p in patterns)
                    compiled[(signal, language)] = re.compile(alternation)
            negation = {lang: re.compile(p) for lang, p in data.get("negation", {}).items() if lang != "about"}
        except (OSError, ValueError, KeyError, TypeError, re.error) as exc:
            raise PatternFileError(f"cannot load signal patterns {path or DEFAULT_PATTERNS}: {exc}") from exc
        return cls(version, compiled, negation)

    def find(self, normalized: str) -> list[SignalMatch]:
        """Every match in `normalized` text, for all signals, in text order."""
        languages = {"zh"} if _HAS_CJK.search(normalized) else set()
        if _HAS_LATIN.search(normalized):
            languages.add("en")
        found = [
            SignalMatch(signal, m.start(), m.end(), m.group(0))
            for (signal, language), pattern in self._patterns.items()
            if language in languages
            for m in pattern.finditer(normalized)
            if m.end() > m.start() and not self._negated(normalized, m.start(), language)
        ]
        return sorted(found, key=lambda match: (match.start, match.signal))

    def _negated(self, text: str, start: int, language: str) -> bool:
        cue = self._negation.get(language)
        return bool(cue and cue.search(text[max(0, start - 16) : start]))

    def flags(self, matches: list[SignalMatch]) -> dict[str, bool]:
        fired = {match.signal for match in matches}
        return {signal: signal in fired for signal in SIGNALS}


@functools.lru_cache(maxsize=4)
def default_matcher() -> SignalMatcher:
    return SignalMatcher.from_file(None)
