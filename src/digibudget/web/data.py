"""Read-only queries the web views need beyond queries.py and analyze/: a line's history, its source rows, its
parliamentary links, one source. Constant SQL with bound parameters only; never text from a request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from ..errors import NotFoundError
from ..queries import Result, _result


def chapter_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """hoofdstuk -> its most recent published name (e.g. 'VII' -> 'Binnenlandse Zaken en Koninkrijksrelaties')."""
    rows = con.execute("""
        SELECT hoofdstuk, arg_max(hoofdstuk_naam, begrotingsjaar) FROM budget_line
        WHERE hoofdstuk_naam IS NOT NULL GROUP BY hoofdstuk ORDER BY hoofdstuk""").fetchall()
    return {str(h): str(n) for h, n in rows}


def line_history(con: duckdb.DuckDBPyConnection, line_id: int) -> Result:
    """Every amount of every line with the same line key (the same budget line in other documents and moments)."""
    return _result(con, """
        SELECT a.moment_jaar AS begrotingsjaar, a.fase, a.measure AS soort, a.mutatie_soort, a.jaar,
               a.value_k AS bedrag_x1000, l.line_id AS regel, s.source_id AS bron_id, s.file_name AS bron,
               a.source_row AS rij, a.source_column AS kolom
        FROM budget_line l JOIN amount_k a USING (line_id) JOIN source s USING (source_id)
        WHERE l.line_key = (SELECT line_key FROM budget_line WHERE line_id = ?) AND l.duplicate_of IS NULL
        ORDER BY a.moment_jaar, list_position(['OWB', 'VB', 'O1', 'SBS', 'O2', 'JV', 'SW'], a.fase), a.measure,
                 a.jaar, l.line_id, a.source_row""", [line_id], "Geschiedenis van de regel over begrotingsmomenten",
                   "x € 1.000")


def line_links(con: duckdb.DuckDBPyConnection, line_id: int) -> Result:
    """Parliamentary questions and stated figures linked to this line."""
    return _result(con, """
        SELECT k.document_id || ':' || k.question_number AS vraag, q.status_label AS status, k.basis,
               k.confidence AS zekerheid, k.evidence AS onderbouwing, f.raw AS genoemd_bedrag,
               f.value_eur AS bedrag_eur, left(regexp_replace(q.text, '\\s+', ' ', 'g'), 140) AS vraagtekst
        FROM link k JOIN question q ON q.document_id = k.document_id AND q.number = k.question_number
        LEFT JOIN figure f ON f.figure_id = k.figure_id
        WHERE k.line_id = ?
        ORDER BY k.document_id, try_cast(regexp_extract(k.question_number, '^\\d+') AS INTEGER), k.figure_id""",
                   [line_id], "Gekoppelde Kamervragen en genoemde bedragen", "euro")


def source_detail(con: duckdb.DuckDBPyConnection, source_id: int) -> dict[str, Any]:
    cur = con.execute("""SELECT source_id, kind, file_name, path, sha256, size_bytes, url, title, licence, loaded_at,
                                rows_read, lines_loaded, amounts_loaded FROM source WHERE source_id = ?""", [source_id])
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    if row is None:
        raise NotFoundError(f"no source {source_id}", expected="a source id from /bronnen")
    return dict(zip(cols, row, strict=True))


def source_row(con: duckdb.DuckDBPyConnection, source_id: int, row: int) -> Result:
    """What was read from one physical row of a source: the line and each amount with its column."""
    return _result(con, """
        SELECT l.line_id AS regel, l.begrotingsjaar, l.hoofdstuk, l.artikel, l.artikelonderdeel, l.instrument,
               coalesce(l.regeling, '') || coalesce(' / ' || l.detail, '') AS regeling, l.vuo,
               a.moment_jaar, a.fase, a.measure AS soort, a.jaar, a.value AS bedrag, a.unit AS eenheid,
               a.source_column AS kolom, a.source_row AS rij
        FROM budget_line l JOIN amount a USING (line_id)
        WHERE l.source_id = ? AND (a.source_row = ? OR l.source_row = ?)
        ORDER BY a.source_row, a.jaar, a.fase""", [source_id, row, row], f"Bron {source_id}, rij {row}")


def raw_line(path: str, row: int, *, limit: int = 4000) -> str | None:
    """The text of physical line ``row`` (1-based) of a loaded source file, when that file is still on disk.

    ``path`` comes from the source table (recorded at ingest), never from a request."""
    p = Path(path)
    if row < 1 or not p.is_file():
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


def source_files(con: duckdb.DuckDBPyConnection, file_names: list[str]) -> Result:
    """Provenance of the named files: id, sha256, URL (for 'Bron:' lines under figures and tables)."""
    return _result(con, """
        SELECT source_id AS bron, file_name AS bestand, sha256, coalesce(url, '') AS url FROM source
        WHERE list_contains(?, file_name) ORDER BY source_id""", [file_names], "Bronnen")


def executors_by_line_key(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, str]:
    """The first-ranked executor of the most recent line with each key (for the transfers Sankey)."""
    rows = con.execute("""
        SELECT l.line_key, arg_min(e.name, (le.rank, -l.line_id)) FROM budget_line l
        JOIN line_executor le USING (line_id) JOIN executor e USING (executor_id)
        WHERE list_contains(?, l.line_key) GROUP BY l.line_key""", [keys]).fetchall()
    return {str(k): str(n) for k, n in rows}


def latest_mutation_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The latest budget year with paired transfers (None when the mutation table is empty or absent)."""
    try:
        row = con.execute("""SELECT max(moment_jaar) FROM mutation
                             WHERE counted AND soort = 'overboeking' AND counterpart_id IS NOT NULL""").fetchone()
    except duckdb.CatalogException:
        return None
    return int(row[0]) if row and row[0] is not None else None
