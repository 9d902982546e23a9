"""The pages' Jinja2 templates (web/templates/), autoescaped: listing text is hostile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # everything is escaped unless a template marks it safe (none does)
    undefined=jinja2.StrictUndefined,
)


def render(request: Request, name: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    """A template as an HTML response with status ``code`` (the context is escaped)."""
    page = templates.get_template(name).render(request=request, **context)
    return HTMLResponse(page, status_code=code)
