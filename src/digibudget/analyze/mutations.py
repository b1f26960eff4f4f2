"""Every change of a budget line between budget moments, typed only where evidence says so (why did it move?).

Long because: the set-based build is five SQL statements (prepare, per group of years, type, pair, finish) that
share their temporary tables and CTE names; they are read together or not at all. The evidence scale and the
types are already apart (analyze.mutation_types, vocab).

A line is followed across moments and years by its ``line_key`` (in a Miljoenennota mutation table the stand and
mutation rows all belong to the chapter or article total of the table), re-keyed through budget lineage
(analyze.lineage: a renumbered article keeps its chain, so a renumbering is no mutation). Budget moments run in
publication order (``moment`` = vocab.publication_key: the ontwerpbegroting of t+1, September t, comes before the
jaarverslag of t). Per source kind, line key, moment and year one figure is chosen (one base source per chapter and
moment as in analyze.selection, then the document that publishes that moment itself, then the newest publication,
never the order of loading), so the three begrotingsstaten exports never count twice. The changes of a line, for
every year the money is for:

* ``mutatie``: a published mutation amount (a suppletoire column, or a named Miljoenennota mutation; a category row
  of a Miljoenennota table counts only when no named rows follow it);
* ``standverschil``: stand minus the previous stand of the same line in the same source kind, where no mutation is
  published in between;
* ``restverschil``: where mutations are published, what the stands moved beyond them (more than one unit);
* ``realisatieverschil``: realisation minus the last stand (under- or overspending, not a budget decision);
* ``nieuw_jaar``: a 'mutation' for a year beyond t+4 of its moment, which holds the whole new estimate.

Types (``soort``) and the evidence that gives them (``evidence_kind``, strongest first; the confidence follows from
it, see CONFIDENCE and docs/mutations.md): a reviewed decision (``review``); the data's own statement: a residual is
unexplained, a realisation difference is a 'realisatieverschil', a new year a 'nieuwe raming', a named mutation is
typed by its ``label``, an increase in a column of amendments/ISB's is 'nieuwe middelen' (``kolom``); changes of one
line at one moment over several years that net to zero are a 'kasschuif' (``kasschuifprofiel``); a change matched by
an opposite change of the same size on another line of the same level at the same moment and year is a
'herschikking' (same article) or 'overboeking' (``tegenboeking``). Without evidence a change is 'onverklaard:
verhoging' or 'onverklaard: verlaging' (``geen``): a decrease is not a taakstelling and an increase is not new money
until something says so.

Sources of different kinds can describe the same article and moment (a suppletoire table and the begrotingsstaten);
each kind keeps its own chain, and ``counted`` marks the richest kind per article, moment and year.
"""

from __future__ import annotations

from typing import Any

import duckdb

from ..classify.overrides import MutationDecision
from ..errors import UsageError
from ..queries import Result, query_result
from ..vocab import NL_NUM_MACRO, UNIT_LABEL, check_vuo, publication_key_sql
from .lineage import RESOLVED_SQL
from .mutation_types import _KIND_CONFIDENCE, CONFIDENCE, LABELS
from .mutation_types import EVIDENCE_KINDS as EVIDENCE_KINDS  # re-exported: the types live in mutation_types
from .mutation_types import SOORT_GROUPS as SOORT_GROUPS
from .mutation_types import SOORTEN as SOORTEN
from .mutation_types import UNEXPLAINED as UNEXPLAINED
from .selection import (
    SOURCE_ORDER_SQL,
    WAARVAN_SQL,
    YEARS_PER_STEP_ROWS,
    SourcePreference,
    base_source_sql,
    year_groups,
    years_sql,
)

UNIT = UNIT_LABEL["EUR1000"]
NEW_YEAR_OFFSET = 5  # a multi-year table covers t-1 .. t+4; a 'mutation' for t+5 is the whole first estimate

_MOMENT_SQL = publication_key_sql("a.moment_jaar", "a.fase")  # moments in publication order (vocab)
_NAMED = "l.niveau IN ('mutatie', 'mutatiecategorie')"
_ARTICLE_TOTAL = ("(l.is_total AND ((l.niveau = 'artikel' AND (l.regeling IS NULL "
                  "OR lower(l.regeling) = 'programma-uitgaven')) OR l.niveau IN ('stand', 'mutatie', "
                  "'mutatiecategorie')))")
_WAARVAN = "l.line_id IN (SELECT line_id FROM waarvan_line)"  # see selection.WAARVAN_SQL

_LABEL_CASE = "CASE " + " ".join(
    f"WHEN regexp_matches(strip_accents(lower(label)), '{pattern}') THEN '{soort}'" for pattern, soort in LABELS
) + " END"
_LABEL_CASE_C = _LABEL_CASE.replace("(label)", "(c.label)")
# the kind of a source column -> type, where the column itself says what the money is (only increases: a column of
# amendments and ISB's that lowers a line does not say what kind of cut it is)
_COLUMN_CASE = "(CASE WHEN c.mutatie_soort = 'nvw_isb_moties' AND c.value_k > 0 THEN 'nieuwe middelen' END)"
_COLUMN_EVIDENCE = "'verhoging bij nota van wijziging, ISB, motie of amendement'"

