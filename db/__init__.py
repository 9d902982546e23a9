"""The maskscreen store: SQLAlchemy models, Alembic migrations and the store API.

- ``db.session``: resolve a database URL, make an engine, ``open_database``.
- ``db.migrate``: bring a database to the schema head, or say how to.
- ``db.store``: sites, crawl runs, listings, versions, classifications, flagged queries.
- ``db.reviews``: review cases and their append-only event trail.

Store functions take a ``Session`` and never commit: the caller owns the transaction.
"""
