"""Plotly figure specifications (plain dicts, rendered by static/app.js with the packaged plotly.js)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..queries import Result
from .deps import chart_number

LAYOUT = {"margin": {"l": 60, "r": 20, "t": 40, "b": 50}, "font": {"family": "system-ui, sans-serif", "size": 12},
          "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)"}


def _rows(result: Result) -> list[dict[str, Any]]:
    return [dict(zip(result.columns, r, strict=True)) for r in result.rows]


def year_columns(result: Result) -> list[str]:
    return [c for c in result.columns if c.isdigit() and len(c) == 4]


def themes_sunburst(result: Result, year: str, names: dict[str, str]) -> dict[str, Any]:
    """Theme -> ministry for one year (positive amounts; a sunburst cannot show negative money)."""
    ids, labels, parents, values = [], [], [], []
    per_theme: dict[str, float] = defaultdict(float)
    for r in _rows(result):
        v = chart_number(r.get(year))
        if v > 0:
            per_theme[r["thema"]] += v
            ids.append(f"{r['thema']}/{r['hoofdstuk']}")
            labels.append(f"{r['hoofdstuk']} {names.get(r['hoofdstuk'], '')}".strip())
            parents.append(r["thema"])
            values.append(v)
    for t, v in per_theme.items():
        ids.append(t)
        labels.append(t)
        parents.append("")
        values.append(v)
    return {"data": [{"type": "sunburst", "ids": ids, "labels": labels, "parents": parents, "values": values,
                      "branchvalues": "total", "hovertemplate": "%{label}<br>%{value:,.0f} x € 1.000<extra></extra>"}],
            "layout": {**LAYOUT, "title": {"text": f"Thema's en ministeries, {year} (x € 1.000)"}, "height": 420}}


def themes_stacked(result: Result) -> dict[str, Any]:
    """Per year, stacked by theme (sum over ministries)."""
    years = year_columns(result)
    per: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(years))
    for r in _rows(result):
        for i, y in enumerate(years):
            per[r["thema"]][i] += chart_number(r.get(y))
    # a year no source holds is no zero: no bar, and the axis says so
    empty = {str(y) for y in result.coverage.jaren_zonder_bron} if result.coverage is not None else set()
    x = [f"{y} (geen bron)" if y in empty else y for y in years]
    data = [{"type": "bar", "name": t, "x": x, "y": [None if y in empty else n for y, n in zip(years, v, strict=True)]}
            for t, v in sorted(per.items())]
    return {"data": data, "layout": {**LAYOUT, "barmode": "relative", "height": 380,
                                     "title": {"text": "Meerjarig per thema (x € 1.000)"},
                                     "xaxis": {"type": "category"}}}


def line_history(result: Result) -> dict[str, Any]:
    """Stand (or realisation) per year, one line per budget moment."""
    series: dict[str, dict[int, float]] = defaultdict(dict)
    for r in _rows(result):
        if r["soort"] in ("stand", "realisatie"):
            series[f"{r['fase']} {r['begrotingsjaar']}"][int(r["jaar"])] = chart_number(r["bedrag_x1000"])
    data = [{"type": "scatter", "mode": "lines+markers", "name": k, "x": sorted(v), "y": [v[j] for j in sorted(v)]}
            for k, v in series.items()]
    return {"data": data, "layout": {**LAYOUT, "height": 380, "xaxis": {"dtick": 1},
                                     "title": {"text": "Stand per begrotingsmoment en jaar (x € 1.000)"}}}


def waterfall(result: Result, bronsoort: str, jaar: int) -> dict[str, Any]:
    x, y, measure, text = [], [], [], []
    for r in _rows(result):
        if r["bronsoort"] != bronsoort or int(r["jaar"]) != jaar or r["stap"] == "controle":
            continue
        is_end = r["stap"] in ("eindstand", "realisatie")
        is_start = r["volgorde"] == 0
        x.append(f"{r['moment']} {r['soort'] or r['stap']}" if not (is_end or is_start) else f"{r['stap']} "
                 f"{r['moment']}")
        y.append(chart_number(r["bedrag"]))
        measure.append("absolute" if is_start else "total" if is_end else "relative")
        text.append(str(r.get("toelichting") or ""))
    return {"data": [{"type": "waterfall", "x": x, "y": y, "measure": measure, "hovertext": text,
                      "connector": {"line": {"color": "#888"}}}],
            "layout": {**LAYOUT, "height": 400, "margin": {**LAYOUT["margin"], "b": 110},  # type: ignore[dict-item]
                       "xaxis": {"tickangle": -30, "automargin": True},
                       "title": {"text": f"{bronsoort}, jaar {jaar} (x € 1.000)"}}}


def sankey(links: list[tuple[str, str, float]]) -> dict[str, Any]:
    nodes: list[str] = []
    index: dict[str, int] = {}
    for a, b, _ in links:
        for n in (a, b):
            if n not in index:
                index[n] = len(nodes)
                nodes.append(n)
    return {"data": [{"type": "sankey", "node": {"label": nodes, "pad": 12},
                      "link": {"source": [index[a] for a, _, _ in links], "target": [index[b] for _, b, _ in links],
                               "value": [v for _, _, v in links]}}],
            "layout": {**LAYOUT, "height": 520, "title": {"text": "Overboekingen: van → naar → uitvoerder "
                                                                   "(x € 1.000)"}}}


def hhi_bars(result: Result) -> dict[str, Any]:
    per: dict[str, dict[str, float]] = defaultdict(dict)
    for r in _rows(result):
        per[r["dimensie"]][r["thema"]] = chart_number(r["hhi"])
    themes = sorted({t for d in per.values() for t in d})
    data = [{"type": "bar", "name": dim, "x": themes, "y": [vals.get(t, 0) for t in themes]}
            for dim, vals in sorted(per.items())]
    return {"data": data, "layout": {**LAYOUT, "barmode": "group", "height": 360,
                                     "title": {"text": "Concentratie (HHI, 0-10.000) per thema en dimensie"}}}