# The build runs in three steps so that its memory stays bounded at national scale (millions of amount rows): what
# needs every line (the waarvan lines, the category subtotals, the base source per kind, chapter and moment), then
# the chain of every line per group of years the money is for (choosing figures, stands, steps and changes only
# ever compare figures of one year), then the typing of all changes (a kasschuif spans years; a counterpart can sit
# in any chapter). Small databases are one group of years.
_AMOUNT_SQL = rf"""
SELECT l.line_id, l.source_id, s.kind, __KIND_RANK_S__ AS kind_rank, l.begrotingsjaar,
       l.document_fase, l.hoofdstuk, l.artikel, l.vuo, {_ARTICLE_TOTAL} AS is_article_total,
       CASE WHEN lg.artikel_naar IS NOT NULL  -- lineage: the article continues under another number
            THEN lg.hoofdstuk_naar || '|' || lg.artikel_naar
                 || substr(CASE WHEN l.niveau IN ('stand', 'mutatie', 'mutatiecategorie')
                                THEN concat_ws('|', l.hoofdstuk, l.artikel, '', '', '', '', l.vuo, 'T')
                                ELSE l.line_key END, strlen(l.hoofdstuk) + strlen(l.artikel) + 2)
            WHEN l.niveau IN ('stand', 'mutatie', 'mutatiecategorie')
            THEN concat_ws('|', l.hoofdstuk, coalesce(l.artikel, ''), '', '', '', '', l.vuo, 'T')
            ELSE l.line_key END AS ckey, lg.artikel_naar IS NOT NULL AS remapped,
       CASE WHEN {_NAMED} THEN l.line_key ELSE '' END AS part_key,
       a.moment_jaar, a.fase, {_MOMENT_SQL} AS moment, a.measure,
       coalesce(a.mutatie_soort, '') AS soort, a.mutatie_soort, a.jaar, a.value_k,
       CASE a.unit WHEN 'EURMLN' THEN 1000 ELSE 1 END AS tol, a.source_row, a.source_column
FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
LEFT JOIN mut_lineage lg ON lg.hoofdstuk_van = l.hoofdstuk AND lg.artikel_van = l.artikel AND lg.vuo = l.vuo
WHERE l.duplicate_of IS NULL AND a.measure IN ('stand', 'mutatie', 'realisatie')
  AND l.line_id NOT IN (SELECT line_id FROM mut_category_total)
"""  # noqa: S608 - constants of this module only
AMOUNT_SQL = _AMOUNT_SQL  # the amounts as the chains see them (analyze.incremental bounds its range with it)
_YEAR_FILTER = "\n  AND a.jaar IN (__YEARS__)__MOMENTS__"  # replaced by integers (build, selection.years_sql)
# an incremental build (analyze.incremental) narrows the amounts to a range of moments (__MOMENTS__), the base
# sources to those moments (__BASE_MOMENTS__) and the steps to those within the range (__STEPS__); a full build
# replaces them by nothing
SCOPE_PLACEHOLDERS = ("__MOMENTS__", "__BASE_MOMENTS__", "__STEPS__")

PREP_SQL = WAARVAN_SQL + SOURCE_ORDER_SQL + NL_NUM_MACRO + RESOLVED_SQL + r"""
DROP TABLE IF EXISTS mut_raw;
CREATE OR REPLACE TEMP MACRO mut_num(x) AS (CASE WHEN x > 0 THEN '+' ELSE '' END) || nl_num(x);
CREATE OR REPLACE TEMP MACRO mut_moment(fase, moment_jaar) AS fase || ' ' || CAST(moment_jaar AS VARCHAR);

-- a category row of a Miljoenennota table that named mutation rows follow is their subtotal: leave it out
CREATE OR REPLACE TEMP TABLE mut_category_total AS
SELECT line_id FROM (
    SELECT l.line_id, l.niveau,
           lead(l.niveau) OVER (PARTITION BY l.source_id, l.begrotingsjaar, l.hoofdstuk,
                                regexp_extract(coalesce(l.source_ref, ''), 'tabel ([^,)]+)', 1)
                                ORDER BY l.source_row) AS next_niveau
    FROM budget_line l WHERE l.niveau IN ('stand', 'mutatie', 'mutatiecategorie') AND l.duplicate_of IS NULL)
WHERE niveau = 'mutatiecategorie' AND next_niveau = 'mutatie';
"""  # noqa: S608 - constants of this module only

BASE_SQL = rf"""
CREATE OR REPLACE TEMP TABLE mut_base AS {base_source_sql(
    "(SELECT source_id, hoofdstuk, moment, measure, ckey FROM (" + _AMOUNT_SQL + "__BASE_MOMENTS__))",
    "hoofdstuk, moment, measure", "ckey")};
"""  # noqa: S608 - constants of this module only

