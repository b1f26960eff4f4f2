"""Theme labels where people read, theme ids where machines read (issue 13): the Dutch CSV, the workbook, the
terminal table and the charts say 'Digitale infrastructuur'; JSON, the plain CSV and Parquet keep
'digitale_infrastructuur'."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console

from digibudget import export, output, pipeline, store
from digibudget.analyze.integral import integral_table
from digibudget.labels import theme_label, theme_labels, themes_count, themes_sentence
from digibudget.queries import Result

BUDGET = Path(__file__).resolve().parent / "fixtures" / "budget"


@pytest.fixture(scope="module")
def themed(tmp_path_factory: pytest.TempPathFactory) -> Result:
    db = tmp_path_factory.mktemp("labels") / "l.duckdb"
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    con = store.connect(db, read_only=True)
    try:
        return integral_table(con, niveau="thema")
    finally:
        con.close()


def test_labels_come_from_themes_toml() -> None:
    assert theme_labels()["digitale_infrastructuur"] == "Digitale infrastructuur"
    assert theme_label("cyberveiligheid") == "Cyberveiligheid"
    assert theme_label("alle digitale thema's") == "alle digitale thema's" and theme_label(None) == ""
    # pages list the themes from themes.toml, so a new theme needs no page edit
    assert themes_sentence() == "digitalisering, cyberveiligheid, digitale infrastructuur en informatiehuishouding"
    assert themes_count() == "vier"


def test_people_read_labels_machines_read_ids(themed: Result, tmp_path: Path) -> None:
    ids = {str(r[themed.columns.index("thema")]) for r in themed.rows}
    assert ids and ids <= set(theme_labels())
    labels = {theme_labels()[i] for i in ids}
    assert labels != ids  # the check can fail: the labels differ from the ids

    plain = list(csv.DictReader(io.StringIO(output.to_csv(themed))))
    assert {r["thema"] for r in plain} == ids
    assert {r["thema"] for r in json.loads(output.to_json(themed))["rijen"]} == ids
    dutch = list(csv.DictReader(io.StringIO(output.to_csv(themed, dutch=True).lstrip("\ufeff")), delimiter=";"))
    assert {r["thema"] for r in dutch} == labels

    target = tmp_path / "t.xlsx"
    export.export([themed], target, "xlsx")
    sheet = openpyxl.load_workbook(target).worksheets[0]
    col = [str(c.value).split(" (")[0] for c in sheet[1]].index("thema") + 1
    cells = {sheet.cell(row=i, column=col).value for i in range(2, len(themed.rows) + 2)}
    assert cells == labels

    console = Console(width=800, record=True)
    output.render(themed, "table", console)
    text = console.export_text()
    assert all(label in text for label in labels)


def test_chart_legends_use_labels(themed: Result) -> None:
    from digibudget.web import charts

    names = {t["name"] for t in charts.themes_stacked(themed)["data"]}
    assert names and names <= set(theme_labels().values())


def test_export_headers_give_the_year_of_t_minus_1(themed: Result) -> None:
    from digibudget.export.common import headers

    assert themed.coverage is not None and themed.coverage.vorig_jaar == 2014 and themed.coverage.vorig_jaar_bron
    assert headers(themed)[themed.columns.index("t_min_1")] == "t_min_1 (2014, t-1; x € 1.000)"
    assert headers(themed)[themed.columns.index("2015")] == "2015 (x € 1.000)"
