"""Derived tables after a load, recomputed only where the new sources reach (docs/updates.md).

A full derivation (``derive_all``) rebuilds tags, facts, lineage and mutations from every loaded line. After a load
of new sources ``derive`` recomputes only:

* **tags** of the new lines (a line's tags depend on its own texts and the decisions for its key);
* **facts** of the groups (hoofdstuk, moment, year) the new sources have amounts in (every choice of a figure in
  analyze.selection compares sources within one such group), and the tagged facts of those groups
  (analyze.tagged);
* **lineage**: rebuilt whole (one aggregate); when the links the mutations follow change, the mutations are
  rebuilt whole too, because a renumbering re-keys a chain over all its moments;
* **mutations**: the chains of a line (per source kind, line key and year) change only between the stand before
  and the stand after a new moment. So stands and changes are recomputed for the range of moments [lo, hi] from
  the earliest stand before to the latest stand after any new moment, in the years the new moments have figures
  for. Typing (kasschuif over years, counterpart, the counted kind) compares changes of one moment only, so every
  change at a moment with a recomputed change is typed again, the unchanged ones rebuilt from the stored rows; a
  moment in [lo, hi] without one (a moment of another year's chain, between the new moment's stands) is left as
  it is.

Mutation ids: a change that exists before and after keeps its id; a new change gets an id after the highest. A
full build numbers in key order. The two builds therefore agree on every row and every counterpart when ids are
read as their identity (kind, line_key, part_key, moment, jaar, basis, mutatie_soort, line_id), see ``identities``.

The incremental path runs only when the rules, the decisions file, the reviewed lineage tables and this code are
the ones the derived tables were built with (a fingerprint in ``derived_state``); otherwise ``derive`` rebuilds all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from .. import __version__, classify
from ..classify.overrides import load_decisions, load_mutation_decisions
from ..versions import REMOVED_AMOUNTS, REMOVED_LINES
from ..vocab import PUBLICATION, publication_key, publication_key_sql
from . import lineage, mutations, selection, tagged
from .selection import SourcePreference

# raise when the derivation changes in a way that makes tables of the old code incomparable
DERIVE_VERSION = "2"  # 2: ties between sources go to the newest publication, not the last loaded
_STATE_KEY = "fingerprint"

_MOMENT = publication_key_sql("a.moment_jaar", "a.fase")
_MEASURES = "('stand', 'mutatie', 'realisatie')"


def fingerprint(decisions: Path | None, reviewed: Sequence[Path], preference: SourcePreference) -> str:
    """What the derived tables depend on besides the loaded lines: rules, decisions, reviewed lineage, the readers'
    ranks of the source kinds, code."""
    rules = classify.load_rules()
    parts: list[Any] = [__version__, DERIVE_VERSION, rules, load_decisions(decisions, rules.theme_ids()),
                        load_mutation_decisions(decisions, mutations.SOORTEN), lineage.load_reviewed(list(reviewed)),
                        sorted(preference.ranks.items()), sorted(preference.lines_only)]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def stored_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT value FROM derived_state WHERE name = ?", [_STATE_KEY]).fetchone()
    return str(row[0]) if row else None


def _record(con: duckdb.DuckDBPyConnection, value: str) -> None:
    con.execute("DELETE FROM derived_state WHERE name = ?", [_STATE_KEY])
    con.execute("INSERT INTO derived_state VALUES (?, ?)", [_STATE_KEY, value])


def current_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The counts ``derive_all`` returns, of the derived tables as they are (nothing to recompute)."""
    counts = {str(t): int(n) for t, n in con.execute(
        "SELECT theme, count(*) FROM line_theme WHERE counted GROUP BY theme").fetchall()}
    for name in ("lineage", "mutation"):
        row = con.execute(f"SELECT count(*) FROM {name}").fetchone()  # noqa: S608 - constants
        counts["mutations" if name == "mutation" else name] = int(row[0]) if row else 0
    return counts


