"""What every view shares: the read-only database, the templates, and one Result rendered as HTML, JSON or CSV."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from importlib import resources
from typing import Annotated, Any
from urllib.parse import urlencode

import duckdb
import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from .. import nlformat, output, store
from ..errors import UsageError
from ..queries import Result
from .params import Paging, Richting


@dataclass
class Database:
    """One read-only connection to the file, opened on first use; every request gets its own cursor."""

    path: str
    _con: duckdb.DuckDBPyConnection | None = None
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _active: int = 0
    cache: dict[str, Any] = field(default_factory=dict)
    results: OrderedDict[str, Result] = field(default_factory=OrderedDict)
    max_results: int = 256
    max_cached_rows: int = 200_000
    memory_limit: str = "512MB"
    _stamp: store.FileStamp | None = None
    _con_stamp: store.FileStamp | None = None

    _cursor_stamps: dict[int, store.FileStamp | None] = field(default_factory=dict)

    def _current(self, con: duckdb.DuckDBPyConnection) -> bool:
        """Under the lock: whether ``con`` (a cursor from ``cursor``) reads the current file, after making the
        caches that file's; False when it reads a file that has since been replaced (its results are not kept)."""
        if id(con) not in self._cursor_stamps:
            return False
        stamp = self._cursor_stamps[id(con)]
        if stamp != self._con_stamp:
            return False
        if stamp != self._stamp:
            self.results.clear()
            self.cache.clear()
            self._stamp = stamp
        return True

    def memo(self, key: str, con: duckdb.DuckDBPyConnection, compute: Callable[[], Result]) -> Result:
        """A query result by its parameters (the whole result: paging is applied to it afterwards, so the key has
        none). The database is read-only while serving, so a result stays valid until the file changes (a job
        that writes swaps in a new file: store.writing). A result is kept only under the stamp of the connection
        that computed it, and only while that connection is the current one: a request still finishing on the old
        file after a swap neither reads nor fills the new file's cache. At most `max_results`."""
        with self._lock:
            if self._current(con):
                hit = self.results.get(key)
                if hit is not None:
                    self.results.move_to_end(key)
                    return hit
        result = compute()
        with self._lock:
            if not self._current(con):
                return result
            self.results[key] = result
            while len(self.results) > self.max_results or (
                    len(self.results) > 1 and sum(len(r.rows) for r in self.results.values()) > self.max_cached_rows):
                self.results.popitem(last=False)
        return result

    def cached(self, name: str, con: duckdb.DuckDBPyConnection, compute: Callable[[], Any]) -> Any:
        """A small derived value (the moment selector, chapter names), by the same rule as ``memo``."""
        with self._lock:
            if self._current(con) and name in self.cache:
                return self.cache[name]
        value = compute()
        with self._lock:
            if self._current(con):
                self.cache[name] = value
        return value

    def stamp_of(self, con: duckdb.DuckDBPyConnection) -> store.FileStamp | None:
        """The stamp of the file a cursor of this database reads (for the response cache)."""
        with self._lock:
            return self._cursor_stamps.get(id(con))

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the current file; give it back with `release`. When a writing job has swapped in a new
        file (store.writing), the requests under way finish on the old one, then the connection is reopened on
        the new file: a reader sees the state before or after a job, never half of it. (DuckDB shares one open
        instance per path within a process, so the old connection must be closed before the new one opens.)"""
        stamp = store.file_stamp(self.path)
        with self._lock:
            if self._con is not None and stamp != self._con_stamp:
                if not self._lock.wait_for(lambda: self._active == 0, timeout=60):
                    raise UsageError("the database is being replaced; try again")
                self._con.close()
                self._con = None
            if self._con is None:
                stamp = store.file_stamp(self.path)  # the file this connection really opens
                self._con = store.connect(self.path, read_only=True)
                self._con.execute("SET memory_limit = ?", [self.memory_limit])
                self._con_stamp = stamp
            self._active += 1
            cur = self._con.cursor()
            self._cursor_stamps[id(cur)] = self._con_stamp
            return cur

    def release(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.close()
        with self._lock:
            self._cursor_stamps.pop(id(cur), None)
            self._active -= 1
            self._lock.notify_all()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


STAMPS = "digibudget.stamps"  # scope key: the stamps of the files a request's cursors read (response_cache)


def get_con(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    db: Database = request.app.state.db
    cur = db.cursor()
    seen = request.scope.get(STAMPS)
    if isinstance(seen, list):
        seen.append(db.stamp_of(cur))
    try:
        yield cur
    finally:
        db.release(cur)


# ---------------------------------------------------------------- values


def plain(v: Any) -> Any:
    """A value as JSON carries it: money (Decimal) as an exact string, dates as ISO text."""
    if isinstance(v, Decimal):
        return str(output.plain_value(v))
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


nl_number = nlformat.nl_number  # the one Dutch notation (digibudget.nlformat)
cell_text = nlformat.nl_cell


def chart_number(v: Any) -> float:
    return float(v) if isinstance(v, Decimal | int | float) and not isinstance(v, bool) else 0.0


# ---------------------------------------------------------------- one result, three formats


def sort_and_page(result: Result, p: Paging) -> tuple[Result, int]:
    """Sort on a column of the result (None last) and cut one page; returns the page and the total row count."""
    rows = result.rows
    if p.sorteer:
        if p.sorteer not in result.columns:
            raise UsageError(f"unknown sort column {p.sorteer!r}", expected=", ".join(result.columns))
        i = result.columns.index(p.sorteer)
        present = [r for r in rows if r[i] is not None]
        missing = [r for r in rows if r[i] is None]
        try:
            present.sort(key=lambda r: r[i], reverse=p.richting == Richting.af)
        except TypeError:
            present.sort(key=lambda r: str(r[i]), reverse=p.richting == Richting.af)
        rows = present + missing
    total = len(rows)
    if p.per_pagina is not None:
        start = (p.pagina - 1) * p.per_pagina
        rows = rows[start:start + p.per_pagina]
    return result.with_rows(rows), total


def payload(result: Result, **extra: Any) -> dict[str, Any]:
    """output.to_json's shape (titel, eenheid, kolommen, rijen), plus paging or context fields."""
    cov = {"dekking": result.coverage.to_dict()} if result.coverage is not None else {}
    return {"titel": result.title, "eenheid": result.unit, "kolommen": result.columns, **cov, **extra,
            "rijen": [dict(zip(result.columns, (plain(v) for v in row), strict=True)) for row in result.rows]}


