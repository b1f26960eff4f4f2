"""Links out and links to answers: Kamerstuk citations to their official publication, the origin URL a source
holds in its rows, and the filtered table that answers a question."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import duckdb

from ..vocab import Moment

OFFICIAL = "https://zoek.officielebekendmakingen.nl/"
_KST = re.compile(r"^kst-\d{4,6}(-[A-Z0-9]{1,6})?-\d{1,5}$")
_URL = re.compile(r"https?://[^\s()<>\"']+")
_YEARS = re.compile(r"\b(20\d\d|19\d\d)\s*(?:t/m|tot en met|-|–)\s*(20\d\d|19\d\d)\b")


def kamerstuk_url(value: str) -> str | None:
    """'kst-36915-VII-2' -> https://zoek.officielebekendmakingen.nl/kst-36915-VII-2.html (the official
    publication of Kamerstuk 36 915 VII, nr. 2); None for anything else."""
    return f"{OFFICIAL}{value}.html" if _KST.match(value) else None


def first_url(text: str | None) -> str | None:
    """The first http(s) URL in a text ('https://www.rijksfinancien.nl/... (tabel ..., regel 1)')."""
    m = _URL.search(text or "")
    return m.group(0).rstrip(".,;") if m else None


def source_origin(con: duckdb.DuckDBPyConnection, source_id: int, row: int | None = None) -> list[str]:
    """The origin URLs the rows of a source hold (source_ref), for the given row first; at most five."""
    found = con.execute("""
        SELECT source_ref FROM budget_line WHERE source_id = ? AND source_ref LIKE 'http%'
        ORDER BY (source_row = ?) DESC, source_row LIMIT 200""", [source_id, row or -1]).fetchall()
    urls: list[str] = []
    for (ref,) in found:
        url = first_url(ref)
        if url and url not in urls:
            urls.append(url)
    return urls[:5]


def _moment_for(con: duckdb.DuckDBPyConnection, last_year: int | None) -> str | None:
    """The latest budget moment with digital lines whose budget year is not after ``last_year``."""
    rows = con.execute("""
        SELECT DISTINCT f.moment_jaar, f.fase FROM fact f JOIN line_theme lt USING (line_id)
        WHERE lt.counted AND (?::INTEGER IS NULL OR f.moment_jaar <= ?)""", [last_year, last_year]).fetchall()
    if not rows:
        return None
    return str(max((Moment(int(r[0]), str(r[1])) for r in rows), key=Moment.cycle_key))


def answer_links(con: duckdb.DuckDBPyConnection, q: dict[str, Any], view: tuple[str, str] | None
                 ) -> list[tuple[str, str]]:
    """(href, label) of the views that answer a question: the view filtered by the years the question asks for
    (and the moment that holds them), then one link per budget chapter the question names."""
    if view is None:
        return []
    path, label = view
    params: dict[str, Any] = {}
    m = _YEARS.search(str(q.get("text") or ""))
    if path == "/tabel" and m:
        van, tot = int(m.group(1)), int(m.group(2))
        params = {"moment": _moment_for(con, tot), "van": van, "tot": tot}
    years = f", {params['van']}-{params['tot']}" if params else ""
    links = [(path + ("?" + urlencode({k: v for k, v in params.items() if v}) if params else ""), label + years)]
    if path == "/tabel":
        chapters = con.execute("""
            SELECT DISTINCT hoofdstuk FROM reference WHERE document_id = ? AND question_number = ?
              AND hoofdstuk IS NOT NULL ORDER BY hoofdstuk""", [q.get("document_id"), q.get("number")]).fetchall()
        for (h,) in chapters:
            links.append((path + "?" + urlencode({**{k: v for k, v in params.items() if v}, "hoofdstuk": h,
                                                  "niveau": "artikel"}), f"{label}, hoofdstuk {h} per artikel"))
    return links
