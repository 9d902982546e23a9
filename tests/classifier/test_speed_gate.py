"""The gates of signal matching written as a trie of the pieces' literal prefixes
(signals.gate) start their first match where the plain alternation of the same patterns
does: on the whole training material, the behavioural cases and mutated texts, and for
hand-made pattern sets (any pattern file, not only today's). What find() finds with them:
test_speed_matching (the corpus, grounded records, behavioural cases, mutated texts)."""

import functools
import json
import random
import re

import pytest

from maskscreen.classifier import signals
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher, read_patterns
from maskscreen.classifier.train import training_material
from tests.classifier.test_verdicts_unchanged import _mutated


@functools.cache
def _texts() -> list[str]:
    texts = [e.text for e in training_material()]
    texts += [text for case in generate() for text in case.texts]
    texts = [normalize(text) for text in texts]
    rng = random.Random(31)
    alphabet = [*"@+-.:/#：0123 abesz_é硅胶面具ыか가", " wx: ab12", " me@x.com", " +44 7700 900123"]
    alphabet += [" fool ", " 3d ", " face ", " not ", "定制", "不会", " 1:1 ", " qq:"]
    texts += _mutated(rng, texts, alphabet, 4000)
    return texts


def _first(pattern: re.Pattern[str], text: str) -> int | None:
    found = pattern.search(text)
    return found.start() if found else None


def _kept_sets(matcher: SignalMatcher) -> list[list[str]]:
    """The pattern lists the matcher's gates are made of: each script group's patterns,
    those that need a rare character (see _needs_of) and those that need none."""
    sets = []
    for group in dict.fromkeys(key[1] for key in matcher._keys):
        keys = [key for key in matcher._keys if key[1] == group]
        matcher._rare_of(tuple(keys))
        for need_rare in (False, True):
            kept = [
                source
                for key in keys
                for source, need in zip(matcher._sources[key], matcher._needs[key][1], strict=True)
                if bool(need) == need_rare
            ]
            if kept:
                sets.append(kept)
    return sets


def test_each_gate_starts_where_the_plain_alternation_first_matches():
    matcher = SignalMatcher.from_text(read_patterns())
    texts = _texts()
    sets = _kept_sets(matcher)
    assert len(sets) >= 3  # Latin, Chinese, and the rare-character patterns at least
    for kept in sets:
        source = signals.gate(kept)
        assert source is not None
        fast = re.compile(source)
        plain = re.compile("|".join(f"(?:{p})" for p in kept))
        starts = [_first(fast, text) for text in texts]
        assert starts == [_first(plain, text) for text in texts]
        assert sum(start is not None for start in starts) > 100  # gates that do open


HAND_MADE = [
    # a shared \b (hoisted), prefixes of one another, optional parts, a class first
    [r"\bfool(?:s|ed)? (?:the )?camera", r"\bfoo\b", r"\bface ?id", r"\bfa(?:ce|ke)s?\b"]
    + [rf"\b{w}" for w in ("alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta")]
    + [r"\b\d+ (?:clear )?photos\b", r"\+\d{2,3}[ -]?\d{3}", r"[\w.+-]+@[\w-]+\.[a-z]{2,}"],
    # tests that differ: few of each (none put in front), look-behinds, a literal run
    [r"(?<![\d])1[3-9]\d{4}", r"\bins\b", r"(?<!x)ab+c", r"abc", r"a(?=b)", r"q[:：]\w{2,}"],
    # Chinese: no test at all
    ["上传(?:照片|相片)", "上街", "不会(?:被)?发现", "一比一(?:复刻|还原)", "v信", "vx"],
]


@pytest.mark.parametrize("patterns", HAND_MADE)
def test_hand_made_gates_start_where_the_plain_alternation_first_matches(patterns):
    source = signals.gate(patterns)
    assert source is not None
    fast = re.compile(source)
    plain = re.compile("|".join(f"(?:{p})" for p in patterns))
    rng = random.Random(32)
    pieces = [*"abcfoqxz0123+-@.: _", "fool", "face", "camera", "the ", " 4 photos", "eta"]
    pieces += ["上传", "照片", "不会", "被", "发现", "一比一", "vx", "v信", "街", ".com", "theta"]
    pieces += [" ins ", "abbc", "135", "q:"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(6000)]
    starts = [_first(fast, text) for text in texts]
    assert starts == [_first(plain, text) for text in texts]
    assert sum(start is not None for start in starts) > 500


def test_a_pattern_dispatch_cannot_spread_makes_no_trie():
    # a back-reference: dispatch does not rewrite it, nor does the gate
    assert signals.gate([r"\bab", r"(a)\1"]) is None
    matcher = SignalMatcher.from_text(
        json.dumps(
            {
                "version": "t",
                "signals": {
                    "made_to_order": {"en": [r"\bcustom\b", r"(o)\1ps"]},
                    "evasion_claim": {},
                    "off_platform_contact": {},
                },
            }
        )
    )
    assert [m.text for m in matcher.find("custom oops")] == ["custom", "oops"]


def test_a_gate_that_does_not_compile_falls_back_to_dispatchs_rewrite(monkeypatch):
    monkeypatch.setattr(signals, "_gate_text", lambda patterns: "(unclosed")
    fast = SignalMatcher.from_text(read_patterns())
    plain = SignalMatcher(
        fast.version,
        fast._patterns,
        fast._negation,
        disclaimers=fast._disclaimers,
        contexts=fast._contexts,
    )
    texts = _texts()[::5]
    assert [fast.find(text) for text in texts] == [plain.find(text) for text in texts]
    gates = [part for gate in fast._gates.values() if gate for part in gate]
    assert gates and all(gate.pattern != "(unclosed" for gate in gates)


def _first_of_parts(parts: list[re.Pattern[str]], text: str) -> int | None:
    starts = [found.start() for part in parts if (found := part.search(text))]
    return min(starts) if starts else None


def test_the_gates_searched_part_by_part_start_where_the_plain_alternation_does():
    # what find() searches: each part on its own (signals._compiled_gate), the earliest
    # first match; the Chinese set's look-behind test is shared by enough pieces to be
    # put in front, and its class-first pieces make a part of their own
    matcher = SignalMatcher.from_text(read_patterns())
    texts = _texts()
    split = 0
    for kept in [*_kept_sets(matcher), *HAND_MADE]:
        parts = signals._compiled_gate(kept)
        assert parts
        split += len(parts) > 1
        plain = re.compile("|".join(f"(?:{p})" for p in kept))
        starts = [_first_of_parts(parts, text) for text in texts]
        assert starts == [_first(plain, text) for text in texts]
        assert sum(start is not None for start in starts) > 50
    assert split >= 2


def test_a_trie_of_many_first_characters_in_groups_starts_where_the_plain_alternation_does():
    firsts = [chr(c) for c in range(0x4E00, 0x4E00 + 3 * signals.MIN_BUCKETED)]
    patterns = [f"{a}{b}(?:x|yy)?" for a, b in zip(firsts, firsts[1:] + firsts[:1], strict=True)]
    patterns += ["一丁丂", "(?<!z)一x", "[0-9]号"]
    source = signals.gate(patterns)
    assert source is not None and source.startswith("(?=[")  # the groups behind a look
    fast = re.compile(source)
    plain = re.compile("|".join(f"(?:{p})" for p in patterns))
    rng = random.Random(33)
    pieces = [*firsts[:20], *firsts[-20:], "x", "yy", "z", "1号", " "]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) for _ in range(4000)]
    starts = [_first(fast, text) for text in texts]
    assert starts == [_first(plain, text) for text in texts]
    assert sum(start is not None for start in starts) > 500
