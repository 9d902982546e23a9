"""Prices as shops print them: "$1,299.00", "1.299,00 €", "¥8800-23000", "36元".

`parse_price` returns ``(amount, currency)`` with the amount a `Decimal` and the
currency an ISO 4217 code; `parse_price_range` also returns a range's high end
(a `Listing` keeps the low end: one price, the lowest a buyer can pay).

Where the currency comes from, first match wins:
1. a marker that names one currency ("NT$", "€", "人民币", "円", "EUR");
2. ¥/￥: the declared currency (`currency_hint`: schema.org priceCurrency) if it is
   CNY or JPY, else the page language (zh -> CNY, ja -> JPY), else the domain
   (.cn/.com.cn -> CNY, .jp -> JPY); otherwise None, logged with the reason —
   never guessed;
3. "$": a declared dollar or peso, else the shop's country's dollar or peso
   (.com.ar or es-AR -> ARS, .mx -> MXN, .ca -> CAD…), else USD;
4. no marker: the declared currency, else the shop's country's currency
   (a "2.449" on a .com.ar shop is 2449 ARS), else None.
"Was $30 Now $20" (and "statt … jetzt", "原价 … 现价") is the price after the word.
The amount is the number printed against the currency ("Buy 36 or more for $16.14"
is 16.14), else the first number; "1€40" is 1.40.

Kept over Zyte's price-parser (0.5.1), measured on the 97 printed prices of
tests/crawler/price_strings.py (`python bench/extract.py --prices`): amount right
97/97 here against 95/97 (it reads "Was $30 Now $20" and "statt … jetzt" as the
first price), amount and ISO currency right 97/97 against 92/97 even with its
currency symbol resolved by the rules above (it finds no currency in
"人民币 1,200", "S/ 159.90" and "R 1,299.00").
price-parser is therefore not a dependency.
The shop's country is the domain's country code, else the language's region
("es-AR" -> AR). A lone "1.299" is 1299 where the currency or language writes
"1.299,00" (EUR, ARS, de, es…), else 1.299.
"""

from __future__ import annotations

import logging
import re
from decimal import Decimal, InvalidOperation

logger = logging.getLogger(__name__)

