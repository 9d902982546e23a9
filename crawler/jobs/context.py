"""What a job hands the pipelines of its crawler: the engine, the model, the run's names.

The job (crawler/jobs/job.py) attaches one `JobContext` to each Scrapy crawler before
the crawl starts (`attach`), holding the command's own engine and loaded model: no
database URL travels through Scrapy settings, and a process opens one engine and loads
one model however many crawlers it runs. The pipelines ask `context_of(crawler)`.

`scrapy crawl` and Scrapyd start crawlers without a job. For them `context_of` builds
the context from the crawler's settings once, when the spider opens: the database
MASKSCREEN_DATABASE_URL (setting, else the environment variable, else the default
SQLite file, as `maskscreen crawl`), the model MASKSCREEN_MODEL_DIR (default: the
shipped one), the site from MASKSCREEN_SITE or the spider's `site` argument. That
context owns its engine, and the pipeline disposes it when the spider closes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

ATTRIBUTE = "maskscreen_job"


@dataclass
class JobContext:
    engine: Any  # sqlalchemy Engine, at the schema's head; None: classify, store nothing
    model: Any  # classifier.model.Model
    site: str | None = None
    site_url: str | None = None
    command: str | None = None
    trigger: str | None = None  # manual | schedule, recorded on the run
    owned: bool = False  # opened from the settings (no job): the pipeline disposes the engine
    lease: Any = None  # without a job, the lease the pipeline holds (crawler/jobs/standalone.py)

    def close(self) -> None:
        if self.owned and self.engine is not None:
            self.engine.dispose()
            self.engine = None


def attach(crawler, context: JobContext) -> None:
    setattr(crawler, ATTRIBUTE, context)


def context_of(crawler, spider=None) -> JobContext:
    """The context the job attached to `crawler`, else one from its settings (see above)."""
    context = getattr(crawler, ATTRIBUTE, None)
    if context is None:
        context = from_settings(crawler.settings, spider or getattr(crawler, "spider", None))
        attach(crawler, context)
    return context


def from_settings(settings, spider=None) -> JobContext:
    """The fallback for crawlers started without a job (`scrapy crawl`, Scrapyd)."""
    from maskscreen.classifier.model import load_model

    engine = None
    if settings.getbool("MASKSCREEN_STORE", True):
        from maskscreen.db import open_database

        url = settings.get("MASKSCREEN_DATABASE_URL") or os.environ.get("MASKSCREEN_DATABASE_URL")
        engine = open_database(url or None)
    site_url = settings.get("MASKSCREEN_SITE_URL")
    if not site_url and getattr(spider, "start_urls", None):
        parts = urlsplit(spider.start_urls[0])
        site_url = f"{parts.scheme}://{parts.netloc}"
    command = settings.get("MASKSCREEN_COMMAND")
    if not command and getattr(spider, "_job", None):
        command = f"scrapyd job {spider._job}"
    return JobContext(
        engine=engine,
        model=load_model(settings.get("MASKSCREEN_MODEL_DIR")),
        site=settings.get("MASKSCREEN_SITE") or getattr(spider, "site", None),
        site_url=site_url,
        command=command,
        trigger=settings.get("MASKSCREEN_TRIGGER"),
        owned=True,
    )
