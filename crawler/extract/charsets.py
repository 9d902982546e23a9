"""A page's text, decoded right even when its charset is missing or wrong.

Scrapy decodes a response with the charset its header, BOM or <meta> declares,
replacing undecodable bytes with U+FFFD, and guesses (ASCII, UTF-8, cp1252) when
nothing is declared. Chinese and Japanese shops often declare nothing, or declare
utf-8 and serve GBK. `decoded_text(response)` keeps Scrapy's text when it is clean
and otherwise re-decodes:

1. Declared charset, clean decode                       -> Scrapy's text, as is.
2. Declared non-UTF-8, body is valid multibyte UTF-8    -> UTF-8 (GBK or Big5
   text that happens to be valid UTF-8 is vanishingly rare).
3. Declared charset gives U+FFFD, or nothing declared   -> `detect_encoding`:
   strict UTF-8 first, then the trial GB18030 -> Big5 -> Shift_JIS -> UTF-8 ->
   cp1252 by fewest replacement characters. Several of them decode most CJK bytes
   without an error (Big5 and Shift_JIS bytes are valid GB18030), so a tie is
   settled by charset-normalizer's language model among the tied codecs, then by
   the page's <html lang> (zh-TW/zh-HK -> Big5, zh -> GB18030, ja -> Shift_JIS,
   other languages -> cp1252), then by trial order.

Every re-decode is logged with its reason.
"""

from __future__ import annotations

import logging
import re
from codecs import lookup

from scrapy.http import TextResponse
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

logger = logging.getLogger(__name__)

TRIAL_ORDER = ("gb18030", "big5", "shift_jis", "utf-8", "cp1252")
_LANG_RE = re.compile(
    rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)", re.IGNORECASE
)
_NON_ASCII_RE = re.compile(rb"[\x80-\xff]")
_SINGLE_BYTE = frozenset({"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii"})


def _codec(name: str | None) -> str | None:
    """A Python codec name ("gbk" -> "gb18030", "latin1" -> "cp1252"), or None."""
    if not name:
        return None
    resolved = resolve_encoding(name)
    if resolved is None:
        return None
    try:
        return lookup(resolved).name
    except LookupError:
        return None


def declared_encoding(response: TextResponse) -> str | None:
    """The codec the HTTP header, a BOM or a <meta> tag declares, or None."""
    header = response.headers.get(b"Content-Type")
    from_header = http_content_type_encoding(header.decode("latin-1")) if header else None
    bom, _ = read_bom(response.body)
    return _codec(from_header or bom or html_body_declared_encoding(response.body))


def _language_hint(body: bytes) -> str | None:
    match = _LANG_RE.search(body[:4096])
    if not match:
        return None
    lang = match.group(1).decode("ascii").lower().replace("_", "-")
    if lang.startswith("zh"):
        traditional = any(tag in lang for tag in ("-tw", "-hk", "-mo", "-hant"))
        return "big5" if traditional else "gb18030"
    if lang.startswith("ja"):
        return "shift_jis"
    if lang.startswith("ko"):
        return None
    return "cp1252"


def _normalizer_choice(body: bytes, codecs: list[str]) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - Scrapy installs it
        return None
    best = from_bytes(body, cp_isolation=[c.replace("-", "_") for c in codecs]).best()
    if best is None:
        return None
    name = lookup(best.encoding).name
    return next((codec for codec in codecs if lookup(codec).name == name), None)


def detect_encoding(body: bytes) -> str:
    """The codec that decodes `body` best (see the module docstring for the order)."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    counts = {codec: body.decode(codec, errors="replace").count("\ufffd") for codec in TRIAL_ORDER}
    fewest = min(counts.values())
    tied = [codec for codec in TRIAL_ORDER if counts[codec] == fewest]
    if len(tied) == 1:
        return tied[0]
    choice = _normalizer_choice(body, tied)
    if choice:
        return choice
    hint = _language_hint(body)
    return hint if hint in tied else tied[0]


def _is_multibyte_utf8(body: bytes) -> bool:
    if not _NON_ASCII_RE.search(body):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decoded_text(response: TextResponse) -> str:
    """The response's text, re-decoded when its charset is missing or wrong."""
    body = response.body
    declared = declared_encoding(response)
    if declared:
        text = (
            response.text
            if _codec(response.encoding) == declared
            else body.decode(declared, errors="replace")
        )
        if declared != "utf-8" and _is_multibyte_utf8(body):
            logger.debug("%s declares %s but is UTF-8", response.url, declared)
            return body.decode("utf-8")
        suspect = declared in _SINGLE_BYTE and _language_hint(body) in {
            "gb18030",
            "big5",
            "shift_jis",
        }
        if "\ufffd" not in text and not suspect:
            return text
        reason = "a CJK page in a single-byte charset" if suspect else "replacement characters"
    else:
        reason = "no charset declared"
    codec = detect_encoding(body)
    logger.debug("%s: %s; decoding as %s (declared %s)", response.url, reason, codec, declared)
    if declared:
        return body.decode(codec, errors="replace")
    _, text = html_to_unicode(
        None, body, default_encoding=codec, auto_detect_fun=lambda _body: codec
    )
    return text
