"""Dutch number notation in one place: 1.234.567,5 for everything a person reads (dashboard pages, terminal
tables, chart axes and hover labels). Machine formats (CSV by default, JSON, Parquet) stay plain: 1234567.5.

Exact, never rounded: a Decimal keeps all its digits (without trailing zeros); a float goes through its shortest
decimal representation. Charts use Plotly's ``separators`` (decimal, thousands) with a d3 format without SI
suffixes (``PLOTLY_SEPARATORS`` and ``PLOTLY_AMOUNT``), so a chart never reads '600k' or '8,729'.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from .vocab import UNIT_LABEL

PLOTLY_SEPARATORS = ",."  # Plotly's layout.separators: the decimal mark first, then the thousands separator
PLOTLY_AMOUNT = ",.0f"  # d3 format for amounts on axes and in hover labels: grouped, whole, no k/M suffix
AMOUNT_UNIT = UNIT_LABEL["EUR1000"]  # the store's unit, as a reader sees it


def plain_decimal(value: Decimal) -> str:
    """A Decimal as plain text without exponent or trailing zeros: 58990.0000 -> '58990', 1.50 -> '1.5'."""
    if not value.is_finite():
        return str(value)
    if value == value.to_integral():
        return format(value.normalize(), "f") if not value.is_zero() else "0"
    return format(value, "f").rstrip("0")


def nl_number(v: Any) -> str:
    """Dutch notation for a reader: 1.234.567,5; booleans as ja/nee; text stays text; None is empty."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, int):
        text = str(v)
    elif isinstance(v, float):
        text = plain_decimal(Decimal(repr(v))) if v == v and abs(v) != float("inf") else repr(v)
    elif isinstance(v, Decimal):
        text = plain_decimal(v)
    else:
        return str(v)
    if not text.lstrip("-")[:1].isdigit():
        return text  # NaN, Infinity
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    return sign + f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")


def nl_decimal(v: Any) -> str:
    """A number with a decimal comma and no thousands separator (for Dutch CSV: a spreadsheet reads it as a
    number); other values as ``nl_number`` would not touch them."""
    if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
        return "" if v is None else str(v)
    if isinstance(v, int):
        return str(v)
    text = plain_decimal(v if isinstance(v, Decimal) else Decimal(repr(v)))
    return text.replace(".", ",")


_KEY = re.compile(r"jaar$|(^|_)(rij|id|regel|bron|van|tot|nr|nummer|hoofdstuk|artikel)$")


def nl_cell(v: Any, column: str) -> str:
    """A table cell for a reader: years, row numbers and ids as they are (2017, not 2.017); other numbers in Dutch
    notation."""
    if isinstance(v, int) and not isinstance(v, bool) and _KEY.search(column):
        return str(v)
    return nl_number(v)
