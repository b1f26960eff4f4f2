"""What changed between two budget moments, for what a user follows (issue 14: 'Wat is er veranderd').

For a selection (themes, chapters, an article, an executor, or a watch list of line keys and names) and two moments
(default: the last two loaded moments of the latest budget year that has two), in publication order:

* ``nieuwe regels`` / ``verdwenen regels``: lines (followed through lineage) with a figure at one moment and not at
  the other, in articles that both moments give at line level (an article given only as a total at one moment says
  nothing about its lines, and a chapter missing from one moment is coverage, not change);
* ``grootste mutaties``: the largest changes from the first to the second moment (analyze.mutations), each with its
  type, evidence and confidence: a change without evidence is 'onverklaard', never typed;
* ``vernummerd of verhuisd``: lineage links whose hand-over lies between the two moments;
* ``verplichtingen``: commitment shares (juridisch verplicht, budgetflexibiliteit) that differ or appear;
* ``nieuwe bevindingen``: findings of the sources that hold the second moment and not the first.

Every row leads to its line (``regel``) and its source cell (file, row, column).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb

from ..errors import RuleError, UsageError, reason
from ..queries import Result, query_result
from ..vocab import FASES, UNIT_LABEL, Moment, moment_label, publication_key, publication_key_sql
from .lineage import RESOLVED_CTES

UNIT = UNIT_LABEL["EUR1000"]


@dataclass(frozen=True)
class Selection:
    """What a user follows; empty means everything."""

    themes: tuple[str, ...] = ()
    hoofdstukken: tuple[str, ...] = ()
    artikel: str | None = None
    uitvoerder: str | None = None
    line_keys: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def label(self) -> str:
        from ..labels import theme_label

        parts = [f"thema {', '.join(theme_label(t) for t in self.themes)}" if self.themes else "",
                 f"hoofdstuk {', '.join(self.hoofdstukken)}" if self.hoofdstukken else "",
                 f"artikel {self.artikel}" if self.artikel else "",
                 f"uitvoerder '{self.uitvoerder}'" if self.uitvoerder else "",
                 f"volglijst ({len(self.line_keys) + len(self.names)} items)" if self.line_keys or self.names else ""]
        return "; ".join(p for p in parts if p) or "alles"


def load_watch_list(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A watch list: TOML with ``[[volg]]`` entries of ``line_key = "..."`` or ``naam = "..."`` (a word or name
    that the line's text contains, e.g. an executor or a regeling)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleError(f"volglijst {path} is niet leesbaar: {reason(exc)}") from exc
    keys: list[str] = []
    names: list[str] = []
    for i, item in enumerate(data.get("volg", [])):
        if not isinstance(item, dict) or not (item.get("line_key") or item.get("naam")):
            raise RuleError(f"{path} [[volg]] #{i + 1}: line_key of naam ontbreekt")
        if item.get("line_key"):
            keys.append(str(item["line_key"]))
        if item.get("naam"):
            names.append(str(item["naam"]))
    return tuple(keys), tuple(names)


@dataclass(frozen=True)
class ChangeReport:
    van: tuple[int, str]
    naar: tuple[int, str]
    selection: Selection
    sections: list[Result] = field(default_factory=list)

    @property
    def title(self) -> str:
        return (f"Wat is er veranderd van {moment_text(self.van)} naar {moment_text(self.naar)} "
                f"(selectie: {self.selection.label()})")

    def section(self, name: str) -> Result:
        return next(s for s in self.sections if s.title.startswith(name))


def moment_text(m: tuple[int, str]) -> str:
    return moment_label(*m)


def loaded_moments(con: duckdb.DuckDBPyConnection) -> list[Moment]:
    """Every moment with chosen figures, in publication order."""
    rows = con.execute("SELECT DISTINCT moment_jaar, fase FROM fact").fetchall()
    return sorted((Moment(int(r[0]), str(r[1])) for r in rows), key=Moment.publication_key)


def default_pair(con: duckdb.DuckDBPyConnection) -> tuple[tuple[int, str], tuple[int, str]]:
    """The last two loaded moments of the latest budget year that has two with a chapter in common (two
    excerpts of different chapters have nothing to compare)."""
    chapters: dict[tuple[int, str], set[str]] = {}
    for mj, fase, h in con.execute("SELECT DISTINCT moment_jaar, fase, hoofdstuk FROM fact").fetchall():
        chapters.setdefault((int(mj), str(fase)), set()).add(str(h))
    moments = loaded_moments(con)
    for year in sorted({m[0] for m in moments}, reverse=True):
        of_year = [m for m in moments if m[0] == year]
        for earlier, later in reversed(list(pairwise(of_year))):
            if chapters[earlier] & chapters[later]:
                return earlier, later
    raise UsageError("geen begrotingsjaar met twee geladen momenten over hetzelfde hoofdstuk",
                     expected="laad twee momenten, of geef --van en --naar")


def previous_moment(con: duckdb.DuckDBPyConnection, naar: tuple[int, str]) -> tuple[int, str] | None:
    """The moment of the same budget year published just before ``naar``, if loaded."""
    before = [m for m in loaded_moments(con) if m[0] == naar[0] and publication_key(*m) < publication_key(*naar)]
    return before[-1] if before else None


def _moment(text: str | tuple[int, str]) -> Moment:
    return Moment.of(text)


def _selection_sql(sel: Selection, alias: str = "l") -> tuple[str, dict[str, Any]]:
    """A predicate over budget_line ``alias`` with only the conditions the selection sets, and their parameters."""
    conds: list[str] = []
    params: dict[str, Any] = {}
    if sel.themes:
        conds.append(f"{alias}.line_id IN (SELECT line_id FROM line_theme WHERE counted "  # noqa: S608 - alias of this module
                     "AND list_contains($themes, theme))")
        params["themes"] = list(sel.themes)
    if sel.hoofdstukken:
        conds.append(f"list_contains($hoofdstukken, {alias}.hoofdstuk)")
        params["hoofdstukken"] = [h.upper() for h in sel.hoofdstukken]
    if sel.artikel:
        conds.append(f"{alias}.artikel = $artikel")
        params["artikel"] = sel.artikel
    if sel.uitvoerder:
        conds.append(f"{alias}.line_id IN (SELECT le.line_id FROM line_executor le JOIN executor e USING "  # noqa: S608 - alias of this module
                     "(executor_id) WHERE strip_accents(lower(e.name)) LIKE '%' || strip_accents(lower($uitvoerder)) "
                     "|| '%')")
        params["uitvoerder"] = sel.uitvoerder
    if sel.line_keys or sel.names:
        text = (f"strip_accents(lower(concat_ws(' ', {alias}.regeling, {alias}.detail, {alias}.instrument, "
                f"{alias}.artikelonderdeel_naam, {alias}.artikel_naam)))")
        conds.append(f"(list_contains($keys, {alias}.line_key) OR len(list_filter($names, lambda n: {text} "
                     "LIKE '%' || strip_accents(lower(n)) || '%')) > 0)")
        params["keys"] = list(sel.line_keys) or [""]
        params["names"] = list(sel.names) or ["\x00"]
    return " AND ".join(conds) or "true", params



# the lines of both moments, keyed through lineage, in articles given at line level at both moments
LINES_SQL = f"""
WITH RECURSIVE {RESOLVED_CTES}, side AS (
    SELECT CASE WHEN f.moment_jaar = $mj_van AND f.fase = $fase_van THEN 'van' ELSE 'naar' END AS kant,
           f.line_id, f.jaar, f.value_k, f.granularity, f.hoofdstuk, f.artikel, l.vuo,
           CASE WHEN lg.artikel_naar IS NOT NULL
                THEN lg.hoofdstuk_naar || '|' || lg.artikel_naar
                     || substr(l.line_key, strlen(l.hoofdstuk) + strlen(l.artikel) + 2)
                ELSE l.line_key END AS ckey,
           coalesce(lg.hoofdstuk_naar, f.hoofdstuk) AS h, coalesce(lg.artikel_naar, f.artikel) AS a
    FROM fact f JOIN budget_line l USING (line_id)
    LEFT JOIN mut_lineage lg ON lg.hoofdstuk_van = l.hoofdstuk AND lg.artikel_van = l.artikel AND lg.vuo = l.vuo
    WHERE f.measure IN ('stand', 'realisatie') AND NOT f.is_part
      AND ((f.moment_jaar = $mj_van AND f.fase = $fase_van) OR (f.moment_jaar = $mj_naar AND f.fase = $fase_naar))
      AND f.jaar IN (SELECT jaar FROM fact WHERE moment_jaar = $mj_van AND fase = $fase_van
                     INTERSECT SELECT jaar FROM fact WHERE moment_jaar = $mj_naar AND fase = $fase_naar)
      AND __SELECTION__
), both_detail AS (
    SELECT h, a, vuo FROM side GROUP BY ALL
    HAVING bool_and(granularity = 'detail') AND count(DISTINCT kant) = 2
), keyed AS (
    SELECT s.* FROM side s JOIN both_detail USING (h, a, vuo)
), presence AS (
    SELECT ckey, bool_or(kant = 'van' AND value_k <> 0) AS in_van, bool_or(kant = 'naar' AND value_k <> 0) AS in_naar
    FROM keyed GROUP BY ckey
)
SELECT k.kant, k.line_id AS regel, l.hoofdstuk, l.artikel, l.artikelonderdeel, l.instrument,
       coalesce(l.regeling, '') || coalesce(' / ' || l.detail, '') AS regeling, l.vuo, k.jaar, k.value_k AS bedrag,
       src.file_name AS bron, am.source_row AS rij, am.source_column AS kolom, k.ckey AS line_key
