"""Speed work must not change a verdict: fixed verdicts of the shipped model, and the
fast paths checked against the plain computations they stand in for."""

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.model import load_model, script_of
from maskscreen.classifier.normalize import normalize

# Verdicts (labels, scores, signals, reasons) of a sample of the corpus, disguised
# spellings and mutated listings, made before the speed work. After retraining, make
# them again with the new model: python -m tests.classifier.test_verdicts_unchanged
VERDICTS = Path(__file__).parent / "data" / "verdicts.jsonl"


def remake() -> None:
    """Record the shipped model's verdicts for the same inputs."""
    model = load_model()
    rows = [json.loads(line) for line in VERDICTS.read_text("utf-8").splitlines()]
    verdicts = model.predict([row["input"] for row in rows])
    lines = [json.dumps({"input": row["input"], "verdict": v.to_dict()}, ensure_ascii=False,
                        sort_keys=True)
             for row, v in zip(rows, verdicts, strict=True)]  # fmt: skip
    VERDICTS.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_verdicts_are_those_recorded_for_the_shipped_model(model):
    rows = [json.loads(line) for line in VERDICTS.read_text("utf-8").splitlines()]
    assert rows[0]["verdict"]["model_version"] == model.version, (
        f"{VERDICTS.name} records another model: python -m tests.classifier.test_verdicts_unchanged"
    )
    items = [row["input"] for row in rows]
    expected = [row["verdict"] for row in rows]
    assert [v.to_dict() for v in model.predict(items)] == expected
    assert [model.predict([item])[0].to_dict() for item in items[::7]] == expected[::7]


def _mutated(rng, texts, alphabet, count):
    out = []
    for _ in range(count):
        chars = list(rng.choice(texts))
        for _ in range(rng.randint(1, 8)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(alphabet))
        out.append("".join(chars))
    return out


# What normalize() used before its rules were rewritten for speed.
_SPACED_LETTERS_AS_WRITTEN = re.compile(
    r"(?<![^\W\d_])(?:[a-z][ \*\-_\.·•~|]){3,}[a-z](?![^\W\d_])"
)


def test_fast_rules_of_normalize_match_the_plain_ones():
    from maskscreen.classifier import normalize as n

    rng = random.Random(0)
    alphabet = list("ab z01$!@ -*|.·_\n\t\u3000\u00a0\u200b硅胶矽膠аó")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20))) for _ in range(20000)]
    for text in texts:
        assert n._SPACED_LETTERS.sub(n._unspace, text) == _SPACED_LETTERS_AS_WRITTEN.sub(
            n._unspace, text
        )
        if n._LEET_IN_WORD.search(text):
            assert n._HAS_LEET.search(text)
        assert " ".join(text.split()) == re.sub(r"\s+", " ", text).strip()


def test_script_of_counts_as_one_character_at_a_time():
    def plain(text):
        letters = len(re.findall(r"[^\W\d_]", text))
        return (
            "zh" if letters and len(re.findall(r"[\u3400-\u9fff]", text)) * 3 >= letters else "en"
        )

    rng = random.Random(1)
    alphabet = list("ab1 _-硅胶面具\u4dc0ó")
    texts = [e.text for e in load_corpus()[::5]]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    assert [script_of(t) for t in texts] == [plain(t) for t in texts]


def test_signals_are_the_same_with_rare_character_patterns_left_out():
    from maskscreen.classifier.signals import SignalMatcher, default_matcher

    fast = default_matcher()
    plain = SignalMatcher(
        fast.version,
        fast._patterns,
        fast._negation,
        disclaimers=fast._disclaimers,
        contexts=fast._contexts,
    )  # no sources: no variants
    rng = random.Random(2)
    texts = [normalize(e.text) for e in load_corpus()[::4]]
    texts += _mutated(
        rng, texts, list("@:+/#：") + [" wx: ab12", " me@x.com", " +44 7700 900123"], 3000
    )
    assert [fast.find(t) for t in texts] == [plain.find(t) for t in texts]


def test_chinese_words_are_the_same_cut_piece_by_piece():
    from maskscreen.classifier.features import _blank_pipeline, _chinese_words, _token_strings

    nlp = _blank_pipeline("zh")
    rng = random.Random(3)
    texts = [normalize(e.text) for e in load_corpus() if e.language != "en"][::6]
    texts += _mutated(rng, texts, list(" 1a.#，"), 300)
    assert _chinese_words(texts) == [_token_strings(nlp(t)) for t in texts]


def test_char_ngram_hashes_are_those_of_their_own_text():
    from maskscreen.classifier.ngrams import _POWERS, _codepoints, _mix, char_wb_ngrams

    texts = [normalize(e.text) for e in load_corpus()[:40]] + ["", "a", "硅胶 x"]
    ngrams = char_wb_ngrams(texts, (1, 4))
    for k in range(0, len(ngrams.hash), 7):
        codes = _codepoints(ngrams.joined[ngrams.start[k] : ngrams.end[k]])
        expected = _mix(
            np.array([(codes * _POWERS[: len(codes)]).sum()], dtype=np.uint64), len(codes)
        )
        assert ngrams.hash[k] == expected[0]
    for i, text in enumerate(texts):
        alone = char_wb_ngrams([text], (1, 4))
        np.testing.assert_array_equal(np.sort(ngrams.hash[ngrams.doc == i]), np.sort(alone.hash))
    quick = char_wb_ngrams(texts, (1, 4), positions=False)
    np.testing.assert_array_equal(quick.hash, ngrams.hash)
    np.testing.assert_array_equal(quick.doc, ngrams.doc)


if __name__ == "__main__":
    remake()
