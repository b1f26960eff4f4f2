"""Budget lineage: an article that continues under another number (or in another chapter).

Two kinds of evidence make a link (table ``lineage``):

* ``renummering``, found in the data: in one chapter and V/U/O, within the sources of one kind (exports of
  different kinds can number the same article differently at the same moment), an article stops being used (its
  last non-zero figure) and an article with the same name (case, accents and punctuation ignored) starts being used
  after it, for every year the money is for in which both appear, and the name matches one article on each side.
  Equal amounts at the hand-over raise the confidence. Example: BZ (V) art. 43 'Effectieve Europese Samenwerking' in the
  ontwerpbegroting 2020 continues as art. 3 in the vastgestelde begroting 2020.
* ``review``: a published or reviewed was/wordt table in ``data/lineage/`` (``was_begroting;was_artikelnr;
  wordt_begroting;wordt_artikelnr;...``), e.g. the article map of the 2017 -> 2018 cabinet change. A row with '*'
  renames a chapter only and changes no key.

Only 1:1 links are *followed* by the mutations (analyze.mutations re-keys the old article's lines to the new one, so
a renumbering is no mutation at all); a split (one old article to several) or merge is shown but not followed, and
neither is a link whose two articles are both in use at the same moment for the same year (then it is no
continuation). Links are chained: 61 -> 1 -> 11 follows to 11.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..errors import Location, SourceError, reason
from ..queries import Result, query_result
from ..vocab import NL_NUM_MACRO, publication_key, publication_key_sql

NAME_NORM = "trim(regexp_replace(strip_accents(lower(coalesce({c}, ''))), '[^a-z0-9]+', ' ', 'g'))"


@dataclass(frozen=True)
class ReviewedLink:
    hoofdstuk_van: str
    artikel_van: str
    hoofdstuk_naar: str
    artikel_naar: str
    source: str


def load_reviewed(paths: list[Path]) -> list[ReviewedLink]:
    """Read was/wordt tables (';'-separated, header as in data/lineage/); chapter-only renames ('*') are skipped."""
    links: list[ReviewedLink] = []
    for path in paths:
        try:
            with path.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh, delimiter=";"))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise SourceError(f"lineage-bestand niet leesbaar: {reason(exc)}", location=Location(str(path))) from exc
        need = {"was_begroting", "was_artikelnr", "wordt_begroting", "wordt_artikelnr"}
        if rows and not need <= set(rows[0]):
            raise SourceError("lineage-bestand mist kolommen", location=Location(str(path), 1),
                              expected=", ".join(sorted(need)))
        for i, r in enumerate(rows, start=2):
            was, wordt = r["was_artikelnr"].strip(), r["wordt_artikelnr"].strip()
            if was == "*" or wordt == "*":
                continue
            h_van, h_naar = r["was_begroting"].split(",")[0].strip(), r["wordt_begroting"].split(",")[0].strip()
            if not (h_van and h_naar and was and wordt):
                raise SourceError("lege hoofdstuk- of artikelcel", location=Location(str(path), i),
                                  expected="hoofdstuk ('VII, Binnenlandse Zaken') en artikelnummer")
            link = ReviewedLink(h_van, was, h_naar, wordt, f"{path.name} rij {i}")
            if all((x.hoofdstuk_van, x.artikel_van, x.hoofdstuk_naar, x.artikel_naar)
                   != (link.hoofdstuk_van, link.artikel_van, link.hoofdstuk_naar, link.artikel_naar) for x in links):
                links.append(link)
    return links


# per chapter, article, V/U/O, moment (in publication order) and year: is the article in use (a non-zero figure)?
# Kept in the table lineage_use, so that a load recomputes only the moments of its sources (__SCOPE__: nothing in a
# full build; analyze.incremental narrows it to the source kinds and moments loaded)
USE_SQL = f"""
INSERT INTO lineage_use
SELECT kind, hoofdstuk, artikel, vuo, jaar, {publication_key_sql("moment_jaar", "fase")} AS moment,
       min(fase || ' ' || moment_jaar),
       min({NAME_NORM.format(c="artikel_naam")}) FILTER (WHERE artikel_naam IS NOT NULL) AS naam,
       min(artikel_naam) AS naam_raw, sum(totaal), bool_or(in_use)
