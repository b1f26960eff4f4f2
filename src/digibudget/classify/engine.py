"""Run the rules inside DuckDB: set-based SQL, no Python loop per row. Each rule runs once over the distinct texts
(field, scope, text) of all lines, the matches join back to the lines in one statement."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from .overrides import Decision, load_decisions
from .rules import RuleSet, load_rules

THRESHOLD = 0.5  # a theme counts for a line when its decision has at least this confidence

# every text of a line that rules read: (field, scope, raw), where scope says whether it is the line's own text or
# the text of a row above it (the article's name on a detail line)
_FIELD_SQL = (
    ("regeling", "'own'"),
    ("detail", "'own'"),
    ("instrument_raw", "'own'"),
    ("artikelonderdeel_naam", "CASE WHEN niveau = 'artikelonderdeel' THEN 'own' ELSE 'context' END"),
    ("artikel_naam", "CASE WHEN niveau IN ('artikel', 'hoofdstuk', 'totaal') THEN 'own' ELSE 'context' END"),
)

# rules run on the distinct texts (a few thousand, however many lines), then join back to the lines
_DISTINCT = "SELECT DISTINCT '{f}' AS field, {scope} AS scope, {f} AS raw FROM cls_line WHERE {f} IS NOT NULL"
TEXT_DIM_SQL = " ".join((
    "CREATE OR REPLACE TEMP TABLE text_dim AS SELECT field, scope, raw, strip_accents(lower(raw)) AS norm FROM (",
    " UNION ".join(_DISTINCT.format(f=f, scope=scope) for f, scope in _FIELD_SQL), ")"))

RULE_SQL = """
INSERT INTO text_match
SELECT ?, field, scope, raw, regexp_extract(norm, ?) FROM text_dim
WHERE scope = ? AND list_contains(?, field) AND regexp_matches(norm, ?) AND NOT regexp_matches(norm, ?)
"""

# the lines whose texts matched (tag_cand), then their tags: a rule without conditions tags them all; a rule's
# unless_line and only_line are tested on all texts of the line, one rule at a time with its pattern as a constant,
# on that rule's candidates only (read from a column of the rules, the patterns cost 3.6 s of CPU at 10M lines)
_NORM = "strip_accents(lower({f}))"
_ALLTEXT = "concat_ws(' | ', " + ", ".join(_NORM.format(f=f"l.{f}") for f, _ in _FIELD_SQL) + ")"
_TAG_PART = ("SELECT l.line_id, m.rule_no, m.field, m.matched_text, m.raw FROM cls_line l "
             "JOIN text_match m ON m.field = '{f}' AND m.raw = l.{f} AND m.scope = {scope}")
CANDIDATE_SQL = " ".join((
    "CREATE OR REPLACE TEMP TABLE tag_cand AS",
    " UNION ALL ".join(_TAG_PART.format(f=f, scope=scope.replace("niveau", "l.niveau")) for f, scope in _FIELD_SQL)))
_TAG_INSERT = ("INSERT INTO tag SELECT x.line_id, r.theme, r.weight, r.confidence, r.kind, r.rule_id, x.field, "
               "x.matched_text, x.raw, r.version FROM {x} x JOIN rule_tmp r USING (rule_no)")
TAG_SQL = _TAG_INSERT.format(x="tag_cand") + " WHERE r.unless_line IS NULL AND r.only_line IS NULL"
CONDITION_TAG_SQL = _TAG_INSERT.format(
    x=f"(SELECT c.* FROM tag_cand c JOIN cls_line l USING (line_id) WHERE c.rule_no = $rule "  # noqa: S608 - ours
      f"AND NOT regexp_matches({_ALLTEXT}, $unless) AND regexp_matches({_ALLTEXT}, $only))")
ALWAYS_RE2 = ""  # matches every text: a rule without only_line
_EXECUTOR_PART = ("SELECT l.line_id, m.executor_id, m.field, m.matched_text, m.rank FROM cls_line l "
                  "JOIN executor_match m ON m.field = '{f}' AND m.raw = l.{f} "
                  "AND ({scope} = 'own' OR m.field = 'artikelonderdeel_naam')")
EXECUTOR_SQL = " ".join(("INSERT INTO line_executor", " UNION ALL ".join(
    _EXECUTOR_PART.format(f=f, scope=scope.replace("niveau", "l.niveau")) for f, scope in _FIELD_SQL)))

# per line and theme the strongest tag decides (confidence, then weight, then a rule over a context rule); where
# tags tie on all three, the rule with the longest matched text names it ('agentschap telecom' over 'telecom'),
# then the first rule id: arg_max alone named any of them, differently from run to run on a large database (two
# full builds of the 5M benchmark named another rule for 7 of 397,355 lines)
DECIDE_SQL = """
INSERT INTO line_theme
SELECT line_id, theme, arg_max(weight, (confidence, weight, kind = 'rule')),
       max(confidence), arg_max(kind, (confidence, weight, kind = 'rule')),
       arg_min(rule_id, (-confidence, -weight, kind <> 'rule', -coalesce(strlen(matched_text), 0), rule_id)),
       max(confidence) >= ?