# Markers that name exactly one currency, longest first so "NT$" wins over "$".
_UNAMBIGUOUS = {
    "US$": "USD",
    "US $": "USD",
    "NT$": "TWD",
    "NT $": "TWD",
    "HK$": "HKD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "S$": "SGD",
    "R$": "BRL",
    "MX$": "MXN",
    "AR$": "ARS",
    "人民币": "CNY",
    "人民幣": "CNY",
    "RMB": "CNY",
    "rmb": "CNY",
    "新台币": "TWD",
    "新台幣": "TWD",
    "港币": "HKD",
    "港幣": "HKD",
    "円": "JPY",
    "€": "EUR",
    "£": "GBP",
    "₩": "KRW",
    "₹": "INR",
    "₽": "RUB",
    "₺": "TRY",
    "฿": "THB",
    "₫": "VND",
    "₱": "PHP",
    "₪": "ILS",
    "zł": "PLN",
    "Rs.": "INR",
    "원": "KRW",
    "руб": "RUB",
    "р.": "RUB",
    "₴": "UAH",
    "грн": "UAH",
    "Kč": "CZK",
    "Ft": "HUF",
    "TL": "TRY",
    "RM": "MYR",
    "Rp": "IDR",
    "S/": "PEN",
    "R": "ZAR",  # a lone R (R$, RM, Rp, Rs. are longer and matched first)
    "₦": "NGN",
    "₸": "KZT",
    "৳": "BDT",
}
_YEN_SIGNS = ("¥", "￥")
_ISO_CODES = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "CNY",
        "JPY",
        "TWD",
        "HKD",
        "KRW",
        "INR",
        "RUB",
        "CAD",
        "AUD",
        "NZD",
        "SGD",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "BRL",
        "MXN",
        "TRY",
        "THB",
        "VND",
        "PHP",
        "IDR",
        "MYR",
        "ILS",
        "AED",
        "SAR",
        "ZAR",
        "ARS",
        "CLP",
        "COP",
        "UYU",
        "PEN",
        "RON",
        "MDL",
        "UAH",
        "NGN",
        "KZT",
        "ISK",
        "BGN",
        "EGP",
        "PKR",
        "BDT",
        "LKR",
        "NPR",
    }
)
# Every current ISO 4217 code: a code a page declares (schema.org priceCurrency, og:price:currency)
# is read whatever the country ("TND" on a Tunisian shop). Only _ISO_CODES are looked for in
# printed text, where "ALL", "TOP" or "CUP" are words more often than currencies.
_ISO_4217 = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
"""
_DECLARED_CODES = _ISO_CODES | frozenset(_ISO_4217.split())
# Currencies written with a bare "$": dollars and pesos.
_DOLLARS = frozenset(
    {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN", "ARS", "CLP", "COP", "UYU"}
)
# A country's own currency: what "$" and an unmarked amount mean on its shops.
_COUNTRY_CURRENCY = {
    "us": "USD",
    "ca": "CAD",
    "au": "AUD",
    "nz": "NZD",
    "sg": "SGD",
    "hk": "HKD",
    "tw": "TWD",
    "mx": "MXN",
    "ar": "ARS",
    "cl": "CLP",
    "co": "COP",
    "uy": "UYU",
    "cn": "CNY",
    "jp": "JPY",
    "uk": "GBP",
    "gb": "GBP",
    "br": "BRL",
    "kr": "KRW",
    "in": "INR",
    "de": "EUR",
    "fr": "EUR",
    "es": "EUR",
    "it": "EUR",
    "nl": "EUR",
    "at": "EUR",
    "be": "EUR",
    "ie": "EUR",
    "pt": "EUR",
    "fi": "EUR",
    "ch": "CHF",
    "se": "SEK",
    "no": "NOK",
    "dk": "DKK",
    "pl": "PLN",
    "ru": "RUB",
    "tr": "TRY",
    "ro": "RON",
    "md": "MDL",
    "ua": "UAH",
    # Shops of these countries print their own currency; a country that changed it
    # lately (hr, bg, by) is left out: its older pages print the previous one.
    "ve": "VES",
    "bo": "BOB",
    "pe": "PEN",
    "ae": "AED",
    "sa": "SAR",
    "eg": "EGP",
    "il": "ILS",
    "vn": "VND",
    "id": "IDR",
    "ph": "PHP",
    "my": "MYR",
    "th": "THB",
    "pk": "PKR",
    "bd": "BDT",
    "za": "ZAR",
    "cz": "CZK",
    "hu": "HUF",
    "kz": "KZT",
    "tn": "TND",
    "ma": "MAD",
    "dz": "DZD",
}
# Currencies (and languages) that write "1.299,00": a lone "1.299" is then 1299.
_COMMA_DECIMAL_CURRENCIES = frozenset(
    {
        "EUR",
        "BRL",
        "IDR",
        "VND",
        "TRY",
        "DKK",
        "NOK",
        "SEK",
        "PLN",
        "CZK",
        "RUB",
        "HUF",
        "ARS",
        "CLP",
        "COP",
        "UYU",
    }
)
_COMMA_DECIMAL_LANGUAGES = frozenset(
    {
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "pt",
        "id",
        "tr",
        "da",
        "nb",
        "no",
        "sv",
        "pl",
        "cs",
        "ru",
        "hu",
        "fi",
        "vi",
    }
)
_DOT_DECIMAL_REGIONS = frozenset({"es-mx", "es-us"})  # Spanish as written in Mexico and the US

_MARKER_RE = re.compile(
    "|".join(
        ("(?<![A-Za-z])" if marker[0].isascii() else "")
        + re.escape(marker)
        + ("(?![A-Za-z])" if marker[-1].isascii() and marker[-1].isalpha() else "")
        for marker in sorted(_UNAMBIGUOUS, key=len, reverse=True)
    )
)
# "Was $30 Now $20", "statt 30 € jetzt 20 €", "原价¥300 现价¥200": the price after the
# word is the one a buyer pays now.
_NOW_RE = re.compile(
    r"(?<![A-Za-z])(?:now|jetzt|nur noch|ahora|maintenant|agora|ora|sale|our price|deal)"
    r"(?![A-Za-z])\s*:?|现价|現價|特价|特價|促销价|到手价|セール価格|할인가|сейчас",
    re.IGNORECASE,
)
_ISO_RE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_KRONA_RE = re.compile(r"(?<![A-Za-z])kr\.?(?![A-Za-z])", re.IGNORECASE)
# "lei" (Cyrillic "лей") is the Romanian leu and the Moldovan leu alike.
_LEU_RE = re.compile(r"(?<![^\W\d_])(?:lei|лей|леев|лея)(?![^\W\d_])", re.IGNORECASE)
# Vietnamese shops write the dong "đ" (or "VNĐ") as much as "₫": a word of its own,
# not the letter inside a word ("đá").
_DONG_RE = re.compile(r"(?<![^\W\d_])(?:vnđ|đ)(?![^\W\d_])", re.IGNORECASE)
# Digits with "." or "," groups, or space/apostrophe groups of exactly three digits.
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+|['\u00a0\u202f ]\d{3}(?!\d))*")
# The number a currency sign, code or word is printed against: in "Buy 36 or more for
# $16.14" and "2 x 10 €" the price is the amount beside the currency, not the first number.
_SIGN = (
    rf"(?:{_MARKER_RE.pattern}|[$¥￥元圆]|(?<![A-Za-z])[A-Z]{{3}}(?![A-Za-z])"
    rf"|{_KRONA_RE.pattern}|{_LEU_RE.pattern}|{_DONG_RE.pattern})"
)
_SIGN_NUMBER_RE = re.compile(rf"{_SIGN}(\s?)({_NUMBER_RE.pattern})")
_NUMBER_SIGN_RE = re.compile(rf"({_NUMBER_RE.pattern})(\s?){_SIGN}")
# "1€40", "12€99": the sign written where the decimal point goes (French shops).
_SIGN_AS_POINT_RE = re.compile(r"(?<![\d.,])(\d+)([€$£])(\d{2})(?![\d.,%])")
# A second number after a dash, "~", "to" or "至": the high end of a range.
_RANGE_TAIL_RE = re.compile(
    r"\D{0,4}?\s*(?:[-–—~～至到]|to)\s*\D{0,6}?(\d[\d.,'\u00a0\u202f ]*)", re.IGNORECASE
)


def _lang(language: str | None) -> str:
    return (language or "").strip().lower().replace("_", "-")


def _is_traditional_chinese(language: str | None) -> bool:
    lang = _lang(language)
    return lang in {"zh-tw", "zh-hant", "zh-hant-tw", "zh-hk", "zh-hant-hk"}


def shop_country(language: str | None = None, domain: str | None = None) -> str | None:
    """Two-letter country of a shop: its domain's country code, else its language's region."""
    host = (domain or "").strip().lower().rstrip(".").rsplit(":", 1)[0]
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if len(tld) == 2 and tld.isalpha():
        return tld
    parts = _lang(language).split("-")
    region = next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    return region


def resolve_yen(hint: str | None, language: str | None, domain: str | None = None) -> str | None:
    """¥ is CNY or JPY by the declared currency, then the language, then the domain."""
    if hint in {"CNY", "JPY"}:
        return hint
    lang = _lang(language)
    if lang.startswith("zh"):
        return "CNY"
    if lang.startswith("ja"):
        return "JPY"
    country = shop_country(None, domain)
    if country in {"cn", "jp"}:
        return _COUNTRY_CURRENCY[country]
    logger.info(
        "¥ left without a currency: no CNY/JPY declared, language %r, domain %r", language, domain
    )
    return None


def normalize_currency(
    value: str | None, *, language: str | None = None, domain: str | None = None
) -> str | None:
    """An ISO 4217 code from a code, a sign or a word ("rmb", "¥", "€"), or None."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    upper = text.upper()
    if upper in _DECLARED_CODES:
        return upper
    if text in _YEN_SIGNS:
        return resolve_yen(None, language, domain)
    if text == "$":
        return _local_dollar(None, language, domain)
    if _LEU_RE.fullmatch(text):
        return _leu(None, language, domain)
    if _DONG_RE.fullmatch(text):
        return "VND"
    if text in {"元", "圆"}:
        return "TWD" if _is_traditional_chinese(language) else "CNY"
    return _UNAMBIGUOUS.get(text) or _UNAMBIGUOUS.get(upper)


