"""Budget moments: their order, the latest one loaded, and what each holds."""

from __future__ import annotations

import duckdb

from ..queries import Result, query_result
from ..vocab import FASE_LABEL, FASE_ORDER, Moment, fase_order_sql

__all__ = ["FASE_LABEL", "FASE_ORDER", "latest_moment", "moments", "parse_moment"]

parse_moment = Moment.parse  # the one grammar of a moment (vocab.MOMENT_PATTERN); kept under its old name


def latest_moment(con: duckdb.DuckDBPyConnection, *, tagged_only: bool = True) -> Moment | None:
    """The latest budget moment for which figures (of tagged lines, by default) are loaded, however few chapters
    it holds; the views default to analyze.coverage.default_moment (the latest with broad coverage) instead."""
    row = con.execute(f"""
        SELECT f.moment_jaar, f.fase FROM fact f
        WHERE f.measure = 'stand' AND (NOT ? OR f.line_id IN (SELECT line_id FROM line_theme WHERE counted))
        GROUP BY f.moment_jaar, f.fase
        ORDER BY f.moment_jaar DESC, {fase_order_sql("f.fase")} DESC
        LIMIT 1""", [tagged_only]).fetchone()  # noqa: S608 - constants
    return Moment(int(row[0]), str(row[1])) if row else None


def moments(con: duckdb.DuckDBPyConnection) -> Result:
    """Every budget moment with its coverage: chapters, articles, detail share, tagged lines, years."""
    return query_result(con, f"""
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
        ORDER BY f.moment_jaar, {fase_order_sql("f.fase")}""", [],  # noqa: S608 - constants
                   "Begrotingsmomenten in de database")
