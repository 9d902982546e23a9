"""Text normalisation applied before any feature or pattern sees a listing.

Sellers hide words from keyword filters: full-width letters (ｓｉｌｉｃｏｎｅ),
zero-width characters, separators inside words (s i l i c o n e, 硅 胶, 人*皮),
look-alike characters (m@sk, Cyrillic о), and traditional characters (矽膠頭套).
`normalize` folds all of these onto one plain spelling so that features and
signal patterns only need to know that spelling.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

# Characters that render as nothing and only serve to split a word.
# fmt: off
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u034f\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"),
    None,
)

# Cyrillic and Greek letters that look like Latin ones, folded only inside
# words that also contain Latin letters (a Russian listing stays Russian).
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y",
        "і": "i", "ј": "j", "ѕ": "s", "к": "k", "м": "m", "т": "t", "в": "b",
        "н": "h", "α": "a", "ο": "o", "ε": "e", "ι": "i", "κ": "k", "ν": "v",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
    }
)
# fmt: on
# Symbols standing in for letters inside a Latin word: m@sk, s1licone, $ilicone.
_LEET = {"@": "a", "0": "o", "1": "i", "3": "e", "$": "s", "!": "i"}

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SEPARATORS = r"\s\*\-_\.·•~|/\\^#+=,，、。"
# 硅 胶 / 人*皮 / 真-人: separators between two CJK characters.
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[{_SEPARATORS}]+(?=[{_CJK}])")
# s i l i c o n e / m-a-s-k: four or more single letters joined by one separator.
# (Written letter first, the look-behind after it, so the engine skips to candidate letters.)
_SPACED_LETTERS = re.compile(r"[a-z](?<![^\W\d_][a-z])(?:[ \*\-_\.·•~|][a-z]){3,}(?![^\W\d_])")
# sili*cone / fa|ce: an odd symbol between two letters.
_SYMBOL_IN_WORD = re.compile(r"(?<=[a-z])[\*·•~|_^]+(?=[a-z])")
# ("@" before a domain is an e-mail address, not a letter.)
_LEET_IN_WORD = re.compile(
    r"(?<=[a-z])(?:[013$!]|@(?![a-z0-9-]+\.[a-z]{2,}))+(?=[a-z])|\B[@$](?=[a-z]{2})"
)
# What every match of _SPACED_LETTERS holds (its second and third letters, each between two
# separators): a search for it, with no look-behind tried at each letter, is a third of the
# cost of the substitution, which only a text holding it needs.
_MAY_BE_SPACED = re.compile(r"[ \*\-_\.·•~|][a-z][ \*\-_\.·•~|][a-z][ \*\-_\.·•~|]")
_MIXED_WORD = re.compile(r"\w*[a-z]\w*")
# Cheap tests that tell when a rule cannot change the text, so it is skipped.
_HAS_HOMOGLYPH = re.compile("[" + "".join(chr(c) for c in _HOMOGLYPHS) + "]")
_HAS_SYMBOL = re.compile(r"[\*·•~|_^]")
_HAS_INVISIBLE = re.compile("[" + "".join(map(chr, _INVISIBLE)) + "]")
# a leet character after a letter, or any @ or $ (what _LEET_IN_WORD needs to match)
_HAS_LEET = re.compile(r"[013!@$](?:(?<=[a-z][013!@$])|(?<=[@$]))")


@functools.lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[int, str]:
    """Character table from OpenCC's dictionary plus our own phrase fixes."""
    table: dict[int, str] = {}
    source = resources.files("opencc").joinpath("dictionary/TSCharacters.txt")
    for line in source.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1:
            table[ord(parts[0])] = parts[1]
    return table


@functools.lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    return frozenset(map(chr, _traditional_to_simplified()))


@functools.lru_cache(maxsize=1)
def _traditional_bmp() -> re.Pattern[str]:
    """A search for the characters of the traditional table in the Basic Multilingual Plane
    (runs of code points as ranges): one class, looked up in a bitmap, scanned in C. (A
    class that holds any character beyond it is a list of ranges tried one by one.)"""
    from maskscreen.classifier import regexes  # (numpy: only where a text needs it)

    runs: list[list[int]] = []
    for code in sorted(ord(char) for char in _traditional_chars() if char <= "\uffff"):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return regexes.compile(
        "["
        + "".join(
            re.escape(chr(low)) + ("-" + re.escape(chr(high)) if high > low else "")
            for low, high in runs
        )
        + "]"
    )


