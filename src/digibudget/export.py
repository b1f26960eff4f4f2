"""Exports of query results without row caps: CSV, XLSX, Parquet and a Frictionless data package.

One call, ``export(results, path, fmt, ...)``, writes every view of a list of ``queries.Result`` in one format and
returns the files it wrote. Rows are streamed to disk; nothing is capped or silently rounded. Every file is first
written next to its target and moved into place only when all files of the call are complete, so a failure leaves
earlier exports as they were.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter  # type: ignore[import-untyped]

from .errors import UsageError
from .queries import Result

FORMATS = ("csv", "xlsx", "parquet", "datapackage")
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "parquet": ".parquet", "datapackage": ""}
XLSX_MAX_ROWS = 1_048_576  # rows per worksheet, header included
EXCEL_DIGITS = 15  # significant digits a spreadsheet number keeps exactly
_EXCEL_INT_LIMIT = 1_000_000_000_000_000  # 10 ** EXCEL_DIGITS
_XLSX_MAX_TEXT = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as output.csv_safe
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_AMOUNT_NAME = re.compile(r"^bedrag|_x1000$|_mln$|_eur$")
_COUNT_NAMES = frozenset({"rijen", "regels", "bedragen", "bevindingen", "voorkomens"})
_KEY_NAME = re.compile(r"(^|_)(jaar|regel|rij|id|bron|nr|nummer|code)$")
_FIXED_SHEETS = ("Bronnen", "Bevindingen", "Toelichting")
_WIDTH_SAMPLE = 2000  # rows per sheet measured for column widths


# ---------------------------------------------------------------- public helpers


def escape_text(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with an apostrophe (as ``output.csv_safe``).

    Text that already starts with apostrophes before such a character gets one more, so ``unescape_text`` restores
    every original exactly.
    """
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


def unescape_text(text: str) -> str:
    """The inverse of ``escape_text``, for reading an exported CSV back."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START) else text


def amount_columns(result: Result) -> list[str]:
    """The columns the Result's unit applies to: named as amounts (bedrag*, *_x1000, *_mln, *_eur), or else every
    column holding decimals (except percentages). None when the Result has no unit."""
    if not result.unit:
        return []
    named = [c for c in result.columns if _AMOUNT_NAME.search(c)]
    if named:
        return named
    return [c for i, c in enumerate(result.columns) if "pct" not in c and "aandeel" not in c
            and any(isinstance(row[i], Decimal) for row in result.rows)]


def headers(result: Result) -> list[str]:
    """The column headers with the unit where it applies: ``bedrag_x1000 (x € 1.000)``."""
    amounts = set(amount_columns(result))
    return [f"{c} ({result.unit})" if c in amounts else c for c in result.columns]


def slug(text: str, fallback: str = "tabel") -> str:
    """Lowercase ASCII letters, digits and underscores: for file and resource names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60] or fallback


