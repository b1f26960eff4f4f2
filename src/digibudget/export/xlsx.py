"""The workbook writer: a sheet per view (split past the row limit, with a totals row where a sum means something)
plus Bronnen, Bevindingen and Toelichting. Text is never a formula; numbers beyond 15 digits stay exact as text."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from ..labels import readable
from ..queries import Result
from .common import amount_columns, exact_text, headers
from .profile import Column, profile_columns

XLSX_MAX_ROWS = 1_048_576  # rows per worksheet, header included
EXCEL_DIGITS = 15  # significant digits a spreadsheet number keeps exactly
_EXCEL_INT_LIMIT = 1_000_000_000_000_000  # 10 ** EXCEL_DIGITS
_XLSX_MAX_TEXT = 32_767
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_COUNT_NAMES = frozenset({"rijen", "regels", "bedragen", "bevindingen", "voorkomens"})
_KEY_NAME = re.compile(r"(^|_)(jaar|regel|rij|id|bron|nr|nummer|code)$")
_FIXED_SHEETS = ("Bronnen", "Bevindingen", "Toelichting")
_WIDTH_SAMPLE = 2000  # rows per sheet measured for column widths


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


def write_xlsx(views: list[Result], target: Path, sources: Result | None, findings: Result | None, title: str,
                meta: dict[str, str]) -> None:
    """One workbook at ``target``: a sheet per view, then Bronnen and Bevindingen when given, then Toelichting."""
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

    def number_format(col: Column, bold: bool = False) -> Any:
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
    if "thema" in view.columns:  # a workbook is read by people: theme labels, not ids (Parquet and CSV keep ids)
        view = view.with_rows([readable(view.columns, r) for r in view.rows])
    cols = profile_columns(view)
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
        ws.write_string(r, c, exact_text(v))
        ws.write_comment(r, c, f"Exact getal als tekst: meer dan {EXCEL_DIGITS} significante cijfers past niet in "
                               "een spreadsheetgetal.")
        return None
    if isinstance(v, float):
        if math.isfinite(v):
            ws.write_number(r, c, v, fmt["float"])
        else:
            ws.write_string(r, c, exact_text(v))
        return exact_text(v)
    if isinstance(v, datetime) and v.tzinfo is None:
        ws.write_datetime(r, c, v, fmt["datetime"])
        return "yyyy-mm-dd hh:mm:ss"
    if isinstance(v, date) and not isinstance(v, datetime):
        ws.write_datetime(r, c, v, fmt["date"])
        return "yyyy-mm-dd"
    if isinstance(v, time) and v.tzinfo is None:
        ws.write_datetime(r, c, v, fmt["time"])
        return "hh:mm:ss"
    text = exact_text(v)
    if len(text) > _XLSX_MAX_TEXT:
        ws.write_string(r, c, text[: _XLSX_MAX_TEXT - 40] + " [afgekapt: zie CSV of Parquet]")
        ws.write_comment(r, c, f"Tekst van {len(text)} tekens afgekapt op de grens van een spreadsheetcel.")
    else:
        ws.write_string(r, c, text)  # never a formula, whatever it starts with
    return text


def _xlsx_explanation(ws: Any, views: list[Result], report: list[_SheetNotes], title: str, meta: dict[str, str],
                      fmt: dict[str, Any]) -> None:
    lines: list[tuple[str, ...]] = [("Titel", title or "digibudget-export")]
    lines += [(k, v) for k, v in meta.items() if k != "dekking_json"]
    covered = [v for v in views if v.coverage is not None]
    if covered:  # per view: chapters present and missing, years no source holds (their cells stay empty)
        lines += [("", ""), ("Dekking", "")]
        lines += [(v.title or "tabel", v.coverage.sentence()) for v in covered if v.coverage is not None]
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
