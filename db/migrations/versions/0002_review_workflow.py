"""Review workflow: case states and optimistic lock, sellers and handles, analyst views.

- reviews: status adds actioned and removed; new columns source (flag | audit),
  decided_by, decided_at, version (optimistic lock).
- sellers (per site, keyed by seller URL else name) and seller_handles (contact
  handles found in listing text; the same handle on two sellers links them).
- listings: seller_id, removed_at.
- views: flagged_listings (recreated as in 0001), review_queue, seller_summary,
  takedown_stats, takedown_delays. Same SQL on both databases except the hours
  between two timestamps in takedown_delays.

On SQLite the batch rebuilds of reviews and listings need foreign keys off
(db.migrate turns them off around a migration) and every view dropped first.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('open', 'confirmed', 'dismissed', 'escalated')"
NEW_STATUSES = "status IN ('open', 'confirmed', 'dismissed', 'escalated', 'actioned', 'removed')"
HANDLE_KINDS = "kind IN ('wechat', 'qq', 'whatsapp', 'telegram', 'phone', 'email', 'line')"

FLAGGED_LISTINGS_VIEW = """
CREATE VIEW flagged_listings AS
SELECT l.id AS listing_id, s.name AS site, l.url, v.title, v.price, v.currency, v.seller,
       c.label, c.score, c.model_version, c.created_at AS flagged_at,
       r.status AS review_status, r.priority AS review_priority
FROM listings l
JOIN sites s ON s.id = l.site_id
JOIN listing_versions v ON v.listing_id = l.id AND v.id = l.current_version_id
JOIN classifications c ON c.listing_version_id = v.id
LEFT JOIN reviews r ON r.listing_id = l.id
WHERE c.flagged
  AND c.id = (SELECT max(c2.id) FROM classifications c2 WHERE c2.listing_version_id = v.id)
"""

REVIEW_QUEUE_VIEW = """
CREATE VIEW review_queue AS
SELECT r.id AS review_id, r.listing_id, s.name AS site, l.url, v.title, v.seller,
       r.status, r.source, r.priority, c.label, c.score,
       CAST(c.signals AS TEXT) AS signals, r.opened_at, r.updated_at, r.version
FROM reviews r
JOIN listings l ON l.id = r.listing_id
JOIN sites s ON s.id = l.site_id
LEFT JOIN listing_versions v ON v.id = l.current_version_id
LEFT JOIN classifications c ON c.id = r.classification_id
WHERE r.status IN ('open', 'escalated')
"""

SELLER_SUMMARY_VIEW = """
CREATE VIEW seller_summary AS
SELECT se.id AS seller_id, s.name AS site, se.name, se.url,
       (SELECT count(*) FROM listings l WHERE l.seller_id = se.id) AS listings,
       (SELECT count(*) FROM listings l JOIN reviews r ON r.listing_id = l.id
         WHERE l.seller_id = se.id AND r.source = 'flag') AS flagged,
       (SELECT count(*) FROM listings l JOIN reviews r ON r.listing_id = l.id
         WHERE l.seller_id = se.id AND r.status IN ('confirmed', 'actioned', 'removed'))
         AS confirmed,
       (SELECT count(*) FROM listings l JOIN reviews r ON r.listing_id = l.id
         WHERE l.seller_id = se.id AND r.status = 'dismissed') AS dismissed,
       (SELECT count(*) FROM seller_handles h WHERE h.seller_id = se.id) AS handles