YEARS_SQL = rf"""
CREATE OR REPLACE TEMP TABLE mut_amount AS {_AMOUNT_SQL + _YEAR_FILTER};

-- one figure per kind, line, moment, year and column: the base source, the document of that moment, the newest
-- publication (an aggregate over narrow rows, then the winners: much cheaper than sorting every wide row in a
-- window)
CREATE OR REPLACE TEMP TABLE mut_fig AS
SELECT * FROM mut_amount WHERE rowid IN (
    SELECT arg_max(a.rowid, (coalesce(a.source_id = b.source_id, false), coalesce(a.document_fase = a.fase, false),
                             a.begrotingsjaar, o.newness, a.value_k <> 0, NOT a.remapped, a.line_id))
    FROM mut_amount a JOIN source_order o USING (source_id)
    LEFT JOIN mut_base b USING (kind, hoofdstuk, moment, measure)
    GROUP BY a.kind, a.ckey, a.part_key, a.moment, a.jaar, a.measure, a.soort);

INSERT INTO mutation_stand
SELECT kind, ckey, line_id, source_id, hoofdstuk, artikel, vuo, is_article_total, moment_jaar, fase, moment,
       measure, jaar, value_k, tol
FROM mut_fig WHERE rowid IN (  -- per chain, moment and year the stand, else the realisation (narrow aggregate)
    SELECT arg_min(rowid, (measure <> 'stand', line_id, soort, source_row, source_column)) FROM mut_fig
    WHERE measure IN ('stand', 'realisatie') GROUP BY kind, ckey, moment, jaar);

CREATE OR REPLACE TEMP TABLE mut_step AS
SELECT s.*, lag(moment) OVER w AS van_moment, lag(moment_jaar) OVER w AS van_moment_jaar,
       lag(fase) OVER w AS van_fase, lag(value_k) OVER w AS van_value, lag(line_id) OVER w AS van_line_id
FROM mutation_stand s WHERE s.jaar IN (__YEARS__)
WINDOW w AS (PARTITION BY kind, line_key, jaar ORDER BY moment);

-- published mutations, each in the step (between two stands of its line) it falls in, if any
CREATE OR REPLACE TEMP TABLE mut_explicit AS
SELECT f.*, s.moment AS step_moment, s.van_moment_jaar, s.van_fase, s.van_line_id
FROM mut_fig f LEFT JOIN mut_step s
  ON s.kind = f.kind AND s.line_key = f.ckey AND s.jaar = f.jaar AND s.van_moment IS NOT NULL
 AND f.moment > s.van_moment AND f.moment <= s.moment
WHERE f.measure = 'mutatie';

CREATE OR REPLACE TEMP TABLE mut_step_sum AS
SELECT kind, ckey, jaar, step_moment, sum(value_k) AS explicit_sum, count(*) AS n_explicit
FROM mut_explicit WHERE step_moment IS NOT NULL GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE mut_raw_part AS
WITH raw AS (
    SELECT kind, kind_rank, ckey, part_key, line_id, van_line_id, source_id, source_row, source_column, hoofdstuk,
           artikel, is_article_total, vuo, van_moment_jaar, van_fase, moment_jaar, fase, moment, jaar, value_k,
           NULL::DECIMAL(38,10) AS van_stand, NULL::DECIMAL(38,10) AS naar_stand, tol,
           CASE WHEN jaar - moment_jaar >= {NEW_YEAR_OFFSET} THEN 'nieuw_jaar' ELSE 'mutatie' END AS basis,
           mutatie_soort, NULL::DECIMAL(38,10) AS explicit_sum
    FROM mut_explicit WHERE value_k <> 0
    UNION ALL
    SELECT s.kind, __KIND_RANK_S__, s.line_key, '', s.line_id, s.van_line_id, s.source_id,
           NULL, NULL, s.hoofdstuk, s.artikel, s.is_article_total, s.vuo, s.van_moment_jaar, s.van_fase,
           s.moment_jaar, s.fase, s.moment, s.jaar,
           s.value_k - s.van_value - coalesce(e.explicit_sum, 0), s.van_value, s.value_k, s.tolerance,
           CASE WHEN e.n_explicit IS NOT NULL THEN 'restverschil'
                WHEN s.measure = 'realisatie' THEN 'realisatieverschil' ELSE 'standverschil' END,
           NULL, e.explicit_sum
    FROM mut_step s LEFT JOIN mut_step_sum e
      ON e.kind = s.kind AND e.ckey = s.line_key AND e.jaar = s.jaar AND e.step_moment = s.moment
    WHERE s.van_moment IS NOT NULL__STEPS__
      AND CASE WHEN e.n_explicit IS NULL THEN s.value_k <> s.van_value
               ELSE abs(s.value_k - s.van_value - e.explicit_sum) >= s.tolerance END
)
-- the texts of the line of each change, read for those lines only (the amounts above carry no texts: narrow rows)
SELECT r.*, l.artikelonderdeel, l.instrument, l.regeling, l.niveau, l.is_total, {_WAARVAN} AS is_part,
       {_NAMED} AS named, CASE WHEN {_NAMED} THEN l.regeling END AS label
FROM raw r JOIN budget_line l USING (line_id);
CREATE TEMP TABLE IF NOT EXISTS mut_raw AS SELECT * FROM mut_raw_part LIMIT 0;
INSERT INTO mut_raw SELECT * FROM mut_raw_part;
DROP TABLE mut_amount; DROP TABLE mut_fig; DROP TABLE mut_step; DROP TABLE mut_explicit; DROP TABLE mut_step_sum;
DROP TABLE mut_raw_part;
"""  # noqa: S608 - constants of this module only

