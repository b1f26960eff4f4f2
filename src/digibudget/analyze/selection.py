"""Choose, for every hoofdstuk x artikel x V/U/O x moment x year, the figures to analyse: one source, finest first.

Several sources often give the same article and moment (three begrotingsstaten exports, a B-tabel, a suppletoire
table). Adding them up would count money twice. The rule:
1. per chapter and moment one base source: the one that covers most articles (then the richest kind, by the rank
   its reader declares: bulk > btabel = btabel_json > gevolgen > begrotingsstaten, then the newest publication:
   the latest moment the source has figures for, then its content hash, never the order of loading, so the same
   files give the same figures in any load order; ``SOURCE_ORDER_SQL``). Article numbers of different exports of
   the same moment can differ (re-numbering after a cabinet change), so articles are never mixed across sources
   at article level;
2. per article, detail lines of any source whose detail adds up to that source's article total (within one unit),
   or that has no article total, win ('detail'); otherwise the base source's article total ('artikel'). A source
   that gives lines without article totals (the rijksfinancien.nl JSON B-tabel, kind btabel_json) has its
   detail checked against the other sources' article totals instead: it wins where one of them agrees; it is the
   base only of a chapter no other source has.
A 'waarvan' row (a part of a sibling row, e.g. 'waarvan ICT') is kept with is_part = true: it never counts in a
total, but its own theme tag counts in the theme totals (the ICT part of the running costs).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import duckdb

from ..errors import SchemaError
from ..vocab import SOURCE_NEWNESS_SQL

# the 'waarvan' lines (a part of a sibling row): the pattern runs once per distinct text, not once per amount.
# __LINES__: every line (a full build), or the lines of the sources an incremental step reads (waarvan_sql)
_WAARVAN_TEMPLATE = r"""
CREATE OR REPLACE TEMP TABLE waarvan_line AS
WITH b AS (SELECT line_id, regeling, detail, instrument_raw FROM budget_line__LINES__), t AS (
    SELECT x FROM (SELECT DISTINCT regeling AS x FROM b UNION SELECT DISTINCT detail FROM b
                   UNION SELECT DISTINCT instrument_raw FROM b)
    WHERE regexp_matches(strip_accents(lower(x)), '^\s*[-–]?\s*waarvan')
)
SELECT line_id FROM b
WHERE regeling IN (SELECT x FROM t) OR detail IN (SELECT x FROM t) OR instrument_raw IN (SELECT x FROM t);
"""
WAARVAN_SQL = _WAARVAN_TEMPLATE.replace("__LINES__", "")


def waarvan_sql(sources: list[int]) -> str:
    """WAARVAN_SQL for the lines of ``sources`` only (a line is a 'waarvan' line by its own texts alone)."""
    ids = ", ".join(str(int(i)) for i in sources) or "NULL"
    return _WAARVAN_TEMPLATE.replace("__LINES__", f" WHERE source_id IN ({ids})")

# sources in publication order (the newest last): the latest moment a source has figures for (source.latest_moment,
# set at ingest), then the content hash as a fixed order between sources of the same moment. A tie between sources
# goes to the newest publication by this order, not to the source loaded last.
SOURCE_ORDER_SQL = f"""
CREATE OR REPLACE TEMP TABLE source_order AS {SOURCE_NEWNESS_SQL};
"""

# per group of years the money is for (every choice below compares figures of one year only): bounded memory.
# __SCOPE__: nothing in a full build; an incremental build (analyze.incremental) joins the groups of chapter,
# moment and year it recomputes (every choice below stays within one such group)
YEARS_SQL = SOURCE_ORDER_SQL + r"""
CREATE OR REPLACE TEMP TABLE sel_amount AS
SELECT l.line_id, l.source_id, s.kind, l.hoofdstuk, l.artikel, l.vuo, l.is_total, l.niveau, a.moment_jaar, a.fase,
       a.measure, a.mutatie_soort, a.jaar, a.value_k, a.unit,
       l.line_id IN (SELECT line_id FROM waarvan_line) AS is_waarvan,
       l.is_total AND l.niveau = 'artikel' AND (l.regeling IS NULL OR lower(l.regeling) = 'programma-uitgaven')
           AS is_article_total
FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)__SCOPE__
WHERE l.duplicate_of IS NULL AND l.artikel IS NOT NULL AND a.measure IN ('stand', 'mutatie', 'realisatie')
  AND a.jaar IN (__YEARS__);

CREATE OR REPLACE TEMP TABLE sel_group AS
SELECT source_id, any_value(kind) AS kind, hoofdstuk, artikel, vuo, moment_jaar, fase, measure,
       coalesce(mutatie_soort, '') AS soort, jaar,
       sum(value_k) FILTER (WHERE NOT is_total AND NOT is_waarvan) AS detail_sum,
       count(*) FILTER (WHERE NOT is_total AND NOT is_waarvan) AS n_detail,
       max(value_k) FILTER (WHERE is_article_total) AS total,
       max(CASE WHEN unit = 'EURMLN' THEN 1000 ELSE 1 END) AS tolerance
FROM sel_amount GROUP BY source_id, hoofdstuk, artikel, vuo, moment_jaar, fase, measure, soort, jaar;

-- a source of lines without article totals (btabel_json) is checked against the other sources' article totals:
-- its detail counts where one of them agrees; where no other source has the article, only when no other source
-- has the chapter at all (article numbers differ between exports: IXB art. 8 of one is art. 21 of another)
CREATE OR REPLACE TEMP TABLE sel_reference AS
SELECT a.source_id, a.hoofdstuk, a.artikel, a.vuo, a.moment_jaar, a.fase, a.measure, a.soort, a.jaar,
       bool_or(abs(b.total - a.detail_sum) < greatest(a.tolerance, b.tolerance))
           FILTER (WHERE b.artikel = a.artikel AND b.total IS NOT NULL) AS agrees,
       count(*) FILTER (WHERE b.kind NOT IN (__LINES_ONLY__)) > 0 AS others
FROM sel_group a JOIN sel_group b USING (hoofdstuk, vuo, moment_jaar, fase, measure, soort, jaar)
WHERE a.kind IN (__LINES_ONLY__) AND a.total IS NULL AND b.source_id <> a.source_id
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE sel_article AS
SELECT g.*, CASE WHEN n_detail > 0 AND (total IS NULL OR abs(total - detail_sum) < tolerance)
                      AND coalesce(r.agrees, NOT coalesce(r.others, false)) THEN 'detail'
                 WHEN total IS NOT NULL THEN 'artikel' END AS granularity,
          __KIND_RANK__ AS kind_rank, kind IN (__LINES_ONLY__) AS lines_only, o.newness
FROM sel_group g JOIN source_order o USING (source_id)
LEFT JOIN sel_reference r USING (source_id, hoofdstuk, artikel, vuo, moment_jaar, fase, measure, soort, jaar);

-- per chapter and moment one base source: the one covering most articles (then the richest kind, the newest
-- publication); a source of lines only when no other source has the chapter
CREATE OR REPLACE TEMP TABLE sel_base AS
SELECT hoofdstuk, vuo, moment_jaar, fase, measure, soort, jaar,
       arg_max(source_id, (NOT lines_only, n_articles, kind_rank, newness)) AS source_id
FROM (SELECT source_id, hoofdstuk, vuo, moment_jaar, fase, measure, soort, jaar, any_value(kind_rank) AS kind_rank,
             any_value(lines_only) AS lines_only, any_value(newness) AS newness,
             count(*) FILTER (WHERE granularity IS NOT NULL) AS n_articles
      FROM sel_article GROUP BY ALL)
WHERE n_articles > 0
GROUP BY ALL;

-- per article: reconciled detail of any source wins over the base source's article total
CREATE OR REPLACE TEMP TABLE sel_choice AS
SELECT a.hoofdstuk, a.artikel, a.vuo, a.moment_jaar, a.fase, a.measure, a.soort, a.jaar,
       arg_max(a.source_id, (a.granularity = 'detail', a.source_id = b.source_id, a.kind_rank, a.newness))
           AS source_id,
       arg_max(a.granularity, (a.granularity = 'detail', a.source_id = b.source_id, a.kind_rank, a.newness))
           AS granularity
