"""Language identification: scripts first, py3langid for the rest, uncovered ones said so."""

import pytest

from maskscreen.classifier.language import identify, supported
from maskscreen.classifier.normalize import normalize


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Realistic silicone old man mask, full head, hand painted, human hair", "en"),
        ("硅胶面具 真人 老人 全头", "zh"),
        ("リアルなシリコンマスク 老人 フルヘッド", "ja"),
        ("리얼 실리콘 마스크 노인 풀헤드", "ko"),
        ("Реалистичная силиконовая маска старика на всю голову", "ru"),
        ("Máscara de silicona realista de anciano, cabeza completa", "es"),
        ("Realistische Silikonmaske alter Mann, Vollkopf, handbemalt", "de"),
        ("Masque en silicone réaliste de vieil homme, tête entière", "fr"),
        ("Máscara de silicone realista de homem idoso, cabeça inteira", "pt"),
        ("Maschera in silicone realistica di uomo anziano, testa intera", "it"),
    ],
)
def test_supported_languages_are_identified(text, language):
    assert identify([normalize(text)]) == [language]
    assert supported(language)


def test_an_uncovered_language_is_reported_unsupported():
    dutch = "Realistisch siliconen masker van een oude man, volledig hoofd, met de hand beschilderd"
    polish = "Realistyczna silikonowa maska starszego mężczyzny na całą głowę, ręcznie malowana"
    for text in (dutch, polish):
        (language,) = identify([normalize(text)])
        assert not supported(language), language


def test_text_without_letters_is_undetermined_and_covered():
    assert identify(["", "🎭🎭", "123 456"]) == ["und", "und", "und"]
    assert supported("und")


def test_short_text_takes_a_covered_language():
    (language,) = identify([normalize("Silikon 3000")])
    assert supported(language)


def test_batched_identification_is_py3langids_own():
    from maskscreen.classifier.corpus import load_corpus
    from maskscreen.classifier.language import _get_identifier, classify_batch

    identifier = _get_identifier()
    samples = [normalize(e.text)[:200] for e in load_corpus()[::7]] + ["", "a", "🎭", "é" * 300]
    assert classify_batch(identifier, samples) == [identifier.classify(s) for s in samples]
