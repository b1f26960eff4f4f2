"""Readers, one per published format, and the detection that picks one for a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from ..errors import Location, SourceError, UnknownFormatError, reason
from . import begrotingsstaten, btabel, bulk, gevolgen, owb_json, textfile
from .model import ReadResult

READERS: tuple[ModuleType, ...] = (bulk, btabel, gevolgen, begrotingsstaten)
JSON_READERS: tuple[ModuleType, ...] = (owb_json,)
# JSON files that sit beside a table as its description, never a table themselves (folders skip them)
SIDECARS = ("tables_meta.json",)
SIDECAR_SUFFIX = ".provenance.json"


def is_json(path: Path) -> bool:
    """A file whose first character (after a BOM and white space) opens a JSON array or object."""
    try:
        with path.open("rb") as fh:
            head = fh.read(64)
    except OSError as exc:
        raise SourceError(f"kan het bestand niet lezen: {reason(exc)}", location=Location(str(path))) from exc
    return head.lstrip(b"\xef\xbb\xbf").lstrip()[:1] in (b"[", b"{")


def is_sidecar(path: Path) -> bool:
    return path.name in SIDECARS or path.name.endswith(SIDECAR_SUFFIX)


def detect(path: Path) -> ModuleType:
    """The reader whose header (or JSON layout) fits the file, or UnknownFormatError naming what was expected."""
    if is_json(path):
        return _detect_json(path)
    header, _, _ = textfile.rows(path)
    for reader in READERS:
        matcher: Callable[[list[str]], bool] = reader.matches
        if matcher(header):
            return reader
    shown = ", ".join(h[:40] for h in header[:5] if h) or "een lege eerste regel"
    raise UnknownFormatError(
        f"geen lezer herkent de kopregel ({shown}{', ...' if len(header) > 5 else ''})",
        location=Location(str(path), 1),
        expected="een B-tabel (Bedrag t-2 .. t+4), begrotingsstaten, 'budgettaire gevolgen' (tabel_id, kolom, waarde)"
                 " of een bulkbestand van rijksfinancien.nl (IBOSnummer, StandOWB ...)")


def _detect_json(path: Path) -> ModuleType:
    data, _ = owb_json.load(path)
    for reader in JSON_READERS:
        matcher: Callable[[object], bool] = reader.matches_json
        if matcher(data):
            return reader
    if isinstance(data, list) and data and isinstance(data[0], dict):
        shown = ", ".join(str(k)[:40] for k in list(data[0])[:5])
        what = f"een lijst van records met de sleutels {shown}{', ...' if len(data[0]) > 5 else ''}"
    else:
        what = "een lijst van records" if isinstance(data, list) else f"een JSON-{type(data).__name__}"
        what = what.replace("dict", "object").replace("list", "lijst")
    raise UnknownFormatError(
        f"geen lezer herkent deze JSON ({what})", location=Location(str(path), 1),
        expected="een JSON-lijst van de B-tabel van een ontwerpbegroting van rijksfinancien.nl (records met vuo, "
                 "jaar, hoofdstuk, artikel, nr_onderverdeling, financieel_instrument, bedrag, uitsplitsing, premie "
                 "...)")


def read(path: Path) -> ReadResult:
    reader = detect(path)
    result: ReadResult = reader.read(path)
    return result


__all__ = ["JSON_READERS", "READERS", "ReadResult", "detect", "is_json", "is_sidecar", "read"]
