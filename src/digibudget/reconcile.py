"""Reconciliation, run inside every ingest transaction. Each disagreement becomes a finding carrying both figures.

1. totals: a (sub)total row against the detail rows below it, within one source;
2. stands: stand = previous stand + mutations, within one line of a suppletoire table;
   and the categories of a budgetflexibiliteit split add up to 100 %;
3. sources: article totals of different sources for the same hoofdstuk, artikel, V/U/O, moment and year; for a
   source that gives lines without article totals (the rijksfinancien.nl JSON B-tabel), the sum of an article's
   lines against the other sources' article totals.

Published figures are rounded to whole units, so differences below one unit (EUR 1,000 or, in Miljoenennota
tables, EUR 1 mln) count as agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import duckdb

from .errors import Location
from .findings import Finding, store_findings
from .vocab import FASE_LABEL

# The details are summed per level key before they meet their totals, so the check stays linear in the rows even
# when an article recurs in several blocks of one file. A level number names what a sum keeps: bit 4 set = summed
# over artikelonderdeel, 2 = over instrument, 1 = over regeling (as GROUPING() would number them). A total asks for
# the sum at its own level: an artikel total for all details of its article (7), an artikelonderdeel total for
# those of its onderdeel (3), an instrument total for those of its instrument within its onderdeel, or within the
# article when it has no onderdeel (1 or 5), a regeling total likewise (0 or 4). Only the levels the new totals
# need are summed. Every join key is plain equality (NULL and 'summed over' get their own marks).
_KEYS = ("source_id", "begrotingsjaar", "hoofdstuk", "artikel", "vuo", "moment_jaar", "fase", "measure",
         "mutatie_soort", "jaar", "unit")
_LEVELS = {7: "", 3: "artikelonderdeel", 5: "instrument", 1: "artikelonderdeel, instrument",
           4: "instrument, regeling", 0: "artikelonderdeel, instrument, regeling"}
_TOTAL_ROWS = """
    SELECT l.source_id, l.source_row, l.begrotingsjaar, l.hoofdstuk, l.artikel, l.artikelonderdeel, l.instrument,
           l.regeling, l.vuo, a.moment_jaar, a.fase, a.measure, a.mutatie_soort, a.jaar, a.unit, a.value AS total,
           CASE l.niveau WHEN 'artikel' THEN 7 WHEN 'artikelonderdeel' THEN 3
                WHEN 'instrument' THEN CASE WHEN l.artikelonderdeel IS NULL THEN 5 ELSE 1 END
                ELSE CASE WHEN l.artikelonderdeel IS NULL THEN 4 ELSE 0 END END AS gid
    FROM budget_line l JOIN amount a USING (line_id)
    WHERE l.source_id IN (SELECT unnest(?::INTEGER[])) AND l.is_total AND l.duplicate_of IS NULL
      AND l.artikel IS NOT NULL AND l.niveau IN ('artikel', 'artikelonderdeel', 'instrument', 'regeling')"""


def _level_key(alias: str, column: str, bit: int) -> str:
    """A join key for one level column: its value (NULL marked) where the level keeps it, a mark where summed."""
    return (f"CASE WHEN {alias}.gid & {bit} = 0 THEN coalesce({alias}.{column}, chr(1)) ELSE chr(2) END "
            f"AS k_{column}")


def totals_sql(gids: Sequence[int]) -> str:
    """The check of every total row of the new sources against the sum of its details (levels ``gids`` only)."""
    keys = ", ".join(_KEYS)
    sums = " UNION ALL ".join(
        f"SELECT {keys}, "  # noqa: S608 - constants of this module
        + ", ".join(c if c in _LEVELS[g].split(", ") else f"NULL::VARCHAR AS {c}"
                    for c in ("artikelonderdeel", "instrument", "regeling"))
        + f", {g} AS gid, sum(value) AS detail_sum, count(*) AS n FROM d GROUP BY ALL"
        for g in sorted(set(gids)))
    level_keys = ", ".join(_level_key("{a}", c, b) for c, b in (("artikelonderdeel", 4), ("instrument", 2),
                                                                  ("regeling", 1)))
    on = " AND ".join([f"g.{k} = t.{k}" for k in _KEYS if k != "mutatie_soort"]
                      + ["g.mutatie_soort IS NOT DISTINCT FROM t.mutatie_soort", "g.gid = t.gid",
                         "g.k_artikelonderdeel = t.k_artikelonderdeel", "g.k_instrument = t.k_instrument",
                         "g.k_regeling = t.k_regeling"])
    return f"""