def names_a_currency(value: object) -> bool:
    """Whether a declared currency is one we read (a code, sign or word), not a typo
    such as "UAN" or a placeholder such as "-"."""
    if not isinstance(value, str):
        return False
    return normalize_currency(value) is not None or value.strip() in _YEN_SIGNS


def _local_dollar(hint: str | None, language: str | None, domain: str | None) -> str:
    if hint in _DOLLARS:
        return hint
    local = _COUNTRY_CURRENCY.get(shop_country(language, domain) or "")
    return local if local in _DOLLARS else "USD"


def _leu(hint: str | None, language: str | None, domain: str | None) -> str:
    """Lei are MDL when the page declares it or the shop is Moldovan, else RON."""
    if hint in {"RON", "MDL"}:
        return hint
    return "MDL" if shop_country(language, domain) == "md" else "RON"


def _currency_in_text(
    text: str, hint: str | None, language: str | None, domain: str | None
) -> str | None:
    """The currency the text names, resolving ambiguous signs with the hint."""
    marker = _MARKER_RE.search(text)
    if marker:
        return _UNAMBIGUOUS[marker.group(0)]
    if _LEU_RE.search(text):
        return _leu(hint, language, domain)
    if _DONG_RE.search(text):
        return "VND"
    for match in _ISO_RE.finditer(text):
        if match.group(1) in _ISO_CODES:
            return match.group(1)
    if any(sign in text for sign in _YEN_SIGNS):
        return resolve_yen(hint, language, domain)
    if "元" in text or "圆" in text:
        if hint in {"CNY", "TWD", "HKD"}:
            return hint
        return "TWD" if _is_traditional_chinese(language) else "CNY"
    if "$" in text:
        return _local_dollar(hint, language, domain)
    if _KRONA_RE.search(text):
        return hint if hint in {"SEK", "NOK", "DKK", "ISK"} else None
    return hint