FROM (  -- summed per moment and article name first: the moment's key and label, and the normalised names, are
        -- computed once per group, not once per amount
    SELECT s.kind, l.hoofdstuk, l.artikel, l.vuo, a.jaar, a.moment_jaar, a.fase, l.artikel_naam,
           sum(a.value_k) FILTER (WHERE l.is_total AND l.niveau = 'artikel') AS totaal,
           bool_or(a.value_k <> 0) AS in_use
    FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
    WHERE l.duplicate_of IS NULL AND l.artikel IS NOT NULL AND a.measure IN ('stand', 'realisatie')__SCOPE__
    GROUP BY ALL)
GROUP BY kind, hoofdstuk, artikel, vuo, jaar, moment;
"""  # noqa: S608 - constants of this module only
SPAN_SQL = """
CREATE OR REPLACE TEMP TABLE lin_span AS
SELECT kind, hoofdstuk, artikel, vuo, jaar,
       min(moment) FILTER (WHERE in_use) AS first_m, max(moment) FILTER (WHERE in_use) AS last_m,
       arg_min(naam, moment) FILTER (WHERE in_use AND naam <> '') AS first_name,
       arg_max(naam, moment) FILTER (WHERE in_use AND naam <> '') AS last_name,
       arg_max(naam_raw, moment) FILTER (WHERE in_use) AS last_name_raw,
       arg_min(moment_label, moment) FILTER (WHERE in_use) AS first_label,
       arg_max(moment_label, moment) FILTER (WHERE in_use) AS last_label,
       arg_min(totaal, moment) FILTER (WHERE in_use) AS first_total,
       arg_max(totaal, moment) FILTER (WHERE in_use) AS last_total
FROM lineage_use GROUP BY ALL HAVING bool_or(in_use);
"""

# renumbering: a hand-over in every year both articles are in use, one name on each side
DETECT_SQL = """
CREATE OR REPLACE TEMP TABLE lin_pair AS
SELECT o.hoofdstuk, o.artikel AS artikel_van, n.artikel AS artikel_naar, o.vuo,
       count(*) AS years, bool_and(o.last_m < n.first_m) AS handover,
       min(o.last_name_raw) AS naam, arg_max(o.last_label, (n.first_m, o.jaar)) AS laatst_van,
       arg_max(n.first_label, (n.first_m, o.jaar)) AS eerst_naar,
       bool_or(o.last_total = n.first_total) AS same_amount,
       arg_max(o.last_total, (n.first_m, o.jaar)) AS bedrag_van, arg_max(n.first_total, (n.first_m, o.jaar))
           AS bedrag_naar
FROM lin_span o JOIN lin_span n
  ON n.kind = o.kind AND n.hoofdstuk = o.hoofdstuk AND n.vuo = o.vuo AND n.jaar = o.jaar
 AND n.artikel <> o.artikel AND n.first_name = o.last_name
GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE lin_found AS
SELECT * FROM lin_pair p
WHERE handover
  AND (SELECT count(*) FROM lin_pair q WHERE q.hoofdstuk = p.hoofdstuk AND q.vuo = p.vuo
       AND q.artikel_van = p.artikel_van AND q.handover) = 1
  AND (SELECT count(*) FROM lin_pair q WHERE q.hoofdstuk = p.hoofdstuk AND q.vuo = p.vuo
       AND q.artikel_naar = p.artikel_naar AND q.handover) = 1;