FROM sellers se
JOIN sites s ON s.id = se.site_id
"""

TAKEDOWN_STATS_VIEW = """
CREATE VIEW takedown_stats AS
SELECT s.name AS site,
       SUM(CASE WHEN r.status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
       SUM(CASE WHEN r.status = 'actioned' THEN 1 ELSE 0 END) AS actioned,
       SUM(CASE WHEN r.status = 'removed' THEN 1 ELSE 0 END) AS removed
FROM reviews r
JOIN listings l ON l.id = r.listing_id
JOIN sites s ON s.id = l.site_id
WHERE r.status IN ('confirmed', 'actioned', 'removed')
GROUP BY s.name
"""

# The one place the two databases need different SQL: hours between two timestamps.
HOURS = {
    "sqlite": "(julianday(d.removed_at) - julianday(d.confirmed_at)) * 24.0",
    "postgresql": "CAST(EXTRACT(EPOCH FROM d.removed_at - d.confirmed_at) AS DOUBLE PRECISION)"
    " / 3600.0",
}
TAKEDOWN_DELAYS_VIEW = """
CREATE VIEW takedown_delays AS
SELECT s.name AS site, r.id AS review_id, r.listing_id, d.confirmed_at, d.removed_at,
       {hours} AS hours
FROM (SELECT e.review_id,
             MAX(CASE WHEN e.to_status = 'confirmed' THEN e.at END) AS confirmed_at,
             MAX(CASE WHEN e.to_status = 'removed' THEN e.at END) AS removed_at
      FROM review_events e
      GROUP BY e.review_id) d
JOIN reviews r ON r.id = d.review_id
JOIN listings l ON l.id = r.listing_id
JOIN sites s ON s.id = l.site_id
WHERE r.status = 'removed' AND d.confirmed_at IS NOT NULL
"""

NEW_VIEWS = ("review_queue", "seller_summary", "takedown_stats", "takedown_delays")


def _dialect() -> str:
    return op.get_context().dialect.name


def _create_views() -> None:
    op.execute(FLAGGED_LISTINGS_VIEW)
    op.execute(REVIEW_QUEUE_VIEW)
    op.execute(SELLER_SUMMARY_VIEW)
    op.execute(TAKEDOWN_STATS_VIEW)
    op.execute(TAKEDOWN_DELAYS_VIEW.format(hours=HOURS[_dialect()]))


def _reviews(at: str) -> sa.Table:
    """The reviews table as revision ``at`` left it (batch mode copies from it, no reflection)."""
    columns: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("classification_id", sa.Integer(), nullable=True),
    ]
    constraints = [
        sa.CheckConstraint(OLD_STATUSES if at == "0001" else NEW_STATUSES,
                           name=op.f("ck_reviews_status")),
        sa.ForeignKeyConstraint(["classification_id"], ["classifications.id"],
                                name=op.f("fk_reviews_classification_id_classifications")),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"],
                                name=op.f("fk_reviews_listing_id_listings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("listing_id", name=op.f("uq_reviews_listing_id")),
    ]  # fmt: skip
    if at == "0002":
        columns += [
            sa.Column("source", sa.String(length=8), server_default="flag", nullable=False),
            sa.Column("decided_by", sa.String(length=120), nullable=True),
            sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        ]
        constraints.append(
            sa.CheckConstraint("source IN ('flag', 'audit')", name=op.f("ck_reviews_source"))
        )
    table = sa.Table("reviews", sa.MetaData(), *columns, *constraints)
    sa.Index("ix_reviews_status_priority", table.c.status, table.c.priority)
    return table


def _listings(at: str) -> sa.Table:
    """The listings table as revision ``at`` left it."""
    columns: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
    ]
    constraints = [
        sa.CheckConstraint("status IN ('live', 'removed')", name=op.f("ck_listings_status")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_listings_site_id_sites")),
        sa.ForeignKeyConstraint(["current_version_id"], ["listing_versions.id"],
                                name=op.f("fk_listings_current_version_id_listing_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
        sa.UniqueConstraint("site_id", "url", name=op.f("uq_listings_site_id_url")),
    ]  # fmt: skip
    if at == "0002":
        columns += [
            sa.Column("seller_id", sa.Integer(), nullable=True),
            sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        ]
        constraints.append(sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_listings_seller_id_sellers")
        ))  # fmt: skip
    table = sa.Table("listings", sa.MetaData(), *columns, *constraints)
    if at == "0002":
        sa.Index(op.f("ix_listings_seller_id"), table.c.seller_id)
    return table


def upgrade() -> None:
    op.execute("DROP VIEW flagged_listings")
    op.create_table(
        "sellers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_sellers_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sellers")),
        sa.UniqueConstraint("site_id", "key", name=op.f("uq_sellers_site_id_key")),
    )
    op.create_table(
        "seller_handles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(HANDLE_KINDS, name=op.f("ck_seller_handles_kind")),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["sellers.id"], name=op.f("fk_seller_handles_seller_id_sellers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seller_handles")),
        sa.UniqueConstraint(
            "seller_id", "kind", "value", name=op.f("uq_seller_handles_seller_id_kind_value")
        ),
    )
    op.create_index(
        "ix_seller_handles_kind_value", "seller_handles", ["kind", "value"], unique=False
    )
    with op.batch_alter_table("reviews", copy_from=_reviews("0001")) as batch:
        batch.drop_constraint(op.f("ck_reviews_status"), type_="check")
        batch.create_check_constraint(op.f("ck_reviews_status"), NEW_STATUSES)
        batch.add_column(
            sa.Column("source", sa.String(length=8), server_default="flag", nullable=False)
        )
        batch.add_column(sa.Column("decided_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch.create_check_constraint(op.f("ck_reviews_source"), "source IN ('flag', 'audit')")
    with op.batch_alter_table("listings", copy_from=_listings("0001")) as batch:
        batch.add_column(sa.Column("seller_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            op.f("fk_listings_seller_id_sellers"), "sellers", ["seller_id"], ["id"]
        )
        batch.create_index(op.f("ix_listings_seller_id"), ["seller_id"], unique=False)
    _create_views()


def downgrade() -> None:
    for view in (*NEW_VIEWS, "flagged_listings"):
        op.execute(f"DROP VIEW {view}")
    with op.batch_alter_table("listings", copy_from=_listings("0002")) as batch:
        batch.drop_index(op.f("ix_listings_seller_id"))
        batch.drop_constraint(op.f("fk_listings_seller_id_sellers"), type_="foreignkey")
        batch.drop_column("removed_at")
        batch.drop_column("seller_id")
    # The states 0001 does not know fold back into "confirmed"; their events stay.
    op.execute("UPDATE reviews SET status = 'confirmed' WHERE status IN ('actioned', 'removed')")
    with op.batch_alter_table("reviews", copy_from=_reviews("0002")) as batch:
        batch.drop_constraint(op.f("ck_reviews_source"), type_="check")
        batch.drop_column("version")
        batch.drop_column("decided_at")
        batch.drop_column("decided_by")
        batch.drop_column("source")
        batch.drop_constraint(op.f("ck_reviews_status"), type_="check")
        batch.create_check_constraint(op.f("ck_reviews_status"), OLD_STATUSES)
    op.drop_index("ix_seller_handles_kind_value", table_name="seller_handles")
    op.drop_table("seller_handles")
    op.drop_table("sellers")
    op.execute(FLAGGED_LISTINGS_VIEW)