def _to_decimal(token: str, currency: str | None, language: str | None) -> Decimal | None:
    """Read "1,299.00", "1.299,00", "1 299", "12,5", "1'299.50" as a Decimal."""
    token = re.sub(r"[\u00a0\u202f ']", "", token)
    lang = _lang(language)
    comma_decimal = currency in _COMMA_DECIMAL_CURRENCIES or (
        lang.split("-")[0] in _COMMA_DECIMAL_LANGUAGES and lang not in _DOT_DECIMAL_REGIONS
    )
    if "." in token and "," in token:
        decimal_sep = "." if token.rfind(".") > token.rfind(",") else ","
    elif "," in token:
        parts = token.split(",")
        decimal_sep = "," if len(parts) == 2 and len(parts[1]) != 3 else None
    elif "." in token:
        parts = token.split(".")
        thousands = len(parts) > 2 or (len(parts[1]) == 3 and comma_decimal)
        decimal_sep = None if thousands else "."
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


def parse_price_range(
    text_or_number: str | float | Decimal | None,
    *,
    currency_hint: str | None = None,
    language: str | None = None,
    domain: str | None = None,
) -> tuple[Decimal | None, Decimal | None, str | None]:
    """(low, high, currency) of "¥8800-23000", "US$12.50 - US$20.00"; high None if no range.

    `currency_hint` is what the page declares (schema.org priceCurrency); it decides
    ambiguous signs and unmarked numbers. `language` and `domain` (the shop's host)
    decide ¥, "$", unmarked amounts and the meaning of a lone "1.299".
    """
    hint = normalize_currency(currency_hint, language=language, domain=domain)
    if text_or_number is None or isinstance(text_or_number, bool):
        return None, None, None
    if isinstance(text_or_number, (int, float, Decimal)):
        try:
            amount = Decimal(str(text_or_number))
        except InvalidOperation:
            return None, None, hint
        currency = hint or _country_currency(language, domain)
        return (amount if amount.is_finite() and amount >= 0 else None), None, currency
    text = str(text_or_number).strip()[:200]  # a price is short; never scan a whole page
    if not text:
        return None, None, hint
    now = _NOW_RE.search(text)
    if now and _NUMBER_RE.search(text, 0, now.start()) and _NUMBER_RE.search(text, now.end()):
        text = text[now.end() :]
    currency = _currency_in_text(text, hint, language, domain)
    if hint and currency and currency != hint:
        logger.debug("price %r names %s but the page says %s", text, currency, hint)
    currency = currency or _country_currency(language, domain)
    point = _SIGN_AS_POINT_RE.search(text)
    if point:
        return Decimal(f"{point.group(1)}.{point.group(3)}"), None, currency
    number = _number_in(text)
    if number is None:
        return None, None, currency
    token, end = number
    low = _to_decimal(token, currency, language)
    tail = _RANGE_TAIL_RE.match(text, end)
    high = (
        _to_decimal(_NUMBER_RE.match(tail.group(1)).group(0), currency, language) if tail else None
    )
    return low, (high if high is not None and low is not None and high > low else None), currency