# the ids: numbered over the narrow sort keys, then joined to the wide rows (sorting wide rows costs far more); an
# incremental build numbers its ids otherwise (analyze.incremental, docs/updates.md)
ID_SQL = """
CREATE OR REPLACE TEMP TABLE mut_id AS
SELECT rowid AS rid, row_number() OVER (ORDER BY kind, ckey, part_key, moment, jaar, basis, mutatie_soort, line_id)
           AS mutation_id
FROM mut_raw;
"""

TYPE_SQL = rf"""
CREATE OR REPLACE TEMP TABLE mut_change AS
SELECT i.mutation_id, r.*,
       concat_ws('|', r.ckey, r.part_key, r.fase || ' ' || r.moment_jaar, r.jaar, r.basis,
                 coalesce(r.mutatie_soort, '')) AS mutation_key,
       CASE WHEN r.value_k < 0 THEN 'onverklaard: verlaging' ELSE 'onverklaard: verhoging' END AS unexplained,
       concat_ws(' ', r.hoofdstuk, CASE WHEN r.artikel IS NOT NULL THEN 'art. ' || r.artikel END,
                 r.artikelonderdeel, coalesce(r.regeling, r.instrument), '(' || r.vuo || ')') AS descr
FROM mut_raw r JOIN mut_id i ON i.rid = r.rowid;
DROP TABLE mut_id; DROP TABLE mut_raw;

-- rule 1-3: residuals, realisations, new years (each says what it is), labels of named rows, the source column
CREATE OR REPLACE TEMP TABLE mut_typed AS
SELECT mutation_id,
       CASE WHEN basis = 'restverschil' THEN unexplained
            WHEN basis = 'realisatieverschil' THEN 'realisatieverschil'
            WHEN basis = 'nieuw_jaar' THEN 'nieuwe raming'
            WHEN named AND {_LABEL_CASE_C} IS NOT NULL THEN {_LABEL_CASE_C}
            WHEN NOT named THEN {_COLUMN_CASE} END AS soort,
       CASE WHEN basis = 'restverschil' THEN 'restverschil' WHEN basis = 'realisatieverschil' THEN 'realisatie'
            WHEN basis = 'nieuw_jaar' THEN 'nieuw_jaar' WHEN named THEN 'label' ELSE 'kolom' END AS evidence_kind,
       CASE basis
           WHEN 'restverschil' THEN 'stand ' || mut_moment(van_fase, van_moment_jaar) || ' ' || mut_num(van_stand)
                || ' -> ' || mut_moment(fase, moment_jaar) || ' ' || mut_num(naar_stand) || ': verschil '
                || mut_num(naar_stand - van_stand) || ', gepubliceerde mutaties ' || mut_num(explicit_sum)
                || '; rest ' || mut_num(value_k) || ' niet verklaard'
           WHEN 'realisatieverschil' THEN 'realisatie ' || mut_num(naar_stand) || ' tegen laatste stand '
                || mut_moment(van_fase, van_moment_jaar) || ' ' || mut_num(van_stand)
                || ': onder- of overuitputting, geen begrotingsmutatie'
           WHEN 'nieuw_jaar' THEN 'geen wijziging: ' || jaar || ' valt buiten de vorige raming (t+4 van '
                || moment_jaar || '); de kolom ' || coalesce('''' || source_column || '''', '')
                || ' geeft de hele nieuwe raming ' || mut_num(value_k)
           ELSE CASE WHEN named THEN 'label: ''' || label || ''''
                     ELSE 'kolom ''' || source_column || ''': ' || {_COLUMN_EVIDENCE} END END AS evidence
FROM mut_change c
WHERE basis IN ('restverschil', 'realisatieverschil', 'nieuw_jaar') OR (named AND {_LABEL_CASE_C} IS NOT NULL)
   OR (NOT named AND {_COLUMN_CASE} IS NOT NULL);

-- rule 4: kasschuif, changes of one line at one moment over years that net to zero
CREATE OR REPLACE TEMP TABLE mut_kas AS
WITH g AS (
    SELECT kind, ckey, part_key, moment, coalesce(mutatie_soort, '') AS soort, basis,
           sum(value_k) AS total, count(*) AS n, min(value_k) AS lo, max(value_k) AS hi, max(tol) AS tol,
           string_agg(CAST(jaar AS VARCHAR) || ' ' || mut_num(value_k), ', ' ORDER BY jaar) AS years
    FROM mut_change WHERE basis IN ('mutatie', 'standverschil')
      AND mutation_id NOT IN (SELECT mutation_id FROM mut_typed)
    GROUP BY ALL
    HAVING count(*) >= 2 AND min(value_k) < 0 AND max(value_k) > 0 AND abs(sum(value_k)) < max(tol)
)
SELECT c.mutation_id, 'kasschuif' AS soort,
       'zelfde regel, ' || mut_moment(c.fase, c.moment_jaar) || ': ' || g.years || ' (som ' || mut_num(g.total)
       || ')' AS evidence
FROM mut_change c JOIN g ON g.kind = c.kind AND g.ckey = c.ckey AND g.part_key = c.part_key AND g.moment = c.moment
 AND g.soort = coalesce(c.mutatie_soort, '') AND g.basis = c.basis;

-- rule 5: a counterpart of the same size and opposite sign on another line of the same level, moment and year
CREATE OR REPLACE TEMP TABLE mut_pool AS
SELECT mutation_id, kind, moment, jaar, vuo, is_total, niveau, ckey, hoofdstuk, coalesce(artikel, '') AS artikel,
       value_k, tol, CAST(floor(abs(value_k) / tol) AS BIGINT) AS bucket, descr || ' ' || mut_num(value_k) AS cand,
       -- the tie-break between equally good counterparts, as one integer: their identity in order (a counterpart
       -- has the same kind, moment and year); comparing it per pair is much cheaper than comparing the texts
       dense_rank() OVER (PARTITION BY kind, moment, jaar
                          ORDER BY ckey, part_key, basis, mutatie_soort ASC NULLS LAST, line_id) AS ident
FROM mut_change
WHERE basis IN ('mutatie', 'standverschil') AND NOT is_part
  AND mutation_id NOT IN (SELECT mutation_id FROM mut_typed)
  AND mutation_id NOT IN (SELECT mutation_id FROM mut_kas);
CREATE OR REPLACE TEMP TABLE mut_best (mutation_id BIGINT, n BIGINT, other_id BIGINT, same_article BOOLEAN,
                                       candidates VARCHAR[]);
"""  # noqa: S608 - constants of this module only

