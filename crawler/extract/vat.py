"""Net prices in structured data, gross prices on the page: what a consumer pays.

Some shops put the price before VAT in their schema.org offer (it is what their shop
system stores) and print the price with VAT for the buyer ("5,95 € inkl. MwSt.",
"53,11 € IVA incluido"). `Listing.price` is what a buyer pays now, so the printed
gross price wins — but only when the page proves the relation:

- the price is in a currency of countries whose shops print prices with VAT
  (`VAT_CURRENCIES`), and a printed amount stands within `_WINDOW` characters of
  visible text of one of the first including-VAT phrases ("inkl. MwSt", "incl. VAT",
  "IVA incluido", "incl. BTW", "inkl. moms"…);
- it is the structured price plus a whole VAT rate of 5 to 27 % (to the cent, the
  net price itself being rounded: 4.92 * 1.21 = 5.95, 43.90 * 1.21 = 53.11);
- and the structured price is never printed as a price with VAT: where it stands by
  such a phrase, an excluding-VAT phrase ("zzgl. MwSt", "excl. VAT", "HT", "sin
  IVA"…) stands right by it too (else the page confirms the structured price, and
  the amounts by later phrases are other products').

A recommended retail price printed beside a sale price ("49,99 € inkl. MwSt., UVP
59,99 €") is 20 % more too; the last condition keeps it out (the sale price is printed
by the phrase without an excluding label), and an amount labelled as a was price
("UVP", "statt", "was") is never the gross price. Only the page's text is searched (no second
reading of the page): one regex over it, and a few small windows when the phrase is there.
"""

from __future__ import annotations

import re
from decimal import Decimal

from maskscreen.crawler.extract import cues
from maskscreen.crawler.extract.prices import parse_price

# Written out in both cases, without re.IGNORECASE, every branch after one "i": the
# search runs over whole pages and this shape is about 2x faster (0.65 ms on the
# fixture pages' 70 kB average, against 13 ms for a case-insensitive alternation).
_INCLUDING_RE = re.compile(
    r"[iI](?:[nN][cCkK][lL]\.?\s*(?:\d+\s*%\s*)?"
    r"(?:[mM][wW][sS][tT]|[uU][sS][tT]|[mM][oO][mM][sS]|[vV][aA][tT]|[bB][tT][wW]|[tT][vV][aA])"
    r"|[nN][cC]\.?\s*[vV][aA][tT]|[nN][cC][lL][uU][dD][iI][nN][gG]\s+[vV][aA][tT]"
    r"|[vV][aA]\s+[iI][nN][cC][lL][uU](?:[íiÍI][dD][oOaA]|[sS][oOaA]))"
)
# Where prices are printed with VAT for consumers (Europe); a US shop adds sales tax
# at checkout, so its pages are never searched.
VAT_CURRENCIES = frozenset(
    {"EUR", "GBP", "CHF", "SEK", "NOK", "DKK", "ISK", "PLN", "CZK", "HUF", "RON", "BGN"}
    | {"MDL", "UAH", "RSD", "BAM", "MKD", "ALL", "TRY"}
)
_EXCLUDING_RE = re.compile(
    r"zzgl\.?\s*(?:\d+\s*%\s*)?(?:mwst|ust)|exkl\.?\s*(?:mwst|ust|moms)|excl\.?\s*(?:vat|btw|tva)"
    r"|ex\.?\s*vat|excluding\s+vat|\bht\b|hors\s+taxes?|sin\s+iva|iva\s+exclu[íi]d[oa]"
    r"|\bnetto\b|\bbez\s+dph\b",
    re.IGNORECASE,
)
# A printed amount with cents: "5,95", "1.299,00", "53.11", "1 299,00".
_AMOUNT_RE = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,\u00a0\u202f ]\d{3})*[.,]\d{2}(?![\d])")
_TAG_RE = re.compile(r"<[^>]*>")
_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACE_RE = re.compile(r"\s+")
_WINDOW = 200  # characters of visible text either side of an including-VAT phrase
_HTML_REACH = 4_000  # ... found in at most this much HTML (icons' SVG paths are long)
_LABEL_REACH = 40  # characters between an amount and the excluding label that is its
_MAX_PHRASES = 5
_RATES = range(5, 28)  # whole VAT rates, in percent
_CENT = Decimal("0.01")


