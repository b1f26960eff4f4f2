"""Open a delimited text file safely: recognise non-text files, decode strictly, sniff the separator."""

from __future__ import annotations

import contextlib
import csv
import itertools
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import Location, SchemaError, SourceError, ValueFormatError, reason
from ..findings import Finding
from ..settings import load_settings
from .model import ReadResult
from .normalise import ColumnEvidence

_MAGIC = {
    b"%PDF": "een PDF-document",
    b"PK\x03\x04": "een ZIP-container (xlsx, ods, docx of zip)",
    b"\xd0\xcf\x11\xe0": "een oud Office-document (xls/doc)",
    b"7z\xbc\xaf": "een 7-Zip-archief",
    b"\x1f\x8b": "een gzip-archief",
    b"{": "JSON",
    b"[": "JSON",
    b"<": "XML of HTML",
}


_HEAD = 1 << 16  # bytes looked at to recognise a file's kind
_LINE_END = re.compile(r"\r\n|\r|\n")


def _open(path: Path) -> BinaryIO:
    """The file opened for reading; a device, pipe or socket is refused (``ingest /dev/zero`` never ends)."""
    where = Location(str(path))
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise SourceError("dit is een map", location=where, expected="een CSV- of JSON-bestand")
        if not stat.S_ISREG(mode):
            raise SourceError("dit is geen gewoon bestand (een apparaat, pipe of socket)", location=where,
                              expected="een CSV- of JSON-bestand")
        return path.open("rb")
    except OSError as exc:
        raise SourceError(f"kan het bestand niet lezen: {reason(exc)}", location=where) from exc


def _check_head(path: Path, fh: BinaryIO) -> None:
    """Refuse what is no delimited text at all, from its first bytes; an empty (or only blank) file too."""
    head = fh.read(_HEAD)
    if not head.strip():
        while chunk := fh.read(1 << 20):  # only whitespace so far: is there anything at all? (bounded memory)
            if chunk.strip():
                break
        else:
            raise SourceError("het bestand is leeg", location=Location(str(path)))
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()[:8]
    for magic, what in _MAGIC.items():
        if start.startswith(magic):
            raise SourceError(f"het bestand is {what}, geen tekstbestand met scheidingstekens",
                              location=Location(str(path), 1), expected="CSV-tekst")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceError("het bestand is UTF-16; sla het op als UTF-8", location=Location(str(path), 1),
                          expected="CSV-tekst in UTF-8")
    fh.seek(0)


def _lines(path: Path, fh: BinaryIO, max_line: int) -> Iterator[str]:
    """The file's physical lines as text with their line ends (CR, LF or CRLF, like universal newlines), decoded
    strictly; a NUL byte, a line longer than ``max_line`` bytes or a byte that is not UTF-8 is refused naming its
    exact line. Reads one line at a time: memory stays bounded whatever the file."""
    lineno = 0
    first = True
    while raw := fh.readline(max_line + 1):
        lineno += 1
        if b"\x00" in raw:
            raise SourceError("het bestand bevat NUL-bytes (binair of UTF-16)", location=Location(str(path), lineno),
                              expected="CSV-tekst in UTF-8")
        if len(raw) > max_line and not raw.endswith(b"\n"):
            raise SourceError(f"regel {lineno} is langer dan {max_line} bytes (instelling max_line_bytes)",
                              location=Location(str(path), lineno), expected="rijen van een begrotingstabel")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            hint = ""
            with contextlib.suppress(UnicodeDecodeError):
                raw.decode("cp1252")
                hint = "; het lijkt Windows-1252: sla het op als UTF-8"
            offset = fh.tell() - len(raw) + exc.start
            raise SourceError(f"byte 0x{raw[exc.start]:02x} op positie {offset} is geen UTF-8{hint}",
                              location=Location(str(path), lineno), expected="tekst in UTF-8") from exc
        if first:
            text, first = text.removeprefix("\ufeff"), False
        if "\r" in text.rstrip("\r\n"):  # lone CRs end lines too (old Mac files), as universal newlines would
            parts = _LINE_END.split(text)
            ends = _LINE_END.findall(text)
            for i, part in enumerate(parts):
                piece = part + (ends[i] if i < len(ends) else "")
                if piece:
                    yield piece
            continue
        yield text


