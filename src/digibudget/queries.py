"""Read-only queries over the store, each returning (columns, rows) so one query serves table, CSV and JSON.

The public query API of the library: the CLI, the exports, the report and the web pages all read through it (and
analyze/); constant SQL with bound parameters only, never text from a request."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb

from .errors import DigibudgetError, NotFoundError, UsageError
from .result import Result as Result
from .result import query_result as query_result
from .vocab import FASES, SOURCE_NEWNESS_SQL, check_vuo


def sources(con: duckdb.DuckDBPyConnection) -> Result:
    return query_result(con, """
        SELECT s.source_id AS bron, s.kind AS soort, s.file_name AS bestand,
               r.replaced_by AS vervangen_door,  -- a later version of the same file (digibudget.versions)
               s.rows_read AS rijen, s.lines_loaded AS regels, s.amounts_loaded AS bedragen, s.sha256, s.url,
               s.loaded_at AS geladen
        FROM source s LEFT JOIN source_replaced r USING (source_id) ORDER BY s.source_id""", [], "Bronnen")


def findings(con: duckdb.DuckDBPyConnection, *, code: str | None = None, severity: str | None = None,
             source_id: int | None = None, limit: int | None = None) -> Result:
    """The findings with their stable code and, for a reader, the Dutch title, severity and message of the
    catalogue (findings_nl), made from the stored figures."""
    from .findings_nl import SEVERITY_NL, finding_text, title_nl

    if severity and severity not in {"info", "warning", "error"}:
        raise UsageError(f"onbekende ernst {severity!r}", expected="info, warning of error")
    sql = """
        SELECT f.finding_id AS id, f.code, f.severity AS ernst, s.file_name AS bestand, f.row_number AS rij,
               f.column_name AS kolom, f.message AS melding, f.figures
        FROM finding f LEFT JOIN source s USING (source_id)
        WHERE (?::VARCHAR IS NULL OR f.code = ?) AND (?::VARCHAR IS NULL OR f.severity = ?)
          AND (?::INTEGER IS NULL OR f.source_id = ?)
        ORDER BY f.finding_id"""
    params: list[Any] = [code, code, severity, severity, source_id, source_id]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = [(i, c, title_nl(c), SEVERITY_NL.get(e, e), b, r, k, finding_text(c, fig, m))
            for i, c, e, b, r, k, m, fig in con.execute(sql, params).fetchall()]
    return Result(["id", "code", "titel", "ernst", "bestand", "rij", "kolom", "melding"], rows, "Bevindingen")


def findings_summary(con: duckdb.DuckDBPyConnection) -> Result:
    from .findings_nl import SEVERITY_NL, title_nl

    res = query_result(con, """
        SELECT code, severity AS ernst, count(*) AS bevindingen,
               sum(coalesce(json_extract(figures, '$.occurrences')::INTEGER, 1)) AS voorkomens
        FROM finding GROUP BY ALL ORDER BY voorkomens DESC, code""", [], "Bevindingen per code")
    rows = [(r[0], title_nl(r[0]), SEVERITY_NL.get(r[1], r[1]), *r[2:]) for r in res.rows]
    return res.with_rows(rows, ["code", "titel", "ernst", "bevindingen", "voorkomens"])


def lines(con: duckdb.DuckDBPyConnection, *, hoofdstuk: str | None = None, artikel: str | None = None,
          jaar: int | None = None, fase: str | None = None, vuo: str | None = None,
          begrotingsjaar: int | None = None, include_totals: bool = True, limit: int | None = None) -> Result:
    if fase is not None and fase.upper() not in FASES:
        raise UsageError(f"onbekende fase {fase!r}", expected=", ".join(FASES))
    if vuo is not None:
        check_vuo(vuo)
    sql = """
        SELECT l.line_id AS regel, l.begrotingsjaar, l.hoofdstuk, l.artikel, l.artikelonderdeel,
               l.instrument, coalesce(l.regeling, '') || CASE WHEN l.detail IS NOT NULL THEN ' / ' || l.detail
                   ELSE '' END AS regeling, l.vuo, l.is_total AS totaal, a.moment_jaar, a.fase, a.measure AS soort,
               a.mutatie_soort, a.jaar, a.value_k AS bedrag_x1000, s.file_name AS bron, a.source_row AS rij,
               a.source_column AS kolom
        FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
        WHERE l.duplicate_of IS NULL
          AND (?::VARCHAR IS NULL OR l.hoofdstuk = upper(?)) AND (?::VARCHAR IS NULL OR l.artikel = ?)
          AND (?::INTEGER IS NULL OR a.jaar = ?) AND (?::VARCHAR IS NULL OR a.fase = upper(?))
          AND (?::VARCHAR IS NULL OR l.vuo = upper(?)) AND (?::INTEGER IS NULL OR l.begrotingsjaar = ?)
          AND (? OR NOT l.is_total)
        ORDER BY l.begrotingsjaar, l.hoofdstuk, try_cast(l.artikel AS INTEGER), l.line_id, a.moment_jaar, a.fase,
                 a.jaar"""
    params: list[Any] = [hoofdstuk, hoofdstuk, artikel, artikel, jaar, jaar, fase, fase, vuo, vuo,
                         begrotingsjaar, begrotingsjaar, include_totals]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return query_result(con, sql, params, "Begrotingsregels", "x € 1.000")


def coverage(con: duckdb.DuckDBPyConnection) -> Result:
    return query_result(con, """
        SELECT s.kind AS soort, l.begrotingsjaar, string_agg(DISTINCT a.fase, ', ' ORDER BY a.fase) AS momenten,
               count(DISTINCT l.hoofdstuk) AS hoofdstukken, count(DISTINCT l.line_id) AS regels,
               count(*) AS bedragen, min(a.jaar) AS van_jaar, max(a.jaar) AS tot_jaar
        FROM budget_line l JOIN amount a USING (line_id) JOIN source s USING (source_id)
        WHERE l.duplicate_of IS NULL
        GROUP BY ALL ORDER BY s.kind, l.begrotingsjaar""", [], "Dekking van de geladen data")


def themes(con: duckdb.DuckDBPyConnection, *, vuo: str = "U", fase: str | None = None, jaar: int | None = None,
           moment_jaar: int | None = None, same_year: bool = False) -> Result:
    """Totals per theme, year and budget moment: the chosen figures (see analyze.selection) times the tag weight.

    'alle digitale thema's' counts each line once, with its largest theme weight, so it never exceeds the total.
    """
    check_vuo(vuo)
    if fase is not None and fase.upper() not in FASES:
        raise UsageError(f"onbekende fase {fase!r}", expected=", ".join(FASES))
    return query_result(con, """
        WITH f AS (
            SELECT * FROM fact WHERE vuo = upper(?) AND measure IN ('stand', 'realisatie')
              AND (?::VARCHAR IS NULL OR fase = upper(?)) AND (?::INTEGER IS NULL OR jaar = ?)
              AND (?::INTEGER IS NULL OR moment_jaar = ?) AND (NOT ? OR jaar = moment_jaar)
        ), tagged AS (
            SELECT f.*, lt.theme, lt.weight FROM f JOIN line_theme lt USING (line_id) WHERE lt.counted
        ), per_theme AS (
            SELECT theme, moment_jaar, fase, jaar, sum(value_k * weight) AS bedrag, count(DISTINCT line_id) AS regels
            FROM tagged GROUP BY ALL
            UNION ALL
            SELECT 'alle digitale thema''s', moment_jaar, fase, jaar, sum(value_k * w), count(*)
            FROM (SELECT line_id, moment_jaar, fase, jaar, any_value(value_k) AS value_k, max(weight) AS w
                  FROM tagged GROUP BY line_id, moment_jaar, fase, jaar, mutatie_soort) GROUP BY ALL
        ), totals AS (
            SELECT moment_jaar, fase, jaar, sum(value_k) AS totaal FROM f WHERE NOT is_part GROUP BY ALL
        )
        SELECT p.theme AS thema, p.jaar, p.fase, p.moment_jaar AS begrotingsjaar, p.bedrag AS bedrag_x1000,
               t.totaal AS totaal_x1000, round(100 * p.bedrag / nullif(t.totaal, 0), 2) AS aandeel_pct, p.regels
        FROM per_theme p JOIN totals t USING (moment_jaar, fase, jaar)
        ORDER BY p.moment_jaar, p.fase, p.jaar, p.theme""",
                   [vuo, fase, fase, jaar, jaar, moment_jaar, moment_jaar, same_year], "Totalen per thema",
                   "x € 1.000")


def questions(con: duckdb.DuckDBPyConnection, *, status: str | None = None, document_id: int | None = None) -> Result:
    """Every question with its status, what answers it, and how many budget lines it is linked to."""
    return query_result(con, r"""
        SELECT q.document_id || ':' || q.number AS vraag, d.file_name AS document, q.status_label AS status,
               q.data_view AS beantwoord_door, q.partly_deferred AS deels_uitgesteld, q.grouped_with AS samen_met,
               (SELECT count(DISTINCT line_id) FROM link k WHERE k.document_id = q.document_id
                  AND k.question_number = q.number) AS gekoppelde_regels,
               (SELECT count(*) FROM figure f WHERE f.document_id = q.document_id
                  AND f.question_number = q.number) AS bedragen,
               left(regexp_replace(q.text, '\s+', ' ', 'g'), 90) AS vraagtekst
        FROM question q JOIN document d USING (document_id)
        WHERE (?::VARCHAR IS NULL OR q.status = ? OR q.status_label = ?) AND (?::INTEGER IS NULL OR q.document_id = ?)
        ORDER BY q.document_id, try_cast(regexp_extract(q.number, '^\d+') AS INTEGER), q.number""",
                   [status, status, status, document_id, document_id], "Kamervragen")


def question_detail(con: duckdb.DuckDBPyConnection, ref: str) -> dict[str, Any]:
    """One question: text, answer, status, references, stated figures and linked budget lines."""
    doc_part, _, number = ref.rpartition(":")
    if doc_part and not doc_part.isdigit():
        raise UsageError(f"vraagnummer {ref!r}", expected="NUMMER of DOCUMENT:NUMMER, bv. 1:8")
    params: list[Any] = [number, int(doc_part) if doc_part else None]
    rows = con.execute("""SELECT q.*, d.file_name FROM question q JOIN document d USING (document_id)
                          WHERE q.number = ? AND (?::INTEGER IS NULL OR q.document_id = ?)
                          ORDER BY q.document_id DESC""", [*params, params[1]])
    cols = [c[0] for c in rows.description]
    found = rows.fetchall()
    if not found:
        raise NotFoundError(f"geen Kamervraag {ref!r}", expected="zie 'digibudget questions'")
    q = dict(zip(cols, found[0], strict=True))
    key = [q["document_id"], q["number"]]
    q["verwijzingen"] = [dict(zip(("soort", "waarde", "deel", "tekst"), r, strict=True)) for r in con.execute(
        "SELECT kind, value, part, raw FROM reference WHERE document_id = ? AND question_number = ?", key).fetchall()]
    q["bedragen"] = [dict(zip(("id", "tekst", "euro", "circa", "toevoeging", "tabel", "omschrijving"), r,
                               strict=True)) for r in con.execute(
        """SELECT figure_id, raw, value_eur, approximate, qualifiers, table_id, label FROM figure
           WHERE document_id = ? AND question_number = ? ORDER BY figure_id""", key).fetchall()]
    q["koppelingen"] = [dict(zip(("regel", "line_key", "basis", "zekerheid", "onderbouwing", "bedrag_id"), r,
                                  strict=True)) for r in con.execute(
        """SELECT k.line_id, l.line_key, k.basis, k.confidence, k.evidence, k.figure_id FROM link k
           JOIN budget_line l USING (line_id) WHERE k.document_id = ? AND k.question_number = ?
           ORDER BY k.confidence DESC, k.line_id""", key).fetchall()]
    return q


# ---------------------------------------------------------------- one line, one source (pages and reports)


def chapter_names(con: duckdb.DuckDBPyConnection, jaar: int | None = None) -> dict[str, str]:
    """hoofdstuk -> the name to show beside the code for budget year ``jaar`` (chapters.chapter_label: the name of
    that year from the bundled table of names per year; without a year the latest), for every loaded chapter. A
    chapter the table does not know keeps the name its own source rows give (the most recent one)."""
    from .chapters import chapter_label

    rows = con.execute("""
        SELECT hoofdstuk, arg_max(hoofdstuk_naam, begrotingsjaar) FROM budget_line
        GROUP BY hoofdstuk ORDER BY hoofdstuk""").fetchall()
    out = {}
    for code, own in rows:
        name = chapter_label(str(code), jaar) or (str(own) if own else "")
        if name:
            out[str(code)] = name
    return out


def chapters(con: duckdb.DuckDBPyConnection) -> Result:
    """The table of chapter names per year (chapters.chapter_table) with, per row, whether the chapter is loaded."""
    from .chapters import chapter_table

    loaded = {str(r[0]) for r in con.execute("SELECT DISTINCT hoofdstuk FROM budget_line").fetchall()}
    rows: list[tuple[Any, ...]] = [(r.hoofdstuk, r.jaar_van, r.jaar_tot, r.naam, r.hoofdstuk in loaded, r.bron,
                                    r.opmerking) for r in chapter_table()]
    return Result(["hoofdstuk", "jaar_van", "jaar_tot", "naam", "geladen", "bron", "opmerking"], rows,
                  "Namen van de begrotingshoofdstukken per jaar")


def line_history(con: duckdb.DuckDBPyConnection, line_id: int) -> Result:
    """Every amount of every line with the same line key (the same budget line in other documents and moments)."""
    return query_result(con, """
        SELECT a.moment_jaar AS begrotingsjaar, a.fase, a.measure AS soort, a.mutatie_soort, a.jaar,
               a.value_k AS bedrag_x1000, l.line_id AS regel, s.source_id AS bron_id, s.file_name AS bron,
               a.source_row AS rij, a.source_column AS kolom
        FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
        WHERE l.line_key = (SELECT line_key FROM budget_line WHERE line_id = ?) AND l.duplicate_of IS NULL
        ORDER BY a.moment_jaar, list_position(?, a.fase), a.measure, a.jaar, l.line_id, a.source_row""",
                        [line_id, list(FASES)], "Geschiedenis van de regel over begrotingsmomenten", "x € 1.000")


def line_links(con: duckdb.DuckDBPyConnection, line_id: int) -> Result:
    """Parliamentary questions and stated figures linked to this line."""
    return query_result(con, """
        SELECT k.document_id || ':' || k.question_number AS vraag, q.status_label AS status, k.basis,
               k.confidence AS zekerheid, k.evidence AS onderbouwing, f.raw AS genoemd_bedrag,
               f.value_eur AS bedrag_eur, left(regexp_replace(q.text, '\\s+', ' ', 'g'), 140) AS vraagtekst
        FROM link k JOIN question q ON q.document_id = k.document_id AND q.number = k.question_number
        LEFT JOIN figure f ON f.figure_id = k.figure_id
        WHERE k.line_id = ?
        ORDER BY k.document_id, try_cast(regexp_extract(k.question_number, '^\\d+') AS INTEGER), k.figure_id""",
                   [line_id], "Gekoppelde Kamervragen en genoemde bedragen", "euro")


def source_detail(con: duckdb.DuckDBPyConnection, source_id: int) -> dict[str, Any]:
    cur = con.execute("""SELECT s.source_id, s.kind, s.file_name, s.path, s.sha256, s.size_bytes, s.url, s.title,
                                s.licence, s.loaded_at, s.rows_read, s.lines_loaded, s.amounts_loaded, r.replaced_by
                         FROM source s LEFT JOIN source_replaced r USING (source_id) WHERE s.source_id = ?""",
                      [source_id])
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    if row is None:
        raise NotFoundError(f"geen bron {source_id}", expected="een bron-id uit /bronnen")
    return dict(zip(cols, row, strict=True))


def source_row(con: duckdb.DuckDBPyConnection, source_id: int, row: int) -> Result:
    """What was read from one physical row of a source: the line and each amount with its column."""
    return query_result(con, """
        SELECT l.line_id AS regel, l.begrotingsjaar, l.hoofdstuk, l.artikel, l.artikelonderdeel, l.instrument,
               coalesce(l.regeling, '') || coalesce(' / ' || l.detail, '') AS regeling, l.vuo,
               a.moment_jaar, a.fase, a.measure AS soort, a.jaar, a.value AS bedrag, a.unit AS eenheid,
               a.source_column AS kolom, a.source_row AS rij
        FROM budget_line l JOIN amount a USING (line_id)
        WHERE l.source_id = ? AND (a.source_row = ? OR l.source_row = ?)
        ORDER BY a.source_row, a.jaar, a.fase""", [source_id, row, row], "Bron " + str(source_id) + ", rij " + str(row))


def raw_line(path: str, row: int, *, sha256: str | None = None, limit: int = 4000) -> str | None:
    """The text of physical line ``row`` (1-based) of a loaded source file, when that file is still on disk and,
    with ``sha256``, still holds the bytes that were loaded (a later download of the same file may have replaced it:
    its lines are no provenance of the earlier source).

    ``path`` comes from the source table (recorded at ingest), never from a request."""
    p = Path(path)
    if row < 1 or not p.is_file():
        return None
    if sha256 is not None and not _holds(p, sha256):
        return None
    with p.open("rb") as fh:
        for i, raw in enumerate(fh, start=1):
            if i == row:
                for enc in ("utf-8-sig", "cp1252", "latin-1"):
                    try:
                        return raw.decode(enc).rstrip("\r\n")[:limit]
                    except UnicodeDecodeError:
                        continue
            if i > row:
                break
    return None


def _holds(path: Path, sha256: str) -> bool:
    st = path.stat()
    return _digest_of(str(path), st.st_size, st.st_mtime_ns) == sha256


@functools.lru_cache(maxsize=64)
def _digest_of(path: str, size: int, mtime_ns: int) -> str | None:
    """The sha256 of a file as it is now (size and modification time in the key: a changed file is hashed again)."""
    from .filehash import sha256_of

    try:
        return sha256_of(Path(path))
    except DigibudgetError:
        return None


def source_files(con: duckdb.DuckDBPyConnection, file_names: list[str] | str) -> Result:
    """Provenance of the named files: id, sha256, URL (for 'Bron:' lines under figures and tables)."""
    file_names = [file_names] if isinstance(file_names, str) else list(file_names)
    return query_result(con, """
        SELECT source_id AS bron, file_name AS bestand, sha256, coalesce(url, '') AS url FROM source
        WHERE list_contains(?, file_name) ORDER BY source_id""", [file_names], "Bronnen")


def executors_by_line_key(con: duckdb.DuckDBPyConnection, keys: list[str] | str) -> dict[str, str]:
    """The first-ranked executor of the line with each key in the newest publication (for the transfers Sankey;
    never the line loaded last)."""
    keys = [keys] if isinstance(keys, str) else list(keys)
    rows = con.execute("""
        SELECT l.line_key, arg_min(e.name, (le.rank, -o.newness, -l.line_id)) FROM budget_line l
        JOIN (""" + SOURCE_NEWNESS_SQL + """) o USING (source_id)
        JOIN line_executor le USING (line_id) JOIN executor e USING (executor_id)
        WHERE list_contains(?, l.line_key) GROUP BY l.line_key""", [keys]).fetchall()  # noqa: S608 - constants
    return {str(k): str(n) for k, n in rows}


def latest_mutation_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest budget year with paired transfers (None when the mutation table is empty or absent)."""
    try:
        row = con.execute("""SELECT max(moment_jaar) FROM mutation
                             WHERE counted AND soort = 'overboeking' AND counterpart_id IS NOT NULL""").fetchone()
    except duckdb.CatalogException:
        return None
    return int(row[0]) if row and row[0] is not None else None
