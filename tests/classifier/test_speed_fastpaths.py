"""Fast paths of the prediction held to the plain code they replace, on varied
multilingual text: the search for traditional Chinese characters (normalize)."""

import random

from maskscreen.classifier import normalize as N
from maskscreen.classifier.train import training_material


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