def read_text(path: Path) -> str:
    """Return the file's text (UTF-8, BOM removed) or raise SourceError naming the line of the first bad byte.
    For small files only; the readers of tables stream with ``rows``."""
    fh = _open(path)
    with fh:
        _check_head(path, fh)
        return "".join(_lines(path, fh, int(load_settings()["max_line_bytes"])))


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    sep = max(counts, key=lambda s: counts[s])
    return sep if counts[sep] else ","


@dataclass
class Blank:
    """Blank rows (no cell with content) of a file: counted, with the first 50 row numbers."""

    count: int = 0
    rows: list[int] = field(default_factory=list)


@dataclass
class Body:
    """The data rows of a file as (physical line number, cells), read as they are asked for. Blank rows are
    counted, not yielded: a flood of blank lines costs no memory. At most ``max_cells`` cells."""

    path: Path
    rows: Iterator[tuple[int, list[str]]]
    blank: Blank

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self.rows

    def note_blank(self, result: ReadResult, *, per_row: bool = True) -> None:
        """Account for the blank rows in a reader's result: rows read, and one 'empty-row' finding (per_row: as
        if one finding per row had been made, the form the set-based bulk path stores)."""
        if not self.blank.count:
            return
        result.rows_read += self.blank.count
        result.blank_rows += self.blank.count
        if per_row:
            first = Finding("empty-row", Location(str(self.path), self.blank.rows[0]), count=1)
            first.occurrences, first.more_rows = self.blank.count, tuple(self.blank.rows)
            result.findings.append(first)
        else:
            result.findings.append(Finding("empty-row", Location(str(self.path)), count=self.blank.count))


def _reader(path: Path, fh: BinaryIO, separator: str | None, max_line: int) -> tuple[Any, list[str], str]:
    """A csv reader positioned after the header, the header and the separator."""
    _check_head(path, fh)
    lines = _lines(path, fh, max_line)
    first = next(lines, "")
    sep = separator or sniff_separator(first)
    reader = csv.reader(itertools.chain([first], lines), delimiter=sep, strict=True)
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - _check_head rejects empty files
        raise SourceError("geen kopregel", location=Location(str(path), 1)) from exc
    except csv.Error as exc:
        raise SourceError("ongeldige CSV-kopregel", location=Location(str(path), 1),
                          expected="één kopregel met kolomnamen") from exc
    return reader, [h.strip() for h in header], sep


def rows(path: Path, *, separator: str | None = None, note: str = "") -> tuple[list[str], Body, str]:
    """Header and the data rows (a ``Body``), streamed from the file: the file is open only while the rows are
    being read (it is opened again for them), so a caller that wants only the header leaves nothing open. ``note``
    is added to the max_cells error (why this file is read row by row)."""
    settings = load_settings()
    max_line, max_cells = int(settings["max_line_bytes"]), int(settings["max_cells"])
    with _open(path) as fh:
        _, header, sep = _reader(path, fh, separator, max_line)
    blank = Blank()

    def data() -> Iterator[tuple[int, list[str]]]:
        with _open(path) as fh:
            reader, _, _ = _reader(path, fh, sep, max_line)
            start = reader.line_num + 1
            cells_read = len(header)
            try:
                for cells in reader:
                    # reader.line_num is the physical line where this record ended; start is where it began
                    if not any(c.strip() for c in cells):
                        blank.count += 1
                        if len(blank.rows) < 50:
                            blank.rows.append(reader.line_num)
                        start = reader.line_num + 1
                        continue
                    cells_read += len(cells)
                    if cells_read > max_cells:
                        raise SourceError(f"het bestand heeft meer dan {max_cells} cellen (instelling max_cells){note}",
                                          location=Location(str(path), reader.line_num),
                                          expected="een begrotingstabel; verhoog max_cells voor een grotere")
                    _check_width(cells, header, path, reader.line_num, sep)
                    yield reader.line_num, cells
                    start = reader.line_num + 1
            except csv.Error as exc:
                raise SourceError(f"ongeldige CSV{_csv_reason(exc)}", location=Location(str(path), start),
                                  expected="volledige rijen; een cel tussen aanhalingstekens moet met een "
                                           "aanhalingsteken eindigen") from exc

    return header, Body(path, data(), blank), sep


