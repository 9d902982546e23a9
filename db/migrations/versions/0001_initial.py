"""Initial schema: sites, crawl runs, listings and versions, classifications, reviews.

Also creates the analyst view ``flagged_listings``: listings whose current version's
latest classification is flagged. On SQLite, a later batch migration that rebuilds
a table this view reads must drop the view first and create it again after.

Revision ID: 0001
Revises:
Create Date: 2026-05-20
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")

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


CURRENT_VERSION_FK = "fk_listings_current_version_id_listing_versions"


def _on_sqlite() -> bool:
    return op.get_context().dialect.name == "sqlite"


def upgrade() -> None:
    # listings.current_version_id -> listing_versions closes a cycle. SQLite accepts a
    # reference to a table not created yet (and cannot add one later without copying
    # the table); PostgreSQL adds it once both tables exist.
    current_version_fk = sa.ForeignKeyConstraint(
        ["current_version_id"], ["listing_versions.id"], name=op.f(CURRENT_VERSION_FK)
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("base_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_sites_name")),
    )
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("command", sa.Text(), nullable=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("pages", "listings", "new", "changed", "unchanged", "flagged", "errors")
        ),
        sa.Column("dropped", JSON, nullable=False),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed', 'interrupted')",
            name=op.f("ck_crawl_runs_status"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_crawl_runs_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_runs")),
    )
    op.create_index(
        "ix_crawl_runs_site_id_started_at", "crawl_runs", ["site_id", "started_at"], unique=False
    )
    op.create_table(
        "listings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("current_version_id", sa.Integer(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint("status IN ('live', 'removed')", name=op.f("ck_listings_status")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_listings_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
        sa.UniqueConstraint("site_id", "url", name=op.f("uq_listings_site_id_url")),
        *([current_version_fk] if _on_sqlite() else []),
    )
    op.create_table(
        "listing_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("price", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("seller", sa.Text(), nullable=True),
        sa.Column("seller_url", sa.Text(), nullable=True),
        sa.Column("brand", sa.Text(), nullable=True),
        sa.Column("images", JSON, nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("availability", sa.String(length=64), nullable=True),
        sa.Column("source_format", sa.String(length=32), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_listing_versions_listing_id_listings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_versions")),
        sa.UniqueConstraint(
            "listing_id", "content_hash", name=op.f("uq_listing_versions_listing_id_content_hash")
        ),
    )
    if not _on_sqlite():
        op.create_foreign_key(
            op.f(CURRENT_VERSION_FK), "listings", "listing_versions", ["current_version_id"], ["id"]
        )
    op.create_table(
        "classifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_version_id", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("scores", JSON, nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("signals", JSON, nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("lexicon_version", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_version_id"],
            ["listing_versions.id"],
            name=op.f("fk_classifications_listing_version_id_listing_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifications")),
        sa.UniqueConstraint(
            "listing_version_id",
            "model_version",
            name=op.f("uq_classifications_listing_version_id_model_version"),
        ),
    )
    op.create_index(
        "ix_classifications_flagged_created_at",
        "classifications",
        ["created_at"],
        unique=False,
        sqlite_where=sa.text("flagged = 1"),
        postgresql_where=sa.text("flagged"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("classification_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed', 'dismissed', 'escalated')",
            name=op.f("ck_reviews_status"),
        ),
        sa.ForeignKeyConstraint(
            ["classification_id"],
            ["classifications.id"],
            name=op.f("fk_reviews_classification_id_classifications"),
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_reviews_listing_id_listings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("listing_id", name=op.f("uq_reviews_listing_id")),
    )
    op.create_index("ix_reviews_status_priority", "reviews", ["status", "priority"], unique=False)
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_events_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
    )
    op.create_index(
        op.f("ix_review_events_review_id"), "review_events", ["review_id"], unique=False
    )
    op.execute(FLAGGED_LISTINGS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW flagged_listings")
    op.drop_index(op.f("ix_review_events_review_id"), table_name="review_events")
    op.drop_table("review_events")
    op.drop_index("ix_reviews_status_priority", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("ix_classifications_flagged_created_at", table_name="classifications")
    op.drop_table("classifications")
    if _on_sqlite():
        op.execute("UPDATE listings SET current_version_id = NULL")
    else:
        op.drop_constraint(op.f(CURRENT_VERSION_FK), "listings", type_="foreignkey")
    op.drop_table("listing_versions")
    op.drop_table("listings")
    op.drop_index("ix_crawl_runs_site_id_started_at", table_name="crawl_runs")
    op.drop_table("crawl_runs")
    op.drop_table("sites")
