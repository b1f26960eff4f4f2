"""Mutaties: the path of an article from ontwerpbegroting to final stand (waterfall), and the transfers between
chapters and on to executors (Sankey of the typed 'overboeking' pairs)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from ... import queries
from ...queries import Result
from .. import charts
from ..deps import (
    CSV_TABLE,
    JSON_TABLE,
    Con,
    chapters,
    chart_number,
    csv_response,
    json_response,
    payload,
    render,
    sort_and_page,
)
from ..params import VUO, ArtikelQ, CsvFormaat, CsvFormaatQ, JaarQ, MutatieSoort, Paging, paging

router = APIRouter()
HoofdstukW = Annotated[str, Query(pattern=r"^[A-Za-z0-9]{1,8}$", description="Begrotingshoofdstuk, bv. VII.")]
Soort = Annotated[MutatieSoort | None, Query(description="Soort mutatie.")]
MAX_LINKS = 40
PAGE = 500  # rows of a JSON page when the client asks for none


def waterfall_result(con: Con, hoofdstuk: str, artikel: str | None, vuo: VUO, begrotingsjaar: int | None,
                     jaar: int | None) -> Result:
    from ...analyze.mutations import waterfall

    return waterfall(con, hoofdstuk, artikel, vuo=vuo.value, begrotingsjaar=begrotingsjaar, jaar=jaar)


def mutations_result(con: Con, hoofdstuk: str | None, artikel: str | None, soort: MutatieSoort | str | None,
                     begrotingsjaar: int | None, jaar: int | None) -> Result:
    from ...analyze.coverage import with_mutations_coverage
    from ...analyze.mutations import mutations

    result = mutations(con, hoofdstuk=hoofdstuk, artikel=artikel, soort=str(soort) if soort else None,
                       begrotingsjaar=begrotingsjaar, jaar=jaar)
    return with_mutations_coverage(con, result, begrotingsjaar=begrotingsjaar, jaar=jaar, hoofdstuk=hoofdstuk)


def transfer_links(con: Con, begrotingsjaar: int | None) -> list[tuple[str, str, float]]:
    """Giving article -> receiving article -> receiver's executor, from overboeking pairs (positive side)."""
    res = mutations_result(con, None, None, "overboeking", begrotingsjaar, None)
    rows = [dict(zip(res.columns, r, strict=True)) for r in res.rows]
    by_id = {r["id"]: r for r in rows}
    pairs = [(by_id[r["tegenboeking"]], r) for r in rows
             if r["tegenboeking"] in by_id and chart_number(r["bedrag"]) > 0 and not r["totaal"]]
    if not pairs:
        pairs = [(by_id[r["tegenboeking"]], r) for r in rows
                 if r["tegenboeking"] in by_id and chart_number(r["bedrag"]) > 0]
    execs = queries.executors_by_line_key(con, sorted({str(r["line_key"]) for _, r in pairs}))
    flows: dict[tuple[str, str], float] = defaultdict(float)
    for giver, taker in pairs:
        src = f"{giver['hoofdstuk']} art. {giver['artikel']} (van)"
        dst = f"{taker['hoofdstuk']} art. {taker['artikel']} (naar)"
        amount = chart_number(taker["bedrag"])
        flows[(src, dst)] += amount
        if str(taker["line_key"]) in execs:
            flows[(dst, execs[str(taker["line_key"])])] += amount
    top = sorted(flows.items(), key=lambda kv: -kv[1])[:MAX_LINKS]
    return [(a, b, v) for (a, b), v in top]


@router.get("/mutaties", response_class=HTMLResponse, include_in_schema=False)
def mutations_page(request: Request, con: Con, hoofdstuk: HoofdstukW = "VII", artikel: ArtikelQ = "6",
                   vuo: VUO = VUO.U, begrotingsjaar: JaarQ = None, jaar: JaarQ = None) -> HTMLResponse:
    wf = waterfall_result(con, hoofdstuk, artikel, vuo, begrotingsjaar, jaar)
    groups: list[tuple[Any, int]] = []
    for r in wf.rows:
        key = (r[wf.columns.index("bronsoort")], int(r[wf.columns.index("jaar")]))
        if key not in groups:
            groups.append(key)
    groups = sorted(groups, key=lambda g: -g[1])[:4]
    year = begrotingsjaar or queries.latest_mutation_year(con)
    links = transfer_links(con, year)
    return render("mutations.html", request, result=wf,
                  figures=[charts.waterfall(wf, str(b), y) for b, y in groups],
                  sankey=charts.sankey(links) if links else None, hoofdstuk=hoofdstuk, artikel=artikel or "",
                  vuo=vuo.value, begrotingsjaar=begrotingsjaar, jaar=jaar, mutation_year=year,
                  names=chapters(con, request.app.state.db, begrotingsjaar or year))


@router.get("/api/mutaties", responses=JSON_TABLE, summary="Getypeerde mutaties met onderbouwing en bron")
def mutations_json(request: Request, con: Con, p: Annotated[Paging, Depends(paging)],
                   hoofdstuk: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{1,8}$")] = None,
                   artikel: ArtikelQ = None, soort: Soort = None, begrotingsjaar: JaarQ = None,
                   jaar: JaarQ = None) -> Response:
    # paged like the integrated table (default PAGE rows; the CSV gives the whole result)
    full = request.app.state.db.memo(f"mutaties {hoofdstuk} {artikel} {soort} {begrotingsjaar} {jaar}", con,
                                     lambda: mutations_result(con, hoofdstuk, artikel, soort, begrotingsjaar,
                                                              jaar))
    p = Paging(p.sorteer, p.richting, p.pagina, p.per_pagina or PAGE)
    page, total = sort_and_page(full, p)
    return json_response(payload(page, totaal_rijen=total, pagina=p.pagina, per_pagina=p.per_pagina))

@router.get("/api/mutaties.csv", responses=CSV_TABLE, summary="Getypeerde mutaties als CSV")
def mutations_csv(con: Con, hoofdstuk: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{1,8}$")] = None,
                  artikel: ArtikelQ = None, soort: Soort = None, begrotingsjaar: JaarQ = None,
                  jaar: JaarQ = None, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, mutations_result(con, hoofdstuk, artikel, soort, begrotingsjaar, jaar), "mutaties")

@router.get("/api/waterval", responses=JSON_TABLE, summary="Van ontwerpbegroting naar eindstand per artikel")
def waterfall_json(con: Con, hoofdstuk: HoofdstukW, artikel: ArtikelQ = None, vuo: VUO = VUO.U,
                   begrotingsjaar: JaarQ = None, jaar: JaarQ = None) -> Response:
    return json_response(payload(waterfall_result(con, hoofdstuk, artikel, vuo, begrotingsjaar, jaar)))

@router.get("/api/waterval.csv", responses=CSV_TABLE, summary="Waterval per artikel als CSV")
def waterfall_csv(con: Con, hoofdstuk: HoofdstukW, artikel: ArtikelQ = None, vuo: VUO = VUO.U,
                  begrotingsjaar: JaarQ = None, jaar: JaarQ = None, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, waterfall_result(con, hoofdstuk, artikel, vuo, begrotingsjaar, jaar), "waterval")