WITH t AS (SELECT *, {level_keys.format(a="x")} FROM ({_TOTAL_ROWS}) x),
d AS (
    SELECT l.source_id, l.begrotingsjaar, l.hoofdstuk, l.artikel, l.vuo, l.artikelonderdeel, l.instrument, l.regeling,
           a.moment_jaar, a.fase, a.measure, a.mutatie_soort, a.jaar, a.unit, a.value
    FROM budget_line l JOIN amount a USING (line_id)
    WHERE l.source_id IN (SELECT unnest(?::INTEGER[])) AND NOT l.is_total AND l.duplicate_of IS NULL
      AND l.artikel IS NOT NULL
), s AS ({sums}
), g AS (SELECT * EXCLUDE (artikelonderdeel, instrument, regeling), {level_keys.format(a="s")} FROM s)
SELECT t.source_id, t.source_row, t.hoofdstuk, t.artikel, t.artikelonderdeel, t.instrument, t.regeling, t.vuo,
       t.begrotingsjaar, t.fase, t.measure, t.mutatie_soort, t.jaar, t.unit, t.total, sum(g.detail_sum) AS detail_sum,
       sum(g.n) AS n
FROM t JOIN g ON {on}
GROUP BY ALL
ORDER BY ALL
"""  # noqa: S608 - built from the constants above


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
      AND s.kind <> 'btabel_json'  -- checked line by line in LINES_SQL
      AND a.moment_jaar IN (__MOMENT_YEARS__)
    GROUP BY ALL
)
SELECT x.file_name, y.file_name, x.hoofdstuk, x.artikel, x.vuo, x.moment_jaar, x.fase, x.jaar,
       x.value_k, y.value_k, x.source_row, y.source_row, x.source_id, y.source_id,
       CASE WHEN 'EURMLN' IN (x.unit, y.unit) THEN 1000 ELSE 1 END AS tolerance
FROM art x JOIN art y ON x.source_id < y.source_id AND x.hoofdstuk = y.hoofdstuk AND x.artikel = y.artikel
    AND x.vuo = y.vuo AND x.moment_jaar = y.moment_jaar AND x.fase = y.fase AND x.measure = y.measure
    AND x.jaar = y.jaar
WHERE x.source_id IN (__NEW__) OR y.source_id IN (__NEW__)
ORDER BY ALL
"""


# the categories of one budgetflexibiliteit split (an article's share per category, not one instrument's) must add
# up to 100 %, within one point for the rounding of every printed share; a lone 'juridisch verplicht' is no split
COMMITMENT_SQL = """
SELECT source_id, min(source_row), hoofdstuk, artikel, vuo, moment_jaar, fase, jaar, sum(pct) AS total,
       string_agg(category || ' ' || pct::DECIMAL(7,1), ', ' ORDER BY category) AS parts
FROM legal_commitment
WHERE source_id IN (SELECT unnest(?::INTEGER[])) AND instrument IS NULL
GROUP BY source_id, hoofdstuk, artikel, vuo, moment_jaar, fase, jaar
HAVING count(DISTINCT category) > 1
ORDER BY ALL
"""


def _commitment_splits(con: duckdb.DuckDBPyConnection, ids: list[int], paths: dict[int, str],
                       stats: dict[str, int], per_source: dict[int, list[Finding]]) -> None:
    for sid, row, hfst, art, vuo, mj, fase, jaar, total, parts in con.execute(COMMITMENT_SQL, [ids]).fetchall():
        stats["splits_checked"] += 1
        if abs(total - 100) > 1:
            stats["splits_mismatch"] += 1
            what = f"{hfst} art. {art} {vuo}, {FASE_LABEL.get(fase, fase)} {mj}, jaar {jaar}"
            per_source.setdefault(sid, []).append(Finding(
                "commitment-split-mismatch", Location(paths.get(sid), row), what=what, total=total, parts=parts))