def derive_all(con: duckdb.DuckDBPyConnection, decisions: Path | None, reviewed: Sequence[Path], *,
               preference: SourcePreference) -> dict[str, int]:
    """Everything derived from the loaded lines, rebuilt: tags, the chosen facts, lineage, the typed mutations.
    ``preference``: the readers' ranks of the source kinds (pipeline.source_preference())."""
    counts = classify.run(con, decisions_file=decisions)
    selection.build(con, preference=preference)
    tagged.record(con)
    counts["lineage"] = lineage.build(con, lineage.load_reviewed(list(reviewed)))
    counts["mutations"] = mutations.build(con, preference=preference,
                                          reviews=load_mutation_decisions(decisions, mutations.SOORTEN))
    _record(con, fingerprint(decisions, reviewed, preference))
    return counts


def derive(con: duckdb.DuckDBPyConnection, new_sources: Sequence[int], decisions: Path | None,
           reviewed: Sequence[Path], *, preference: SourcePreference, removed: bool = False) -> dict[str, int]:
    """After loading ``new_sources``: recompute what they reach, or everything when the derived tables were built
    with other rules, decisions or code (or never). Returns the counts ``derive_all`` returns.

    ``removed``: the load also removed the lines of earlier versions of its files (digibudget.versions, which
    keeps them in its REMOVED_LINES and REMOVED_AMOUNTS tables); what they reached is recomputed as well."""
    fp = fingerprint(decisions, reviewed, preference)
    if stored_fingerprint(con) != fp:
        return derive_all(con, decisions, reviewed, preference=preference)
    preference.check(con)
    ids = [int(i) for i in new_sources]
    if removed:  # a line's tags are its own: those of the removed lines go with them
        for table in ("tag", "line_theme", "line_executor"):
            con.execute(f"DELETE FROM {table} WHERE line_id IN (SELECT line_id FROM {REMOVED_LINES})")  # noqa: S608
    counts = classify.run(con, decisions_file=decisions, source_ids=ids)
    update_facts(con, ids, preference, removed=removed)
    followed_before = _followed(con)
    kind_moments = _kind_moments(con, ids, removed=removed)
    sources: list[int] | None = None
    if kind_moments:
        years = ", ".join(sorted({str(mj) for _, mj, _ in kind_moments}))
        keys = ", ".join(sorted({str(publication_key(mj, fase)) for _, mj, fase in kind_moments}))
        sources = _sources_with(con, f"a.moment_jaar IN ({years}) AND {_MOMENT} IN ({keys})")
    counts["lineage"] = lineage.build(con, lineage.load_reviewed(list(reviewed)), moments=kind_moments,
                                      sources=sources)
    reviews = load_mutation_decisions(decisions, mutations.SOORTEN)
    if _followed(con) != followed_before:
        counts["mutations"] = mutations.build(con, preference=preference, reviews=reviews)
    else:
        update_mutations(con, ids, preference, reviews=reviews, removed=removed)
        row = con.execute("SELECT count(*) FROM mutation").fetchone()
        counts["mutations"] = int(row[0]) if row else 0
    _record(con, fp)
    return counts


