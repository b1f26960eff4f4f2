"""The budget vocabulary declared once: the fases, their Dutch labels and when each is published.

The order in which budget moments are *published* is not the order of their year and fase: for money of year t the
ontwerpbegroting of t+1 (Prinsjesdag, September t, which also shows year t) comes before the 2e suppletoire of t
(December t) and the jaarverslag of t (May t+1). Changes between moments must run in publication order, or a step
from the jaarverslag of t to the ontwerpbegroting of t+1 appears that never happened.
"""

from __future__ import annotations

FASES = ("OWB", "VB", "O1", "SBS", "O2", "JV", "SW")
FASE_LABEL = {"OWB": "ontwerpbegroting", "VB": "vastgestelde begroting", "O1": "1e suppletoire",
              "SBS": "septembersuppletoire", "O2": "2e suppletoire", "JV": "jaarverslag", "SW": "slotwet"}

# per fase: (years after the budget year, month) of publication, and a rank for moments published in the same month
#   OWB t: Prinsjesdag, September t-1          VB t: adopted by Parliament, December t-1
#   O1 t: with the Voorjaarsnota, spring t     SBS t: with the Miljoenennota, September t (after OWB t+1)
#   O2 t: with the Najaarsnota, December t     JV t: Verantwoordingsdag, May t+1; SW t: with it, after it
PUBLICATION: dict[str, tuple[int, int, int]] = {
    "OWB": (-1, 9, 1), "VB": (-1, 12, 2), "O1": (0, 4, 3), "SBS": (0, 9, 4), "O2": (0, 12, 5),
    "JV": (1, 5, 6), "SW": (1, 5, 7),
}


def publication_key(moment_jaar: int, fase: str) -> int:
    """An integer that orders budget moments by publication (yyyymm * 10 + rank): OWB 2015 < JV 2014."""
    offset, month, rank = PUBLICATION[fase]
    return ((moment_jaar + offset) * 100 + month) * 10 + rank


def publication_key_sql(year_col: str, fase_col: str) -> str:
    """The same key as SQL over a year column and a fase column (constants only: safe to format into SQL)."""
    cases = " ".join(f"WHEN '{f}' THEN (CAST({year_col} AS INTEGER) + ({o})) * 1000 + {m * 10 + r}"
                     for f, (o, m, r) in PUBLICATION.items())
    return f"(CASE {fase_col} {cases} END)"


def moment_label(moment_jaar: int, fase: str) -> str:
    return f"{FASE_LABEL.get(fase, fase)} {moment_jaar}"


# a figure as a Dutch reader writes it (1.234.567 and 1.234,5): for text people read, never for machine formats
NL_NUM_MACRO = r"""
CREATE OR REPLACE TEMP MACRO nl_num(x) AS
    regexp_replace(replace(replace(replace(format('{:,.2f}', x), ',', '_'), '.', ','), '_', '.'), ',00$', '');
"""


def nl_amount(value: object) -> str:
    """A figure as a Dutch reader writes it in text (1.234.567 and -1.234,5); text stays text, None is empty."""
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        return str(value)
    d = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = format(d.normalize(), "f")
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    return sign + f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")