def _number_in(text: str) -> tuple[str, int] | None:
    """The price's number in a text and where it ends: the one printed against a
    currency (touching it before one with a space between, then the first), else the
    first number; the low end of a range when the currency follows its high end."""
    first = _NUMBER_RE.search(text)
    if first is None:
        return None
    found = [
        (bool(m.group(1)), m.start(2), m.group(2), m.end(2)) for m in _SIGN_NUMBER_RE.finditer(text)
    ]
    found += [
        (bool(m.group(2)), m.start(1), m.group(1), m.end(1)) for m in _NUMBER_SIGN_RE.finditer(text)
    ]
    if not found:
        return first.group(0), first.end()
    _gap, start, token, end = min(found, key=lambda f: (f[0], f[1]))
    tail = _RANGE_TAIL_RE.match(text, first.end())
    if tail and first.start() < start and tail.start(1) == start:
        return first.group(0), first.end()  # "88至128元": the range's low end
    return token, end


def _country_currency(language: str | None, domain: str | None) -> str | None:
    currency = _COUNTRY_CURRENCY.get(shop_country(language, domain) or "")
    if currency:
        logger.debug(
            "unmarked amount: %s from the shop's country (%s, %s)", currency, language, domain
        )
    return currency


def parse_price(
    text_or_number: str | float | Decimal | None,
    *,
    currency_hint: str | None = None,
    language: str | None = None,
    domain: str | None = None,
) -> tuple[Decimal | None, str | None]:
    """Amount and ISO currency of a printed price; (None, None) when there is none.

    A range gives its low end (see `parse_price_range` for the high end).
    """
    low, _high, currency = parse_price_range(
        text_or_number, currency_hint=currency_hint, language=language, domain=domain
    )
    return low, currency