# sources without article totals for most articles (the rijksfinancien.nl JSON B-tabel): the sum of all lines of
# an article and V/U/O (its one total line, or its lines) against the article totals of the other sources
LINES_SQL = """
WITH j AS (
    SELECT s.source_id, s.file_name, l.hoofdstuk, l.artikel, l.vuo, a.moment_jaar, a.fase, a.measure, a.jaar,
           sum(a.value_k) AS value_k, count(*) AS n, list(l.source_row ORDER BY l.source_row)[1:12] AS rows
    FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
    WHERE s.kind = 'btabel_json' AND l.duplicate_of IS NULL AND l.artikel IS NOT NULL
      AND (NOT l.is_total OR l.niveau = 'artikel') AND a.measure IN ('stand', 'realisatie')
      AND a.moment_jaar IN (__MOMENT_YEARS__)
    GROUP BY ALL
), art AS (
    SELECT s.source_id, s.file_name, l.hoofdstuk, l.artikel, l.vuo, a.moment_jaar, a.fase, a.measure, a.jaar,
           min(a.value_k) AS value_k, min(l.source_row) AS source_row,
           max(CASE WHEN a.unit = 'EURMLN' THEN 1000 ELSE 1 END) AS tolerance
    FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
    WHERE s.kind <> 'btabel_json' AND l.niveau = 'artikel' AND l.is_total AND l.duplicate_of IS NULL
      AND l.artikel IS NOT NULL AND (l.regeling IS NULL OR lower(l.regeling) = 'programma-uitgaven')
      AND a.moment_jaar IN (__MOMENT_YEARS__)
    GROUP BY ALL
)
SELECT j.file_name, y.file_name AS other_file, j.hoofdstuk, j.artikel, j.vuo, j.moment_jaar, j.fase, j.jaar,
       j.value_k, y.value_k AS other_value, j.n, j.rows, y.source_row, abs(j.value_k - y.value_k) < y.tolerance AS ok
FROM j JOIN art y USING (hoofdstuk, artikel, vuo, moment_jaar, fase, measure, jaar)
WHERE j.source_id IN (__NEW__) OR y.source_id IN (__NEW__)
ORDER BY ALL
"""


def _lines_against_totals(con: duckdb.DuckDBPyConnection, stats: dict[str, int], cross: list[Finding],
                          sql: str) -> None:
    from .sources.owb_json import known_difference

    agree: dict[tuple[str, str], int] = {}
    for fa, fb, hfst, art, vuo, mj, fase, jaar, va, vb, n, rows, rb, ok in con.execute(sql).fetchall():
        stats["lines_checked"] += 1
        if ok:
            agree[(fa, fb)] = agree.get((fa, fb), 0) + 1
            continue
        stats["lines_mismatch"] += 1
        note = known_difference(hfst, art, vuo, int(mj))
        cross.append(Finding(
            "lines-source-mismatch", Location(fa, rows[0]),
            what=f"{hfst} art. {art} {vuo}, {FASE_LABEL.get(fase, fase)} {mj}, jaar {jaar}", count=int(n),
            source_a=f"{fa} (rij {', '.join(str(r) for r in rows)}{' ...' if n > len(rows) else ''})", value_a=va,
            source_b=f"{fb} (rij {rb})", value_b=vb, difference=va - vb, note=f"; {note}" if note else ""))
    for (fa, fb), count in sorted(agree.items()):
        cross.append(Finding("source-agreement", Location(fa), what="article sums of lines", count=count,
                             source_a=fa, source_b=fb))
    stats["lines_agree"] = sum(agree.values())


