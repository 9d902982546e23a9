"""Accounts of the web app and API: users, roles, password hashes, tokens, sessions.

Passwords are hashed with Argon2id (argon2-cffi's defaults, which follow RFC 9106);
bearer tokens and session cookies are random and only their SHA-256 is stored, so a
copy of the database opens no account. Login attempts are recorded so that the edge
can refuse a name or an address after too many failures. Functions take a session and
never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.orm import Session

from maskscreen.db.errors import AccountError
from maskscreen.db.models import ROLES, utcnow
from maskscreen.db.sql import rowcount
from maskscreen.db.tables import api_tokens, login_attempts, users, web_sessions

__all__ = [
    "LOGIN_WINDOW",
    "AccountError",
    "MAX_ADDRESS_FAILURES",
    "MAX_NAME_FAILURES",
    "ROLES",
    "SESSION_TTL",
    "TOKEN_PREFIX",
    "UserRow",
    "add_user",
    "authenticate",
    "can",
    "create_token",
    "disable_user",
    "end_session",
    "find_user",
    "list_tokens",
    "list_users",
    "login_blocked",
    "record_login",
    "revoke_token",
    "select_hashes",
    "session_user",
    "start_session",
    "user_for_token",
]

SESSION_TTL = timedelta(hours=12)
LOGIN_WINDOW = timedelta(minutes=15)
MAX_NAME_FAILURES = 5  # failed passwords for one name within LOGIN_WINDOW
MAX_ADDRESS_FAILURES = 20  # failed passwords from one client address within LOGIN_WINDOW
TOKEN_PREFIX = "mst_"

_hasher = PasswordHasher()
# Verified against when the name is unknown, so that the answer takes as long either way.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    name: str
    role: str
    created_at: datetime
    disabled_at: datetime | None


_USER_COLUMNS = (users.c.id, users.c.name, users.c.role, users.c.created_at, users.c.disabled_at)


def can(role: str, needed: str) -> bool:
    """Whether ``role`` may do what ``needed`` may: analyst < reviewer < admin."""
    return ROLES.index(role) >= ROLES.index(needed)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise AccountError(f"not a user name: {name[:40]!r} (1 to 100 characters, no spaces)")
    return name


def add_user(session: Session, name: str, role: str, password: str) -> int:
    """Add a user; AccountError if the name is taken, the role unknown or the password short."""
    name = _check_name(name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
    if len(password) < 8:
        raise AccountError("the password is too short (8 characters at least)")
    if session.scalar(select(users.c.id).where(users.c.name == name)) is not None:
        raise AccountError(f"user {name} exists already")
    user_id: int = session.execute(
        insert(users)
        .values(name=name, role=role, password_hash=_hasher.hash(password), created_at=utcnow())
        .returning(users.c.id)
    ).scalar_one()
    return user_id


def list_users(session: Session) -> list[UserRow]:
    return [UserRow(*row) for row in session.execute(select(*_USER_COLUMNS).order_by(users.c.name))]


def find_user(session: Session, name: str) -> UserRow | None:
    row = session.execute(select(*_USER_COLUMNS).where(users.c.name == name)).first()
    return None if row is None else UserRow(*row)


def disable_user(session: Session, name: str) -> None:
    """Disable a user: no more logins; its sessions end and its tokens are revoked."""
    now = utcnow()
    moved = session.execute(
        update(users)
        .where(users.c.name == name, users.c.disabled_at.is_(None))
        .values(disabled_at=now)
        .returning(users.c.id)
    ).scalar()
    if moved is None:
        user = find_user(session, name)
        if user is None:
            raise AccountError(f"no user {name}")
        return  # disabled already
    session.execute(delete(web_sessions).where(web_sessions.c.user_id == moved))
    session.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == moved, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def authenticate(session: Session, name: str, password: str) -> UserRow | None:
    """The active user with this name and password, else None (in about the same time)."""
    row = session.execute(
        select(*_USER_COLUMNS, users.c.password_hash).where(users.c.name == name)
    ).first()
    stored = row.password_hash if row is not None and row.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None:
        return None
    return UserRow(*row[:5])


def login_blocked(session: Session, name: str, address: str, now: datetime | None = None) -> bool:
    """Too many failed passwords for this name, or from this address, within LOGIN_WINDOW."""
    since = (now or utcnow()) - LOGIN_WINDOW
    failed = login_attempts.c.succeeded.is_(False)
    recent = login_attempts.c.at >= since
    by_name = session.scalar(
        select(func.count()).where(login_attempts.c.name == name[:100], recent, failed)
    )
    if (by_name or 0) >= MAX_NAME_FAILURES:
        return True
    by_address = session.scalar(
        select(func.count()).where(login_attempts.c.address == address[:64], recent, failed)
    )
    return (by_address or 0) >= MAX_ADDRESS_FAILURES


def record_login(session: Session, name: str, address: str, succeeded: bool) -> None:
    session.execute(
        insert(login_attempts).values(
            name=name[:100], address=address[:64], at=utcnow(), succeeded=succeeded
        )
    )


def start_session(session: Session, user_id: int, ttl: timedelta = SESSION_TTL) -> tuple[str, str]:
    """A new browser session: (cookie value, CSRF token). Expired sessions are cleared."""
    now = utcnow()
    session.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
    raw, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.execute(
        insert(web_sessions).values(
            user_id=user_id, token_hash=_digest(raw), csrf_token=csrf, created_at=now,
            expires_at=now + ttl,
        )
    )  # fmt: skip
    return raw, csrf


def session_user(session: Session, raw: str) -> tuple[UserRow, str] | None:
    """The active user of a session cookie and the session's CSRF token, if it is valid."""
    row = session.execute(
        select(*_USER_COLUMNS, web_sessions.c.csrf_token)
        .join(users, users.c.id == web_sessions.c.user_id)
        .where(
            web_sessions.c.token_hash == _digest(raw),
            web_sessions.c.expires_at > utcnow(),
            users.c.disabled_at.is_(None),
        )
    ).first()
    return None if row is None else (UserRow(*row[:5]), row.csrf_token)


