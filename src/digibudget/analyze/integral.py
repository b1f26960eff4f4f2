"""The integrated table Parliament asked for (seed question 8).

For a budget moment (default: the latest with broad coverage, see analyze.coverage) and the years t .. t+5 of that
moment, every line tagged with a digital theme, its weighted amounts per year, the typed mutations that led to this
moment (for year t: kasschuif, overboeking/herschikking, taakstelling, nieuwe middelen, loon- en prijsbijstelling,
other explained changes, and what has no evidence of its type: onverklaard), V/U/O, hoofdstuk, artikel,
instrument, uitvoerder, and the commitment status of its article for year t: the four categories of the published
'Geschatte budgetflexibiliteit' (juridisch verplicht, bestuurlijk gebonden, beleidsmatig gereserveerd, nog niet
ingevuld) in money, or 'niet juridisch verplicht (verdeling onbekend)' where a source gives only the juridisch
verplicht share, each with its source cell. Commitment shares are published per article (sometimes per
instrument), so they are never spread over lines (that would be a guess): line rows show the percentages, article
rows the amounts. A share is a share of uitgaven (or verplichtingen where the source says so), never of
ontvangsten. Every row names its source file(s) and line ids, which lead to the source rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import duckdb

from ..chapters import chapter_labels, chapter_table
from ..errors import UsageError
from ..queries import Result, query_result
from ..vocab import SOURCE_NEWNESS_SQL, Moment, MomentLike, check_vuo, publication_key
from .coverage import PARTIAL_STATEMENT, coverage, default_moment
from .mutations import MOMENT_SUMS

PREV_COLUMN = "t_min_1"  # the year before the moment (t-1), as the moment's own source gives it

LEVELS = {  # one entry per vocab.NIVEAUS, in that order (tests/test_vocab.py)
    "regel": ["thema", "gewicht", "zekerheid", "hoofdstuk", "artikel", "artikel_naam", "artikelonderdeel",
              "instrument", "regeling", "uitvoerder", "vuo", "granulariteit", "deel_van_regel"],
    "artikel": ["thema", "hoofdstuk", "artikel", "artikel_naam", "vuo"],
    "hoofdstuk": ["thema", "hoofdstuk", "vuo"],
    "instrument": ["thema", "instrument", "vuo"],
    "uitvoerder": ["thema", "uitvoerder", "vuo"],
    "thema": ["thema", "vuo"],
}
_DIM_SQL = {  # over ``w``: one moment's rows of tagged_fact (analyze.tagged)
    "thema": "w.theme", "gewicht": "w.weight", "zekerheid": "w.confidence", "hoofdstuk": "w.hoofdstuk",
    "artikel": "w.artikel",
    # the name in the newest publication among the row's lines (never the order of loading: ``o`` is
    # vocab.SOURCE_NEWNESS_SQL)
    "artikel_naam": "coalesce(arg_max(w.artikel_naam, (o.newness, w.line_id)) "
                    "FILTER (WHERE w.artikel_naam IS NOT NULL), '')",
    "artikelonderdeel": "coalesce(w.artikelonderdeel, '') || coalesce(' ' || w.artikelonderdeel_naam, '')",
    "instrument": "coalesce(w.instrument, '(geen)')",
    "regeling": "coalesce(w.regeling, '') || coalesce(' / ' || w.detail, '')",
    "uitvoerder": "coalesce(w.uitvoerder, '(onbekend)')", "vuo": "w.vuo", "granulariteit": "w.granularity",
    "deel_van_regel": "w.is_part", "ministerie": "coalesce(any_value(nm.ministerie), '')",  # one name per code
}
_AGGREGATED = {"artikel_naam", "ministerie"}  # shown beside the grouping, not grouped by


@dataclass(frozen=True)
class Window:
    moment_jaar: int
    fase: str
    jaar_van: int
    jaar_tot: int
    standaard: bool = False  # the default moment (no moment asked for)

    @property
    def moment(self) -> Moment:
        return Moment(self.moment_jaar, self.fase)

    @property
    def label(self) -> str:
        return f"{self.moment.label}, jaren {self.jaar_van}-{self.jaar_tot}"


def window(con: duckdb.DuckDBPyConnection, moment: MomentLike | None = None, jaar_van: int | None = None,
           jaar_tot: int | None = None) -> Window:
    """The moment (a Moment, or text in the one grammar of vocab.Moment; default: the latest broad moment) and the
    years it shows (default: its year and five more)."""
    if moment:
        mj, fase = Moment.of(moment)
    else:
        latest = default_moment(con)
        if latest is None:
            raise UsageError("er zijn geen digitale begrotingsregels geladen", expected="eerst 'digibudget ingest'")
        mj, fase = latest
    van = jaar_van if jaar_van is not None else mj
    tot = jaar_tot if jaar_tot is not None else van + 5
    if not (1990 <= van <= tot <= 2100) or tot - van > 20:
        raise UsageError(f"jaren {van}-{tot}", expected="ten hoogste 21 jaar, tussen 1990 en 2100, van <= tot")
    return Window(mj, fase, van, tot, standaard=not moment)


# the commitment categories of 'Geschatte budgetflexibiliteit', in the order of the published table
COMMITMENT = (("juridisch_verplicht", "juridisch verplicht"), ("bestuurlijk_gebonden", "bestuurlijk gebonden"),
              ("beleidsmatig_gereserveerd", "beleidsmatig gereserveerd"),
              ("nog_niet_ingevuld", "nog niet ingevuld / vrij te besteden"))


def _commitment_cols(niveau: str) -> str:
    """Article rows: the article's total for year t and the money of each category (share x total), the remainder
    'verdeling onbekend' where only juridisch verplicht is known, and the source cells. Line rows: the article's and
    the instrument's juridisch verplicht share. Never for ontvangsten (the join is on V/U/O: shares are stored for
    U, or V where the source says so)."""
    if niveau == "artikel":
        money = ", ".join(f"any_value(art.totaal * lc.{c} * 0.01) AS {c}_t" for c, _ in COMMITMENT)
        return f""",
            any_value(art.totaal) AS artikel_totaal_t, any_value(lc.juridisch_verplicht) AS juridisch_verplicht_pct,
            {money},
            any_value(CASE WHEN lc.juridisch_verplicht IS NOT NULL AND lc.bestuurlijk_gebonden IS NULL
                                AND lc.beleidsmatig_gereserveerd IS NULL AND lc.nog_niet_ingevuld IS NULL
                           THEN art.totaal - art.totaal * lc.juridisch_verplicht * 0.01 END)
                AS niet_juridisch_verplicht_verdeling_onbekend,
            any_value(CASE WHEN w.vuo = 'O' THEN 'n.v.t. (ontvangsten)'
                           WHEN lc.bestuurlijk_gebonden IS NOT NULL OR lc.nog_niet_ingevuld IS NOT NULL
                           THEN 'budgetflexibiliteit' WHEN lc.juridisch_verplicht IS NOT NULL
                           THEN 'alleen juridisch verplicht' ELSE 'onbekend' END) AS verplichtingen_status,
            any_value(lc.bron) AS verplichtingen_bron"""
    if niveau == "regel":
        return """, any_value(lc.juridisch_verplicht) AS juridisch_verplicht_pct_artikel,
            any_value(li.pct) AS juridisch_verplicht_pct_instrument"""
    return ""


def window_coverage(con: duckdb.DuckDBPyConnection, w: Window, *, hoofdstuk: str | None = None,
                    vuo: str | None = None, themes: list[str] | None = None) -> Any:
    """The coverage (analyze.coverage.Coverage) of a window and the filters in use."""
    return coverage(con, w.moment_jaar, w.fase, w.jaar_van, w.jaar_tot, hoofdstuk=hoofdstuk, vuo=vuo, themes=themes,
                    default=w.standaard)


def _with_coverage(result: Result, w: Window, cov: Any, niveau: str) -> Result:
    """Attach the coverage of the moment, window and filters to the integrated table; a partial moment's totals
    (niveau thema or hoofdstuk) say in their title that they are no national total."""
    if PREV_COLUMN in result.columns:
        i = result.columns.index(PREV_COLUMN)
        cov = replace(cov, vorig_jaar=w.moment_jaar - 1, vorig_jaar_bron=any(r[i] is not None for r in result.rows))
    title = result.title
    if not cov.breed and niveau in ("thema", "hoofdstuk"):
        title += f" - {PARTIAL_STATEMENT}"
    return replace(result, title=title, coverage=cov)


def _pad_years(result: Result, at: int, held: int, before: list[int], after: list[int]) -> Result:
    """Put back the year columns the query was not asked for: the years of the window in which the moment holds no
    figure at all (its coverage says which), empty, before and after the ``held`` year columns that start at column
    ``at``."""
    if not before and not after:
        return result
    cols, end = result.columns, at + held
    pre, post = (None,) * len(before), (None,) * len(after)
    rows = [r[:at] + pre + r[at:end] + post + r[end:] for r in result.rows]
    return result.with_rows(rows, [*cols[:at], *map(str, before), *cols[at:end], *map(str, after), *cols[end:]])


def integral_table(con: duckdb.DuckDBPyConnection, *, moment: MomentLike | None = None, themes: list[str] | None = None,
                   jaar_van: int | None = None, jaar_tot: int | None = None, niveau: str = "regel",
                   hoofdstuk: str | None = None, artikel: str | None = None, instrument: str | None = None,
                   uitvoerder: str | None = None, vuo: str | None = None, include_hints: bool = False) -> Result:
    """The integrated table of the window (see the module's docstring).

    Long because: one SQL statement with its column lists (dimensions, years, mutation types, commitment
    categories), built from the level and filters; split, its parts would only make sense together."""
    if niveau not in LEVELS:
        raise UsageError(f"onbekend niveau {niveau!r}", expected=", ".join(LEVELS))
    if vuo is not None:
        check_vuo(vuo)
    if themes:  # (the distinct themes of every tag: only read when asked for)
        known = {r[0] for r in con.execute("SELECT DISTINCT theme FROM line_theme").fetchall()}
        for t in themes:
            if known and t not in known:
                raise UsageError(f"onbekend thema {t!r}", expected=", ".join(sorted(known)))
    w = window(con, moment, jaar_van, jaar_tot)
    cov = window_coverage(con, w, hoofdstuk=hoofdstuk, vuo=vuo, themes=themes)
    # only the years of the window in which the moment holds a figure (its coverage: with the chapter and V/U/O
    # filters, without the narrower ones) are summed in the query; the others can only be empty and are put back
    # as such (_pad_years), which spares the query and the fetch most of a wide window's columns
    window_years = list(range(w.jaar_van, w.jaar_tot + 1))
    years = list(range(min(cov.jaren), max(cov.jaren) + 1)) if cov.jaren else []
    before = [y for y in window_years if not years or y < years[0]]
    after = [y for y in window_years if years and y > years[-1]]
    dims = LEVELS[niveau]
    # the ministry beside its chapter code (as with_ministry adds it), looked up in the query: no second pass
    shown = [c for d in dims for c in ((d, "ministerie") if d == "hoofdstuk" else (d,))]
    select_dims = ", ".join(f"{_DIM_SQL[d]} AS {d}" for d in shown)
    group_dims = ", ".join(_DIM_SQL[d] for d in dims if d not in _AGGREGATED)
    # (sum(CASE ...) rather than FILTER: the same sums, NULL where no figure, and cheaper in DuckDB)
    year_list = [f"sum(CASE WHEN w.jaar = {y} THEN w.value_k * w.weight END) AS \"{y}\"" for y in years]
    # t-1 in its own column where the window starts at the moment's year: what the moment's source says about the
    # year before (a B-tabel of moment t carries t-1); a line is shown only for money in the window itself
    prev = w.moment_jaar - 1 if w.jaar_van >= w.moment_jaar else None
    if prev is not None:
        year_list.insert(0, f"sum(CASE WHEN w.jaar = {prev} THEN w.value_k * w.weight END) AS {PREV_COLUMN}")
    year_cols = "".join(f", {c}" for c in year_list)
    # the typed mutations that led to this moment, for the moment's own year, weighted like the amounts; what has
    # evidence of its type (verklaard) apart from what has none (onverklaard)
    mutation_cols = ", ".join(
        f"sum(CASE WHEN w.jaar = {w.moment_jaar} THEN mut.{c} * w.weight END) AS mutatie_{c}"
        for c, _ in MOMENT_SUMS)
    pivot = ", ".join(f"max(c.pct) FILTER (WHERE c.category = '{c}') AS {c}" for c, _ in COMMITMENT)
    # the article's total for year t: only the article level shows it (another read of the moment's facts)
    art_join = ("LEFT JOIN art ON art.hoofdstuk = w.hoofdstuk AND art.artikel = w.artikel AND art.vuo = w.vuo"
                if niveau == "artikel" else "")
    sql = f"""
        WITH w AS (  -- the moment's tagged figures (analyze.tagged), stored together in moment order
            SELECT * FROM tagged_fact WHERE moment_jaar = $mj AND fase = $fase
              AND (jaar BETWEEN $van AND $tot OR jaar = $prev) AND (counted OR $hints)
              AND ($themes::VARCHAR[] IS NULL OR list_contains($themes, theme))
        ), art AS (
            SELECT hoofdstuk, artikel, vuo, sum(value_k) AS totaal FROM fact
            WHERE moment_jaar = $mj AND fase = $fase AND jaar = $mj AND measure = 'stand' AND NOT is_part
            GROUP BY ALL
        ), mut AS (  -- the moment's typed changes per line key, kept summed (analyze.mutations.MOMENT_SUMS)
            SELECT * FROM moment_line_mutation WHERE moment = $moment AND moment_jaar = $mj AND fase = $fase
        ), nm AS (  -- the chapters' names in the moment's year (digibudget.chapters)
            SELECT unnest($codes::VARCHAR[]) AS code, unnest($namen::VARCHAR[]) AS ministerie
        ), lc AS (  -- the published split of the article's expenditure for year t, with its source cells
            SELECT c.hoofdstuk, c.artikel, c.vuo, {pivot},
                   array_to_string(list_transform(  -- the cells in order: file, row (numerically), column
                       list_sort(list_distinct(list({{'f': s.file_name, 'r': c.source_row, 'c': c.source_column}}))),
                       lambda x: x.f || ' rij ' || x.r || ' kolom ''' || x.c || ''''), '; ') AS bron
            FROM legal_commitment c JOIN source s USING (source_id)
            WHERE c.moment_jaar = $mj AND c.fase = $fase AND c.jaar = $mj AND c.instrument IS NULL GROUP BY ALL
        ), li AS (  -- a juridisch verplicht share published for one instrument of the article
            SELECT hoofdstuk, artikel, vuo, lower(instrument) AS instrument, max(pct) AS pct FROM legal_commitment
            WHERE moment_jaar = $mj AND fase = $fase AND jaar = $mj AND instrument IS NOT NULL
              AND category = 'juridisch_verplicht' GROUP BY ALL
        )
        SELECT {select_dims}{year_cols}{_commitment_cols(niveau)},
               {mutation_cols},
               len(list_distinct(list(w.line_id) FILTER (WHERE w.jaar BETWEEN $van AND $tot))) AS regels,
               array_to_string(list_sort(list_distinct(list(s.file_name))), '; ') AS bronnen,
               array_to_string(list_sort(list_distinct(list(w.line_id) FILTER (WHERE w.jaar BETWEEN $van AND $tot))),
                               ' ') AS regel_ids  -- numeric: 9 10 100
        FROM w JOIN source s ON s.source_id = w.source_id JOIN ({SOURCE_NEWNESS_SQL}) o ON o.source_id = w.source_id
        {art_join}
        LEFT JOIN lc ON lc.hoofdstuk = w.hoofdstuk AND lc.artikel = w.artikel AND lc.vuo = w.vuo
        LEFT JOIN li ON li.hoofdstuk = w.hoofdstuk AND li.artikel = w.artikel AND li.vuo = w.vuo
         AND li.instrument = lower(w.instrument)
        LEFT JOIN mut ON mut.line_key = w.line_key
        LEFT JOIN nm ON nm.code = upper(w.hoofdstuk)
        WHERE ($hoofdstuk::VARCHAR IS NULL OR w.hoofdstuk = upper($hoofdstuk))
          AND ($artikel::VARCHAR IS NULL OR w.artikel = $artikel)
          AND ($instrument::VARCHAR IS NULL OR w.instrument = $instrument)
          AND ($uitvoerder::VARCHAR IS NULL OR w.uitvoerder ILIKE '%' || $uitvoerder || '%')
          AND ($vuo::VARCHAR IS NULL OR w.vuo = upper($vuo))
        GROUP BY {group_dims}
        HAVING count(CASE WHEN w.jaar BETWEEN $van AND $tot THEN 1 END) > 0
        ORDER BY {", ".join(str(i + 1) for i in range(len(shown)))}
    """  # noqa: S608 - only constant column expressions and validated integer years are formatted in
    theme_list: Any = themes or None
    names = chapter_labels({c.hoofdstuk for c in chapter_table()}, w.moment_jaar) if "ministerie" in shown else {}
    params: dict[str, Any] = {"mj": w.moment_jaar, "fase": w.fase, "van": w.jaar_van, "tot": w.jaar_tot, "prev": prev,
                              "hints": include_hints, "themes": theme_list, "hoofdstuk": hoofdstuk,
                              "artikel": artikel, "instrument": instrument, "uitvoerder": uitvoerder, "vuo": vuo,
                              "codes": list(names), "namen": list(names.values()),
                              "moment": publication_key(w.moment_jaar, w.fase)}
    title = f"Integrale tabel per {niveau}: digitale uitgaven ({w.label}; bedragen x gewicht)"
    result = _pad_years(query_result(con, sql, params, title, "x € 1.000"), len(shown) + (prev is not None),
                        len(years), before, after)
    return _with_coverage(result, w, cov, niveau)


def with_ministry(result: Result, jaar: int) -> Result:
    """A 'ministerie' column after 'hoofdstuk': the chapter's name in budget year ``jaar`` (digibudget.chapters),
    so exports and the CLI say which ministry a code was in that year ('' where no bundled source names it)."""
    if "hoofdstuk" not in result.columns or "ministerie" in result.columns:
        return result
    from ..chapters import chapter_label

    k = result.columns.index("hoofdstuk") + 1
    names: dict[str, str] = {}
    rows = []
    for r in result.rows:
        code = str(r[k - 1]) if r[k - 1] is not None else ""
        if code not in names:
            names[code] = chapter_label(code, jaar) if code else ""
        rows.append((*r[:k], names[code], *r[k:]))
    return result.with_rows(rows, [*result.columns[:k], "ministerie", *result.columns[k:]])
