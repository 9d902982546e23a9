"""One listing per URL, where a page was read, verdict languages, needs_human cases.

- listings: a URL is one listing whatever site name it was crawled under:
  uq_listings_url replaces uq_listings_site_id_url (ix_listings_site_id keeps per-site
  reads quick). Existing duplicates are merged first (``_merge_duplicates``).
  New columns fetched_url, canonical_url (text) and extraction_confidence (float): the
  latest sighting's, never part of the content hash. ix_listings_seller_id_id
  (seller_id, id) replaces ix_listings_seller_id (a seller's listings index-only).
- listing_sites: the other sites that saw a listing's URL.
- classifications: language, language_supported, concepts (JSON), from the verdict;
  ix_classifications_flagged_id (partial, flagged only) for the export's pages.
- reviews.source (now 16 characters) adds needs_human: an unflagged listing in a
  language the model does not cover, sent to a person.
- reviews.seller_id: the case's listing's seller, kept by triggers (``TRIGGERS``), with
  ix_reviews_status_seller_id and ix_reviews_source_seller_id: ranking sellers counts
  confirmed and flagged cases per seller from reviews alone, index-only.

Merging duplicates (the same URL under two site names): the oldest listing stays and
takes the others' versions, verdicts, evidence, checks and sightings (content both had
is kept once; its verdicts and evidence move to the kept version unless it already has
the same). If both had a review case, the decided one stays (the older if both or
neither are decided); the other's events move to it, followed by an event saying so,
so no decision is lost.

On SQLite the listings and reviews tables are rebuilt (batch mode), and PostgreSQL
will not retype reviews.source under a view: every view is dropped first and created
again after from its own stored definition.

Downgrade: needs_human cases become audit cases (both are unflagged listings sent to a
person); the other sites' sightings and the new columns are dropped; merged listings
stay merged.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES_0007 = "source IN ('flag', 'audit')"
SOURCES_0008 = "source IN ('flag', 'audit', 'needs_human')"
JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")
# reviews.seller_id is its listing's seller, kept so by the database whoever writes:
# set when a case is inserted or moved to another listing, and when a listing's seller
# changes. Ranking sellers counts their cases from reviews alone (index-only).
TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER tr_reviews_seller_on_insert AFTER INSERT ON reviews BEGIN"
        " UPDATE reviews SET seller_id = (SELECT seller_id FROM listings"
        " WHERE id = NEW.listing_id) WHERE id = NEW.id; END",
        "CREATE TRIGGER tr_reviews_seller_on_move AFTER UPDATE OF listing_id ON reviews BEGIN"
        " UPDATE reviews SET seller_id = (SELECT seller_id FROM listings"
        " WHERE id = NEW.listing_id) WHERE id = NEW.id; END",
        "CREATE TRIGGER tr_listings_seller_to_reviews AFTER UPDATE OF seller_id ON listings"
        " WHEN OLD.seller_id IS NOT NEW.seller_id BEGIN"
        " UPDATE reviews SET seller_id = NEW.seller_id WHERE listing_id = NEW.id; END",
    ],
    "postgresql": [
        "CREATE FUNCTION reviews_seller_from_listing() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN NEW.seller_id := (SELECT seller_id FROM listings WHERE id = NEW.listing_id);"
        " RETURN NEW; END $$",
        "CREATE TRIGGER tr_reviews_seller BEFORE INSERT OR UPDATE OF listing_id ON reviews"
        " FOR EACH ROW EXECUTE FUNCTION reviews_seller_from_listing()",
        "CREATE FUNCTION listings_seller_to_reviews() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN UPDATE reviews SET seller_id = NEW.seller_id WHERE listing_id = NEW.id;"
        " RETURN NULL; END $$",
        "CREATE TRIGGER tr_listings_seller_to_reviews AFTER UPDATE OF seller_id ON listings"
        " FOR EACH ROW WHEN (OLD.seller_id IS DISTINCT FROM NEW.seller_id)"
        " EXECUTE FUNCTION listings_seller_to_reviews()",
    ],
}
DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER tr_listings_seller_to_reviews",
        "DROP TRIGGER tr_reviews_seller_on_move",
        "DROP TRIGGER tr_reviews_seller_on_insert",
    ],
    "postgresql": [
        "DROP TRIGGER tr_listings_seller_to_reviews ON listings",
        "DROP FUNCTION listings_seller_to_reviews()",
        "DROP TRIGGER tr_reviews_seller ON reviews",
        "DROP FUNCTION reviews_seller_from_listing()",
    ],
}
DECIDED = ("confirmed", "dismissed", "actioned", "removed")


def upgrade() -> None:
    bind = op.get_bind()
    # Nullable columns: added in place on both databases.
    op.add_column("classifications", sa.Column("language", sa.Text(), nullable=True))
    op.add_column("classifications", sa.Column("language_supported", sa.Boolean(), nullable=True))
    op.add_column("classifications", sa.Column("concepts", JSON, nullable=True))
    op.create_index("ix_classifications_flagged_id", "classifications", ["id"], unique=False,
                    sqlite_where=sa.text("flagged = 1"), postgresql_where=sa.text("flagged"))  # fmt: skip
    op.create_table(
        "listing_sites",
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"], ["listings.id"], name=op.f("fk_listing_sites_listing_id_listings")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_listing_sites_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("listing_id", "site_id", name=op.f("pk_listing_sites")),
    )
    op.create_index("ix_listing_sites_site_id", "listing_sites", ["site_id"], unique=False)
    _merge_duplicates(bind)
    views = _drop_views(bind)
    with op.batch_alter_table("listings", copy_from=_listings("0007")) as batch:
        batch.drop_constraint(op.f("uq_listings_site_id_url"), type_="unique")
        batch.create_unique_constraint(op.f("uq_listings_url"), ["url"])
        batch.add_column(sa.Column("fetched_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("canonical_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("extraction_confidence", sa.Float(), nullable=True))
        batch.create_index("ix_listings_site_id", ["site_id"], unique=False)
        batch.drop_index(op.f("ix_listings_seller_id"))
        batch.create_index("ix_listings_seller_id_id", ["seller_id", "id"], unique=False)
    with op.batch_alter_table("reviews", copy_from=_reviews("0007")) as batch:
        batch.drop_constraint(op.f("ck_reviews_source"), type_="check")
        batch.alter_column("source", type_=sa.String(length=16),
                           existing_type=sa.String(length=8), existing_nullable=False,
                           existing_server_default="flag")  # fmt: skip
        batch.create_check_constraint(op.f("ck_reviews_source"), SOURCES_0008)
        batch.add_column(sa.Column("seller_id", sa.Integer(), nullable=True))
        batch.create_index("ix_reviews_status_seller_id", ["status", "seller_id"], unique=False)
        batch.create_index("ix_reviews_source_seller_id", ["source", "seller_id"], unique=False)
    op.execute(
        "UPDATE reviews SET seller_id = (SELECT l.seller_id FROM listings AS l"
        " WHERE l.id = reviews.listing_id)"
    )
    for sql in TRIGGERS[bind.dialect.name if bind.dialect.name == "sqlite" else "postgresql"]:
        op.execute(sql)
    _create_views(bind, views)


def downgrade() -> None:
    bind = op.get_bind()
    op.execute("UPDATE reviews SET source = 'audit' WHERE source = 'needs_human'")
    for sql in DROP_TRIGGERS[bind.dialect.name if bind.dialect.name == "sqlite" else "postgresql"]:
        op.execute(sql)
    views = _drop_views(bind)
    with op.batch_alter_table("reviews", copy_from=_reviews("0008")) as batch:
        batch.drop_index("ix_reviews_source_seller_id")
        batch.drop_index("ix_reviews_status_seller_id")
        batch.drop_column("seller_id")
        batch.drop_constraint(op.f("ck_reviews_source"), type_="check")
        batch.alter_column("source", type_=sa.String(length=8),
                           existing_type=sa.String(length=16), existing_nullable=False,
                           existing_server_default="flag")  # fmt: skip
        batch.create_check_constraint(op.f("ck_reviews_source"), SOURCES_0007)
    with op.batch_alter_table("listings", copy_from=_listings("0008")) as batch:
        batch.drop_index("ix_listings_seller_id_id")
        batch.create_index(op.f("ix_listings_seller_id"), ["seller_id"], unique=False)
        batch.drop_index("ix_listings_site_id")
        batch.drop_column("extraction_confidence")
        batch.drop_column("canonical_url")
        batch.drop_column("fetched_url")
        batch.drop_constraint(op.f("uq_listings_url"), type_="unique")
        batch.create_unique_constraint(op.f("uq_listings_site_id_url"), ["site_id", "url"])
    op.drop_index("ix_listing_sites_site_id", table_name="listing_sites")
    op.drop_table("listing_sites")
    op.drop_index("ix_classifications_flagged_id", table_name="classifications")
    with op.batch_alter_table("classifications", copy_from=_classifications()) as batch:
        batch.drop_column("concepts")
        batch.drop_column("language_supported")
        batch.drop_column("language")
    _create_views(bind, views)


# -- the tables as each revision leaves them (SQLite's batch mode copies from these, so
#    it needs no reflection and offline SQL can be written) ---------------------------


def _listings(at: str) -> sa.Table:
    """The listings table as revision ``at`` (0007 or 0008) leaves it."""
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
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
    ]
    constraints: list[sa.Constraint] = [
        sa.CheckConstraint("status IN ('live', 'removed')", name=op.f("ck_listings_status")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_listings_site_id_sites")),
        sa.ForeignKeyConstraint(["current_version_id"], ["listing_versions.id"],
                                name=op.f("fk_listings_current_version_id_listing_versions")),
        sa.ForeignKeyConstraint(["seller_id"], ["sellers.id"],
                                name=op.f("fk_listings_seller_id_sellers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listings")),
    ]  # fmt: skip
    if at == "0007":
        constraints.append(
            sa.UniqueConstraint("site_id", "url", name=op.f("uq_listings_site_id_url"))
        )
    else:
        columns += [
            sa.Column("fetched_url", sa.Text(), nullable=True),
            sa.Column("canonical_url", sa.Text(), nullable=True),
            sa.Column("extraction_confidence", sa.Float(), nullable=True),
        ]
        constraints.append(sa.UniqueConstraint("url", name=op.f("uq_listings_url")))
    table = sa.Table("listings", sa.MetaData(), *columns, *constraints)
    sa.Index(op.f("ix_listings_current_version_id"), table.c.current_version_id)
    sa.Index("ix_listings_id_seller_id", table.c.id, table.c.seller_id)
    if at == "0007":
        sa.Index(op.f("ix_listings_seller_id"), table.c.seller_id)
    else:
        sa.Index("ix_listings_site_id", table.c.site_id)
        sa.Index("ix_listings_seller_id_id", table.c.seller_id, table.c.id)
    return table


def _reviews(at: str) -> sa.Table:
    """The reviews table as revision ``at`` (0007 or 0008) leaves it."""
    statuses = "status IN ('open', 'confirmed', 'dismissed', 'escalated', 'actioned', 'removed')"
    table = sa.Table(
        "reviews",
        sa.MetaData(),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.Float(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("classification_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=8 if at == "0007" else 16), server_default="flag",
                  nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        *([sa.Column("seller_id", sa.Integer(), nullable=True)] if at == "0008" else []),
        sa.CheckConstraint(statuses, name=op.f("ck_reviews_status")),
        sa.CheckConstraint(SOURCES_0007 if at == "0007" else SOURCES_0008,
                           name=op.f("ck_reviews_source")),
        sa.ForeignKeyConstraint(["classification_id"], ["classifications.id"],
                                name=op.f("fk_reviews_classification_id_classifications")),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"],
                                name=op.f("fk_reviews_listing_id_listings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("listing_id", name=op.f("uq_reviews_listing_id")),
    )  # fmt: skip
    sa.Index("ix_reviews_status_priority", table.c.status, table.c.priority)
    queue = "status IN ('open', 'escalated')"
    sa.Index("ix_reviews_queue", table.c.priority.desc(), table.c.opened_at, table.c.id,
             sqlite_where=sa.text(queue), postgresql_where=sa.text(queue))  # fmt: skip
    if at == "0008":
        sa.Index("ix_reviews_status_seller_id", table.c.status, table.c.seller_id)
        sa.Index("ix_reviews_source_seller_id", table.c.source, table.c.seller_id)
    return table


def _classifications() -> sa.Table:
    """The classifications table as 0008 leaves it."""
    table = sa.Table(
        "classifications",
        sa.MetaData(),
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
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("language_supported", sa.Boolean(), nullable=True),
        sa.Column("concepts", JSON, nullable=True),
        sa.ForeignKeyConstraint(["listing_version_id"], ["listing_versions.id"],
                                name=op.f("fk_classifications_listing_version_id_listing_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifications")),
        sa.UniqueConstraint("listing_version_id", "model_version",
                            name=op.f("uq_classifications_listing_version_id_model_version")),
    )  # fmt: skip
    sa.Index("ix_classifications_flagged_created_at", table.c.created_at,
             sqlite_where=sa.text("flagged = 1"), postgresql_where=sa.text("flagged"))  # fmt: skip
    return table


def _drop_views(bind: Any) -> list[str]:
    """Drop every view, returning the SQL that creates it again: SQLite's table rebuilds
    rename tables under them, and PostgreSQL will not retype a column a view reads."""
    if context.is_offline_mode():
        return []
    if bind.dialect.name == "sqlite":
        found = bind.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name"
        ).all()
    else:
        found = [
            (name, f'CREATE VIEW "{name}" AS {definition}')
            for name, definition in bind.exec_driver_sql(
                "SELECT viewname, definition FROM pg_views"
                " WHERE schemaname = current_schema() ORDER BY viewname"
            ).all()
        ]
    for name, _ in found:
        op.execute(f'DROP VIEW "{name}"')
    return [sql for _, sql in found]


def _create_views(bind: Any, views: list[str]) -> None:
    for sql in views:
        op.execute(sql)


# -- merging the listings of one URL ---------------------------------------------------


def _now(bind: Any) -> Any:
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":  # naive UTC text, as the store writes it
        return now.replace(tzinfo=None).isoformat(" ", "microseconds")
    return now


def _merge_duplicates(bind: Any) -> None:
    """Fold every group of listings sharing a URL into its oldest listing."""
    if context.is_offline_mode():  # SQL written for later: no rows to read now
        op.execute("-- 0008: merge listings sharing a URL before this (run it online)")
        return
    groups = bind.execute(
        sa.text("SELECT url FROM listings GROUP BY url HAVING count(*) > 1 ORDER BY url")
    ).scalars()
    for url in list(groups):
        ids = bind.execute(
            sa.text("SELECT id FROM listings WHERE url = :url ORDER BY id"), {"url": url}
        ).scalars()
        keep, *others = list(ids)
        for other in others:
            _merge_listing(bind, keep, other)


def _one(bind: Any, sql: str, **params: Any) -> Any:
    return bind.execute(sa.text(sql), params).first()


def _run(bind: Any, sql: str, **params: Any) -> None:
    bind.execute(sa.text(sql), params)


def _merge_listing(bind: Any, keep: int, other: int) -> None:
    columns = (
        "site_id, first_seen_at, last_seen_at, current_version_id, content_hash, status,"
        " seller_id, removed_at, external_id"
    )
    mine = _one(bind, f"SELECT {columns} FROM listings WHERE id = :id", id=other)
    kept = _one(bind, f"SELECT {columns} FROM listings WHERE id = :id", id=keep)
    # 1. Versions: content the kept listing lacks moves over; content both have is
    #    kept once, its verdicts and evidence moved to the kept version.
    kept_versions = dict(
        bind.execute(
            sa.text("SELECT content_hash, id FROM listing_versions WHERE listing_id = :id"),
            {"id": keep},
        ).all()
    )
    same: dict[int, int] = {}  # the other's version -> the kept twin
    for vid, digest in bind.execute(
        sa.text("SELECT id, content_hash FROM listing_versions WHERE listing_id = :id"),
        {"id": other},
    ).all():
        twin = kept_versions.get(digest)
        if twin is None:
            _run(bind, "UPDATE listing_versions SET listing_id = :keep WHERE id = :v",
                 keep=keep, v=vid)  # fmt: skip
            kept_versions[digest] = vid
            continue
        same[vid] = twin
        _move_verdicts(bind, vid, twin)
        _move_evidence(bind, vid, twin)
    # 2. Checks and the review case.
    _run(bind, "UPDATE listing_checks SET listing_id = :keep WHERE listing_id = :other",
         keep=keep, other=other)  # fmt: skip
    _merge_cases(bind, keep, other)
    # 3. The listing row: the sighting seen last decides the current content.
    later = mine.last_seen_at > kept.last_seen_at
    current = mine if later else kept
    version = current.current_version_id
    version = same.get(version, version) if version is not None else None
    _run(
        bind,
        "UPDATE listings SET first_seen_at = :first, last_seen_at = :last,"
        " current_version_id = :version, content_hash = :digest, status = :status,"
        " removed_at = :removed, seller_id = :seller, external_id = :external WHERE id = :keep",
        first=min(mine.first_seen_at, kept.first_seen_at),
        last=current.last_seen_at,
        version=version,
        digest=current.content_hash,
        status=current.status,
        removed=current.removed_at,
        seller=kept.seller_id if kept.seller_id is not None else mine.seller_id,
        external=kept.external_id if kept.external_id is not None else mine.external_id,
        keep=keep,
    )
    if mine.site_id != kept.site_id:
        _run(
            bind,
            "INSERT INTO listing_sites (listing_id, site_id, first_seen_at, last_seen_at)"
            " VALUES (:keep, :site, :first, :last)",
            keep=keep, site=mine.site_id, first=mine.first_seen_at, last=mine.last_seen_at,
        )  # fmt: skip
    _run(bind, "UPDATE listings SET current_version_id = NULL WHERE id = :other", other=other)
    for vid in same:
        _run(bind, "DELETE FROM listing_versions WHERE id = :v", v=vid)
    _run(bind, "DELETE FROM listings WHERE id = :other", other=other)


def _move_verdicts(bind: Any, vid: int, twin: int) -> None:
    for cid, model_version in bind.execute(
        sa.text("SELECT id, model_version FROM classifications WHERE listing_version_id = :v"),
        {"v": vid},
    ).all():
        same = _one(
            bind,
            "SELECT id FROM classifications WHERE listing_version_id = :t AND model_version = :m",
            t=twin, m=model_version,
        )  # fmt: skip
        if same is None:
            _run(bind, "UPDATE classifications SET listing_version_id = :t WHERE id = :c",
                 t=twin, c=cid)  # fmt: skip
        else:  # the same model's verdict on the same content: one is enough
            _run(bind, "UPDATE reviews SET classification_id = :s WHERE classification_id = :c",
                 s=same.id, c=cid)  # fmt: skip
            _run(bind, "DELETE FROM classifications WHERE id = :c", c=cid)


def _move_evidence(bind: Any, vid: int, twin: int) -> None:
    for eid, sha in bind.execute(
        sa.text("SELECT id, sha256 FROM evidence WHERE listing_version_id = :v"), {"v": vid}
    ).all():
        held = _one(
            bind, "SELECT id FROM evidence WHERE listing_version_id = :t AND sha256 = :h",
            t=twin, h=sha,
        )  # fmt: skip
        if held is None:
            _run(bind, "UPDATE evidence SET listing_version_id = :t WHERE id = :e", t=twin, e=eid)
        else:  # the same bytes are kept already
            _run(bind, "DELETE FROM evidence WHERE id = :e", e=eid)


def _merge_cases(bind: Any, keep: int, other: int) -> None:
    sql = "SELECT id, status, version FROM reviews WHERE listing_id = :id"
    kept, mine = _one(bind, sql, id=keep), _one(bind, sql, id=other)
    if mine is None:
        return
    if kept is None:
        _run(bind, "UPDATE reviews SET listing_id = :keep WHERE id = :r", keep=keep, r=mine.id)
        return
    mine_decided, kept_decided = mine.status in DECIDED, kept.status in DECIDED
    winner, loser = (mine, kept) if mine_decided and not kept_decided else (kept, mine)
    _run(bind, "UPDATE review_events SET review_id = :w WHERE review_id = :l",
         w=winner.id, l=loser.id)  # fmt: skip
    _run(
        bind,
        "INSERT INTO review_events (review_id, reviewer, at, from_status, to_status, note)"
        " VALUES (:w, 'maskscreen', :at, :status, :status, :note)",
        w=winner.id, at=_now(bind), status=winner.status,
        note=f"merged case {loser.id} ({loser.status}): the same URL under two site names",
    )  # fmt: skip
    _run(bind, "DELETE FROM reviews WHERE id = :l", l=loser.id)
    _run(bind, "UPDATE reviews SET listing_id = :keep, version = version + 1 WHERE id = :w",
         keep=keep, w=winner.id)  # fmt: skip
