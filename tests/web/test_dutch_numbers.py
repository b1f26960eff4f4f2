"""Dutch number notation everywhere a person reads (issue 13): one formatter (digibudget.nlformat) for pages and
terminal tables, and every chart configured for Dutch separators without k/M suffixes and with its unit."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from hostile import TestClient

from digibudget.nlformat import PLOTLY_SEPARATORS, nl_cell, nl_decimal, nl_number

CHART_PAGES = ["/?moment=2017-OWB", "/", "/mutaties", "/overlap?moment=2017-OWB", "/regel/{line}"]
FIGURE = re.compile(r"data-figure='([^']*)'")
# an English thousands separator (8,729) or an SI suffix beside a number (600k, 0.8M, 118.285k)
ENGLISH = re.compile(r"\d,\d{3}(?!\d)|\d(?:k|M|G)\b")


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("1234567.50"), "1.234.567,5"), (Decimal("-1000"), "-1.000"), (0.5, "0,5"), (12, "12"),
    (Decimal("0E-10"), "0"), (True, "ja"), ("tekst", "tekst"), (None, ""), (Decimal("-0.25"), "-0,25")])
def test_nl_number(value: Any, text: str) -> None:
    assert nl_number(value) == text


def test_nl_cell_keeps_years_and_ids_and_nl_decimal_has_no_grouping() -> None:
    assert nl_cell(2017, "jaar") == "2017" and nl_cell(12345, "regel_id") == "12345"
    assert nl_cell(12345, "bedrag") == "12.345"
    assert nl_decimal(Decimal("1234.5")) == "1234,5" and nl_decimal(7) == "7" and nl_decimal(None) == ""


def _figures(text: str) -> list[dict[str, Any]]:
    return [json.loads(html.unescape(m)) for m in FIGURE.findall(text)]


def _line(client: TestClient) -> int:
    rows = client.get("/api/tabel?moment=2017-OWB&hoofdstuk=VII&per_pagina=1").json()["rijen"]
    return int(str(rows[0]["regel_ids"]).split()[0])


def check_figure(fig: dict[str, Any]) -> list[str]:
    """What is wrong with one figure: separators, SI-suffixed axes, hover labels without a format, no unit."""
    problems = []
    layout = fig["layout"]
    if layout.get("separators") != PLOTLY_SEPARATORS:
        problems.append("layout.separators is not ',.'")
    title = layout.get("title", {}).get("text", "")
    if "€" not in title and "HHI" not in title:
        problems.append(f"no unit in the title {title!r}")
    kinds = {t["type"] for t in fig["data"]}
    if kinds & {"bar", "scatter", "waterfall"}:
        axis = layout.get("yaxis", {})
        if not axis.get("title", {}).get("text") or "s" in axis.get("tickformat", "s"):
            problems.append(f"value axis without unit or with SI ticks: {axis}")
    for trace in fig["data"]:
        hover = trace.get("hovertemplate", "")
        if trace["type"] == "sankey":
            if "s" in trace.get("valueformat", "s") or "€" not in trace.get("valuesuffix", ""):
                problems.append("sankey values without format or unit")
        elif not re.search(r"%\{(y|value):,\.\d?f\}", hover):
            problems.append(f"{trace['type']} hover without a Dutch number format: {hover!r}")
    if ENGLISH.search(title):
        problems.append(f"English number in the title {title!r}")
    return problems


def test_every_chart_on_every_page_is_dutch(client: TestClient) -> None:
    line = _line(client)
    seen = 0
    for url in CHART_PAGES:
        r = client.get(url.format(line=line))
        assert r.status_code == 200, url
        for fig in _figures(r.text):
            seen += 1
            assert check_figure(fig) == [], url
    assert seen >= 6


def test_the_check_fails_for_an_english_chart() -> None:
    fig = {"data": [{"type": "bar", "x": ["2020"], "y": [118285.0]}],
           "layout": {"title": {"text": "Per jaar (x € 1.000)"}, "yaxis": {"title": {"text": "x € 1.000"}}}}
    assert len(check_figure(fig)) == 3  # no separators, default (SI) ticks, no hover format
    fig["layout"]["separators"] = ",."
    fig["layout"]["yaxis"]["tickformat"] = ".2s"  # '118k'
    fig["data"][0]["hovertemplate"] = "%{y:,.0f} x € 1.000"
    assert any("SI" in p for p in check_figure(fig))


def test_the_terminal_table_is_dutch() -> None:
    from rich.console import Console

    from digibudget import output
    from digibudget.queries import Result

    console = Console(width=200, record=True)
    output.render(Result(["jaar", "bedrag"], [(2017, Decimal("1234567.5"))], "Test", unit="x € 1.000"), "table",
                  console)
    text = console.export_text()
    assert "1.234.567,5" in text and "2017" in text and "2.017" not in text
