"""Files maskscreen keeps in the user cache (compiled patterns, derived expressions, the
language model unpacked, passed canary checks): where they live and how one is written,
whole or not at all, so that a reader never sees half a file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def cache_dir(*parts: str) -> Path:
    """<the user cache>/maskscreen/<parts>."""
    import platformdirs  # a dependency; imported here, off the import of the callers

    return Path(platformdirs.user_cache_dir("maskscreen"), *parts)


def replace_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write `path` through `write(stream)` into a file of this process beside it, then
    put that in its place; on any failure (OSError and others, raised) nothing is left."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as stream:
            write(stream)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