def export_to_dir(directory: Path, name: str, results: Sequence[Result], fmt: str, *,
                  sources: Result | None = None, findings: Result | None = None, title: str = "",
                  meta: dict[str, str] | None = None) -> list[Path]:
    """``export`` to a file named by a user inside ``directory``: the name may not leave that folder.

    The format's suffix is added when the name has none (not for a datapackage, which is a folder).
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", expected=", ".join(FORMATS))
    if (not name or name in {".", ".."} or name.startswith(".") or any(c in name for c in "/\\:\0")
            or any(unicodedata.category(c) == "Cc" for c in name) or len(name.encode()) > 200):
        raise UsageError(f"invalid file name {name!r}",
                         expected="a plain file name without folders, '..', ':' or a leading '.'")
    if not directory.is_dir():
        raise UsageError(f"folder {directory} does not exist")
    if SUFFIXES[fmt] and not Path(name).suffix:
        name += SUFFIXES[fmt]
    target = directory / name
    if target.resolve().parent != directory.resolve():  # e.g. an existing symlink pointing elsewhere
        raise UsageError(f"{name!r} leads outside {directory}", expected="a file inside the folder")
    return export(results, target, fmt, sources=sources, findings=findings, title=title, meta=meta)


def export(results: Sequence[Result], path: Path, fmt: str, *, sources: Result | None = None,
           findings: Result | None = None, title: str = "", meta: dict[str, str] | None = None) -> list[Path]:
    """Write ``results`` to ``path`` as csv, xlsx, parquet or datapackage; return the files written.

    csv / parquet: one file per view, the first to ``path``, the others beside it as ``{stem}_{slug(title)}``;
    ``sources`` and ``findings``, when given, are written as two more views. xlsx: one workbook with a sheet per
    view plus Bronnen, Bevindingen and Toelichting. datapackage: ``path`` is a folder (its parent must exist) with
    one CSV per view and ``datapackage.json``.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", expected=", ".join(FORMATS))
    if not results:
        raise UsageError("nothing to export", expected="at least one table")
    path = Path(path)
    staged = _Staged()
    try:
        if fmt == "xlsx":
            staged.add(path)
            _write_xlsx(list(results), staged.tmp(path), sources, findings, title, meta or {})
        elif fmt == "datapackage":
            _write_datapackage(list(results), path, staged, sources, findings, title, meta or {})
        else:
            views = [*results, *(r for r in (sources, findings) if r is not None)]
            for target in _view_paths(views, path, SUFFIXES[fmt]):
                staged.add(target)
            for result, target in zip(views, staged.targets, strict=True):
                if fmt == "csv":
                    _write_csv(result, staged.tmp(target), units=True)
                else:
                    _write_parquet(result, staged.tmp(target), title, meta or {})
        return staged.commit()
    finally:
        staged.discard()


# ---------------------------------------------------------------- targets and atomic replacement


class _Staged:
    """Targets checked up front, written to hidden files beside them, moved into place together."""

    def __init__(self) -> None:
        self.targets: list[Path] = []
        self._tmp: dict[Path, Path] = {}
        self._done = False

    def add(self, target: Path) -> None:
        _check_target(target)
        if target in self._tmp:
            raise UsageError(f"two outputs would be written to {target}")
        self.targets.append(target)
        self._tmp[target] = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")

    def tmp(self, target: Path) -> Path:
        return self._tmp[target]

    def commit(self) -> list[Path]:
        for target in self.targets:
            os.replace(self._tmp[target], target)
        self._done = True
        return list(self.targets)

    def discard(self) -> None:
        if not self._done:
            for tmp in self._tmp.values():
                tmp.unlink(missing_ok=True)


def _check_target(target: Path) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise UsageError(f"folder {folder} does not exist", expected="an existing folder for the output")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write in folder {folder}")
    if target.is_dir():
        raise UsageError(f"{target} is a folder", expected="a file name")
    if target.exists() and (not os.access(target, os.W_OK) or not stat.S_IMODE(target.stat().st_mode) & 0o222):
        raise UsageError(f"{target} exists and is read-only; not overwritten")


def _view_paths(views: Sequence[Result], first: Path, suffix: str) -> list[Path]:
    paths, used = [first], {first.name}
    for i, view in enumerate(views[1:], start=2):
        base = f"{first.stem}_{slug(view.title, f'tabel{i}')}"
        name, n = base + suffix, 2
        while name in used:
            name, n = f"{base}_{n}{suffix}", n + 1
        used.add(name)
        paths.append(first.with_name(name))
    return paths


# ---------------------------------------------------------------- column profiles


@dataclass
class _Column:
    name: str
    kinds: set[str] = field(default_factory=set)
    scale: int = 0  # largest number of decimals as stored (Decimal exponent)
    frac: int = 0  # largest number of significant decimals
    int_digits: int = 1
    big_int: bool = False
    finite: bool = True

    @property
    def kind(self) -> str:
        """One of null, boolean, integer, decimal, float, date, datetime, datetimetz, time, string."""
        k = self.kinds
        if not k:
            return "null"
        if len(k) == 1:
            return next(iter(k))
        if k <= {"integer", "decimal"}:
            return "decimal"
        if k <= {"integer", "float"}:
            return "float"
        return "string"


