"""Tables of the maskscreen store, as SQLAlchemy 2.0 typed declarative models.

Alembic owns the schema (``db/migrations``); these models are what the
migrations must produce, and a test checks that they do not drift apart.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_STATUSES = ("running", "finished", "failed", "interrupted")
RUN_COUNTS = ("pages", "listings", "new", "changed", "unchanged", "flagged", "errors")
RUN_KINDS = ("crawl", "recheck")
RUN_TRIGGERS = ("manual", "schedule")
LISTING_STATUSES = ("live", "removed")
REVIEW_STATUSES = ("open", "confirmed", "dismissed", "escalated", "actioned", "removed")
# What a review status means, written once for every reader of the store:
CONFIRMED_STATES = ("confirmed", "actioned", "removed")  # a reviewer said: dangerous
DISMISSED_STATES = ("dismissed",)  # a reviewer said: benign
DECIDED_STATES = CONFIRMED_STATES + DISMISSED_STATES
QUEUE_STATES = ("open", "escalated")  # waiting for a reviewer
# Why a case was opened: flag (the model flagged it), audit (drawn from unflagged listings
# by `audit-sample`), needs_human (unflagged, but in a language the model does not cover).
REVIEW_SOURCES = ("flag", "audit", "needs_human")
HANDLE_KINDS = ("wechat", "qq", "whatsapp", "telegram", "phone", "email", "line")

# JSON on SQLite, JSONB on PostgreSQL; Python None is stored as SQL NULL.
JSONType = JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _as_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


@functools.lru_cache(maxsize=1024)
def _sqlite_utc_text(value: datetime) -> str:
    # Cached: a batch binds the same few timestamps on thousands of rows.
    return _as_utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")


class _SQLiteUTCText(sqlite.DATETIME):
    """SQLite DATETIME that takes the text UTCDateTime has already formatted."""

    def bind_processor(self, dialect: Dialect) -> None:
        return None


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on both dialects.

    SQLite has no time zones: values are stored as naive UTC text in SQLAlchemy's
    format ("2026-05-20 12:00:00.000000"), so they sort and compare correctly.
    A naive datetime passed in is taken to be UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            # sqlite.DATETIME.__init__ has no annotations in SQLAlchemy.
            return dialect.type_descriptor(_SQLiteUTCText())  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return _sqlite_utc_text(value)
        return _as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    base_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(_one_of("status", RUN_STATUSES), name="status"),
        Index("ix_crawl_runs_site_id_started_at", "site_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")
    command: Mapped[str | None] = mapped_column(Text)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    listings: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    # reason -> count of pages or items skipped (the crawler's maskscreen/dropped/* stats)
    dropped: Mapped[dict[str, int]] = mapped_column(JSONType, default=dict)
    # -- schedules and monitors (migration 0005) --
    kind: Mapped[str] = mapped_column(String(16), default="crawl", server_default="crawl")
    trigger: Mapped[str | None] = mapped_column(String(16))  # manual | schedule
    # field -> share of extracted listings that had it (title, price, currency), and "of"
    field_coverage: Mapped[dict[str, float] | None] = mapped_column(JSONType)
    # crawler.monitors results: [{"name", "passed", "message", ...}], None until checked
    monitors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONType)
    monitors_failed: Mapped[int | None] = mapped_column(Integer)
    alerted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # -- losses (migration 0006) --
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it ended failed


class CrawlDrop(Base):
    """One page or item a run skipped or lost, and why (the run keeps the counts)."""

    __tablename__ = "crawl_drops"
    __table_args__ = (Index("ix_crawl_drops_run_id_reason", "run_id", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)


class CrawlLease(Base):
    """Who is crawling a site now: one row per key, taken over only once it expires.

    The holder renews ``expires_at`` while it works (db.leases); a holder that dies
    stops renewing, and the next run takes the lease over and closes its run as failed.
    """

    __tablename__ = "crawl_leases"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "crawl:<site>"
    holder: Mapped[str] = mapped_column(String(200))  # host:pid:random
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id"))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    renewed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Listing(Base):
    """One product page, identified by its URL alone. Content lives in versions.

    ``site_id`` is the site that saw the URL first; other sites (or site names) that saw
    the same URL later are in ``listing_sites`` (migration 0008): one page is one
    listing and at most one review case, whatever name it was crawled under.
    """

    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("url"),
        Index("ix_listings_site_id", "site_id"),
        CheckConstraint(_one_of("status", LISTING_STATUSES), name="status"),
        # Covering: a review case reaches its listing's seller index-only (seller ranking).
        Index("ix_listings_id_seller_id", "id", "seller_id"),
        # Covering the other way: a seller's listings index-only, to join their review
        # cases (the flagged count per seller when ranking sellers). Replaces the plain
        # seller_id index (migration 0008).
        Index("ix_listings_seller_id_id", "seller_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    url: Mapped[str] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(255))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # listings <-> listing_versions is a cycle: this key is added after both tables exist.
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("listing_versions.id", use_alter=True), index=True
    )
    # The current version's content_hash, kept here so that a batch of sightings is
    # compared and re-pointed at its versions in one statement, not one per row.
    content_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="live")
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id"))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # -- where the page was read (migration 0008); the latest sighting's, not content --
    fetched_url: Mapped[str | None] = mapped_column(Text)  # the URL actually fetched
    canonical_url: Mapped[str | None] = mapped_column(Text)  # its rel=canonical, as given
    extraction_confidence: Mapped[float | None] = mapped_column(Float)  # heuristic pages

    site: Mapped[Site] = relationship()
    seller: Mapped[Seller | None] = relationship()
    versions: Mapped[list[ListingVersion]] = relationship(
        back_populates="listing", foreign_keys="ListingVersion.listing_id"
    )
    current_version: Mapped[ListingVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class ListingSite(Base):
    """Another site (name) that saw a listing's URL besides ``listings.site_id``."""

    __tablename__ = "listing_sites"
    __table_args__ = (Index("ix_listing_sites_site_id", "site_id"),)

    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListingVersion(Base):
    """The reviewer-visible content of a listing; a new row only when its hash changes."""

    __tablename__ = "listing_versions"
    __table_args__ = (UniqueConstraint("listing_id", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    seller: Mapped[str | None] = mapped_column(Text)
    seller_url: Mapped[str | None] = mapped_column(Text)
    brand: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(JSONType, default=list)
    language: Mapped[str | None] = mapped_column(String(35))
    category: Mapped[str | None] = mapped_column(Text)
    availability: Mapped[str | None] = mapped_column(String(64))
    source_format: Mapped[str | None] = mapped_column(String(32))
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship(back_populates="versions", foreign_keys=[listing_id])
    classifications: Mapped[list[Classification]] = relationship(back_populates="version")


class Classification(Base):
    """One verdict: a listing version scored by one model version."""

    __tablename__ = "classifications"
    __table_args__ = (
        UniqueConstraint("listing_version_id", "model_version"),
        # Partial: the flagged query reads only flagged rows, newest first. On SQLite the
        # predicate must read as the query's does (flagged = 1) for the index to be used.
        Index(
            "ix_classifications_flagged_created_at",
            "created_at",
            sqlite_where=text("flagged = 1"),
            postgresql_where=text("flagged"),
        ),
        # Partial, in id order: the export reads flagged verdicts a page at a time by id
        # (migration 0008), so each page is an index range and nested loops, no sort.
        Index(
            "ix_classifications_flagged_id",
            "id",
            sqlite_where=text("flagged = 1"),
            postgresql_where=text("flagged"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_version_id: Mapped[int] = mapped_column(ForeignKey("listing_versions.id"))
    model_version: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict[str, float]] = mapped_column(JSONType, default=dict)
    flagged: Mapped[bool] = mapped_column(Boolean)
    signals: Mapped[dict[str, bool]] = mapped_column(JSONType, default=dict)
    reasons: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    threshold: Mapped[float | None] = mapped_column(Float)
    lexicon_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # -- language and policy concepts (migration 0008); None on older verdicts --
    language: Mapped[str | None] = mapped_column(Text)  # ISO 639-1, "und"
    language_supported: Mapped[bool | None] = mapped_column(Boolean)
    concepts: Mapped[dict[str, list[str]] | None] = mapped_column(JSONType)

    version: Mapped[ListingVersion] = relationship(back_populates="classifications")


class Review(Base):
    """The review case of a listing: at most one per listing."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(_one_of("status", REVIEW_STATUSES), name="status"),
        CheckConstraint(_one_of("source", REVIEW_SOURCES), name="source"),
        Index("ix_reviews_status_priority", "status", "priority"),
        Index("ix_reviews_status_seller_id", "status", "seller_id"),
        Index("ix_reviews_source_seller_id", "source", "seller_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    classification_id: Mapped[int | None] = mapped_column(ForeignKey("classifications.id"))
    source: Mapped[str] = mapped_column(String(16), default="flag", server_default="flag")
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic lock: every transition is UPDATE ... WHERE version = <seen>, version + 1.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The listing's seller, kept by database triggers (migration 0008), never written by
    # code: ranking sellers counts cases per seller from this table alone.
    seller_id: Mapped[int | None] = mapped_column(Integer)

    listing: Mapped[Listing] = relationship()
    events: Mapped[list[ReviewEvent]] = relationship(
        back_populates="review", order_by="ReviewEvent.id"
    )


class ReviewEvent(Base):
    """Append-only audit trail of a review: who moved it, when, from what, to what."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="events")


# Partial, in queue order (db.reviews.reads.review_queue): the top case is one index step.
# On SQLite the predicate must read as the query's does (literal states, not parameters).
Index(
    "ix_reviews_queue",
    Review.priority.desc(),
    Review.opened_at,
    Review.id,
    sqlite_where=text("status IN ('open', 'escalated')"),
    postgresql_where=text("status IN ('open', 'escalated')"),
)


class Seller(Base):
    """A seller on one site, known by its URL there, else by its name."""

    __tablename__ = "sellers"
    __table_args__ = (UniqueConstraint("site_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    name: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    # The seller URL if known, else the name casefolded (db.sellers.seller_key).
    key: Mapped[str] = mapped_column(String(300))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    handles: Mapped[list[SellerHandle]] = relationship(back_populates="seller")


class SellerHandle(Base):
    """A contact handle found in a seller's listing text; the same one links sellers."""

    __tablename__ = "seller_handles"
    __table_args__ = (
        UniqueConstraint("seller_id", "kind", "value"),
        CheckConstraint(_one_of("kind", HANDLE_KINDS), name="kind"),
        Index("ix_seller_handles_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id"))
    kind: Mapped[str] = mapped_column(String(16))
    # Normalised: lower case; a phone number as its digits only.
    value: Mapped[str] = mapped_column(String(200))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    seller: Mapped[Seller] = relationship(back_populates="handles")


# -- re-checks and evidence (migration 0003) -----------------------------------------

CHECK_OUTCOMES = ("live", "changed", "removed")


class Evidence(Base):
    """The page a flagged version was read from, kept at flag time (gzip, with its hash).

    ``sha256`` and ``size`` are of the raw body as fetched; ``body`` is the gzip of at
    most db.evidence.MAX_BODY bytes of it, and ``truncated`` says when it was cut.
    """

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("listing_version_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_version_id: Mapped[int] = mapped_column(ForeignKey("listing_versions.id"))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[bytes] = mapped_column(LargeBinary)


class ListingCheck(Base):
    """One look at a flagged listing: live, changed (edited) or removed, and when."""

    __tablename__ = "listing_checks"
    __table_args__ = (
        CheckConstraint(_one_of("outcome", CHECK_OUTCOMES), name="outcome"),
        Index("ix_listing_checks_listing_id_checked_at", "listing_id", "checked_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    outcome: Mapped[str] = mapped_column(String(16))
    http_status: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


# -- accounts of the web app and API (migration 0006) ---------------------------------

ROLES = ("analyst", "reviewer", "admin")  # each may do what the ones before it may


class User(Base):
    """A person (or a system) signing in to `maskscreen serve`: a name, a role, a hash."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_one_of("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(Text)  # Argon2id (db.accounts)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token of a user for the API; only its SHA-256 is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A signed-in browser: the SHA-256 of its cookie, its CSRF token and its expiry."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginAttempt(Base):
    """One try at a password (a form or HTTP Basic): what login rate limits count."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_name_at", "name", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean)
