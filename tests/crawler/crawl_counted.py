"""Run one maskscreen command in this process and count what it opened; write JSON.

Run in a subprocess by test_one_engine.py (Scrapy's reactor starts once per process):

    python tests/crawler/crawl_counted.py OUT.json ARG...     # e.g. crawl URL --db URL

Counts every SQLAlchemy engine created (sqlalchemy.create_engine, however it is
reached), every schema check (db.migrate.ensure_schema) and every model load
(classifier.model.load_model) while the command runs.
"""

from __future__ import annotations

import json
import sys

import sqlalchemy

from maskscreen.classifier import model as model_module
from maskscreen.db import migrate, session

counts = {"engines": 0, "schema_checks": 0, "model_loads": 0}


def counting(name: str, real):
    def spy(*args, **kwargs):
        counts[name] += 1
        return real(*args, **kwargs)

    return spy


def main(out_path: str, *args: str) -> None:
    engine_spy = counting("engines", sqlalchemy.create_engine)
    sqlalchemy.create_engine = engine_spy
    session.create_engine = engine_spy
    migrate.ensure_schema = counting("schema_checks", migrate.ensure_schema)
    model_module.load_model = counting("model_loads", model_module.load_model)

    from maskscreen.cli.main import cli

    try:
        cli.main(list(args), prog_name="maskscreen", standalone_mode=False)
        exit_code = 0
    except SystemExit as exc:
        exit_code = exc.code or 0
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({**counts, "exit_code": exit_code}, f)


if __name__ == "__main__":
    main(*sys.argv[1:])
