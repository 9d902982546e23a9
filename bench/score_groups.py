"""Grouped folds and per-language threshold rules for bench/score_oof.py.

`group_keys` joins, by union-find, the training listings that must share a fold:

- one page: grounded records whose source_url is the same page once the scheme, "www."/"m.",
  a language segment ("/de/", "/en-us/"), the query, the fragment and a trailing slash are
  dropped (one record per page is the rule, but the same page under two addresses slips by);
- one story: grounded records whose notes (the English description of the page and the
  event it reports, written with the record) are near each other (word TF-IDF cosine at least
  NOTE_SIMILAR): the same robbery, brand or test reported by two outlets, rendered in two
  languages;
- one text: any two listings, written or grounded, whose normalised texts are near
  duplicates (character 3-5-gram TF-IDF cosine at least TEXT_SIMILAR): the written corpus's
  minimal pairs and templated variants.

`languages` prints, for each candidate score, P/R flagged-vs-benign per language (annotated
language; the cut applied is that of the language the model identifies, as at runtime) on
the grounded records and on the written ones, for each threshold rule, **cross-fitted**:
every fold is read at the cuts (and the score's calibrator) chosen on the other folds'
out-of-fold scores only, so a per-language cut is never read on the listings it was chosen
on. The minimums of a rule are scaled by (folds - 1) / folds, so that the same languages
qualify as on all the material.
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import numpy as np

TEXT_SIMILAR = 0.6
NOTE_SIMILAR = 0.35
_LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2}([-_][a-z]{2})?$")
# threshold rules: name -> (MIN_POSITIVES, MIN_NEGATIVES, MIN_LANGUAGE_EXAMPLES), what a
# detected language needs for a cut of its own in train.choose_thresholds
RULES = {
    "global": (10**9, 0, 0),  # the overall cut only
    "session8": (100, 0, 100),  # as shipped in session 8: en and zh
    "p100n100": (100, 100, 0),
    "p60n60": (60, 60, 0),
    "p50n50": (50, 50, 0),
    "p30n30": (30, 30, 0),
}
MINIMUMS = ("MIN_POSITIVES", "MIN_NEGATIVES", "MIN_LANGUAGE_EXAMPLES")
SHOWN = ("en", "zh", "de", "es", "fr", "it", "ja", "ko", "pt", "ru")


def page_key(url: str) -> str:
    parts = urlsplit(url.strip().lower())
    host = re.sub(r"^(www\d?|m|amp)\.", "", parts.netloc)
    segments = [s for s in parts.path.split("/") if s and not _LANGUAGE_SEGMENT.match(s)]
    return host + "/" + "/".join(segments)


def _near_pairs(matrix, threshold: float, chunk: int = 500):
    """(i, j) with i < j and cosine(row i, row j) >= threshold (rows L2-normalised)."""
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], chunk):
        block = (matrix[start : start + chunk] @ transposed).toarray()
        rows, columns = np.nonzero(block >= threshold)
        for i, j in zip(rows + start, columns, strict=True):
            if i < j:
                yield int(i), int(j)


def _notes(examples) -> list[str]:
    from maskscreen.classifier.grounded import grounded_files

    by_key = {}
    for path in grounded_files():
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                by_key[(row["id"], row["source_url"])] = row.get("note") or ""
    return [by_key.get((e.id, e.source_url), "") if e.source_url else "" for e in examples]


def group_keys(examples, text_similar=TEXT_SIMILAR, note_similar=NOTE_SIMILAR) -> np.ndarray:
    """A group number per listing (see the module's docstring)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from maskscreen.classifier.normalize import normalize

    parent = list(range(len(examples)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int) -> None:
        parent[find(i)] = find(j)

    first: dict[str, int] = {}
    for i, example in enumerate(examples):
        if example.source_url:
            join(i, first.setdefault(page_key(example.source_url), i))
    texts = [normalize(e.text) for e in examples]
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    for i, j in _near_pairs(chars.fit_transform(texts).tocsr(), text_similar):
        join(i, j)
    notes = _notes(examples)
    noted = [i for i, note in enumerate(notes) if note]
    words = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True)
    matrix = words.fit_transform([notes[i] for i in noted]).tocsr()
    for i, j in _near_pairs(matrix, note_similar):
        join(noted[i], noted[j])
    roots = [find(i) for i in range(len(examples))]
    number = {root: k for k, root in enumerate(dict.fromkeys(roots))}
    return np.array([number[root] for root in roots])


def _pr(flag: np.ndarray, truth: np.ndarray) -> str:
    if not truth.any() and not flag.any():
        return "-"
    tp = int((flag & truth).sum())
    return f"{tp / max(int(flag.sum()), 1):.2f}/{tp / max(int(truth.sum()), 1):.2f}"


def cross_fitted_flags(name, raw, sig, labels, fold, detected, grounded, rule, target=0.95):
    """Flags of every listing at the cuts (and calibrator) chosen without its fold, and
    each fold's per-language cuts."""
    from score_oof import candidate_scores

    from maskscreen.classifier import train

    y = labels != "benign"
    flags = np.zeros(len(y), dtype=bool)
    cuts = []
    folds = np.unique(fold)
    scale = (len(folds) - 1) / len(folds)
    saved = {key: getattr(train, key) for key in MINIMUMS}
    try:
        for key, value in zip(MINIMUMS, RULES[rule], strict=True):
            setattr(train, key, int(value * scale))
        for f in folds:
            rest, mine = fold != f, fold == f
            both = candidate_scores(
                name, raw[rest], sig[rest], labels[rest], np.r_[raw[rest], raw[mine]],
                np.r_[sig[rest], sig[mine]],
            )  # fmt: skip
            fitted, scores = both[: rest.sum()], both[rest.sum() :]
            overall, by_language = train.choose_thresholds(
                y[rest], fitted, detected[rest], grounded[rest], target
            )
            flags[mine] = scores >= np.array([by_language.get(x, overall) for x in detected[mine]])
            cuts.append((overall, by_language))
    finally:
        for key, value in saved.items():
            setattr(train, key, value)
    return flags, cuts


def languages(path, names=None) -> None:
    from score_oof import NAMES, load_run

    from maskscreen.classifier.evaluate import language_of

    run = load_run(path)
    raw, sig, fold, labels, y = run.raw, run.sig, run.fold, run.labels, run.y
    grounded, detected, stored = run.grounded, run.detected, run.stored
    annotated = np.array([language_of(e) for e in run.examples])
    groups = stored["groups"] if "groups" in stored.files else np.arange(len(y))
    print(f"{path.name}: {len(np.unique(fold))} folds, {len(np.unique(groups))} groups")
    counts = ", ".join(
        f"{x} {int((y & (detected == x)).sum())}+{int((~y & (detected == x)).sum())}" for x in SHOWN
    )
    print(f"detected language, dangerous+benign (all material): {counts}")
    cells = ("all", "grounded", "written", *SHOWN, "w-en", "w-zh")
    header = " ".join(f"{c:>9}" for c in cells)
    for name in names or NAMES:
        print(f"\n{name}\n{'rule':9} {header}  own cuts (fold spread)")
        for rule in RULES:
            flags, cuts = cross_fitted_flags(name, raw, sig, labels, fold, detected, grounded, rule)
            parts = [np.ones(len(y), bool), grounded, ~grounded]
            parts += [grounded & (annotated == x) for x in SHOWN]
            parts += [~grounded & (annotated == x) for x in ("en", "zh")]
            row = " ".join(f"{_pr(flags[p], y[p]):>9}" for p in parts)
            own = sorted(set().union(*(set(b) for _, b in cuts)))
            spread = [max(b.get(x, o) for o, b in cuts) - min(b.get(x, o) for o, b in cuts)
                      for x in own]  # fmt: skip
            detail = " ".join(f"{x} {s:.2f}" for x, s in zip(own, spread, strict=True))
            print(f"{rule:9} {row}  {detail}")
