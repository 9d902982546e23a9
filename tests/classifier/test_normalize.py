import pytest

from classifier.normalize import listing_text, normalize


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
