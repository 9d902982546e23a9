import pytest

from maskscreen.classifier.spans import find_original


@pytest.mark.parametrize(
    ("original", "phrase", "expected"),
    [
        ("Buy the m@sk now", "mask", "m@sk"),
        ("ＳＩＬＩＣＯＮＥ mask", "silicone mask", "ＳＩＬＩＣＯＮＥ mask"),
        ("s i l i c o n e mask", "silicone", "s i l i c o n e"),
        ("按照片定制 真 人 面 具 加V信", "真人面具", "真 人 面 具"),
        ("按照片定制 真 人 面 具 加V信", "v信", "V信"),
        ("矽膠面具 真人頭套", "硅胶面具", "矽膠面具"),
        ("Nobody can tell!", "nobody can tell", "Nobody can tell"),
        ("plain text", "absent", None),
        ("Realistic MASK", "mask", "MASK"),  # found as written, give or take case
        ("硅胶面具 真人", "硅胶 面具", "硅胶面具"),  # two tokens the listing writes as one
        ("3-5 clear photos", "5 clear photos", "3-5 clear photos"),  # whole chunk, as before
        ("Anti-Ageing cream", "anti", "Anti-Ageing"),
        ("", "mask", None),
    ],
)
def test_find_original_maps_normalised_phrase_back(original, phrase, expected):
    assert find_original(original, phrase) == expected
