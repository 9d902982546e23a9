"""Apply the evasion_claim ruling of classifier/GUIDELINES.md (section 3) to the records.

    python bench/evasion_relabel.py bench/evasion_decisions.py

Decisions from the candidates bench/evasion_candidates.py lists; the marks and the log
(classifier/data/grounded/_evasion_relabel.jsonl) are written by bench/relabel.py.
"""

from __future__ import annotations

import sys

from relabel import apply  # bench/relabel.py, beside this script

if __name__ == "__main__":
    apply("evasion_claim", "_evasion_relabel.jsonl", sys.argv[1])
