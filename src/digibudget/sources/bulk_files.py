"""Reading bulk files exactly as Python's csv module does, for the set-based path (bulk_sql): the header, the
physical line count, the lines that hold a quote, and re-reading one row to raise the row reader's own error."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb

from ..errors import Location, ValueFormatError
from . import bulk, textfile
from .model import MAX_AMOUNT as MAX_AMOUNT  # re-exported for bulk_sql

HEAD_BYTES = 1 << 20


def header_of(path: Path) -> tuple[list[str], str, str] | None:
    """(header, separator, the first line's ending) of a file that looks like a clean bulk file, else None."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
    except OSError:
        return None
    if b"\x00" in head[:4096] or head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\n" not in head:
        return None
    first = head.split(b"\n", 1)[0]
    if b'"' in first:
        return None
    try:
        text = first.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None
    ending = "\r\n" if text.endswith("\r") else "\n"
    text = text.removesuffix("\r")
    if "\r" in text or not text.strip():
        return None
    sep = textfile.sniff_separator(text)
    header = [h.strip() for h in next(csv.reader([text], delimiter=sep))]
    return (header, sep, ending) if bulk.matches(header) else None


# a CR that no LF follows: Python's csv module ends a line there, DuckDB does not (one regex pass; counting CR and
# CRLF separately took two passes over every byte: 1.56 against 0.68 s for the 927 MB of the 5M benchmark)
_LONE_CR = re.compile(rb"\r(?!\n)")
CHUNK_BYTES = 1 << 24  # read at a time (then to the end of its line)


def scan(path: Path) -> tuple[int, bool, list[tuple[int, bytes]]] | None:
    """(physical lines as Python's csv module counts them, ends with a line break, the lines holding a quote), or
    None when a CR stands alone (csv counts it as a line break, DuckDB does not)."""
    lf = 0
    last = b""
    quoted: list[tuple[int, bytes]] = []
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK_BYTES):
            if not chunk.endswith(b"\n"):
                chunk += fh.readline()  # whole lines only (so a CR before a chunk's end is followed within it)
            if b"\r" in chunk and _LONE_CR.search(chunk):
                return None
            pos, seen, counted = chunk.find(b'"'), 0, 0
            while pos != -1:
                start = chunk.rfind(b"\n", 0, pos) + 1
                end = chunk.find(b"\n", pos)
                end = len(chunk) if end == -1 else end
                counted += chunk.count(b"\n", seen, start)
                seen = start
                quoted.append((lf + counted + 1, chunk[start:end].removesuffix(b"\r")))
                pos = chunk.find(b'"', end)
            lf += chunk.count(b"\n")
            last = chunk[-1:]
    ends = last == b"\n"
    return lf + (0 if ends else 1), ends, quoted


def differently_split(con: duckdb.DuckDBPyConnection, raw: str, width: int, sep: str,
                       files: dict[int, tuple[int, list[tuple[int, bytes]]]]) -> set[int]:
    """The files in which DuckDB split a line holding a quote differently from Python's csv module (strict)."""
    where = {lo + lineno - 2: (fid, data) for fid, (lo, quoted) in files.items() for lineno, data in quoted}
    if not where:
        return set()
    rows = dict(con.execute(f"SELECT rowid, [{', '.join(f'c{i}' for i in range(width + 1))}] FROM {raw} "
                            "WHERE rowid IN (SELECT unnest(?::BIGINT[]))", [list(where)]).fetchall())
    bad: set[int] = set()
    for rowid, (fid, data) in where.items():
        try:
            cells = next(csv.reader([data.decode("utf-8")], delimiter=sep, strict=True))
        except (UnicodeDecodeError, csv.Error, StopIteration):
            bad.add(fid)
            continue
        got = rows.get(rowid)
        if got is None or len(cells) != width or got[width] is not None or list(got[:width]) != cells:
            bad.add(fid)
    return bad


def cells_of(path: Path, sep: str, lineno: int) -> list[str]:
    """The cells of one physical row (a staged file has no blank lines and no line breaks in cells), read again
    exactly as Python's csv module reads them."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for i, cells in enumerate(csv.reader(fh, delimiter=sep, strict=True), start=1):
            if i == lineno:
                return cells
    raise ValueFormatError("rij niet gevonden", location=Location(str(path), lineno))  # pragma: no cover


def raise_for_row(path: Path, lay: bulk.Layout, sep: str, lineno: int) -> None:
    """Raise the Python reader's error for this row; return when it has none."""
    cells = cells_of(path, sep, lineno)
    textfile._check_width(cells, lay.header, path, lineno, sep)
    bulk.parse_row(path, lay, lineno, cells, [])


def refuse_amount(path: Path, lay: bulk.Layout, sep: str, lineno: int) -> None:
    line, _ = bulk.parse_row(path, lay, lineno, cells_of(path, sep, lineno), [])
    for a in line.amounts if line else []:
        if not a.value.is_finite() or abs(a.value) >= MAX_AMOUNT:
            raise ValueFormatError(f"bedrag {a.value} valt buiten het bereik",
                                   location=Location(str(path), lineno, a.source_column))
    raise ValueFormatError("een bedrag valt buiten het bereik",
                           location=Location(str(path), lineno))  # pragma: no cover
