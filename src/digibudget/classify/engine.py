"""Run the rules inside DuckDB: set-based SQL over all lines, one statement per rule, no Python loop per row."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .overrides import Decision, load_decisions
from .rules import RuleSet, load_rules

THRESHOLD = 0.5  # a theme counts for a line when its decision has at least this confidence

LINE_TEXT_SQL = """
CREATE OR REPLACE TEMP TABLE line_text AS
WITH raw AS (
    SELECT line_id, 'regeling' AS field, 'own' AS scope, regeling AS raw FROM budget_line WHERE regeling IS NOT NULL
    UNION ALL
    SELECT line_id, 'detail', 'own', detail FROM budget_line WHERE detail IS NOT NULL
    UNION ALL
    SELECT line_id, 'instrument_raw', 'own', instrument_raw FROM budget_line WHERE instrument_raw IS NOT NULL
    UNION ALL
    SELECT line_id, 'artikelonderdeel_naam', CASE WHEN niveau = 'artikelonderdeel' THEN 'own' ELSE 'context' END,
           artikelonderdeel_naam FROM budget_line WHERE artikelonderdeel_naam IS NOT NULL
    UNION ALL
    SELECT line_id, 'artikel_naam', CASE WHEN niveau IN ('artikel', 'hoofdstuk', 'totaal') THEN 'own'
           ELSE 'context' END, artikel_naam FROM budget_line WHERE artikel_naam IS NOT NULL
)
SELECT line_id, field, scope, raw, strip_accents(lower(raw)) AS norm FROM raw
"""

LINE_ALL_SQL = """
CREATE OR REPLACE TEMP TABLE line_all AS
SELECT line_id, string_agg(norm, ' | ') AS alltext FROM line_text GROUP BY line_id
"""

RULE_SQL = """
INSERT INTO tag
SELECT t.line_id, ?, ?, ?, ?, ?, t.field, regexp_extract(t.norm, ?), t.raw, ?
FROM line_text t JOIN line_all a USING (line_id)
WHERE t.scope = ? AND list_contains(?, t.field) AND regexp_matches(t.norm, ?)
  AND NOT regexp_matches(t.norm, ?) AND NOT regexp_matches(a.alltext, ?)
"""

DECIDE_SQL = """
INSERT INTO line_theme
SELECT line_id, theme, arg_max(weight, (confidence, weight, kind = 'rule')),
       max(confidence), arg_max(kind, (confidence, weight, kind = 'rule')),
       arg_max(rule_id, (confidence, weight, kind = 'rule')), max(confidence) >= ?
FROM tag WHERE kind IN ('rule', 'context') AND (line_id, theme) NOT IN (SELECT line_id, theme FROM override_tmp)
GROUP BY line_id, theme
"""

NEVER_RE2 = "[^\\s\\S]"


def run(con: duckdb.DuckDBPyConnection, rules: RuleSet | None = None, decisions_file: Path | None = None) -> dict[
        str, int]:
    """(Re)classify every line in the database; return counts per theme of lines with a counted tag."""
    rules = rules or load_rules()
    decisions = load_decisions(decisions_file, rules.theme_ids())
    for table in ("tag", "line_theme", "line_executor", "executor"):
        con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    con.execute(LINE_TEXT_SQL)
    con.execute(LINE_ALL_SQL)
    for r in rules.rules:
        con.execute(RULE_SQL, [
            r.theme, r.weight, r.confidence, r.kind, r.id, r.pattern, rules.version,
            "own" if r.kind == "rule" else "context", list(r.fields), r.pattern,
            r.unless or NEVER_RE2, r.unless_line or NEVER_RE2])
    _apply_decisions(con, decisions, rules.version)
    con.execute(DECIDE_SQL, [THRESHOLD])
    con.execute("""INSERT INTO line_theme SELECT line_id, theme, weight, 1, 'override', rule_id, weight > 0
                   FROM override_tmp""")
    _executors(con, rules)
    counts = con.execute("SELECT theme, count(*) FROM line_theme WHERE counted GROUP BY theme").fetchall()
    return {str(t): int(n) for t, n in counts}


def _apply_decisions(con: duckdb.DuckDBPyConnection, decisions: list[Decision], version: str) -> None:
    con.execute("""CREATE OR REPLACE TEMP TABLE decision_tmp (line_key VARCHAR, theme VARCHAR, weight DECIMAL(4,3),
                   reason VARCHAR, reviewer VARCHAR, date VARCHAR)""")
    if decisions:
        con.executemany("INSERT INTO decision_tmp VALUES (?, ?, ?, ?, ?, ?)",
                        [[d.line_key, d.theme, d.weight, d.reason, d.reviewer, d.date] for d in decisions])
    # the last decision for a line key and theme wins
    con.execute("""
        CREATE OR REPLACE TEMP TABLE override_tmp AS
        SELECT l.line_id, d.theme, arg_max(d.weight, d.rn) AS weight,
               'besluit ' || arg_max(d.reviewer || ' ' || d.date, d.rn) AS rule_id,
               arg_max(d.reason, d.rn) AS reason
        FROM (SELECT *, row_number() OVER () AS rn FROM decision_tmp) d
        JOIN budget_line l ON l.line_key = d.line_key
        GROUP BY l.line_id, d.theme""")
    con.execute("""INSERT INTO tag SELECT line_id, theme, weight, 1, 'override', rule_id, 'besluit', NULL, reason, ?
                   FROM override_tmp""", [version])


def _executors(con: duckdb.DuckDBPyConnection, rules: RuleSet) -> None:
    con.executemany("INSERT INTO executor VALUES (?, ?, ?)", [[e.id, e.name, e.type] for e in rules.executors])
    for rank, e in enumerate(rules.executors):
        con.execute("""
            INSERT INTO line_executor
            SELECT line_id, ?, field, regexp_extract(norm, ?), ?
            FROM line_text
            WHERE (scope = 'own' OR field = 'artikelonderdeel_naam') AND regexp_matches(norm, ?)
        """, [e.id, e.aliases, rank, e.aliases])
