"""parse_price from a table of prices as shops print them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from maskscreen.crawler.extract.prices import (
    normalize_currency,
    parse_price,
    parse_price_range,
    shop_country,
)

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
    # the number printed against the currency, not the first number of the text
    ("Buy 36 or more for $16.14 each", None, None, D("16.14"), "USD"),
    ("2 x 10 €", None, None, D("10"), "EUR"),
    ("SKU 12345 $9.99", None, None, D("9.99"), "USD"),
    ("Pack of 3 for 20 zł", None, None, D("20"), "PLN"),
    # the sign where the decimal point goes
    ("Vendu par 8 pour 1€40", None, "fr", D("1.40"), "EUR"),
]


@pytest.mark.parametrize(
    ("value", "hint", "language", "amount", "currency"),
    PRICES,
    ids=[repr(row[:3]) for row in PRICES],
)
def test_parse_price(value, hint, language, amount, currency):
    assert parse_price(value, currency_hint=hint, language=language) == (amount, currency)


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
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
    ],
)
def test_normalize_currency(value, language, expected):
    assert normalize_currency(value, language=language) == expected


DOMAIN_PRICES = [
    # text or number, currency_hint, language, domain, amount, currency
    ("2.449", None, "es-AR", None, D("2449"), "ARS"),
    ("2.449", None, None, "tienda.example.com.ar", D("2449"), "ARS"),
    ("$ 2.449", None, "es", "tienda.example.com.ar", D("2449"), "ARS"),
    ("$2,449.50", None, "es-MX", None, D("2449.50"), "MXN"),
    ("$49.99", None, None, "shop.example.ca", D("49.99"), "CAD"),
    ("$49.99", None, "en", "shop.example.com", D("49.99"), "USD"),
    ("$49.99", "AUD", None, "shop.example.ca", D("49.99"), "AUD"),  # declared beats domain
    ("¥8800", None, None, "mask.example.jp", D("8800"), "JPY"),
    ("¥8800", None, None, "mask.example.com.cn", D("8800"), "CNY"),
    ("￥8800", None, None, "mask.example.cn", D("8800"), "CNY"),
    ("¥8800", None, "en", "mask.example.com", D("8800"), None),
    ("¥8800", None, "ja", "mask.example.cn", D("8800"), "JPY"),  # language before domain
    ("¥8800", "CNY", "ja", "mask.example.jp", D("8800"), "CNY"),  # declared before both
    ("36元", None, None, "mask.example.tw", D("36"), "CNY"),
    ("1280", None, "zh-CN", None, D("1280"), "CNY"),
    (1280, None, None, "mask.example.jp", D("1280"), "JPY"),
    ("12.50", None, None, "shop.example.com", D("12.50"), None),  # no country: not guessed
    # lei are the Romanian and the Moldovan leu: declared, else the shop's country
    ("63 lei", None, "ru", "shop.example.md", D("63"), "MDL"),
    ("583.7 Лей", None, None, "shop.example.md", D("583.7"), "MDL"),
    ("63 lei", "MDL", "ro", "shop.example.com", D("63"), "MDL"),
    ("249,99 Lei", None, "ro", "magazin.example.com", D("249.99"), "RON"),
    ("315", None, "en", "shop.example.md", D("315"), "MDL"),
    (4899, "MDL", None, "shop.example.md", D("4899"), "MDL"),
    ("Plei 12", None, None, "shop.example.com", D("12"), None),  # a word, not lei
]


@pytest.mark.parametrize(
    ("value", "hint", "language", "domain", "amount", "currency"),
    DOMAIN_PRICES,
    ids=[repr(row[:4]) for row in DOMAIN_PRICES],
)
def test_parse_price_uses_the_shops_country(value, hint, language, domain, amount, currency):
    assert parse_price(value, currency_hint=hint, language=language, domain=domain) == (
        amount,
        currency,
    )


@pytest.mark.parametrize(
    ("value", "language", "expected"),
    [
        ("¥8800-23000", "zh-CN", (D("8800"), D("23000"), "CNY")),
        ("￥8,800 ~ ￥23,000", "zh", (D("8800"), D("23000"), "CNY")),
        ("US$12.50 - US$20.00", None, (D("12.50"), D("20.00"), "USD")),
        ("$10 to $25", None, (D("10"), D("25"), "USD")),
        ("1.299,00 € – 1.499,00 €", None, (D("1299.00"), D("1499.00"), "EUR")),
        ("88至128元", None, (D("88"), D("128"), "CNY")),
        ("$10 20% off", None, (D("10"), None, "USD")),
        ("$25-10", None, (D("25"), None, "USD")),  # not a range: the "high" end is lower
        ("36元", None, (D("36"), None, "CNY")),
        (None, None, (None, None, None)),
    ],
)
def test_parse_price_range_keeps_both_ends(value, language, expected):
    assert parse_price_range(value, language=language) == expected


@pytest.mark.parametrize(
    ("language", "domain", "country"),
    [
        ("es-AR", None, "ar"),
        ("es", "tienda.example.com.ar", "ar"),
        ("zh-Hant-TW", None, "tw"),
        ("en", "shop.example.com", None),
        (None, "shop.example.co.uk", "uk"),
        ("ja", "localhost:8000", None),
        ("es-419", None, None),
    ],
)
def test_shop_country(language, domain, country):
    assert shop_country(language, domain) == country
