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

import bisect
import functools
import itertools
import operator
import re
from dataclasses import dataclass

from maskscreen.classifier.normalize import fold_char, normalize

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


@functools.lru_cache(maxsize=1 << 15)
def _chunk_form(raw: str) -> tuple[str, tuple[int, ...] | None]:
    """A chunk's normal form, and where in the chunk each normal character comes from:
    None where they line up one to one, () where normalisation changed too much to say.
    (Cached: listings share most of their words.)"""
    if _PLAIN_WORD.fullmatch(raw):  # most English words: nothing to fold but case
        return raw.lower(), None
    if _HYPHENATED.fullmatch(raw):  # "full-head": normalize() only lowers it; "-" is dropped
        return raw.lower(), ()
    norm = normalize(raw)
    kept = [(i, fold_char(ch)) for i, ch in enumerate(raw) if ch not in _DROPPED]
    if len(kept) == len(norm) and all(len(n) == 1 for _, n in kept):
        return norm, None if len(kept) == len(raw) else tuple(i for i, _ in kept)
    return norm, ()


@dataclass(frozen=True, slots=True)
class _Alignment:
    """The normalised chunks of a text joined by single spaces, and where each came from."""

    joined: str
    at: list[int]  # where each chunk's normal form begins in `joined`
    norm: list[str]
    start: list[int]  # the chunk in the original text
    end: list[int]
    offsets: list[tuple[int, ...] | None]  # see _chunk_form

    def chunk_at(self, position: int) -> int:
        """The chunk whose normal form holds (or, at a space, precedes) `position` of `joined`."""
        return bisect.bisect_right(self.at, position) - 1

    def original_start(self, chunk: int, i: int) -> int:
        """Original offset of normal character i of `chunk` (or of the chunk, if unknown)."""
        offsets = self.offsets[chunk]
        if offsets is None:
            return self.start[chunk] + i
        return self.start[chunk] + offsets[i] if offsets else self.start[chunk]

    def original_end(self, chunk: int, i: int) -> int:
        offsets = self.offsets[chunk]
        if offsets is None:
            return self.start[chunk] + i + 1
        return self.start[chunk] + offsets[i] + 1 if offsets else self.end[chunk]


_GROUP, _START, _END = re.Match.group, re.Match.start, re.Match.end
_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)
_PLUS_ONE = (1).__add__


@functools.lru_cache(maxsize=256)
def _aligned(original: str) -> _Alignment:
    # the lists made by map over the chunks (a loop in C), not by a comprehension: a listing
    # that needs the alignment has about thirty chunks
    chunks = list(_CHUNK.finditer(original))
    forms = list(map(_chunk_form, map(_GROUP, chunks)))
    norms = list(map(_FIRST, forms))
    if not all(norms):  # a chunk with no normal form (rare): left out
        chunks = list(itertools.compress(chunks, norms))
        forms = list(itertools.compress(forms, norms))
        norms = list(filter(None, norms))
    return _Alignment(
        " ".join(norms),
        list(itertools.accumulate(map(_PLUS_ONE, map(len, norms[:-1])), initial=0))
        if norms
        else [],
        norms,
        list(map(_START, chunks)),
        list(map(_END, chunks)),
        list(map(_SECOND, forms)),
    )


@functools.lru_cache(maxsize=64)
def _squeezed(original: str) -> tuple[str, list[int]]:
    """The normal characters of all chunks without spaces, and how many of them the chunks
    up to each one hold (where each character comes from is asked of `_letter_at`, for
    the two ends of a phrase: a list of (chunk, index) for every character was most of
    the cost of quoting a listing that needs it)."""
    norms = _aligned(original).norm
    return "".join(norms).replace(" ", ""), list(
        itertools.accumulate(len(norm) - norm.count(" ") for norm in norms)
    )


def _letter_at(norms: list[str], ends: list[int], at: int) -> tuple[int, int]:
    """(chunk, index in its normal form) of character `at` of `_squeezed`'s letters."""
    chunk = bisect.bisect_right(ends, at)
    i = at - (ends[chunk - 1] if chunk else 0)
    norm = norms[chunk]
    if " " in norm:  # the i-th of its characters that is not a space
        i = [k for k, ch in enumerate(norm) if ch != " "][i]
    return chunk, i


_GLUE = "*·•~|@$-"  # what a chunk may hold between two letters (see _CHUNK)
_GLUE_DROPPED = set(_GLUE) & _DROPPED
# the same tests as one search each ([^\W_] is what str.isalnum accepts)
_GLUED_RUN = re.compile(f"(?:[^\\W_]|[{re.escape(_GLUE)}])*")
_GLUE_DROPPED_CHAR = re.compile(f"[{re.escape(''.join(sorted(_GLUE_DROPPED)))}]")


