"""The batched language identification and the quoting of phrases give, on the whole
training material and the behavioural cases, what their plain paths give: py3langid's
own guess a text (then the same decision), and find_original as written before its fast
paths (test_speed_spans.plain_find_original)."""

import functools

from maskscreen.classifier import language, spans
from maskscreen.classifier.behaviour import generate
from maskscreen.classifier.model import load_model
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.tokens import token_texts
from maskscreen.classifier.train import training_material
from tests.classifier.test_speed_spans import plain_find_original


@functools.cache
def _originals() -> list[str]:
    texts = [e.text for e in training_material()]
    return texts + [text for case in generate() for text in case.texts]


def test_identify_decides_as_py3langid_text_by_text():
    identifier = language._get_identifier()
    texts = [normalize(text) for text in _originals()]
    found = []
    for start in range(0, len(texts), 1000):  # batches as `maskscreen classify` makes them
        found += language.identify(texts[start : start + 1000])
    decided = 0
    for text, got in zip(texts, found, strict=True):
        sample = text[: language.SAMPLE_CHARS]
        if language.by_script(sample) is not None:
            assert got == language.by_script(sample)
            continue
        letters = sum(map(len, language._LETTER_RUN.findall(sample)))
        expected = (
            language._decide(identifier, sample, letters, identifier.classify(sample))
            if letters
            else language.UNDETERMINED
        )
        assert got == expected, text
        decided += 1
    assert decided > len(texts) // 3  # most through py3langid, not the script
    assert len(set(found)) > 5


def test_quotes_are_those_of_the_plain_search():
    originals = _originals()
    normalized = [normalize(text) for text in originals]
    words = token_texts(normalized)
    concepts, signals = load_model().runtime.concepts.matchers()
    cases = []
    for original, norm, tokens in zip(originals, normalized, words, strict=True):
        split = tokens.split()
        phrases = set(split[:8]) | {" ".join(split[i : i + 2]) for i in range(0, len(split), 5)}
        phrases |= {m.text for m in concepts.find(norm)} | {m.text for m in signals.find(norm)}
        cases += [(original, phrase) for phrase in sorted(phrases)]
    got = [spans.find_original(original, phrase) for original, phrase in cases]
    want = [plain_find_original(original, phrase) for original, phrase in cases]
    assert got == want
    assert sum(quote is not None for quote in got) > len(got) // 2
