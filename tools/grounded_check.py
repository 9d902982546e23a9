"""Check new grounded records before adding them (the grounded README's checks).

    python tools/grounded_check.py NEW.jsonl [--max 0.5]

For each record of NEW.jsonl: required keys and values, `source_url` unused in every
grounded file and once in NEW, and title + description below the character 5-gram
Jaccard limit (after `normalize()`) against the whole corpus, every grounded file and
the other new records. Prints one line per problem; exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
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


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def problems(new_path: Path, limit: float) -> list[str]:
    new = _rows(new_path)
    out = []
    others = [p for p in grounded_files() if p.resolve() != new_path.resolve()]
    used = {r["source_url"].strip() for p in others for r in _rows(p)}
    seen: set[str] = set()
    for r in new:
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
