"""Link questions and stated figures to budget lines: by budget location (citation or 'H7 artikel 11'), by the
organisations named (the executor registry), and by amount. Each link has a basis, a confidence and evidence.
A stated figure that contradicts the loaded data becomes a finding with both figures."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb

from ..errors import Location
from ..findings import Finding
from ..vocab import SOURCE_NEWNESS_SQL

LOCATION_SQL = """
INSERT INTO link
SELECT r.document_id, r.question_number, NULL, l.line_id, 'begrotingslocatie', ?,
       'artikel ' || r.artikel || ' van hoofdstuk ' || r.hoofdstuk || ' genoemd in ' || r.raw
FROM (SELECT document_id, question_number, hoofdstuk, artikel,
             string_agg(DISTINCT part || ': ' || raw, '; ') AS raw FROM reference
      WHERE document_id = ? AND kind = 'begrotingslocatie' AND hoofdstuk IS NOT NULL AND artikel IS NOT NULL
      GROUP BY ALL) r
JOIN (SELECT hoofdstuk, artikel, arg_max(line_id, (o.newness, line_id)) AS line_id
      FROM budget_line JOIN (""" + SOURCE_NEWNESS_SQL + """) o USING (source_id)
      WHERE niveau = 'artikel' AND is_total AND vuo = 'U' AND duplicate_of IS NULL
        AND (regeling IS NULL OR lower(regeling) = 'programma-uitgaven')
      GROUP BY hoofdstuk, artikel) l USING (hoofdstuk, artikel)
"""  # noqa: S608 - constants

ORG_SQL = """
INSERT INTO link
SELECT r.document_id, r.question_number, NULL, k.line_id, 'uitvoerder', ?,
       'organisatie ' || r.value || ' genoemd in ' || r.part || '; uitvoerder ' || e.name
FROM (SELECT document_id, question_number, value, string_agg(DISTINCT part, ', ') AS part FROM reference
      WHERE document_id = ? AND kind = 'organisatie' GROUP BY ALL) r
JOIN executor_with_alias e ON regexp_matches(strip_accents(lower(r.value)), e.aliases)
JOIN (SELECT le.executor_id, l.line_key, arg_max(l.line_id, (o.newness, l.line_id)) AS line_id
      FROM line_executor le JOIN budget_line l USING (line_id) JOIN (""" + SOURCE_NEWNESS_SQL + """) o USING (source_id)
      WHERE le.rank >= 0 AND NOT l.is_total AND l.duplicate_of IS NULL GROUP BY ALL) k
  ON k.executor_id = e.executor_id
