"""Map words found in normalised text back to the listing's own words.

Most phrases stand in the listing as written, give or take case, and are
found directly. Otherwise: normalisation changes lengths (spaced-out letters
collapse, separators between Chinese characters vanish), so offsets cannot be
carried over directly. Instead the original text is cut into chunks (a Latin word or a
run of Chinese characters, with the separators sellers put inside them), each
chunk is normalised on its own, and a phrase is found in the normalised
chunks; the reviewer sees the original characters those chunks cover.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from classifier.normalize import fold_char, normalize

# A chunk: letters/digits possibly broken by the separators sellers insert,
# or a run of CJK characters possibly broken by spaces and symbols.
_CHUNK = re.compile(
    r"(?:[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff](?:[\s\*\-_·•~|]{0,2}[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])*)"
    r"|(?:[^\W_](?:[\*·•~|@$\-]?[^\W_])*)"
)


_DROPPED = set(" \t\r\n*-_·•~|")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9]+")
_HYPHENATED = re.compile(r"[A-Za-z]{2,}(?:-[A-Za-z]{2,})+")
_PLAIN_PHRASE = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class _Chunk:
    start: int  # in the original text
    end: int
    at: int  # where its normal form begins in the joined normal text
    norm: str
    # original offset of each normalised character; None where they line up
    # one to one, () where normalisation changed too much to say
    offsets: tuple[int, ...] | None

    def original_span(self, first: int, last: int) -> tuple[int, int]:
        """Original (start, end) of normal characters first..last (inclusive, chunk-relative)."""
        if self.offsets is None:
            return self.start + first, self.start + last + 1
        if not self.offsets:
            return self.start, self.end
        return self.offsets[first], self.offsets[last] + 1


def _chunk(raw: str, start: int, at: int) -> _Chunk:
    if _PLAIN_WORD.fullmatch(raw):  # most English words: nothing to fold but case
        return _Chunk(start, start + len(raw), at, raw.lower(), None)
    if _HYPHENATED.fullmatch(raw):  # "full-head": normalize() only lowers it; "-" is dropped
        return _Chunk(start, start + len(raw), at, raw.lower(), ())
    norm = normalize(raw)
    kept = [(i, fold_char(ch)) for i, ch in enumerate(raw) if ch not in _DROPPED]
    if len(kept) == len(norm) and all(len(n) == 1 for _, n in kept):
        if len(kept) == len(raw):
            return _Chunk(start, start + len(raw), at, norm, None)
        return _Chunk(start, start + len(raw), at, norm, tuple(start + i for i, _ in kept))
    return _Chunk(start, start + len(raw), at, norm, ())


@functools.lru_cache(maxsize=256)
def _aligned(original: str) -> tuple[str, tuple[_Chunk, ...]]:
    """Normalised chunks joined by single spaces, and where each came from."""
    chunks: list[_Chunk] = []
    at = 0
    for match in _CHUNK.finditer(original):
        chunk = _chunk(match.group(0), match.start(), at)
        if chunk.norm:
            chunks.append(chunk)
            at += len(chunk.norm) + 1
    return " ".join(c.norm for c in chunks), tuple(chunks)


_GLUE = "*·•~|@$-"  # what a chunk may hold between two letters (see _CHUNK)
_GLUE_DROPPED = set(_GLUE) & _DROPPED


def _whole_chunks(original: str, start: int, end: int) -> bool:
    """The stretch found directly is what the chunk mapping below would give: its chunks
    hold no dropped separator (there the mapping quotes the whole chunk, "3-5 photos")."""
    if not _has_dropped_glue(original):
        return True
    while start > 0 and (original[start - 1].isalnum() or original[start - 1] in _GLUE):
        start -= 1
    while end < len(original) and (original[end].isalnum() or original[end] in _GLUE):
        end += 1
    return not any(ch in _GLUE_DROPPED for ch in original[start:end])


@functools.lru_cache(maxsize=64)
def _has_dropped_glue(original: str) -> bool:
    return any(ch in original for ch in _GLUE_DROPPED)


@functools.lru_cache(maxsize=64)
def _lowered(original: str) -> str:
    return original.lower()  # once a listing, not once a phrase


def _find_word(text: str, phrase: str) -> int:
    """Where `phrase` stands as whole words in `text` (not inside a longer word), or -1."""
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (at == 0 or not text[at - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            return at
        at = text.find(phrase, at + 1)
    return -1


def find_original(original: str, phrase: str) -> str | None:
    """The stretch of `original` whose normalised form holds `phrase`, if any.

    `phrase` is normalised text: a token, a token pair, a pattern match.
    """
    phrase = phrase.strip()
    if not phrase or not original:
        return None
    # Most phrases stand in the listing as written, give or take case: no need to
    # normalise the listing chunk by chunk to find them.
    lowered = _lowered(original)
    if len(lowered) == len(original):
        at = (
            _find_word(lowered, phrase) if _PLAIN_PHRASE.fullmatch(phrase) else lowered.find(phrase)
        )
        if at >= 0 and _whole_chunks(original, at, at + len(phrase)):
            return original[at : at + len(phrase)]
        # two words the listing writes as one ("硅胶 面具" / "硅胶面具"), as below
        squeezed = phrase.replace(" ", "")
        at = lowered.find(squeezed)
        if at >= 0 and _whole_chunks(original, at, at + len(squeezed)):
            return original[at : at + len(squeezed)]
    joined, chunks = _aligned(original)
    at = _find_word(joined, phrase) if _PLAIN_PHRASE.fullmatch(phrase) else joined.find(phrase)
    if at < 0:
        # The phrase joins words the text separates differently ("face id" / "faceid").
        squeezed = phrase.replace(" ", "")
        positions = [(c, i) for c in chunks for i in range(len(c.norm)) if c.norm[i] != " "]
        at = "".join(c.norm[i] for c, i in positions).find(squeezed)
        if at < 0:
            return None
        (first, i), (last, j) = positions[at], positions[at + len(squeezed) - 1]
    else:
        end = at + len(phrase) - 1
        first = next(c for c in reversed(chunks) if c.at <= at)
        last = next(c for c in reversed(chunks) if c.at <= end)
        i, j = at - first.at, min(end - last.at, len(last.norm) - 1)
    begin = first.original_span(i, i)[0]
    finish = last.original_span(j, j)[1]
    return original[begin:finish]
