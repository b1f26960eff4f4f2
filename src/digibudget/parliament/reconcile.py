"""Check the tables of an answer against their own total rows and against the figures the text names.

* A table with total rows: the detail rows (since the previous subtotal, or all of them for 'Totaal') must add up
  to the total row → ``document-table-total-agrees`` / ``document-table-total-mismatch``.
* A figure named in the question(s) an answer answers ('de post van € 155,4 mln.', 'circa € 64,3 mln.'): it should
  match one of the answer's table figures (a table's total row, or the sum of all detail rows of the answer's
  tables when they have no total row), allowing for the rounding of the figure as written ('64,3 mln.' is exact
  to ± 0,05 mln.) → ``document-stated-total-agrees`` / ``document-stated-total-mismatch``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..errors import Location
from ..findings import Finding
from .amounts import canonical
from .model import Amount, Table


def _what(table: Table) -> str:
    return f"table {table.id}" + (f" ('{table.caption[:60]}')" if table.caption else "")


def check_table_totals(table: Table, path: str | None) -> list[Finding]:
    findings: list[Finding] = []
    segment = Decimal(0)
    grand = Decimal(0)
    for row in table.rows:
        if row.value is None:
            continue
        if not row.is_total:
            segment += row.value
            grand += row.value
            continue
        expected = segment if row.label.lower().startswith("sub") else grand
        segment = Decimal(0)
        where = Location(path, row.line)
        figures = {"what": _what(table), "detail_sum": canonical(expected), "total": canonical(row.value),
                   "unit": table.unit or "euro", "answer": table.answer_id}
        if expected == row.value:
            findings.append(Finding("document-table-total-agrees", where, **figures))
        else:
            findings.append(Finding("document-table-total-mismatch", where,
                                    difference=canonical(expected - row.value), **figures))
    return findings


def _tolerance(amount: Amount) -> Decimal:
    """Half a unit of the last digit written: '64,3 mln.' → 50000; '€ 130.000' → 0.5."""
    digits = amount.raw.split(",")
    decimals = 0
    if len(digits) > 1:
        decimals = len("".join(ch for ch in digits[-1] if ch.isdigit()))
    raw = amount.raw.lower()
    scale = Decimal(1_000_000_000) if "mld" in raw or "miljard" in raw else (
        Decimal(1_000_000) if "mln" in raw or "miljoen" in raw else Decimal(1))
    return scale * Decimal(5) / Decimal(10) ** (decimals + 1)


def table_figures(tables: Sequence[Table]) -> list[tuple[str, Decimal]]:
    """The figures an answer's tables give: each total row, and the sum over tables without a total row."""
    figures: list[tuple[str, Decimal]] = []
    untotalled = Decimal(0)
    any_untotalled = False
    for table in tables:
        totals = [r for r in table.total_rows if not r.label.lower().startswith("sub")]
        if totals and totals[-1].amount is not None:
            figures.append((f"total row of {table.id}", totals[-1].amount))
        else:
            any_untotalled = True
            untotalled += sum((r.amount for r in table.detail_rows if r.amount is not None), Decimal(0))
    if any_untotalled:
        ids = ", ".join(t.id for t in tables if not t.total_rows)
        figures.append((f"sum of the rows of {ids}", untotalled))
    return figures


def check_stated_totals(stated: Sequence[Amount], tables: Sequence[Table], what: str,
                        location: Location) -> list[Finding]:
    """Compare figures named in a question with the answer's tables (see module docs)."""
    if not tables or not stated:
        return []
    figures = table_figures(tables)
    findings: list[Finding] = []
    for amount in stated:
        tol = _tolerance(amount)
        match = next(((name, v) for name, v in figures if abs(v - amount.value) <= tol), None)
        if match is not None:
            findings.append(Finding("document-stated-total-agrees", location, what=f"{what}, {match[0]}",
                                    stated_raw=amount.raw, stated=canonical(amount.value),
                                    computed=canonical(match[1]), approximate=amount.approximate))
    if findings or len(stated) != 1:
        return findings
    amount = stated[0]
    name, value = figures[-1]
    return [Finding("document-stated-total-mismatch", location, what=f"{what}, {name}", stated_raw=amount.raw,
                    stated=canonical(amount.value), computed=canonical(value),
                    difference=canonical(value - amount.value), approximate=amount.approximate)]
