"""Readers, one per published format, and the detection that picks one for a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from ..errors import Location, UnknownFormatError
from . import begrotingsstaten, btabel, bulk, gevolgen, textfile
from .model import ReadResult

READERS: tuple[ModuleType, ...] = (bulk, btabel, gevolgen, begrotingsstaten)


def detect(path: Path) -> ModuleType:
    """The reader whose header fits the file, or UnknownFormatError naming what was expected."""
    header, _, _ = textfile.rows(path)
    for reader in READERS:
        matcher: Callable[[list[str]], bool] = reader.matches
        if matcher(header):
            return reader
    shown = ", ".join(h[:40] for h in header[:5] if h) or "an empty first line"
    raise UnknownFormatError(
        f"no reader recognises the header ({shown}{', ...' if len(header) > 5 else ''})",
        location=Location(str(path), 1),
        expected="a B-tabel (Bedrag t-2 .. t+4), begrotingsstaten, 'budgettaire gevolgen' (tabel_id, kolom, waarde)"
                 " or rijksfinancien.nl bulk (IBOSnummer, StandOWB ...) file")


def read(path: Path) -> ReadResult:
    reader = detect(path)
    result: ReadResult = reader.read(path)
    return result


__all__ = ["READERS", "ReadResult", "detect", "read"]
