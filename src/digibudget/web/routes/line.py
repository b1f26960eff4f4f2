"""Begrotingsregel: one line's history across budget moments, its mutations, its themes with evidence and rejected
false friends, its executor, its source rows and the parliamentary questions and figures linked to it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from ... import queries
from ...analyze.lineage import lineage
from ...analyze.mutations import mutations
from ...classify.explain import Explanation, explain
from ...queries import Result
from .. import charts
from ..deps import (
    CSV_TABLE,
    JSON_OBJECT,
    NOT_FOUND,
    Con,
    chapters,
    csv_response,
    json_response,
    payload,
    plain,
    render,
)
from ..params import CsvFormaat, CsvFormaatQ

router = APIRouter()
LineId = Annotated[int, Path(ge=1, le=2**62, description="Regelnummer (line_id), zie de integrale tabel.")]


def line_mutations(con: Con, line_key: str) -> Result | None:
    """The typed mutations of the line (analyze.mutations)."""
    return mutations(con, line_key=line_key)


def line_view(con: Con, line_id: int) -> tuple[Explanation, Result, Result | None, Result]:
    ex = explain(con, str(line_id))  # NotFoundError (404) for an unknown line
    return ex, queries.line_history(con, line_id), line_mutations(con, str(ex.line["line_key"])), \
        queries.line_links(con, line_id)


def line_lineage(ex: Explanation, con: Con) -> Result | None:
    """Where the line's article came from and where it continues (analyze.lineage); None without an article."""
    artikel = ex.line.get("artikel")
    return lineage(con, str(ex.line["hoofdstuk"]), str(artikel), str(ex.line["vuo"])) if artikel else None


def _themes(ex: Explanation) -> list[dict[str, Any]]:
    return [{"thema": v.theme, "label": v.label, "gewicht": v.weight, "zekerheid": v.confidence,
             "telt_mee": v.counted, "basis": v.basis, "bewijs": v.evidence, "afgewezen": v.vetoed}
            for v in ex.verdicts]


@router.get("/regel/{line_id}", response_class=HTMLResponse, include_in_schema=False)
def line_page(request: Request, con: Con, line_id: LineId) -> HTMLResponse:
    ex, history, muts, links = line_view(con, line_id)
    year = ex.line.get("begrotingsjaar")
    return render("line.html", request, ex=ex, line=ex.line, history=history, mutations=muts, links=links,
                  names=chapters(con, request.app.state.db, int(year) if isinstance(year, int) else None),
                  themes=_themes(ex), figure=charts.line_history(history), herkomst=line_lineage(ex, con))


# the .csv route first: /api/x/{id} would otherwise take '{id}.csv' as an (invalid) id
@router.get("/api/regel/{line_id}.csv", responses={**CSV_TABLE, **NOT_FOUND},
            summary="De geschiedenis van een regel (alle bedragen per moment en jaar) als CSV")
def line_csv(con: Con, line_id: LineId, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    history = queries.line_history(con, line_id)
    if not history.rows:
        explain(con, str(line_id))  # raises NotFoundError for an unknown line
    return csv_response(formaat, history, f"regel_{line_id}")


@router.get("/api/regel/{line_id}", responses={**JSON_OBJECT, **NOT_FOUND},
            summary="Eén begrotingsregel: geschiedenis, mutaties, thema's met bewijs, uitvoerder, bronnen, Kamervragen")
def line_json(con: Con, line_id: LineId) -> Response:
    ex, history, muts, links = line_view(con, line_id)
    return json_response({"regel": {k: plain(v) for k, v in ex.line.items()}, "teksten": ex.texts,
                          "regels_versie": ex.rules_version, "themas": _themes(ex),
                          "uitvoerders": [{"naam": n, "veld": f, "match": m} for n, f, m in ex.executors],
                          "geschiedenis": payload(history), "mutaties": payload(muts) if muts else None,
                          "herkomst": payload(herkomst) if (herkomst := line_lineage(ex, con)) else None,
                          "koppelingen": payload(links)})