FROM keyed k JOIN presence p USING (ckey) JOIN budget_line l USING (line_id)
JOIN source src ON src.source_id = l.source_id
LEFT JOIN amount am ON am.line_id = k.line_id AND am.jaar = k.jaar AND am.measure IN ('stand', 'realisatie')
 AND am.moment_jaar = CASE WHEN k.kant = 'van' THEN $mj_van ELSE $mj_naar END
 AND am.fase = CASE WHEN k.kant = 'van' THEN $fase_van ELSE $fase_naar END
WHERE k.value_k <> 0 AND ((k.kant = 'naar' AND NOT p.in_van) OR (k.kant = 'van' AND NOT p.in_naar))
QUALIFY row_number() OVER (PARTITION BY k.kant, k.ckey ORDER BY k.jaar, am.source_row) = 1
ORDER BY abs(k.value_k) DESC, k.ckey, k.jaar
"""  # noqa: S608 - constants only

MUTATIONS_SQL = """
SELECT m.line_id AS regel, m.hoofdstuk, m.artikel, m.artikelonderdeel, m.instrument, m.regeling, m.vuo,
       m.fase || ' ' || m.moment_jaar AS moment, m.jaar, m.value_k AS bedrag, m.soort, m.evidence_kind AS bewijs,
       m.confidence AS zekerheid, m.evidence AS onderbouwing, s.file_name AS bron,
       coalesce(m.source_row, a.source_row) AS rij, coalesce(m.source_column, a.source_column) AS kolom,
       m.mutation_id AS mutatie
