"""Column profiles: the kind of value each column holds, its decimals and digits, and unique column names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ..errors import UsageError
from ..queries import Result


@dataclass
class Column:
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


def profile_columns(result: Result) -> list[Column]:
    """One profile per column of ``result``; a row of the wrong width is refused."""
    cols = [Column(c) for c in result.columns]
    width = len(cols)
    for n, row in enumerate(result.rows, start=1):
        if len(row) != width:
            raise UsageError(f"{result.title or 'tabel'}: rij {n} heeft {len(row)} waarden voor {width} kolommen")
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


def unique_names(names: Sequence[str]) -> list[str]:
    """The column names made unique (``a``, ``a_2``); an empty name becomes ``kolom``."""
    out: list[str] = []
    for name in names:
        candidate, n = name or "kolom", 2
        while candidate in out:
            candidate, n = f"{name}_{n}", n + 1
        out.append(candidate)
    return out

