"""Indexes for the analyst and reviewer queries on a large store.

- ix_listings_current_version_id: the flagged query reaches a listing from its
  current version (listings.current_version_id = listing_versions.id).
- ix_reviews_queue: the review queue, open and escalated cases only, in queue order
  (priority high to low, oldest first, then id), so the top case is one index step.
  On SQLite the predicate must read as the query's does for the index to be used.
- ix_listings_id_seller_id: covering (id, seller_id), so ranking sellers reaches each
  review case's seller without reading the listing rows (index-only on PostgreSQL).

Indexes only: no table is rebuilt and no view changes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE = "status IN ('open', 'escalated')"


def upgrade() -> None:
    op.create_index(
        op.f("ix_listings_current_version_id"), "listings", ["current_version_id"], unique=False
    )
    op.create_index(
        "ix_reviews_queue",
        "reviews",
        [sa.text("priority DESC"), "opened_at", "id"],
        unique=False,
        sqlite_where=sa.text(QUEUE),
        postgresql_where=sa.text(QUEUE),
    )
    op.create_index("ix_listings_id_seller_id", "listings", ["id", "seller_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_listings_id_seller_id", table_name="listings")
    op.drop_index("ix_reviews_queue", table_name="reviews")
    op.drop_index(op.f("ix_listings_current_version_id"), table_name="listings")