def _whole_chunks(original: str, start: int, end: int) -> bool:
    """The stretch found directly is what the chunk mapping below would give: its chunks
    hold no dropped separator (there the mapping quotes the whole chunk, "3-5 photos").
    Asked only of a listing that holds such a separator somewhere (`_listing`)."""
    while start > 0 and (original[start - 1].isalnum() or original[start - 1] in _GLUE):
        start -= 1
    end = _GLUED_RUN.match(original, end).end()
    return _GLUE_DROPPED_CHAR.search(original, start, end) is None


@functools.lru_cache(maxsize=64)
def _listing(original: str) -> tuple[str | None, bool]:
    """Once a listing, not once a phrase: its lower case (None where lowering changes its
    length: offsets in it are not the listing's), and whether it holds a separator that
    the chunk mapping drops (only then is `_whole_chunks` asked)."""
    lowered = original.lower()
    return (
        lowered if len(lowered) == len(original) else None,
        _GLUE_DROPPED_CHAR.search(original) is not None,
    )


_LAST_LISTING: tuple[str | None, tuple[str | None, bool]] = (None, (None, False))


def _last_listing(original: str) -> tuple[str | None, bool]:
    """`_listing(original)`, kept as the last listing's (one test of identity for its next
    phrase, where the cache hashes its arguments)."""
    global _LAST_LISTING
    found = _listing(original)
    _LAST_LISTING = (original, found)
    return found


# phrase -> whether it is plain words (_PLAIN_PHRASE): the reasons quote the same words often
_PLAIN_OF: dict[str, bool] = {}
_PLAIN_LIMIT = 50_000


def _is_plain(phrase: str) -> bool:
    plain = _PLAIN_OF.get(phrase)
    if plain is None:
        if len(_PLAIN_OF) >= _PLAIN_LIMIT:
            _PLAIN_OF.clear()
        plain = _PLAIN_OF[phrase] = _PLAIN_PHRASE.fullmatch(phrase) is not None
    return plain


def _find_word(text: str, phrase: str, at: int = 0) -> int:
    """Where `phrase` stands as whole words in `text` (not inside a longer word), looking
    from `at` on, or -1."""
    at = text.find(phrase, at)
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
    plain = _PLAIN_OF.get(phrase)  # (_is_plain, its look-up inline: several a listing)
    if plain is None:
        plain = _is_plain(phrase)
    # Most phrases stand in the listing as written, give or take case: no need to
    # normalise the listing chunk by chunk to find them.
    last = _LAST_LISTING  # the phrases of one listing are quoted one after another
    lowered, glue = last[1] if last[0] is original else _last_listing(original)
    if lowered is not None:
        at = lowered.find(phrase)
        if plain and at >= 0:  # a whole word there, or the next (_find_word, inline)
            end = at + len(phrase)
            if (at and lowered[at - 1].isalnum()) or (
                end < len(lowered) and lowered[end].isalnum()
            ):
                at = _find_word(lowered, phrase, at + 1)
        if at >= 0 and (not glue or _whole_chunks(original, at, at + len(phrase))):
            return original[at : at + len(phrase)]
        # two words the listing writes as one ("硅胶 面具" / "硅胶面具"), as below
        squeezed = phrase.replace(" ", "")
        at = lowered.find(squeezed)
        if at >= 0 and (not glue or _whole_chunks(original, at, at + len(squeezed))):
            return original[at : at + len(squeezed)]
    alignment = _aligned(original)
    joined = alignment.joined
    at = _find_word(joined, phrase) if plain else joined.find(phrase)
    if at < 0:
        # The phrase joins words the text separates differently ("face id" / "faceid").
        squeezed = phrase.replace(" ", "")
        letters, ends = _squeezed(original)
        at = letters.find(squeezed)
        if at < 0:
            return None
        first, i = _letter_at(alignment.norm, ends, at)
        last, j = _letter_at(alignment.norm, ends, at + len(squeezed) - 1)
    else:
        end = at + len(phrase) - 1
        first, last = alignment.chunk_at(at), alignment.chunk_at(end)
        i, j = (
            at - alignment.at[first],
            min(end - alignment.at[last], len(alignment.norm[last]) - 1),
        )
    return original[alignment.original_start(first, i) : alignment.original_end(last, j)]
