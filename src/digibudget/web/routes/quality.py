"""Datakwaliteit: the typed findings catalogue (counts per code) and the filterable list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...queries import Result, findings, findings_summary
from ..deps import (
    CSV_TABLE,
    JSON_TABLE,
    Con,
    csv_response,
    json_response,
    payload,
    render,
    request_params,
    sort_and_page,
)
from ..params import CsvFormaat, CsvFormaatQ, Ernst, Paging, paging

router = APIRouter()
Code = Annotated[str | None, Query(pattern=r"^[a-z0-9-]{1,60}$", description="Bevindingscode.")]
Bron = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="Alleen deze bron.")]
Page = Annotated[Paging, Depends(paging)]
PAGE_SIZE = 100


def findings_result(con: Con, code: str | None, ernst: Ernst | None, bron: int | None) -> Result:
    return findings(con, code=code, severity=ernst.value if ernst else None, source_id=bron)


@router.get("/kwaliteit", response_class=HTMLResponse, include_in_schema=False)
def quality_page(request: Request, con: Con, p: Page, code: Code = None, ernst: Ernst | None = None,
                 bron: Bron = None) -> HTMLResponse:
    p = Paging(p.sorteer, p.richting, p.pagina, p.per_pagina or PAGE_SIZE)
    page, total = sort_and_page(findings_result(con, code, ernst, bron), p)
    per = p.per_pagina or PAGE_SIZE
    return render("quality.html", request, summary=findings_summary(con), result=page, total=total, paging=p,
                  pages=max(1, -(-total // per)), code=code or "", ernst=ernst.value if ernst else "", bron=bron,
                  severities=list(Ernst), params=request_params(request))


@router.get("/api/bevindingen", responses=JSON_TABLE, summary="Bevindingen (filterbaar, optioneel gepagineerd)")
def findings_json(con: Con, p: Page, code: Code = None, ernst: Ernst | None = None, bron: Bron = None) -> Response:
    page, total = sort_and_page(findings_result(con, code, ernst, bron), p)
    return json_response(payload(page, totaal_rijen=total, pagina=p.pagina, per_pagina=p.per_pagina))


@router.get("/api/bevindingen.csv", responses=CSV_TABLE, summary="Bevindingen als CSV")
def findings_csv(con: Con, p: Page, code: Code = None, ernst: Ernst | None = None, bron: Bron = None,
                 formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, sort_and_page(findings_result(con, code, ernst, bron), p)[0], "bevindingen")


@router.get("/api/bevindingen/samenvatting", responses=JSON_TABLE, summary="Bevindingen per code")
def summary_json(con: Con) -> Response:
    return json_response(payload(findings_summary(con)))


@router.get("/api/bevindingen/samenvatting.csv", responses=CSV_TABLE, summary="Bevindingen per code als CSV")
def summary_csv(con: Con, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, findings_summary(con), "bevindingen_per_code")
