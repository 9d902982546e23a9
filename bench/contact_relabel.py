"""Apply the off_platform_contact ruling of classifier/GUIDELINES.md (section 3) to the records.

    python bench/contact_relabel.py DECISIONS.py   # writes the marks and the log

DECISIONS.py defines D = {id: (now, why)}, decided one by one from the candidates that
bench/contact_candidates.py lists. Each changed record gets `signals.off_platform_contact` set in
its own file (only that key of that line changes) and a row in
classifier/data/grounded/_contact_relabel.jsonl: id, file, source_url, was, now, why.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "classifier" / "data"
LOG = ROOT / "grounded" / "_contact_relabel.jsonl"


def main() -> None:
    decisions = runpy.run_path(sys.argv[1])["D"]
    log = []
    paths = sorted(ROOT.glob("*.jsonl")) + sorted((ROOT / "grounded").glob("*.jsonl"))
    for path in paths:
        if path.name.startswith("_"):
            continue
        lines = path.read_text("utf-8").split("\n")
        changed = False
        for n, line in enumerate(lines):
            if not line.strip():
                continue
            record = json.loads(line)
            if record["id"] not in decisions:
                continue
            now, why = decisions[record["id"]]
            was = bool(record["signals"].get("off_platform_contact", False))
            if was == now:
                continue
            old = f'"off_platform_contact": {json.dumps(was)}'
            if line.count(old) != 1:
                raise SystemExit(f"{record['id']}: cannot find {old} once")
            lines[n] = line.replace(old, f'"off_platform_contact": {json.dumps(now)}')
            assert json.loads(lines[n])["signals"]["off_platform_contact"] is now
            changed = True
            log.append(
                {
                    "id": record["id"],
                    "file": path.relative_to(ROOT).as_posix(),
                    "source_url": record.get("source_url", ""),
                    "was": was,
                    "now": now,
                    "why": why,
                }
            )
        if changed:
            path.write_text("\n".join(lines), "utf-8")
    missing = set(decisions) - {row["id"] for row in log}
    rows = [json.dumps(row, ensure_ascii=False) for row in log]
    LOG.write_text("".join(f"{row}\n" for row in rows), "utf-8")
    print(f"{len(log)} changed, {len(missing)} decided and already so")  # noqa: T201


if __name__ == "__main__":
    main()
