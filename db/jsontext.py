"""JSON text for the store: the JSON columns and the listing content hash.

The text is compact (``,`` and ``:`` separators), keeps non-ASCII text readable
(Chinese titles, say) and keeps each dict's key order. orjson writes it: the
store encodes five small values per listing (the content hash, images, scores,
signals, reasons), and the standard library spends about ten times as long on
each. The two agree byte for byte on strings (every code point; a test checks),
None, booleans, integers, and lists and dicts of them. Floats are written in
their shortest form, which may be spelt differently from Python's repr
(``0.00001`` for ``1e-05``) but always reads back as the same float; NaN and
infinities, which are not JSON, are written as null. Whatever orjson does not
take (other types, subclasses of the built-in types, keys that are not strings,
lone surrogates, integers beyond 64 bits, very deep nesting) is written by the
standard library, as ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))``
would write it, or refused as it would refuse it (TypeError).

The listing content hash must never change for the same content, so
``exact_bytes`` uses orjson only where the two agree exactly.
"""

from __future__ import annotations

import json
import json.encoder
import re
from typing import Any

try:
    import orjson as _orjson
except ImportError:  # a platform without an orjson wheel: the standard library alone
    # mypy types the name as the orjson module; None marks it absent, and every use checks.
    _orjson = None  # type: ignore[assignment]

# Types orjson would write in its own way (datetimes as RFC 3339, dataclasses as
# objects, str/int/dict subclasses) go to its `default`, which has none: TypeError,
# and the standard library decides, as it always did.
_OPTIONS = (
    _orjson.OPT_PASSTHROUGH_DATETIME
    | _orjson.OPT_PASSTHROUGH_DATACLASS
    | _orjson.OPT_PASSTHROUGH_SUBCLASS
    if _orjson is not None
    else 0
)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_MAKE_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # None without the C accelerator
# Arguments as JSONEncoder.iterencode passes them; markers=None: no cycle check.
_C_ENCODE = (
    _MAKE_C_ENCODER(
        None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",", False, False, True
    )
    if _MAKE_C_ENCODER is not None
    else None
)


def dumps(obj: Any) -> str:
    """Compact JSON text of ``obj`` (see the module's docstring for floats).

    A plain module function on purpose: psycopg caches JSON dumpers by function and
    warns about closures.
    """
    if _orjson is not None:
        try:
            return _orjson.dumps(obj, option=_OPTIONS).decode()
        except TypeError:  # orjson.JSONEncodeError included
            pass
    return stdlib_dumps(obj)


_LONG_TEXT = re.compile(r"\d{19}")
_LONG_BYTES = re.compile(rb"\d{19}")


def loads(text: str | bytes) -> Any:
    """The value of JSON text, as ``json.loads`` gives it (the engines' JSON reader).

    orjson reads it when it can (about five times as fast: the export reads two JSON
    values per row). Text with a run of 19 or more digits (an integer orjson would read
    as a float) and text orjson refuses go to the standard library, which decides as it
    always did.
    """
    if isinstance(text, str):
        plain = _LONG_TEXT.search(text) is None
    else:
        plain = _LONG_BYTES.search(text) is None
    if _orjson is not None and plain:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass
    return json.loads(text)


def stdlib_dumps(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))``, with the C encoder
    built once (``JSONEncoder.encode`` builds a new one on every call)."""
    if _C_ENCODE is None:
        return _ENCODER.encode(obj)
    return "".join(_C_ENCODE(obj, 0))


def exact_bytes(fields: dict[str, Any]) -> bytes:
    """UTF-8 of ``stdlib_dumps(fields)``, exactly, for a flat dict (the content hash).

    orjson writes it when every value is None, a str, or a list of str (where the
    two agree byte for byte); anything else goes through the standard library.
    """
    if _orjson is not None and _strings_only(fields):
        try:
            return _orjson.dumps(fields)
        except TypeError:  # a lone surrogate: UTF-8 cannot hold it below either
            pass
    return stdlib_dumps(fields).encode("utf-8")


def _strings_only(fields: dict[str, Any]) -> bool:
    """Every value None, a str, or a list of str."""
    for value in fields.values():
        if type(value) is list:
            if not all(type(item) is str for item in value):
                return False
        elif value is not None and type(value) is not str:
            return False
    return True
