"""List the records the evasion_claim ruling (classifier/GUIDELINES.md, section 3) may
change, by keyword, across the training side only: the written corpus minus its test split
and the grounded records minus the dev set, dropped by their source_url before a record's
text is used (grounded.in_dev, the rule of grounded.grounded_split; borderline records and
records without a source_url are in neither part), as bench/evasion_sides.py does.

    python bench/evasion_candidates.py [GROUP ...]    # prints id, mark, group, text

Groups: doll (dolls, mannequins, figures, robots, wax), crossdress (变装, crossdresser,
masking), disguise (disguise words left unmarked), hair (wigs, toupees marked), patterns
(the shipped patterns disagree with the mark: realism-only marks, missed claims).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from maskscreen.classifier.grounded import in_dev
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher
from maskscreen.classifier.split import load_test_ids

ROOT = Path(__file__).resolve().parent.parent / "classifier" / "data"
GROUPS = {
    "doll": r"\bdolls?\b|reborn|mannequin|\bwax\b|figurine|\brobot|android|娃娃|模特头|蜡像|"
    r"机器人|人形|ドール|人形|マネキン|인형|마네킹|리본돌|кукл|манекен|реборн|muñec|maniquí|"
    r"puppe|schaufensterpuppe|poupée|mannequin|boneca|manequim|bambola|manichino",
    "crossdress": r"变装|女装|cross-?dress|crossdresser|\bmasking\b|\bmasker|femini[sz]|"
    r"女装|크로스드레서|кроссдресс|travesti",
    "disguise": r"disguis|易容|伪装|乔装|变装|変装|변장|маскиров|изменить внешность|tarnung|"
    r"unkenntlich|disfar|camuffa|travestiment|déguis|disfraz|verkleid",
    "hair": r"\bwigs?\b|toupe|hair ?piece|hairpiece|lace front|假发|发片|ウィッグ|かつら|가발|"
    r"парик|peluca|perücke|perruque|peruca|parrucca",
}


def records():
    """(file name, record) of every training-side record: written records not in the test
    split, grounded records whose source_url is not in the dev set (nor borderline)."""
    test_ids = load_test_ids()
    for path in sorted(ROOT.glob("*.jsonl")):
        for record in _rows(path):
            if record["id"] not in test_ids:
                yield path.name, record
    for path in sorted((ROOT / "grounded").glob("*.jsonl")):
        for record in _rows(path):
            url = record.get("source_url")
            if url and not record.get("borderline") and not in_dev(url):
                yield path.name, record


def _rows(path: Path):
    if path.name.startswith("_"):
        return
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def main() -> None:
    wanted = sys.argv[1:] or [*GROUPS, "patterns"]
    matcher = default_matcher()
    for name, record in records():
        text = f"{record['title']}\n{record.get('description', '')}"
        marked = record["signals"].get("evasion_claim", False)
        norm = normalize(text)
        hits = []
        for group, pattern in GROUPS.items():
            if group in wanted and re.search(pattern, norm):
                if group == "disguise" and marked or group == "hair" and not marked:
                    continue
                if group == "doll" and not marked:
                    continue
                hits.append(group)
        if "patterns" in wanted:
            fired = matcher.flags(matcher.find(norm))["evasion_claim"]
            if fired != marked:
                hits.append("patterns")
        if hits:
            print(
                json.dumps(
                    {
                        "id": record["id"],
                        "file": name,
                        "ev": marked,
                        "groups": hits,
                        "label": record["label"],
                        "text": text,
                    },
                    ensure_ascii=False,
                )
            )


if __name__ == "__main__":
    main()
