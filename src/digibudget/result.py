"""One answer of the library: columns, rows, title, unit and coverage, so one query serves a page, a table in the
terminal, CSV, JSON and the exports; and the one way to run a read-only query into it.

``query_result`` runs SQL it is given: callers pass constant SQL with bound parameters, never text from a request
(queries.py and analyze/ are the callers; tests/robustness/test_security.py checks queries.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from .analyze.coverage import Coverage


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    title: str = ""
    unit: str | None = None
    coverage: Coverage | None = None  # what the figures cover (analyze.coverage); travels with the answer

    def with_rows(self, rows: list[tuple[Any, ...]], columns: list[str] | None = None) -> Result:
        """The same answer (title, unit, coverage) with other rows (a page, a sorted or trimmed copy)."""
        return replace(self, rows=rows, columns=self.columns if columns is None else columns)


def query_result(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | dict[str, Any], title: str,
                 unit: str | None = None) -> Result:
    """Run one read-only query (constant SQL, bound parameters) and return its columns and rows as a Result."""
    cur = con.execute(sql, params)
    cols = [d[0] for d in cur.description] if cur.description else []
    return Result(cols, cur.fetchall(), title, unit)