def json_response(data: Any, status_code: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, default=plain), status_code=status_code,
                    media_type="application/json")


def csv_response(formaat: str, result: Result, name: str) -> Response:
    """The rows as plain CSV, or Dutch CSV for formaat 'csv-nl' (output.to_csv); the coverage, in short, in the
    X-Dekking header (the body stays plain)."""
    dutch = formaat == "csv-nl"
    headers = {"Content-Disposition": f'attachment; filename="{name}{"_nl" if dutch else ""}.csv"'}
    if result.coverage is not None:
        headers["X-Dekking"] = result.coverage.short()
    return Response(output.to_csv(result, dutch=dutch), media_type="text/csv; charset=utf-8", headers=headers)


# ---------------------------------------------------------------- pages


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("digibudget.web", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["nl"] = nl_number
    env.filters["cell"] = cell_text
    env.globals["query"] = query_string
    env.globals["zip"] = zip
    from .chart_text import describe

    env.globals["chart_text"] = describe  # the text alternative of a chart
    return env


def query_string(params: dict[str, Any], **changes: Any) -> str:
    """The current query parameters with some changed (None drops one): for sort, page and download links."""
    merged = {**params, **changes}
    return "?" + urlencode([(k, v) for k, v in merged.items() if v not in (None, "", [], ())], doseq=True)


def request_params(request: Request) -> dict[str, Any]:
    """The request's query parameters; repeated ones (thema) as lists."""
    out: dict[str, Any] = {}
    for k in request.query_params:
        values = request.query_params.getlist(k)
        out[k] = values if len(values) > 1 or k == "thema" else values[0]
    return out


ENV = _environment()

NAV = [("/", "Overzicht"), ("/tabel", "Integrale tabel"), ("/mutaties", "Mutaties"),
       ("/veranderingen", "Wat is er veranderd"), ("/overlap", "Overlap"),
       ("/kamervragen", "Kamervragen"), ("/concept", "Conceptantwoord"), ("/kwaliteit", "Datakwaliteit"),
       ("/bronnen", "Bronnen"), ("/over", "Over de cijfers")]


def render(name: str, request: Request | None = None, status_code: int = 200, **context: Any) -> HTMLResponse:
    path = request.url.path if request is not None else ""
    if request is not None and "names" not in context:  # ministry names beside chapter codes in every table
        context["names"] = _chapter_names(request.app.state.db)
    html = ENV.get_template(name).render(nav=NAV, current=path, **context)
    return HTMLResponse(html, status_code=status_code)


def _chapter_names(db: Database) -> dict[str, str]:
    try:
        cur = db.cursor()
    except (duckdb.Error, UsageError):
        return {}  # an error page while the database is unavailable
    try:
        return chapters(cur, db)
    finally:
        db.release(cur)


def static_text(name: str) -> str:
    return (resources.files("digibudget.web") / "static" / name).read_text(encoding="utf-8")


def plotly_js_path() -> Any:
    """plotly.min.js as the installed plotly package ships it (package_data); nothing from a CDN."""
    return resources.files("plotly") / "package_data" / "plotly.min.js"


Con = Annotated[duckdb.DuckDBPyConnection, Depends(get_con)]

TABLE_SCHEMA = {"type": "object", "required": ["titel", "kolommen", "rijen"],
                "properties": {"titel": {"type": "string"}, "eenheid": {"type": ["string", "null"]},
                               "kolommen": {"type": "array", "items": {"type": "string"}},
                               "dekking": {"type": "object", "description": "Wat de cijfers dekken: hoofdstukken "
                                           "(aanwezig, ontbrekend), artikelen, jaren zonder bron, bronnen, "
                                           "breed of gedeeltelijk (analyze.coverage)"},
                               "totaal_rijen": {"type": "integer"}, "pagina": {"type": "integer"},
                               "per_pagina": {"type": ["integer", "null"]},
                               "rijen": {"type": "array", "items": {"type": "object"}}}}
JSON_TABLE: dict[int | str, dict[str, Any]] = {200: {
    "description": "Tabel: titel, eenheid, kolommen en rijen; bedragen als exacte tekst",
    "content": {"application/json": {"schema": TABLE_SCHEMA}}}}
JSON_OBJECT: dict[int | str, dict[str, Any]] = {200: {
    "description": "Object", "content": {"application/json": {"schema": {"type": "object"}}}}}
CSV_TABLE: dict[int | str, dict[str, Any]] = {200: {
    "description": "Dezelfde rijen als CSV (formule-escaping van tekst)",
    "content": {"text/csv": {"schema": {"type": "string"}}}}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {
    "description": "Niet gevonden / not found",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}}}}


