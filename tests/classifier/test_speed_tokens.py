"""The words found without spaCy (tokens._plain_piece, tokens._plain_chinese) are spaCy's
own: on the corpus in every language, concept-abstracted text, disguised and mutated
spellings, emoji, zero-width characters, mixed scripts and every special case."""

import functools
import random
import subprocess
import sys

import pytest

from maskscreen.classifier import tokens
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.normalize import normalize
from tests.classifier.test_verdicts_unchanged import _mutated


@pytest.fixture(scope="module")
def facts():
    found = tokens.spacy_facts()
    assert found is not None
    return found


@functools.cache
def _plain_pipeline(language: str):
    return tokens._blank_pipeline(language)  # spaCy's own, every lexical attribute kept


def _spacy_words(text: str, language: str) -> list[str]:
    return tokens._token_strings(_plain_pipeline(language)(text))


@functools.cache
def _samples() -> list[str]:
    rng = random.Random(13)
    texts = [normalize(e.text) for e in load_corpus()]
    # what the word n-grams of the shipped model are made of: texts with concept marks
    from maskscreen.classifier.model import load_model

    runtime = load_model(preload_language=False).runtime
    texts += [e.text.lower() for e in load_corpus()[::5]]  # zero-width, emoji, full-width...
    spec = runtime.concepts
    concepts, _ = spec.matchers()
    from maskscreen.classifier.concepts import abstract

    texts += [abstract(t, concepts.find(t), concepts.concepts, spec.keep) for t in texts[::2]]
    alphabet = list("aeimnrst019#(),.!?:;'-/$@&*\u200b\u3000 硅胶面具一十百万〇🎭😀é") + ["\ue001"]
    texts += _mutated(rng, texts, alphabet, 4000)
    return texts


def _pieces(facts) -> list[str]:
    """Every shape the fast path accepts, around special cases, number words and
    random letters and digits."""
    rng = random.Random(14)
    cores = sorted(facts.special) + sorted(facts.numbers) + ["a", "i", "x", "0", "12", "2024"]
    cores += [
        "".join(rng.choice("abcdemnorst") for _ in range(rng.randint(1, 7))) for _ in range(3000)
    ]
    cores += [str(rng.randint(0, 10 ** rng.randint(1, 9))) for _ in range(500)]
    out = []
    for core in cores:
        for before in ("", "#", "("):
            for after in ("", *",.!?:;)"):
                out.append(before + core + after)
    return out


def test_english_pieces_without_spacy_are_spacys(facts):
    pieces = _pieces(facts) + [p for t in _samples() for p in t.split()]
    checked = 0
    for piece in dict.fromkeys(pieces):
        plain = tokens._plain_piece(piece, facts)
        if plain is not None:
            assert list(plain) == _spacy_words(piece, "en"), piece
            checked += 1
    assert checked > 10_000  # the fast path is taken, not only refused


def test_chinese_words_without_spacy_are_spacys(facts):
    from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, NORM

    getters = _plain_pipeline("zh").vocab.lex_attr_getters

    def spacy_word(word):
        if getters[IS_SPACE](word) or getters[IS_PUNCT](word):
            return None
        return tokens.NUMBER_TOKEN if getters[LIKE_NUM](word) else getters[NORM](word)

    words = {
        w for t in _samples() for piece in t.split(" ") for w in tokens._segmenter().cut(piece)
    }
    words |= {"一", "十一", "三百", "万", "〇", "拾壹", "卅", "皕", "一百万", "十分", "面具"}
    checked = 0
    for word in sorted(words):
        plain = tokens._plain_chinese(word, facts)
        if plain is not None:
            assert plain == spacy_word(word), word
            checked += 1
    assert checked > 1000


def test_whole_texts_give_spacys_words(facts):
    texts = _samples()[::4]
    tokens._PIECES.clear()
    tokens._ZH_PIECES.clear()
    tokens._ZH_WORDS.clear()
    expected = [_spacy_words(t, "zh" if tokens._HAS_CJK.search(t) else "en") for t in texts]
    for text, want, words in zip(texts, expected, tokens.tokenize(texts), strict=True):
        assert words == want, text


def test_facts_are_those_of_the_installed_spacy(facts):
    assert facts == tokens.facts_from_spacy()
    assert "cannot" in facts.special and "one" in facts.numbers and "十" in facts.numerals
    assert "the" in facts.stop_words and "的" in facts.stop_words


def test_facts_survive_a_damaged_cache_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    tokens.spacy_facts.cache_clear()
    try:
        first = tokens.spacy_facts()
        (written,) = tmp_path.rglob("*.json")
        written.write_bytes(b'{"special": [')
        tokens.spacy_facts.cache_clear()
        assert tokens.spacy_facts() == first  # read from spaCy again, and rewritten
        tokens.spacy_facts.cache_clear()
        assert tokens.SpacyFacts.load(written.read_bytes()) == first
    finally:
        tokens.spacy_facts.cache_clear()


def test_check_of_plain_text_does_not_import_spacy():
    code = (
        "import sys\n"
        "from maskscreen.cli.main import main\n"
        "sys.argv = ['maskscreen', 'check', '--text', 'Realistic silicone old man mask, full head']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, 'spacy' in sys.modules)\n"
    )
    run = [sys.executable, "-c", code]
    subprocess.run(run, check=False, capture_output=True, timeout=300)  # facts cached
    result = subprocess.run(run, check=False, capture_output=True, text=True, timeout=300)
    assert result.stdout.split()[-2:] == ["1", "False"]
