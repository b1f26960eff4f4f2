"""Overlap (seed question 28): per theme the spread over ministries and executors with the HHI, executors funded
from several chapters, and near-identical descriptions in different ministries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...analyze import overlap
from ..deps import (
    CSV_TABLE,
    JSON_TABLE,
    Con,
    chapters,
    csv_response,
    json_response,
    moment_options,
    payload,
    render,
    result_year,
)
from ..params import CsvFormaat, CsvFormaatQ, Dimensie, JaarQ, MomentQ, Thema

router = APIRouter()
ThemaQ = Annotated[Thema | None, Query(description="Alleen dit thema.")]
Drempel = Annotated[float, Query(ge=0.5, le=1.0, description="Gelijkenis (Jaro-Winkler) voor bijna-dubbelen.")]
MinHoofdstukken = Annotated[int, Query(ge=2, le=50, description="Minimaal aantal hoofdstukken.")]


@router.get("/overlap", response_class=HTMLResponse, include_in_schema=False)
def overlap_page(request: Request, con: Con, moment: MomentQ = None, jaar: JaarQ = None, thema: ThemaQ = None,
                 drempel: Drempel = 0.9) -> HTMLResponse:
    from .. import charts

    t = thema.value if thema else None
    conc = overlap.concentration(con, moment=moment, jaar=jaar, theme=t)
    return render("overlap.html", request, concentration=conc, figure=charts.hhi_bars(conc),
                  ministries=overlap.spread(con, "hoofdstuk", moment=moment, jaar=jaar, theme=t),
                  executors=overlap.spread(con, "uitvoerder", moment=moment, jaar=jaar, theme=t),
                  multi=overlap.multi_funded_executors(con), duplicates=overlap.near_duplicates(con, threshold=drempel),
                  moments=moment_options(con, request.app.state.db), moment=moment or "", jaar=jaar,
                  thema=t or "", themes=list(Thema), drempel=drempel,
                  names=chapters(con, request.app.state.db, result_year(conc)))  # the moment's names


@router.get("/api/overlap", responses=JSON_TABLE, summary="Concentratie (HHI) per thema en dimensie")
def concentration_json(con: Con, moment: MomentQ = None, jaar: JaarQ = None, thema: ThemaQ = None) -> Response:
    return json_response(payload(overlap.concentration(con, moment=moment, jaar=jaar,
                                                       theme=thema.value if thema else None)))


@router.get("/api/overlap.csv", responses=CSV_TABLE, summary="Concentratie (HHI) als CSV")
def concentration_csv(con: Con, moment: MomentQ = None, jaar: JaarQ = None, thema: ThemaQ = None,
                      formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat,
                        overlap.concentration(con, moment=moment, jaar=jaar, theme=thema.value if thema else None),
                        "overlap")


@router.get("/api/overlap/spreiding", responses=JSON_TABLE, summary="Verdeling per hoofdstuk/artikel/instrument/"
            "uitvoerder per thema")
def spread_json(con: Con, dimensie: Dimensie = Dimensie.hoofdstuk, moment: MomentQ = None, jaar: JaarQ = None,
                thema: ThemaQ = None) -> Response:
    return json_response(payload(overlap.spread(con, dimensie.value, moment=moment, jaar=jaar,
                                                theme=thema.value if thema else None)))


@router.get("/api/overlap/spreiding.csv", responses=CSV_TABLE, summary="Verdeling per dimensie als CSV")
def spread_csv(con: Con, dimensie: Dimensie = Dimensie.hoofdstuk, moment: MomentQ = None, jaar: JaarQ = None,
               thema: ThemaQ = None, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, overlap.spread(con, dimensie.value, moment=moment, jaar=jaar,
                                       theme=thema.value if thema else None), f"spreiding_{dimensie.value}")


@router.get("/api/overlap/uitvoerders", responses=JSON_TABLE, summary="Uitvoerders uit meerdere hoofdstukken")
def multi_json(con: Con, min_hoofdstukken: MinHoofdstukken = 2) -> Response:
    return json_response(payload(overlap.multi_funded_executors(con, min_chapters=min_hoofdstukken)))


@router.get("/api/overlap/uitvoerders.csv", responses=CSV_TABLE, summary="Uitvoerders uit meerdere hoofdstukken, CSV")
def multi_csv(con: Con, min_hoofdstukken: MinHoofdstukken = 2, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, overlap.multi_funded_executors(con, min_chapters=min_hoofdstukken), "uitvoerders")


@router.get("/api/overlap/dubbelen", responses=JSON_TABLE, summary="Bijna gelijke omschrijvingen tussen ministeries")
def duplicates_json(con: Con, drempel: Drempel = 0.9) -> Response:
    return json_response(payload(overlap.near_duplicates(con, threshold=drempel)))


@router.get("/api/overlap/dubbelen.csv", responses=CSV_TABLE, summary="Bijna gelijke omschrijvingen als CSV")
def duplicates_csv(con: Con, drempel: Drempel = 0.9, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, overlap.near_duplicates(con, threshold=drempel), "dubbelen")
