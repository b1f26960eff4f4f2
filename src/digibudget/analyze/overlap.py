"""Overlap and fragmentation between ministries (seed question 28): per theme, how the money spreads over
hoofdstukken, artikelen, instrumenten and uitvoerders (counts and a Herfindahl-Hirschman concentration index),
executors funded from several chapters (questions 1 and 30: the NCSC), and near-identical line descriptions in
different ministries."""

from __future__ import annotations

from dataclasses import replace

import duckdb

from ..errors import UsageError
from ..queries import Result, query_result
from ..vocab import MomentLike
from .coverage import PARTIAL_STATEMENT, coverage
from .integral import Window, window, with_ministry

UNKNOWN = "('(onbekend)', '(geen)')"  # the placeholders of DIMENSIONS for a missing executor or instrument
# descriptions that are standard budget terms, not programmes: the same words in several ministries say nothing
GENERIC_MIN_CHAPTERS = 4
GENERIC_TERMS = ("ict", "materiele uitgaven", "personele uitgaven", "apparaatsuitgaven", "apparaat", "overig",
                 "overige", "overige uitgaven", "bijdrage", "opdrachten", "subsidies")
DIMENSIONS = {"hoofdstuk": "l.hoofdstuk", "artikel": "l.hoofdstuk || ' art. ' || l.artikel",
              "instrument": "coalesce(l.instrument, '(geen)')", "uitvoerder": "coalesce(l.uitvoerder, '(onbekend)')"}

_BASE = """
    WITH w AS (
        SELECT * FROM fact WHERE moment_jaar = ? AND fase = ? AND jaar = ? AND measure = 'stand' AND vuo = 'U'
    ), ex AS (
        SELECT le.line_id, arg_min(e.name, le.rank) AS uitvoerder
        FROM line_executor le JOIN executor e USING (executor_id) GROUP BY le.line_id
    ), tagged AS (
        SELECT lt.theme, w.line_id, w.value_k * lt.weight AS bedrag, l.*, ex.uitvoerder
        FROM w JOIN line_theme lt USING (line_id) JOIN budget_line l USING (line_id) LEFT JOIN ex USING (line_id)
        WHERE lt.counted AND (?::VARCHAR IS NULL OR lt.theme = ?)
    )
"""


def concentration(con: duckdb.DuckDBPyConnection, *, moment: MomentLike | None = None, jaar: int | None = None,
                  theme: str | None = None) -> Result:
    """Per theme and dimension: number of distinct units, the largest unit's share, and the HHI (0-10,000).

    An unknown executor or a line without instrument is no unit: its money is left out of the shares and shown
    apart (zonder_eenheid_x1000), else '(onbekend)' would count as one large executor. With one unit the HHI is
    empty and 'opmerking' says why (10.000 would read as 'fully concentrated' where there is nothing to compare)."""
    w = window(con, moment)
    year = jaar if jaar is not None else w.moment_jaar
    parts = []
    for name, expr in DIMENSIONS.items():
        parts.append(f"""
            SELECT theme, '{name}' AS dimensie, {expr} AS eenheid, sum(bedrag) AS bedrag, count(*) AS regels
            FROM tagged l GROUP BY ALL""")  # noqa: S608 - constant dimension expressions
    sql = _BASE + f""", units AS ({" UNION ALL ".join(parts)}),
        shares AS (
            SELECT *, bedrag / nullif(sum(bedrag) OVER (PARTITION BY theme, dimensie), 0) AS aandeel FROM units
            WHERE bedrag > 0 AND eenheid NOT IN {UNKNOWN}
        ), unknown AS (
            SELECT theme, dimensie, sum(bedrag) AS onbekend FROM units
            WHERE bedrag > 0 AND eenheid IN {UNKNOWN} GROUP BY ALL
        )
        SELECT s.theme AS thema, s.dimensie, count(*) AS aantal, sum(s.bedrag) AS bedrag_x1000,
               CASE WHEN count(*) > 1 THEN round(10000 * sum(aandeel * aandeel), 0)::INTEGER END AS hhi,
               arg_max(eenheid, s.bedrag) AS grootste, round(100 * max(aandeel), 1) AS grootste_pct,
               any_value(u.onbekend) AS zonder_eenheid_x1000,
               CASE WHEN count(*) = 1 THEN 'geen HHI: maar één eenheid, een concentratie zegt dan niets'
                    END AS opmerking
        FROM shares s LEFT JOIN unknown u USING (theme, dimensie)
        GROUP BY s.theme, s.dimensie ORDER BY s.theme, s.dimensie
    """  # noqa: S608 - only the constant dimension expressions are formatted in
    return _covered(con, query_result(con, sql, [w.moment_jaar, w.fase, year, theme, theme],
                                 f"Spreiding en concentratie per thema ({w.fase} {w.moment_jaar}, jaar {year}; "
                                 "HHI 0-10.000)", "x € 1.000"), w, year, theme)


def _covered(con: duckdb.DuckDBPyConnection, result: Result, w: Window, year: int, theme: str | None) -> Result:
    """The result with the coverage of its moment and year (uitgaven); spread over a partial moment's chapters is
    no national picture, and its title says so."""
    cov = coverage(con, w.moment_jaar, w.fase, year, year, vuo="U", themes=[theme] if theme else None,
                   default=w.standaard)
    title = result.title if cov.breed else f"{result.title} - {PARTIAL_STATEMENT}"
    return replace(result, title=title, coverage=cov)


