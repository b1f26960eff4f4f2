"""What every view shares: the read-only database, the templates, and one Result rendered as HTML, JSON or CSV."""

from __future__ import annotations

import json
import threading
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
from ..labels import theme_label, themes_count, themes_sentence
from ..queries import Result
from .cache import STAMP, STAMPS, Cache
from .params import Paging, Richting


@dataclass
class Database:
    """One read-only connection to the file, opened on first use; every request gets its own cursor. ``cache``
    (web/cache.py) holds what was computed from the file the connection reads.

    Hosted (``shared`` and ``stamper`` given, cli/serve.py with setting serve_hosts_jobs): the connection is the
    serving process's read-write one, on which the writing jobs also run (digibudget.jobs); it is never closed or
    reopened here. A request's cursor reads in a transaction of its own (an MVCC snapshot: the state before a job's
    COMMIT or after it), and the stamp is ``stamper()``, a count of the jobs that ended, not the file's stamp (the
    file changes while a job writes)."""

    path: str
    memory_limit: str = "512MB"
    cache: Cache = field(default_factory=Cache)
    max_queries: int = 4  # requests that query the file at the same time (setting serve_max_queries)
    shared: duckdb.DuckDBPyConnection | None = None
    stamper: Callable[[], store.FileStamp] | None = None
    _con: duckdb.DuckDBPyConnection | None = None
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _active: int = 0
    _con_stamp: store.FileStamp | None = None
    _cursor_stamps: dict[int, store.FileStamp | None] = field(default_factory=dict)
    _slots: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        # Requests that need the database wait for one of max_queries slots. Answers from the response cache need
        # none. Without the bound, right after a job swaps in a new file (empty caches) every connection asked an
        # uncached query at once, and the connection's memory_limit was shared by all of them (bench/NOTES.md).
        # DuckDB already spreads one query over the cores, so more at once does not answer sooner.
        self._slots = threading.BoundedSemaphore(max(1, int(self.max_queries)))

    def slot(self) -> None:
        """Wait for a query slot (give it back with ``release_slot``); a request holds one for its whole life."""
        self._slots.acquire()

    def release_slot(self) -> None:
        self._slots.release()

    def memo(self, key: str, con: duckdb.DuckDBPyConnection, compute: Callable[[], Result]) -> Result:
        """A query result by its parameters (the whole result: paging is applied to it afterwards, so the key has
        none), kept while the file ``con`` reads is the current one (Cache.result)."""
        return self.cache.result(key, self.stamp_of(con), compute)

    def cached(self, name: str, con: duckdb.DuckDBPyConnection, compute: Callable[[], Any]) -> Any:
        """A small derived value (the moment selector, chapter names), by the same rule as ``memo``."""
        return self.cache.value(name, self.stamp_of(con), compute)

    def stamp_of(self, con: duckdb.DuckDBPyConnection) -> store.FileStamp | None:
        """The stamp of the file a cursor of this database reads (None for a cursor not made by ``cursor``)."""
        with self._lock:
            return self._cursor_stamps.get(id(con))

    def current_stamp(self) -> store.FileStamp | None:
        """The stamp as a request arrives: the file's, or in hosted mode the count of jobs that ended."""
        return self.stamper() if self.stamper is not None else store.file_stamp(self.path)

    def _hosted_cursor(self, shared: duckdb.DuckDBPyConnection, stamp: store.FileStamp | None
                       ) -> duckdb.DuckDBPyConnection:
        """A cursor of the shared connection in a transaction of its own. The stamp was read before the snapshot
        is taken (the request's first query), and a job's count goes up only after its COMMIT, so what a cursor
        reads is never older than its stamp says; the cache moves forward only."""
        if stamp is None:
            stamp = self.current_stamp()
        with self._lock:
            if stamp is not None and (self.cache.stamp is None or stamp > self.cache.stamp):
                self.cache.reset(stamp)
            self._active += 1
            cur = shared.cursor()
            self._cursor_stamps[id(cur)] = stamp
        try:
            cur.execute("BEGIN TRANSACTION")
        except BaseException:
            self.release(cur)
            raise
        return cur

    def cursor(self, stamp: store.FileStamp | None = None) -> duckdb.DuckDBPyConnection:
        """A cursor on the current file; give it back with `release`. ``stamp`` is the file's stamp as the request
        arrived (web/cache.ResponseCache looks once per request); without it the file is looked at here. When a
        writing job has swapped in a new file (store.writing), the requests under way finish on the old one, then
        the connection is reopened on the new file and the cache moves to it: a reader sees the state before or
        after a job, never half of it. (DuckDB shares one open instance per path within a process, so the old
        connection must be closed before the new one opens.)"""
        if self.shared is not None:
            return self._hosted_cursor(self.shared, stamp)
        if stamp is None:
            stamp = store.file_stamp(self.path)
        with self._lock:
            if self._con is not None and stamp != self._con_stamp \
                    and store.file_stamp(self.path) != self._con_stamp:  # (a request that arrived before the swap)
                if not self._lock.wait_for(lambda: self._active == 0, timeout=60):
                    raise UsageError("de database wordt vervangen; probeer het zo opnieuw")
                self._con.close()
                self._con = None
            if self._con is None:
                opened = store.file_stamp(self.path)  # the file this connection really opens
                self._con = store.connect(self.path, read_only=True)
                self._con.execute("SET memory_limit = ?", [self.memory_limit])
                self._con_stamp = opened
                self.cache.reset(opened)
            self._active += 1
            cur = self._con.cursor()
            self._cursor_stamps[id(cur)] = self._con_stamp
            return cur

    def release(self, cur: duckdb.DuckDBPyConnection) -> None:
        cur.close()  # (a hosted cursor's read transaction ends with it)
        with self._lock:
            self._cursor_stamps.pop(id(cur), None)
            self._active -= 1
            self._lock.notify_all()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None


