"""Profiles of lines over the years of one budget moment (seed questions 3, 18, 19, 20):
funding cliffs, a dip followed by a spike in the last year, and opaque reserves."""

from __future__ import annotations

import duckdb

from ..errors import UsageError
from ..queries import Result, query_result
from ..vocab import MomentLike
from .integral import window

_SERIES = """
    WITH s AS (
        SELECT f.line_id, f.jaar, f.value_k, l.hoofdstuk, l.artikel,
               coalesce(l.regeling, l.detail, l.instrument, l.artikelonderdeel_naam, l.artikel_naam) AS omschrijving,
               lag(f.value_k) OVER (PARTITION BY f.line_id ORDER BY f.jaar) AS vorig,
               max(f.jaar) OVER (PARTITION BY f.line_id) AS laatste_jaar
        FROM fact f JOIN budget_line l USING (line_id)
        WHERE f.moment_jaar = ? AND f.fase = ? AND f.measure = 'stand' AND f.vuo = 'U' AND NOT f.is_part
          AND (NOT ? OR f.line_id IN (SELECT line_id FROM line_theme WHERE counted))
    )
"""


def cliffs(con: duckdb.DuckDBPyConnection, *, moment: MomentLike | None = None, drop_pct: float = 50,
           min_amount: float = 1000, digital_only: bool = True) -> Result:
    """Lines that end or drop sharply after a year (e.g. the NCSC's NIS2 money after 2027, question 3)."""
    if not 0 < drop_pct <= 100:
        raise UsageError(f"daling {drop_pct}%", expected="een percentage tussen 0 en 100")
    w = window(con, moment)
    return query_result(con, _SERIES + """
        SELECT hoofdstuk, artikel, omschrijving, jaar - 1 AS jaar_voor, vorig AS bedrag_voor, jaar AS jaar_na,
               value_k AS bedrag_na, round(100 * (value_k - vorig) / vorig, 1) AS verandering_pct, line_id AS regel
        FROM s WHERE vorig >= ? AND value_k <= vorig * (1 - ? / 100)
        ORDER BY vorig - value_k DESC""", [w.moment_jaar, w.fase, digital_only, min_amount, drop_pct],  # noqa: S608
                   f"Financieringskliffen ({w.fase} {w.moment_jaar}: daling van minstens {drop_pct:g}%)",
                   "x € 1.000")


def last_year_spikes(con: duckdb.DuckDBPyConnection, *, moment: MomentLike | None = None, rise_pct: float = 50,
                     digital_only: bool = False) -> Result:
    """Series that fall and then jump in the last year of the window (question 19: NGF money parked in 2031)."""
    w = window(con, moment)
    return query_result(con, _SERIES + """, t AS (
            SELECT line_id, any_value(hoofdstuk) AS hoofdstuk, any_value(artikel) AS artikel,
                   any_value(omschrijving) AS omschrijving, max(laatste_jaar) AS laatste_jaar,
                   max(value_k) FILTER (WHERE jaar = laatste_jaar) AS laatste,
                   max(vorig) FILTER (WHERE jaar = laatste_jaar) AS voorlaatste,
                   min(value_k) FILTER (WHERE jaar < laatste_jaar) AS dal,
                   max(value_k) FILTER (WHERE jaar < laatste_jaar) AS top
            FROM s GROUP BY line_id
        )
        SELECT hoofdstuk, artikel, omschrijving, top AS hoogste_eerder, dal AS laagste_eerder,
               voorlaatste AS voorlaatste_jaar, laatste AS laatste_jaar_bedrag, laatste_jaar, line_id AS regel
        FROM t WHERE dal < top AND voorlaatste IS NOT NULL AND voorlaatste < top
          AND laatste > voorlaatste * (1 + ? / 100) AND laatste > 0
        ORDER BY laatste - voorlaatste DESC""", [w.moment_jaar, w.fase, digital_only, rise_pct],  # noqa: S608
                   f"Dal gevolgd door piek in het laatste jaar ({w.fase} {w.moment_jaar})", "x € 1.000")


OPAQUE = (r"nog (te )?verdel|onverdeeld|aanvullende post|reserv|envelop|prijsbijstelling|loonbijstelling|"
          r"taakstelling|nader te bepalen|niet toebedeeld|niet toegedeeld|onvoorzien")


def opaque(con: duckdb.DuckDBPyConnection, *, min_amount: float = 10000, digital_only: bool = False) -> Result:
    """Large amounts on reserves, 'nog te verdelen', 'overig' and similar lines without specification (question
    20: 78 mln for 'Digitale Veiligheid' on the aanvullende post)."""
    return query_result(con, """
        SELECT f.moment_jaar AS begrotingsjaar, f.fase, l.hoofdstuk, l.artikel,
               coalesce(l.regeling, l.detail, l.instrument, l.artikelonderdeel_naam, l.artikel_naam) AS omschrijving,
               regexp_extract(strip_accents(lower(coalesce(l.regeling, '') || ' ' || coalesce(l.detail, '') || ' '
                   || coalesce(l.artikelonderdeel_naam, '') || ' ' || coalesce(l.artikel_naam, ''))), ?) AS kenmerk,
               max(f.value_k) AS hoogste_bedrag, f.line_id AS regel,
               f.line_id IN (SELECT line_id FROM line_theme WHERE counted) AS digitaal
        FROM fact f JOIN budget_line l USING (line_id)
        WHERE f.measure = 'stand' AND f.vuo = 'U' AND NOT f.is_part AND f.jaar = f.moment_jaar
          AND regexp_matches(strip_accents(lower(coalesce(l.regeling, '') || ' ' || coalesce(l.detail, '') || ' '
                  || coalesce(l.artikelonderdeel_naam, '') || ' ' || coalesce(l.artikel_naam, ''))), ?)
          AND (NOT ? OR f.line_id IN (SELECT line_id FROM line_theme WHERE counted))
        GROUP BY ALL HAVING max(f.value_k) >= ?
        ORDER BY hoogste_bedrag DESC""", [OPAQUE, OPAQUE, digital_only, min_amount],
                   "Ondoorzichtige posten: reserves en niet nader gespecificeerde bedragen", "x € 1.000")
