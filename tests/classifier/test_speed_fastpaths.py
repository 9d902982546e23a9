"""Fast paths of the prediction held to the plain code they replace, on varied
multilingual text: the search for traditional Chinese characters (normalize), the
object-context rule of the signals asked once a signal (signals.find)."""

import random

from maskscreen.classifier import normalize as N
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.signals import SignalMatcher, read_patterns
from maskscreen.classifier.train import training_material
from tests.classifier.test_verdicts_unchanged import _mutated


def test_the_traditional_search_says_what_the_set_says_of_every_character():
    chars = N._traditional_chars()
    assert any(char > "\uffff" for char in chars)  # both halves of the search are exercised
    answers = [N._has_traditional(chr(code)) for code in range(0x110000) if code != 0]
    assert answers == [chr(code) in chars for code in range(0x110000) if code != 0]
    assert sum(answers) == len(chars)


def test_the_traditional_search_says_what_the_set_says_of_texts():
    chars = sorted(N._traditional_chars())
    rng = random.Random(7)
    texts = [e.text for e in training_material()]
    pieces = ["硅胶", "面具", "頭套", "矽膠", "abc ", "マスク", "가면", "маска", "\U00020000"]
    pieces += [rng.choice(chars) for _ in range(40)] + ["\U0002a6a5", "😀", " "]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    answers = [N._has_traditional(text) for text in texts]
    assert answers == [not N._traditional_chars().isdisjoint(text) for text in texts]
    assert 100 < sum(answers) < len(texts) - 100


def _plain_about_object(matcher: SignalMatcher, text: str, match) -> bool:
    """The object-context rule as first written: every test for every match."""
    context = matcher._contexts.get(match.signal)
    return bool(
        context is not None
        and context.object.search(text)
        and not context.mask.search(text)
        and not context.keep.search(match.text)
    )


def test_the_object_context_drops_what_the_rule_asked_of_each_match_dropped():
    matcher = SignalMatcher.from_text(read_patterns())
    assert matcher._contexts
    without = SignalMatcher.from_text(read_patterns())
    without._contexts = {}
    rng = random.Random(8)
    texts = [normalize(e.text) for e in training_material()]
    alphabet = [" wig ", " doll ", " mask ", " nobody will know ", " 假发 ", " 面具 ", " 认不出 "]
    alphabet += [" perücke ", " muñeca ", " кукла ", " маска ", " recognise you ", " ウィッグ "]
    alphabet += [" undetectable ", " 以假乱真 ", " no one can tell ", " 인형 ", " 가면 "]
    texts += [normalize(t) for t in _mutated(rng, texts, alphabet, 3000)]
    dropped = 0
    for text in texts:
        every = without.find(text)
        plain = [m for m in every if not _plain_about_object(matcher, text, m)]
        assert matcher.find(text) == plain
        dropped += len(every) - len(plain)
    assert dropped > 20
