"""The browser app and the HTTP API (`maskscreen serve`): an edge beside cli/.

``create_app(settings)`` builds the ASGI app; it opens one engine and loads one model
when it starts (FastAPI lifespan) and passes them to every route. Modules:
``app`` (the app, its errors and headers), ``auth`` (accounts, sessions, CSRF, roles),
``pages`` (the reviewer's pages), ``views`` (the analyst's pages), ``api`` (/api/v1),
``rendering`` (autoescaped templates), ``headers`` (CSP and the rest), ``decisions``.
"""

from maskscreen.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]


def create_app(settings: WebSettings, *, engine=None, model=None):
    """The ASGI app (web.app.create_app; FastAPI is imported only when this is called)."""
    from maskscreen.web.app import create_app as create

    return create(settings, engine=engine, model=model)
