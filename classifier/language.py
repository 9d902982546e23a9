"""Which language a listing is written in, and whether the model covers it.

Scripts decide where they can (kana: Japanese; Hangul: Korean; Chinese characters
making up a third of the letters: Chinese); other text is identified by py3langid
(langid.py's model, shipped in its wheel: nothing is downloaded) on its first
characters. A listing in a language the model does not cover is reported as such
(`language_supported` false) so it goes to a person, never silently benign.

py3langid's model takes about 0.6 s to load (an LZMA-compressed array file), so it
is loaded on first need, in a background thread as soon as a model is loaded
(`preload`): a one-off check of Chinese, Japanese or Korean text never waits for it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from maskscreen.classifier.hashing import radix_order

logger = logging.getLogger(__name__)

SUPPORTED = ("en", "zh", "ja", "ko", "ru", "es", "de", "fr", "pt", "it")
UNDETERMINED = "und"
# The first characters say which language a listing is in: identifying more costs time
# (py3langid walks the text byte by byte in Python). Measured on the corpus and the
# grounded records against their labels: 120 characters 10 wrong (3 called Galician),
# 200 characters 4 wrong (none uncovered), 400 characters 3 wrong.
SAMPLE_CHARS = 200
# Below this many letters a guess of an uncovered language is not trusted: a short title
# of brand names and numbers reads as anything. Such text takes the best covered language.
MIN_LETTERS_UNSUPPORTED = 25
MIN_CONFIDENCE_UNSUPPORTED = 0.6

# Labels of py3langid's model that name a variety of a covered language.
ALIASES = {"pcm": "en", "sco": "en", "yue": "zh", "wuu": "zh", "cmn": "zh", "nan": "zh"}

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# Any character of the three searches of by_script (one search of text in other scripts),
# and the ASCII characters that are no letter of _LETTER_RUN (all but a-z and A-Z).
_DECIDING_SCRIPT = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff\uac00-\ud7af]"
)
_ASCII_NOT_LETTERS = bytes(c for c in range(128) if not chr(c).isalpha())

_lock = threading.Lock()
_identifier = None
_loader: threading.Thread | None = None


def _load():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    try:
        from py3langid.modelio import _to_array  # what its load_model makes of the arrays

        with np.load(_unpacked(MODEL_DIR / MODEL_FILE), allow_pickle=False) as data:
            arrays = [data[name] for name in _MODEL_ARRAYS]
        ptc, pc, classes, nextmove, row, output = arrays
        return LanguageIdentifier(
            np.asarray(ptc),
            np.asarray(pc),
            classes.tolist(),
            _to_array(nextmove),
            output.tolist(),
            norm_probs=True,
            tk_row=_to_array(row),
        )
    except Exception as exc:  # another py3langid's layout, a damaged copy: its own load
        logger.debug("loading py3langid's model itself: %s: %s", type(exc).__name__, exc)
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


# py3langid ships its model as an LZMA-compressed .npz: decompressing it was 0.6 s of CPU,
# most of a one-off check of English text. The .npz it holds (about 50 MB) is kept in the
# user cache, named by the sha256 of the compressed file, and read from there (zip CRCs
# catch a damaged copy; any failure falls back to py3langid's own load).
_MODEL_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _unpacked(source: Path) -> Path:
    import hashlib
    import lzma
    import shutil

    from maskscreen.classifier.usercache import cache_dir, replace_atomically

    def unpack(out) -> None:
        with lzma.open(source) as stream:
            shutil.copyfileobj(stream, out, length=1 << 20)

    key = hashlib.sha256(source.read_bytes()).hexdigest()
    path = cache_dir("langid", f"{key}.npz")
    if not path.is_file():
        replace_atomically(path, unpack)
    return path


def preload() -> None:
    """Start loading the identifier in the background (once per process)."""
    global _loader
    with _lock:
        if _identifier is None and _loader is None:
            _loader = threading.Thread(target=_background_load, name="langid-load", daemon=True)
            _loader.start()


def _background_load() -> None:
    global _identifier
    try:
        identifier = _load()
    except Exception:  # reported again, and raised, by the first identify() that needs it
        logger.exception("cannot load the language identifier")
        return
    with _lock:
        if _identifier is None:
            _identifier = identifier


def _get_identifier():
    global _identifier
    loader = _loader
    if _identifier is None and loader is not None:
        loader.join()
    with _lock:
        if _identifier is None:
            _identifier = _load()
        return _identifier


def by_script(text: str) -> str | None:
    """The language the script alone decides (ja, ko, zh), else None."""
    if text.isascii() or not _DECIDING_SCRIPT.search(text):
        return None
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _CJK_RUN.search(text):
        letters = sum(map(len, _LETTER_RUN.findall(text)))
        if letters and sum(map(len, _CJK_RUN.findall(text))) * 3 >= letters:
            return "zh"
    return None


def _letters(text: str) -> int:
    """How many letters (characters of _LETTER_RUN) `text` holds: for ASCII text, the bytes
    left when all others are deleted, without a regular expression."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_NOT_LETTERS))
    return sum(map(len, _LETTER_RUN.findall(text)))