FROM mutation m JOIN source s USING (source_id) JOIN budget_line l ON l.line_id = m.line_id
LEFT JOIN (SELECT line_id, moment_jaar, fase, jaar, min(source_row) AS source_row,
                  min(source_column) AS source_column
           FROM amount WHERE measure IN ('stand', 'realisatie') GROUP BY ALL) a
  ON m.source_row IS NULL AND a.line_id = m.line_id AND a.moment_jaar = m.moment_jaar AND a.fase = m.fase
 AND a.jaar = m.jaar
WHERE m.counted AND m.moment > $pk_van AND m.moment <= $pk_naar AND coalesce(m.van_moment_jaar, 0) > 0
  AND m.basis <> 'nieuw_jaar' AND NOT m.is_part AND __SELECTION__
ORDER BY abs(m.value_k) DESC, m.mutation_id
LIMIT $limit
"""

LINEAGE_SQL = f"""
SELECT hoofdstuk_van, artikel_van, hoofdstuk_naar, artikel_naar, vuo, laatst_van, eerst_naar, basis, relatie,
       followed AS gevolgd, evidence AS onderbouwing
FROM lineage
WHERE eerst_naar IS NOT NULL
  AND {publication_key_sql("CAST(split_part(eerst_naar, ' ', 2) AS INTEGER)", "split_part(eerst_naar, ' ', 1)")}
      BETWEEN $pk_van + 1 AND $pk_naar
  AND EXISTS (SELECT 1 FROM budget_line l WHERE ((l.hoofdstuk = hoofdstuk_naar AND l.artikel = artikel_naar)
              OR (l.hoofdstuk = hoofdstuk_van AND l.artikel = artikel_van)) AND __SELECTION__)
