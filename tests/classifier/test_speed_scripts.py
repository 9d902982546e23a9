"""Script tests with a shortcut give what the plain steps give, on the corpus, the grounded
records, mutated texts and edge cases: language.by_script's one search before its three
(text in none of their scripts), the letters of ASCII text counted without a regular
expression, and signals.groups_of's one search before those for kana, Hangul and
Cyrillic."""

import random
import re

import pytest

from maskscreen.classifier import language, signals
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import load_grounded
from maskscreen.classifier.normalize import normalize
from tests.classifier.test_verdicts_unchanged import _mutated

_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")

EDGE = [
    "",
    " ",
    "_",
    "a",
    "A_b-C 12 d",
    "silicone mask 100%",
    "\x00\x7f~`",
    "ｶﾀｶﾅ",  # half-width katakana: in none of the scripts
    "\u3000\u303f",
    "\u33ff\u3400",
    "\u9fff\ua000",
    "\u1100\u11ff\u3130\u318f\uac00\ud7af",
    "\u303f\u3040\u30ff\u3100",
    "realistic 硅胶 mask mask mask",
    "realistic 硅胶面具",
    "Маска реалистичная",
    "máscara realista",
    "маска 硅胶 mask",
    "かお 가면 маска",
    "\u04ff\u0500\u03ff\u0400",
    "x" * 300,
    "é" * 300,
]


def plain_by_script(text: str):
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _CJK_RUN.search(text):
        letters = sum(map(len, _LETTER_RUN.findall(text)))
        if letters and sum(map(len, _CJK_RUN.findall(text))) * 3 >= letters:
            return "zh"
    return None


def _texts() -> list[str]:
    texts = [normalize(e.text) for e in [*load_corpus(), *load_grounded()]]
    texts += [e.text for e in load_corpus()]  # not normalised: upper case, full width
    rng = random.Random(8)
    alphabet = [*"aZ _1é", "か", "カ", "가", "ᄀ", "硅", "㐀", "ш", "\u3000", "ｶ", "\u00ad"]
    texts += _mutated(rng, texts, alphabet, 4000)
    return EDGE + texts


def test_by_script_and_letters_are_the_plain_ones():
    texts = _texts()
    samples = [text[: language.SAMPLE_CHARS] for text in texts]
    for text in texts + samples:
        assert language.by_script(text) == plain_by_script(text), text
        assert language._letters(text) == sum(map(len, _LETTER_RUN.findall(text))), text
    decided = [language.by_script(sample) for sample in samples]
    assert {"ja", "ko", "zh", None} <= set(decided)  # every outcome is exercised


@pytest.mark.parametrize("text", EDGE)
def test_edge_cases(text):
    assert language.by_script(text) == plain_by_script(text)
    assert language._letters(text) == sum(map(len, _LETTER_RUN.findall(text)))


def test_every_ascii_letter_is_counted_and_nothing_else():
    for code in range(128):
        char = chr(code)
        assert language._letters(char) == len(_LETTER_RUN.findall(char))


def plain_groups_of(normalized: str) -> set[str]:
    if normalized.isascii():
        return {"latin"} if re.search(r"[a-z0-9+@]", normalized) else set()
    groups = set()
    if re.search(r"[\u3400-\u9fff]", normalized):
        groups.add("zh")
    if re.search(r"[\u3040-\u30ff]", normalized):
        groups |= {"ja", "zh"}
    if re.search(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]", normalized):
        groups.add("ko")
    if re.search(r"[\u0400-\u04ff]", normalized):
        groups.add("ru")
    if re.search(r"[a-z0-9+@]", normalized):
        groups.add("latin")
    return groups


def test_script_groups_are_the_plain_ones():
    texts = _texts()
    found = [signals.groups_of(text) for text in texts]
    assert found == [plain_groups_of(text) for text in texts]
    assert {"ja", "ko", "ru", "zh", "latin"} <= set().union(*found)
