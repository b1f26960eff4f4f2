"""One search box over what a reader looks for: budget lines, articles, executors, parliamentary questions and
sources. Case- and accent-insensitive ('materiele' finds 'Materiële'); every word must occur. A simple scan of the
read-only database (no full-text extension, which would need a download), at most LIMIT results per kind."""

from __future__ import annotations

from urllib.parse import urlencode

import duckdb

from ..filters import fold
from ..queries import Result

LIMIT = 25
KINDS = {"regel": "Begrotingsregel", "artikel": "Artikel", "uitvoerder": "Uitvoerder", "vraag": "Kamervraag",
         "bron": "Bron"}

# per kind: SQL giving (title, context, key) over a 'hay' text; {where} is the word filter
_SQL = {
    "regel": """
        SELECT coalesce(l.regeling, l.detail, l.artikelonderdeel_naam, l.artikel_naam) AS titel,
               l.hoofdstuk || ' art. ' || coalesce(l.artikel, '-') || ', ' || l.vuo || ', begrotingsjaar '
                   || max(l.begrotingsjaar) AS context, arg_max(l.line_id, l.begrotingsjaar)::VARCHAR AS sleutel
        FROM budget_line l
        WHERE NOT l.is_total AND l.duplicate_of IS NULL AND {where}
        GROUP BY l.hoofdstuk, l.artikel, l.vuo, titel
        ORDER BY max(l.begrotingsjaar) DESC, titel, l.hoofdstuk, l.artikel, l.vuo LIMIT ?""",
    "artikel": """
        SELECT l.hoofdstuk || ' art. ' || l.artikel || ' ' || arg_max(l.artikel_naam, l.begrotingsjaar) AS titel,
               'begrotingsjaren ' || min(l.begrotingsjaar) || '-' || max(l.begrotingsjaar) AS context,
               l.hoofdstuk || '|' || l.artikel AS sleutel
        FROM budget_line l WHERE l.artikel IS NOT NULL AND {where}
        GROUP BY l.hoofdstuk, l.artikel ORDER BY l.hoofdstuk, l.artikel LIMIT ?""",
    "uitvoerder": """
        SELECT e.name AS titel, e.type || ', ' || count(DISTINCT le.line_id) || ' regels' AS context,
               e.name AS sleutel
        FROM executor e LEFT JOIN line_executor le USING (executor_id) WHERE {where}
        GROUP BY e.name, e.type ORDER BY count(DISTINCT le.line_id) DESC, e.name LIMIT ?""",
    "vraag": """
        SELECT 'Vraag ' || q.number || ': ' || left(q.text, 160) AS titel, q.status_label AS context,
               q.document_id || ':' || q.number AS sleutel
        FROM question q WHERE {where} ORDER BY q.document_id, try_cast(q.number AS INTEGER), q.number LIMIT ?""",
    "bron": """
        SELECT s.file_name AS titel, coalesce(s.title, s.kind) AS context, s.source_id::VARCHAR AS sleutel
        FROM source s WHERE {where} ORDER BY s.source_id LIMIT ?""",
}
_HAY = {
    "regel": "concat_ws(' ', l.regeling, l.detail, l.artikelonderdeel_naam, l.artikel_naam, l.instrument, "
             "l.hoofdstuk_naam)",
    "artikel": "concat_ws(' ', l.artikel_naam, l.hoofdstuk || ' art. ' || l.artikel)",
    "uitvoerder": "e.name",
    "vraag": "concat_ws(' ', q.text, q.answer_text)",
    "bron": "concat_ws(' ', s.file_name, s.title, s.url, s.kind)",
}


def _link(kind: str, key: str) -> str:
    if kind == "regel":
        return f"/regel/{key}"
    if kind == "artikel":
        hoofdstuk, artikel = key.split("|", 1)
        return "/tabel?" + urlencode({"niveau": "artikel", "hoofdstuk": hoofdstuk, "artikel": artikel})
    if kind == "uitvoerder":
        return "/tabel?" + urlencode({"uitvoerder": key})
    if kind == "vraag":
        return f"/kamervragen/{key}"
    return f"/bron/{key}"


def search(con: duckdb.DuckDBPyConnection, text: str, limit: int = LIMIT) -> Result:
    """Everything whose words contain every word of ``text`` (folded: no case, no accents), per kind."""
    words = [w for w in fold(text).split() if w][:8]
    rows: list[tuple[str, str, str, str]] = []
    if words:
        for kind, sql in _SQL.items():
            hay = f"strip_accents(lower({_HAY[kind]}))"
            where = " AND ".join(f"contains({hay}, ?)" for _ in words)
            for title, context, key in con.execute(sql.format(where=where), [*words, limit]).fetchall():
                rows.append((KINDS[kind], str(title or ""), str(context or ""), _link(kind, str(key))))
    return Result(["soort", "titel", "context", "link"], rows, f"Zoekresultaten voor '{text}'")
