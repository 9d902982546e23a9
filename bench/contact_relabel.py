"""Apply the off_platform_contact ruling of classifier/GUIDELINES.md (section 3) to the records.

    python bench/contact_relabel.py bench/contact_decisions.py

Decisions from the candidates bench/contact_candidates.py lists; the marks and the log
(classifier/data/grounded/_contact_relabel.jsonl) are written by bench/relabel.py.
"""

from __future__ import annotations

import sys

from relabel import apply  # bench/relabel.py, beside this script

if __name__ == "__main__":
    apply("off_platform_contact", "_contact_relabel.jsonl", sys.argv[1])