"""  # noqa: S608 - constants


def link_document(con: duckdb.DuckDBPyConnection, doc_id: int, path: Path) -> list[Finding]:
    findings: list[Finding] = []
    con.execute("DELETE FROM link WHERE document_id = ?", [doc_id])
    con.execute(LOCATION_SQL, [0.6, doc_id])
    _executor_aliases(con)
    con.execute(ORG_SQL, [0.4, doc_id])
    for number, loc in con.execute("""
            SELECT DISTINCT r.question_number, r.value FROM reference r
            WHERE r.document_id = ? AND r.kind = 'begrotingslocatie' AND r.hoofdstuk IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM budget_line l WHERE l.hoofdstuk = r.hoofdstuk AND l.artikel = r.artikel)
            ORDER BY 1, 2""", [doc_id]).fetchall():
        findings.append(Finding("document-location-not-loaded", Location(str(path)), number=number, place=loc))
    findings.extend(_link_figures(con, doc_id, path))
    return findings


def _executor_aliases(con: duckdb.DuckDBPyConnection) -> None:
    """The executor table lacks the alias patterns; add them as a temp view from the rules."""
    from ..classify.rules import load_rules

    rules = load_rules()
    con.execute("CREATE OR REPLACE TEMP TABLE executor_alias (executor_id VARCHAR, aliases VARCHAR)")
    con.executemany("INSERT INTO executor_alias VALUES (?, ?)", [[e.id, e.aliases] for e in rules.executors])
    con.execute("""CREATE OR REPLACE TEMP VIEW executor_with_alias AS
                   SELECT e.*, a.aliases FROM executor e JOIN executor_alias a USING (executor_id)""")


def tolerance(value: Decimal, raw: str) -> Decimal:
    """Half a unit of the precision in which the figure was written (e.g. '64,3 mln.' -> 50,000 euro)."""
    low = raw.lower()
    if "mld" in low or "miljard" in low:
        unit = Decimal(10) ** 9
    elif "mln" in low or "miljoen" in low:
        unit = Decimal(10) ** 6
    elif "1.000" in low or "1000" in low:
        unit = Decimal(1000)
    else:
        unit = Decimal(1)
    digits = raw.replace(".", "").split(",")
    decimals = len(digits[1].split()[0]) if len(digits) > 1 and digits[1][:1].isdigit() else 0
    return unit / (Decimal(10) ** decimals) / 2


def _link_figures(con: duckdb.DuckDBPyConnection, doc_id: int, path: Path) -> list[Finding]:
    findings: list[Finding] = []
    year_row = con.execute("SELECT year FROM document WHERE document_id = ?", [doc_id]).fetchone()
    year = int(year_row[0]) if year_row and year_row[0] else None
    figures = con.execute("""SELECT figure_id, question_number, raw, value_eur, label FROM figure
                             WHERE document_id = ?""", [doc_id]).fetchall()
    for fid, number, raw, value, _label in figures:
        tol = tolerance(Decimal(value), str(raw))
        # candidate lines: those linked to the same question; their loaded amounts in euros
        hits = con.execute("""
            SELECT DISTINCT k.line_id, a.jaar, a.fase, a.moment_jaar, a.value_k * 1000 AS eur
            FROM link k JOIN amount_k a USING (line_id)
            WHERE k.document_id = ? AND k.question_number = ? AND k.figure_id IS NULL
              AND abs(a.value_k * 1000 - ?) <= ?""", [doc_id, number, value, tol]).fetchall()
        for line_id, jaar, fase, moment, eur in hits:
            con.execute("INSERT INTO link VALUES (?, ?, ?, ?, 'bedrag', 0.9, ?)",
                        [doc_id, number, fid, line_id,
                         f"{raw} = {eur:.0f} euro ({fase} {moment}, jaar {jaar})"])
    if year is not None:
        loaded = con.execute("SELECT count(*) FROM amount WHERE jaar = ?", [year]).fetchone()
        if loaded and loaded[0] == 0 and figures:
            findings.append(Finding("document-figures-unverifiable", Location(str(path)), count=len(figures),
                                    year=year))
        else:
            findings.extend(_contradictions(con, doc_id, year, path))
    return findings


def _contradictions(con: duckdb.DuckDBPyConnection, doc_id: int, year: int, path: Path) -> list[Finding]:
    """A table row naming an executor, in an answer about a loaded article, whose amount for the document's year
    differs from every loaded figure of that executor's line under that article."""
    out: list[Finding] = []
    rows = con.execute("""
        WITH cand AS (
            SELECT f.figure_id, f.question_number, f.label, f.value_eur, k.line_id
            FROM figure f JOIN link k ON k.document_id = f.document_id AND k.question_number = f.question_number
                 AND k.basis = 'uitvoerder' AND k.figure_id IS NULL
            JOIN line_executor le ON le.line_id = k.line_id
            JOIN executor_with_alias e ON e.executor_id = le.executor_id
            WHERE f.document_id = ? AND f.table_id IS NOT NULL
              AND regexp_matches(strip_accents(lower(f.label)), e.aliases)
        )
        SELECT c.question_number, c.label, c.value_eur,
               list((a.value_k * 1000, s.file_name, a.source_row) ORDER BY a.source_row, a.value_k)
        FROM cand c JOIN amount_k a ON a.line_id = c.line_id AND a.jaar = ? AND a.measure = 'stand'
        JOIN budget_line l ON l.line_id = c.line_id JOIN source s ON s.source_id = l.source_id
        GROUP BY ALL ORDER BY ALL""", [doc_id, year]).fetchall()
    for number, label, stated, loaded in rows:
        if any(abs(Decimal(stated) - Decimal(v[0])) <= 500 for v in loaded):
            continue
        value, src, row = min(loaded, key=lambda v: abs(Decimal(stated) - Decimal(v[0])))
        out.append(Finding("document-figure-contradicts", Location(str(path)), number=number, what=label,
                           year=year, stated=Decimal(stated), loaded=Decimal(value), source=src, row=row,
                           difference=Decimal(stated) - Decimal(value)))
    return out
