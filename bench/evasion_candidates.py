"""List the records the evasion_claim ruling (classifier/GUIDELINES.md, section 3) may
change, by keyword, across every written and grounded record (dev side not consulted).

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

from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import default_matcher

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
    for path in sorted(ROOT.glob("*.jsonl")) + sorted((ROOT / "grounded").glob("*.jsonl")):
        if path.name.startswith("_"):
            continue
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                yield path.name, json.loads(line)


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