_BEYOND_BMP = re.compile("[\U00010000-\U0010ffff]")


def _has_traditional(text: str) -> bool:
    """`not _traditional_chars().isdisjoint(text)`, which hashed every character of the
    text (3.0 µs a corpus listing; this: a search in C, and the set only for a text with
    a character beyond the Basic Multilingual Plane, rare)."""
    return _traditional_bmp().search(text) is not None or (
        _BEYOND_BMP.search(text) is not None and not _traditional_chars().isdisjoint(text)
    )


# Regional words that a character table cannot turn into the mainland word.
_REGIONAL_WORDS = {"矽胶": "硅胶", "矽利康": "硅胶"}
_REGIONAL = re.compile("|".join(map(re.escape, _REGIONAL_WORDS)))


def _unspace(match: re.Match[str]) -> str:
    return re.sub(r"[^a-z]", "", match.group(0))


def _fold_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if not word.isascii():
        word = word.translate(_HOMOGLYPHS)
    return word


def _unleet(match: re.Match[str]) -> str:
    return "".join(_LEET.get(ch, ch) for ch in match.group(0))


# Control characters (NUL above all: the n-gram code marks words and texts off with it)
# and lone surrogates are no text: each becomes a space, once, at the boundary.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


# The full-width punctuation of Chinese text, each with its NFKC form (the ASCII character).
_FULL_WIDTH_PUNCTUATION = tuple((chr(0xFF00 + ord(c) - 0x20), c) for c in ",:()!~;?")


def _nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), the same string. Chinese listings are NFKC but
    for their full-width punctuation (the comma above all), so normalize spent 4.7 µs a
    non-ASCII corpus listing recomposing all of it; the punctuation is replaced first
    (a scan in C each) and the text, then NFKC most often, is only checked. Replacing a
    character by its full compatibility decomposition leaves the text's decomposition
    as it was, so its NFKC form too (tests/classifier/test_speed_normalize_nfkc.py)."""
    for wide, narrow in _FULL_WIDTH_PUNCTUATION:
        text = text.replace(wide, narrow)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def normalize(text: str | None) -> str:
    """Fold `text` onto one plain spelling: NFKC, case, Chinese script, disguises."""
    if not text:
        return ""
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    if text.isascii():  # NFKC, invisible characters, Chinese and look-alikes: nothing to do
        text = text.lower()
    else:
        text = _nfkc(text)
        if _HAS_INVISIBLE.search(text):
            text = text.translate(_INVISIBLE)
        text = text.casefold()
        if _has_traditional(text):  # rare, and translate is slow
            text = text.translate(_traditional_to_simplified())
        text = _REGIONAL.sub(lambda m: _REGIONAL_WORDS[m.group(0)], text)
        if _HAS_HOMOGLYPH.search(text):
            text = _MIXED_WORD.sub(_fold_word, text)
        text = _CJK_GAP.sub("", text)
    if _MAY_BE_SPACED.search(text):
        text = _SPACED_LETTERS.sub(_unspace, text)
    if _HAS_SYMBOL.search(text):
        text = _SYMBOL_IN_WORD.sub("", text)
    if _HAS_LEET.search(text):
        text = _LEET_IN_WORD.sub(_unleet, text)
    return " ".join(text.split())  # runs of whitespace as one space, none at the ends


@functools.lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character's normal form, without the context-dependent rules."""
    folded = unicodedata.normalize("NFKC", ch).translate(_INVISIBLE).casefold()
    return folded.translate(_traditional_to_simplified()).translate(_HOMOGLYPHS)


def listing_text(title: str | None, description: str | None = None, *extra: str | None) -> str:
    """The text the classifier reads for one listing: title first, then the rest."""
    parts = [part.strip() for part in (title, description, *extra) if part and part.strip()]
    return "\n".join(parts)
