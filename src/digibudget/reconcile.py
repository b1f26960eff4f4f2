"""Reconciliation, run inside every ingest transaction. Each disagreement becomes a finding carrying both figures.

1. totals: a (sub)total row against the detail rows below it, within one source;
2. stands: stand = previous stand + mutations, within one line of a suppletoire table;
3. sources: article totals of different sources for the same hoofdstuk, artikel, V/U/O, moment and year.

Published figures are rounded to whole units, so differences below one unit (EUR 1,000 or, in Miljoenennota
tables, EUR 1 mln) count as agreement.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from .errors import Location
from .findings import Finding

_FASE_LABEL = {"OWB": "ontwerpbegroting", "VB": "vastgestelde begroting", "O1": "1e suppletoire",
               "SBS": "septembersuppletoire", "O2": "2e suppletoire", "JV": "realisatie", "SW": "slotwet"}

TOTALS_SQL = """
WITH t AS (
    SELECT l.*, a.moment_jaar, a.fase, a.measure, a.mutatie_soort, a.jaar, a.unit, a.value AS total
    FROM budget_line l JOIN amount a USING (line_id)
    WHERE l.source_id IN (SELECT unnest(?::INTEGER[])) AND l.is_total AND l.duplicate_of IS NULL
      AND l.artikel IS NOT NULL AND l.niveau IN ('artikel', 'artikelonderdeel', 'instrument', 'regeling')
), d AS (
    SELECT l.*, a.moment_jaar, a.fase, a.measure, a.mutatie_soort, a.jaar, a.unit, a.value
    FROM budget_line l JOIN amount a USING (line_id)
    WHERE l.source_id IN (SELECT unnest(?::INTEGER[])) AND NOT l.is_total AND l.duplicate_of IS NULL
)
SELECT t.source_id, t.source_row, t.hoofdstuk, t.artikel, t.artikelonderdeel, t.instrument, t.regeling, t.vuo,
       t.begrotingsjaar, t.fase, t.measure, t.mutatie_soort, t.jaar, t.unit, t.total, sum(d.value) AS detail_sum,
       count(*) AS n
FROM t JOIN d ON d.source_id = t.source_id AND d.begrotingsjaar = t.begrotingsjaar AND d.hoofdstuk = t.hoofdstuk
    AND d.artikel = t.artikel AND d.vuo = t.vuo AND d.moment_jaar = t.moment_jaar AND d.fase = t.fase
    AND d.measure = t.measure AND d.mutatie_soort IS NOT DISTINCT FROM t.mutatie_soort AND d.jaar = t.jaar
    AND d.unit = t.unit
    AND (t.niveau = 'artikel' OR d.artikelonderdeel IS NOT DISTINCT FROM t.artikelonderdeel
         OR (t.artikelonderdeel IS NULL AND t.niveau IN ('instrument', 'regeling')))
    AND (t.niveau IN ('artikel', 'artikelonderdeel') OR d.instrument IS NOT DISTINCT FROM t.instrument)
    AND (t.niveau <> 'regeling' OR d.regeling IS NOT DISTINCT FROM t.regeling)
GROUP BY ALL
ORDER BY ALL
"""

STANDS_SQL = """
WITH a AS (
    SELECT l.source_id, l.source_row, l.line_id, l.hoofdstuk, l.artikel, l.regeling, l.instrument, l.vuo,
           x.moment_jaar, x.jaar, x.fase, x.measure, sum(x.value) AS value
    FROM budget_line l JOIN amount x USING (line_id)
    WHERE l.source_id IN (SELECT unnest(?::INTEGER[])) AND x.measure IN ('stand', 'mutatie')
      -- only lines with a published mutation can be checked (the join below needs one)
      AND l.line_id IN (SELECT line_id FROM amount WHERE measure = 'mutatie')
    GROUP BY ALL
), steps(prev_fase, fase) AS (VALUES ('OWB', 'VB'), ('VB', 'O1'), ('O1', 'O2'))
SELECT s.source_id, s.source_row, s.hoofdstuk, s.artikel, coalesce(s.regeling, s.instrument), s.vuo,
       s.moment_jaar, s.jaar, steps.prev_fase, steps.fase, p.value AS previous, m.value AS mutations,
       s.value AS stand
FROM steps
JOIN a s ON s.fase = steps.fase AND s.measure = 'stand'
JOIN a p ON p.line_id = s.line_id AND p.fase = steps.prev_fase AND p.measure = 'stand'
     AND p.moment_jaar = s.moment_jaar AND p.jaar = s.jaar
JOIN a m ON m.line_id = s.line_id AND m.fase = steps.fase AND m.measure = 'mutatie'
     AND m.moment_jaar = s.moment_jaar AND m.jaar = s.jaar
ORDER BY ALL
"""

SOURCES_SQL = """
WITH art AS (
    SELECT s.source_id, s.file_name, l.hoofdstuk, l.artikel, l.vuo, a.moment_jaar, a.fase, a.measure, a.jaar,
           a.unit, min(a.value_k) AS value_k, min(l.source_row) AS source_row
    FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
    WHERE l.niveau = 'artikel' AND l.is_total AND l.duplicate_of IS NULL AND l.artikel IS NOT NULL
      AND (l.regeling IS NULL OR lower(l.regeling) = 'programma-uitgaven') AND a.measure IN ('stand', 'realisatie')
    GROUP BY ALL
)
SELECT x.file_name, y.file_name, x.hoofdstuk, x.artikel, x.vuo, x.moment_jaar, x.fase, x.jaar,
       x.value_k, y.value_k, x.source_row, y.source_row, x.source_id, y.source_id,
       CASE WHEN 'EURMLN' IN (x.unit, y.unit) THEN 1000 ELSE 1 END AS tolerance
