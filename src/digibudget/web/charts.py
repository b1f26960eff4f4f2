"""Plotly figure specifications (plain dicts, rendered by static/app.js with the packaged plotly.js)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..labels import theme_label
from ..nlformat import AMOUNT_UNIT, PLOTLY_AMOUNT, PLOTLY_SEPARATORS
from ..queries import Result
from .deps import chart_number

# Dutch numbers on every chart: decimal comma, thousands dot (layout.separators), and axes and hover labels
# formatted without SI suffixes (no '600k' or '0.8M' beside a euro unit); the unit in every title and value axis
LAYOUT = {"margin": {"l": 80, "r": 20, "t": 40, "b": 50}, "font": {"family": "system-ui, sans-serif", "size": 12},
          "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)", "separators": PLOTLY_SEPARATORS}
SOURCE_KIND = {"btabel": "begrotingstabel (B-tabel)", "gevolgen": "budgettaire gevolgen van beleid",
               "realisatie": "realisatie (jaarverslag)"}


def value_axis(title: str = AMOUNT_UNIT, fmt: str = PLOTLY_AMOUNT) -> dict[str, Any]:
    """A numeric axis in Dutch notation, titled with its unit."""
    return {"title": {"text": title}, "tickformat": fmt, "hoverformat": fmt, "exponentformat": "none",
            "automargin": True}


def _hover(value: str, fmt: str = PLOTLY_AMOUNT, unit: str = AMOUNT_UNIT, label: str = "%{fullData.name}<br>%{x}:",
           extra: str = "") -> str:
    """A hover label with the value in Dutch notation and its unit."""
    return f"{label} %{{{value}:{fmt}}} {unit}{extra}<extra></extra>"


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
            name = r.get("ministerie") or names.get(r["hoofdstuk"], "")
            labels.append(f"{r['hoofdstuk']} {name}".strip())
            parents.append(r["thema"])
            values.append(v)
    for t, v in per_theme.items():
        ids.append(t)
        labels.append(theme_label(t))
        parents.append("")
        values.append(v)
    return {"data": [{"type": "sunburst", "ids": ids, "labels": labels, "parents": parents, "values": values,
                      "branchvalues": "total", "hovertemplate": _hover("value", label="%{label}")}],
            "layout": {**LAYOUT, "title": {"text": f"Thema's en ministeries, {year} ({AMOUNT_UNIT})"}, "height": 420}}


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
    data = [{"type": "bar", "name": theme_label(t), "x": x,
             "y": [None if y in empty else n for y, n in zip(years, v, strict=True)],
             "hovertemplate": _hover("y")} for t, v in sorted(per.items())]
    return {"data": data, "layout": {**LAYOUT, "barmode": "relative", "height": 380,
                                     "title": {"text": f"Meerjarig per thema ({AMOUNT_UNIT})"},
                                     "xaxis": {"type": "category", "title": {"text": "jaar"}},
                                     "yaxis": value_axis()}}


def line_history(result: Result) -> dict[str, Any]:
    """Stand (or realisation) per year, one line per budget moment."""
    series: dict[str, dict[int, float]] = defaultdict(dict)
    for r in _rows(result):
        if r["soort"] in ("stand", "realisatie"):
            series[f"{r['fase']} {r['begrotingsjaar']}"][int(r["jaar"])] = chart_number(r["bedrag_x1000"])
    data = [{"type": "scatter", "mode": "lines+markers", "name": k, "x": sorted(v), "y": [v[j] for j in sorted(v)],
             "hovertemplate": _hover("y")} for k, v in series.items()]
    return {"data": data, "layout": {**LAYOUT, "height": 380,
                                     "xaxis": {"dtick": 1, "tickformat": "d", "title": {"text": "jaar"}},
                                     "yaxis": value_axis(),
                                     "title": {"text": f"Stand per begrotingsmoment en jaar ({AMOUNT_UNIT})"}}}


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
                      "hovertemplate": _hover("y", label="%{x}", extra="<br>%{hovertext}"),
                      "connector": {"line": {"color": "#888"}}}],
            "layout": {**LAYOUT, "height": 400, "margin": {**LAYOUT["margin"], "b": 110},  # type: ignore[dict-item]
                       "xaxis": {"tickangle": -30, "automargin": True}, "yaxis": value_axis(),
                       "title": {"text": f"Van stand naar stand: {SOURCE_KIND.get(bronsoort, bronsoort)}, "
                                         f"jaar {jaar} ({AMOUNT_UNIT})"}}}


def sankey(links: list[tuple[str, str, float]]) -> dict[str, Any]:
    nodes: list[str] = []
    index: dict[str, int] = {}
    for a, b, _ in links:
        for n in (a, b):
            if n not in index:
                index[n] = len(nodes)
                nodes.append(n)
    return {"data": [{"type": "sankey", "node": {"label": nodes, "pad": 12}, "valueformat": PLOTLY_AMOUNT,
                      "valuesuffix": f" {AMOUNT_UNIT}",
                      "link": {"source": [index[a] for a, _, _ in links], "target": [index[b] for _, b, _ in links],
                               "value": [v for _, _, v in links]}}],
            "layout": {**LAYOUT, "height": 520, "title": {"text": "Overboekingen: van → naar → uitvoerder "
                                                                   f"({AMOUNT_UNIT})"}}}


def hhi_bars(result: Result) -> dict[str, Any]:
    per: dict[str, dict[str, float]] = defaultdict(dict)
    for r in _rows(result):
        if r["hhi"] is not None:  # one unit: no HHI (the table says why), so no bar
            per[r["dimensie"]][r["thema"]] = chart_number(r["hhi"])
    themes = sorted({t for d in per.values() for t in d})
    data = [{"type": "bar", "name": dim, "x": [theme_label(t) for t in themes], "y": [vals.get(t) for t in themes],
             "hovertemplate": _hover("y", ",.0f", "(HHI)")} for dim, vals in sorted(per.items())]
    return {"data": data, "layout": {**LAYOUT, "barmode": "group", "height": 360,
                                     "xaxis": {"title": {"text": "thema"}},
                                     "yaxis": value_axis("HHI (0-10.000, zonder eenheid)", ",.0f"),
                                     "title": {"text": "Concentratie (HHI, 0-10.000) per thema en dimensie"}}}
