"""The maskscreen store: what callers may use. Everything else in db/ is internal.

Callers (cli/, crawler/, web/) import from here only (an import contract in
pyproject.toml keeps it so): ``from maskscreen.db import open_database, store``.
Names load on first use, so importing one costs only what it needs.

Opening a database
    ``open_database(url)`` connects and brings the schema to head (or says how);
    ``connect(url)`` connects without touching the schema; ``resolve_url``,
    ``safe_url`` (a URL without its password), ``default_database_path``;
    ``migrate`` (upgrade, downgrade, current, head).
Writing and reading (modules; store functions take a Session and never commit)
    ``store`` sites, crawl runs, listings, versions, classifications, flagged listings;
    ``runs`` the crawl-run rows and their history; ``leases`` one job per site;
    ``evidence`` the page kept at flag time; ``set_needs_human_rate(engine, rate)`` the
    share of unflagged listings in unsupported languages sent to a person; ``rechecks`` live / changed / removed;
    ``reviews`` cases, queue, decisions and their trail (``reviews.audit``);
    ``sellers`` seller keys, handles, links, rankings; ``analytics`` per-day figures;
    ``export`` flagged listings with verdicts and review status;
    ``accounts`` users, roles, password hashes, API tokens, browser sessions.
Words the store defines once
    review states (``CONFIRMED_STATES``, ``DISMISSED_STATES``, ``DECIDED_STATES``,
    ``QUEUE_STATES``), ``CHECK_OUTCOMES``, ``RUN_STATUSES``, ``RUN_COUNTS``, ``utcnow``.
Errors (one line each)
    ``StoreError`` and its kin, ``DatabaseUnavailable``, ``LeaseHeld``, ``AccountError``.
Text for spreadsheets
    ``spreadsheet_safe`` (a CSV cell a spreadsheet will not run as a formula), shared by
    the CLI's and the web app's CSV.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the module that defines it (a module name alone: the name is that module)
_WHERE = {
    # opening
    "open_database": "maskscreen.db.migrate",
    "connect": "maskscreen.db.session",
    "make_engine": "maskscreen.db.session",
    "resolve_url": "maskscreen.db.session",
    "safe_url": "maskscreen.db.session",
    "redact_credentials": "maskscreen.db.session",
    "default_database_path": "maskscreen.db.session",
    # modules
    "migrate": "maskscreen.db.migrate",
    "store": "maskscreen.db.store",
    "runs": "maskscreen.db.runs",
    "leases": "maskscreen.db.leases",
    "evidence": "maskscreen.db.evidence",
    "rechecks": "maskscreen.db.rechecks",
    "reviews": "maskscreen.db.reviews",
    "sellers": "maskscreen.db.sellers",
    "analytics": "maskscreen.db.analytics",
    "export": "maskscreen.db.export",
    "accounts": "maskscreen.db.accounts",
    # functions and types callers use by name
    "run_history": "maskscreen.db.runs",
    "mark_alerted": "maskscreen.db.runs",
    "LastRun": "maskscreen.db.runs",
    "LeaseKeeper": "maskscreen.db.leases",
    "DEFAULT_TTL": "maskscreen.db.leases",
    "evidence_for_listing": "maskscreen.db.evidence",
    "export_rows": "maskscreen.db.export",
    "EXPORT_COLUMNS": "maskscreen.db.export",
    "cells": "maskscreen.db.cells",
    "catalogue": "maskscreen.db.catalogue",
    "spreadsheet_safe": "maskscreen.db.cells",
    "FORMULA_STARTS": "maskscreen.db.cells",
    "rank_sellers": "maskscreen.db.sellers",
    "review_labels": "maskscreen.db.reviews.audit",
    # words defined once
    "CONFIRMED_STATES": "maskscreen.db.models",
    "DISMISSED_STATES": "maskscreen.db.models",
    "DECIDED_STATES": "maskscreen.db.models",
    "QUEUE_STATES": "maskscreen.db.models",
    "CHECK_OUTCOMES": "maskscreen.db.models",
    "RUN_STATUSES": "maskscreen.db.models",
    "RUN_COUNTS": "maskscreen.db.models",
    "utcnow": "maskscreen.db.models",
    "Site": "maskscreen.db.models",
    "Listing": "maskscreen.db.models",
    "ListingVersion": "maskscreen.db.models",
    "ListingSite": "maskscreen.db.models",
    "set_needs_human_rate": "maskscreen.db.store",
    "NEEDS_HUMAN_RATE": "maskscreen.db.store",
    # errors
    "StoreError": "maskscreen.db.errors",
    "AccountError": "maskscreen.db.errors",
    "DatabaseUnavailable": "maskscreen.db.errors",
    "SchemaBehindError": "maskscreen.db.errors",
    "SchemaAheadError": "maskscreen.db.errors",
    "LeaseHeld": "maskscreen.db.leases",
}
_MODULES = {
    "migrate",
    "store",
    "runs",
    "leases",
    "evidence",
    "rechecks",
    "reviews",
    "sellers",
    "analytics",
    "export",
    "accounts",
    "cells",
    "catalogue",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'maskscreen.db' has no attribute {name!r}")
    module = importlib.import_module(where)
    value = module if name in _MODULES else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and editors see
    from maskscreen.db import (
        accounts,
        analytics,
        cells,
        evidence,
        export,
        leases,
        migrate,
        rechecks,
        reviews,
        runs,
        sellers,
        store,
    )
    from maskscreen.db.cells import FORMULA_STARTS, spreadsheet_safe
    from maskscreen.db.errors import (
        AccountError,
        DatabaseUnavailable,
        SchemaAheadError,
        SchemaBehindError,
        StoreError,
    )
    from maskscreen.db.evidence import evidence_for_listing
    from maskscreen.db.export import EXPORT_COLUMNS, export_rows
    from maskscreen.db.leases import DEFAULT_TTL, LeaseHeld, LeaseKeeper
    from maskscreen.db.migrate import open_database
    from maskscreen.db.models import (
        CHECK_OUTCOMES,
        CONFIRMED_STATES,
        DECIDED_STATES,
        DISMISSED_STATES,
        QUEUE_STATES,
        RUN_COUNTS,
        RUN_STATUSES,
        Listing,
        ListingSite,
        ListingVersion,
        Site,
        utcnow,
    )
    from maskscreen.db.reviews.audit import review_labels
    from maskscreen.db.runs import LastRun, mark_alerted, run_history
    from maskscreen.db.sellers import rank_sellers
    from maskscreen.db.session import (
        connect,
        default_database_path,
        make_engine,
        redact_credentials,
        resolve_url,
        safe_url,
    )
    from maskscreen.db.store import NEEDS_HUMAN_RATE, set_needs_human_rate
