"""JSON text for the store: the JSON columns and the listing content hash.

Output is exactly ``json.dumps(obj, ensure_ascii=False, separators=(",", ":"))``:
compact, with non-ASCII text (Chinese titles, say) kept readable. It is faster on
small values because ``JSONEncoder.encode`` builds a new C encoder on every call,
and a batch of 500 listings encodes 2,000 small values; here it is built once.
"""

from __future__ import annotations

import json
import json.encoder
from typing import Any

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
    """Compact JSON text of ``obj``.

    A plain module function on purpose: psycopg caches JSON dumpers by function and
    warns about closures.
    """
    if _C_ENCODE is None:
        return _ENCODER.encode(obj)
    return "".join(_C_ENCODE(obj, 0))
