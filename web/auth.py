"""Who is asking: browser sessions (cookie + CSRF token), HTTP Basic and bearer tokens, roles.

Pages: a session cookie (HttpOnly, SameSite=Strict, Secure behind TLS) names a row of
web_sessions; each session has a CSRF token that every form posts back. The API: HTTP
Basic with the same accounts (a failed password counts towards the login rate limit,
as on the login page), or a bearer token from `maskscreen tokens create`. Roles:
analysts read, reviewers also decide, admins also manage users (db.accounts.can).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from maskscreen.db import accounts

# Row ids in paths: a number a database column holds, else 422/400 (never an overflow).
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]

SESSION_COOKIE = "maskscreen_session"
LOGIN_COOKIE = "maskscreen_login"  # the login form's CSRF token (double submit)
AUTH_CACHE_SECONDS = 30  # a checked API token or password is trusted again for this long
AUTH_CACHE_SIZE = 1000


class NotSignedIn(Exception):
    """A page asked for without a valid session: the app answers with the login page."""


class TooManyAttempts(Exception):
    """Too many failed passwords for a name or from an address (db.accounts limits)."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in person of a page request and their session's CSRF token."""

    user: accounts.UserRow
    csrf: str

    @property
    def name(self) -> str:
        return self.user.name

    def can(self, role: str) -> bool:
        return accounts.can(self.user.role, role)


def reading(request: Request) -> Iterator[Session]:
    """A session for reads on the app's one engine (a dependency)."""
    with Session(request.app.state.engine) as session:
        yield session


@contextmanager
def writing(request: Request) -> Iterator[Session]:
    """One transaction on the app's engine, committed at the end of the block."""
    with Session(request.app.state.engine) as session, session.begin():
        yield session


def client_address(request: Request) -> str:
    """The client's address (behind a proxy: uvicorn's --forwarded-allow-ips sets it)."""
    return request.client.host if request.client else "unknown"


def page_viewer(request: Request, session: Annotated[Session, Depends(reading)]) -> Viewer:
    raw = request.cookies.get(SESSION_COOKIE)
    found = accounts.session_user(session, raw) if raw else None
    if found is None:
        raise NotSignedIn()
    return Viewer(*found)


def page_role(role: str):
    """A dependency: the signed-in viewer, who must have at least ``role`` (else 403)."""

    def check(viewer: Annotated[Viewer, Depends(page_viewer)]) -> Viewer:
        if not viewer.can(role):
            raise HTTPException(403, f"this needs the {role} role; you are {viewer.user.role}")
        return viewer

    return check


def same_token(expected: str, posted: str | None) -> bool:
    """Constant-time comparison of two tokens (any text: compared as UTF-8 bytes)."""
    if not expected or not posted:
        return False
    return secrets.compare_digest(expected.encode(), posted.encode("utf-8", "replace"))


def check_csrf(viewer_token: str, posted: str | None) -> None:
    if not same_token(viewer_token, posted):
        raise HTTPException(403, "the form's CSRF token is missing or stale; reload the page")


def login(request: Request, name: str, password: str) -> accounts.UserRow | None:
    """Check a password with the rate limit: TooManyAttempts, the user, or None."""
    address = client_address(request)
    with Session(request.app.state.engine) as session:
        if accounts.login_blocked(session, name, address):
            raise TooManyAttempts()
        user = accounts.authenticate(session, name, password)
    with writing(request) as session:
        accounts.record_login(session, name, address, user is not None)
    return user


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": 'Basic realm="maskscreen"'})


async def api_user(request: Request) -> accounts.UserRow:
    """The account of an API request: a bearer token, or HTTP Basic (401 without).

    A checked token or password is remembered for AUTH_CACHE_SECONDS, so a busy client
    costs neither a query nor a password hash per request (a revoked token or a disabled
    user is refused at the latest that long after)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer" and value:
        return await _remembered(request, f"bearer\0{value}", lambda: _bearer(request, value))
    if scheme == "basic" and value:
        try:
            name, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            name, sep, password = "", "", ""
        if not sep:
            raise _unauthorized("malformed HTTP Basic credentials")
        return await _remembered(
            request, f"basic\0{name}\0{password}", lambda: _basic(request, name, password)
        )
    raise _unauthorized("sign in with HTTP Basic or a bearer token")


async def _remembered(request: Request, what: str, check) -> accounts.UserRow:
    cache: dict[bytes, tuple[accounts.UserRow, float]] = request.app.state.auth_cache
    key = hashlib.sha256(what.encode()).digest()
    hit = cache.get(key)
    if hit is not None and hit[1] > time.monotonic():
        return hit[0]
    user = await run_in_threadpool(check)
    if len(cache) >= AUTH_CACHE_SIZE:
        cache.clear()
    cache[key] = (user, time.monotonic() + AUTH_CACHE_SECONDS)
    return user


def _bearer(request: Request, token: str) -> accounts.UserRow:
    with Session(request.app.state.engine) as session:
        user = accounts.user_for_token(session, token)
    if user is None:
        raise _unauthorized("the bearer token is unknown or revoked")
    return user


def _basic(request: Request, name: str, password: str) -> accounts.UserRow:
    try:
        user = login(request, name, password)
    except TooManyAttempts:
        raise HTTPException(429, "too many failed sign-ins; wait 15 minutes") from None
    if user is None:
        raise _unauthorized("wrong name or password")
    return user


def api_role(role: str):
    """A dependency: the API caller's account, which must have at least ``role``."""

    async def check(user: Annotated[accounts.UserRow, Depends(api_user)]) -> accounts.UserRow:
        if not accounts.can(user.role, role):
            raise HTTPException(403, f"this needs the {role} role; {user.name} is {user.role}")
        return user

    return check
