"""The ASGI app: one engine and one model opened at startup, routes, errors, headers.

Errors cross the edge once: under /api an error is JSON ``{"status", "message"}`` with
its status code; a page gets the error page. Bad input is 400 or 422, never 500; an
unexpected failure is a 500 that says nothing about the inside.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from maskscreen.web.auth import NotSignedIn
from maskscreen.web.batching import Batcher
from maskscreen.web.headers import SecurityHeaders
from maskscreen.web.rendering import render
from maskscreen.web.settings import WebSettings

log = logging.getLogger(__name__)
HERE = Path(__file__).parent


def _version() -> str:
    try:
        return version("maskscreen")
    except PackageNotFoundError:
        return "0"


def create_app(settings: WebSettings, *, engine: Any = None, model: Any = None) -> FastAPI:
    """The app. ``engine`` and ``model``, if given, are used instead of opening them
    (and are left open at shutdown: whoever opened them closes them)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # mypy resolves classifier.model to the classifier/model/ data folder, not model.py.
        from maskscreen.classifier.longrun import warm
        from maskscreen.classifier.model import load_model  # type: ignore[attr-defined]
        from maskscreen.db import migrate

        app.state.engine = (
            engine if engine is not None else migrate.open_database(settings.database_url)
        )
        try:
            app.state.model = model if model is not None else load_model(settings.model_dir)
            # The first calls load spaCy, jieba and the patterns: before the first request.
            warm(app.state.model)
            app.state.batcher = Batcher(app.state.model)
            app.state.batcher.start()
            with frozen_while_serving():
                yield
            await app.state.batcher.stop()
        finally:
            if engine is None:
                app.state.engine.dispose()

    app = FastAPI(
        title="maskscreen",
        version=_version(),
        summary="Listings that sell realistic human face masks and custom copies of a face.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.auth_cache = {}
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    from maskscreen.web import api, pages, views

    app.include_router(pages.router)
    app.include_router(views.router)
    app.include_router(api.router)
    _errors(app)
    app.add_middleware(SecurityHeaders)
    return app


@contextmanager
def frozen_while_serving() -> Iterator[None]:
    """While the app serves: what startup made (the model, its patterns and tokenizers, the
    engine, the imported modules: some 200,000 objects) kept out of the garbage collector's
    passes (gc.freeze after one full collection, so no garbage is kept), handed back at
    shutdown. Without it every full pass, made now and then while requests are served,
    walks the model again (0.3 s of CPU on two shared cores, by the crawl's measure:
    crawler/jobs/job.py, which does the same while a crawl runs). One process serving
    two apps at once unfreezes both when the first stops: a cost, never a leak."""
    from maskscreen.classifier.longrun import frozen

    with frozen(collect=True):
        yield


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, headers=None) -> Response:
    if _is_api(request):
        return JSONResponse({"status": status, "message": message}, status, headers=headers)
    return render(request, "error.html", status, status_code=status, message=message, viewer=None)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        return RedirectResponse("/login", 303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return error_response(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        status = 422 if _is_api(request) else 400
        return error_response(request, status, _first_problem(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(request, 500, "internal error (logged on the server)")


def _first_problem(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    message = str(first.get("msg", "invalid"))
    return f"{where}: {message}" if where else message
