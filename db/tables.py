"""The tables as SQLAlchemy Core handles, declared once for the store's query modules."""

from __future__ import annotations

from maskscreen.db.models import Base

_tables = Base.metadata.tables
sites = _tables["sites"]
runs = _tables["crawl_runs"]
leases = _tables["crawl_leases"]
listings = _tables["listings"]
listing_sites = _tables["listing_sites"]
versions = _tables["listing_versions"]
classifications = _tables["classifications"]
reviews = _tables["reviews"]
review_events = _tables["review_events"]
sellers = _tables["sellers"]
seller_handles = _tables["seller_handles"]
evidence = _tables["evidence"]
listing_checks = _tables["listing_checks"]
drops = _tables["crawl_drops"]
users = _tables["users"]
api_tokens = _tables["api_tokens"]
web_sessions = _tables["web_sessions"]
login_attempts = _tables["login_attempts"]
