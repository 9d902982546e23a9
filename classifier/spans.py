"""Map words found in normalised text back to the listing's own words.

Normalisation changes lengths (spaced-out letters collapse, separators
between Chinese characters vanish), so offsets cannot be carried over
directly. Instead the original text is cut into chunks (a Latin word or a
run of Chinese characters, with the separators sellers put inside them), each
chunk is normalised on its own, and a phrase is found in the normalised
chunks; the reviewer sees the original characters those chunks cover.
"""

from __future__ import annotations

import re

from classifier.normalize import normalize

# A chunk: letters/digits possibly broken by the separators sellers insert,
# or a run of CJK characters possibly broken by spaces and symbols.
_CHUNK = re.compile(
    r"(?:[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff](?:[\s\*\-_·•~|]{0,2}[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])*)"
    r"|(?:[^\W_](?:[\*·•~|@$\-]?[^\W_])*)"
)


_DROPPED = set(" \t\r\n*-_·•~|")


def _char_map(raw: str, norm: str, offset: int) -> list[tuple[int, int]]:
    """Original (start, end) for each character of `norm`, the chunk's normal form.

    Where normalisation maps character to character (Chinese, full-width,
    homoglyphs, separators dropped) each normalised character points at its
    own original character; otherwise every one points at the whole chunk.
    """
    kept = [(i, normalize(ch)) for i, ch in enumerate(raw) if ch not in _DROPPED]
    if all(len(n) == 1 for _, n in kept) and len(kept) == len(norm):
        return [(offset + i, offset + i + 1) for i, _ in kept]
    return [(offset, offset + len(raw))] * len(norm)


def _aligned(original: str) -> tuple[str, list[tuple[int, int] | None]]:
    """Normalised chunks joined by spaces, and each character's original span."""
    text: list[str] = []
    spans: list[tuple[int, int] | None] = []
    for match in _CHUNK.finditer(original):
        norm = normalize(match.group(0))
        if not norm:
            continue
        if text:
            text.append(" ")
            spans.append(None)
        text.append(norm)
        spans.extend(_char_map(match.group(0), norm, match.start()))
    return "".join(text), spans


def find_original(original: str, phrase: str) -> str | None:
    """The stretch of `original` whose normalised form holds `phrase`, if any.

    `phrase` is normalised text: a token, a token pair, a pattern match.
    """
    phrase = phrase.strip()
    if not phrase or not original:
        return None
    joined, spans = _aligned(original)
    at = joined.find(phrase)
    length = len(phrase)
    if at < 0:  # the phrase spans a separator the tokenizer did not keep
        squeezed = [(ch, span) for ch, span in zip(joined, spans) if span is not None]
        at = "".join(ch for ch, _ in squeezed).find(phrase.replace(" ", ""))
        if at < 0:
            return None
        covered = [span for _, span in squeezed[at : at + len(phrase.replace(" ", ""))]]
    else:
        covered = [span for span in spans[at : at + length] if span is not None]
    if not covered:
        return None
    return original[min(s for s, _ in covered) : max(e for _, e in covered)]