def _profile(result: Result) -> list[_Column]:
    cols = [_Column(c) for c in result.columns]
    width = len(cols)
    for n, row in enumerate(result.rows, start=1):
        if len(row) != width:
            raise UsageError(f"{result.title or 'table'}: row {n} has {len(row)} values for {width} columns")
        for col, v in zip(cols, row, strict=True):
            if v is None:
                continue
            kind = _kind(v)
            col.kinds.add(kind)
            if kind == "decimal":
                if not v.is_finite():
                    col.finite = False
                    continue
                exp = v.as_tuple().exponent
                assert isinstance(exp, int)
                col.scale = max(col.scale, -exp)
                nexp = v.normalize().as_tuple().exponent
                assert isinstance(nexp, int)
                col.frac = max(col.frac, -nexp)
                col.int_digits = max(col.int_digits, len(str(abs(int(v)))))
            elif kind == "integer":
                col.int_digits = max(col.int_digits, len(str(abs(v))))
                col.big_int = col.big_int or not -(2**63) <= v < 2**63
    return cols


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, Decimal):
        return "decimal"
    if isinstance(v, float):
        return "float"
    if isinstance(v, datetime):
        return "datetime" if v.tzinfo is None else "datetimetz"
    if isinstance(v, date):
        return "date"
    if isinstance(v, time):
        return "time"
    return "string"