def consumer_price(text: str, net: Decimal | None, currency: str | None) -> Decimal | None:
    """The gross price the page prints for a structured price `net` that is the price
    before VAT (see the module docstring), else None; only for `VAT_CURRENCIES`."""
    if net is None or net <= 0 or currency not in VAT_CURRENCIES:
        return None
    for count, phrase in enumerate(_INCLUDING_RE.finditer(text)):
        if count >= _MAX_PHRASES:
            break
        before = _visible(text[max(0, phrase.start() - _HTML_REACH) : phrase.start()])
        after = _visible(text[phrase.end() : phrase.end() + _HTML_REACH])
        before, after = before[-_WINDOW:], after[:_WINDOW]
        window = f"{before} {phrase.group(0)} {after}"
        matches = list(_AMOUNT_RE.finditer(window))
        amounts = [
            (m, parse_price(m.group(0), currency_hint=currency)[0], _labels(window, matches, i))
            for i, m in enumerate(matches)
        ]
        if any(value == net and not _EXCLUDING_RE.search(label) for _m, value, label in amounts):
            return None  # the page prints the structured price as the price with VAT
        # The phrase's own amount: the nearest one, before or after it, that is not
        # labelled as excluding VAT or as a was price.
        middle = (len(before), len(before) + 1 + len(phrase.group(0)))
        own = [
            (max(middle[0] - m.end(), m.start() - middle[1]), value)
            for m, value, label in amounts
            if value is not None
            and not _EXCLUDING_RE.search(label)
            and not cues.is_was_label(label.split("\n")[0])
        ]
        near = [entry for entry in own if entry[0] <= _LABEL_REACH]
        if near:
            value = min(near, key=lambda entry: entry[0])[1]
            return value if _adds_vat(net, value) else None
    return None


def _visible(html: str) -> str:
    """A slice of HTML as text: tags, scripts and styles (also those the slice cut) out."""
    html = _SCRIPT_RE.sub(" ", html)
    lowered = html.lower()
    cut = max(lowered.rfind("</script"), lowered.rfind("</style"))
    if cut >= 0:  # the rest of a script that began before the slice
        html, lowered = html[cut:], lowered[cut:]
    opened = min(
        (i for i in (lowered.find("<script"), lowered.find("<style")) if i >= 0), default=-1
    )
    if opened >= 0:  # a script that ends after the slice
        html = html[:opened]
    return _SPACE_RE.sub(" ", _TAG_RE.sub(" ", html))


def _labels(window: str, matches: list[re.Match], index: int) -> str:
    """The text right before an amount and right after it ("before\nafter"), each at
    most `_LABEL_REACH` characters and never past the amount before it; a label
    between two amounts ("zzgl. MwSt: 4,92 € inkl. MwSt: 5,95 €") is read as the
    next amount's, so only the last amount has text after it."""
    match = matches[index]
    previous_end = matches[index - 1].end() if index else 0
    before = window[max(previous_end, match.start() - _LABEL_REACH) : match.start()]
    last = index + 1 == len(matches)
    after = window[match.end() : match.end() + _LABEL_REACH] if last else ""
    return f"{before}\n{after}"


def _adds_vat(net: Decimal, gross: Decimal) -> bool:
    """`gross` is `net` plus a whole VAT rate, to the cent (the net itself rounded)."""
    for rate in _RATES:
        factor = 1 + Decimal(rate) / 100
        if abs(gross - net * factor) <= _CENT * factor:
            return True
    return False