def _ids_sql(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _line_range(con: duckdb.DuckDBPyConnection, ids: Sequence[int]) -> tuple[int, int]:
    """The line ids of the new sources (contiguous per load: a literal range lets DuckDB skip the rest)."""
    row = con.execute(f"SELECT coalesce(min(line_id), 0), coalesce(max(line_id), -1) FROM budget_line "  # noqa: S608
                      f"WHERE source_id IN ({_ids_sql(ids)})").fetchone()
    return (int(row[0]), int(row[1])) if row else (0, -1)


def _sources_with(con: duckdb.DuckDBPyConnection, amount_filter: str) -> list[int]:
    """The sources that have amounts passing ``amount_filter`` (SQL over ``a``): lines are stored source after
    source, so ``l.source_id IN (...)`` with these lets DuckDB skip the lines of every other source."""
    rows = con.execute(f"SELECT DISTINCT source_id FROM budget_line WHERE line_id IN "  # noqa: S608 - our own SQL
                       f"(SELECT a.line_id FROM amount a WHERE {amount_filter})").fetchall()
    return sorted(int(r[0]) for r in rows)


def update_facts(con: duckdb.DuckDBPyConnection, ids: Sequence[int], preference: SourcePreference, *,
                 waarvan: bool = True, removed: bool = False) -> None:
    """Recompute the facts of every (hoofdstuk, moment, year) group the new sources have amounts in (and, with
    ``removed``, the groups the removed versions had amounts in)."""
    lo, hi = _line_range(con, ids)
    gone = (f" UNION SELECT hoofdstuk, moment_jaar, fase, jaar FROM {REMOVED_AMOUNTS} "  # noqa: S608 - constants and integers
            f"WHERE has_artikel AND measure IN {_MEASURES}") if removed else ""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE inc_sel_scope AS
        SELECT DISTINCT l.hoofdstuk, a.moment_jaar, a.fase, a.jaar
        FROM budget_line l JOIN amount a USING (line_id)
        WHERE l.source_id IN ({_ids_sql(ids)}) AND l.line_id BETWEEN {lo} AND {hi} AND a.line_id BETWEEN {lo} AND {hi}
          AND l.artikel IS NOT NULL AND a.measure IN {_MEASURES}{gone}""")  # noqa: S608 - integers and constants
    years = [int(r[0]) for r in con.execute("SELECT DISTINCT jaar FROM inc_sel_scope ORDER BY jaar").fetchall()]
    if not years:
        con.execute("DROP TABLE inc_sel_scope")
        return
    con.execute("""DELETE FROM fact f USING inc_sel_scope sc WHERE f.hoofdstuk = sc.hoofdstuk
                   AND f.moment_jaar = sc.moment_jaar AND f.fase = sc.fase AND f.jaar = sc.jaar""")
    moment_years = ", ".join(str(int(r[0])) for r in con.execute(
        "SELECT DISTINCT moment_jaar FROM inc_sel_scope").fetchall())
    fases = ", ".join(f"'{r[0]}'" for r in con.execute("SELECT DISTINCT fase FROM inc_sel_scope").fetchall()
                      if str(r[0]).isalnum())
    sources = _sources_with(con, f"a.moment_jaar IN ({moment_years}) AND a.fase IN ({fases or 'NULL'}) "
                                 f"AND a.jaar IN ({selection.years_sql(years)})")
    scope = (f" JOIN inc_sel_scope sc ON sc.hoofdstuk = l.hoofdstuk AND sc.moment_jaar = a.moment_jaar "
             f"AND sc.fase = a.fase AND sc.jaar = a.jaar AND a.moment_jaar IN ({moment_years}) "
             f"AND l.source_id IN ({_ids_sql(sources)})")
    if waarvan:  # the 'waarvan' lines of the sources read here
        con.execute(selection.waarvan_sql(sources))
    con.execute(selection.years_step_sql(years, preference, scope))
    selection.record_moment_chapters(con, f"moment_jaar IN ({moment_years}) AND (moment_jaar, fase) IN "  # noqa: S608
                                          "(SELECT DISTINCT moment_jaar, fase FROM inc_sel_scope)")
    tagged.record_scope(con, "inc_sel_scope")
    con.execute("DROP TABLE inc_sel_scope")


def _kind_moments(con: duckdb.DuckDBPyConnection, ids: Sequence[int], *, removed: bool = False
                  ) -> list[tuple[str, int, str]]:
    """(source kind, moment_jaar, fase) of the stands and realisations of the new sources (and of the removed
    versions)."""
    lo, hi = _line_range(con, ids)
    gone = (f" UNION SELECT kind, moment_jaar, fase FROM {REMOVED_AMOUNTS} "  # noqa: S608 - constants and integers
            "WHERE measure IN ('stand', 'realisatie')") if removed else ""
    return [(str(r[0]), int(r[1]), str(r[2])) for r in con.execute(f"""
        SELECT DISTINCT s.kind, a.moment_jaar, a.fase FROM amount a JOIN budget_line l USING (line_id)
        JOIN source s USING (source_id)
        WHERE l.source_id IN ({_ids_sql(ids)}) AND a.line_id BETWEEN {lo} AND {hi}
          AND a.measure IN ('stand', 'realisatie'){gone}
        ORDER BY ALL""").fetchall()]  # noqa: S608 - integers


def _followed(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The lineage links the mutations follow, resolved to their last article (what re-keys a chain)."""
    sql = f"WITH RECURSIVE {lineage.RESOLVED_CTES} SELECT * FROM mut_lineage ORDER BY ALL"  # noqa: S608 - constants
    return con.execute(sql).fetchall()


def _moment_years(lo: int, hi: int) -> str:
    """The moment years (moment_jaar) of the moments whose publication keys fall in [lo, hi], as a literal list."""
    offsets = [o for o, _, _ in PUBLICATION.values()]
    candidates = range(lo // 1000 - max(offsets), hi // 1000 - min(offsets) + 1)
    return ", ".join(str(y) for y in candidates if any(lo <= publication_key(y, f) <= hi for f in PUBLICATION))


# a stored change rebuilt as a row of mutations' mut_raw (the columns in its order): stored regeling is
# coalesce(label, regeling), and a label is the regeling of a named row; a residual's published sum follows from
# its stands
_STORED_RAW = """
SELECT kind, __KIND_RANK__, line_key, part_key, line_id, van_line_id, source_id,
       source_row, source_column, hoofdstuk, artikel, is_article_total, vuo, van_moment_jaar, van_fase, moment_jaar,
       fase, moment, jaar, value_k, van_stand, naar_stand, tolerance, basis, mutatie_soort,
       CASE WHEN basis = 'restverschil' THEN naar_stand - van_stand - value_k END,
       artikelonderdeel, instrument, regeling, niveau, is_total, is_part,
       niveau IN ('mutatie', 'mutatiecategorie'),
       CASE WHEN niveau IN ('mutatie', 'mutatiecategorie') THEN regeling END
FROM inc_old
"""

# ids: a change that existed keeps its id; new ones are numbered after the highest, in key order
_ID_SQL = """
CREATE OR REPLACE TEMP TABLE mut_id AS
WITH m AS (
    SELECT r.rowid AS rid, o.mutation_id AS old_id, r.kind, r.ckey, r.part_key, r.moment, r.jaar, r.basis,
           r.mutatie_soort, r.line_id
    FROM mut_raw r LEFT JOIN inc_old o
      ON o.kind = r.kind AND o.line_key = r.ckey AND o.part_key = r.part_key AND o.moment = r.moment
     AND o.jaar = r.jaar AND o.basis = r.basis AND o.mutatie_soort IS NOT DISTINCT FROM r.mutatie_soort
     AND o.line_id = r.line_id
)
SELECT rid, coalesce(old_id, (SELECT greatest(coalesce(max(mutation_id), 0),
                                              (SELECT coalesce(max(mutation_id), 0) FROM inc_old)) FROM mutation)
                              + row_number() OVER (ORDER BY old_id IS NOT NULL, kind, ckey, part_key, moment, jaar,
                                                   basis, mutatie_soort, line_id)) AS mutation_id
FROM m;
"""


def update_mutations(con: duckdb.DuckDBPyConnection, ids: Sequence[int], preference: SourcePreference, *,
                     reviews: list[Any] | None = None, waarvan: bool = True, removed: bool = False) -> None:
    """Recompute stands and changes in the range of moments the new sources reach, and type every change at those
    moments again (see the module doc). Same result as mutations.build, ids read as identities. ``removed``: the
    moments of the removed versions count as reached too, and their lines' chains bound the range as well.

    Long because: the range, the stands, the changes and their typing are one ordered sequence of SQL steps over
    the same temp tables; split, each part would pass the same dozen literals along."""
    lines_lo, lines_hi = _line_range(con, ids)
    gone = (f" UNION SELECT DISTINCT a.moment_jaar, a.fase, {_MOMENT} FROM {REMOVED_AMOUNTS} a "  # noqa: S608 - constants and integers
            f"WHERE a.measure IN {_MEASURES}") if removed else ""
    new_moments = [(int(r[0]), str(r[1]), int(r[2])) for r in con.execute(f"""
        SELECT DISTINCT a.moment_jaar, a.fase, {_MOMENT} FROM amount a
        WHERE a.line_id BETWEEN {lines_lo} AND {lines_hi} AND a.measure IN {_MEASURES}
          AND a.line_id IN (SELECT line_id FROM budget_line WHERE source_id IN ({_ids_sql(ids)})){gone}
        ORDER BY 3""").fetchall()]  # noqa: S608 - integers and constants
    if not new_moments:
        return
    keys = ", ".join(str(m) for _, _, m in new_moments)
    years_of_moments = ", ".join(sorted({str(y) for y, _, _ in new_moments}))
    gone = (f" UNION SELECT DISTINCT a.jaar FROM {REMOVED_AMOUNTS} a WHERE a.moment_jaar IN ({years_of_moments}) "  # noqa: S608 - constants and integers
            f"AND {_MOMENT} IN ({keys}) AND a.measure IN {_MEASURES}") if removed else ""
    years = [int(r[0]) for r in con.execute(f"""
        SELECT DISTINCT a.jaar FROM amount a WHERE a.moment_jaar IN ({years_of_moments}) AND {_MOMENT} IN ({keys})
          AND a.measure IN {_MEASURES}{gone} ORDER BY 1""").fetchall()]  # noqa: S608
    years_list = selection.years_sql(years)
    con.execute("CREATE OR REPLACE TEMP TABLE mut_review (mutation_key VARCHAR, soort VARCHAR, reason VARCHAR, "
                "reviewer VARCHAR, date VARCHAR)")
    if reviews:
        con.executemany("INSERT INTO mut_review VALUES (?, ?, ?, ?, ?)",
                        [[r.mutation_key, r.soort, r.reason, r.reviewer, r.date] for r in reviews])
    con.execute(preference.apply(mutations.unscoped(mutations.PREP_SQL[len(selection.WAARVAN_SQL):])))
    # the chains with a figure at a new moment: their stands before and after it bound the range to recompute
    at_new = _sources_with(con, f"a.moment_jaar IN ({years_of_moments}) AND {_MOMENT} IN ({keys})")
    if waarvan:  # the 'waarvan' lines of the sources read here (again below, for the whole range)
        con.execute(selection.waarvan_sql(at_new))
    con.execute(preference.apply(f"""
        CREATE OR REPLACE TEMP TABLE inc_chain AS
        SELECT DISTINCT kind, ckey, jaar, moment FROM ({mutations.AMOUNT_SQL})
        WHERE moment IN ({keys}) AND jaar IN ({years_list}) AND moment_jaar IN ({years_of_moments})
          AND source_id IN ({_ids_sql(at_new)})"""))  # noqa: S608
    if removed:  # the chains the removed lines had stands in
        con.execute(f"""INSERT INTO inc_chain SELECT DISTINCT kind, line_key, jaar, moment FROM mutation_stand
                        WHERE line_id IN (SELECT line_id FROM {REMOVED_LINES})""")  # noqa: S608 - constants
    row = con.execute("""
        SELECT min(coalesce(prev, moment)), max(coalesce(nxt, moment)) FROM (
            SELECT c.moment, max(s.moment) FILTER (WHERE s.moment < c.moment) AS prev,
                   min(s.moment) FILTER (WHERE s.moment > c.moment) AS nxt
            FROM inc_chain c LEFT JOIN mutation_stand s
              ON s.kind = c.kind AND s.line_key = c.ckey AND s.jaar = c.jaar
            GROUP BY c.kind, c.ckey, c.jaar, c.moment)""").fetchone()
    con.execute("DROP TABLE inc_chain")
    first, last = new_moments[0][2], new_moments[-1][2]
    lo = min(first, int(row[0])) if row and row[0] is not None else first
    hi = max(last, int(row[1])) if row and row[1] is not None else last
    in_range = f"a.moment_jaar IN ({_moment_years(lo, hi)}) AND {_MOMENT} BETWEEN {lo} AND {hi}"
    range_sources = _sources_with(con, in_range)
    moments = f" AND {in_range} AND l.source_id IN ({_ids_sql(range_sources)})"
    if waarvan and set(range_sources) - set(at_new):
        con.execute(selection.waarvan_sql(range_sources))
    con.execute(f"DELETE FROM mutation_stand WHERE jaar IN ({years_list}) "  # noqa: S608 - integers
                f"AND moment BETWEEN {lo} AND {hi}")
    con.execute(preference.apply(mutations.BASE_SQL.replace("__BASE_MOMENTS__", moments)))
    con.execute(preference.apply(mutations.YEARS_SQL.replace("__YEARS__", years_list).replace("__MOMENTS__", moments)
                .replace("__STEPS__", f" AND s.moment BETWEEN {lo} AND {hi} AND s.van_moment >= {lo}")))
    # the moments with a change recomputed (new, or stored and replaced): typing compares the changes of one moment
    # only, so every stored change at those moments is typed again (the ones recomputed are replaced, the rest
    # rebuilt from the stored rows); a moment in [lo, hi] without one keeps its stored changes as they are
    van_moment = publication_key_sql("van_moment_jaar", "van_fase")
    replaced = f"jaar IN ({years_list}) AND (basis IN ('mutatie', 'nieuw_jaar') OR {van_moment} >= {lo})"
    affected = ", ".join(str(int(r[0])) for r in con.execute(f"""
        SELECT DISTINCT moment FROM mut_raw
        UNION SELECT DISTINCT moment FROM mutation WHERE moment BETWEEN {lo} AND {hi} AND {replaced}
        ORDER BY 1""").fetchall()) or "NULL"  # noqa: S608 - integers and constants
    con.execute(preference.apply(f"""
        CREATE OR REPLACE TEMP TABLE inc_old AS SELECT * FROM mutation WHERE moment IN ({affected});
        DELETE FROM mutation WHERE moment IN ({affected});
        INSERT INTO mut_raw {_STORED_RAW}
        WHERE NOT ({replaced});
    """))  # noqa: S608 - integers and constants
    all_years = selection.years_sql([int(r[0]) for r in con.execute("SELECT DISTINCT jaar FROM mut_raw").fetchall()])
    con.execute(preference.apply(_ID_SQL + mutations.TYPE_SQL))
    con.execute(preference.apply(mutations.PAIR_SQL.replace("__YEARS__", all_years)))
    con.execute(preference.apply(mutations.FINISH_SQL))
    mutations.record_moment_sums(con, f"moment IN ({affected})")
    con.execute("DROP TABLE inc_old")


def identities(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """The derived tables as sorted rows, mutation ids replaced by their identity: two builds of the same sources
    (full or incremental) must give equal results (tests/test_incremental.py)."""
    ident = "(kind, line_key, part_key, moment, jaar, basis, mutatie_soort, line_id)"
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in ("tag", "line_theme", "line_executor", "executor", "fact", "tagged_fact", "moment_chapter", "lineage",
                  "lineage_use", "mutation_stand", "moment_line_mutation"):
        out[table] = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()  # noqa: S608 - constants
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'mutation' ORDER BY ordinal_position").fetchall()]
    plain = [f"m.{c}" for c in cols if c not in {"mutation_id", "counterpart_id"}]
    out["mutation"] = con.execute(f"""
        SELECT {', '.join(plain)}, (SELECT {ident} FROM mutation o WHERE o.mutation_id = m.counterpart_id)
        FROM mutation m ORDER BY ALL""").fetchall()  # noqa: S608 - column names of the table
    return out
