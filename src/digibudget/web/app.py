"""The web application: dashboard pages and a JSON/CSV API over one database (read-only, or read through the
connection of a server that also runs the writing jobs: cli/serve.py, digibudget.jobs).

Library errors (DigibudgetError) are translated here, and only here, into an HTTP status and a message: JSON under
/api ('fout': the Dutch message with its label; 'error': the library's own description, for logs), an HTML page
elsewhere. Invalid parameters give 400, not FastAPI's 422.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import duckdb
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import DigibudgetError
from ..settings import load_settings
from ..store import FileStamp
from .cache import Cache, ResponseCache
from .deps import Database, json_response, plotly_js_path, render
from .messages import HTTP_NL, library_error_nl, validation_error_nl
from .routes import (
    about,
    changes,
    drafts,
    line,
    mutations,
    overlap,
    overview,
    parliament,
    quality,
    review,
    sources,
    table,
)

CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or request.url.path in ("/openapi.json", "/feed.atom")


def known_parameters(request: Request) -> None:
    """An API request with a query parameter its endpoint does not declare gets 400 naming it and the parameters the
    endpoint knows: a misspelt filter (``?jaar_van=2030`` for ``?van=2030``) must not answer silently without it.
    Pages stay lenient (a form may send more fields than the page reads)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not _wants_json(request) or not request.query_params:
        return
    # the parameters the API documents for this operation (its OpenAPI schema: the one list, computed once)
    operation = request.app.openapi()["paths"].get(route.path_format, {}).get(request.method.lower())
    if operation is None:  # (not documented, e.g. HEAD: nothing to hold the request to)
        return
    known = sorted({p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"})
    unknown = sorted(set(request.query_params) - set(known) - {"_"})  # ('_': a client's cache buster, harmless)
    if unknown:
        expected = ", ".join(known) if known else "geen parameters"
        raise RequestValidationError([{"type": "extra_forbidden", "loc": ("query", name), "msg": "Unknown parameter",
                                       "input": request.query_params[name], "ctx": {"known": expected}}
                                      for name in unknown])


def _error(request: Request, status: int, dutch: str, english: str) -> Response:
    if _wants_json(request):
        return json_response({"fout": dutch, "error": english, "status": status}, status)
    return render("error.html", request, status_code=status, status=status, dutch=dutch, english=english)


def create_app(database: str, *, write_token: str | None = None, memory_limit: str | None = None,
               shared: duckdb.DuckDBPyConnection | None = None,
               stamper: Callable[[], FileStamp] | None = None) -> FastAPI:
    """The app over the database file ``database``, opened read-only; or, when ``shared`` is given, read through
    cursors of that connection of a process that also runs the writing jobs, with ``stamper`` the state's stamp
    (web/deps.Database). Writing endpoints exist only when ``write_token`` is set, and then require it.

    Long because: the app's lifespan, state and error handlers are closures over this one app; the routes live in
    web/routes."""
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.db.close()  # the file is free again when the app stops (DuckDB keeps one instance per path)

    app = FastAPI(title="digibudget", version=__version__, lifespan=lifespan,
                  description="Digitale uitgaven van het Rijk: integrale tabel, mutaties, overlap, Kamervragen, "
                              "datakwaliteit en bronnen. Bedragen in JSON als exacte tekst (x € 1.000 tenzij "
                              "'eenheid' anders zegt); CSV met formule-escaping. Een onbekende parameter geeft "
                              "400.", docs_url=None, redoc_url=None, dependencies=[Depends(known_parameters)])
    settings = load_settings()
    app.state.db = Database(database, memory_limit=memory_limit or str(settings["serve_memory_limit"]),
                            cache=Cache(max_bytes=max(0, int(settings["serve_cache_mb"])) << 20),
                            max_queries=int(settings["serve_max_queries"]), shared=shared, stamper=stamper)
    app.state.write_token = write_token or None

    @app.exception_handler(DigibudgetError)
    async def library_error(request: Request, exc: DigibudgetError) -> Response:
        return _error(request, exc.http_status, library_error_nl(exc), exc.describe())

    @app.exception_handler(RequestValidationError)
    async def invalid_parameter(request: Request, exc: RequestValidationError) -> Response:
        parts_en = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts_en.append(f"parameter '{where}': {e.get('msg', '')}")
        return _error(request, 400, validation_error_nl(exc.errors()), "Invalid parameter: " + "; ".join(parts_en))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        dutch = HTTP_NL.get(exc.status_code, f"Fout {exc.status_code}")
        response = _error(request, exc.status_code, dutch, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(duckdb.Error)
    async def database_error(request: Request, exc: duckdb.Error) -> Response:
        return _error(request, 500, "Databasefout bij het uitvoeren van de query", "Database error")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        items = request.query_params.multi_items()
        if request.method == "GET" and not _wants_json(request) and any(v == "" for _, v in items):
            # an HTML form sends its empty fields; the page URL drops them (the API stays strict)
            clean = urlencode([(k, v) for k, v in items if v != ""])
            response: Response = RedirectResponse(request.url.path + (f"?{clean}" if clean else ""), 303)
        else:
            response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    # the one look at the file per request, and whole API responses reused while it is unchanged (web/cache.py);
    # a reused response already carries the headers set above
    app.add_middleware(ResponseCache, db=app.state.db)
    # outermost: pages, JSON and CSV compressed for a client that accepts gzip (the cache keeps plain bytes);
    # a response that is already compressed (plotly.js below) passes untouched
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js(request: Request) -> Response:
        headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", "").lower():
            return Response(plotly_js_gzip(), media_type="text/javascript",
                            headers={**headers, "Content-Encoding": "gzip"})
        return FileResponse(str(plotly_js_path()), media_type="text/javascript", headers=headers)

    app.mount("/static", StaticFiles(packages=[("digibudget.web", "static")]), name="static")
    for module in (overview, table, line, mutations, changes, overlap, parliament, drafts, quality, sources, about):
        app.include_router(module.router)
    if app.state.write_token:
        app.include_router(review.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


@functools.cache
def plotly_js_gzip() -> bytes:
    """plotly.min.js compressed once per process (about 4,8 MB to 1,4 MB), not on every request."""
    return gzip.compress(plotly_js_path().read_bytes(), compresslevel=9, mtime=0)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with our 400 in place of its 422 (we translate validation errors to 400)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    error = {"description": "Ongeldige parameter / invalid parameter",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fout"}}}}
    for item in schema.get("paths", {}).values():
        for op in item.values():
            responses = op.setdefault("responses", {})
            responses.pop("422", None)
            if op.get("parameters") or op.get("requestBody"):
                responses.setdefault("400", error)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Fout"] = {"type": "object", "required": ["fout", "error", "status"],
                          "properties": {"fout": {"type": "string"}, "error": {"type": "string"},
                                         "status": {"type": "integer"}}}
    app.openapi_schema = schema
    return schema
