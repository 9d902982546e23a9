"""Is a listing gone? The removal heuristics a recheck applies to a fetched page.

A leaf module: HTTP status, a redirect to the home or a search page, and the bundled
phrase list (crawler/data/removal_phrases.json) that shops print on a removed listing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import parse_qsl, urlsplit

OUTCOMES = ("live", "changed", "removed")
GONE_STATUSES = (404, 410)


@dataclass(frozen=True)
class RemovalRules:
    version: str
    phrases: tuple[str, ...]  # casefolded
    home_paths: frozenset[str]
    search_path_words: tuple[str, ...]
    search_params: frozenset[str]

    def phrase_in(self, text: str) -> str | None:
        folded = _SPACES.sub(" ", text.casefold())
        return next((phrase for phrase in self.phrases if phrase in folded), None)

    def is_home_or_search(self, url: str) -> bool:
        parts = urlsplit(url)
        path = parts.path or "/"
        if path.rstrip("/") + "/" == "/" or path in self.home_paths:
            return True
        if any(word in path.casefold() for word in self.search_path_words):
            return True
        return any(key.casefold() in self.search_params for key, _ in parse_qsl(parts.query))


_SPACES = re.compile(r"\s+")


@cache
def removal_rules() -> RemovalRules:
    """The bundled phrase list and redirect rules (crawler/data/removal_phrases.json)."""
    text = (
        resources.files("maskscreen.crawler")
        .joinpath("data/removal_phrases.json")
        .read_text("utf-8")
    )
    data = json.loads(text)
    phrases = [p.casefold() for values in data["phrases"].values() for p in values]
    return RemovalRules(
        version=data["version"],
        phrases=tuple(dict.fromkeys(phrases)),
        home_paths=frozenset(data["home_paths"]),
        search_path_words=tuple(w.casefold() for w in data["search_path_words"]),
        search_params=frozenset(p.casefold() for p in data["search_params"]),
    )


def removal_reason(
    status: int,
    requested_url: str,
    final_url: str,
    text: str,
    rules: RemovalRules | None = None,
) -> str | None:
    """Why a fetched page says the listing is gone, or None if it does not."""
    rules = rules or removal_rules()
    if status in GONE_STATUSES:
        return f"HTTP {status}"
    if final_url != requested_url and rules.is_home_or_search(final_url):
        return f"redirected to {final_url}"
    phrase = rules.phrase_in(text)
    if phrase:
        return f"page says {phrase!r} (phrases {rules.version})"
    return None
