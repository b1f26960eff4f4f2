"""Integrale tabel (seed question 8): filters, sorting and paging on the server; downloads of the whole filtered
result as CSV, Excel or Parquet (no row caps)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...analyze.integral import integral_table
from ...filters import canonical_chapter, canonical_instrument
from ...queries import Result, findings, sources
from .. import answers
from ..deps import (
    CSV_TABLE,
    JSON_TABLE,
    Con,
    Database,
    chapters,
    csv_response,
    json_response,
    moment_options,
    payload,
    render,
    request_params,
    result_year,
    sort_and_page,
)
from ..params import VUO, CsvFormaat, CsvFormaatQ, Niveau, Paging, TableFilter, Thema, paging, table_filter

router = APIRouter()
Filter = Annotated[TableFilter, Depends(table_filter)]
Page = Annotated[Paging, Depends(paging)]
PAGE_SIZE = 50
MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "parquet": "application/vnd.apache.parquet"}


def table_result(con: Con, f: TableFilter, db: Database | None = None) -> Result:
    def compute() -> Result:
        # filters match case- and accent-insensitively ('subsidies' is 'Subsidies', 'vii' is 'VII')
        return integral_table(con, moment=f.moment, themes=[t.value for t in f.thema] or None,
                                     jaar_van=f.van, jaar_tot=f.tot, niveau=f.niveau,
                                     hoofdstuk=canonical_chapter(f.hoofdstuk), artikel=f.artikel,
                                     instrument=canonical_instrument(con, f.instrument), uitvoerder=f.uitvoerder,
                                     vuo=f.vuo.value if f.vuo else None)

    return db.memo("tabel " + repr(f), con, compute) if db is not None else compute()


@router.get("/tabel", response_class=HTMLResponse, include_in_schema=False)
def table_page(request: Request, con: Con, f: Filter, p: Page) -> HTMLResponse:
    p = Paging(p.sorteer, p.richting, p.pagina, p.per_pagina or PAGE_SIZE)
    full = table_result(con, f, request.app.state.db)
    page, total = sort_and_page(full, p)
    per = p.per_pagina or PAGE_SIZE
    names = chapters(con, request.app.state.db, result_year(full))  # the names of the moment's year
    result = answers.amounts_first(page)
    return render("table.html", request, result=result, total=total, paging=p,
                  shown=answers.shown_first(result) if f.niveau == "regel" else [],
                  pages=max(1, -(-total // per)), f=f, moment=f.moment or "", themes=list(Thema),
                  levels=list(Niveau), vuos=list(VUO), moments=moment_options(con, request.app.state.db), names=names,
                  per_theme=answers.totals(full, "thema", "Totaal per thema (hele selectie)"),
                  per_ministry=answers.totals(full, "hoofdstuk", "Totaal per ministerie (hele selectie)"),
                  params=request_params(request))


@router.get("/api/tabel", responses=JSON_TABLE, summary="De integrale tabel (vraag 8), gefilterd, gesorteerd, "
            "optioneel gepagineerd")
def table_json(request: Request, con: Con, f: Filter, p: Page) -> Response:
    page, total = sort_and_page(table_result(con, f, request.app.state.db), p)
    return json_response(payload(page, totaal_rijen=total, pagina=p.pagina, per_pagina=p.per_pagina))


@router.get("/api/tabel.csv", responses=CSV_TABLE, summary="De integrale tabel als CSV (dezelfde rijen als JSON)")
def table_csv(request: Request, con: Con, f: Filter, p: Page, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, sort_and_page(table_result(con, f, request.app.state.db), p)[0], "integrale_tabel")


def _export(con: Con, result: Result, fmt: str) -> Response:
    """Write the whole result with export.py into a private temporary folder and send the file."""
    from ... import export

    with tempfile.TemporaryDirectory(prefix="digibudget-web-") as tmp:
        target = Path(tmp) / f"integrale_tabel.{fmt}"
        xlsx = fmt == "xlsx"  # the workbook carries Bronnen and Bevindingen sheets; parquet only the table
        export.export([result], target, fmt, title=result.title, sources=sources(con) if xlsx else None,
                      findings=findings(con) if xlsx else None)
        data = target.read_bytes()
    return Response(data, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="integrale_tabel.{fmt}"'})


BINARY: dict[int | str, dict[str, Any]] = {200: {"description": "Het hele gefilterde resultaat als bestand",
                "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in MEDIA.values()}}}


@router.get("/api/tabel.xlsx", responses=BINARY, summary="De integrale tabel als Excel (met Bronnen, Bevindingen)")
def table_xlsx(con: Con, f: Filter, p: Page) -> Response:
    return _export(con, sort_and_page(table_result(con, f), p)[0], "xlsx")


@router.get("/api/tabel.parquet", responses=BINARY, summary="De integrale tabel als Parquet")
def table_parquet(con: Con, f: Filter, p: Page) -> Response:
    return _export(con, sort_and_page(table_result(con, f), p)[0], "parquet")
