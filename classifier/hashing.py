"""Hashed n-grams and TF-IDF rows, computed for a whole batch at once with numpy.

No scikit-learn here: a prediction runs on this module alone (runtime.py);
`ngrams.HashedTfidf` is the scikit-learn estimator that learns a vocabulary.

Each n-gram is named by a 64-bit hash of its characters, computed over the
codepoints of the whole batch with array arithmetic. A vocabulary is two
arrays: the hashes of the kept n-grams (one a column) and their idf. A 64-bit
hash makes two n-grams share a column only by a remote chance; the n-grams of a
text can be hashed again at any time, so an explanation still names the text's
own words (`HashedVocabulary.locate`).

Analyzers, as in scikit-learn:
- "char_wb": character n-grams inside words padded with one space on each side;
- "word": n-grams of whitespace-separated tokens (the input is already tokenised).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

_BASE = np.uint64(0x100000001B3)  # odd, so distinct strings rarely share a hash
_PAIR = np.uint64(0x9E3779B97F4A7C15)
_MAX_POWER = 1 << 16
_POWERS = np.cumprod(
    np.r_[np.uint64(1), np.full(_MAX_POWER - 1, _BASE, dtype=np.uint64)], dtype=np.uint64
)


def _mix(x: np.ndarray, n: int) -> np.ndarray:
    """Spread the bits of polynomial hashes (splitmix64's finaliser), salted by n-gram length."""
    x = x + np.uint64(n * int(_PAIR) % 2**64)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


@dataclass
class Ngrams:
    """Every n-gram occurrence of a batch: which text, its hash, where it is in `joined`."""

    doc: np.ndarray  # int64, index of the text in the batch
    hash: np.ndarray  # uint64
    start: np.ndarray  # int64, character offsets in `joined`
    end: np.ndarray
    joined: str


def char_wb_ngrams(
    texts: list[str], ngram_range: tuple[int, int], positions: bool = True
) -> Ngrams:
    """Character n-grams within words, each word padded with a space on both sides.

    Words are marked off by NUL characters, so a valid window holds no NUL:
    " w1 \\0 w2 " for one text, texts joined by NUL as well. Without `positions`,
    `start` and `end` are left empty (TF-IDF needs only the texts and hashes).
    """
    pieces, joined, codes = _char_wb_joined(texts)
    # the text of each character (a text's closing NUL counts as its own)
    doc_of = np.repeat(np.arange(len(pieces)), [len(p) + 1 for p in pieces])[: len(codes)]
    docs, hashes, starts, ends = [], [], [], []
    for n, at, hashed in _char_wb_windows(codes, ngram_range):
        docs.append(doc_of[at])
        hashes.append(hashed)
        if positions:
            starts.append(at)
            ends.append(at + n)
    return _collect(docs, hashes, starts, ends, joined)


def _char_wb_joined(texts: list[str]) -> tuple[list[str], str, np.ndarray]:
    """Each text's padded words (" w1 \\0 w2 "), the texts joined by NUL, its codepoints."""
    pieces = []
    for text in texts:
        words = text.split()
        pieces.append(" " + " \0 ".join(words) + " " if words else "")
    joined = "\0".join(pieces)
    return pieces, joined, _codepoints(joined)


def _char_wb_windows(codes: np.ndarray, ngram_range: tuple[int, int]):
    """For each n of the range: n, the start of each window of n characters free of NUL,
    and its hash."""
    length = len(codes)
    nuls = np.r_[0, np.cumsum(codes == 0)]
    low, high = ngram_range
    # the hash of the n characters from each position, one character more each round
    window = np.zeros(length, dtype=np.uint64)
    for n in range(1, high + 1):
        if length < n:
            break
        count = length - n + 1
        window = window[:count] + codes[n - 1 : n - 1 + count] * _POWERS[n - 1]
        if n < low:
            continue
        at = np.flatnonzero(nuls[n : n + count] == nuls[:count])
        yield n, at, _mix(window[at], n)


def char_wb_by_text(
    texts: list[str], ngram_range: tuple[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The hashes of `char_wb_ngrams`, grouped by text (CSR-like: text i's are
    `hashes[indptr[i]:indptr[i + 1]]`, in the order of their start, shorter first),
    without the index of the text of each.

    The windows of each n are written straight to their place: a window of n characters
    is valid only where the shorter ones from the same start are, so a start with k valid
    windows holds those of n = low .. low + k - 1, in that order.
    """
    pieces, _, codes = _char_wb_joined(texts)
    low = ngram_range[0]
    found = list(_char_wb_windows(codes, ngram_range))
    every_start = np.concatenate([at for _, at, _ in found]) if found else codes[:0]
    per_start = np.bincount(every_start.astype(np.int64, copy=False), minlength=len(codes) + 1)
    place = np.r_[0, np.cumsum(per_start)]  # where the windows of each start begin
    hashes = np.empty(place[-1], dtype=np.uint64)
    for n, at, hashed in found:
        hashes[place[at] + (n - low)] = hashed
    text_start = np.r_[0, np.cumsum(np.fromiter(map(len, pieces), np.int64, len(pieces)) + 1)]
    return hashes, place[np.minimum(text_start, len(codes))]


def word_ngrams(texts: list[str], ngram_range: tuple[int, int]) -> Ngrams:
    """n-grams of whitespace-separated tokens; a token's hash covers its characters."""
    joined = "\0".join(texts)
    codes = _codepoints(joined)
    if not len(codes):
        return _collect([], [], [], [], joined)
    inside = codes > 32
    edges = np.diff(np.r_[False, inside, False].astype(np.int8))
    token_start, token_end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = token_end - token_start
    if lengths.max(initial=0) >= _MAX_POWER:
        raise ValueError(f"a token longer than {_MAX_POWER - 1} characters")
    offsets = np.arange(len(codes))[inside] - np.repeat(token_start, lengths)
    token_hash = (
        np.add.reduceat(codes[inside] * _POWERS[offsets], np.r_[0, np.cumsum(lengths)[:-1]])
        if len(lengths)
        else codes[:0]
    )
    doc_starts = np.flatnonzero(codes == 0) + 1
    token_doc = np.searchsorted(doc_starts, token_start, side="right")
    docs, hashes, starts, ends = [], [], [], []
    low, high = ngram_range
    for n in range(low, high + 1):
        count = len(token_hash) - n + 1
        if count <= 0:
            break
        first = np.arange(count)
        h = token_hash[:count].copy()
        for k in range(1, n):
            h = h * _PAIR + token_hash[k : k + count]
        same = token_doc[:count] == token_doc[n - 1 : n - 1 + count]
        docs.append(token_doc[:count][same])
        hashes.append(_mix(h[same], n))
        starts.append(token_start[first[same]])
        ends.append(token_end[first[same] + n - 1])
    return _collect(docs, hashes, starts, ends, joined)


def _collect(docs, hashes, starts, ends, joined) -> Ngrams:
    empty = np.zeros(0, dtype=np.int64)
    if not docs:
        return Ngrams(empty, empty.astype(np.uint64), empty, empty, joined)
    return Ngrams(
        np.concatenate(docs).astype(np.int64, copy=False),
        np.concatenate(hashes),
        np.concatenate(starts).astype(np.int64, copy=False) if starts else empty,
        np.concatenate(ends).astype(np.int64, copy=False) if ends else empty,
        joined,
    )


ANALYZERS = {"char_wb": char_wb_ngrams, "word": word_ngrams}


def analyze(analyzer: str, texts, ngram_range: tuple[int, int], positions: bool = True) -> Ngrams:
    """The n-grams of a batch of texts (without `positions`, char_wb n-grams leave
    `start` and `end` empty)."""
    if analyzer not in ANALYZERS:
        raise ValueError(f"unknown analyzer {analyzer!r}; expected one of {sorted(ANALYZERS)}")
    if analyzer == "char_wb":
        return char_wb_ngrams(list(texts), tuple(ngram_range), positions)
    return ANALYZERS[analyzer](list(texts), tuple(ngram_range))


@dataclass
class HashedVocabulary:
    """A fitted TF-IDF (smooth idf, optional sublinear tf, L2 rows) over hashed n-grams:
    what `ngrams.HashedTfidf` learned, and the arithmetic that makes its rows."""

    analyzer: str
    ngram_range: tuple[int, int]
    sublinear_tf: bool
    hashes: np.ndarray  # uint64, one a column
    idf: np.ndarray  # float32, one a column
    _table: _HashTable | None = field(default=None, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.hashes)

    def analyze(self, texts, positions: bool = True) -> Ngrams:
        return analyze(self.analyzer, texts, self.ngram_range, positions)

    def locate(self, ngrams: Ngrams) -> np.ndarray:
        """The column of each n-gram occurrence, -1 for n-grams outside the vocabulary."""
        if self._table is None:
            self._table = _HashTable(self.hashes)
        return self._table.find(ngrams.hash)

    def matrix(
        self, ngrams: Ngrams, n_docs: int, column: np.ndarray | None = None
    ) -> sp.csr_matrix:
        """The TF-IDF rows of a batch from its analysed n-grams (and their columns, if located)."""
        if column is None:
            column = self.locate(ngrams)
        known = column >= 0
        return self._sorted_rows(ngrams.doc[known], column[known], n_docs)

    def _sorted_rows(self, doc: np.ndarray, column: np.ndarray, n_docs: int) -> sp.csr_matrix:
        """The TF-IDF rows from the (text, column) of each known n-gram, by a key sort."""
        width = len(self.hashes)
        # one sorted integer key per (text, column): runs of equal keys are term counts
        key_type = np.uint32 if n_docs * max(width, 1) < 2**32 else np.uint64
        keys = sorted_keys(doc.astype(key_type) * key_type(width) + column.astype(key_type))
        first = np.flatnonzero(np.r_[len(keys) > 0, keys[1:] != keys[:-1]])  # (none: no n-gram)
        unique = keys[first]
        rows = (unique // key_type(max(width, 1))).astype(np.int64)
        columns = (unique % key_type(max(width, 1))).astype(np.int32)
        return self._weighted(np.diff(np.r_[first, len(keys)]), columns, rows, n_docs)

    def _weighted(
        self, counts: np.ndarray, columns: np.ndarray, rows: np.ndarray, n_docs: int
    ) -> sp.csr_matrix:
        """The TF-IDF rows from the term counts of each (text, column), sorted by text then
        column (`rows`: the text of each, int64; `columns`: int32)."""
        indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=n_docs))]
        out = sp.csr_matrix(
            (counts.astype(np.float32), columns, indptr), shape=(n_docs, len(self.hashes))
        )
        if self.sublinear_tf:
            np.log(out.data, out=out.data)
            out.data += 1
        out.data *= self.idf[out.indices]
        norms = np.sqrt(np.bincount(rows, weights=out.data * out.data, minlength=n_docs))
        out.data /= norms[rows].astype(np.float32)
        return out

    def transform(self, texts) -> sp.csr_matrix:
        """`matrix(analyze(texts))`; for a batch's character n-grams, counted without a sort
        of the (text, column) pairs (see `_char_rows`)."""
        texts = list(texts)
        low, high = self.ngram_range
        # the conversions of _char_rows walk every column of the vocabulary: for fewer
        # n-grams than that (about the characters times the n-gram lengths; a batch of
        # under about a hundred listings) the key sort is faster
        if self.analyzer == "char_wb" and sum(map(len, texts)) * (high - low + 1) >= len(self):
            return self._char_rows(texts)
        return self.matrix(self.analyze(texts, positions=False), len(texts))

    def _char_rows(self, texts: list[str]) -> sp.csr_matrix:
        """The TF-IDF rows of character n-grams, from their columns grouped by text: two
        counting sorts (scipy's CSR to CSC and back, linear in the n-grams and the width of
        the vocabulary) put each text's columns in order, equal columns side by side, where
        `matrix` sorts (text, column) keys (two radix passes of numpy's argsort, and their
        gathers). In batches of 1,000 listings about 3 µs a listing less; below about as
        many n-grams as the vocabulary has columns, the key sort is the faster."""
        n_docs = len(texts)
        hashes, by_text = char_wb_by_text(texts, tuple(self.ngram_range))
        if self._table is None:
            self._table = _HashTable(self.hashes)
        column = self._table.find(hashes)
        known = column >= 0
        by_text = np.r_[0, np.cumsum(known)][by_text]
        column = column[known].astype(np.int32)
        # occurrences as a CSR matrix (duplicates kept), to CSC (by column, texts in order)
        # and back (by text, columns in order): scipy's csr_tocsc scatters, never sums
        grouped = sp.csr_matrix(
            (np.ones(len(column), dtype=np.float32), column, by_text),
            shape=(n_docs, max(len(self.hashes), 1)),
        )
        grouped = grouped.tocsc().tocsr()
        rows = np.repeat(np.arange(n_docs), np.diff(grouped.indptr))
        columns = grouped.indices
        first = np.flatnonzero(
            np.r_[len(columns) > 0, (columns[1:] != columns[:-1]) | (rows[1:] != rows[:-1])]
        )
        return self._weighted(
            np.diff(np.r_[first, len(columns)]),
            columns[first].astype(np.int32, copy=False),
            rows[first],
            n_docs,
        )


def sorted_keys(keys: np.ndarray) -> np.ndarray:
    """`np.sort(keys)`: for 32-bit keys, two stable passes on their 16-bit halves (a radix
    sort, linear), which took about half the time of np.sort on a batch's character
    n-grams (650,000 keys of 1,000 listings); wider keys by np.sort itself."""
    if keys.dtype != np.uint32 or len(keys) < RADIX_MIN:
        return np.sort(keys)
    return keys[radix_order(keys)]


RADIX_MIN = 1 << 12  # fewer keys: np.sort is as fast


def radix_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` of uint32 keys by two stable passes on their 16-bit
    halves (a radix sort, linear; worth it from a few thousand keys: the callers decide)."""
    order = np.argsort(keys.astype(np.uint16), kind="stable")  # by the low half
    return order[np.argsort((keys[order] >> np.uint32(16)).astype(np.uint16), kind="stable")]


class _HashTable:
    """Open addressing (linear probing) from hash to column: about one array read a look-up,
    where a binary search over the sorted vocabulary takes a dozen scattered reads.

    The table holds columns only (int32), a slot's key read back from the vocabulary's own
    hashes (`keys`, by column): the look-ups of a batch's character n-grams (some 450,000
    a thousand listings, scattered) then read a table of 4 MB and keys of 0.6 MB where an
    int64 table and a copy of the keys beside it made 16 MB, and took a quarter longer.
    The columns found are the same: each key has one slot, found by the same probing."""

    def __init__(self, keys: np.ndarray):
        size = 1 << max(4, int(len(keys) * 8).bit_length())  # at most 1/8 full
        self._mask = np.uint64(size - 1)
        self._columns = np.full(size, -1, dtype=np.int32 if len(keys) < 2**31 else np.int64)
        # by column, and one more: an empty slot's -1 reads a key no look-up is told it found
        # (the look-up is told -1 whatever that key)
        self._keys = np.r_[keys.astype(np.uint64, copy=False), np.uint64(0)]
        waiting = np.arange(len(keys))
        step = 0
        while len(waiting):
            slot = (keys[waiting] + np.uint64(step)) & self._mask
            free = self._columns[slot] < 0
            # of several keys wanting one free slot, the first gets it
            taken, first = np.unique(slot[free], return_index=True)
            self._columns[taken] = waiting[free][first]
            placed = np.zeros(len(waiting), dtype=bool)
            placed[np.flatnonzero(free)[first]] = True
            waiting = waiting[~placed]
            step += 1

    def find(self, hashes: np.ndarray) -> np.ndarray:
        """The column of each hash (int64), -1 where the vocabulary has none."""
        slot = hashes & self._mask
        out = self._columns[slot].astype(np.int64)
        # a different key in the slot: probe on until the key or an empty slot
        pending = np.flatnonzero(self._keys[out] != hashes)
        pending = pending[out[pending] >= 0]
        step = 1
        while len(pending):
            slot = (hashes[pending] + np.uint64(step)) & self._mask
            column = self._columns[slot]
            same = self._keys[column] == hashes[pending]
            out[pending] = np.where(same, column, -1)
            pending = pending[(column >= 0) & ~same]
            step += 1
        return out