def needs_identifier(text: str) -> bool:
    """Whether `identify` loads py3langid's model for this (normalised) text: not when its
    script decides the language or it has no letters."""
    sample = text[:SAMPLE_CHARS]
    return by_script(sample) is None and _LETTER_RUN.search(sample) is not None


def identify(texts: Sequence[str]) -> list[str]:
    """An ISO 639-1 code per text ("und" for text with no letters)."""
    out: list[str] = [UNDETERMINED] * len(texts)
    pending: list[tuple[int, str, int]] = []
    for index, text in enumerate(texts):
        sample = text[:SAMPLE_CHARS]
        language = by_script(sample)
        if language is not None:
            out[index] = language
            continue
        letters = _letters(sample)
        if letters:  # (needs_identifier)
            pending.append((index, sample, letters))
    if pending:
        identifier = _get_identifier()
        guesses = classify_batch(identifier, [sample for _, sample, _ in pending])
        for (index, sample, letters), guess in zip(pending, guesses, strict=True):
            out[index] = _decide(identifier, sample, letters, guess)
    return out


def classify_batch(identifier, samples: list[str]) -> list[tuple[str, float]]:
    """`identifier.classify(sample)` for every sample, the same results, with the byte-by-byte
    walk of py3langid's automaton done for the whole batch at once in numpy (the walk was
    most of the cost of identifying a listing). Falls back to one call a sample when the
    identifier is not laid out as this module knows (another py3langid)."""
    try:
        walk = _walker(identifier)
    except (AttributeError, TypeError, ValueError):
        return [identifier.classify(sample) for sample in samples]
    encoded = [identifier._encode(sample) for sample in samples]
    walked = walk(encoded)
    table, rows = _float32_rows(identifier.nb_ptc, [features for features, _ in walked])
    # Only the product is made a text at a time (its summation order is the library's);
    # LanguageIdentifier._decide with norm_probs, then classify, is elementwise or a
    # reduction along one row, so it is done for the batch's rows at once.
    scores = np.zeros((len(samples), len(identifier.nb_classes)), dtype=np.float32)
    for row, (features, counts), at in zip(scores, walked, rows, strict=True):
        if len(features):
            row[:] = np.log1p(counts) @ table[at] + identifier.nb_pc
    # each factor rounded to float32 as `scores *= 1.0 / sqrt(n)` rounds it
    scale = [1.0 / math.sqrt(len(data) or 1) for data in encoded]
    scores *= np.array(scale, dtype=np.float32)[:, None]
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    for i, j in identifier._alias_pairs:
        scores[:, i] += scores[:, j]
        scores[:, j] = 0.0
    best = scores.argmax(axis=1)
    confidence = scores[np.arange(len(samples)), best].tolist()
    classes = identifier.nb_classes
    return [(classes[b], c) for b, c in zip(best.tolist(), confidence, strict=True)]


def _float32_rows(ptc: np.ndarray, features: list[np.ndarray]):
    """The rows of py3langid's table that a batch reads, as float32, and where each text's
    features are among them.

    The table is float16; the product with float32 counts converts the rows it reads to
    float32 first (exactly: every float16 is a float32) and then multiplies in float32.
    Converting the rows the batch needs once, not once a text, gives each product the same
    float32 matrix: the products of a batch of corpus listings took 48-60 µs a text, now
    20-34 with the conversion. (A float32 copy of the whole table, 57 MB, was as fast
    for this step but slowed the steps around it.) The rows needed, in order, and where
    each feature is among them: np.unique with return_inverse, or for a batch that meets a
    good part of the table, the same from a mark per row of it, without the sort (3.3 µs a
    listing of the corpus in batches of 1,000, now 1; marking all 100,000 rows for a few
    texts would cost more than it saves)."""
    lengths = [len(each) for each in features]
    met = np.concatenate([*features, np.zeros(0, dtype=np.intp)])
    if len(met) * MARK_RATIO < len(ptc):
        needed, where = np.unique(met, return_inverse=True)
    else:
        needs = np.zeros(len(ptc), dtype=bool)
        needs[met] = True
        needed = np.flatnonzero(needs)
        where = (np.cumsum(needs, dtype=np.intp) - 1)[met]  # each one's place in `needed`
    rows = np.split(where.ravel().astype(np.intp), np.cumsum(lengths)[:-1])
    return ptc[needed].astype(np.float32), rows


MARK_RATIO = 8  # features met x this below the table's rows: np.unique (see _float32_rows)


_WALKERS: dict[int, object] = {}


def _walker(identifier):
    key = id(identifier)
    if key not in _WALKERS:
        _WALKERS[key] = _BatchWalk(identifier)
    return _WALKERS[key]


# Below this many texts the lockstep walk costs more than walking each text in Python:
# a step costs a few numpy calls whatever the batch (identifying one corpus text took
# 0.8-1.1 ms, 0.3-0.4 ms with its walk in Python); at 1,000 texts it is 17 us a text.
SMALL_BATCH = 16
# Texts x features of a batch whose keys (text, feature), one uint32 each, could overflow
# (`_BatchWalk`, over 42,000 texts): such a batch is walked in halves.
PACK_LIMIT = 2**32


