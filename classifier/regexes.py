"""Regular expressions compiled once per machine, not once per process.

The concept lexicon compiles into a trie of about 100,000 characters and the signal
patterns into a dozen long alternations: Python's `re` parses and compiles them in
Python code, which was most of the start-up of a one-off `maskscreen check --text`.
`compile` keeps what `re` makes of a pattern (its code: a list of integers) in the user
cache, as an .npz file named by the pattern, Python's version and the engine's, and
hands it to the engine again next time. Nothing is unpickled: the code is an integer
array, and the engine checks any code it is given before it runs it (`invalid SRE code`);
the file also carries the sha256 of its pattern and code, and one that does not match,
or any failure to read or write, falls back to `re.compile`, the reference.

A pattern made here equals `re.compile(pattern)` (`==` on patterns compares their
code): tests/classifier/test_speed_patterns.py holds it to that.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
import sys
from pathlib import Path

import numpy as np

from maskscreen.classifier.usercache import cache_dir, replace_atomically

logger = logging.getLogger(__name__)

# Patterns shorter than this compile faster than a file is read.
MIN_CACHED_LENGTH = 2_000


def compile(pattern: str) -> re.Pattern[str]:  # noqa: A001  (re's name, on purpose)
    """`re.compile(pattern)`, from the cache where it holds the pattern's code."""
    engine = _engine()
    if engine is None or len(pattern) < MIN_CACHED_LENGTH:
        return re.compile(pattern)
    key = _key(pattern, engine)
    path = _cache_dir() / f"{key}.npz"
    if path.is_file():
        cached = _load(path, pattern, key, engine)
        if cached is not None:
            return cached
    try:
        compiled, parts = _fresh(pattern, engine)
    except Exception as exc:  # another Python's private compiler (or a bad pattern): re's
        logger.debug("compiling without the cache: %s: %s", type(exc).__name__, exc)
        return re.compile(pattern)  # own way, which raises re.error for a bad pattern
    _save(path, key, parts)
    return compiled


@functools.cache
def code_version(path: str) -> str:
    """The sha256 of a module's code (its file, `module.__file__`): an expression that code
    wrote, kept by `derived`, is used again only by the same code."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def derived(kind: str, sources: tuple[str, ...], make) -> str | None:
    """`make()`, an expression written from `sources` (dispatch.dispatched: thousands of
    parsed pieces written out again, most of the set-up of a one-off check), kept in the
    user cache under the sha256 of `kind` (which names the code that writes it), Python's
    version and `sources`; a record whose digest does not match is written again."""
    key = hashlib.sha256(json.dumps([kind, sys.version, sources]).encode("utf-8")).hexdigest()
    path = _cache_dir() / "derived" / f"{key}.json"
    try:
        record = json.loads(path.read_text("utf-8"))
        if record["sha256"] == _text_digest(key, record["text"]):
            return record["text"]
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not kept yet, or damaged: written again
    made = make()
    record = json.dumps({"text": made, "sha256": _text_digest(key, made)}).encode("utf-8")
    try:
        replace_atomically(path, lambda stream: stream.write(record))
    except OSError as exc:  # a read-only or full home: written again next time
        logger.debug("cannot keep a derived expression in %s: %s", path, exc)
    return made


def _text_digest(key: str, text: str | None) -> str:
    return hashlib.sha256(json.dumps([key, text]).encode("utf-8")).hexdigest()


def _engine():
    """re's compiler and the engine's constructor (private: None where they differ)."""
    try:
        import _sre
        from re import _compiler, _parser

        return _sre, _compiler, _parser
    except ImportError:
        return None


def _key(pattern: str, engine) -> str:
    sre = engine[0]
    versions = [sys.version, sre.MAGIC, sre.CODESIZE, sre.MAXREPEAT, sre.MAXGROUPS]
    text = json.dumps([versions, pattern], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cache_dir() -> Path:
    return cache_dir("regexes")


def _fresh(pattern: str, engine) -> tuple[re.Pattern[str], dict]:
    """What re._compiler.compile does, keeping the code it makes."""
    sre, compiler, parser = engine
    parsed = parser.parse(pattern, 0)
    code = compiler._code(parsed, 0)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    parts = {
        "flags": parsed.state.flags,
        "code": code,
        "groups": parsed.state.groups - 1,
        "groupindex": groupindex,
        "indexgroup": indexgroup,
    }
    return _build(pattern, parts, engine), parts


def _build(pattern: str, parts: dict, engine) -> re.Pattern[str]:
    return engine[0].compile(
        pattern,
        parts["flags"],
        list(parts["code"]),
        parts["groups"],
        parts["groupindex"],
        tuple(parts["indexgroup"]),
    )


def _digest(key: str, meta: dict, code: np.ndarray) -> str:
    h = hashlib.sha256(key.encode("ascii"))
    h.update(json.dumps(meta, sort_keys=True).encode("utf-8"))
    h.update(np.ascontiguousarray(code, dtype=np.uint32).tobytes())
    return h.hexdigest()


def _save(path: Path, key: str, parts: dict) -> None:
    meta = {k: parts[k] for k in ("flags", "groups", "groupindex", "indexgroup")}
    code = np.asarray(parts["code"], dtype=np.uint32)
    record = {"meta": meta, "sha256": _digest(key, meta, code)}
    record_bytes = np.frombuffer(json.dumps(record).encode("utf-8"), dtype=np.uint8)
    try:
        replace_atomically(path, lambda stream: np.savez(stream, code=code, record=record_bytes))
    except OSError as exc:  # a read-only or full home: compiled again next time
        logger.debug("cannot keep compiled patterns in %s: %s", path, exc)


def _load(path: Path, pattern: str, key: str, engine) -> re.Pattern[str] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            code = data["code"]
            record = json.loads(data["record"].tobytes().decode("utf-8"))
        meta = record["meta"]
        if code.dtype != np.uint32 or code.ndim != 1:
            raise ValueError(f"code of type {code.dtype}, {code.ndim} dimensions")
        if record["sha256"] != _digest(key, meta, code):
            raise ValueError("its digest does not match")
        return _build(pattern, {**meta, "code": code.tolist()}, engine)
    except Exception as exc:  # damaged, truncated, another layout, code the engine refuses
        logger.warning("ignoring compiled patterns %s (%s): compiling again", path, exc)
        return None