FROM sel_article a JOIN sel_base b USING (hoofdstuk, vuo, moment_jaar, fase, measure, soort, jaar)
WHERE a.granularity = 'detail' OR a.source_id = b.source_id
GROUP BY ALL;

INSERT INTO fact
SELECT a.line_id, a.source_id, a.hoofdstuk, a.artikel, a.vuo, a.moment_jaar, a.fase, a.measure, a.mutatie_soort,
       a.jaar, a.value_k, c.granularity, a.is_waarvan
FROM sel_amount a JOIN sel_choice c
  ON a.source_id = c.source_id AND a.hoofdstuk = c.hoofdstuk AND a.artikel = c.artikel AND a.vuo = c.vuo
 AND a.moment_jaar = c.moment_jaar AND a.fase = c.fase AND a.measure = c.measure
 AND coalesce(a.mutatie_soort, '') = c.soort AND a.jaar = c.jaar
WHERE (c.granularity = 'detail' AND NOT a.is_total)
   OR (c.granularity = 'artikel' AND a.is_article_total);
DROP TABLE sel_amount; DROP TABLE sel_group; DROP TABLE sel_reference;
DROP TABLE sel_article; DROP TABLE sel_base; DROP TABLE sel_choice;
"""  # noqa: S608 - constants of this module only

# amount rows per group of years in a step of selection.build and mutations.build: bounds their temporary tables
YEARS_PER_STEP_ROWS = 2_500_000


def year_groups(con: duckdb.DuckDBPyConnection, max_rows: int = YEARS_PER_STEP_ROWS) -> list[list[int]]:
    """The years the money is for, in order, packed into groups of at most ``max_rows`` amount rows (a year with
    more rows is a group of its own)."""
    groups: list[list[int]] = []
    size = 0
    for jaar, n in con.execute("SELECT jaar, count(*) FROM amount GROUP BY jaar ORDER BY jaar").fetchall():
        if not groups or size + n > max_rows:
            groups.append([])
            size = 0
        groups[-1].append(int(jaar))
        size += int(n)
    return groups


def years_sql(years: list[int]) -> str:
    """A literal list of years for SQL (integers only: nothing else can enter the statement); a literal list lets
    DuckDB prune the amount scan, where a subquery would not."""
    return ", ".join(str(int(y)) for y in years) or "NULL"


def years_step_sql(years: list[int], preference: SourcePreference, scope: str = "") -> str:
    """The SQL of one step of the fact table: the years given, within ``scope`` (a join, or nothing), the source
    kinds ranked as their readers declare (``preference``)."""
    return preference.apply(YEARS_SQL.replace("__YEARS__", years_sql(years)).replace("__SCOPE__", scope))


def build(con: duckdb.DuckDBPyConnection, *, preference: SourcePreference, max_rows: int = YEARS_PER_STEP_ROWS
          ) -> int:
    """Rebuild the fact table; return its row count. ``preference``: the readers' ranks of the source kinds
    (pipeline passes sources.preference())."""
    preference.check(con)
    con.execute(WAARVAN_SQL + "DELETE FROM fact;")  # noqa: S608 - constants
    for years in year_groups(con, max_rows):
        con.execute(years_step_sql(years, preference))
    record_moment_chapters(con)
    rows = con.execute("SELECT count(*) FROM fact").fetchall()
    return int(rows[0][0]) if rows else 0


def record_moment_chapters(con: duckdb.DuckDBPyConnection, moments: str = "true") -> None:
    """Table moment_chapter again from the facts: for every moment, or for those passing ``moments`` (SQL over
    moment_jaar and fase; analyze.incremental gives the moments it recomputed)."""
    con.execute(f"""
        DELETE FROM moment_chapter WHERE {moments};
        INSERT INTO moment_chapter SELECT DISTINCT moment_jaar, fase, hoofdstuk FROM fact
        WHERE measure IN ('stand', 'realisatie') AND {moments}""")  # noqa: S608 - our own SQL


# --- shared with analyze.mutations: the same source preference, as SQL fragments --------------------------------

_KIND = re.compile(r"^[a-z][a-z0-9_]{0,40}$")  # a kind is an identifier: safe to write into SQL as a literal


@dataclass(frozen=True)
class SourcePreference:
    """How the kinds of source rank where they give the same figures, as their readers declare it (the caller
    asks the reader registry, sources.ranks(); analyze never imports sources). ``lines_only``: kinds whose
    articles mostly have no total line of their own, so their detail needs another source's agreement."""

    ranks: Mapping[str, int]
    lines_only: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        bad = [k for k in (*self.ranks, *self.lines_only) if not _KIND.match(k)] + [
            k for k in self.lines_only if k not in self.ranks]
        if bad:
            raise ValueError(f"source kinds without a rank or not identifiers: {bad}")

    def rank_sql(self, col: str) -> str:
        """The rank of the kind in column ``col``; NULL for a kind no reader declares (``check`` refuses it)."""
        whens = " ".join(f"WHEN '{k}' THEN {int(r)}" for k, r in sorted(self.ranks.items()))
        return f"(CASE {col} {whens} END)"

    def lines_only_sql(self) -> str:
        return ", ".join(f"'{k}'" for k in sorted(self.lines_only)) or "NULL"

    def apply(self, sql: str) -> str:
        """``sql`` with the placeholders __KIND_RANK__ (over ``kind``), __KIND_RANK_S__ (over ``s.kind``) and
        __LINES_ONLY__ filled in."""
        return (sql.replace("__KIND_RANK_S__", self.rank_sql("s.kind")).replace("__KIND_RANK__", self.rank_sql("kind"))
                .replace("__LINES_ONLY__", self.lines_only_sql()))

    def check(self, con: duckdb.DuckDBPyConnection) -> None:
        """Every kind of source loaded has a rank: a new kind is never silently ranked."""
        kinds = {str(r[0]) for r in con.execute("SELECT DISTINCT kind FROM source JOIN budget_line USING (source_id)")
                 .fetchall()}
        missing = sorted(kinds - set(self.ranks))
        if missing:
            raise SchemaError(f"geen lezer geeft een rangorde voor de bronsoort(en) {', '.join(missing)}",
                              expected=", ".join(sorted(self.ranks)))


