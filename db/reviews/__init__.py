"""Review cases: their queue, decisions and the append-only event trail.

- ``cases``: open, decide, reopen and close cases (writes); the transitions allowed.
- ``reads``: the queue, one case's file, a case's history (reads).
- ``audit``: unflagged listings drawn into audit cases (the miss rate); reviewers'
  decisions as training labels.
"""

from maskscreen.db.reviews.cases import *  # noqa: F403 (the cases module's __all__ is this package's)
from maskscreen.db.reviews.cases import SYSTEM_REVIEWER, TRANSITIONS
from maskscreen.db.reviews.cases import __all__ as _cases_all

__all__ = [*_cases_all, "SYSTEM_REVIEWER", "TRANSITIONS"]
from maskscreen.db.reviews import audit  # noqa: E402 (after the cases it builds on)

__all__ += ["audit"]
