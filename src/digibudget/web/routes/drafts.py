"""Conceptantwoord: paste or upload a list of factual questions and get figure-backed draft answers
(parliament.draft). Nothing is stored: the database stays read-only and the document is parsed in memory."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import DocumentError, Location
from ...parliament.draft import Draft, draft_document
from ...parliament.parse import parse_bytes, parse_text
from ..deps import Con, json_response, plain, render

router = APIRouter()
MAX_BYTES = 5 << 20  # a list of questions is a few hundred kB at most


async def _document_of(request: Request) -> tuple[Any, str]:
    data = await request.body()
    if len(data) > MAX_BYTES:
        raise DocumentError(f"het document is groter dan {MAX_BYTES >> 20} MB", location=Location("upload"))
    name = unquote(request.headers.get("x-bestandsnaam", "geplakte tekst"))[:200]
    if request.headers.get("content-type", "").startswith("text/plain") and data.startswith(b"tekst="):
        text = data[len(b"tekst="):].decode("utf-8", errors="replace").replace("\r\n", "\n")
        if not text.strip():
            raise DocumentError("er is geen tekst geplakt", location=Location(name))
        return parse_text(text, name), name
    if not data.strip():
        raise DocumentError("het document is leeg", location=Location(name))
    return parse_bytes(data, path=name), name


def _payload(d: Draft) -> dict[str, Any]:
    return {"vraag": d.number, "tekst": d.question, "status": d.status, "analyse": d.rule.analyse,
            "regel": d.rule.id, "onderbouwing": d.evidence, "antwoord": d.paragraphs,
            "bedragen": [{"euro": plain(f.value_eur), "jaar": f.jaar, "moment": f.moment, "bron": f.source}
                         for f in d.figures],
            "gepubliceerd": [r for r, _ in d.published], "ook_in_concept": d.matched, "toelichting": d.remark}


@router.get("/concept", response_class=HTMLResponse, include_in_schema=False)
def draft_form(request: Request) -> HTMLResponse:
    return render("drafts.html", request, drafts=None, document="")


@router.post("/concept", response_class=HTMLResponse, include_in_schema=False)
async def draft_page(request: Request, con: Con) -> HTMLResponse:
    doc, name = await _document_of(request)
    return render("drafts.html", request, drafts=draft_document(con, doc), document=name)


@router.post("/api/concept", include_in_schema=False, summary="Conceptantwoorden voor een lijst feitelijke vragen "
             "(de body is het document: tekst, docx, KOOP-XML of PDF)")
async def draft_json(request: Request, con: Con) -> Response:
    doc, name = await _document_of(request)
    return json_response({"document": name, "vragen": [_payload(d) for d in draft_document(con, doc)]})
