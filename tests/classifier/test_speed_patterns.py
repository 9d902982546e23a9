"""Start-up work on the patterns must not change a match: the factored concept trie, signal
alternations compiled on first need, and compiled code kept between runs, each held to
the plain computation it stands in for."""

import json
import random
import re

import numpy as np
import pytest

from maskscreen.classifier import concepts, regexes
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher, _alternation, grouped, read_patterns


def _plain_trie_pattern(node: dict) -> str:
    """The trie as it was compiled before: every word with its own ending."""
    branches = []
    for ch in sorted(k for k in node if k):
        step = r"\w*" if ch == concepts._ANY else re.escape(ch)
        branches.append(step + _plain_trie_pattern(node[ch]))
    branches += sorted(node.get("", ()))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _plain_compile(words, bounded):
    if not words:
        return None
    firsts = "".join(sorted({re.escape(body[0]) for body, _ in words}))
    lead = concepts._NOT_LETTER_BEFORE if bounded else ""
    return re.compile(f"{lead}(?=[{firsts}]){_plain_trie_pattern(concepts._trie(words))}")


def _texts(words: list[str], count: int) -> list[str]:
    """The corpus, and words of the lexicon run together with what may or may not end them."""
    texts = [normalize(e.text) for e in load_corpus()]
    rng = random.Random(5)
    glue = ["", " ", "s", "es", "x", "ы", "硅", "_", "é", "-", "1", "가"]
    for _ in range(count):
        parts = [rng.choice(words) + rng.choice(glue) for _ in range(rng.randint(1, 6))]
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("part", ["bounded", "free", "cjk"])
def test_factored_trie_matches_as_the_plain_trie(part):
    matcher = concepts.ConceptMatcher.from_data(concepts.read_lexicon(), "all")
    words = matcher._words[part]
    factored, plain = matcher.compiled(part), _plain_compile(words, part == "bounded")
    if part == "bounded":  # the point of it: the class once per run of words, not per word
        ending = concepts._NOT_LETTER_AFTER
        assert factored.pattern.count(ending) < plain.pattern.count(ending) / 2
    texts = _texts([body.replace(concepts._ANY, "ab") for body, _ in words], 3000)
    found = [[m.span() for m in factored.finditer(t)] for t in texts]
    assert found == [[m.span() for m in plain.finditer(t)] for t in texts]
    assert sum(map(len, found)) > len(texts) // 2


