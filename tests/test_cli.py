from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digibudget.cli import app

BUDGET = Path(__file__).parent / "fixtures" / "budget"
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "t.duckdb")
    result = runner.invoke(app, ["ingest", str(BUDGET), "--db", path, "--format", "json"])
    assert result.exit_code == 9, result.output  # 9: btabel's unreadable cell
    loaded = {r["bestand"]: r for r in json.loads(result.stdout)["rijen"]}
    assert loaded["btabel_2015_excerpt.csv"]["status"] == "geladen, 1 fout(en)"
    assert loaded["begrotingsstaten_2016_met_eenheid.csv"]["status"] == "geladen"
    assert "Aansluiting" in result.stderr
    return path


def test_sources_and_findings(db: str) -> None:
    out = runner.invoke(app, ["sources", "--db", db, "--format", "json"])
    assert out.exit_code == 0
    rows = json.loads(out.stdout)["rijen"]
    assert {r["bestand"] for r in rows} == {p.name for p in BUDGET.glob("*.csv")}
    out = runner.invoke(app, ["findings", "--db", db, "--code", "unreadable-amount", "--format", "csv"])
    found = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(found) == 1 and found[0]["rij"] == "42" and found[0]["bestand"] == "btabel_2015_excerpt.csv"
    summary = runner.invoke(app, ["findings", "--db", db, "--summary", "--format", "json"])
    assert "source-agreement" in summary.stdout


def test_lines_filters_and_formats_agree(db: str) -> None:
    args = ["lines", "--db", db, "--hoofdstuk", "VII", "--artikel", "6", "--jaar", "2020", "--vuo", "V"]
    as_json = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    as_csv = list(csv.DictReader(io.StringIO(runner.invoke(app, [*args, "--format", "csv"]).stdout)))
    assert len(as_json["rijen"]) == len(as_csv) > 0
    assert as_json["eenheid"] == "x € 1.000"
    stands = {(r["fase"], r["bedrag_x1000"]) for r in as_json["rijen"] if r["soort"] == "stand"}
    assert ("VB", "169975") in stands and ("O1", "181069") in stands
    table = runner.invoke(app, [*args, "--format", "table"])
    assert "169.975" in table.stdout  # the terminal table is for a person: Dutch notation
    assert "Geen rijen" not in table.stdout
    nothing = runner.invoke(app, ["lines", "--db", db, "--hoofdstuk", "ZZZ"])  # an empty frame alone reads as a fault
    assert nothing.exit_code == 0 and "Geen rijen: niets in de database past bij deze keuze" in nothing.stdout
    assert json.loads(runner.invoke(app, ["lines", "--db", db, "--hoofdstuk", "ZZZ", "--format", "json"]).stdout)[
        "rijen"] == []  # machine formats stay plain


def test_errors_are_one_clear_line_with_an_exit_code(tmp_path: Path, db: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"%PDF-1.4 not a csv")
    out = runner.invoke(app, ["ingest", str(bad), "--db", db])
    assert out.exit_code == 3
    assert "Fout:" in out.output and "bad.csv" in out.output and "Traceback" not in out.output
    out = runner.invoke(app, ["lines", "--db", db, "--fase", "XX"])
    assert out.exit_code == 2 and "onbekende fase" in out.output
    out = runner.invoke(app, ["sources", "--db", str(tmp_path / "nope.duckdb")])
    assert out.exit_code == 4 and "bestaat niet" in out.output


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGIBUDGET_PORT", "8123")
    out = runner.invoke(app, ["settings", "--format", "json"])
    values = {r["instelling"]: r["waarde"] for r in json.loads(out.stdout)["rijen"]}
    assert values["port"] == "8123"
    monkeypatch.setenv("DIGIBUDGET_PORT", "eighty")
    out = runner.invoke(app, ["settings"])
    assert out.exit_code == 2 and "DIGIBUDGET_PORT" in out.output
