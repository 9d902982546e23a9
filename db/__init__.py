"""The maskscreen store: SQLAlchemy models, Alembic migrations and the store API.

- ``db.session``: resolve a database URL, make an engine, ``connect``, ``open_database``.
- ``db.migrate``: bring a database to the schema head, or say how to.
- ``db.store``: the API: sites and crawl runs (``db.runs``), listings and versions,
  classifications, flagged listings (``db.queries``).
- ``db.reviews``: review cases, their queue and their append-only event trail.
- ``db.models``: the tables; ``db.errors``: the exceptions (``StoreError`` and kin).

Store functions take a ``Session`` and never commit: the caller owns the transaction.
"""
