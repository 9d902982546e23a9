"""The store's JSON text is exactly the standard library's compact JSON."""

from __future__ import annotations

import json

import pytest

from db import encoding


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1.5, None, True, False]},
        {"title": "全脸硅胶面具", "quote": 'say "hi"\\n', "emoji": "🙂"},
        [], {}, "text", None, 0, -1.25, 1e100, float("nan"), float("inf"),
        {"nested": {"deeper": [{"x": [1, [2, [3]]]}]}},
        ("a", "tuple"),
    ],
)  # fmt: skip
def test_dumps_matches_json_dumps(value: object) -> None:
    assert encoding.dumps(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def test_dumps_refuses_what_json_refuses() -> None:
    with pytest.raises(TypeError):
        encoding.dumps({"when": object()})


def test_dumps_is_a_plain_function_for_psycopg() -> None:
    # psycopg caches JSON dumpers by function and logs a warning for closures.
    assert encoding.dumps.__closure__ is None