# per group of years (a counterpart is in the same year): every candidate pair streams into one aggregate per
# mutation (the best, how many, the first five), so a crowded amount (many changes of the same size) never
# materialises its pairs
PAIR_SQL = """
INSERT INTO mut_best
WITH pair AS (
    SELECT a.mutation_id, b.mutation_id AS other_id, b.cand, b.ident,
           a.artikel = b.artikel AND a.hoofdstuk = b.hoofdstuk AS same_article, abs(a.value_k + b.value_k) AS gap
    FROM (SELECT p.*, p.bucket + d AS probe FROM mut_pool p, unnest([-1, 0, 1]) AS t(d)
          WHERE p.jaar IN (__YEARS__)) a
    JOIN mut_pool b ON b.kind = a.kind AND b.moment = a.moment AND b.jaar = a.jaar AND b.vuo = a.vuo
     AND b.is_total = a.is_total AND b.bucket = a.probe
    WHERE b.jaar IN (__YEARS__) AND a.mutation_id <> b.mutation_id AND a.ckey <> b.ckey
      AND sign(a.value_k) <> sign(b.value_k) AND abs(a.value_k + b.value_k) < greatest(a.tol, b.tol)
      AND (NOT a.is_total OR a.niveau = b.niveau)
)
SELECT mutation_id, n, best.other_id, best.same_article, candidates
FROM (SELECT mutation_id, count(*) AS n,  -- the best counterpart and its place in one aggregate, the first five
             arg_min({'other_id': other_id, 'same_article': same_article}, (gap, NOT same_article, ident)) AS best,
             min_by(cand, (gap, NOT same_article, ident), 5) AS candidates
      FROM pair GROUP BY mutation_id)
"""