def test_factored_trie_keeps_the_order_of_words_and_endings():
    words = [("mask", concepts._WORD_END["latin"]), ("mas", ""), ("masks", ""), ("mab", "")]
    words += [("ma\x00k", concepts._WORD_END["other"]), ("mx", concepts._WORD_END["other"])]
    texts = ["masks", "maskes", "maskx", "mask硅", "mas", "mab", "mabx", "maxxk", "mx", "mxa"]
    texts += ["a mask", "masksmask", "maskesы", "mx mxy mx"]
    factored = concepts._compile(words, bounded=True)
    plain = _plain_compile(words, bounded=True)
    for text in texts:
        assert [m.span() for m in factored.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text


def test_signal_alternations_are_compiled_for_the_scripts_a_text_needs():
    matcher = SignalMatcher.from_text(read_patterns())
    assert not matcher._compiled  # nothing compiled at load
    assert matcher.find(normalize("按照片定制 真人面具 可过人脸识别"))
    languages = {language for key, _ in matcher._variants for language in key[1:]}
    assert languages == {"zh"}
    plain = {
        key: re.compile("|".join(f"(?:{p})" for p in patterns))
        for key, patterns in grouped(json.loads(read_patterns())).items()
    }
    reference = SignalMatcher(
        matcher.version,
        plain,
        matcher._negation,
        disclaimers=matcher._disclaimers,
        contexts=matcher._contexts,
    )
    texts = [normalize(e.text) for e in load_corpus()[::2]]
    assert [matcher.find(t) for t in texts] == [reference.find(t) for t in texts]


def test_a_broken_signal_pattern_is_refused_at_load_not_at_first_use():
    from maskscreen.classifier.signals import PatternFileError

    data = json.loads(read_patterns())
    data["signals"]["made_to_order"]["ru"] = ["(unclosed"]
    with pytest.raises(PatternFileError, match="cannot load signal patterns"):
        SignalMatcher.from_text(json.dumps(data))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setattr(regexes, "_cache_dir", lambda: tmp_path)
    return tmp_path


def _long_pattern() -> str:
    patterns = json.loads(read_patterns())["signals"]["evasion_claim"]["en"]
    pattern = _alternation(patterns)
    assert len(pattern) >= regexes.MIN_CACHED_LENGTH
    return pattern


def test_cached_code_is_the_code_re_compiles(cache):
    pattern = _long_pattern()
    first = regexes.compile(pattern)
    (kept,) = cache.glob("*.npz")
    again = regexes.compile(pattern)  # read from the file
    assert first == re.compile(pattern) and again == re.compile(pattern)  # == compares code
    text = normalize("Realistic mask, nobody will know, fools face recognition")
    assert [m.span() for m in again.finditer(text)] == [
        m.span() for m in re.finditer(pattern, text)
    ]
    assert [m.span() for m in again.finditer(text)]
    assert kept.is_file()


def test_altered_or_damaged_cache_files_are_compiled_again(cache, caplog):
    pattern = _long_pattern()
    regexes.compile(pattern)
    (kept,) = cache.glob("*.npz")
    with np.load(kept) as data:
        code, record = data["code"].copy(), data["record"].copy()
    code[len(code) // 2] ^= 1  # one number of the code changed: the digest no longer matches
    np.savez(kept, code=code, record=record)
    assert regexes.compile(pattern) == re.compile(pattern)
    assert "does not match" in caplog.text
    # code the engine refuses, with a digest made for it, is refused too
    meta = json.loads(record.tobytes())["meta"]
    bad = np.array([1, 2, 3], dtype=np.uint32)
    key = kept.stem
    forged = {"meta": meta, "sha256": regexes._digest(key, meta, bad)}
    np.savez(kept, code=bad, record=np.frombuffer(json.dumps(forged).encode(), dtype=np.uint8))
    caplog.clear()
    assert regexes.compile(pattern) == re.compile(pattern)
    assert "compiling again" in caplog.text
    kept.write_bytes(b"not a zip")
    assert regexes.compile(pattern) == re.compile(pattern)


def test_a_broken_pattern_raises_re_error_as_re_compile_does(cache):
    with pytest.raises(re.error):
        regexes.compile("(" * 10 + "x" * regexes.MIN_CACHED_LENGTH)


def test_features_are_those_of_the_plain_patterns(monkeypatch):
    """The shipped model's whole feature matrix on the corpus, with the patterns compiled
    as before (the plain trie, re.compile) and as now."""
    model = load_model()
    texts = [e.text for e in load_corpus()]
    fast = model.runtime.featurize(texts)
    concepts.matchers.cache_clear()
    try:
        monkeypatch.setattr(concepts, "_trie_pattern", _plain_trie_pattern)
        monkeypatch.setattr(regexes, "compile", re.compile)
        plain = model.runtime.featurize(texts)
    finally:
        concepts.matchers.cache_clear()
    assert fast.matrix.dtype == plain.matrix.dtype
    assert (fast.matrix != plain.matrix).nnz == 0
    np.testing.assert_array_equal(fast.matrix.indptr, plain.matrix.indptr)
    np.testing.assert_array_equal(fast.matrix.indices, plain.matrix.indices)
    assert fast.concepts == plain.concepts and fast.signals == plain.signals


def test_guard_from_the_parts_is_the_guard_of_the_whole_alternation():
    from maskscreen.classifier.signals import _guarded, _needs_of

    groups = grouped(json.loads(read_patterns()))
    groups[("extra", "x")] = [r"\bab", r"c+d", r"(?<!\d)1[3-9]", r"\bx|y"]
    groups[("nullable", "x")] = [r"\bab", r"a?"]
    groups[("unknown", "x")] = [r"\bab", r"[^a]b"]
    checked = 0
    for patterns in groups.values():
        rare, needs = _needs_of(patterns)
        for drop in [set(), *({c} for c in rare), set(rare)]:
            kept = [
                p for p, need in zip(patterns, needs, strict=True) if not (need and need <= drop)
            ]
            if kept:
                whole = _alternation(kept)
                assert _guarded(whole, kept) == _guarded(whole)
                checked += _guarded(whole) != whole
    assert checked > len(groups)  # most alternations are guarded
