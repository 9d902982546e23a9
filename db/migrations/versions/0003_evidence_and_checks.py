"""Evidence kept at flag time, and re-checks of flagged listings.

- evidence: the fetched page of a flagged listing version (gzip body, sha256 and
  size of the raw body, fetch time, URL, HTTP status, content type, truncated flag).
- listing_checks: each re-visit (or edit seen by a crawl) of a flagged listing,
  with its outcome: live, changed or removed.

Two new tables only: no table is rebuilt and no view changes.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_version_id", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_version_id"],
            ["listing_versions.id"],
            name=op.f("fk_evidence_listing_version_id_listing_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence")),
        sa.UniqueConstraint(
            "listing_version_id", "sha256", name=op.f("uq_evidence_listing_version_id_sha256")
        ),
    )
    op.create_table(
        "listing_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('live', 'changed', 'removed')", name=op.f("ck_listing_checks_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_listing_checks_listing_id_listings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_checks")),
    )
    op.create_index(
        "ix_listing_checks_listing_id_checked_at",
        "listing_checks",
        ["listing_id", "checked_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_listing_checks_listing_id_checked_at", table_name="listing_checks")
    op.drop_table("listing_checks")
    op.drop_table("evidence")
