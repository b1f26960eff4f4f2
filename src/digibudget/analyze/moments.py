"""Budget moments: their order, the latest one loaded, and what each holds."""

from __future__ import annotations

import re

import duckdb

from ..errors import UsageError
from ..queries import Result, query_result
from ..vocab import FASES

FASE_ORDER = {f: i for i, f in enumerate(FASES)}
FASE_LABEL = {"OWB": "ontwerpbegroting", "VB": "vastgestelde begroting", "O1": "1e suppletoire",
              "SBS": "septembersuppletoire", "O2": "2e suppletoire", "JV": "jaarverslag", "SW": "slotwet"}
# the position of a fase in the budget cycle, in SQL
FASE_POS = "list_position(['OWB', 'VB', 'O1', 'SBS', 'O2', 'JV', 'SW'], {col})"


def parse_moment(text: str) -> tuple[int, str]:
    """'2025-OWB', '2025 O1', 'OWB2025' -> (2025, 'OWB')."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-/ ]?\s*([A-Za-z0-9]+)\s*|\s*([A-Za-z0-9]+?)\s*[-/ ]?\s*(\d{4})\s*", text)
    if m:
        year, fase = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if fase.upper() in FASE_ORDER:
            return int(year), fase.upper()
    raise UsageError(f"budget moment {text!r} not understood", expected="YEAR-FASE, e.g. 2025-OWB or 2024-O1")


def latest_moment(con: duckdb.DuckDBPyConnection, *, tagged_only: bool = True) -> tuple[int, str] | None:
    """The latest budget moment for which figures (of tagged lines, by default) are loaded, however few chapters
    it holds; the views default to analyze.coverage.default_moment (the latest with broad coverage) instead."""
    row = con.execute("""
        SELECT f.moment_jaar, f.fase FROM fact f
        WHERE f.measure = 'stand' AND (NOT ? OR f.line_id IN (SELECT line_id FROM line_theme WHERE counted))
        GROUP BY f.moment_jaar, f.fase
        ORDER BY f.moment_jaar DESC, list_position(['OWB', 'VB', 'O1', 'SBS', 'O2', 'JV', 'SW'], f.fase) DESC
        LIMIT 1""", [tagged_only]).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def moments(con: duckdb.DuckDBPyConnection) -> Result:
    """Every budget moment with its coverage: chapters, articles, detail share, tagged lines, years."""
    return query_result(con, """
        SELECT f.moment_jaar AS begrotingsjaar, f.fase, count(DISTINCT f.hoofdstuk) AS hoofdstukken,
               count(DISTINCT f.hoofdstuk || '.' || f.artikel) AS artikelen,
               count(DISTINCT f.line_id) FILTER (WHERE f.granularity = 'detail') AS detailregels,
               count(DISTINCT f.line_id) FILTER (WHERE f.line_id IN (SELECT line_id FROM line_theme WHERE counted))
                   AS digitale_regels,
               min(f.jaar) AS van_jaar, max(f.jaar) AS tot_jaar,
               string_agg(DISTINCT s.file_name, ', ' ORDER BY s.file_name) AS bronnen
        FROM fact f JOIN source s USING (source_id)
        WHERE f.measure IN ('stand', 'realisatie')
        GROUP BY f.moment_jaar, f.fase
        ORDER BY f.moment_jaar, list_position(['OWB', 'VB', 'O1', 'SBS', 'O2', 'JV', 'SW'], f.fase)""", [],
                   "Begrotingsmomenten in de database")