FINISH_SQL = rf"""
CREATE OR REPLACE TEMP TABLE mut_match AS
SELECT b.mutation_id, b.other_id, b.n,
       CASE WHEN b.same_article THEN 'herschikking' ELSE 'overboeking' END AS soort,
       CASE WHEN b.n = 1 AND o.n = 1 THEN {CONFIDENCE['tegenboeking']}
            WHEN b.n = 1 THEN {CONFIDENCE['tegenboeking_eenzijdig']} ELSE {CONFIDENCE['tegenboeking_meerdere']}
       END AS confidence,
       CASE WHEN b.n = 1 THEN 'tegenboeking ' || b.candidates[1] || ' bij ' || mut_moment(c.fase, c.moment_jaar)
                || ', jaar ' || c.jaar || CASE WHEN o.n > 1 THEN ' (die regel heeft ' || o.n
                || ' mogelijke tegenboekingen)' ELSE '' END
            ELSE b.n || ' mogelijke tegenboekingen bij ' || mut_moment(c.fase, c.moment_jaar) || ', jaar ' || c.jaar
                || ': ' || array_to_string(b.candidates, '; ') || CASE WHEN b.n > 5 THEN '; ...' ELSE '' END
       END AS evidence
FROM mut_best b JOIN mut_best o ON o.mutation_id = b.other_id JOIN mut_change c ON c.mutation_id = b.mutation_id;

-- the richest source kind per article, moment and year counts; other kinds keep their own chain
CREATE OR REPLACE TEMP TABLE mut_counted AS
SELECT hoofdstuk, coalesce(artikel, '') AS artikel, vuo, moment, jaar, max(kind_rank) AS kind_rank
FROM mut_change GROUP BY ALL;

-- evidence, strongest first: a reviewed type, the data's own statement (residual, realisation, new year, label,
-- column), a kasschuif profile, a counterpart; without any, the change is unexplained (never typed by its sign)
INSERT INTO mutation
SELECT c.mutation_id, c.mutation_key, c.kind, c.ckey, c.part_key, c.line_id, c.van_line_id, c.source_id,
       c.source_row, c.source_column, c.hoofdstuk, c.artikel, c.artikelonderdeel, c.instrument,
       coalesce(c.label, c.regeling), c.niveau, c.is_total, c.is_article_total, c.is_part, c.vuo, c.van_moment_jaar,
       c.van_fase, c.moment_jaar, c.fase, c.moment, c.jaar, c.value_k, c.van_stand, c.naar_stand, c.tol, c.basis,
       c.mutatie_soort,
       coalesce(r.soort, t.soort, k.soort, m.soort, c.unexplained),
       CASE WHEN r.soort IS NOT NULL THEN 'review' WHEN t.soort IS NOT NULL THEN t.evidence_kind
            WHEN k.soort IS NOT NULL THEN 'kasschuifprofiel' WHEN m.soort IS NOT NULL THEN 'tegenboeking'
            ELSE 'geen' END,
       CASE WHEN r.soort IS NOT NULL THEN {CONFIDENCE['review']}
            WHEN t.soort IS NOT NULL THEN {_KIND_CONFIDENCE.format(kind="t.evidence_kind")}
            WHEN k.soort IS NOT NULL THEN {CONFIDENCE['kasschuifprofiel']}
            WHEN m.soort IS NOT NULL THEN m.confidence ELSE {CONFIDENCE['geen']} END,
       CASE WHEN r.soort IS NOT NULL THEN 'beoordeeld door ' || r.reviewer || ' op ' || r.date || ': ' || r.reason
                 || coalesce(' (eerder: ' || coalesce(t.evidence, k.evidence, m.evidence) || ')', '')
            WHEN t.soort IS NOT NULL THEN t.evidence WHEN k.soort IS NOT NULL THEN k.evidence
            WHEN m.soort IS NOT NULL THEN m.evidence
            ELSE 'geen onderbouwing in de geladen data: geen tegenboeking, geen kasschuifprofiel'
                 || CASE WHEN c.label IS NOT NULL THEN ', label ''' || c.label || ''' noemt geen soort'
                         ELSE ', geen label' END
                 || CASE WHEN c.mutatie_soort IS NOT NULL THEN ', kolom ''' || c.source_column || ''''
                         ELSE '' END END,
       m.other_id, coalesce(m.n, 0), c.kind_rank = x.kind_rank
FROM mut_change c
LEFT JOIN mut_review r ON r.mutation_key = c.mutation_key
LEFT JOIN mut_typed t ON t.mutation_id = c.mutation_id AND t.soort IS NOT NULL
LEFT JOIN mut_kas k ON k.mutation_id = c.mutation_id
LEFT JOIN mut_match m ON m.mutation_id = c.mutation_id
JOIN mut_counted x ON x.hoofdstuk = c.hoofdstuk AND x.artikel = coalesce(c.artikel, '') AND x.vuo = c.vuo
 AND x.moment = c.moment AND x.jaar = c.jaar;

DROP TABLE mut_category_total; DROP TABLE mut_base; DROP TABLE mut_change; DROP TABLE mut_typed;
DROP TABLE mut_kas; DROP TABLE mut_pool; DROP TABLE mut_best; DROP TABLE mut_match; DROP TABLE mut_counted;
DROP TABLE mut_review; DROP TABLE mut_lineage;
"""  # noqa: S608 - constants of this module only


def build(con: duckdb.DuckDBPyConnection, *, preference: SourcePreference, max_rows: int = YEARS_PER_STEP_ROWS,
          reviews: list[MutationDecision] | None = None) -> int:
    """Rebuild the mutation and mutation_stand tables (set-based, after selection.build and lineage.build); return
    the changes. ``preference``: the readers' ranks of the source kinds (as for selection.build). ``reviews`` are
    reviewed types (the decisions file's [[mutation]] blocks): they win."""
    con.execute("CREATE OR REPLACE TEMP TABLE mut_review (mutation_key VARCHAR, soort VARCHAR, reason VARCHAR, "
                "reviewer VARCHAR, date VARCHAR)")
    if reviews:
        con.executemany("INSERT INTO mut_review VALUES (?, ?, ?, ?, ?)",
                        [[r.mutation_key, r.soort, r.reason, r.reviewer, r.date] for r in reviews])
    preference.check(con)
    con.execute("DELETE FROM mutation; DELETE FROM mutation_stand;")
    con.execute(preference.apply(unscoped(PREP_SQL + BASE_SQL)))
    groups = year_groups(con, max_rows) or [[]]  # with no amounts at all: one empty step (the table shapes)
    for years in groups:
        con.execute(preference.apply(unscoped(YEARS_SQL.replace("__YEARS__", years_sql(years)))))
    con.execute(preference.apply(ID_SQL + TYPE_SQL))
    for years in groups:
        con.execute(preference.apply(PAIR_SQL.replace("__YEARS__", years_sql(years))))
    con.execute(preference.apply(FINISH_SQL))
    record_moment_sums(con)
    rows = con.execute("SELECT count(*) FROM mutation").fetchall()
    return int(rows[0][0])


# the groups of types the integrated table shows for a moment's own year (analyze.integral), in its column order
MOMENT_SUMS = (("kasschuif", "soort = 'kasschuif'"), ("overboeking", "soort IN ('overboeking', 'herschikking')"),
               ("taakstelling", "soort = 'taakstelling'"), ("nieuwe_middelen", "soort = 'nieuwe middelen'"),
               ("loon_prijs", "soort = 'loon- en prijsbijstelling'"),
               ("overig_verklaard", "soort IN ('realisatieverschil', 'nieuwe raming')"),
               ("verklaard", "soort NOT LIKE 'onverklaard%'"), ("onverklaard", "soort LIKE 'onverklaard%'"))


