"""CSV and Parquet writers (one file per view), and reading an exported CSV back."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ..queries import Result
from .common import NUMERIC_NAME, amount_columns, escape_text, exact_text, headers, unescape_text
from .profile import Column, profile_columns, unique_names

# ---------------------------------------------------------------- csv


def _csv_cell(v: Any) -> str:
    text = exact_text(v)
    return text if isinstance(v, int | float | Decimal | date | time) else escape_text(text)


def write_csv(result: Result, target: Path, *, units: bool) -> None:
    """``result`` as RFC 4180 CSV; headers with their unit when ``units``, else unique column names."""
    names = headers(result) if units else unique_names(result.columns)
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")  # RFC 4180: a lone CR or LF in text gets quoted
        writer.writerow(names)
        for row in result.rows:
            writer.writerow([_csv_cell(v) for v in row])


# ---------------------------------------------------------------- parquet


STABLE_SCALE = 13  # decimals of every exact number column (the integral table's amounts carry 13)


def _duck_type(col: Column) -> tuple[str, str | None]:
    """DuckDB type for a column, with a note when values must travel as text to stay exact.

    The type does not depend on the filter: a decimal column is DECIMAL(38, 13) whatever its values (wider only
    when a value needs it), and a column a filter leaves empty keeps the number type its name stands for (a year,
    a mutation, a commitment amount), so files of different selections share one schema."""
    kind = col.kind
    if kind == "null" and NUMERIC_NAME.search(col.name):
        return f"DECIMAL(38,{STABLE_SCALE})", None
    if kind == "decimal" and col.finite and col.scale <= STABLE_SCALE and col.int_digits <= 38 - STABLE_SCALE:
        return f"DECIMAL(38,{STABLE_SCALE})", None
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
    if isinstance(v, int | float | Decimal | date | time):  # booleans too: true / false
        return exact_text(v)
    return '"' + str(v).replace('"', '""') + '"'


def write_parquet(result: Result, target: Path, title: str, meta: dict[str, str]) -> None:
    """``result`` as Parquet with exact types (via DuckDB), the title, unit and notes as key-value metadata."""
    cols = profile_columns(result)
    names = unique_names(result.columns)
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


def rows_from_csv(path: Path) -> Iterator[list[str]]:
    """The data rows of an exported CSV, text unescaped (the header row skipped); values stay text."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader, None)
        for row in reader:
            yield [unescape_text(v) for v in row]
