"""Coverage travels with every answer (issue 12), on the real bundled data (web_db, built once per session).

The bundled data: national B-tabellen and begrotingsstaten up to 2021 (the ontwerpbegroting 2021 holds all 26
chapters, as article totals of one year), and excerpts of 2020-2025 suppletoire and Miljoenennota tables (the
ontwerpbegroting 2025 holds 13 articles of chapter VII only)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hostile import TestClient
from typer.testing import CliRunner

from digibudget import store
from digibudget.analyze.coverage import (
    BROAD_SHARE,
    PARTIAL_STATEMENT,
    broad_moments,
    chapter_key,
    coverage,
    default_moment,
    moment_chapters,
)
from digibudget.analyze.integral import integral_table
from digibudget.cli import app as cli

runner = CliRunner()
OWB_2025 = (2025, "OWB")


@pytest.fixture(scope="module")
def con(web_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = store.connect(web_db, read_only=True)
    yield c
    c.close()


def test_chapters_sort_in_budget_order() -> None:
    chapters = ["XIX", "A", "IXB", "IIA", "I", "K", "XVIII", "IV", "IXA", "IIB", "C"]
    assert sorted(chapters, key=chapter_key) == ["I", "IIA", "IIB", "IV", "IXA", "IXB", "XVIII", "XIX", "A", "C", "K"]


def test_the_coverage_is_the_rule_written_out_over_the_facts(con: duckdb.DuckDBPyConnection) -> None:
    """Chapters, articles (and those given in detail), years and files of every loaded moment, with and without
    the chapter and V/U/O filters, against the same rule counted in Python over the stands and realisations."""
    facts = con.execute("""SELECT f.moment_jaar, f.fase, f.hoofdstuk, f.artikel, f.vuo, f.jaar, f.granularity,
                                  s.file_name FROM fact f JOIN source s USING (source_id)
                           WHERE f.measure IN ('stand', 'realisatie')""").fetchall()
    moments = sorted({(r[0], r[1]) for r in facts})
    assert len(moments) > 20
    checked = 0
    for mj, fase in moments:
        for h, v in ((None, None), ("VII", None), (None, "U"), ("XIII", "O")):
            rows = [r for r in facts if (r[0], r[1]) == (mj, fase) and mj - 1 <= r[5] <= mj + 4
                    and (h is None or r[2] == h) and (v is None or r[4] == v)]
            arts: dict[tuple[str, str], bool] = {}
            for r in rows:
                arts[(r[2], r[3])] = arts.get((r[2], r[3]), False) or r[6] == "detail"
            cov = coverage(con, mj, fase, mj - 1, mj + 4, hoofdstuk=h, vuo=v)
            assert set(cov.hoofdstukken) == {r[2] for r in rows}
            assert (cov.artikelen, cov.artikelen_detail) == (len(arts), sum(arts.values()))
            assert cov.jaren == tuple(sorted({r[5] for r in rows}))
            assert cov.bronnen == tuple(sorted({r[7] for r in rows}))
            checked += bool(rows)
    assert checked > 40


def test_the_default_moment_is_the_latest_broad_one_not_the_2025_excerpt(con: duckdb.DuckDBPyConnection) -> None:
    counts = moment_chapters(con)
    default = default_moment(con)
    assert default is not None and default != OWB_2025
    assert default in broad_moments(con) and counts[default] >= BROAD_SHARE * max(counts.values())
    assert OWB_2025 not in broad_moments(con) and counts[OWB_2025] == 1
    # measured on the bundled data: the ontwerpbegroting 2021 (begrotingsstaten of all 26 chapters)
    assert default == (2021, "OWB") and counts[default] == max(counts.values()) == 26
    # no later broad moment has digital lines
    tagged = {(int(y), str(f)) for y, f in con.execute(
        "SELECT DISTINCT moment_jaar, fase FROM fact JOIN line_theme USING (line_id) WHERE counted").fetchall()}
    assert all(m[0] <= default[0] for m in tagged & broad_moments(con))
    table = integral_table(con, niveau="hoofdstuk")
    assert table.coverage is not None and table.coverage.standaard and table.coverage.moment == "2021-OWB"
    assert "ontwerpbegroting 2021" in table.title


def test_the_2025_excerpt_is_partial_and_lists_the_missing_chapters(con: duckdb.DuckDBPyConnection) -> None:
    cov = coverage(con, 2025, "OWB", 2025, 2030)
    assert not cov.breed and cov.hoofdstukken == ("VII",)
    assert len(cov.ontbrekend) == 25 and {"I", "IIA", "VI", "XIII", "XV", "A", "B", "C"} <= set(cov.ontbrekend)
    assert "VII" not in cov.ontbrekend and cov.ontbrekend[:3] == ("I", "IIA", "IIB")
    assert cov.jaren == (2025, 2026, 2027, 2028, 2029) and cov.jaren_zonder_bron == (2030,)
    assert cov.artikelen == 13 and cov.bronnen == ("budgettaire_gevolgen_van_beleid_long.csv",)
    text = cov.sentence()
    assert text.startswith("1 van 26 hoofdstukken geladen voor ontwerpbegroting 2025: VII; ontbrekend: I, IIA, IIB")
    assert "jaren zonder bron: 2030" in text and text.endswith(PARTIAL_STATEMENT + ".")
    data = json.loads(cov.to_json())
    assert data["status"] == "gedeeltelijk" and data["jaren_zonder_bron"] == [2030] and data["zin"] == text


def test_a_broad_moment_misses_nothing_of_its_own_year(con: duckdb.DuckDBPyConnection) -> None:
    cov = coverage(con, 2017, "OWB", 2017, 2022)
    assert cov.breed and cov.ontbrekend == () and len(cov.hoofdstukken) == 25
    assert cov.jaren_zonder_bron == (2022,)  # the B-tabel 2017 runs to t+4
    assert 0 < cov.artikelen_detail < cov.artikelen
    assert "brede dekking" in cov.sentence() and PARTIAL_STATEMENT not in cov.sentence()
    one = coverage(con, 2025, "OWB", 2025, 2030, hoofdstuk="vii")
    assert one.hoofdstukken == ("VII",) and one.ontbrekend == () and not one.breed  # a filter, still no total


@pytest.mark.parametrize("niveau", ["thema", "hoofdstuk"])
def test_a_partial_moment_is_never_a_national_total_on_the_cli(web_db: Path, niveau: str) -> None:
    args = ["table", "--db", str(web_db), "--moment", "2025-OWB", "--niveau", niveau]
    out = runner.invoke(cli, args)
    assert out.exit_code == 0, out.output
    flat = " ".join(out.stdout.split())
    assert PARTIAL_STATEMENT in flat and "1 van 26 hoofdstukken geladen voor ontwerpbegroting 2025" in flat
    as_json = json.loads(runner.invoke(cli, [*args, "--format", "json"]).stdout)
    assert PARTIAL_STATEMENT in as_json["titel"] and as_json["dekking"]["breed"] is False
    as_csv = runner.invoke(cli, [*args, "--format", "csv"]).stdout
    assert as_csv.splitlines()[0].startswith("thema,") and "dekking" not in as_csv.lower()  # CSV stays plain
    broad = runner.invoke(cli, ["table", "--db", str(web_db), "--moment", "2017-OWB", "--niveau", niveau])
    assert PARTIAL_STATEMENT not in " ".join(broad.stdout.split()) and "brede dekking" in broad.stdout


def test_overlap_and_mutations_carry_the_coverage_on_the_cli(web_db: Path) -> None:
    out = runner.invoke(cli, ["overlap", "--db", str(web_db), "--moment", "2025-OWB", "--dimensie", "hoofdstuk"])
    assert out.exit_code == 0 and " ".join(out.stdout.split()).count(PARTIAL_STATEMENT) >= 2
    data = json.loads(runner.invoke(cli, ["mutations", "--db", str(web_db), "--begrotingsjaar", "2017",
                                          "--format", "json"]).stdout)
    assert data["dekking"]["begrotingsjaar"] == 2017 and data["dekking"]["breed"] is True


def test_the_default_is_named_and_empty_years_are_marked_on_the_cli(web_db: Path) -> None:
    out = runner.invoke(cli, ["table", "--db", str(web_db), "--niveau", "hoofdstuk"])
    flat = " ".join(out.stdout.split())
    assert "standaard: het laatste moment met brede dekking; kies een ander moment met --moment" in flat
    assert "jaren zonder bron: 2022, 2023, 2024, 2025, 2026" in flat and "geen bron" in out.stdout
    rows = json.loads(runner.invoke(cli, ["table", "--db", str(web_db), "--niveau", "hoofdstuk",
                                          "--format", "json"]).stdout)["rijen"]
    assert rows and all(r["2022"] is None for r in rows)  # empty, never zero


@pytest.mark.parametrize("url", ["/api/tabel", "/api/tabel?moment=2025-OWB&niveau=thema", "/api/overzicht",
                                 "/api/overzicht?moment=2025-OWB", "/api/overlap?moment=2025-OWB",
                                 "/api/overlap/spreiding?moment=2017-OWB", "/api/mutaties?begrotingsjaar=2017"])
def test_json_api_answers_carry_a_dekking_object(client: TestClient, url: str) -> None:
    data = client.get(url).json()
    d = data["dekking"]
    assert {"moment", "hoofdstukken", "ontbrekende_hoofdstukken", "jaren_zonder_bron", "bronnen", "breed",
            "zin"} <= set(d)
    partial = "2025-OWB" in url
    assert d["breed"] is not partial and (PARTIAL_STATEMENT in data["titel"]) is partial
    csv_url = url.replace("?", ".csv?", 1) if "?" in url else url + ".csv"
    res = client.get(csv_url)
    assert res.headers["X-Dekking"].startswith(d["moment"])
    assert next(csv.reader(io.StringIO(res.text))) == data["kolommen"]  # the body stays plain CSV


def test_overview_and_table_pages_show_the_coverage(client: TestClient) -> None:
    home = client.get("/").text
    assert 'id="dekking"' in home and "26 van 26 hoofdstukken geladen voor ontwerpbegroting 2021" in home
    assert "Standaard: het laatste moment met brede dekking" in home
    assert '<option value="" selected>standaard: laatste met brede dekking (ontwerpbegroting 2021)' in home
    assert '<td class="geen-bron">geen bron</td>' in home
    assert "2022 (geen bron)" in home  # the chart draws no zero bar for a year no source holds
    partial = client.get("/", params={"moment": "2025-OWB"}).text
    assert PARTIAL_STATEMENT in partial and "ontbrekend: I, IIA, IIB" in partial
    table = client.get("/tabel", params={"moment": "2025-OWB", "niveau": "hoofdstuk"}).text
    assert PARTIAL_STATEMENT in table and '<td class="geen-bron">geen bron</td>' in table


def test_exports_and_the_report_carry_the_coverage(web_db: Path, tmp_path: Path, client: TestClient) -> None:
    import openpyxl

    xlsx = client.get("/api/tabel.xlsx", params={"moment": "2025-OWB"})
    (tmp_path / "t.xlsx").write_bytes(xlsx.content)
    notes = " ".join(str(c.value) for row in openpyxl.load_workbook(tmp_path / "t.xlsx")["Toelichting"].iter_rows()
                     for c in row if c.value)
    assert "1 van 26 hoofdstukken geladen voor ontwerpbegroting 2025" in notes and PARTIAL_STATEMENT in notes
    (tmp_path / "t.parquet").write_bytes(client.get("/api/tabel.parquet", params={"moment": "2025-OWB"}).content)
    meta = dict(duckdb.connect().execute("SELECT decode(key), decode(value) FROM parquet_kv_metadata(?)",
                                         [str(tmp_path / "t.parquet")]).fetchall())
    assert json.loads(meta["dekking_json"])["ontbrekende_hoofdstukken"][:2] == ["I", "IIA"]
    out = runner.invoke(cli, ["export", "--db", str(web_db), "--format", "datapackage", "-o", str(tmp_path / "dp")])
    assert out.exit_code == 0, out.output
    package = json.loads((tmp_path / "dp" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["dekking"]["moment"] == "2021-OWB" and "standaardmoment" in package["toelichting"]
    out = runner.invoke(cli, ["report", "--db", str(web_db), "--moment", "2025-OWB", "-o", str(tmp_path / "r.html")])
    assert out.exit_code == 0, out.output
    assert PARTIAL_STATEMENT in (tmp_path / "r.html").read_text(encoding="utf-8")