def record_moment_sums(con: duckdb.DuckDBPyConnection, moments: str = "true") -> None:
    """Table moment_line_mutation again from the mutations: per moment and line key the counted changes of the
    moment's own year, summed per group of types (MOMENT_SUMS), stored in moment order so that the integrated table
    reads one moment's rows only. For every moment, or for those passing ``moments`` (SQL over the publication key
    ``moment``; analyze.incremental gives the moments it typed again)."""
    sums = ", ".join(f"sum(CASE WHEN {cond} THEN value_k END)" for _, cond in MOMENT_SUMS)  # FILTER: slower
    con.execute(f"""
        DELETE FROM moment_line_mutation WHERE {moments};
        INSERT INTO moment_line_mutation
        SELECT moment_jaar, fase, moment, line_key, {sums} FROM mutation
        WHERE counted AND jaar = moment_jaar AND {moments}
        GROUP BY moment_jaar, fase, moment, line_key ORDER BY moment""")  # noqa: S608 - ours


def unscoped(sql: str) -> str:
    """The SQL of a full build: every scope placeholder removed."""
    for placeholder in SCOPE_PLACEHOLDERS:
        sql = sql.replace(placeholder, "")
    return sql


def mutations(con: duckdb.DuckDBPyConnection, *, hoofdstuk: str | None = None, artikel: str | None = None,
              line_key: str | None = None, soort: str | None = None, jaar: int | None = None,
              begrotingsjaar: int | None = None, limit: int | None = None) -> Result:
    """The typed changes (of the richest source kind per article, moment and year), with evidence and provenance.

    ``begrotingsjaar`` is the year of the budget moment; ``jaar`` the year the money is for. Totals and detail lines
    are both listed (see ``totaal``): add up one level only.
    """
    if soort is not None and soort not in SOORTEN and soort not in SOORT_GROUPS:
        raise UsageError(f"onbekende soort {soort!r}", expected=", ".join((*SOORTEN, *SOORT_GROUPS)))
    soorten: list[str] | None = list(SOORT_GROUPS.get(soort, (soort,))) if soort else None
    sql = """
        SELECT m.mutation_id AS id, m.hoofdstuk, m.artikel, m.artikelonderdeel, m.instrument, m.regeling, m.vuo,
               m.is_total AS totaal, CASE WHEN m.van_fase IS NOT NULL THEN m.van_fase || ' ' || m.van_moment_jaar
               END AS van_moment, m.fase || ' ' || m.moment_jaar AS moment, m.jaar, m.value_k AS bedrag,
               m.soort, m.evidence_kind AS bewijs, m.confidence AS zekerheid, m.evidence AS onderbouwing, m.basis,
               m.mutatie_soort AS kolomsoort, m.counterpart_id AS tegenboeking, m.kind AS bronsoort,
               s.file_name AS bron, m.source_row AS rij, m.source_column AS kolom, m.line_key, m.mutation_key
        FROM mutation m JOIN source s USING (source_id)
        WHERE m.counted AND (?::VARCHAR IS NULL OR m.hoofdstuk = upper(?)) AND (?::VARCHAR IS NULL OR m.artikel = ?)
          AND (?::VARCHAR IS NULL OR m.line_key = ?) AND (?::VARCHAR[] IS NULL OR list_contains(?, m.soort))
          AND (?::INTEGER IS NULL OR m.jaar = ?) AND (?::INTEGER IS NULL OR m.moment_jaar = ?)
        ORDER BY m.hoofdstuk, try_cast(m.artikel AS INTEGER), m.artikel, m.moment, m.jaar, m.line_key, m.mutation_id"""
    params: list[Any] = [hoofdstuk, hoofdstuk, artikel, artikel, line_key, line_key, soorten, soorten, jaar, jaar,
                         begrotingsjaar, begrotingsjaar]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return query_result(con, sql, params, "Mutaties tussen begrotingsmomenten", UNIT)


