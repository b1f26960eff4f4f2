"""Kamervragen: every question with its status, linked to what answers it (the integrated table for 8, the overlap
view for 28, linked budget lines and stated figures)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from ...queries import question_detail, questions
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
from ..params import CsvFormaat, CsvFormaatQ, Vraagstatus

router = APIRouter()
VIEWS = {"integral_table": ("/tabel", "Integrale tabel"), "overlap": ("/overlap", "Overlap")}
Ref = Annotated[str, Path(pattern=r"^([0-9]{1,6}:)?[0-9]{1,4}[A-Za-z]?$", description="Vraag: 8 of 1:8.")]


def _plain(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_plain(v) for v in obj]
    return plain(obj)


@router.get("/kamervragen", response_class=HTMLResponse, include_in_schema=False)
def questions_page(request: Request, con: Con, status: Vraagstatus | None = None) -> HTMLResponse:
    return render("questions.html", request, result=questions(con, status=status.value if status else None),
                  statuses=list(Vraagstatus), status=status.value if status else "", views=VIEWS)


@router.get("/api/kamervragen", responses=JSON_TABLE, summary="Kamervragen met status en wat ze beantwoordt")
def questions_json(con: Con, status: Vraagstatus | None = None) -> Response:
    return json_response(payload(questions(con, status=status.value if status else None)))


@router.get("/api/kamervragen.csv", responses=CSV_TABLE, summary="Kamervragen als CSV")
def questions_csv(con: Con, status: Vraagstatus | None = None, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, questions(con, status=status.value if status else None), "kamervragen")


@router.get("/kamervragen/{ref}", response_class=HTMLResponse, include_in_schema=False)
def question_page(request: Request, con: Con, ref: Ref) -> HTMLResponse:
    q = question_detail(con, ref)
    for v in q["verwijzingen"]:  # a Kamerstuk citation links to its official publication
        v["url"] = links.kamerstuk_url(str(v["waarde"])) if v["soort"] == "kamerstuk" else None
    view = VIEWS.get(str(q.get("data_view") or ""))
    return render("question.html", request, q=q, view=view, answers=links.answer_links(con, q, view))


@router.get("/api/kamervragen/{ref}", responses={**JSON_OBJECT, **NOT_FOUND},
            summary="Eén vraag: tekst, antwoord, status, verwijzingen, bedragen, gekoppelde regels")
def question_json(con: Con, ref: Ref) -> Response:
    return json_response(_plain(question_detail(con, ref)))
