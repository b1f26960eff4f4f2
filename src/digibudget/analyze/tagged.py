"""The tagged facts: every chosen figure (stand or realisatie, analyze.selection) of a line with a theme tag, once
per tag, with the tag, the line's texts and its executors beside it, stored in moment order.

The integrated table (analyze.integral) reads one moment's rows of this table. Without it every request joined the
moment's facts with the tags, the lines (10M rows at national scale) and the executors again; with it the request
reads a few thousand rows that lie together (bench/NOTES.md, eleventh round).

Derived like the facts, and from them: a full derivation rebuilds it after the tags and the facts, and after a load
the rows of every (hoofdstuk, moment, year) group whose facts were recomputed are recomputed with them
(analyze.incremental). Tags change only in a full derivation (new rules or decisions) or for the lines of a load,
whose figures lie in those groups; a line's texts never change.
"""

from __future__ import annotations

import duckdb

# the facts of the scope, their tags, the line's texts, and the executors of exactly those lines
_RECORD_SQL = """
INSERT INTO tagged_fact
WITH t AS (
    SELECT f.moment_jaar, f.fase, f.jaar, f.measure, f.line_id, f.source_id, f.hoofdstuk, f.artikel, f.vuo,
           f.value_k, f.granularity, f.is_part, lt.theme, lt.weight, lt.confidence, lt.counted
    FROM fact f JOIN line_theme lt USING (line_id) __SCOPE__
    WHERE f.measure IN ('stand', 'realisatie')
), ex AS (
    SELECT le.line_id, array_to_string(list_sort(list_distinct(list(e.name))), '; ') AS uitvoerder
    FROM line_executor le JOIN executor e USING (executor_id)
    WHERE le.line_id IN (SELECT line_id FROM t)
    GROUP BY le.line_id
)
SELECT t.moment_jaar, t.fase, t.jaar, t.measure, t.line_id, t.source_id, t.hoofdstuk, t.artikel, t.vuo, t.value_k,
       t.granularity, t.is_part, t.theme, t.weight, t.confidence, t.counted, l.artikel_naam, l.artikelonderdeel,
       l.artikelonderdeel_naam, l.instrument, l.regeling, l.detail, l.line_key, ex.uitvoerder
FROM t JOIN budget_line l USING (line_id) LEFT JOIN ex USING (line_id)
ORDER BY t.moment_jaar, t.fase, t.line_id, t.theme, t.jaar
"""


def record(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild the table from every fact and tag; return its row count."""
    con.execute("DELETE FROM tagged_fact")
    con.execute(_RECORD_SQL.replace("__SCOPE__", ""))
    row = con.execute("SELECT count(*) FROM tagged_fact").fetchone()
    return int(row[0]) if row else 0


def record_scope(con: duckdb.DuckDBPyConnection, scope_table: str) -> None:
    """Recompute the rows of the (hoofdstuk, moment_jaar, fase, jaar) groups in ``scope_table`` (a temporary table
    of analyze.incremental whose facts were just recomputed)."""
    if not scope_table.isidentifier():
        raise ValueError(scope_table)
    con.execute(f"""DELETE FROM tagged_fact t USING {scope_table} sc WHERE t.hoofdstuk = sc.hoofdstuk
                    AND t.moment_jaar = sc.moment_jaar AND t.fase = sc.fase AND t.jaar = sc.jaar""")  # noqa: S608
    join = (f"JOIN {scope_table} sc ON sc.hoofdstuk = f.hoofdstuk AND sc.moment_jaar = f.moment_jaar "
            "AND sc.fase = f.fase AND sc.jaar = f.jaar")
    con.execute(_RECORD_SQL.replace("__SCOPE__", join))
