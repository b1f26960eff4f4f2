"""Wat is er veranderd: the changes between two budget moments for a selection (page, JSON) and an Atom feed per
selection, one entry per loaded moment (analyze.changes, changes_render)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...analyze import changes
from ...changes_render import selection_query, to_atom
from ..deps import JSON_OBJECT, Con, json_response, payload, render
from ..params import ArtikelQ, MomentQ, TextQ, Thema

router = APIRouter()
ThemaL = Annotated[list[Thema] | None, Query(description="Thema('s); herhaal de parameter.")]
HoofdstukL = Annotated[list[str] | None, Query(description="Hoofdstuk(ken); herhaal de parameter.",
                                               max_length=40)]
Limiet = Annotated[int, Query(ge=1, le=1000, description="Ten hoogste zoveel rijen per onderdeel.")]


def _selection(thema: list[Thema] | None, hoofdstuk: list[str] | None, artikel: str | None,
               uitvoerder: str | None) -> changes.Selection:
    chapters = tuple(h.upper() for h in hoofdstuk or () if h and h.isalnum() and len(h) <= 8)
    return changes.Selection(tuple(t.value for t in thema or ()), chapters, artikel or None, uitvoerder or None)


@router.get("/veranderingen", response_class=HTMLResponse, include_in_schema=False)
def changes_page(request: Request, con: Con, van: MomentQ = None, naar: MomentQ = None, thema: ThemaL = None,
                 hoofdstuk: HoofdstukL = None, artikel: ArtikelQ = None, uitvoerder: TextQ = None,
                 limiet: Limiet = 25) -> HTMLResponse:
    sel = _selection(thema, hoofdstuk, artikel, uitvoerder)
    report = changes.changes(con, van=van or None, naar=naar or None, selection=sel, limit=limiet)
    moments = [f"{m[0]}-{m[1]}" for m in reversed(changes.loaded_moments(con))]
    query = selection_query(sel)
    return render("changes.html", request, report=report, moments=moments, themes=list(Thema),
                  selected=set(sel.themes), hoofdstuk=" ".join(sel.hoofdstukken), artikel=artikel or "",
                  uitvoerder=uitvoerder or "", van=f"{report.van[0]}-{report.van[1]}",
                  naar=f"{report.naar[0]}-{report.naar[1]}", feed="/feed.atom" + (f"?{query}" if query else ""))


@router.get("/api/veranderingen", responses=JSON_OBJECT,
            summary="Wat is er veranderd tussen twee begrotingsmomenten voor een selectie")
def changes_json(con: Con, van: MomentQ = None, naar: MomentQ = None, thema: ThemaL = None,
                 hoofdstuk: HoofdstukL = None, artikel: ArtikelQ = None, uitvoerder: TextQ = None,
                 limiet: Limiet = 25) -> Response:
    sel = _selection(thema, hoofdstuk, artikel, uitvoerder)
    report = changes.changes(con, van=van or None, naar=naar or None, selection=sel, limit=limiet)
    return json_response({"titel": report.title, "van": f"{report.van[0]}-{report.van[1]}",
                          "naar": f"{report.naar[0]}-{report.naar[1]}", "selectie": sel.label(),
                          "onderdelen": [payload(s) for s in report.sections]})


@router.get("/feed.atom", responses={200: {"content": {"application/atom+xml": {}}}},
            summary="Atom-feed: per geladen begrotingsmoment wat er veranderde, voor een selectie")
def changes_feed(request: Request, con: Con, thema: ThemaL = None, hoofdstuk: HoofdstukL = None,
                 artikel: ArtikelQ = None, uitvoerder: TextQ = None) -> Response:
    sel = _selection(thema, hoofdstuk, artikel, uitvoerder)
    base = str(request.base_url).rstrip("/")
    return Response(to_atom(changes.feed_reports(con, sel), sel, base), media_type="application/atom+xml")
