"""normalize's NFKC with the full-width punctuation replaced first is NFKC itself."""

import random
import unicodedata

from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.normalize import _FULL_WIDTH_PUNCTUATION, _nfkc


def test_each_replacement_is_the_characters_full_decomposition():
    for wide, narrow in _FULL_WIDTH_PUNCTUATION:
        assert unicodedata.normalize("NFKD", wide) == narrow == unicodedata.normalize("NFKC", wide)
        assert narrow.isascii() and not wide.isascii()


def test_nfkc_of_disguised_and_corpus_text_is_unicodedatas():
    rng = random.Random(7)
    # full-width punctuation before combining marks (the replaced text is then not NFKC),
    # full-width letters, compatibility forms, Hangul jamo, CJK and plain text
    alphabet = list(
        "，：（）！～；？,:a e\u0301\u0308\u0327\u3099ｶﾞＡｓ①½ﬁ…\u3000硅胶가\u1100\u1161é"
    )
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(30000)]
    texts += [e.text for e in load_corpus()]
    for text in texts:
        assert _nfkc(text) == unicodedata.normalize("NFKC", text)
    assert any(_nfkc(t) != t for t in texts) and any("，\u0301" in t for t in texts)