FROM art x JOIN art y ON x.source_id < y.source_id AND x.hoofdstuk = y.hoofdstuk AND x.artikel = y.artikel
    AND x.vuo = y.vuo AND x.moment_jaar = y.moment_jaar AND x.fase = y.fase AND x.measure = y.measure
    AND x.jaar = y.jaar
ORDER BY ALL
"""


def run(con: duckdb.DuckDBPyConnection, new_source_ids: Sequence[int]) -> dict[str, int]:
    from .ingest import store_findings

    ids = list(new_source_ids)
    stats = {"totals_checked": 0, "totals_mismatch": 0, "stands_checked": 0, "stands_mismatch": 0,
             "cross_checked": 0, "cross_agree": 0, "cross_mismatch": 0}
    paths = dict(con.execute("SELECT source_id, path FROM source").fetchall())
    per_source: dict[int, list[Finding]] = {}
    # counted in SQL; only the disagreements come to Python (set-based: no loop over every total)
    con.execute("CREATE OR REPLACE TEMP TABLE rec_totals AS " + TOTALS_SQL, [ids, ids])
    counted = con.execute("SELECT count(*), count(*) FILTER (WHERE abs(total - detail_sum) >= 1) "
                          "FROM rec_totals").fetchone()
    stats["totals_checked"], stats["totals_mismatch"] = (int(counted[0]), int(counted[1])) if counted else (0, 0)
    mismatches = con.execute("SELECT * FROM rec_totals WHERE abs(total - detail_sum) >= 1 ORDER BY ALL").fetchall()
    con.execute("DROP TABLE rec_totals")
    for r in mismatches:
        (sid, row, hfst, art, ond, instr, reg, vuo, bj, fase, measure, soort, jaar, _unit, total, dsum, _n) = r
        if abs(total - dsum) >= 1:
            what = " ".join(str(p) for p in (f"{hfst} art. {art}", ond, instr, reg) if p)
            what += f", {vuo}, {_FASE_LABEL.get(fase, fase)} {bj} {measure}{' ' + soort if soort else ''}, jaar {jaar}"
            per_source.setdefault(sid, []).append(Finding(
                "total-mismatch", Location(paths.get(sid), row), what=what, detail_sum=dsum, total=total,
                difference=total - dsum))
    for r in con.execute(STANDS_SQL, [ids]).fetchall():
        sid, row, hfst, art, label, vuo, mj, jaar, prev_fase, fase, previous, mutations, stand = r
        stats["stands_checked"] += 1
        if abs(previous + mutations - stand) >= 1:
            stats["stands_mismatch"] += 1
            what = f"{hfst} art. {art} {label or ''} {vuo} {jaar}: {prev_fase} -> {fase}".replace("  ", " ")
            per_source.setdefault(sid, []).append(Finding(
                "stand-mismatch", Location(paths.get(sid), row), what=what, previous=previous, mutations=mutations,
                expected=previous + mutations, stand=stand))
    for sid, found in sorted(per_source.items()):
        store_findings(con, sid, paths.get(sid), found)
    # cross-source findings are global: recompute them all
    con.execute("DELETE FROM finding WHERE code IN ('source-mismatch', 'source-agreement')")
    agree: dict[tuple[str, str], int] = {}
    cross: list[Finding] = []
    con.execute("".join(("CREATE OR REPLACE TEMP TABLE rec_cross AS SELECT *, abs(value_k - value_k_1) < tolerance "
                         "AS ok FROM (", SOURCES_SQL, ")")))
    for fa, fb, n, n_ok in con.execute("SELECT file_name, file_name_1, count(*), count(*) FILTER (WHERE ok) "
                                       "FROM rec_cross GROUP BY ALL").fetchall():
        stats["cross_checked"] += int(n)
        stats["cross_agree"] += int(n_ok)
        stats["cross_mismatch"] += int(n) - int(n_ok)
        if n_ok:
            agree[(fa, fb)] = agree.get((fa, fb), 0) + int(n_ok)
    for r in con.execute("SELECT * EXCLUDE (ok) FROM rec_cross WHERE NOT ok ORDER BY ALL").fetchall():
        fa, fb, hfst, art, vuo, mj, fase, jaar, va, vb, ra, rb, _sa, _sb, _tol = r
        cross.append(Finding(
            "source-mismatch", Location(fa, ra),
            what=f"{hfst} art. {art} {vuo}, {_FASE_LABEL.get(fase, fase)} {mj}, jaar {jaar}",
            source_a=f"{fa} (rij {ra})", value_a=va, source_b=f"{fb} (rij {rb})", value_b=vb, difference=va - vb))
    con.execute("DROP TABLE rec_cross")
    for (fa, fb), count in sorted(agree.items()):
        cross.append(Finding("source-agreement", Location(fa), what="article totals", count=count, source_a=fa,
                             source_b=fb))
    store_findings(con, None, None, cross)
    return stats



