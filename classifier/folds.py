"""Groups of training listings that must share a cross-validation fold.

`fold_groups` joins, by union-find:

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

So a fold's held-out part never holds a listing whose page, story or near-twin the fold's
model was fitted on, and the thresholds chosen on out-of-fold scores (train.out_of_fold) are
not read on optimistic scores. Over-joining makes folds less even, never leaky.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

import numpy as np

from maskscreen.classifier.corpus import Example

TEXT_SIMILAR = 0.6
NOTE_SIMILAR = 0.35
_LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2}([-_][a-z]{2})?$")


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


def fold_groups(
    examples: Sequence[Example],
    text_similar: float = TEXT_SIMILAR,
    note_similar: float = NOTE_SIMILAR,
) -> np.ndarray:
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
    try:
        matrix = words.fit_transform([notes[i] for i in noted]).tocsr()
    except ValueError:  # no notes, or none with a word that is not a stop word
        matrix = None
    for i, j in _near_pairs(matrix, note_similar) if matrix is not None else ():
        join(noted[i], noted[j])
    roots = [find(i) for i in range(len(examples))]
    number = {root: k for k, root in enumerate(dict.fromkeys(roots))}
    return np.array([number[root] for root in roots])