def spread(con: duckdb.DuckDBPyConnection, dimension: str, *, moment: MomentLike | None = None, jaar: int | None = None,
           theme: str | None = None) -> Result:
    """The units of one dimension (e.g. every ministry) per theme, with amount and share."""
    if dimension not in DIMENSIONS:
        raise UsageError(f"onbekende dimensie {dimension!r}", expected=", ".join(DIMENSIONS))
    w = window(con, moment)
    year = jaar if jaar is not None else w.moment_jaar
    sql = _BASE + f"""
        SELECT theme AS thema, {DIMENSIONS[dimension]} AS {dimension}, sum(bedrag) AS bedrag_x1000,
               round(100 * sum(bedrag) / nullif(sum(sum(bedrag)) OVER (PARTITION BY theme), 0), 1) AS aandeel_pct,
               count(*) AS regels
        FROM tagged l GROUP BY theme, {DIMENSIONS[dimension]} ORDER BY thema, bedrag_x1000 DESC
    """  # noqa: S608
    result = query_result(con, sql, [w.moment_jaar, w.fase, year, theme, theme],
                          f"Verdeling per {dimension} ({w.fase} {w.moment_jaar}, jaar {year})", "x € 1.000")
    return _covered(con, with_ministry(result, w.moment_jaar), w, year, theme)  # per hoofdstuk: its name that year


def multi_funded_executors(con: duckdb.DuckDBPyConnection, *, min_chapters: int = 2) -> Result:
    """Executors whose lines sit in several chapters, over everything loaded: which chapters, which years."""
    return query_result(con, """
        WITH x AS (
            SELECT e.name, l.hoofdstuk, l.begrotingsjaar, l.line_id
            FROM line_executor le JOIN executor e USING (executor_id) JOIN budget_line l USING (line_id)
            WHERE NOT l.is_total AND l.duplicate_of IS NULL
        )
        SELECT name AS uitvoerder, count(DISTINCT hoofdstuk) AS hoofdstukken,
               string_agg(DISTINCT hoofdstuk, ', ' ORDER BY hoofdstuk) AS welke_hoofdstukken,
               min(begrotingsjaar) AS van, max(begrotingsjaar) AS tot, count(DISTINCT line_id) AS regels
        FROM x GROUP BY name HAVING count(DISTINCT hoofdstuk) >= ?
        ORDER BY hoofdstukken DESC, uitvoerder""", [min_chapters], "Uitvoerders gefinancierd uit meerdere hoofdstukken")


def near_duplicates(con: duckdb.DuckDBPyConnection, *, threshold: float = 0.9) -> Result:
    """Digital lines in different ministries whose descriptions are (nearly) the same: a sign of fragmentation.

    Compared after lowercasing, removing accents, punctuation and a leading 'waarvan'; a description found in
    GENERIC_MIN_CHAPTERS or more ministries is a standard budget term ('Waarvan ICT', 'Materiële uitgaven') and
    left out: it names no programme, so its likeness says nothing about overlap."""
    if not 0.5 <= threshold <= 1.0:
        raise UsageError(f"drempel {threshold}", expected="een gelijkenis tussen 0,5 en 1")
    return query_result(con, """
        WITH raw AS (
            SELECT l.hoofdstuk, coalesce(l.regeling, l.detail, l.artikelonderdeel_naam) AS omschrijving,
                   trim(regexp_replace(regexp_replace(strip_accents(lower(coalesce(l.regeling, l.detail,
                        l.artikelonderdeel_naam))), '^[^a-z0-9]*(waarvan|w[.]v[.]|wv)?[^a-z0-9]*', ''),
                        '[^a-z0-9]+', ' ', 'g')) AS tekst
            FROM budget_line l JOIN line_theme lt USING (line_id)
            WHERE lt.counted AND NOT l.is_total AND coalesce(l.regeling, l.detail, l.artikelonderdeel_naam) IS NOT NULL
        ), generic AS (  -- 'waarvan ICT', 'materiele uitgaven': standard terms in many ministries, no programmes
            SELECT tekst FROM raw GROUP BY tekst HAVING count(DISTINCT hoofdstuk) >= ?
            UNION ALL SELECT unnest(?::VARCHAR[])
        ), d AS (
            SELECT hoofdstuk, tekst, min(omschrijving) AS omschrijving FROM raw
            WHERE tekst NOT IN (SELECT tekst FROM generic) GROUP BY ALL
        )
        SELECT a.hoofdstuk AS hoofdstuk_a, a.omschrijving AS omschrijving_a, b.hoofdstuk AS hoofdstuk_b,
               b.omschrijving AS omschrijving_b, round(jaro_winkler_similarity(a.tekst, b.tekst), 3) AS gelijkenis
        FROM d a JOIN d b ON a.hoofdstuk < b.hoofdstuk AND length(a.tekst) > 2 AND length(b.tekst) > 2
        WHERE jaro_winkler_similarity(a.tekst, b.tekst) >= ?
        ORDER BY gelijkenis DESC, hoofdstuk_a, hoofdstuk_b, omschrijving_a""",
                   [GENERIC_MIN_CHAPTERS, list(GENERIC_TERMS), threshold],
                   "Bijna gelijke omschrijvingen in verschillende ministeries")
