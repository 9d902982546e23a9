"""Exceptions raised by the store. Each message is one line, fit for a CLI to print as is."""


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class DatabaseUnavailable(StoreError):
    """The database cannot be reached or opened."""


class SchemaBehindError(StoreError):
    """The database schema is older than this code, and upgrading was not allowed."""


class SchemaAheadError(StoreError):
    """The database was migrated by a newer maskscreen than this one."""


class ReviewError(StoreError):
    """A review case does not exist, or cannot move to the status asked for."""


class UnknownCase(ReviewError):
    """No review case has that id."""


class InvalidTransition(ReviewError):
    """The case cannot move from its status to the one asked for."""


class ReviewConflict(ReviewError):
    """Somebody else moved the case after it was read: nothing was written."""


class AccountError(StoreError):
    """A user or token that cannot be added, found or changed as asked."""
