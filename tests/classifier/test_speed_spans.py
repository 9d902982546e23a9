"""The fast path of spans.find_original (the listing's lower case and separators looked at
once a listing, plain phrases remembered, the first whole-word test inline, the chunk
alignment made in one pass, the squeezed letters' ends bisected) quotes exactly what the
plain search quoted: on the words, word pairs and pattern matches of the corpus and the
behavioural cases, and on edge cases."""

import bisect
import functools
import random
import re

import pytest

from maskscreen.classifier import spans
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.tokens import token_texts

_PLAIN_PHRASE = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def _plain_aligned(original: str):
    at, norms, starts, ends, offsets = [], [], [], [], []
    position = 0
    for match in spans._CHUNK.finditer(original):
        norm, where = spans._chunk_form(match.group(0))
        if norm:
            at.append(position)
            norms.append(norm)
            starts.append(match.start())
            ends.append(match.end())
            offsets.append(where)
            position += len(norm) + 1
    return spans._Alignment(" ".join(norms), at, norms, starts, ends, offsets)


def _plain_whole_chunks(original: str, start: int, end: int) -> bool:
    if not any(ch in original for ch in spans._GLUE_DROPPED):
        return True
    while start > 0 and (original[start - 1].isalnum() or original[start - 1] in spans._GLUE):
        start -= 1
    while end < len(original) and (original[end].isalnum() or original[end] in spans._GLUE):
        end += 1
    return not any(ch in spans._GLUE_DROPPED for ch in original[start:end])


def _plain_find_word(text: str, phrase: str) -> int:
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (at == 0 or not text[at - 1].isalnum()) and (
            end == len(text) or not text[end].isalnum()
        ):
            return at
        at = text.find(phrase, at + 1)
    return -1


def plain_find_original(original: str, phrase: str):
    """find_original as it was before the fast path (the same steps, nothing remembered)."""
    phrase = phrase.strip()
    if not phrase or not original:
        return None
    lowered = original.lower()
    if len(lowered) == len(original):
        plain = _PLAIN_PHRASE.fullmatch(phrase)
        at = _plain_find_word(lowered, phrase) if plain else lowered.find(phrase)
        if at >= 0 and _plain_whole_chunks(original, at, at + len(phrase)):
            return original[at : at + len(phrase)]
        squeezed = phrase.replace(" ", "")
        at = lowered.find(squeezed)
        if at >= 0 and _plain_whole_chunks(original, at, at + len(squeezed)):
            return original[at : at + len(squeezed)]
    alignment = _plain_aligned(original)
    joined = alignment.joined
    plain = _PLAIN_PHRASE.fullmatch(phrase)
    at = _plain_find_word(joined, phrase) if plain else joined.find(phrase)
    if at < 0:
        squeezed = phrase.replace(" ", "")
        positions = [
            (k, i)
            for k, norm in enumerate(alignment.norm)
            for i in range(len(norm))
            if norm[i] != " "
        ]
        letters = "".join(alignment.norm[k][i] for k, i in positions)
        at = letters.find(squeezed)
        if at < 0:
            return None
        (first, i), (last, j) = positions[at], positions[at + len(squeezed) - 1]
    else:
        end = at + len(phrase) - 1
        first = bisect.bisect_right(alignment.at, at) - 1
        last = bisect.bisect_right(alignment.at, end) - 1
        i, j = (
            at - alignment.at[first],
            min(end - alignment.at[last], len(alignment.norm[last]) - 1),
        )
    return original[alignment.original_start(first, i) : alignment.original_end(last, j)]


EDGE = [
    ("", "mask"),
    ("Silicone mask", ""),
    ("Silicone mask", "   "),
    ("İstanbul silicone MASK", "mask"),  # lowering changes the length: through the chunks
    ("ｓｉｌｉｃｏｎｅ ｍａｓｋ", "silicone mask"),
    ("s i l i c o n e mask", "silicone"),
    ("3-5 photos, full-head, m@sk", "5 photos"),
    ("3-5 photos, full-head, m@sk", "head"),
    ("3-5 photos, full-head, m@sk", "mask"),
    ("Custom-fit face copy", "fit"),
    ("custom fit, customfit", "custom fit"),
    ("超逼真 硅 胶 面具 realistic硅胶", "硅胶"),
    ("真人面具 真人 面具", "真人 面具"),
    ("矽膠頭套 人頭", "硅胶"),
    ("face id unlock, FaceID", "face id"),
    ("masks mask maskmask", "mask"),
    ("maskmask", "mask"),
    ("mask*mask ~mask~ |mask|", "mask"),
    ("Маска mask маска", "маска"),
    ("ĲSSEL mask", "ij"),
]


@functools.cache
def _cases() -> list[tuple[str, str]]:
    examples = load_corpus()
    originals = [e.text for e in examples]
    originals += [text for case in generate() for text in case.texts]  # behavioural
    normalized = [normalize(text) for text in originals]
    words = token_texts(normalized)
    rng = random.Random(13)
    matchers = load_model().runtime.concepts.matchers()
    cases = list(EDGE)
    for original, norm, tokens in zip(originals, normalized, words, strict=True):
        split = tokens.split()
        phrases = set(rng.sample(split, min(6, len(split))))
        phrases |= {" ".join(split[i : i + 2]) for i in range(0, max(len(split) - 1, 0), 7)}
        phrases |= {m.text for m in matchers[0].find(norm)} | {
            m.text for m in matchers[1].find(norm)
        }
        cases += [(original, phrase) for phrase in sorted(phrases)]
    long = " ".join(originals[:200])[:5_000]
    cases += [(long, phrase) for _, phrase in cases[: len(EDGE) + 300]]
    return cases


def test_fast_path_quotes_what_the_plain_search_quoted():
    cases = _cases()
    assert len(cases) > 10_000
    got = [spans.find_original(original, phrase) for original, phrase in cases]
    want = [plain_find_original(original, phrase) for original, phrase in cases]
    differ = [(c, g, w) for c, g, w in zip(cases, got, want, strict=True) if g != w]
    assert not differ, differ[:5]
    assert sum(g is None for g in got) < len(got) // 2  # most phrases are found


@pytest.mark.parametrize(("original", "phrase"), EDGE)
def test_edge_cases(original, phrase):
    assert spans.find_original(original, phrase) == plain_find_original(original, phrase)
