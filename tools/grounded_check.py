"""Check new grounded records before adding them (the grounded README's checks).

    python tools/grounded_check.py NEW.jsonl [--max 0.5]

For each record of NEW.jsonl: required keys and values (id `r<round>-<lang>-NNNN` in the
file's language, a family key from classifier/GUIDELINES.md section 4 whose label matches
the record's, boolean signals and borderline, a note, a description of at most 600
characters), `source_url` unused in every grounded file and once in NEW, and title +
description below the character 5-gram Jaccard limit (after `normalize()`) against the
whole corpus, every grounded file and the other new records. Prints one line per
problem; exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import grounded_files
from maskscreen.classifier.normalize import listing_text, normalize

KEYS = [
    "id",
    "language",
    "family",
    "title",
    "description",
    "price",
    "label",
    "signals",
    "source_url",
    "note",
    "borderline",
]
SIGNALS = {"evasion_claim", "made_to_order", "off_platform_contact"}
LABELS = {"realistic_face_mask", "custom_face_copy", "benign"}
DANGEROUS = {
    "stock_realistic_mask": "realistic_face_mask",
    "full_head_hood": "realistic_face_mask",
    "face_film": "realistic_face_mask",
    "photo_scan_copy": "custom_face_copy",
    "printed_replica": "custom_face_copy",
}
GUIDELINES = Path(__file__).resolve().parents[1] / "classifier" / "GUIDELINES.md"


def family_keys(text: str) -> set[str]:
    """The family keys listed in section 4 of the guidelines."""
    section = text.split("## 4. Family keys", 1)[-1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `([a-z_]+)`", section, flags=re.M))


def record_problems(r: dict, file_lang: str, families: set[str]) -> list[str]:
    """Problems of one record on its own: id, language, family and label, value types."""
    rid = r.get("id")
    out = []
    if r.get("language") != file_lang or not re.fullmatch(rf"r\d+-{file_lang}-\d{{4}}", str(rid)):
        out.append(f"{rid}: id or language does not fit the file ({file_lang})")
    family = r.get("family")
    if family not in families:
        out.append(f"{rid}: family {family!r} not in the guidelines")
    elif DANGEROUS.get(family, "benign") != r.get("label"):
        out.append(f"{rid}: family {family} does not go with label {r.get('label')}")
    signals = r.get("signals", {})
    if not all(isinstance(v, bool) for v in signals.values()) or not isinstance(
        r.get("borderline"), bool
    ):
        out.append(f"{rid}: signals and borderline must be booleans")
    if len(r.get("description", "")) > 600 or not r.get("title") or not r.get("note"):
        out.append(f"{rid}: empty title or note, or description over 600 characters")
    return out


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def problems(new_path: Path, limit: float) -> list[str]:
    new = _rows(new_path)
    out = []
    others = [p for p in grounded_files() if p.resolve() != new_path.resolve()]
    used = {r["source_url"].strip() for p in others for r in _rows(p)}
    seen: set[str] = set()
    families = family_keys(GUIDELINES.read_text("utf-8"))
    file_lang = new_path.name.split("_", 1)[0].split(".", 1)[0]
    for r in new:
        out.extend(record_problems(r, file_lang, families))
        if list(r) != KEYS:
            out.append(f"{r.get('id')}: keys {list(r)}")
        if r.get("label") not in LABELS or set(r.get("signals", {})) != SIGNALS:
            out.append(f"{r.get('id')}: label or signals")
        url = r.get("source_url", "").strip()
        if url in used or url in seen:
            out.append(f"{r['id']}: source_url used {url}")
        seen.add(url)
    texts_new = [normalize(listing_text(r["title"], r["description"])) for r in new]
    old = load_corpus() + load_corpus(others)
    texts_old = [normalize(e.text) for e in old]
    grams = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True)
    matrix = grams.fit_transform(texts_new + texts_old).tocsr()
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    shared = (matrix[: len(new)] @ matrix.T).tocoo()
    ids = [r["id"] for r in new] + [e.id for e in old]
    for i, j, inter in zip(shared.row, shared.col, shared.data, strict=True):
        if i != j and not (j < len(new) and j < i):
            jac = inter / (sizes[i] + sizes[j] - inter)
            if jac >= limit:
                out.append(f"{ids[i]} ~ {ids[j]}: {jac:.2f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("new", type=Path, nargs="+")
    parser.add_argument("--max", type=float, default=0.5)
    args = parser.parse_args()
    found = [p for path in args.new for p in problems(path, args.max)]
    print("\n".join(found) or "ok")  # noqa: T201
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
