"""parse_price from a table of prices as shops print them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from crawler.prices import normalize_currency, parse_price

D = Decimal

PRICES = [
    # text or number, currency_hint, language, amount, currency
    ("$1,299.00", None, None, D("1299.00"), "USD"),
    ("1.299,00 €", None, None, D("1299.00"), "EUR"),
    ("1 299,00 €", None, "fr", D("1299.00"), "EUR"),
    ("1.299 €", None, None, D("1299"), "EUR"),
    ("12,5 €", None, None, D("12.5"), "EUR"),
    ("¥8800-23000", None, "zh-CN", D("8800"), "CNY"),
    ("￥128.00", None, "zh", D("128.00"), "CNY"),
    ("¥3,980", None, "ja", D("3980"), "JPY"),
    ("¥3,980", "JPY", "zh", D("3980"), "JPY"),
    ("¥8800-23000", "CNY", None, D("8800"), "CNY"),
    ("¥8800", None, None, D("8800"), None),  # ¥ alone: CNY or JPY? not guessed
    ("¥8800", None, "en", D("8800"), None),
    ("36元", None, None, D("36"), "CNY"),
    ("320元", None, "zh-TW", D("320"), "TWD"),
    ("人民币 1,200", None, None, D("1200"), "CNY"),
    ("RMB 35", None, None, D("35"), "CNY"),
    ("3980円", None, None, D("3980"), "JPY"),
    ("NT$2,320", None, None, D("2320"), "TWD"),
    ("NT$ 2,320", None, "zh-TW", D("2320"), "TWD"),
    ("US $12.5", None, None, D("12.5"), "USD"),
    ("US$12.50 - US$20.00", None, None, D("12.50"), "USD"),
    ("HK$99", None, None, D("99"), "HKD"),
    ("$49.99", "CAD", None, D("49.99"), "CAD"),
    ("$10 20% off", None, None, D("10"), "USD"),
    ("£9.99", None, None, D("9.99"), "GBP"),
    ("EUR 15,90", None, None, D("15.90"), "EUR"),
    ("15.90 EUR", None, None, D("15.90"), "EUR"),
    ("CHF 1'299.50", None, None, D("1299.50"), "CHF"),
    ("12 kr", None, None, D("12"), None),
    ("12 kr", "SEK", None, D("12"), "SEK"),
    ("1.299", None, "de", D("1299"), None),
    ("1.299", None, None, D("1.299"), None),
    ("1,299", None, None, D("1299"), None),
    ("12.50", "USD", None, D("12.50"), "USD"),
    ("12.50", "rmb", None, D("12.50"), "CNY"),
    ("12.50", None, None, D("12.50"), None),
    (12.5, "usd", None, D("12.5"), "USD"),
    (1299, "CNY", "zh", D("1299"), "CNY"),
    (D("8.99"), None, None, D("8.99"), None),
    (49, None, None, D("49"), None),
    ("Call for price", "USD", None, None, "USD"),
    ("", None, None, None, None),
    (None, "USD", None, None, None),
    (True, None, None, None, None),
    (-5, "USD", None, None, "USD"),
]


@pytest.mark.parametrize(("value", "hint", "language", "amount", "currency"), PRICES,
                         ids=[repr(row[:3]) for row in PRICES])
def test_parse_price(value, hint, language, amount, currency):
    assert parse_price(value, currency_hint=hint, language=language) == (amount, currency)


@pytest.mark.parametrize(("value", "language", "expected"), [
    ("usd", None, "USD"),
    (" CNY ", None, "CNY"),
    ("RMB", None, "CNY"),
    ("¥", "zh-CN", "CNY"),
    ("¥", "ja-JP", "JPY"),
    ("¥", None, None),
    ("€", None, "EUR"),
    ("元", "zh-Hant", "TWD"),
    ("dollars", None, None),
    (None, None, None),
])
def test_normalize_currency(value, language, expected):
    assert normalize_currency(value, language=language) == expected
