"""Prices as shops print them: "$1,299.00", "1.299,00 €", "¥8800-23000", "36元".

`parse_price` returns ``(amount, currency)`` with the amount a `Decimal` and the
currency an ISO 4217 code. A range keeps its low end. Nothing is guessed silently:
an ambiguous sign (¥, kr) with no hint and no telling language gives currency None.
The one convention: a bare "$" is USD unless the hint names another dollar.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation

logger = logging.getLogger(__name__)

# Markers that name exactly one currency, longest first so "NT$" wins over "$".
_UNAMBIGUOUS = {
    "US$": "USD", "US $": "USD", "NT$": "TWD", "NT $": "TWD", "HK$": "HKD",
    "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "S$": "SGD",
    "R$": "BRL", "MX$": "MXN", "人民币": "CNY", "人民幣": "CNY", "RMB": "CNY", "rmb": "CNY",
    "新台币": "TWD", "新台幣": "TWD", "港币": "HKD", "港幣": "HKD", "円": "JPY",
    "€": "EUR", "£": "GBP", "₩": "KRW", "₹": "INR", "₽": "RUB", "₺": "TRY",
    "฿": "THB", "₫": "VND", "₱": "PHP", "₪": "ILS", "zł": "PLN", "Rs.": "INR",
}
_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN"})
_YEN_SIGNS = ("¥", "￥")
_ISO_CODES = frozenset({
    "USD", "EUR", "GBP", "CNY", "JPY", "TWD", "HKD", "KRW", "INR", "RUB", "CAD",
    "AUD", "NZD", "SGD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "BRL",
    "MXN", "TRY", "THB", "VND", "PHP", "IDR", "MYR", "ILS", "AED", "SAR", "ZAR",
})
# Currencies (and languages) that write "1.299,00": a lone "1.299" is then 1299.
_COMMA_DECIMAL_CURRENCIES = frozenset({
    "EUR", "BRL", "IDR", "VND", "TRY", "DKK", "NOK", "SEK", "PLN", "CZK", "RUB", "HUF",
})
_COMMA_DECIMAL_LANGUAGES = frozenset({
    "de", "fr", "es", "it", "nl", "pt", "id", "tr", "da", "nb", "no", "sv", "pl",
    "cs", "ru", "hu", "fi", "vi",
})

_MARKER_RE = re.compile(
    "|".join(
        ("(?<![A-Za-z])" if marker[0].isascii() else "") + re.escape(marker)
        for marker in sorted(_UNAMBIGUOUS, key=len, reverse=True)
    )
)
_ISO_RE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_KRONA_RE = re.compile(r"(?<![A-Za-z])kr\.?(?![A-Za-z])", re.IGNORECASE)
# Digits with "." or "," groups, or space/apostrophe groups of exactly three digits.
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+|['\u00a0\u202f ]\d{3}(?!\d))*")


def _lang(language: str | None) -> str:
    return (language or "").strip().lower().replace("_", "-")


def _is_traditional_chinese(language: str | None) -> bool:
    lang = _lang(language)
    return lang in {"zh-tw", "zh-hant", "zh-hant-tw", "zh-hk", "zh-hant-hk"}


def resolve_yen(hint: str | None, language: str | None) -> str | None:
    """¥ is CNY in Chinese, JPY in Japanese, unknown otherwise."""
    if hint in {"CNY", "JPY"}:
        return hint
    lang = _lang(language)
    if lang.startswith("zh"):
        return "CNY"
    if lang.startswith("ja"):
        return "JPY"
    return None


def normalize_currency(value: str | None, *, language: str | None = None) -> str | None:
    """An ISO 4217 code from a code, a sign or a word ("rmb", "¥", "€"), or None."""
    if not value:
        return None
    text = value.strip()
    upper = text.upper()
    if upper in _ISO_CODES:
        return upper
    if text in _YEN_SIGNS:
        return resolve_yen(None, language)
    if text == "$":
        return "USD"
    if text in {"元", "圆"}:
        return "TWD" if _is_traditional_chinese(language) else "CNY"
    return _UNAMBIGUOUS.get(text) or _UNAMBIGUOUS.get(upper)


def _currency_in_text(text: str, hint: str | None, language: str | None) -> str | None:
    """The currency the text names, resolving ambiguous signs with the hint."""
    marker = _MARKER_RE.search(text)
    if marker:
        return _UNAMBIGUOUS[marker.group(0)]
    for match in _ISO_RE.finditer(text):
        if match.group(1) in _ISO_CODES:
            return match.group(1)
    if any(sign in text for sign in _YEN_SIGNS):
        return resolve_yen(hint, language)
    if "元" in text or "圆" in text:
        if hint in {"CNY", "TWD", "HKD"}:
            return hint
        return "TWD" if _is_traditional_chinese(language) else "CNY"
    if "$" in text:
        return hint if hint in _DOLLARS else "USD"
    if _KRONA_RE.search(text):
        return hint if hint in {"SEK", "NOK", "DKK", "ISK"} else None
    return hint


def _to_decimal(token: str, currency: str | None, language: str | None) -> Decimal | None:
    """Read "1,299.00", "1.299,00", "1 299", "12,5", "1'299.50" as a Decimal."""
    token = re.sub(r"[\u00a0\u202f ']", "", token)
    comma_decimal = (
        currency in _COMMA_DECIMAL_CURRENCIES
        or _lang(language).split("-")[0] in _COMMA_DECIMAL_LANGUAGES
    )
    if "." in token and "," in token:
        decimal_sep = "." if token.rfind(".") > token.rfind(",") else ","
    elif "," in token:
        parts = token.split(",")
        decimal_sep = "," if len(parts) == 2 and len(parts[1]) != 3 else None
    elif "." in token:
        parts = token.split(".")
        if len(parts) > 2:
            decimal_sep = None
        elif len(parts[1]) == 3 and comma_decimal:
            decimal_sep = None
        else:
            decimal_sep = "."
    else:
        decimal_sep = None
    thousands_sep = {".": ",", ",": ".", None: None}[decimal_sep]
    if thousands_sep:
        token = token.replace(thousands_sep, "")
    elif decimal_sep is None:
        token = token.replace(",", "").replace(".", "")
    if decimal_sep == ",":
        token = token.replace(",", ".")
    try:
        return Decimal(token)
    except InvalidOperation:
        return None


def parse_price(
    text_or_number: str | int | float | Decimal | None,
    *,
    currency_hint: str | None = None,
    language: str | None = None,
) -> tuple[Decimal | None, str | None]:
    """Amount and ISO currency of a printed price; (None, None) when there is none.

    `currency_hint` is what the page states elsewhere (schema.org priceCurrency);
    it decides ambiguous signs and unmarked numbers. `language` decides ¥ and the
    meaning of a lone "1.299".
    """
    hint = normalize_currency(currency_hint, language=language)
    if text_or_number is None or isinstance(text_or_number, bool):
        return None, None
    if isinstance(text_or_number, (int, float, Decimal)):
        try:
            amount = Decimal(str(text_or_number))
        except InvalidOperation:
            return None, hint
        return (amount if amount.is_finite() and amount >= 0 else None), hint
    text = str(text_or_number).strip()
    if not text:
        return None, hint
    currency = _currency_in_text(text, hint, language)
    if hint and currency and currency != hint:
        logger.debug("price %r names %s but the page says %s", text, currency, hint)
    match = _NUMBER_RE.search(text)
    if match is None:
        return None, currency
    return _to_decimal(match.group(0), currency, language), currency