INSERT INTO lineage
SELECT hoofdstuk, artikel_van, hoofdstuk, artikel_naar, vuo, laatst_van, eerst_naar, 'renummering', '1:1', true,
       CASE WHEN same_amount THEN 0.9 ELSE 0.7 END,
       'zelfde naam ''' || naam || ''': art. ' || artikel_van || ' laatst gebruikt in ' || laatst_van
       || ', art. ' || artikel_naar || ' eerst in ' || eerst_naar
       || CASE WHEN same_amount THEN '; zelfde bedrag bij de overgang (' || nl_num(bedrag_van) || ')'
               WHEN bedrag_van IS NOT NULL AND bedrag_naar IS NOT NULL
               THEN '; bedrag ' || nl_num(bedrag_van) || ' -> ' || nl_num(bedrag_naar) ELSE '' END
FROM lin_found;
"""

# a reviewed link is followed when it is 1:1 and the two articles are never in use at one moment for one year
REVIEW_SQL = """
INSERT INTO lineage
SELECT r.hoofdstuk_van, r.artikel_van, r.hoofdstuk_naar, r.artikel_naar, v.vuo,
       (SELECT arg_max(last_label, last_m) FROM lin_span s WHERE s.hoofdstuk = r.hoofdstuk_van
        AND s.artikel = r.artikel_van AND s.vuo = v.vuo),
       (SELECT arg_min(first_label, first_m) FROM lin_span s WHERE s.hoofdstuk = r.hoofdstuk_naar
        AND s.artikel = r.artikel_naar AND s.vuo = v.vuo),
       'review',
       CASE WHEN r.n_naar > 1 THEN 'splitsing' WHEN r.n_van > 1 THEN 'samenvoeging' ELSE '1:1' END,
       r.n_naar = 1 AND r.n_van = 1 AND NOT coalesce(o.overlap, false)
           AND NOT EXISTS (SELECT 1 FROM lineage x WHERE x.hoofdstuk_van = r.hoofdstuk_van
                           AND x.artikel_van = r.artikel_van AND x.vuo = v.vuo),
       1.0,
       'was/wordt-tabel ' || r.source
       || CASE WHEN r.n_naar > 1 THEN ': verdeeld over ' || r.n_naar || ' artikelen, niet gevolgd'
               WHEN r.n_van > 1 THEN ': samengevoegd uit ' || r.n_van || ' artikelen, niet gevolgd'
               WHEN coalesce(o.overlap, false) THEN ': beide nummers tegelijk in gebruik, niet gevolgd'
               ELSE '' END
FROM (SELECT *, count(*) OVER (PARTITION BY hoofdstuk_van, artikel_van) AS n_naar,
             count(*) OVER (PARTITION BY hoofdstuk_naar, artikel_naar) AS n_van FROM lin_review) r
CROSS JOIN (SELECT unnest(['V', 'U', 'O']) AS vuo) v
LEFT JOIN (SELECT o.hoofdstuk AS h_van, o.artikel AS a_van, n.hoofdstuk AS h_naar, n.artikel AS a_naar, o.vuo,
                  bool_or(NOT (o.last_m < n.first_m)) AS overlap
           FROM lin_span o JOIN lin_span n ON n.kind = o.kind AND n.vuo = o.vuo AND n.jaar = o.jaar
           GROUP BY ALL) o
  ON o.h_van = r.hoofdstuk_van AND o.a_van = r.artikel_van AND o.h_naar = r.hoofdstuk_naar
 AND o.a_naar = r.artikel_naar AND o.vuo = v.vuo;
"""


MOMENT_SQL = publication_key_sql("a.moment_jaar", "a.fase")


def build(con: duckdb.DuckDBPyConnection, reviewed: list[ReviewedLink] | None = None, *,
          moments: Sequence[tuple[str, int, str]] | None = None, sources: Sequence[int] | None = None) -> int:
    """Rebuild the lineage table from the loaded lines and the reviewed links; return the number of links.

    ``moments`` (source kind, moment_jaar, fase): only the use of articles at these moments changed (a load), so
    only those rows of lineage_use are recomputed; the links are derived again from all of it. ``sources``: a
    the sources with amounts at those moments (a narrower scan; analyze.incremental)."""
    con.execute("DELETE FROM lineage")
    if moments is None:
        con.execute("DELETE FROM lineage_use")
        con.execute(USE_SQL.replace("__SCOPE__", ""))
    elif moments:
        keys = ", ".join(sorted({"'" + kind.replace("'", "''") + f"|{publication_key(int(mj), fase)}'"
                                 for kind, mj, fase in moments}))
        years = ", ".join(sorted({str(int(mj)) for _, mj, _ in moments}))
        con.execute(f"DELETE FROM lineage_use WHERE kind || '|' || moment IN ({keys})")  # noqa: S608 - quoted
        con.execute(USE_SQL.replace("__SCOPE__", f" AND a.moment_jaar IN ({years}) "
                                                 f"AND s.kind || '|' || {MOMENT_SQL} IN ({keys})"
                                                 + (" AND l.source_id IN (" + ", ".join(str(int(i)) for i in sources)
                                                    + ")" if sources else "")))
    con.execute(NL_NUM_MACRO + SPAN_SQL)
    con.execute(DETECT_SQL)
    con.execute("CREATE OR REPLACE TEMP TABLE lin_review (hoofdstuk_van VARCHAR, artikel_van VARCHAR, "
                "hoofdstuk_naar VARCHAR, artikel_naar VARCHAR, source VARCHAR)")
    if reviewed:
        con.executemany("INSERT INTO lin_review VALUES (?, ?, ?, ?, ?)",
                        [[r.hoofdstuk_van, r.artikel_van, r.hoofdstuk_naar, r.artikel_naar, r.source]
                         for r in reviewed])
    con.execute(REVIEW_SQL)
    con.execute("DROP TABLE lin_span; DROP TABLE lin_pair; DROP TABLE lin_found; "
                "DROP TABLE lin_review")
    row = con.execute("SELECT count(*) FROM lineage").fetchone()
    return int(row[0]) if row else 0


# the followed links, chained to their last article (at most a few steps; a cycle stops at the depth limit)
CHAIN_CTE = """chain(hoofdstuk_van, artikel_van, vuo, hoofdstuk_naar, artikel_naar, depth) AS (
    SELECT hoofdstuk_van, artikel_van, vuo, hoofdstuk_naar, artikel_naar, 1 FROM lineage WHERE followed
    UNION ALL
    SELECT c.hoofdstuk_van, c.artikel_van, c.vuo, l.hoofdstuk_naar, l.artikel_naar, c.depth + 1
    FROM chain c JOIN lineage l ON l.followed AND l.hoofdstuk_van = c.hoofdstuk_naar
     AND l.artikel_van = c.artikel_naar AND l.vuo = c.vuo
    WHERE c.depth < 8
)"""
LINEAGE_SELECT = """SELECT hoofdstuk_van, artikel_van, vuo, arg_max(hoofdstuk_naar, depth) AS hoofdstuk_naar,
       arg_max(artikel_naar, depth) AS artikel_naar
FROM chain GROUP BY ALL"""
RESOLVED_SQL = f"""
CREATE OR REPLACE TEMP TABLE mut_lineage AS
WITH RECURSIVE {CHAIN_CTE}
{LINEAGE_SELECT};
"""
# as common table expressions, for read-only queries: WITH RECURSIVE {RESOLVED_CTES}, ... FROM mut_lineage
RESOLVED_CTES = f"{CHAIN_CTE}, mut_lineage AS ({LINEAGE_SELECT})"


def lineage(con: duckdb.DuckDBPyConnection, hoofdstuk: str, artikel: str | None = None,
            vuo: str | None = None) -> Result:
    """The links of an article (or of a whole chapter): where it came from and where it continues."""
    h = hoofdstuk.upper()
    return query_result(con, """
        SELECT hoofdstuk_van, artikel_van, hoofdstuk_naar, artikel_naar, vuo, laatst_van, eerst_naar, basis,
               relatie, followed AS gevolgd, confidence AS zekerheid, evidence AS onderbouwing
        FROM lineage
        WHERE ((hoofdstuk_van = ? AND (?::VARCHAR IS NULL OR artikel_van = ?))
            OR (hoofdstuk_naar = ? AND (?::VARCHAR IS NULL OR artikel_naar = ?)))
          AND (?::VARCHAR IS NULL OR vuo = upper(?))
        ORDER BY hoofdstuk_van, try_cast(artikel_van AS INTEGER), artikel_van, vuo, hoofdstuk_naar,
                 try_cast(artikel_naar AS INTEGER)""",
                   [h, artikel, artikel, h, artikel, artikel, vuo, vuo],
                   f"Herkomst en voortzetting: {h}" + (f" art. {artikel}" if artikel else ""))
