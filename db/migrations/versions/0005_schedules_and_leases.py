"""Scheduled crawls: leases, run kinds and monitor results.

- crawl_leases: one row per running crawl (key "crawl:<site>"), with its holder and
  an expiry the holder keeps pushing forward; an expired row may be taken over.
- crawl_runs gains kind (crawl | recheck), trigger (manual | schedule),
  field_coverage, monitors, monitors_failed and alerted_at.

New columns are nullable or have a server default, so on SQLite they are added in
place: no table is rebuilt and no view changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), "postgresql"
)
NEW_RUN_COLUMNS = ("alerted_at", "monitors_failed", "monitors", "field_coverage", "trigger",
                   "kind")  # fmt: skip


def upgrade() -> None:
    op.add_column(
        "crawl_runs",
        sa.Column("kind", sa.String(length=16), server_default="crawl", nullable=False),
    )
    op.add_column("crawl_runs", sa.Column("trigger", sa.String(length=16), nullable=True))
    op.add_column("crawl_runs", sa.Column("field_coverage", JSON, nullable=True))
    op.add_column("crawl_runs", sa.Column("monitors", JSON, nullable=True))
    op.add_column("crawl_runs", sa.Column("monitors_failed", sa.Integer(), nullable=True))
    op.add_column("crawl_runs", sa.Column("alerted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "crawl_leases",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("renewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["crawl_runs.id"], name=op.f("fk_crawl_leases_run_id_crawl_runs")
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_crawl_leases")),
    )


def downgrade() -> None:
    op.drop_table("crawl_leases")
    # One batch: on SQLite, columns are dropped by one rebuild of crawl_runs.
    with op.batch_alter_table("crawl_runs") as batch:
        for name in NEW_RUN_COLUMNS:
            batch.drop_column(name)