WATERFALL_SQL = """
WITH node AS (
    SELECT * FROM mutation_stand  -- by the line key, which follows lineage (an article renumbered keeps its chain)
    WHERE split_part(line_key, '|', 1) = upper(?) AND split_part(line_key, '|', 2) = coalesce(?, '') AND vuo = ?
      AND is_article_total
      AND (?::INTEGER IS NULL OR moment_jaar = ?) AND (?::INTEGER IS NULL OR jaar = ?)
), chain AS (  -- per source kind and year one article-total line: the longest chain, then the plain total
    SELECT kind, jaar, arg_max(line_key, (n, line_key)) AS line_key
    FROM (SELECT kind, jaar, line_key, count(*) AS n FROM node GROUP BY ALL) GROUP BY ALL
), bounds AS (
    SELECT n.kind, n.jaar, n.line_key, min(n.moment) AS start_moment, max(n.moment) AS end_moment,
           arg_min(n.value_k, n.moment) AS start_value, arg_max(n.value_k, n.moment) AS end_value,
           arg_min(n.fase, n.moment) AS start_fase, arg_min(n.moment_jaar, n.moment) AS start_mj,
           arg_max(n.fase, n.moment) AS end_fase, arg_max(n.moment_jaar, n.moment) AS end_mj,
           arg_max(n.measure, n.moment) AS end_measure, max(n.tolerance) AS tol, count(*) AS n_moments
    FROM node n JOIN chain c USING (kind, jaar, line_key) GROUP BY ALL HAVING count(*) >= 2
), ch AS (
    SELECT m.*, b.line_key AS chain_key FROM mutation m JOIN bounds b ON m.kind = b.kind AND m.jaar = b.jaar
    WHERE split_part(m.line_key, '|', 1) = upper(?) AND split_part(m.line_key, '|', 2) = coalesce(?, '')
      AND m.vuo = ? AND m.moment > b.start_moment AND m.moment <= b.end_moment
), level AS (  -- per moment: the detail lines when they add up to the article total's change, else the total
    SELECT kind, jaar, moment,
           sum(value_k) FILTER (WHERE line_key = chain_key) AS total_change,
           sum(value_k) FILTER (WHERE NOT is_total AND NOT is_part AND line_key <> chain_key) AS detail_change,
           max(tolerance) AS tol
    FROM ch GROUP BY ALL
), steps AS (
    SELECT ch.kind, ch.jaar, ch.moment, any_value(ch.fase) AS fase, any_value(ch.moment_jaar) AS moment_jaar,
           ch.soort, sum(ch.value_k) AS bedrag, count(*) AS regels,
           any_value(CASE WHEN ch.line_key = ch.chain_key THEN 'artikel' ELSE 'detail' END) AS niveau,
           string_agg(DISTINCT ch.basis, ', ' ORDER BY ch.basis) AS basis
    FROM ch JOIN level l USING (kind, jaar, moment)
    WHERE CASE WHEN l.detail_change IS NOT NULL
                    AND abs(l.detail_change - coalesce(l.total_change, 0)) < l.tol
               THEN NOT ch.is_total AND NOT ch.is_part AND ch.line_key <> ch.chain_key
               ELSE ch.line_key = ch.chain_key END
    GROUP BY ch.kind, ch.jaar, ch.moment, ch.soort
), sums AS (SELECT kind, jaar, sum(bedrag) AS total FROM steps GROUP BY ALL)
SELECT kind AS bronsoort, jaar, volgorde, moment, stap, soort, bedrag, regels, niveau, toelichting,
       CASE WHEN soort LIKE 'onverklaard%' THEN false WHEN soort IS NOT NULL THEN true END AS verklaard FROM (
    SELECT b.kind, b.jaar, 0 AS volgorde, b.start_fase || ' ' || b.start_mj AS moment,
           CASE WHEN b.start_fase = 'OWB' THEN 'ontwerpbegroting' ELSE 'beginstand' END AS stap, NULL AS soort,
           b.start_value AS bedrag, 1 AS regels, 'artikel' AS niveau, b.line_key AS toelichting, b.start_moment AS m
    FROM bounds b
    UNION ALL
    SELECT s.kind, s.jaar, 1, s.fase || ' ' || s.moment_jaar, 'mutatie', s.soort, s.bedrag, s.regels, s.niveau,
           s.basis, s.moment
    FROM steps s
    UNION ALL
    SELECT b.kind, b.jaar, 2, b.end_fase || ' ' || b.end_mj,
           CASE WHEN b.end_measure = 'realisatie' THEN 'realisatie' ELSE 'eindstand' END, NULL, b.end_value, 1,
           'artikel', b.n_moments || ' momenten', b.end_moment
    FROM bounds b
    UNION ALL
    SELECT b.kind, b.jaar, 3, NULL, 'controle', NULL,
           b.end_value - b.start_value - coalesce(t.total, 0), NULL, NULL,
           CASE WHEN abs(b.end_value - b.start_value - coalesce(t.total, 0)) < b.tol
                THEN 'klopt: begin + stappen = eind'
                ELSE 'klopt niet: eind - (begin + stappen) = ' || CAST(b.end_value - b.start_value
                     - coalesce(t.total, 0) AS VARCHAR) END, b.end_moment
    FROM bounds b LEFT JOIN sums t USING (kind, jaar)
)
ORDER BY jaar, kind, volgorde, m, soort
"""


def waterfall(con: duckdb.DuckDBPyConnection, hoofdstuk: str, artikel: str | None, *, vuo: str = "U",
              begrotingsjaar: int | None = None, jaar: int | None = None) -> Result:
    """Per source kind and year: the article's first stand (the ontwerpbegroting), each moment's changes by type,
    the latest stand (or realisation), and a check row 'controle' = eind - (begin + stappen), shown, never hidden.

    ``artikel`` None is a chapter-level table (a Miljoenennota mutation table). ``begrotingsjaar`` keeps the moments
    of that budget year only.
    """
    v = check_vuo(vuo)
    params: list[Any] = [hoofdstuk, artikel, v, begrotingsjaar, begrotingsjaar, jaar, jaar, hoofdstuk, artikel, v]
    where = f"{hoofdstuk} art. {artikel}" if artikel else f"{hoofdstuk}"
    return query_result(con, WATERFALL_SQL, params, f"Van ontwerpbegroting naar eindstand: {where} ({v})", UNIT)
