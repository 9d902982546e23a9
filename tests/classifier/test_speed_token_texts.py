"""token_texts joins English text's pieces without its lists of words: the same strings
as tokenize's words joined by single spaces."""

import random

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.normalize import normalize
from maskscreen.classifier.tokens import token_texts, tokenize


def test_token_texts_are_tokenizes_words_joined():
    rng = random.Random(3)
    corpus = [normalize(e.text) for e in load_corpus()]
    # pieces spaCy drops whole (punctuation, spaces), numbers, marks, mixed scripts
    alphabet = ["mask", "...", "!!", "-", "(", ")", "12", "face", "\ue001", "硅胶", "it's", "  "]
    made = [" ".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(3000)]
    texts = corpus + made + ["", " ", "... !!", "硅胶 mask"]
    joined = token_texts(texts)
    assert joined == [" ".join(words) for words in tokenize(texts)]
    assert "" in joined and any(" " in text for text in joined)