FROM tag WHERE kind IN ('rule', 'context') AND (line_id, theme) NOT IN (SELECT line_id, theme FROM override_tmp)
  __SCOPE__
GROUP BY line_id, theme
"""

NEVER_RE2 = "[^\\s\\S]"


def run(con: duckdb.DuckDBPyConnection, rules: RuleSet | None = None, decisions_file: Path | None = None, *,
        source_ids: Sequence[int] | None = None) -> dict[str, int]:
    """(Re)classify every line in the database; return counts per theme of lines with a counted tag (of all lines).

    ``source_ids``: classify only the lines of these sources (an incremental build, analyze.incremental: a line's
    tags depend on its own texts only), leaving the tags of every other line as they are."""
    rules = rules or load_rules()
    decisions = load_decisions(decisions_file, rules.theme_ids())
    if source_ids is None:
        con.execute("CREATE OR REPLACE TEMP VIEW cls_line AS SELECT * FROM budget_line")
        for table in ("tag", "line_theme", "line_executor", "executor"):
            con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    else:
        ids = ", ".join(str(int(i)) for i in source_ids) or "NULL"
        con.execute(f"CREATE OR REPLACE TEMP TABLE cls_line AS SELECT * FROM budget_line "  # noqa: S608 - integers
                    f"WHERE source_id IN ({ids})")
        for table in ("tag", "line_theme", "line_executor"):
            con.execute(f"DELETE FROM {table} WHERE line_id IN (SELECT line_id FROM cls_line)")  # noqa: S608
    con.execute(TEXT_DIM_SQL)
    con.execute("CREATE OR REPLACE TEMP TABLE text_match (rule_no INTEGER, field VARCHAR, scope VARCHAR, "
                "raw VARCHAR, matched_text VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE rule_tmp (rule_no INTEGER, theme VARCHAR, weight DECIMAL(4,3), "
                "confidence DECIMAL(4,3), kind VARCHAR, rule_id VARCHAR, version VARCHAR, unless_line VARCHAR, "
                "only_line VARCHAR)")
    for no, r in enumerate(rules.rules):
        con.execute("INSERT INTO rule_tmp VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [no, r.theme, r.weight, r.confidence, r.kind, r.id, rules.version, r.unless_line, r.only_line])
        con.execute(RULE_SQL, [no, r.pattern, "own" if r.kind == "rule" else "context", list(r.fields), r.pattern,
                               r.unless or NEVER_RE2])
    con.execute(CANDIDATE_SQL)
    con.execute(TAG_SQL)
    for no, r in enumerate(rules.rules):
        if r.unless_line is not None or r.only_line is not None:
            con.execute(CONDITION_TAG_SQL, {"rule": no, "unless": r.unless_line or NEVER_RE2,
                                            "only": r.only_line or ALWAYS_RE2})
    con.execute("DROP TABLE tag_cand")
    _apply_decisions(con, decisions, rules.version)
    con.execute(DECIDE_SQL.replace("__SCOPE__", "" if source_ids is None
                                   else "AND line_id IN (SELECT line_id FROM cls_line)"), [THRESHOLD])
    con.execute("""INSERT INTO line_theme SELECT line_id, theme, weight, 1, 'override', rule_id, weight > 0
                   FROM override_tmp""")
    _executors(con, rules, full=source_ids is None)
    con.execute("DROP VIEW IF EXISTS cls_line" if source_ids is None else "DROP TABLE IF EXISTS cls_line")
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
        JOIN cls_line l ON l.line_key = d.line_key
        GROUP BY l.line_id, d.theme""")
    con.execute("""INSERT INTO tag SELECT line_id, theme, weight, 1, 'override', rule_id, 'besluit', NULL, reason, ?
                   FROM override_tmp""", [version])


def _executors(con: duckdb.DuckDBPyConnection, rules: RuleSet, *, full: bool = True) -> None:
    if full:
        con.executemany("INSERT INTO executor VALUES (?, ?, ?)", [[e.id, e.name, e.type] for e in rules.executors])
    con.execute("CREATE OR REPLACE TEMP TABLE executor_match (executor_id VARCHAR, field VARCHAR, raw VARCHAR, "
                "matched_text VARCHAR, rank INTEGER)")
    for rank, e in enumerate(rules.executors):
        con.execute("""
            INSERT INTO executor_match
            SELECT DISTINCT ?, field, raw, regexp_extract(norm, ?), ? FROM text_dim
            WHERE (scope = 'own' OR field = 'artikelonderdeel_naam') AND regexp_matches(norm, ?)
        """, [e.id, e.aliases, rank, e.aliases])
    con.execute(EXECUTOR_SQL)
