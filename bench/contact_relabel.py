"""Apply the off_platform_contact ruling of classifier/GUIDELINES.md (section 3) to the records.

    python bench/contact_relabel.py bench/contact_decisions.py

The decisions file defines D = {id: (now, why)}, decided one by one from the candidates
bench/contact_candidates.py lists. A record whose mark differs gets `signals.
off_platform_contact` set in its own file (only that key of that line changes) and a row
in classifier/data/grounded/_contact_relabel.jsonl (id, file, source_url, was, now, why).
Rows already in the log are kept, so a second run changes nothing and loses nothing.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

SIGNAL = "off_platform_contact"
ROOT = Path(__file__).resolve().parent.parent / "classifier" / "data"
LOG = ROOT / "grounded" / "_contact_relabel.jsonl"


def relabelled_line(line: str, now: bool) -> tuple[str, bool] | None:
    """The line with the mark set to `now` and the mark it had, or None if it had it."""
    was = bool(json.loads(line)["signals"].get(SIGNAL, False))
    if was == now:
        return None
    key = f'"{SIGNAL}": '
    if line.count(key + json.dumps(was)) != 1:
        raise SystemExit(f"cannot find {key}{json.dumps(was)} once in: {line[:80]}")
    new = line.replace(key + json.dumps(was), key + json.dumps(now))
    assert json.loads(new)["signals"][SIGNAL] is now
    return new, was


def main() -> None:
    decisions = runpy.run_path(sys.argv[1])["D"]
    log = [json.loads(x) for x in LOG.read_text("utf-8").splitlines()] if LOG.is_file() else []
    logged = {row["id"] for row in log}
    files = sorted(ROOT.glob("*.jsonl")) + sorted((ROOT / "grounded").glob("*.jsonl"))
    for path in (p for p in files if not p.name.startswith("_")):
        lines = path.read_text("utf-8").split("\n")
        for n, line in enumerate(lines):
            record = json.loads(line) if line.strip() else {}
            if record.get("id") not in decisions:
                continue
            now, why = decisions[record["id"]]
            changed = relabelled_line(line, now)
            if changed is None:
                continue
            lines[n], was = changed
            row = {"id": record["id"], "file": path.relative_to(ROOT).as_posix()}
            row |= {"source_url": record.get("source_url", ""), "was": was, "now": now}
            log = [r for r in log if r["id"] != record["id"]] if record["id"] in logged else log
            log.append({**row, "why": why})
        path.write_text("\n".join(lines), "utf-8")
    LOG.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in log), "utf-8")
    print(f"{len(log)} rows in {LOG.name}")  # noqa: T201


if __name__ == "__main__":
    main()
