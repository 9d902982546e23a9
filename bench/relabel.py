"""Apply a signal's ruling (classifier/GUIDELINES.md section 3) to the records: the shared
part of bench/evasion_relabel.py and bench/contact_relabel.py.

The decisions file defines D = {id: (now, why)}, decided one by one from the candidates a
lister prints. A record whose mark differs gets the signal set in its own file (only that
key of that line changes) and a row in the signal's log under classifier/data/grounded
(id, file, source_url, was, now, why). Rows already in the log are kept, so a second run
changes nothing and loses nothing.
"""

from __future__ import annotations

import json
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "classifier" / "data"


def relabelled_line(line: str, signal: str, now: bool) -> tuple[str, bool] | None:
    """The line with the mark set to `now` and the mark it had, or None if it had it."""
    was = bool(json.loads(line)["signals"].get(signal, False))
    if was == now:
        return None
    key = f'"{signal}": '
    if line.count(key + json.dumps(was)) != 1:
        raise SystemExit(f"cannot find {key}{json.dumps(was)} once in: {line[:80]}")
    new = line.replace(key + json.dumps(was), key + json.dumps(now))
    assert json.loads(new)["signals"][signal] is now
    return new, was


def apply(signal: str, log_name: str, decisions_file: str) -> None:
    """Set `signal` as the decisions file says and log each change in `log_name`."""
    decisions = runpy.run_path(decisions_file)["D"]
    log_path = ROOT / "grounded" / log_name
    log = (
        [json.loads(x) for x in log_path.read_text("utf-8").splitlines()]
        if log_path.is_file()
        else []
    )
    logged = {row["id"] for row in log}
    files = sorted(ROOT.glob("*.jsonl")) + sorted((ROOT / "grounded").glob("*.jsonl"))
    for path in (p for p in files if not p.name.startswith("_")):
        lines = path.read_text("utf-8").split("\n")
        for n, line in enumerate(lines):
            record = json.loads(line) if line.strip() else {}
            if record.get("id") not in decisions:
                continue
            now, why = decisions[record["id"]]
            changed = relabelled_line(line, signal, now)
            if changed is None:
                continue
            lines[n], was = changed
            row = {"id": record["id"], "file": path.relative_to(ROOT).as_posix()}
            row |= {"source_url": record.get("source_url", ""), "was": was, "now": now}
            log = [r for r in log if r["id"] != record["id"]] if record["id"] in logged else log
            log.append({**row, "why": why})
        path.write_text("\n".join(lines), "utf-8")
    log_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in log), "utf-8")
    print(f"{len(log)} rows in {log_path.name}")  # noqa: T201
