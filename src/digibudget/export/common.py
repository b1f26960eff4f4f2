"""Helpers every export format shares: formula-safe text, exact cell text, amount units and file-safe names."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from ..queries import Result

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as output.csv_safe
_AMOUNT_NAME = re.compile(r"^bedrag|_x1000$|_mln$|_eur$")
# numbers that are no money: the unit of a Result never applies to them (a weight is no x € 1.000)
NOT_MONEY = re.compile(r"pct|aandeel|gewicht|zekerheid|hhi|score|gelijkenis|^regels$|aantal|^n_|_n$")
# columns that hold numbers even when a filter leaves them all empty (years, mutations, commitment amounts)
NUMERIC_NAME = re.compile(r"^\d{4}$|^mutatie_|_t$|^bedrag|_x1000$|_mln$|_eur$|pct|^gewicht$|^zekerheid$|^hhi"
                          r"|verdeling_onbekend$")


def escape_text(text: str) -> str:
    """Prefix text a spreadsheet would run as a formula with an apostrophe (as ``output.csv_safe``).

    Text that already starts with apostrophes before such a character gets one more, so ``unescape_text`` restores
    every original exactly.
    """
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


def unescape_text(text: str) -> str:
    """The inverse of ``escape_text``, for reading an exported CSV back."""
    return text[1:] if text.startswith("'") and text.lstrip("'").startswith(_FORMULA_START) else text


def exact_text(v: Any) -> str:
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


def amount_columns(result: Result) -> list[str]:
    """The columns the Result's unit applies to: named as amounts (bedrag*, *_x1000, *_mln, *_eur), or else every
    column holding decimals except those that are no money (percentages, shares, weights, confidence, HHI: see
    NOT_MONEY). None when the Result has no unit."""
    if not result.unit:
        return []
    named = [c for c in result.columns if _AMOUNT_NAME.search(c)]
    if named:
        return named
    return [c for i, c in enumerate(result.columns) if not NOT_MONEY.search(c)
            and any(isinstance(row[i], Decimal) for row in result.rows)]


def headers(result: Result) -> list[str]:
    """The column headers with the unit where it applies: ``bedrag_x1000 (x € 1.000)``; the t-1 column of the
    integrated table with its year: ``t_min_1 (2016, t-1; x € 1.000)``."""
    amounts = set(amount_columns(result))
    prev = result.coverage.vorig_jaar if result.coverage is not None else None

    def header(c: str) -> str:
        what = [f"{prev}, t-1"] if c == "t_min_1" and prev is not None else []
        if c in amounts:
            what.append(str(result.unit))
        return f"{c} ({'; '.join(what)})" if what else c

    return [header(c) for c in result.columns]


def slug(text: str, fallback: str = "tabel") -> str:
    """Lowercase ASCII letters, digits and underscores: for file and resource names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")[:60] or fallback


def numbered(base: str, taken: Collection[str], suffix: str = "") -> str:
    """``base + suffix``, or the first of ``{base}_2{suffix}``, ``{base}_3{suffix}``, ... not in ``taken``."""
    name, n = base + suffix, 2
    while name in taken:
        name, n = f"{base}_{n}{suffix}", n + 1
    return name


def all_views(results: Sequence[Result], sources: Result | None, findings: Result | None) -> list[Result]:
    """The views of an export: the results, then ``sources`` and ``findings`` when given."""
    return [*results, *(r for r in (sources, findings) if r is not None)]