def end_session(session: Session, raw: str) -> None:
    session.execute(delete(web_sessions).where(web_sessions.c.token_hash == _digest(raw)))


def create_token(session: Session, name: str) -> tuple[int, str]:
    """A new API token for user ``name``: (its id, the token; shown once, kept as a hash)."""
    user = find_user(session, name)
    if user is None:
        raise AccountError(f"no user {name}")
    if user.disabled_at is not None:
        raise AccountError(f"user {name} is disabled")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id: int = session.execute(
        insert(api_tokens)
        .values(user_id=user.id, token_hash=_digest(raw), created_at=utcnow())
        .returning(api_tokens.c.id)
    ).scalar_one()
    return token_id, raw


def list_tokens(session: Session) -> list[dict[str, object]]:
    """Every token: id, user, created_at, revoked_at (never the token)."""
    stmt = (
        select(api_tokens.c.id, users.c.name.label("user"), api_tokens.c.created_at,
               api_tokens.c.revoked_at)
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id)
    )  # fmt: skip
    return [dict(row._mapping) for row in session.execute(stmt)]


def revoke_token(session: Session, token_id: int) -> None:
    moved = session.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    if rowcount(moved) != 1:
        raise AccountError(f"no live token {token_id}")


def select_hashes() -> Select[tuple[str | None]]:
    """The stored password hashes (for checks that they are Argon2id, never plain text)."""
    return select(users.c.password_hash)


def user_for_token(session: Session, raw: str) -> UserRow | None:
    """The active user of a live bearer token, else None."""
    row = session.execute(
        select(*_USER_COLUMNS)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(
            api_tokens.c.token_hash == _digest(raw),
            api_tokens.c.revoked_at.is_(None),
            users.c.disabled_at.is_(None),
        )
    ).first()
    return None if row is None else UserRow(*row)
