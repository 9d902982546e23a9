"""What a run lost, where a user can query it.

- crawl_drops: one row per page or item a run skipped or lost, with its reason
  (`maskscreen runs --drops RUN`); the run row keeps the counts per reason.
- crawl_runs gains status_reason: why a run ended failed (the share it lost, its
  worker died, its start URL answered nothing).

The new column is nullable, so on SQLite it is added in place: no table is rebuilt
and no view changes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("crawl_runs", sa.Column("status_reason", sa.Text(), nullable=True))
    op.create_table(
        "crawl_drops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["crawl_runs.id"],
            name=op.f("fk_crawl_drops_run_id_crawl_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crawl_drops")),
    )
    op.create_index("ix_crawl_drops_run_id_reason", "crawl_drops", ["run_id", "reason"])


def downgrade() -> None:
    op.drop_index("ix_crawl_drops_run_id_reason", table_name="crawl_drops")
    op.drop_table("crawl_drops")
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("status_reason")
