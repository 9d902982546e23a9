"""How requests travel through the Redis frontier: JSON, never pickle.

scrapy-redis pickles requests by default; a worker would then run whatever code a
pickle in the shared Redis names. This module is its SCHEDULER_SERIALIZER instead:
`request.to_dict()` as JSON, bytes (headers, bodies) tagged and base64-encoded. A
request whose meta holds something JSON cannot carry fails loudly when queued.
"""

from __future__ import annotations

import base64
import json
from typing import Any

_BYTES = "__bytes__"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {_BYTES: base64.b64encode(value).decode("ascii")}
    if isinstance(value, dict):
        return {_key(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot queue a {type(value).__name__} in the frontier (JSON only)")


def _key(key: Any) -> str:
    # Header names arrive as bytes; they come back as str, which Scrapy's Headers accept.
    return key.decode("latin-1") if isinstance(key, bytes) else str(key)


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {_BYTES}:
            return base64.b64decode(value[_BYTES])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def dumps(obj: dict) -> str:
    return json.dumps(_encode(obj), ensure_ascii=False, separators=(",", ":"))


def loads(data: str | bytes) -> dict:
    return _decode(json.loads(data))
