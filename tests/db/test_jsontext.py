"""The store's JSON text: the standard library's compact JSON, written faster.

Strings, None, booleans, integers and containers of them come out byte for byte as
``json.dumps(value, ensure_ascii=False, separators=(",", ":"))``; floats read back
as the same float; the content hash's bytes never change.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import OrderedDict
from datetime import UTC, datetime

import pytest

from maskscreen.db import jsontext, store


def stdlib(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


EXACT = [
    {"a": 1, "b": [None, True, False, -7, 2**63 - 1]},
    {"title": "全脸硅胶面具", "quote": 'say "hi"\\n\t\r\b\f', "emoji": "🙂", "ctl": "\x00\x1f\x7f"},
    [], {}, "text", None, 0, -1, "\u2028\u2029",
    {"nested": {"deeper": [{"x": [1, [2, [3]]]}]}},
    ("a", "tuple"),
    {1: "int key", None: "none key"},  # keys that are not strings: the standard library
    2**70,  # beyond 64 bits: the standard library
    OrderedDict(b=1, a=2),  # a dict subclass: the standard library
]  # fmt: skip


@pytest.mark.parametrize("value", EXACT)
def test_dumps_matches_json_dumps(value: object) -> None:
    assert jsontext.dumps(value) == stdlib(value)


def test_every_code_point_is_written_as_the_standard_library_writes_it() -> None:
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert jsontext.dumps(text) == stdlib(text)
    assert jsontext.dumps({text: [text]}) == stdlib({text: [text]})


@pytest.mark.parametrize("value", [-1.25, 0.1, 1 / 3, 1e-05, 1e-7, 1e100, 5e-324, -0.0, 0.9301])
def test_floats_read_back_as_the_same_float(value: float) -> None:
    written = jsontext.dumps({"score": value, "scores": [value]})
    assert json.loads(written) == {"score": value, "scores": [value]}
    assert math.copysign(1, json.loads(written)["score"]) == math.copysign(1, value)


def test_nan_and_infinity_are_written_as_null() -> None:
    assert json.loads(jsontext.dumps([float("nan"), float("inf"), -float("inf")])) == [None] * 3


def test_a_lone_surrogate_goes_through_the_standard_library() -> None:
    assert jsontext.dumps({"bad": "\ud800"}) == stdlib({"bad": "\ud800"})


def test_dumps_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        jsontext.dumps({"when": object()})
    with pytest.raises(TypeError):  # orjson would write it; the store never did
        jsontext.dumps({"when": datetime(2026, 1, 1, tzinfo=UTC)})


def test_without_orjson_the_text_is_the_standard_librarys(monkeypatch) -> None:
    monkeypatch.setattr(jsontext, "_orjson", None)
    for value in [*EXACT, 1e-05, float("nan")]:
        assert jsontext.dumps(value) == stdlib(value)


def test_dumps_is_a_plain_function_for_psycopg() -> None:
    # psycopg caches JSON dumpers by function and logs a warning for closures.
    assert jsontext.dumps.__closure__ is None


@pytest.mark.parametrize(
    "fields",
    [
        {"a": None, "b": '全脸 "quoted" \\ \x01 🙂', "c": ["x", "y\n"], "d": []},
        {"price": 12.5, "title": "a float goes through the standard library"},
        {"title": "a number in a list", "images": ["a.jpg", 3]},
        {"title": "ok", "seller": 7},
    ],
)
def test_exact_bytes_are_the_standard_librarys(fields: dict) -> None:
    assert jsontext.exact_bytes(fields) == stdlib(fields).encode("utf-8")


def test_the_content_hash_does_not_change() -> None:
    # Hashes stored by earlier versions must still match the same content.
    record = {
        "title": "Realistic silicone mask 全脸",
        "description": 'Line one\nline "two" \\ \t🙂',
        "price": "129.90",
        "currency": "USD",
        "seller": "Mask Lab",
        "brand": None,
        "category": "masks",
        "images": ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"],
    }
    visible = {key: record.get(key) for key in sorted(record)}
    expected = hashlib.sha256(stdlib(visible).encode("utf-8")).hexdigest()
    assert store.content_hash(record) == expected


def test_a_lone_surrogate_in_the_content_hash_fails_as_before() -> None:
    with pytest.raises(UnicodeEncodeError):
        store.content_hash({"title": "\ud800"})


@pytest.mark.parametrize(
    "text",
    [
        '{"a":[1,2.5,null,true],"b":"名前"}',
        "[]",
        '"x"',
        "12345678901234567890123",
        "-9223372036854775809",
        "9223372036854775807",
        '{"a":1e-05}',
    ],
)
def test_loads_reads_as_the_standard_library_does(text: str) -> None:
    import json

    assert jsontext.loads(text) == json.loads(text)
    assert jsontext.loads(text.encode()) == json.loads(text)


def test_loads_refuses_what_the_standard_library_refuses() -> None:
    import json

    with pytest.raises(json.JSONDecodeError):
        jsontext.loads("{bad")