class _BatchWalk:
    """py3langid's `visit_counts` for many byte strings in lockstep: per text, the features
    met, in the order first met (so the scores add up in the library's order), and counts."""

    def __init__(self, identifier):
        moves = identifier.tk_nextmove
        self.moves = np.frombuffer(moves, dtype=np.dtype(moves.typecode))
        self.rowbase = np.asarray(identifier._rowbase, dtype=np.int64)
        self.output = np.asarray(identifier.tk_output, dtype=np.int64)
        self.labels = int(self.output.max(initial=-1)) + 1  # features are 0 .. labels - 1
        self.library = (moves, identifier._rowbase, identifier.tk_output)

    def __call__(self, encoded: list[bytes]) -> list[tuple[np.ndarray, np.ndarray]]:
        n = len(encoded)
        if n < SMALL_BATCH:
            return [self.one(data) for data in encoded]
        lengths = np.array([len(data) for data in encoded], dtype=np.int64)
        if n * self.labels >= PACK_LIMIT:
            # (a huge batch) each text's walk is its own: halves give the same features
            half = n // 2
            return self(encoded[:half]) + self(encoded[half:])
        width = int(lengths.max(initial=0))
        letters = np.zeros((n, max(width, 1)), dtype=np.int64)
        for row, data in enumerate(encoded):
            letters[row, : len(data)] = np.frombuffer(data, dtype=np.uint8)
        # longest first: at each step the texts still being read are a prefix of `order`,
        # so each step reads slices (a byte of every live text at once), not scattered rows
        order = np.argsort(-lengths, kind="stable")
        live_count = (lengths[order][None, :] > np.arange(width)[:, None]).sum(axis=1)
        columns = np.ascontiguousarray(letters[order].T)
        # Each step only moves every live text on by one byte; which states emit a feature
        # is looked up for all steps at once afterwards (a third of the work a step did).
        state = np.zeros(n, dtype=np.int64)
        visited = np.zeros((width, n), dtype=np.int64)
        moves, rowbase = self.moves, self.rowbase
        for step in range(width):
            k = live_count[step]
            state[:k] = moves[rowbase[state[:k]] + columns[step, :k]]
            visited[step, :k] = state[:k]
        live = np.arange(n)[:, None] < live_count[None, :]
        emitted = np.where(live, self.output[visited.T], -1)  # a row a text (in `order`)
        column, step = np.nonzero(emitted >= 0)  # text by text, each in reading order
        feature = emitted[column, step]
        met = len(feature)
        # The first meeting of each (text, feature), and how often: one stable sort of the
        # pairs (uint32 keys, two linear passes); the firsts in meeting order by marks.
        keys = column.astype(np.uint32) * np.uint32(self.labels) + feature.astype(np.uint32)
        by_key = stable_order(keys)
        keys = keys[by_key]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if met else by_key
        firsts = np.zeros(met, dtype=bool)
        firsts[by_key[starts]] = True
        count_of = np.zeros(met, dtype=np.float32)
        count_of[by_key[starts]] = np.diff(np.r_[starts, met])
        first = np.flatnonzero(firsts)
        features, counts = feature[first].astype(np.intp), count_of[first]
        cuts = np.searchsorted(column[first], np.arange(1, n)).tolist()  # each text's run
        out: list = [None] * n
        for at, a, b in zip(order.tolist(), [0, *cuts], [*cuts, len(first)], strict=True):
            out[at] = (features[a:b], counts[a:b])
        return out

    def one(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """One text walked as py3langid's visit_counts walks it (a dict keeps the order
        in which features were first met): the same features and counts as a batch."""
        moves, rowbase, output = self.library
        state, met = 0, {}
        for letter in data:
            state = moves[rowbase[state] + letter]
            feature = output[state]
            if feature >= 0:
                met[feature] = met.get(feature, 0) + 1
        features = np.fromiter(met, dtype=np.intp, count=len(met))
        return features, np.fromiter(met.values(), dtype=np.float32, count=len(met))


def stable_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` of uint32 keys: two stable passes on their 16-bit
    halves (a radix sort, linear), a third of the time of an int64 sort of 60,000 keys."""
    if len(keys) < RADIX_MIN:
        return np.argsort(keys, kind="stable")
    return radix_order(keys)


RADIX_MIN = 1 << 10  # fewer keys: one argsort is as fast


def _decide(identifier, sample: str, letters: int, guess: tuple[str, float]) -> str:
    best, confidence = guess
    best = ALIASES.get(best, best)
    if best in SUPPORTED:
        return best
    if letters < MIN_LETTERS_UNSUPPORTED or confidence < MIN_CONFIDENCE_UNSUPPORTED:
        # too little text to trust an uncovered language: the likeliest covered one
        ranked = (ALIASES.get(lang, lang) for lang, _ in identifier.rank(sample))
        return next(language for language in ranked if language in SUPPORTED)
    return best


def supported(language: str) -> bool:
    """Whether the model covers a language (text with no letters counts as covered:
    there is nothing in it to read in another language)."""
    return language in SUPPORTED or language == UNDETERMINED
