"""Answers first: totals per theme and per ministry over the year columns of an integrated-table result, with a
total row, and the column order a reader wants (what the line is, then the amounts, then the detail)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from ..queries import Result

TOTAL = "Totaal"


def year_columns(result: Result) -> list[str]:
    return [c for c in result.columns if c.isdigit() and len(c) == 4]


def totals(result: Result, key: str, title: str, names: dict[str, str] | None = None) -> Result:
    """Sums of the year columns per value of ``key`` (thema or hoofdstuk), largest first in the first year, and a
    total row. A year no source holds stays empty (no zero); with ``names`` a 'ministerie' column gives the name
    (the pages show it beside the code already)."""
    years = year_columns(result)
    if key not in result.columns or not years:
        return Result([key], [], title, result.unit, result.coverage)
    k = result.columns.index(key)
    idx = [result.columns.index(y) for y in years]
    sums: dict[str, list[Decimal | None]] = defaultdict(lambda: [None] * len(years))
    for row in result.rows:
        acc = sums[str(row[k])]
        for j, i in enumerate(idx):
            v = row[i]
            if isinstance(v, Decimal | int):
                acc[j] = (acc[j] or Decimal(0)) + Decimal(v)
    grand: list[Decimal | None] = [None] * len(years)
    for acc in sums.values():
        for j, v in enumerate(acc):
            if v is not None:
                grand[j] = (grand[j] or Decimal(0)) + v
    order = sorted(sums, key=lambda name: -(sums[name][0] or Decimal(0)))
    named = names is not None
    cols = [key, *(["ministerie"] if named else []), *years]
    rows: list[tuple[Any, ...]] = [(name, *([names.get(name, "")] if names is not None else []), *sums[name])
                                   for name in order]
    rows.append((TOTAL, *([""] if named else []), *grand))
    return Result(cols, rows, title, result.unit, result.coverage)


READ_FIRST = ("hoofdstuk", "artikel", "regeling", "thema", "instrument", "uitvoerder")


def amounts_first(result: Result) -> Result:
    """The columns reordered for reading: what the row is (a few short columns), the amounts per year, then the
    rest (detail, commitments, mutations, provenance). The JSON, CSV and files keep the query's order."""
    years = [*(["t_min_1"] if "t_min_1" in result.columns else []), *year_columns(result)]  # t-1 first
    front = [c for c in READ_FIRST if c in result.columns][:3]
    rest = [c for c in result.columns if c not in front and c not in years]
    order = [*front, *years, *rest]
    idx = [result.columns.index(c) for c in order]
    return result.with_rows([tuple(r[i] for i in idx) for r in result.rows], order)


def shown_first(result: Result) -> list[str]:
    """At line level, the columns a row shows before its details (the rest is in a <details> per row): what the line
    is and its amounts per year, t-1 first. The order of ``amounts_first``."""
    amounts = {"t_min_1", *year_columns(result)}
    front = [c for c in READ_FIRST if c in result.columns][:3]
    return [c for c in result.columns if c in front or c in amounts]