def run(con: duckdb.DuckDBPyConnection, new_source_ids: Sequence[int]) -> dict[str, int]:
    ids = list(new_source_ids)
    stats = {"totals_checked": 0, "totals_mismatch": 0, "stands_checked": 0, "stands_mismatch": 0,
             "cross_checked": 0, "cross_agree": 0, "cross_mismatch": 0, "lines_checked": 0, "lines_agree": 0,
             "lines_mismatch": 0, "splits_checked": 0, "splits_mismatch": 0}
    paths = dict(con.execute("SELECT source_id, path FROM source").fetchall())
    per_source: dict[int, list[Finding]] = {}
    # counted in SQL; only the disagreements come to Python (set-based: no loop over every total)
    gids = [int(r[0]) for r in con.execute(f"SELECT DISTINCT gid FROM ({_TOTAL_ROWS})", [ids]).fetchall()]  # noqa: S608
    con.execute("CREATE OR REPLACE TEMP TABLE rec_totals AS " + totals_sql(gids or [7]), [ids, ids])
    counted = con.execute("SELECT count(*), count(*) FILTER (WHERE abs(total - detail_sum) >= 1) "
                          "FROM rec_totals").fetchone()
    stats["totals_checked"], stats["totals_mismatch"] = (int(counted[0]), int(counted[1])) if counted else (0, 0)
    mismatches = con.execute("SELECT * FROM rec_totals WHERE abs(total - detail_sum) >= 1 ORDER BY ALL").fetchall()
    con.execute("DROP TABLE rec_totals")
    for r in mismatches:
        (sid, row, hfst, art, ond, instr, reg, vuo, bj, fase, measure, soort, jaar, _unit, total, dsum, _n) = r
        if abs(total - dsum) >= 1:
            what = " ".join(str(p) for p in (f"{hfst} art. {art}", ond, instr, reg) if p)
            what += f", {vuo}, {FASE_LABEL.get(fase, fase)} {bj} {measure}{' ' + soort if soort else ''}, jaar {jaar}"
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
    _commitment_splits(con, ids, paths, stats, per_source)
    for sid, found in sorted(per_source.items()):
        store_findings(con, sid, paths.get(sid), found)
    # cross-source findings: only pairs with a new source (a pair of loaded sources never changes: lines are only
    # ever added, and a new line is marked a duplicate only of a line of its own source)
    agree: dict[tuple[str, str], int] = {}
    cross: list[Finding] = []
    pairs_with = _pairs_with(con, ids)
    con.execute("".join(("CREATE OR REPLACE TEMP TABLE rec_cross AS SELECT *, abs(value_k - value_k_1) < tolerance "
                         "AS ok FROM (", pairs_with(SOURCES_SQL), ")")))
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
            what=f"{hfst} art. {art} {vuo}, {FASE_LABEL.get(fase, fase)} {mj}, jaar {jaar}",
            source_a=f"{fa} (rij {ra})", value_a=va, source_b=f"{fb} (rij {rb})", value_b=vb, difference=va - vb))
    con.execute("DROP TABLE rec_cross")
    for (fa, fb), count in sorted(agree.items()):
        cross.append(Finding("source-agreement", Location(fa), what="article totals", count=count, source_a=fa,
                             source_b=fb))
    _lines_against_totals(con, stats, cross, pairs_with(LINES_SQL))
    store_findings(con, None, None, cross)
    return stats


def _pairs_with(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> Callable[[str], str]:
    """A function narrowing SOURCES_SQL or LINES_SQL to pairs with a source of ``ids``, and to the moment years those
    sources have figures for, as literal integer lists (so DuckDB skips the amounts of other years); the years are
    looked up once."""
    new = ", ".join(str(int(i)) for i in ids) or "NULL"
    rows = con.execute(f"SELECT DISTINCT a.moment_jaar FROM amount a WHERE a.line_id IN "  # noqa: S608 - integers
                       f"(SELECT line_id FROM budget_line WHERE source_id IN ({new})) ORDER BY 1").fetchall()
    years = ", ".join(str(int(r[0])) for r in rows) or "NULL"
    return lambda sql: sql.replace("__NEW__", new).replace("__MOMENT_YEARS__", years)