ORDER BY hoofdstuk_naar, try_cast(artikel_naar AS INTEGER), vuo
LIMIT $limit
"""  # noqa: S608 - constants only

COMMITMENT_SQL = """
WITH c AS (
    SELECT CASE WHEN moment_jaar = $mj_van AND fase = $fase_van THEN 'van' ELSE 'naar' END AS kant, c.*,
           s.file_name
    FROM legal_commitment c JOIN source s USING (source_id)
    WHERE ((moment_jaar = $mj_van AND fase = $fase_van) OR (moment_jaar = $mj_naar AND fase = $fase_naar))
      AND EXISTS (SELECT 1 FROM budget_line l WHERE l.hoofdstuk = c.hoofdstuk AND l.artikel = c.artikel
                  AND __SELECTION__)
)
SELECT n.hoofdstuk, n.artikel, coalesce(n.instrument, '(artikel)') AS instrument, n.vuo, n.jaar,
       n.category AS categorie, v.pct AS pct_van, n.pct AS pct_naar, n.file_name AS bron, n.source_row AS rij,
       n.source_column AS kolom
FROM (SELECT * FROM c WHERE kant = 'naar') n
LEFT JOIN (SELECT * FROM c WHERE kant = 'van') v
  ON v.hoofdstuk = n.hoofdstuk AND v.artikel = n.artikel AND coalesce(v.instrument, '') = coalesce(n.instrument, '')
 AND v.vuo = n.vuo AND v.jaar = n.jaar AND v.category = n.category
WHERE v.pct IS NULL OR v.pct <> n.pct
ORDER BY n.hoofdstuk, try_cast(n.artikel AS INTEGER), instrument, n.jaar, categorie
LIMIT $limit
"""

FINDINGS_SQL = """
SELECT f.code, f.severity AS ernst, s.file_name AS bron, f.row_number AS rij, f.column_name AS kolom,
       f.message AS melding
FROM finding f JOIN source s USING (source_id)
WHERE f.severity IN ('warning', 'error')
  AND f.source_id IN (SELECT x.source_id FROM fact x JOIN budget_line l USING (line_id)
                      WHERE x.moment_jaar = $mj_naar AND x.fase = $fase_naar AND __SELECTION__)
  AND f.source_id NOT IN (SELECT source_id FROM fact WHERE moment_jaar = $mj_van AND fase = $fase_van)
