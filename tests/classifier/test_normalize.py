import pytest

from maskscreen.classifier.normalize import listing_text, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＳＩＬＩＣＯＮＥ Ｍａｓｋ", "silicone mask"),  # full-width
        ("s i l i c o n e mask", "silicone mask"),  # spaced-out letters
        ("m@sk re\u200balistic", "mask realistic"),  # symbol for a letter, zero-width space
        ("sili*cone fa|ce", "silicone face"),  # symbols inside words
        ("s1licone", "silicone"),
        ("Mаsk", "mask"),  # Cyrillic а inside a Latin word
        ("硅 胶 面 具", "硅胶面具"),  # spaces between Chinese characters
        ("人*皮面具", "人皮面具"),
        ("矽膠面具 真人頭套", "硅胶面具真人头套"),  # traditional and Taiwanese wording
        ("易容變裝", "易容变装"),
        ("Ｖ信：abc", "v信:abc"),
        ("N95 mask, 3.5 inch", "n95 mask, 3.5 inch"),  # digits and decimals untouched
        ("  many   spaces\n\nnewline ", "many spaces newline"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_folds_disguised_spellings(raw, expected):
    assert normalize(raw) == expected


def test_normalize_keeps_russian_words_russian():
    assert normalize("маска") == "маска"


def test_listing_text_skips_empty_parts():
    assert listing_text("Title ", None, "  ", "desc") == "Title\ndesc"


def test_tokens_from_cached_pieces_match_spacy_on_whole_texts():
    from maskscreen.classifier.features import _blank_pipeline, _token_strings, tokenize

    texts = [
        normalize(t)
        for t in [
            "Don't miss: U.S.A. made, 12.5cm, $30 (new) e-mail a@b.com :) #123",
            "realistic silicone old man's mask... full-head, 100% handmade!",
            "按照片定制 真人面具 1:1还原 加v信 abc123 三个 ２０cm",
            "硅胶面具，真人！头套 qq:12345678",
        ]
    ]
    expected = []
    for text in texts:
        language = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"
        # a pipeline with every lexical attribute getter, as spaCy makes it
        expected.append(_token_strings(_blank_pipeline(language)(text)))
    assert tokenize(texts) == expected
    assert tokenize(texts) == expected  # the second time from the cache
