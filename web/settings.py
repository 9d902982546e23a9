"""What the web app is configured with, resolved once by whoever starts it (cli/serve.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class WebSettings:
    """``database_url``: resolved (never None); ``model_dir``: None for the shipped model;
    ``secure_cookies``: set the Secure flag (behind a TLS proxy, docs/reviewers.md)."""

    database_url: str
    model_dir: str | None = None
    secure_cookies: bool = False
    session_ttl: timedelta = timedelta(hours=12)