ORDER BY f.severity = 'error' DESC, f.finding_id
LIMIT $limit
"""


def changes(con: duckdb.DuckDBPyConnection, *, van: str | tuple[int, str] | None = None,
            naar: str | tuple[int, str] | None = None, selection: Selection | None = None,
            limit: int = 25) -> ChangeReport:
    """What changed from moment ``van`` to moment ``naar`` for the selection (see the module docstring)."""
    sel = selection or Selection()
    if limit < 1 or limit > 100_000:
        raise UsageError(f"limit {limit}", expected="1 .. 100000")
    if van is None and naar is None:
        m_van, m_naar = default_pair(con)
    elif naar is None:
        raise UsageError("--van zonder --naar", expected="beide momenten, of geen van beide")
    else:
        m_naar = _moment(naar)
        prev = previous_moment(con, m_naar) if van is None else _moment(van)
        if prev is None:
            raise UsageError(f"geen eerder moment van {m_naar[0]} geladen", expected="geef --van")
        m_van = prev
    if m_van[1] not in FASES or m_naar[1] not in FASES or publication_key(*m_van) >= publication_key(*m_naar):
        raise UsageError(f"{moment_text(m_van)} is niet eerder gepubliceerd dan {moment_text(m_naar)}",
                         expected="--van eerder dan --naar (in volgorde van publicatie)")
    pred, sel_params = _selection_sql(sel)
    moments = {"mj_van": m_van[0], "fase_van": m_van[1], "mj_naar": m_naar[0], "fase_naar": m_naar[1]}
    keys = {"pk_van": publication_key(*m_van), "pk_naar": publication_key(*m_naar), "limit": limit}
    both = query_result(con, LINES_SQL.replace("__SELECTION__", pred), {**sel_params, **moments}, "", UNIT)
    side = both.columns.index("kant")
    cols = [c for c in both.columns if c != "kant"]

    def part(kant: str, title: str) -> Result:
        return Result(cols, [r[:side] + r[side + 1:] for r in both.rows if r[side] == kant], title, UNIT)

    new, gone, renamed = _renamed(
        part("naar", f"Nieuwe regels (in {moment_text(m_naar)}, niet in {moment_text(m_van)})"),
        part("van", f"Verdwenen regels (in {moment_text(m_van)}, niet meer in {moment_text(m_naar)})"), limit)
    sections = [
        new, gone, renamed,
        query_result(con, MUTATIONS_SQL.replace("__SELECTION__", pred), {**sel_params, **keys}, "Grootste mutaties",
                     UNIT),
        query_result(con, LINEAGE_SQL.replace("__SELECTION__", pred), {**sel_params, **keys},
                     "Vernummerd of verhuisd", UNIT),
        query_result(con, COMMITMENT_SQL.replace("__SELECTION__", pred), {**sel_params, **moments, "limit": limit},
                     "Verplichtingen gewijzigd of nieuw", UNIT),
        query_result(con, FINDINGS_SQL.replace("__SELECTION__", pred), {**sel_params, **moments, "limit": limit},
                     "Nieuwe bevindingen", UNIT),
    ]
    return ChangeReport(m_van, m_naar, sel, sections)


def _renamed(new: Result, gone: Result, limit: int) -> tuple[Result, Result, Result]:
    """A new and a disappeared line of the same article, instrument, V/U/O and year with the same amount, each the
    other's only such match, are most likely one line under another name (two sources word it differently): they
    are listed as 'anders benoemd' with both texts, not as new and disappeared."""
    def key(r: tuple[Any, ...], cols: list[str]) -> tuple[Any, ...]:
        d = dict(zip(cols, r, strict=True))
        return (d["hoofdstuk"], d["artikel"], d["vuo"], d["instrument"], d["jaar"], d["bedrag"])

    new_keys = [key(r, new.columns) for r in new.rows]
    gone_keys = [key(r, gone.columns) for r in gone.rows]
    pairs = {k for k in set(new_keys) & set(gone_keys) if new_keys.count(k) == 1 and gone_keys.count(k) == 1}
    by_gone = {k: r for k, r in zip(gone_keys, gone.rows, strict=True) if k in pairs}
    i = new.columns.index
    renamed_rows = [(r[i("regel")], by_gone[k][i("regel")], r[i("hoofdstuk")], r[i("artikel")], r[i("instrument")],
                     by_gone[k][i("regeling")], r[i("regeling")], r[i("vuo")], r[i("jaar")], r[i("bedrag")],
                     r[i("bron")], r[i("rij")], r[i("kolom")])
                    for k, r in zip(new_keys, new.rows, strict=True) if k in pairs]
    renamed = Result(["regel", "regel_van", "hoofdstuk", "artikel", "instrument", "omschrijving_van",
                      "omschrijving_naar", "vuo", "jaar", "bedrag", "bron", "rij", "kolom"], renamed_rows[:limit],
                     "Anders benoemd (zelfde artikel, instrument, jaar en bedrag)", UNIT)
    keep_new = [r for k, r in zip(new_keys, new.rows, strict=True) if k not in pairs][:limit]
    keep_gone = [r for k, r in zip(gone_keys, gone.rows, strict=True) if k not in pairs][:limit]
    return Result(new.columns, keep_new, new.title, UNIT), Result(gone.columns, keep_gone, gone.title, UNIT), renamed


def feed_reports(con: duckdb.DuckDBPyConnection, selection: Selection | None = None, *, entries: int = 10,
                 limit: int = 10) -> list[tuple[ChangeReport, Any]]:
    """For the feed: per loaded moment (the latest ``entries``) its changes against the moment of the same budget
    year published before it, with the time its sources were loaded (a new moment is a new entry)."""
    loaded = {(int(r[0]), str(r[1])): r[2] for r in con.execute(
        "SELECT f.moment_jaar, f.fase, max(s.loaded_at) FROM fact f JOIN source s USING (source_id) GROUP BY ALL"
    ).fetchall()}
    out: list[tuple[ChangeReport, Any]] = []
    for naar in reversed(loaded_moments(con)):
        if len(out) >= entries:
            break
        van = previous_moment(con, naar)
        if van is not None:
            out.append((changes(con, van=van, naar=naar, selection=selection, limit=limit), loaded[naar]))
    return out
