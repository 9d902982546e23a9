"""The fast paths of concept and signal matching (a gate a script group, \\b in front of a
dispatched alternation, a trie gate, literal checks before a search, matches not sorted
again) find what the plain patterns find: on the whole corpus, the grounded records, the
behavioural cases and mutated texts, match for match."""

import functools
import random
import re

import pytest

from maskscreen.classifier import concepts, dispatch, signals
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.grounded import load_grounded
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher, read_patterns
from tests.classifier import test_speed_patterns
from tests.classifier.test_verdicts_unchanged import _mutated


@functools.cache
def _texts() -> list[str]:
    texts = [normalize(e.text) for e in [*load_corpus(), *load_grounded()]]
    texts += [normalize(text) for case in generate() for text in case.texts]  # behavioural
    rng = random.Random(21)
    alphabet = [*"@+-.:/#：0123 abesz_é硅胶面具ыか가", " wx: ab12", " me@x.com", " +44 7700 900123"]
    alphabet += [" silikon", "latex ", " custom ", "made to order", " not ", "定制", "不"]
    texts += _mutated(rng, texts, alphabet, 6000)
    texts += [a + " " + b for a, b in zip(texts[::7], texts[3::11], strict=False)]  # mixed
    return texts


@functools.cache
def _plain_trie(words: tuple, bounded: bool):
    """The trie as it was compiled before: every word with its own ending."""
    return test_speed_patterns._plain_compile(list(words), bounded)


def _plain_concepts(matcher: concepts.ConceptMatcher, text: str):
    """ConceptMatcher.find as it was: every expression of the text's scripts, written
    plainly, all matches sorted together."""
    words = {part: tuple(matcher._words[part]) for part in ("bounded", "free", "cjk")}
    found = []
    if concepts._WORD_SCRIPT.search(text):
        for rank, part in ((0, "bounded"), (1, "free")):
            pattern = _plain_trie(words[part], part == "bounded")
            if pattern is not None:
                found += [(m.start(), rank, m.end(), m.group(0)) for m in pattern.finditer(text)]
    if concepts._CJK_OR_KANA.search(text):
        pattern = _plain_trie(words["cjk"], False)
        if pattern is not None:
            found += [(m.start(), 2, m.end(), m.group(0)) for m in pattern.finditer(text)]
    out, end = [], -1
    for start, _, stop, match in sorted(found):
        if start < end or stop == start:
            continue
        concept = (
            matcher._concept_of.get(match)
            or matcher._concept_of.get(match[:-1])
            or matcher._concept_of.get(match[:-2])
            or next((c for p, c in matcher._wildcards if p.fullmatch(match)), None)
        )
        if concept is not None:
            out.append(concepts.ConceptMatch(concept, start, stop, match))
            end = stop
    return out


@pytest.mark.parametrize("split", ["train", "all"])
def test_concepts_found_are_those_of_the_plain_tries(split):
    matcher = concepts.ConceptMatcher.from_data(concepts.read_lexicon(), split)
    assert matcher._free_firsts  # the literal check before the search is taken
    texts = _texts()
    fast = [matcher.find(t) for t in texts]
    assert fast == [_plain_concepts(matcher, t) for t in texts]
    assert sum(map(len, fast)) > len(texts)  # matches there are, not only misses
    # texts with matches of two expressions at once (sorted together) are among them
    assert sum(len({m.text.isascii() for m in ms}) > 1 for ms in fast) > 100


def test_signals_found_are_those_of_the_plain_alternations():
    fast = SignalMatcher.from_text(read_patterns())
    # given whole alternations, as the file writes them: no gate, no dispatch, no variants
    plain = SignalMatcher(
        fast.version,
        fast._patterns,
        fast._negation,
        disclaimers=fast._disclaimers,
        contexts=fast._contexts,
    )
    texts = _texts()
    found = [fast.find(t) for t in texts]
    assert found == [plain.find(t) for t in texts]
    assert sum(bool(f) for f in found) > len(texts) // 5
    # both script groups matched in one text: each group's own gate, one sort
    assert sum(len({m.text.isascii() for m in f}) > 1 for f in found) > 50


@pytest.mark.parametrize(
    ("patterns", "texts"),
    [
        (
            [
                rf"\b{w}(?:s|es)?"
                for w in ["apple", "bird", "cat", "dog", "egg", "fig", "goat", "hat", "ink", "jam"]
            ]
            + [r"\+\d+", r"\bapp", r"[0-3]x", r"\bcat\w*", r"(?<![a-z])hat"],
            ["apples birds cat catalog egghat hat +44 app 2x a3x", "xcat goats jam.ink"],
        ),
        ([rf"\b{c}{c}" for c in "abcdefghij"], ["aa bb xcc dd ee ffgg hh ii jj"]),
    ],
)
def test_a_shared_word_boundary_in_front_matches_as_the_plain_alternation(patterns, texts):
    source = dispatch.dispatched(patterns)
    assert source.startswith(r"\b(?:")  # put in front: the test of this change
    plain = re.compile("|".join(f"(?:{p})" for p in patterns))
    rng = random.Random(22)
    texts = texts + [
        "".join(rng.choice("abcdefghijt +4x23_é") for _ in range(40)) for _ in range(2000)
    ]
    fast = re.compile(source)
    for text in texts:
        assert [(m.span(), m.group(0)) for m in fast.finditer(text)] == [
            (m.span(), m.group(0)) for m in plain.finditer(text)
        ], text


def test_few_branches_keep_the_first_character_skip():
    source = dispatch.dispatched([r"\bab", r"\bcd"])
    assert not source.startswith(r"\b")
    assert [m.span() for m in re.finditer(source, "ab xcd cd")] == [(0, 2), (7, 9)]


def _plain_matcher(fast: SignalMatcher) -> SignalMatcher:
    """The file's whole alternations and disclaimers as written: no gate, no dispatch."""
    plain = SignalMatcher(
        fast.version, fast._patterns, fast._negation, disclaimers=fast._disclaimers,
        contexts=fast._contexts,
    )  # fmt: skip
    plain._cue = plain._disclaimers.get  # (the disclaimers as the file writes them)
    return plain


def test_alternations_tried_only_where_the_gates_match_find_what_a_scan_finds():
    fast = SignalMatcher.from_text(read_patterns())
    plain = _plain_matcher(fast)
    texts = _texts()[::3]
    # keyword stuffing: more places than MAX_PLACES, where the alternations scan instead
    matched = [t for t in texts if plain.find(t)][:300]
    stuffed = [" ".join([t] * (signals.MAX_PLACES // 2 + 1)) for t in matched[::10]]
    found = [fast.find(t) for t in texts + stuffed]
    assert found == [plain.find(t) for t in texts + stuffed]
    # the places were used (both script groups), and the scan after too many of them
    listed = set().union(*(run[2] for run in fast._runs.values()))
    assert {"latin", "zh"} <= listed
    places = [signals._places(t, gates) for t in stuffed for _, gates in next(
        run[0] for run in fast._runs.values() if run[2]) if gates]  # fmt: skip
    assert any(len(at) > signals.MAX_PLACES for at in places)


def test_disclaimers_rewritten_find_one_where_the_files_do():
    fast = SignalMatcher.from_text(read_patterns())
    texts = _texts()[::2]
    for key, plain in fast._disclaimers.items():
        cue = fast._cue(key)
        assert cue is not plain  # rewritten by dispatch
        hits = [bool(cue.search(t)) for t in texts]
        assert hits == [bool(plain.search(t)) for t in texts]
        if key == ("evasion_claim", "latin"):
            assert sum(hits) > 10
