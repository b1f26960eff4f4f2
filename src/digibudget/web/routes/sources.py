"""Bronnen: every loaded source with its checksum and URL; one source with a chosen row as read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from ... import queries
from ...errors import NotFoundError
from ...queries import Result
from ...queries import sources as sources_query
from .. import links
from ..deps import (
    CSV_TABLE,
    JSON_OBJECT,
    JSON_TABLE,
    NOT_FOUND,
    Con,
    csv_response,
    json_response,
    payload,
    plain,
    render,
)
from ..params import CsvFormaat, CsvFormaatQ
from ..search import search

router = APIRouter()
SourceId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Bron-id, zie /api/bronnen.")]
RowQ = Annotated[int | None, Query(ge=1, le=100_000_000, description="Fysieke rij in het bronbestand (vanaf 1).")]


def source_view(con: Con, source_id: int, rij: int | None) -> tuple[dict[str, Any], Result | None, str | None]:
    src = queries.source_detail(con, source_id)
    if rij is None:
        return src, None, None
    row = queries.source_row(con, source_id, rij)
    raw = queries.raw_line(str(src["path"]), rij, sha256=str(src["sha256"]))
    if not row.rows and raw is None:  # a row the file does not have (nor anything read from it): 404, not 'no rows'
        if src.get("replaced_by") is not None:
            raise NotFoundError(f"bron {source_id} is vervangen door een latere versie van hetzelfde bestand (bron "
                                f"{src['replaced_by']}); haar rijen staan niet meer in de database",
                                expected=f"dezelfde rij in bron {src['replaced_by']}")
        raise NotFoundError(f"bron {source_id} heeft geen rij {rij}",
                            expected="een rijnummer dat het bronbestand heeft")
    return src, row, raw


SearchQ = Annotated[str, Query(min_length=0, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$",
                               description="Zoekwoorden (hoofdletters en accenten maken niet uit).")]


@router.get("/zoeken", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, con: Con, q: SearchQ = "") -> HTMLResponse:
    return render("search.html", request, q=q, result=search(con, q) if q.strip() else None)


@router.get("/api/zoeken", responses=JSON_TABLE, summary="Zoeken in regels, artikelen, uitvoerders, Kamervragen en "
            "bronnen")
def search_json(con: Con, q: SearchQ = "") -> Response:
    return json_response(payload(search(con, q)))


@router.get("/bronnen", response_class=HTMLResponse, include_in_schema=False)
def sources_page(request: Request, con: Con) -> HTMLResponse:
    return render("sources.html", request, result=sources_query(con), chapters=queries.chapters(con))


@router.get("/api/bronnen", responses=JSON_TABLE, summary="Geladen bronnen met sha256 en URL")
def sources_json(con: Con) -> Response:
    return json_response(payload(sources_query(con)))


@router.get("/api/bronnen.csv", responses=CSV_TABLE, summary="Geladen bronnen als CSV")
def sources_csv(con: Con, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, sources_query(con), "bronnen")


@router.get("/bron/{source_id}", response_class=HTMLResponse, include_in_schema=False)
def source_page(request: Request, con: Con, source_id: SourceId, rij: RowQ = None) -> HTMLResponse:
    src, row, raw = source_view(con, source_id, rij)
    return render("source.html", request, src=src, row=row, raw=raw, rij=rij,
                  origins=links.source_origin(con, source_id, rij))


# the .csv route first: /api/x/{id} would otherwise take '{id}.csv' as an (invalid) id
@router.get("/api/bron/{source_id}.csv", responses={**CSV_TABLE, **NOT_FOUND},
            summary="Wat uit een rij van een bron is gelezen, als CSV")
def source_csv(con: Con, source_id: SourceId, rij: RowQ = None, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    src, row, _ = source_view(con, source_id, rij or 1)
    assert row is not None
    return csv_response(formaat, row, f"bron_{src['source_id']}_rij_{rij or 1}")


@router.get("/api/bron/{source_id}", responses={**JSON_OBJECT, **NOT_FOUND},
            summary="Eén bron: bestand, sha256, URL; met rij= ook wat uit die rij is gelezen")
def source_json(con: Con, source_id: SourceId, rij: RowQ = None) -> Response:
    src, row, raw = source_view(con, source_id, rij)
    src = {k: plain(v) for k, v in src.items() if k != "path"}  # the server's file system stays private
    return json_response({"bron": src, "rij": rij, "tekst": raw, "gelezen": payload(row) if row else None})


@router.get("/api/hoofdstukken", responses=JSON_TABLE, summary="Namen van de begrotingshoofdstukken per jaar, met bron")
def chapters_json(con: Con) -> Response:
    return json_response(payload(queries.chapters(con)))


@router.get("/api/hoofdstukken.csv", responses=CSV_TABLE, summary="Hoofdstuknamen per jaar als CSV")
def chapters_csv(con: Con, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, queries.chapters(con), "hoofdstukken")