def moment_options(con: duckdb.DuckDBPyConnection, db: Database) -> list[tuple[str, str]]:
    """For a selector (cached: read-only): first ('', the default moment: the latest with broad coverage), then
    the budget moments with digital lines, newest first, as (value, label) with their coverage."""
    def compute() -> list[tuple[str, str]]:
        from ..analyze.coverage import broad_moments, default_moment, moment_label
        from ..analyze.moments import moments

        res = moments(con)
        broad = broad_moments(con)
        i = {c: n for n, c in enumerate(res.columns)}
        opts = []
        for r in res.rows:
            if not r[i["digitale_regels"]]:
                continue
            m = (int(r[i["begrotingsjaar"]]), str(r[i["fase"]]))
            status = "brede dekking" if m in broad else f"gedeeltelijk: {r[i['hoofdstukken']]} hoofdstuk" + \
                ("ken" if r[i["hoofdstukken"]] != 1 else "")
            opts.append((f"{m[0]}-{m[1]}", f"{moment_label(*m)} ({r[i['digitale_regels']]} digitale regels; "
                                            f"{status})"))
        default = default_moment(con)
        first = ("", "standaard: laatste met brede dekking" + (f" ({moment_label(*default)})" if default else ""))
        return [first, *reversed(opts)]

    return list(db.cached("moments", con, compute))


def chapters(con: duckdb.DuckDBPyConnection, db: Database) -> dict[str, str]:
    from ..queries import chapter_names

    return dict(db.cached("chapters", con, lambda: chapter_names(con)))


def stable(result: Result) -> Result:
    """Put the parts of the aggregated 'regel_ids' and 'bronnen' columns in order (string_agg(DISTINCT ...) in
    analyze.integral and analyze.moments has no ORDER BY), so the same data always gives the same bytes."""
    fixes = {i: c for i, c in enumerate(result.columns) if c in ("regel_ids", "bronnen")}
    if not fixes:
        return result

    def fix(c: str, v: Any) -> Any:
        if not isinstance(v, str):
            return v
        if c == "regel_ids":
            return " ".join(sorted(v.split(), key=lambda x: (len(x), x)))
        sep = "; " if ";" in v else ", "  # integral: '; ', moments: ', '
        return sep.join(sorted(p.strip() for p in v.split(sep.strip())))

    rows = [tuple(fix(fixes[i], v) if i in fixes else v for i, v in enumerate(r)) for r in result.rows]
    return result.with_rows(rows)
