"""Parliamentary documents in the database: questions, statuses, figures, links to budget lines, findings."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from digibudget import pipeline, queries
from digibudget.cli import app
from digibudget.parliament.persist import ingest_documents

HERE = Path(__file__).parent
SEED = HERE / "fixtures" / "parliament" / "seed_2026A02691.txt"
BUDGET = HERE / "fixtures" / "budget"
runner = CliRunner()


@pytest.fixture
def loaded(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    pipeline.build(con, [BUDGET], decisions=tmp_path / "d.toml")
    reports = ingest_documents(con, [SEED])
    assert reports[0].status == "loaded" and reports[0].questions == 39
    return con


def test_questions_are_stored_with_status_and_idempotent(loaded: duckdb.DuckDBPyConnection) -> None:
    statuses = dict(loaded.execute("SELECT number, status FROM question").fetchall())
    assert len(statuses) == 39
    assert statuses["20"] == "refused" and statuses["8"] == "answerable_from_data"
    assert statuses["31"] == "deferred" and statuses["11"] == "answered_with_figures"
    assert ingest_documents(loaded, [SEED])[0].status == "unchanged"
    assert loaded.execute("SELECT count(*) FROM question").fetchone() == (39,)


def test_figures_are_exact_euros(loaded: duckdb.DuckDBPyConnection) -> None:
    q4 = loaded.execute("SELECT value_eur FROM figure WHERE question_number = '4' AND raw LIKE '5,7%'").fetchall()
    assert q4 == [(Decimal("5700000.00"),)]
    table = loaded.execute("""SELECT value_eur FROM figure WHERE question_number = '11' AND table_id IS NOT NULL
                              AND label LIKE '%RvIHH%' ORDER BY value_eur DESC""").fetchall()
    assert table[0] == (Decimal("102085000.00"),)


def test_question_7_links_to_both_articles_of_the_shift(loaded: duckdb.DuckDBPyConnection) -> None:
    detail = queries.question_detail(loaded, "7")
    linked = {(k["line_key"].split("|")[0], k["line_key"].split("|")[1]) for k in detail["koppelingen"]
              if k["basis"] == "begrotingslocatie"}
    # the fixture holds begrotingsstaten of VII: both articles of 'van H7 artikel 11 naar H7 artikel 7'
    assert linked == {("VII", "11"), ("VII", "7")}
    assert all("H7 artikel" in k["onderbouwing"] for k in detail["koppelingen"] if k["basis"] == "begrotingslocatie")


def test_question_8_links_to_the_cited_articles_and_reports_what_is_not_loaded(
        loaded: duckdb.DuckDBPyConnection) -> None:
    linked = {r[0] for r in loaded.execute("""SELECT l.hoofdstuk || ' ' || l.artikel FROM link k
              JOIN budget_line l USING (line_id) WHERE k.question_number = '8'""").fetchall()}
    assert {"VII 6", "VII 7"} <= linked
    missing = [json.loads(r[0])["place"] for r in loaded.execute(
        "SELECT figures FROM finding WHERE code = 'document-location-not-loaded'").fetchall()]
    assert "XIII art. 1" in missing  # the fixture has no EZK data


def test_reconciliation_findings_of_the_seed_are_stored(loaded: duckdb.DuckDBPyConnection) -> None:
    msgs = [r[0] for r in loaded.execute(
        "SELECT message FROM finding WHERE code LIKE 'document-%total%' ORDER BY message").fetchall()]
    assert any("64300000" in m and "74765000" in m for m in msgs)
    assert any("155409" in m for m in msgs) and any("28845" in m for m in msgs)


def test_cli_docs_ingest_questions_and_question(tmp_path: Path) -> None:
    db = str(tmp_path / "t.duckdb")
    assert runner.invoke(app, ["ingest", str(BUDGET), "--db", db]).exit_code == 9  # 9: btabel's unreadable cell
    out = runner.invoke(app, ["docs", "ingest", str(SEED), "--db", db])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["questions", "--db", db, "--format", "json", "--status", "geweigerd"])
    rows = json.loads(out.stdout)["rijen"]
    assert [r["vraag"] for r in rows] == ["1:20"]
    out = runner.invoke(app, ["question", "1:8", "--db", db])
    data = json.loads(out.stdout)
    assert data["data_view"] == "integral_table" and data["koppelingen"]
    assert runner.invoke(app, ["question", "1:99", "--db", db]).exit_code == 8
    bad = tmp_path / "fake.docx"
    bad.write_bytes(b"%PDF-1.4\n%garbage")
    out = runner.invoke(app, ["docs", "ingest", str(bad), "--db", db])
    assert out.exit_code == 7 and "Fout:" in out.output


def test_a_stated_figure_that_contradicts_the_loaded_data_is_a_finding(loaded: duckdb.DuckDBPyConnection) -> None:
    # a document stating 31.420 (x EUR 1.000) for Logius on VII art. 6 in 2015, while the loaded B-tabel 2015
    # gives other amounts for the Logius lines of that article (e.g. 30.420 on row 4 of the fixture)
    doc = HERE / "fixtures" / "parliament" / "contradiction_2015.txt"
    ingest_documents(loaded, [doc])
    rows = loaded.execute("""SELECT figures FROM finding WHERE code = 'document-figure-contradicts'""").fetchall()
    assert rows, "the contradiction was not found"
    f = json.loads(rows[0][0])
    assert f["stated"] == "31420000" and f["year"] == 2015
    assert (f["loaded"], f["source"], f["row"]) == ("30420000", "btabel_2015_excerpt.csv", 4)
    links = loaded.execute("""SELECT basis FROM link k JOIN document d USING (document_id)
                              WHERE d.file_name = 'contradiction_2015.txt'""").fetchall()
    assert ("begrotingslocatie",) in links and ("uitvoerder",) in links
