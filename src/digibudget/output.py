"""Render a query result as a Rich table, CSV or JSON: the same rows, three formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from .errors import UsageError
from .labels import readable
from .nlformat import nl_cell, nl_decimal, plain_decimal
from .queries import Result

FORMATS = ("table", "csv", "csv-nl", "json")
TERMINAL_HIDDEN = frozenset({"regel_ids"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_value(value: Any) -> Any:
    """A value as machine formats carry it: money (Decimal) as plain exact text, dates as ISO text."""
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def csv_safe(value: Any) -> Any:
    """Escape text that a spreadsheet would run as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(result: Result, *, dutch: bool = False) -> str:
    """Plain CSV for machines (',' and a decimal point), or with ``dutch`` CSV that Dutch Excel opens as numbers:
    ';'-separated, a decimal comma without thousands separator, a UTF-8 byte order mark, and theme labels for the
    theme ids (digibudget.labels)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", delimiter=";" if dutch else ",")
    writer.writerow(result.columns)
    number = nl_decimal if dutch else plain_value
    for row in result.rows:
        if dutch:  # for people: theme labels, not ids (the plain CSV keeps the ids)
            row = readable(result.columns, row)
        # only text from sources is escaped; numbers (also negative ones) stay numbers
        writer.writerow(["" if v is None else csv_safe(v) if isinstance(v, str) else
                         number(v) if isinstance(v, int | float | Decimal) and not isinstance(v, bool) else
                         plain_value(v)
                         for v in row])
    return ("\ufeff" if dutch else "") + buf.getvalue()


def to_json(result: Result) -> str:
    payload: dict[str, Any] = {"titel": result.title, "eenheid": result.unit, "kolommen": result.columns}
    if result.coverage is not None:
        payload["dekking"] = result.coverage.to_dict()
    payload["rijen"] = [dict(zip(result.columns, (_json_value(v) for v in row), strict=True)) for row in result.rows]
    return json.dumps(payload, ensure_ascii=False, indent=1)


def empty_year_columns(result: Result) -> set[int]:
    """Indexes of the year columns that no loaded source holds (shown as 'geen bron', never blank or zero)."""
    if result.coverage is None:
        return set()
    empty = {str(y) for y in result.coverage.jaren_zonder_bron}
    if result.coverage.vorig_jaar is not None and not result.coverage.vorig_jaar_bron:
        empty.add("t_min_1")  # the t-1 column of the integrated table (analyze.integral.PREV_COLUMN)
    return {i for i, c in enumerate(result.columns) if c in empty}


def coverage_lines(result: Result, *, cli: bool = True) -> list[str]:
    """What a person reads under the figures: the coverage sentence, and the note when the default moment was
    used (empty when the result carries no coverage)."""
    from .analyze.coverage import DEFAULT_NOTE, DEFAULT_NOTE_CLI

    cov = result.coverage
    if cov is None:
        return []
    lines = ["Dekking: " + cov.sentence()]
    if cov.standaard:
        lines.append((DEFAULT_NOTE_CLI if cli else DEFAULT_NOTE) + f" ({cov.label}).")
    return lines


def _json_value(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(plain_value(v))  # exact: money travels as a string
    return plain_value(v)


def render(result: Result, fmt: str, console: Console | None = None) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"onbekend formaat {fmt!r}", expected=", ".join(FORMATS))
    if console is None:
        console = Console()
        if not console.is_terminal:  # piped or captured: do not squeeze wide tables into 80 columns
            console = Console(width=240)
    if fmt in ("csv", "csv-nl"):
        console.file.write(to_csv(result, dutch=fmt == "csv-nl"))
        return
    if fmt == "json":
        console.file.write(to_json(result) + "\n")
        return
    title = result.title + (f" ({result.unit})" if result.unit else "")
    # long provenance lists are for machines: the terminal shows their count, CSV and JSON carry them whole
    shown = [i for i, c in enumerate(result.columns) if c not in TERMINAL_HIDDEN]
    caption = None
    if len(shown) < len(result.columns):
        caption = "kolommen " + ", ".join(c for c in result.columns if c in TERMINAL_HIDDEN) + \
            ": zie --format csv of json"
    table = Table(title=title, show_lines=False, caption=caption)
    prev = result.coverage.vorig_jaar if result.coverage is not None else None
    for i in shown:
        name = result.columns[i]
        table.add_column(f"{prev} (t-1)" if name == "t_min_1" and prev is not None else name, overflow="fold")
    empty = empty_year_columns(result)
    for row in result.rows:
        # a person reads this table: Dutch notation (1.234,5), theme labels, years and line ids as they are
        row = readable(result.columns, row)
        table.add_row(*(("geen bron" if i in empty else "") if row[i] is None else nl_cell(row[i], result.columns[i])
                        for i in shown))
    console.print(table)
    if not result.rows:  # an empty frame alone reads like a fault: say that nothing matched
        console.print("Geen rijen: niets in de database past bij deze keuze (moment, jaren, filters).",
                      highlight=False, markup=False)
    for line in coverage_lines(result):
        console.print(line, highlight=False, markup=False)