def base_source_sql(relation: str, group: str, item: str) -> str:
    """SQL choosing one base source per source kind and ``group`` (a column list of ``relation``, which has
    ``source_id``): the one covering most distinct ``item``s, then the richest kind, then the newest publication
    (rule 1 above; the temporary table ``source_order`` of SOURCE_ORDER_SQL must exist). The result has ``kind``,
    the ``group`` columns and ``source_id``. The kind's rank is the placeholder __KIND_RANK__
    (SourcePreference.apply fills it in)."""
    rank = "__KIND_RANK__"
    # the distinct items first, then a plain count; a source has one kind, so its kind and rank join the counts
    # afterwards and stay out of the distinct rows. At the 5M benchmark (18.7M amounts, bench/NOTES.md): a grouped
    # count(DISTINCT) took 11.0-12.1 s, DISTINCT then count(*) 9.1-10.9 s (seventh round), without the kind in the
    # distinct rows 7.8-8.3 s against 8.4-9.5 s (eighth round, five alternating pairs)
    return f"""
        SELECT kind, {group}, arg_max(source_id, (n_items, kind_rank, newness)) AS source_id
        FROM (SELECT {group}, source_id, count(*) AS n_items
              FROM (SELECT DISTINCT {group}, source_id, {item} FROM {relation}) GROUP BY ALL)
        JOIN (SELECT source_id, kind, {rank} AS kind_rank FROM source) USING (source_id)
        JOIN source_order USING (source_id)
        GROUP BY ALL"""  # noqa: S608 - relation and columns are constants of the caller
