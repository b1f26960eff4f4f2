"""Open a delimited text file safely: recognise non-text files, decode strictly, sniff the separator."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from ..errors import Location, SchemaError, SourceError, ValueFormatError

_MAGIC = {
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP container (xlsx, ods, docx or zip)",
    b"\xd0\xcf\x11\xe0": "an old Office document (xls/doc)",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"\x1f\x8b": "a gzip archive",
    b"{": "JSON",
    b"[": "JSON",
    b"<": "XML or HTML",
}


def read_text(path: Path) -> str:
    """Return the file's text (UTF-8, BOM removed) or raise SourceError naming the line of the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}", location=Location(str(path))) from exc
    if not data.strip():
        raise SourceError("the file is empty", location=Location(str(path)))
    head = data.lstrip(b"\xef\xbb\xbf").lstrip()[:8]
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise SourceError(f"the file is {what}, not a delimited text file",
                              location=Location(str(path), 1), expected="CSV text")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceError("the file is UTF-16 encoded; save it as UTF-8", location=Location(str(path), 1),
                          expected="UTF-8 CSV text")
    if b"\x00" in data[:4096]:
        raise SourceError("the file contains NUL bytes (binary or UTF-16)", location=Location(str(path), 1),
                          expected="UTF-8 CSV text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            data.decode("cp1252")
            hint = "; it looks like Windows-1252: save it as UTF-8"
        except UnicodeDecodeError:
            pass
        raise SourceError(f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8{hint}",
                          location=Location(str(path), line), expected="UTF-8 text") from exc
    return text.removeprefix("\ufeff")


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    return sep if counts[sep] else ","


def rows(path: Path, *, separator: str | None = None) -> tuple[list[str], Iterator[tuple[int, list[str]]], str]:
    """Header and an iterator of (physical line number, cells) for the data rows."""
    text = read_text(path)
    first = text.split("\n", 1)[0]
    sep = separator or sniff_separator(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - read_text rejects empty files
        raise SourceError("no header row", location=Location(str(path), 1)) from exc
    except csv.Error as exc:
        raise SourceError(f"malformed CSV header: {exc}", location=Location(str(path), 1),
                          expected="one header row of column names") from exc
    header = [h.strip() for h in header]

    def body() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        try:
            for cells in reader:
                # reader.line_num is the physical line where this record ended; start is where it began
                _check_width(cells, header, path, reader.line_num, sep)
                yield reader.line_num, cells
                start = reader.line_num + 1
        except csv.Error as exc:
            raise SourceError(f"malformed CSV: {exc}", location=Location(str(path), start),
                              expected="complete rows; a quoted cell must end with a quote") from exc

    return header, body(), sep


def _check_width(cells: list[str], header: list[str], path: Path, lineno: int, sep: str) -> None:
    """A row must have one cell per header column: fewer means a cut-off row, more (with content) a separator inside
    an unquoted cell; both would shift or drop amounts silently. Empty rows and trailing empty cells are fine."""
    width = len(header)
    if len(cells) == width or not any(c.strip() for c in cells):
        return
    if len(cells) < width:
        raise ValueFormatError(f"the row has {len(cells)} cell{'s' if len(cells) != 1 else ''}, the header {width}; "
                               "the row is cut short",
                               location=Location(str(path), lineno, header[len(cells)]),
                               expected=f"one cell per header column, separated by {_SEP_NAMES.get(sep, sep)!r}")
    if any(c.strip() for c in cells[width:]):
        raise ValueFormatError(f"the row has {len(cells)} cells, the header {width}; is there a separator inside "
                               "an unquoted cell?", location=Location(str(path), lineno),
                               expected=f"one cell per header column; cells holding {sep!r} must be quoted")


_SEP_NAMES = {"\t": "tab"}


def find_column(header: list[str], path: Path, *candidates: str, required: bool = True) -> int | None:
    """Index of the first header that starts with (case-insensitively) one of the candidates."""
    lowered = [h.lower() for h in header]
    for cand in candidates:
        c = cand.lower()
        for i, h in enumerate(lowered):
            if h == c:
                return i
        for i, h in enumerate(lowered):
            if h.startswith(c):
                return i
    if required:
        raise SchemaError(f"column '{candidates[0]}' is missing", location=Location(str(path), 1, candidates[0]),
                          expected="a header naming " + " or ".join(repr(c) for c in candidates))
    return None


def is_header_row(cells: list[str], header: list[str]) -> bool:
    """A repeated header inside the data: at least half of the non-empty header names recur in place."""
    names = [(i, h.lower()) for i, h in enumerate(header) if h]
    same = sum(1 for i, h in names if i < len(cells) and cells[i].strip().lower() == h)
    return bool(names) and same * 2 >= len(names)
