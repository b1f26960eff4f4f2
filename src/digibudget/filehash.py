"""Hashing files: the one sha256 helper for ingest (a source's identity), parliament documents and downloads."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from .errors import Location, SourceError, reason

BLOCK = 1 << 20  # read a file in blocks of 1 MiB: memory stays flat for files of any size


def blocks(fh: BinaryIO) -> Iterator[bytes]:
    while block := fh.read(BLOCK):
        yield block


def hash_into(path: Path, digest: Any) -> None:
    """Feed the bytes of ``path`` into ``digest`` (a hashlib object); OSError propagates to the caller."""
    with path.open("rb") as fh:
        for block in blocks(fh):
            digest.update(block)


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file; a file that cannot be read is a SourceError naming it."""
    h = hashlib.sha256()
    try:
        hash_into(path, h)
    except OSError as exc:
        raise SourceError(f"kan het bestand niet lezen: {reason(exc)}", location=Location(str(path))) from exc
    return h.hexdigest()