def _unique_names(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        candidate, n = name or "kolom", 2
        while candidate in out:
            candidate, n = f"{name}_{n}", n + 1
        out.append(candidate)
    return out


# ---------------------------------------------------------------- csv


def _text(v: Any) -> str:
    """Exact text for a value: decimals in full without exponent, ISO dates, lowercase booleans."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):  # exact, without exponent or trailing zeros: 58990.0000000000 -> 58990
        return ("0" if v.is_zero() else format(v.normalize(), "f")) if v.is_finite() else str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(v)]
    if isinstance(v, datetime | date | time):
        return v.isoformat()
    return str(v)


def _csv_cell(v: Any) -> str:
    text = _text(v)
    return text if isinstance(v, int | float | Decimal | date | time) else escape_text(text)


def _write_csv(result: Result, target: Path, *, units: bool) -> None:
    names = headers(result) if units else _unique_names(result.columns)
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # RFC 4180: a lone CR or LF in text gets quoted
        writer.writerow(names)
        for row in result.rows:
            writer.writerow([_csv_cell(v) for v in row])


# ---------------------------------------------------------------- parquet


def _duck_type(col: _Column) -> tuple[str, str | None]:
    """DuckDB type for a column, with a note when values must travel as text to stay exact."""
    kind = col.kind
    if kind == "decimal":
        if not col.finite:
            return "VARCHAR", f"{col.name}: bevat NaN/oneindig; als tekst"
        scale = col.scale if col.int_digits + col.scale <= 38 else col.frac
        if col.int_digits + scale > 38:
            return "VARCHAR", f"{col.name}: meer dan 38 cijfers; exact als tekst"
        return f"DECIMAL({max(18, col.int_digits + scale)},{scale})", None
    if kind == "integer" and col.big_int:
        if col.int_digits < 38:
            return "HUGEINT", None
        return "VARCHAR", f"{col.name}: te groot geheel getal; als tekst"
    return {"boolean": "BOOLEAN", "integer": "BIGINT", "float": "DOUBLE", "date": "DATE", "datetime": "TIMESTAMP",
            "datetimetz": "TIMESTAMPTZ", "time": "TIME"}.get(kind, "VARCHAR"), None


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _loader_cell(v: Any) -> str:
    """A cell for DuckDB's CSV reader: text always quoted, NULL as an unquoted empty field."""
    if v is None:
        return ""
    if isinstance(v, int | float | Decimal | date | time) and not isinstance(v, bool):
        return _text(v)
    if isinstance(v, bool):
        return _text(v)
    return '"' + str(v).replace('"', '""') + '"'


def _write_parquet(result: Result, target: Path, title: str, meta: dict[str, str]) -> None:
    cols = _profile(result)
    names = _unique_names(result.columns)
    types, notes = [], []
    for col in cols:
        t, note = _duck_type(col)
        types.append(t)
        if note:
            notes.append(note)
    kv = {"titel": result.title, "export": title, "eenheid": result.unit or "",
          "eenheid_kolommen": ", ".join(amount_columns(result)), "opmerkingen": "; ".join(notes), **meta}
    with tempfile.TemporaryDirectory(prefix="digibudget-export-") as tmp:
        loader = Path(tmp) / "rows.csv"
        with loader.open("w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(f"c{i}" for i in range(len(names))) + "\n")
            for row in result.rows:
                fh.write(",".join(_loader_cell(v) for v in row) + "\n")
        con = duckdb.connect(":memory:")
        try:
            coldefs = ", ".join(f"{_sql_name(n)} {t}" for n, t in zip(names, types, strict=True)) or "_ VARCHAR"
            con.execute(f"CREATE TABLE t ({coldefs})")
            if names:
                con.execute(f"COPY t FROM {_sql_text(str(loader))} (FORMAT CSV, HEADER true, DELIMITER ',', "
                            "QUOTE '\"', ESCAPE '\"', ALLOW_QUOTED_NULLS false, AUTO_DETECT false, NULL '')")
            kv_sql = ", ".join(f"{_sql_text(k)}: {_sql_text(v)}" for k, v in kv.items() if v)
            options = "FORMAT PARQUET" + (f", KV_METADATA {{{kv_sql}}}" if kv_sql else "")
            con.execute(f"COPY t TO {_sql_text(str(target))} ({options})")
        finally:
            con.close()


# ---------------------------------------------------------------- xlsx


@dataclass
class _SheetNotes:
    sheet: str
    view: str
    rows: int
    unit: str
    notes: list[str] = field(default_factory=list)


class _SheetNames:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, no edge apostrophes, unique ignoring case."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str, fallback: str) -> str:
        base = _SHEET_FORBIDDEN.sub(" ", wanted).strip().strip("'").strip() or fallback
        if base.lower() == "history":
            base += " 1"
        name, n = base[:31], 2
        while name.lower() in self.used:
            suffix = f" ({n})"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        self.used.add(name.lower())
        return name


def _excel_exact(v: int | Decimal) -> bool:
    if isinstance(v, int):
        return -_EXCEL_INT_LIMIT < v < _EXCEL_INT_LIMIT
    if not v.is_finite():
        return False
    digits = v.normalize().as_tuple()
    exp = digits.exponent
    assert isinstance(exp, int)
    return len(digits.digits) <= EXCEL_DIGITS and -300 < exp < 300


def _not_additive(result: Result) -> str | None:
    """Why the amounts of these rows must not be added up, or None when a sum of the rows as shown means something."""
    cols = {c: i for i, c in enumerate(result.columns)}

    def distinct(*names: str) -> int:
        idx = [cols[n] for n in names if n in cols]
        return len({tuple(row[i] for i in idx) for row in result.rows}) if idx else 1

    if "totaal" in cols and any(row[cols["totaal"]] is True for row in result.rows):
        return "totaalregels staan naast detailregels"
    if distinct("vuo") > 1:
        return "verplichtingen, uitgaven en ontvangsten staan door elkaar"
    if distinct("thema") > 1:
        return "thema's overlappen"
    if distinct("soort") > 1:
        return "standen, mutaties en realisaties staan door elkaar"
    if distinct("begrotingsjaar", "moment_jaar", "fase") > 1:
        return "meerdere begrotingsmomenten"
    return None


def _write_xlsx(views: list[Result], target: Path, sources: Result | None, findings: Result | None, title: str,
                meta: dict[str, str]) -> None:
    wb = xlsxwriter.Workbook(str(target), {
        "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
        "strings_to_numbers": False})
    fmt = {
        "header": wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"}),
        "key": wb.add_format({"num_format": "0"}),
        "int": wb.add_format({"num_format": "#,##0"}),
        "float": wb.add_format({"num_format": "#,##0.0#########"}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        "time": wb.add_format({"num_format": "hh:mm:ss"}),
        "bold": wb.add_format({"bold": True, "top": 1}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
    }
    decimal_formats: dict[tuple[int, bool], Any] = {}

    def number_format(col: _Column, bold: bool = False) -> Any:
        if col.kind == "float":
            return fmt["float"]
        if col.kind == "integer" and _KEY_NAME.search(col.name):
            return fmt["key"]
        places = min(col.frac, 10) if col.kind == "decimal" else 0
        if (places, bold) not in decimal_formats:
            spec: dict[str, Any] = {"num_format": "#,##0" + ("." + "0" * places if places else "")}
            if bold:
                spec.update(bold=True, top=1)
            decimal_formats[places, bold] = wb.add_format(spec)
        return decimal_formats[places, bold]

    names = _SheetNames()
    reserved = {n: names.take(n, n) for n in _FIXED_SHEETS}
    report: list[_SheetNotes] = []
    try:
        for i, view in enumerate(views, start=1):
            report += _xlsx_view(wb, view, names.take(view.title, f"Tabel {i}"), names, fmt, number_format)
        for fixed, extra in (("Bronnen", sources), ("Bevindingen", findings)):
            if extra is not None:
                report += _xlsx_view(wb, extra, reserved[fixed], names, fmt, number_format)
        _xlsx_explanation(wb.add_worksheet(reserved["Toelichting"]), views, report, title, meta, fmt)
    finally:
        wb.close()


def _xlsx_view(wb: Any, view: Result, sheet_name: str, names: _SheetNames, fmt: dict[str, Any],
               number_format: Any) -> list[_SheetNotes]:
    cols = _profile(view)
    titles = headers(view)
    amounts = set(amount_columns(view))
    reason = _not_additive(view) if amounts else None
    totalled = [i for i, c in enumerate(view.columns)
                if cols[i].kind in {"integer", "decimal", "float"}
                and ((c in amounts and reason is None) or c in _COUNT_NAMES)]
    cell_formats = [number_format(col) for col in cols]
    totals: list[Decimal | float] = [0.0 if col.kind == "float" else Decimal(0) for col in cols]
    per_sheet = XLSX_MAX_ROWS - 2  # header and totals row
    chunks = [view.rows[i:i + per_sheet] for i in range(0, len(view.rows), per_sheet)] or [[]]
    out: list[_SheetNotes] = []
    for part, rows in enumerate(chunks, start=1):
        name = sheet_name if part == 1 else names.take(f"{sheet_name[:25]} ({part})", f"{sheet_name} {part}")
        ws = wb.add_worksheet(name)
        notes = _SheetNotes(name, view.title, len(rows), view.unit or "")
        if len(chunks) > 1:
            notes.notes.append(f"deel {part} van {len(chunks)}: rijen {(part - 1) * per_sheet + 1} tot en met "
                               f"{(part - 1) * per_sheet + len(rows)}")
        widths = [min(max(len(h) + 3, 8), 60) for h in titles]
        for c, h in enumerate(titles):
            ws.write_string(0, c, h, fmt["header"])
        as_text = 0
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                shown = _xlsx_cell(ws, r, c, v, cell_formats[c], fmt)
                if shown is None:
                    as_text += 1
                elif r <= _WIDTH_SAMPLE:
                    widths[c] = max(widths[c], min(len(shown) + 2, 60))
                if c in totalled and v is not None:
                    totals[c] += v
        last = len(rows)
        if view.columns:
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, last, len(view.columns) - 1)
            for c, w in enumerate(widths):
                ws.set_column(c, c, w)
        if as_text:
            notes.notes.append(f"{as_text} getal(len) met meer dan {EXCEL_DIGITS} significante cijfers staan exact "
                               "als tekst (met een opmerking in de cel)")
        if part == len(chunks):
            if totalled:
                label_col = next((c for c in range(len(view.columns)) if c not in totalled), None)
                if label_col is not None:
                    ws.write_string(last + 1, label_col, "Totaal" if len(chunks) == 1 else "Totaal (alle delen)",
                                    fmt["bold"])
                for c in totalled:
                    total = totals[c]
                    if isinstance(total, Decimal) and not _excel_exact(total):
                        ws.write_string(last + 1, c, format(total, "f"), fmt["bold"])
                        ws.write_comment(last + 1, c, "Exact totaal als tekst: te veel cijfers voor een getal.")
                    else:
                        ws.write_number(last + 1, c, float(total), number_format(cols[c], bold=True))
                notes.notes.append(f"rij {last + 2}: Totaal = som van de rijen zoals getoond ("
                                   + ", ".join(view.columns[c] for c in totalled) + ")")
            if reason:
                notes.notes.append(f"geen totaalrij: {reason}")
        out.append(notes)
    return out


def _xlsx_cell(ws: Any, r: int, c: int, v: Any, number_fmt: Any, fmt: dict[str, Any]) -> str | None:
    """Write one cell; return its display text for the column width, or None when a number went in as text."""
    if v is None:
        return ""
    if isinstance(v, bool):
        ws.write_boolean(r, c, v)
        return "ONWAAR" if not v else "WAAR"
    if isinstance(v, int | Decimal):
        if _excel_exact(v):
            ws.write_number(r, c, float(v), number_fmt)
            if r > _WIDTH_SAMPLE:
                return ""
            return f"{v:,}" if isinstance(v, int) else f"{v.normalize():,f}"
        ws.write_string(r, c, _text(v))
        ws.write_comment(r, c, f"Exact getal als tekst: meer dan {EXCEL_DIGITS} significante cijfers past niet in "
                               "een spreadsheetgetal.")
        return None
    if isinstance(v, float):
        if math.isfinite(v):
            ws.write_number(r, c, v, fmt["float"])
        else:
            ws.write_string(r, c, _text(v))
        return _text(v)
    if isinstance(v, datetime) and v.tzinfo is None:
        ws.write_datetime(r, c, v, fmt["datetime"])
        return "yyyy-mm-dd hh:mm:ss"
    if isinstance(v, date) and not isinstance(v, datetime):
        ws.write_datetime(r, c, v, fmt["date"])
        return "yyyy-mm-dd"
    if isinstance(v, time) and v.tzinfo is None:
        ws.write_datetime(r, c, v, fmt["time"])
        return "hh:mm:ss"
    text = _text(v)
    if len(text) > _XLSX_MAX_TEXT:
        ws.write_string(r, c, text[: _XLSX_MAX_TEXT - 40] + " [afgekapt: zie CSV of Parquet]")
        ws.write_comment(r, c, f"Tekst van {len(text)} tekens afgekapt op de grens van een spreadsheetcel.")
    else:
        ws.write_string(r, c, text)  # never a formula, whatever it starts with
    return text


def _xlsx_explanation(ws: Any, views: list[Result], report: list[_SheetNotes], title: str, meta: dict[str, str],
                      fmt: dict[str, Any]) -> None:
    lines: list[tuple[str, ...]] = [("Titel", title or "digibudget-export")]
    lines += [(k, v) for k, v in meta.items()]
    lines += [("", ""), ("Eenheden", "")]
    for view in views:
        if view.unit:
            lines.append((view.title or "tabel", f"{view.unit}: " + ", ".join(amount_columns(view))))
        else:
            lines.append((view.title or "tabel", "geen bedragen"))
    lines += [("", ""), ("Opmaak", "Tekst staat als tekst in de cellen, ook als die met = + - of @ begint: "
                         "nooit als formule. Getallen tot 15 significante cijfers staan exact als getal."),
              ("", ""), ("Tabblad", "Tabel", "Rijen", "Eenheid", "Opmerkingen")]
    lines += [(n.sheet, n.view, str(n.rows), n.unit, "; ".join(n.notes)) for n in report]
    for r, line in enumerate(lines):
        for c, text in enumerate(line):
            if c == 2 and text.isdigit():
                ws.write_number(r, c, int(text))
            else:
                ws.write_string(r, c, text, fmt["header"] if c == 0 or line[0] == "Tabblad" else fmt["wrap"])
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 3, 12)
    ws.set_column(4, 4, 80)


# ---------------------------------------------------------------- datapackage


_FIELD_TYPES = {"null": "string", "boolean": "boolean", "integer": "integer", "decimal": "number", "float": "number",
                "date": "date", "datetime": "datetime", "datetimetz": "datetime", "time": "time", "string": "string"}


def _factor(unit: str) -> int | None:
    u = unit.lower().replace(" ", "")
    for marker, factor in (("1.000.000.000", 10**9), ("mld", 10**9), ("1.000.000", 10**6), ("mln", 10**6),
                           ("1.000", 1000), ("1000", 1000)):
        if marker in u:
            return factor
    return None


def _schema(result: Result) -> dict[str, Any]:
    amounts = set(amount_columns(result))
    titles = dict(zip(result.columns, headers(result), strict=True))
    fields: list[dict[str, Any]] = []
    for col, name in zip(_profile(result), _unique_names(result.columns), strict=True):
        f: dict[str, Any] = {"name": name, "type": _FIELD_TYPES[col.kind]}
        if col.kind in {"datetime", "datetimetz", "time"}:
            f["format"] = "any"
        if f["type"] == "number":
            f["decimalChar"] = "."
            f["bareNumber"] = True
        if col.name in amounts and result.unit:
            f["title"] = titles[col.name]
            f["description"] = f"Bedrag in {result.unit}"
            f["columnType"] = "value"
            if "€" in result.unit or "eur" in result.unit.lower():
                f["currency"] = "EUR"
            factor = _factor(result.unit)
            if factor:
                f["factor"] = factor
        if col.kind == "string":
            f["description"] = (f.get("description", "") + " Tekst die met = + - @, tab of CR begint, is "
                                "voorafgegaan door een apostrof (bescherming tegen formule-injectie).").strip()
        fields.append(f)
    return {"fields": fields, "missingValues": [""]}


def _sha256(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _package_sources(sources: Result) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for row in sources.rows:
        rec = dict(zip(sources.columns, row, strict=True))
        src: dict[str, Any] = {"title": str(rec.get("bestand") or rec.get("bron") or "bron")}
        if rec.get("url"):
            src["path"] = str(rec["url"])
        sha = rec.get("sha256")
        if sha:
            src["sha256" if len(str(sha)) == 64 else "sha256_prefix"] = str(sha)
        if rec.get("soort"):
            src["description"] = f"soort: {rec['soort']}"
        out.append(src)
    return out


def _write_datapackage(views: list[Result], folder: Path, staged: _Staged, sources: Result | None,
                       findings: Result | None, title: str, meta: dict[str, str]) -> None:
    if not folder.parent.is_dir():
        raise UsageError(f"folder {folder.parent} does not exist", expected="an existing folder for the package")
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder", expected="a folder for the data package")
    created = not folder.exists()
    folder.mkdir(exist_ok=True)
    try:
        _fill_datapackage(views, folder, staged, sources, findings, title, meta)
    except BaseException:
        if created:
            staged.discard()
            shutil.rmtree(folder, ignore_errors=True)
        raise


def _fill_datapackage(views: list[Result], folder: Path, staged: _Staged, sources: Result | None,
                      findings: Result | None, title: str, meta: dict[str, str]) -> None:
    all_views = [*views, *(r for r in (sources, findings) if r is not None)]
    resource_names: list[str] = []
    for i, view in enumerate(all_views, start=1):
        base = slug(view.title, f"tabel{i}")
        name, n = base, 2
        while name in resource_names or name == "datapackage":
            name, n = f"{base}_{n}", n + 1
        resource_names.append(name)
        staged.add(folder / f"{name}.csv")
    descriptor = folder / "datapackage.json"
    staged.add(descriptor)
    resources = []
    for view, name in zip(all_views, resource_names, strict=True):
        target = folder / f"{name}.csv"
        _write_csv(view, staged.tmp(target), units=False)
        sha, size = _sha256(staged.tmp(target))
        resource: dict[str, Any] = {
            "name": name, "path": target.name, "profile": "tabular-data-resource", "title": view.title or name,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "bytes": size, "hash": f"sha256:{sha}",
            "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
                        "header": True},
            "schema": _schema(view)}
        if view.unit:
            resource["unit"] = view.unit
        resources.append(resource)
    package: dict[str, Any] = {
        "profile": "tabular-data-package", "name": slug(title, "digibudget").replace("_", "-"),
        "title": title or "digibudget-export",
        "created": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "licenses": [{"name": "CC0-1.0", "title": "Creative Commons Zero v1.0 Universal",
                      "path": "https://creativecommons.org/publicdomain/zero/1.0/"}],
        "resources": resources}
    if sources is not None:
        package["sources"] = _package_sources(sources)
    if meta:
        package["toelichting"] = dict(meta)
    with staged.tmp(descriptor).open("w", encoding="utf-8") as fh:
        json.dump(package, fh, ensure_ascii=False, indent=2, default=str)
        fh.write("\n")


def rows_from_csv(path: Path) -> Iterator[list[str]]:
    """The data rows of an exported CSV, text unescaped (the header row skipped); values stay text."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for row in reader:
            yield [unescape_text(v) for v in row]
