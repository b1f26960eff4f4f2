"""Readers, one per published format (each fulfils sources.contract.Reader), the registry of them, and the
detection that picks one for a file. Adding a format: a module with its READER, listed in REGISTRY below."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..errors import Location, SourceError, UnknownFormatError, reason
from . import begrotingsstaten, btabel, bulk, gevolgen, owb_json, textfile
from .contract import Reader, Sample
from .model import ReadResult

# every reader, in the order detection tries them (a bulk header is also tried first by the set-based fast path)
REGISTRY: tuple[Reader, ...] = (bulk.READER, btabel.READER, gevolgen.READER, begrotingsstaten.READER,
                                owb_json.READER)
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


def suffixes() -> frozenset[str]:
    """The file name suffixes some reader accepts: what a folder scan picks up."""
    return frozenset(s for r in REGISTRY for s in r.suffixes)


def ranks() -> Mapping[str, int]:
    """The rank of every source kind (the richer kind wins where sources overlap; analyze.selection)."""
    return {r.kind: r.rank for r in REGISTRY}


def lines_only_kinds() -> frozenset[str]:
    """The kinds whose detail needs another source's article total to agree (analyze.selection)."""
    return frozenset(r.kind for r in REGISTRY if r.lines_only)


def detect(path: Path) -> Reader:
    """The reader whose header (or JSON layout) fits the file, or UnknownFormatError naming what was expected."""
    if is_json(path):
        return _detect_json(path)
    header, _, _ = textfile.rows(path)
    sample = Sample(path, header=header)
    for reader in REGISTRY:
        if reader.matches(sample):
            return reader
    shown = ", ".join(h[:40] for h in header[:5] if h) or "een lege eerste regel"
    raise UnknownFormatError(
        f"geen lezer herkent de kopregel ({shown}{', ...' if len(header) > 5 else ''})",
        location=Location(str(path), 1),
        expected="een B-tabel (Bedrag t-2 .. t+4), begrotingsstaten, 'budgettaire gevolgen' (tabel_id, kolom, waarde)"
                 " of een bulkbestand van rijksfinancien.nl (IBOSnummer, StandOWB ...)")


def _detect_json(path: Path) -> Reader:
    data, _ = owb_json.load(path)
    sample = Sample(path, data=data)
    for reader in REGISTRY:
        if reader.matches(sample):
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
    return detect(path).read(path)


__all__ = ["REGISTRY", "ReadResult", "Reader", "Sample", "detect", "is_json", "is_sidecar", "lines_only_kinds",
           "ranks", "read", "suffixes"]
