"""Filters as a reader types them: 'subsidies' finds 'Subsidies', 'vii' finds chapter VII. The analyses compare
exactly; these helpers turn what was typed into the value the data holds (case- and accent-insensitive), so every
filter of the dashboard and the CLI matches the same way."""

from __future__ import annotations

import unicodedata

import duckdb


def fold(text: str) -> str:
    """Lowercase without accents ('Materiële' -> 'materiele'), as DuckDB's strip_accents(lower(...))."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def canonical_instrument(con: duckdb.DuckDBPyConnection, text: str | None) -> str | None:
    """The instrument as the data writes it, for any casing or accents of it; unknown text stays as typed (and
    then matches nothing, as before)."""
    if not text:
        return text
    row = con.execute("""
        SELECT instrument FROM budget_line
        WHERE instrument IS NOT NULL AND strip_accents(lower(instrument)) = ?
        GROUP BY instrument ORDER BY count(*) DESC, instrument LIMIT 1""", [fold(text.strip())]).fetchone()
    return str(row[0]) if row else text


def canonical_chapter(text: str | None) -> str | None:
    """Chapter codes are upper case (VII, IXB, LVIII)."""
    return text.strip().upper() if text else text
