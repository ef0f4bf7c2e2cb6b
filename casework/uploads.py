"""A file sent in a form, copied to disk within a size limit."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from casework.errors import ValidationError
from casework.i18n import lazy_gettext as _l

CHUNK = 64 * 1024


def copy_limited(source: BinaryIO, path: Path, max_bytes: int, too_large: str) -> int:
    """Copy `source` to `path`; ValidationError on the "file" field with `too_large` when it passes
    `max_bytes`, or when it is empty. Returns the size."""
    size = 0
    with path.open("wb") as target:
        while chunk := source.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise ValidationError(too_large, "file")
            target.write(chunk)
    if size == 0:
        raise ValidationError(str(_l("The file is empty.")), "file")
    return size
