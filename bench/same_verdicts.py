"""Speed work changes no verdict: the feature rows, scores and verdicts of this tree and of
another revision, over the corpus, the grounded records and disguised variants of both.

    python bench/same_verdicts.py [--baseline main] [--mutated 4000] [--single 400]

The inputs are made once, from this tree's data (a revision with other grounded records
classifies the same inputs), and each side runs in a fresh process (the revision's code
from `git archive`, as in bench/classify.py) and writes, for every input: the sha256 of its model-input row (the
CSR row's columns and float32 values, bit for bit), its unrounded score and per-label
scores, and the verdict (`Verdict.to_dict`: label, signals, reasons, language, …).
Inputs are classified in batches of 1,000 and, for a sample, one per call (the small-batch
paths differ). Prints the counts compared and every difference (scores: beyond 1e-12);
exits 1 on any.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classify import baseline_tree, side_env  # noqa: E402  (bench/classify.py)

# What disguised listings hold: full-width forms and CJK punctuation (NFKC folds them),
# invisible and combining characters, traditional characters, look-alikes, separators.
ALPHABET = list(
    "ab z01$!@ -*|.·_\n\t，。、：；！？（）【】「」“”…～\u3000\u00a0\u200b\u0301\u0308"
    "ＡＢｓｉ１２％＋＠硅胶矽膠面具頭套аоó½ⅱ①ﾏｽｸ가あア"
)


def inputs(mutated: int) -> list[dict | str]:
    from maskscreen.classifier.corpus import load_corpus
    from maskscreen.classifier.grounded import load_grounded

    examples = load_corpus() + load_grounded()
    items: list[dict | str] = [{"title": e.title, "description": e.description} for e in examples]
    texts = [f"{e.title}\n{e.description}" for e in examples]
    rng = random.Random(0)
    for _ in range(mutated):
        chars = list(rng.choice(texts)[:600])
        for _ in range(rng.randint(1, 12)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(ALPHABET))
        items.append("".join(chars))
    return items


def worker(out: str, single: int) -> None:
    import numpy as np

    from maskscreen.classifier.model import load_model, text_of
    from maskscreen.classifier.runtime import danger, needs_decisions

    model = load_model()
    items = json.loads(Path(out).read_text("utf-8"))
    records = []
    for start in range(0, len(items), 1000):
        batch = items[start : start + 1000]
        verdicts = model.predict(batch)
        features = model.runtime.featurize([text_of(item) for item in batch])
        matrix, kind = features.matrix, model.score_kind
        score, per_label = danger(
            model.runtime.one_vs_rest(matrix),
            model.runtime.classes,
            kind,
            model.runtime.decisions(matrix) if needs_decisions(kind) else None,
            model.metadata.get("score_calibration"),
        )
        for row, verdict in enumerate(verdicts):
            a, b = matrix.indptr[row], matrix.indptr[row + 1]
            digest = hashlib.sha256(
                np.ascontiguousarray(matrix.indices[a:b], dtype=np.int64).tobytes()
                + np.ascontiguousarray(matrix.data[a:b]).tobytes()
            ).hexdigest()
            records.append((digest, float(score[row]), per_label[row].tolist(), verdict.to_dict()))
    step = max(1, len(items) // max(single, 1))
    singles = [model.predict([item])[0].to_dict() for item in items[::step]] if single else []
    Path(out).write_text(json.dumps({"records": records, "singles": singles}), "utf-8")


def run_side(path: Path | None, items: list, single: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        handle.write(json.dumps(items).encode("utf-8"))  # the inputs in, the records out
        out = handle.name
    command = [sys.executable, __file__, "--worker", out, "--single", str(single)]
    subprocess.run(command, env=side_env(path), check=True)
    data = json.loads(Path(out).read_text("utf-8"))
    Path(out).unlink()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", metavar="REV")
    parser.add_argument("--mutated", type=int, default=4000)
    parser.add_argument("--single", type=int, default=400)
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.single)
        return
    items = inputs(args.mutated)
    old = run_side(baseline_tree(args.baseline), items, args.single)
    new = run_side(None, items, args.single)
    problems = 0
    for i, (a, b) in enumerate(zip(old["records"], new["records"], strict=True)):
        differs = [
            name
            for name, same in (
                ("feature row", a[0] == b[0]),
                ("score", abs(a[1] - b[1]) <= 1e-12),
                (
                    "per-label scores",
                    all(abs(x - y) <= 1e-12 for x, y in zip(a[2], b[2], strict=True)),
                ),
                ("verdict", a[3] == b[3]),
            )
            if not same
        ]
        if differs:
            problems += 1
            print(f"input {i}: {', '.join(differs)} differ")
            if a[3] != b[3]:
                print("  was", json.dumps(a[3], ensure_ascii=False)[:400])
                print("  now", json.dumps(b[3], ensure_ascii=False)[:400])
    singles = sum(x != y for x, y in zip(old["singles"], new["singles"], strict=True))
    problems += singles
    print(
        f"{len(new['records'])} inputs in batches of 1,000 (feature rows, scores to 1e-12, "
        f"verdicts) and {len(new['singles'])} one per call compared with {args.baseline}: "
        f"{problems} differ" + (f" ({singles} one per call)" if singles else "")
    )
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
