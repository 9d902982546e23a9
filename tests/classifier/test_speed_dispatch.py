"""First-character dispatch (classifier/dispatch.py) matches what the plain alternation
matches, span for span, and the text it writes for each piece is the piece's own."""

import json
import random
import re
from re import _compiler, _parser

import pytest

from maskscreen.classifier import dispatch
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher, grouped, read_patterns


def _plain(patterns):
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _spans(pattern, text):
    return [(m.span(), m.group(0)) for m in pattern.finditer(text)]


def _texts():
    rng = random.Random(4)
    texts = [normalize(e.text) for e in load_corpus()[::3]]
    alphabet = list("@+-.:/#：0123 abz硅胶面具") + [" wx: ab12", " me@x.com", " +44 7700 900123"]
    for _ in range(1500):
        chars = list(rng.choice(texts))
        for _ in range(rng.randint(1, 6)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(alphabet))
        texts.append("".join(chars))
    return texts


GROUPS = grouped(json.loads(read_patterns()))


def test_written_text_compiles_to_the_code_of_the_pattern():
    checked = 0
    for patterns in GROUPS.values():
        for pattern in patterns:
            parsed = _parser.parse(pattern)
            again = _parser.parse(dispatch.text(parsed.data))
            assert _compiler._code(again, 0) == _compiler._code(parsed, 0), pattern
            checked += 1
    assert checked > 300


def test_every_signal_alternation_is_dispatched_and_matches_as_the_plain_one():
    texts = _texts()
    everything = [p for patterns in GROUPS.values() for p in patterns]
    for key, patterns in [*GROUPS.items(), (("all", "all"), everything)]:
        source = dispatch.dispatched(patterns)
        assert source is not None, key
        fast, plain = re.compile(source), _plain(patterns)
        assert [_spans(fast, t) for t in texts] == [_spans(plain, t) for t in texts], key


def test_dispatched_alternation_starts_with_a_set_of_first_characters():
    # what lets the engine skip positions in a tight loop (the INFO block's charset)
    source = dispatch.dispatched(GROUPS[("evasion_claim", "zh")])
    parsed = _parser.parse(source)
    assert _compiler._get_charset_prefix(parsed, parsed.state.flags)


@pytest.mark.parametrize(
    ("patterns", "texts"),
    [
        ([r"\b(?:fool|fools)s? (?:the )?cam", r"\bfoo"], ["fools the cam", "foo", "afool cam"]),
        ([r"ab??c|a", r"(?:x|xy){1,3}z"], ["abc ac a", "xyxz xxxz xyxyxyz xz"]),
        ([r"a{2,3}b", r"a+?c", r"(a)(?:b)"], ["aaab aab ab ac aaac", "abab"]),
        ([r"(?<![a-z])ab", r"(?<=x)ab", r"\Bab", r"(?=abc)a"], ["ab xab yab abc", "zab"]),
        (
            [r"\d+ photos", r"2 pics", r"[\w.+-]+@[\w-]+\.[a-z]{2,}"],
            ["2 photos 2 pics", "a.b@c.de"],
        ),
        ([r"[0-3] x", r"\bx[a-c]", r"[\d\s]y"], ["1 x 2 y xb 9 x", " y9y"]),
        ([r"硅胶(?:面具|头套)?", r"(?:真人|人皮)面具"], ["硅胶面具 真人面具 硅胶", "人皮面"]),
    ],
)
def test_hand_made_alternations_match_as_the_plain_ones(patterns, texts):
    source = dispatch.dispatched(patterns)
    assert source is not None
    rng = random.Random(5)
    texts = texts + [
        "".join(rng.choice("abcxyz 0129@.硅胶面具") for _ in range(30)) for _ in range(300)
    ]
    fast, plain = re.compile(source), _plain(patterns)
    for text in texts:
        assert _spans(fast, text) == _spans(plain, text), text


@pytest.mark.parametrize(
    "patterns",
    [
        [r"(a)\1"],  # a back-reference
        [r"(?i)abc"],  # flags
        [r"a(?i:b)"],
        [r"a?"],  # can match nothing: no first character
        [r"\bab", r".x"],  # any character first
        [r"[^a]b"],  # a negated class first
        [r"(?>ab)c"],  # atomic group
    ],
)
def test_what_is_not_rewritten(patterns):
    assert dispatch.dispatched(patterns) is None


def test_signal_matcher_finds_what_the_plain_patterns_find():
    fast = SignalMatcher.from_text(read_patterns())
    plain = SignalMatcher(
        fast.version,
        {k: _plain(p) for k, p in GROUPS.items()},
        fast._negation,
        disclaimers=fast._disclaimers,
        contexts=fast._contexts,
    )
    texts = _texts()
    assert [fast.find(t) for t in texts] == [plain.find(t) for t in texts]
    assert sum(bool(fast.find(t)) for t in texts) > 100  # matches there are, not only misses


def test_written_expressions_are_kept_and_a_damaged_one_is_written_again(tmp_path, monkeypatch):
    from maskscreen.classifier import regexes

    monkeypatch.setattr(regexes, "_cache_dir", lambda: tmp_path)
    made = []

    def make():
        made.append(1)
        return "x(?<=\\bx)y|z"

    assert regexes.derived("code 1", ("\\bxy", "z"), make) == "x(?<=\\bx)y|z"
    assert regexes.derived("code 1", ("\\bxy", "z"), make) == "x(?<=\\bx)y|z"
    assert len(made) == 1
    (kept,) = tmp_path.glob("derived/*.json")
    kept.write_text(kept.read_text().replace("|z", "|w"))  # altered: its digest fails
    assert regexes.derived("code 1", ("\\bxy", "z"), make) == "x(?<=\\bx)y|z"
    assert len(made) == 2
    assert regexes.derived("code 2", ("\\bxy", "z"), make) and len(made) == 3  # other code
    kept.write_bytes(b"\xff not json")
    assert regexes.derived("code 1", ("\\bxy", "z"), make) == "x(?<=\\bx)y|z"
