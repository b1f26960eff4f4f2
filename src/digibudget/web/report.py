"""One self-contained, printable HTML report for a budget moment: overview, integrated table, main mutations,
overlap and open parliamentary questions, each with its sources (file and sha256). CSS, plotly.js (from the
installed package) and all data are inline, so the file works offline. The same database gives the same bytes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import duckdb
from markupsafe import Markup

from .. import __version__
from ..analyze.bundle import moment_bundle
from ..analyze.coverage import mark_moments
from ..analyze.integral import integral_table
from ..analyze.moments import moments
from ..parliament.model import STATUS_LABELS, Status
from ..queries import Result, chapter_names, source_files
from . import charts
from .deps import ENV, plotly_js_path, static_text

OPEN_STATUSES = (Status.DEFERRED, Status.REFUSED, Status.ANSWERABLE_FROM_DATA, Status.UNANSWERED)
MAIN_MUTATIONS = 30


def _files(result: Result, *columns: str) -> list[str]:
    names: set[str] = set()
    for c in columns:
        if c in result.columns:
            i = result.columns.index(c)
            for row in result.rows:
                names.update(n.strip() for n in str(row[i] or "").split(";") if n.strip())
    return sorted(names)


def _sources(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[tuple[Any, ...]]:
    return source_files(con, names).rows


def main_mutations(table: Result, res: Result, year: int) -> Result | None:
    """The largest typed changes in the budget year (``res``) on the articles of the integrated table."""

    articles = {(r[table.columns.index("hoofdstuk")], r[table.columns.index("artikel")]) for r in table.rows}
    h, a, b = res.columns.index("hoofdstuk"), res.columns.index("artikel"), res.columns.index("bedrag")
    rows = [r for r in res.rows if (r[h], r[a]) in articles]
    rows.sort(key=lambda r: (-abs(Decimal(r[b])), r[0]))
    return Result(res.columns, rows[:MAIN_MUTATIONS], f"Grootste mutaties in {year} op de digitale artikelen "
                  f"(top {MAIN_MUTATIONS} van {len(rows)})", res.unit)


def build_report(con: duckdb.DuckDBPyConnection, moment: str | None = None) -> str:
    bundle = moment_bundle(con, moment)  # moment as asked (None: the default, and the coverage note says so)
    w, moment_text = bundle.window, bundle.moment
    overview = integral_table(con, moment=moment, niveau="hoofdstuk", vuo="U")
    table = bundle.lines
    years = charts.year_columns(overview)
    names = chapter_names(con, w.moment_jaar)  # the names of the moment's year
    figures = ([charts.themes_sunburst(overview, years[0], names)] if years else []) + \
        [charts.themes_stacked(overview)]
    muts = main_mutations(table, bundle.mutations, w.moment_jaar)
    conc, multi, qs = bundle.concentration, bundle.multi_funded, bundle.questions
    si = qs.columns.index("status")
    open_labels = {STATUS_LABELS[s] for s in OPEN_STATUSES}
    dpi = qs.columns.index("deels_uitgesteld")
    open_q = Result(qs.columns, [r for r in qs.rows if r[si] in open_labels or r[dpi]], "Open Kamervragen")
    all_files = _files(table, "bronnen")
    html = ENV.get_template("report.html").render(
        version=__version__, label=w.label, moment=moment_text, figures=figures, overview=overview, integral=table,
        mutations=muts, concentration=conc, hhi=charts.hhi_bars(conc), multi=multi, open_questions=open_q,
        coverage=mark_moments(con, moments(con)), sources=_sources(con, all_files),
        mutation_sources=_sources(con, _files(muts, "bron")) if muts else [],
        all_sources=source_files(con, [str(r[0]) for r in con.execute(
            "SELECT file_name FROM source ORDER BY source_id").fetchall()]).rows,
        css=Markup(static_text("style.css")), app_js=Markup(static_text("app.js")),
        plotly_js=Markup(plotly_js_path().read_text(encoding="utf-8")))
    return str(html)