def column_styles(path: Path, columns: Sequence[int | None], *, separator: str | None = None,
                  default: str | None = None) -> dict[int, str | None]:
    """The number convention of each amount column ('en', 'nl', or None), decided from the whole column in a first
    pass over the file (streamed: only the evidence is kept); a column whose cells tell nothing gets ``default``,
    the convention its source format documents, if it has one. A file that cannot be read to its end is judged on
    the rows before the problem; the reader's own pass then raises it in order."""
    evidence = {i: ColumnEvidence() for i in columns if i is not None}
    _, body, _ = rows(path, separator=separator)
    try:
        for _, cells in body:
            for i, ev in evidence.items():
                if i < len(cells):
                    ev.add(cells[i])
    except SourceError:
        pass
    return {i: ev.style(default) for i, ev in evidence.items()}


def _check_width(cells: list[str], header: list[str], path: Path, lineno: int, sep: str) -> None:
    """A row must have one cell per header column: fewer means a cut-off row, more (with content) a separator inside
    an unquoted cell; both would shift or drop amounts silently. Empty rows and trailing empty cells are fine."""
    width = len(header)
    if len(cells) == width or not any(c.strip() for c in cells):
        return
    if len(cells) < width:
        raise ValueFormatError(f"de rij heeft {len(cells)} {'cel' if len(cells) == 1 else 'cellen'}, de kopregel "
                               f"{width}; de rij is afgebroken",
                               location=Location(str(path), lineno, header[len(cells)]),
                               expected=f"één cel per kolom, gescheiden door {_SEP_NAMES.get(sep, sep)!r}")
    if any(c.strip() for c in cells[width:]):
        raise ValueFormatError(f"de rij heeft {len(cells)} cellen, de kopregel {width}; staat er een scheidingsteken "
                               "in een cel zonder aanhalingstekens?", location=Location(str(path), lineno),
                               expected=f"één cel per kolom; cellen met {sep!r} horen tussen aanhalingstekens")


_SEP_NAMES = {"\t": "tab"}
_CSV_REASONS = {"unexpected end of data": "het bestand eindigt midden in een cel tussen aanhalingstekens",
                "new-line character seen in unquoted field": "een regeleinde in een cel zonder aanhalingstekens",
                "field larger than field limit": "een cel is groter dan de limiet"}


def _csv_reason(exc: csv.Error) -> str:
    """What the csv module found, in Dutch (its own text is English)."""
    text = str(exc).lower()
    return next((f": {nl}" for en, nl in _CSV_REASONS.items() if en in text), "")


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
        raise SchemaError(f"kolom '{candidates[0]}' ontbreekt", location=Location(str(path), 1, candidates[0]),
                          expected="een kopregel met " + " of ".join(repr(c) for c in candidates))
    return None


def is_header_row(cells: list[str], header: list[str]) -> bool:
    """A repeated header inside the data: at least half of the non-empty header names recur in place."""
    names = [(i, h.lower()) for i, h in enumerate(header) if h]
    same = sum(1 for i, h in names if i < len(cells) and cells[i].strip().lower() == h)
    return bool(names) and same * 2 >= len(names)


def not_data(cells: list[str], header: list[str], path: Path, lineno: int, findings: list[Finding]) -> bool:
    """An empty row or a repeated header: not data. Says so as a finding (empty-row, header-row-in-data)."""
    if not any(c.strip() for c in cells):
        findings.append(Finding("empty-row", Location(str(path), lineno), count=1))
        return True
    if is_header_row(cells, header):
        findings.append(Finding("header-row-in-data", Location(str(path), lineno)))
        return True
    return False