def get_con(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    db: Database = request.app.state.db
    db.slot()
    try:
        cur = db.cursor(request.scope.get(STAMP))
    except BaseException:
        db.release_slot()
        raise
    seen = request.scope.get(STAMPS)
    if isinstance(seen, list):
        seen.append(db.stamp_of(cur))
    try:
        yield cur
    finally:
        db.release(cur)
        db.release_slot()


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
            raise UsageError(f"onbekende sorteerkolom {p.sorteer!r}", expected=", ".join(result.columns))
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
    env.globals["theme_label"] = theme_label  # a theme id as its Dutch label (digibudget.labels)
    env.globals["header"] = column_header
    env.globals["themes_count"] = themes_count  # the themes from themes.toml, not prose in a page
    env.globals["themes_sentence"] = themes_sentence
    from .chart_text import describe

    env.globals["chart_text"] = describe  # the text alternative of a chart
    return env


def column_header(column: str, coverage: Any = None) -> str:
    """A column name as a reader sees it: words, not snake_case; the t-1 column with its year ('2016 (t-1)')."""
    if column == "t_min_1":
        year = getattr(coverage, "vorig_jaar", None)
        return f"{year} (t-1)" if year is not None else "t-1"
    return _WORDS.get(column, column.replace("_", " "))


# columns whose name is a code, not a word a reader knows
_WORDS = {"vuo": "V/U/O", "juridisch_verplicht_pct_artikel": "juridisch verplicht (% van het artikel)",
          "regel_ids": "regel-ids"}


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
        context["names"] = _chapter_names(request.app.state.db, request.scope.get(STAMP))
    html = ENV.get_template(name).render(nav=NAV, current=path, **context)
    return HTMLResponse(html, status_code=status_code)


def _chapter_names(db: Database, stamp: store.FileStamp | None) -> dict[str, str]:
    try:
        cur = db.cursor(stamp)
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


def chapters(con: duckdb.DuckDBPyConnection, db: Database, jaar: int | None = None) -> dict[str, str]:
    """The ministry names beside chapter codes, as they were in budget year ``jaar`` (the latest without one)."""
    from ..queries import chapter_names

    return dict(db.cached(f"chapters {jaar}", con, lambda: chapter_names(con, jaar)))


def result_year(result: Result) -> int | None:
    """The budget year a result is about (its coverage's moment), for the chapter names of that year."""
    return result.coverage.moment_jaar if result.coverage is not None else None

