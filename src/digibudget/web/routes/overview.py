"""Overzicht: the four themes x ministries x years for one budget moment, beside the coverage of the data."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...analyze.coverage import BROAD_SHARE, mark_moments
from ...analyze.integral import integral_table
from ...analyze.moments import moments
from ...nlformat import nl_number
from ...queries import Result
from .. import answers, charts
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
    request_params,
    result_year,
)
from ..params import VUO, CsvFormaat, CsvFormaatQ, MomentQ

router = APIRouter()


def overview_result(con: Con, moment: str | None, vuo: VUO) -> Result:
    """Weighted digital amounts per theme and ministry for the years of the moment (niveau hoofdstuk)."""
    return integral_table(con, moment=moment, niveau="hoofdstuk", vuo=vuo.value)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def overview_page(request: Request, con: Con, moment: MomentQ = None, vuo: VUO = VUO.U) -> HTMLResponse:
    result = overview_result(con, moment, vuo)
    names = chapters(con, request.app.state.db, result_year(result))  # the names of the moment's year
    years = charts.year_columns(result)
    figures = [charts.themes_sunburst(result, years[0], names)] if years else []
    figures.append(charts.themes_stacked(result))
    label = result.coverage.label if result.coverage is not None else ""
    per_theme = answers.totals(result, "thema", f"Totaal per thema, {label}")
    per_ministry = answers.totals(result, "hoofdstuk", f"Totaal per ministerie, {label}")
    return render("overview.html", request, result=result, figures=figures, per_theme=per_theme,
                  per_ministry=per_ministry, headline=_headline(per_theme, label, vuo),
                  coverage=_compact(mark_moments(con, moments(con))), broad_pct=round(100 * BROAD_SHARE),
                  moments=moment_options(con, request.app.state.db), moment=moment or "", vuo=vuo.value,
                  names=names, params=request_params(request))


def _headline(per_theme: Result, label: str, vuo: VUO) -> str:
    """The answer in one sentence: the weighted total of the first year, in millions of euros."""
    years = answers.year_columns(per_theme)
    if not years or not per_theme.rows or per_theme.rows[-1][1] is None:
        return f"Voor {label} zijn geen digitale bedragen geladen."
    total = Decimal(per_theme.rows[-1][1]) / 1000  # x € 1.000 -> € mln
    kind = {"U": "uitgaven", "V": "verplichtingen", "O": "ontvangsten"}[vuo.value]
    return (f"{label[:1].upper()}{label[1:]}: € {nl_number(round(total, 1))} mln aan digitale {kind} in "
            f"{years[0]} (gewogen), over {len(per_theme.rows) - 1} thema's.")


def _compact(res: Result) -> Result:
    """The coverage without the list of files (that is in /api/momenten and on /bronnen), to fit beside the charts."""
    keep = [i for i, c in enumerate(res.columns) if c != "bronnen"]
    return res.with_rows([tuple(r[i] for i in keep) for r in res.rows], [res.columns[i] for i in keep])


@router.get("/api/overzicht", responses=JSON_TABLE, summary="Thema's x ministeries x jaren (niveau hoofdstuk)")
def overview_json(con: Con, moment: MomentQ = None, vuo: VUO = VUO.U) -> Response:
    return json_response(payload(overview_result(con, moment, vuo)))


@router.get("/api/overzicht.csv", responses=CSV_TABLE, summary="Thema's x ministeries x jaren als CSV")
def overview_csv(con: Con, moment: MomentQ = None, vuo: VUO = VUO.U, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, overview_result(con, moment, vuo), "overzicht")


@router.get("/api/momenten", responses=JSON_TABLE, summary="Begrotingsmomenten en hun dekking")
def moments_json(con: Con) -> Response:
    return json_response(payload(mark_moments(con, moments(con))))


@router.get("/api/momenten.csv", responses=CSV_TABLE, summary="Begrotingsmomenten en hun dekking als CSV")
def moments_csv(con: Con, formaat: CsvFormaatQ = CsvFormaat.csv) -> Response:
    return csv_response(formaat, mark_moments(con, moments(con)), "momenten")
