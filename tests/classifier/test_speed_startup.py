"""A one-off `maskscreen check --text` loads what the text needs and nothing more."""

import json
import subprocess
import sys

import pytest

from maskscreen.classifier import language
from maskscreen.classifier.corpus import load_corpus
from maskscreen.classifier.normalize import normalize

# Not needed to check a text (training, reports, crawling, storing; scipy.special: the
# sigmoid of one listing is worked out in Python, runtime.expit).
HEAVY = (
    "sklearn", "skops", "pandas", "matplotlib", "scrapy", "twisted", "sqlalchemy",
    "scipy.special",
)  # fmt: skip


def _loaded_by_check(text: str) -> tuple[int, list[str]]:
    code = (
        "import json, sys\n"
        "from maskscreen.cli.main import main\n"
        f"sys.argv = ['maskscreen', 'check', '--text', {text!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    status = exc.code\n"
        f"names = {list(HEAVY) + ['py3langid']!r}\n"
        "print(json.dumps([status, [n for n in names if n in sys.modules]]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=300
    )
    status, loaded = json.loads(result.stdout.splitlines()[-1])
    return status, loaded


def test_check_of_chinese_text_loads_neither_heavy_packages_nor_the_language_model():
    status, loaded = _loaded_by_check("按照片定制 真人面具 可过人脸识别 加V信")
    assert status == 1  # flagged: the check ran to its verdict
    assert loaded == []


def test_check_of_english_text_loads_the_language_model_and_no_heavy_package():
    status, loaded = _loaded_by_check("Realistic silicone old man mask, full head")
    assert status == 1
    assert loaded == ["py3langid"]


@pytest.mark.parametrize(
    ("text", "needed"),
    [
        ("硅胶面具 真人 老人 全头", False),
        ("リアルなシリコンマスク", False),
        ("리얼 실리콘 마스크", False),
        ("123 456 🎭", False),
        ("", False),
        ("realistic silicone mask", True),
        ("硅胶 realistic silicone mask for adults, full head", True),
    ],
)
def test_needs_identifier(text, needed):
    assert language.needs_identifier(normalize(text)) is needed


def test_identify_loads_the_model_exactly_for_the_texts_that_need_it(monkeypatch):
    texts = [normalize(e.text) for e in load_corpus()[::3]]
    needing = [t for t in texts if language.needs_identifier(t)]
    assert 0 < len(needing) < len(texts)

    def refused():
        raise AssertionError("the language model was asked for")

    monkeypatch.setattr(language, "_get_identifier", refused)
    languages = language.identify([t for t in texts if not language.needs_identifier(t)])
    assert set(languages) <= {"zh", "ja", "ko", language.UNDETERMINED}
    for text in needing[:20]:
        with pytest.raises(AssertionError, match="asked for"):
            language.identify([text])


def test_language_model_read_from_the_cache_is_py3langids_own(tmp_path, monkeypatch, caplog):
    import logging

    import numpy as np
    import platformdirs
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    monkeypatch.setattr(platformdirs, "user_cache_dir", lambda name: str(tmp_path))
    own = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def same(identifier):
        assert identifier.nb_ptc.dtype == own.nb_ptc.dtype
        np.testing.assert_array_equal(identifier.nb_ptc, own.nb_ptc)
        np.testing.assert_array_equal(identifier.nb_pc, own.nb_pc)
        assert identifier.nb_classes == own.nb_classes
        assert identifier.tk_nextmove == own.tk_nextmove
        assert identifier._rowbase == own._rowbase
        assert identifier.tk_output == own.tk_output
        assert identifier._alias_pairs == own._alias_pairs

    with caplog.at_level(logging.DEBUG, logger=language.__name__):
        same(language._load())  # unpacked into the cache
        (kept,) = tmp_path.glob("langid/*.npz")
        same(language._load())  # read from there
        assert "itself" not in caplog.text
        damaged = bytearray(kept.read_bytes())
        damaged[len(damaged) // 2] ^= 0xFF
        kept.write_bytes(bytes(damaged))
        same(language._load())  # the zip's CRC catches it: py3langid's own load
        assert "loading py3langid's model itself" in caplog.text
