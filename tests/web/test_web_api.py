"""The JSON/CSV API and the pages, in process: every endpoint, one query in three formats, 400s with a Dutch and
English message, 404s, escaping of hostile source text, formula-escaped CSV, downloads, read-only, the report."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from hostile import FORMULA, HOSTILE, HOSTILE_YEAR, TestClient

from digibudget import store
from digibudget.analyze.integral import LEVELS
from digibudget.classify.rules import load_rules
from digibudget.web import params

PAGES = ["/", "/?moment=2017-OWB", "/tabel", "/tabel?moment=2017-OWB&niveau=artikel", "/mutaties", "/overlap",
         "/kamervragen", "/kamervragen/8", "/kwaliteit", "/kwaliteit?ernst=error", "/bronnen", "/bron/1?rij=2"]
TABLES = ["/api/overzicht?moment=2017-OWB", "/api/momenten", "/api/tabel?moment=2017-OWB",
          "/api/tabel?moment=2017-OWB&niveau=uitvoerder&vuo=U", "/api/overlap?moment=2017-OWB",
          "/api/overlap/spreiding?dimensie=uitvoerder&moment=2017-OWB", "/api/overlap/uitvoerders",
          "/api/overlap/dubbelen", "/api/kamervragen", "/api/kamervragen?status=deferred", "/api/bevindingen",
          "/api/bevindingen/samenvatting", "/api/bronnen", "/api/mutaties?soort=overboeking&begrotingsjaar=2017",
          "/api/waterval?hoofdstuk=VII&artikel=6"]


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _json_as_csv_cells(data: dict[str, Any]) -> list[list[str]]:
    def cell(v: Any) -> str:
        if v is None:
            return ""
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r")):
            try:
                float(v)
            except ValueError:
                return "'" + v  # text a spreadsheet would run: escaped in CSV, as-is in JSON
        return str(v)

    return [data["kolommen"], *[[cell(r[c]) for c in data["kolommen"]] for r in data["rijen"]]]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_with_data(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "<table" in r.text and "Geen rijen." not in r.text.split("</table>")[0]
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_line_page_shows_history_themes_sources_and_links(client: TestClient) -> None:
    row = client.get("/api/tabel", params={"moment": "2017-OWB", "hoofdstuk": "VII", "per_pagina": 1}).json()
    line = int(row["rijen"][0]["regel_ids"].split()[0])
    page = client.get(f"/regel/{line}")
    assert page.status_code == 200
    for text in ("Thema's met bewijs", "Mutaties", "Kamervragen", 'class="chart"', "/bron/"):
        assert text in page.text
    data = client.get(f"/api/regel/{line}").json()
    assert data["regel"]["line_id"] == line and data["geschiedenis"]["rijen"]
    assert {t["thema"] for t in data["themas"]} == set(load_rules().theme_ids())
    assert data["mutaties"] is not None
    src = data["geschiedenis"]["rijen"][0]
    assert client.get(f"/bron/{src['bron_id']}", params={"rij": src["rij"]}).status_code == 200


def test_question_8_links_to_the_integral_table(client: TestClient) -> None:
    page = client.get("/kamervragen/8").text
    # filtered as the question asks: 2026 t/m 2031, from the latest moment that holds those years, per chapter
    assert 'id="antwoord-view" href="/tabel?moment=2025-OWB&amp;van=2026&amp;tot=2031"' in page
    assert 'href="/tabel?moment=2025-OWB&amp;van=2026&amp;tot=2031&amp;hoofdstuk=VII&amp;niveau=artikel"' in page
    assert 'href="https://zoek.officielebekendmakingen.nl/kst-36915-VII-2.html"' in page
    assert 'href="/overlap"' in client.get("/kamervragen/28").text


@pytest.mark.parametrize("url", TABLES)
def test_json_and_csv_carry_the_same_rows(client: TestClient, url: str) -> None:
    j = client.get(url)
    base, _, query = url.partition("?")
    c = client.get(f"{base}.csv" + (f"?{query}" if query else ""))
    assert j.status_code == c.status_code == 200
    assert j.headers["content-type"] == "application/json"
    assert c.headers["content-type"].startswith("text/csv")
    data = j.json()
    assert set(data) >= {"titel", "eenheid", "kolommen", "rijen"}
    assert _csv_rows(c.text) == _json_as_csv_cells(data)


def test_money_is_an_exact_string_in_json(client: TestClient) -> None:
    data = client.get("/api/tabel", params={"moment": "2017-OWB"}).json()
    amounts = [r["2017"] for r in data["rijen"] if r["2017"] is not None]
    assert amounts and all(isinstance(a, str) and re.fullmatch(r"-?\d+(\.\d+)?", a) for a in amounts)
    assert data["eenheid"] == "x € 1.000"


def test_filters_sorting_and_paging_happen_on_the_server(client: TestClient) -> None:
    full = client.get("/api/tabel", params={"moment": "2017-OWB"}).json()
    vii = client.get("/api/tabel", params={"moment": "2017-OWB", "hoofdstuk": "VII"}).json()
    assert 0 < len(vii["rijen"]) < len(full["rijen"]) and {r["hoofdstuk"] for r in vii["rijen"]} == {"VII"}
    themed = client.get("/api/tabel", params=[("moment", "2017-OWB"), ("thema", "cyberveiligheid")]).json()
    assert {r["thema"] for r in themed["rijen"]} == {"cyberveiligheid"}
    pages = [client.get("/api/tabel", params={"moment": "2017-OWB", "sorteer": "regels", "richting": "af",
                                              "per_pagina": 7, "pagina": p}).json() for p in (1, 2)]
    assert pages[0]["totaal_rijen"] == len(full["rijen"]) and len(pages[0]["rijen"]) == 7
    counts = [r["regels"] for r in pages[0]["rijen"] + pages[1]["rijen"]]
    assert counts == sorted(counts, reverse=True)
    assert not {r["regel_ids"] for r in pages[0]["rijen"]} & {r["regel_ids"] for r in pages[1]["rijen"]}


@pytest.mark.parametrize(("url", "param"), [
    ("/api/tabel?niveau=foo", "niveau"), ("/api/tabel?thema=sport", "thema"), ("/api/tabel?vuo=X", "vuo"),
    ("/api/tabel?van=abc", "van"), ("/api/tabel?van=1800", "van"), ("/api/tabel?per_pagina=0", "per_pagina"),
    ("/api/tabel?per_pagina=1001", "per_pagina"), ("/api/tabel?moment=2017-XYZ", "moment"),
    ("/api/tabel?pagina=0", "pagina"), ("/api/bevindingen?ernst=fatal", "ernst"),
    ("/api/overlap/spreiding?dimensie=kleur", "dimensie"), ("/api/kamervragen?status=maybe", "status"),
    ("/api/mutaties?soort=diefstal", "soort"), ("/api/overlap/dubbelen?drempel=2", "drempel"),
    ("/api/regel/abc", "line_id"), ("/api/tabel.csv?niveau=foo", "niveau"),
    # a parameter the endpoint does not know: a misspelt filter must not answer silently without it
    ("/api/tabel?jaar_van=2030", "jaar_van"), ("/api/bronnen?pagina=2", "pagina"), ("/feed.atom?bla=1", "bla"),
    ("/api/mutaties.csv?limit=5", "limit")])
def test_invalid_parameters_give_400_in_dutch_and_english(client: TestClient, url: str, param: str) -> None:
    r = client.get(url)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["status"] == 400 and param in body["fout"] and param in body["error"]
    assert body["fout"].startswith("Ongeldige parameter") and body["error"].startswith("Invalid parameter")


def test_an_unknown_parameter_names_the_ones_the_endpoint_knows(client: TestClient) -> None:
    body = client.get("/api/tabel", params={"jaar_van": "2030", "van": "2022"}).json()
    assert body["fout"].startswith("Ongeldige parameter: parameter 'jaar_van' bestaat hier niet (verwacht: artikel, ")
    assert "van, vuo)" in body["fout"] and "'van'" not in body["fout"]
    assert "geen parameters" in client.get("/api/regel/1", params={"x": "1"}).json()["fout"]
    assert client.get("/tabel", params={"onbekend": "1"}).status_code == 200  # pages stay lenient (forms)
    assert client.get("/api/momenten", params={"_": "1733040000"}).status_code == 200  # a cache buster


def test_every_download_link_of_the_pages_answers(client: TestClient) -> None:
    pages = [*PAGES, "/tabel?moment=2017-OWB&niveau=regel&hoofdstuk=VII", "/veranderingen",
             "/mutaties?hoofdstuk=VII&artikel=6", "/regel/1"]
    links = {(page, html.unescape(h)) for page in pages
             for h in re.findall(r'href="(/(?:api/|feed\.atom)[^"]*)"', client.get(page).text)}
    assert len({link for _, link in links}) >= 20
    failed = [(page, link, r.status_code) for page, link in sorted(links) if (r := client.get(link)).status_code != 200]
    assert failed == []


@pytest.mark.parametrize("url", ["/api/tabel?sorteer=onbekend", "/api/tabel?van=2020&tot=2010",
                                 "/api/tabel?moment=2017-OWB&van=2000&tot=2030"])
def test_library_usage_errors_give_400(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 400 and r.json()["fout"].startswith("Ongeldige invoer")


def test_invalid_parameter_on_a_page_gives_an_html_400(client: TestClient) -> None:
    r = client.get("/tabel?niveau=<b>x</b>")
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert "<b>x</b>" not in r.text


@pytest.mark.parametrize("url", ["/regel/999999999", "/api/regel/999999999", "/api/regel/999999999.csv",
                                 "/bron/9999", "/api/bron/9999", "/kamervragen/999", "/api/kamervragen/7:1",
                                 "/bestaat-niet", "/api/bestaat-niet"])
def test_unknown_objects_give_404(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    if url.startswith("/api"):
        assert r.json()["fout"].startswith("Niet gevonden")


def test_hostile_source_text_is_shown_as_text(client: TestClient, hostile_line: int) -> None:
    pages = [client.get("/tabel", params={"moment": f"{HOSTILE_YEAR}-OWB"}).text,
             client.get(f"/regel/{hostile_line}").text,
             client.get("/", params={"moment": f"{HOSTILE_YEAR}-OWB"}).text]
    for page in pages:
        assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Logius" in pages[0] + pages[1]
    data = client.get("/api/tabel", params={"moment": f"{HOSTILE_YEAR}-OWB"}).json()
    assert HOSTILE in {r["regeling"] for r in data["rijen"]}  # JSON carries the text unchanged


def test_csv_escapes_formulas_but_json_keeps_them(client: TestClient) -> None:
    q = {"moment": f"{HOSTILE_YEAR}-OWB"}
    rows = _csv_rows(client.get("/api/tabel.csv", params=q).text)
    cells = {c for r in rows for c in r}
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert FORMULA in {r["regeling"] for r in client.get("/api/tabel", params=q).json()["rijen"]}


def test_downloads_hold_the_whole_filtered_result(client: TestClient, tmp_path: Path) -> None:
    q = {"moment": "2017-OWB", "hoofdstuk": "VII"}
    expected = client.get("/api/tabel", params=q).json()
    xlsx = client.get("/api/tabel.xlsx", params=q)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith("application/vnd.openxml")
    (tmp_path / "t.xlsx").write_bytes(xlsx.content)
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx", read_only=True)
    assert {"Bronnen", "Bevindingen"} <= set(wb.sheetnames)
    first = wb[wb.sheetnames[0]]
    values = [c for row in first.iter_rows(values_only=True) for c in row]
    assert all(r["regel_ids"] in values for r in expected["rijen"])
    wb.close()
    parquet = client.get("/api/tabel.parquet", params=q)
    (tmp_path / "t.parquet").write_bytes(parquet.content)
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path / 't.parquet'}')").fetchall()
    assert n[0][0] == len(expected["rijen"])


def test_openapi_documents_enums_bounds_and_400(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/api/tabel"]["get"]
    by_name = {p["name"]: p for p in op["parameters"]}
    text = json.dumps(by_name)
    for name in ("moment", "thema", "niveau", "vuo", "van", "tot", "per_pagina", "sorteer"):
        assert name in by_name
    assert '"maximum": 1000' in text and '"minimum": 1990' in text and '"pattern"' in text
    enums = spec["components"]["schemas"]
    assert enums["Thema"]["enum"] == load_rules().theme_ids() and enums["Niveau"]["enum"] == list(LEVELS)
    assert enums["VUO"]["enum"] == ["V", "U", "O"] and "answerable_from_data" in enums["Status"]["enum"]
    assert "400" in op["responses"] and "422" not in json.dumps(spec["paths"])
    assert not any(m in item for item in spec["paths"].values() for m in ("post", "put", "patch", "delete"))


def test_the_web_enums_are_the_library_ones() -> None:
    assert [t.value for t in params.Thema] == load_rules().theme_ids()
    assert [n.value for n in params.Niveau] == list(LEVELS)
    from digibudget.analyze.mutations import SOORT_GROUPS, SOORTEN

    assert tuple(s.value for s in params.MutatieSoort) == (*SOORTEN, *SOORT_GROUPS)


def test_read_only_without_token(client: TestClient) -> None:
    assert client.post("/api/review", json={}).status_code in {404, 405}


def test_review_requires_the_token_and_validates(web_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 hostile_line: int) -> None:
    from digibudget.web.app import create_app

    monkeypatch.setenv("DIGIBUDGET_OVERRIDES_FILE", str(tmp_path / "decisions.toml"))
    body = {"regel": str(hostile_line), "thema": "digitalisering", "gewicht": 1, "reden": "test",
            "beoordelaar": "tester", "datum": "2026-01-02"}
    with TestClient(create_app(str(web_db), write_token="s3cret")) as c:
        assert c.post("/api/review", json=body).status_code == 401
        assert c.post("/api/review", json=body, headers={"X-Digibudget-Token": "wrong"}).status_code == 401
        bad = c.post("/api/review", json={**body, "gewicht": 2}, headers={"X-Digibudget-Token": "s3cret"})
        assert bad.status_code == 400
        ok = c.post("/api/review", json=body, headers={"X-Digibudget-Token": "s3cret"})
        assert ok.status_code == 201, ok.text
    text = (tmp_path / "decisions.toml").read_text(encoding="utf-8")
    assert 'reviewer = "tester"' in text and text.count("[[decision]]") == 1


def test_database_is_opened_read_only(app: Any, client: TestClient) -> None:
    client.get("/api/bronnen")
    con = app.state.db.cursor()
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE x (a INTEGER)")
    con.close()


def test_plotly_is_served_from_the_package(client: TestClient) -> None:
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and b"plotly.js" in r.content[:200]
    assert "cdn" not in client.get("/").text.lower()


def test_report_is_self_contained_and_reproducible(web_db: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from digibudget.cli import app

    outs = [tmp_path / "a.html", tmp_path / "b.html"]
    for out in outs:
        res = CliRunner().invoke(app, ["report", "--moment", "2017-OWB", "--output", str(out), "--db", str(web_db)])
        assert res.exit_code == 0, res.output
    html = outs[0].read_text(encoding="utf-8")
    assert outs[0].read_bytes() == outs[1].read_bytes()
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?:""", html)
    for section in ("Overzicht", "Integrale tabel", "Belangrijkste mutaties", "Overlap", "Open Kamervragen",
                    "sha256", "plotly.js v"):
        assert section in html
    assert html.count('class="source-note"') >= 4


def test_report_refuses_a_bad_moment(web_db: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from digibudget.cli import app

    res = CliRunner().invoke(app, ["report", "--moment", "gisteren", "--output", str(tmp_path / "r.html"),
                                   "--db", str(web_db)])
    assert res.exit_code == 2 and not (tmp_path / "r.html").exists()


def test_store_stays_unchanged_by_serving(web_db: Path, client: TestClient) -> None:
    before = web_db.stat().st_mtime_ns
    for url in TABLES:
        client.get(url)
    assert web_db.stat().st_mtime_ns == before
    store.connect(web_db, read_only=True).close()


def test_mutation_review_requires_the_token_and_validates(web_db: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from digibudget.web.app import create_app

    monkeypatch.setenv("DIGIBUDGET_OVERRIDES_FILE", str(tmp_path / "decisions.toml"))
    con = duckdb.connect(str(web_db), read_only=True)
    row = con.execute("SELECT mutation_id, mutation_key FROM mutation WHERE evidence_kind = 'geen' "
                      "ORDER BY mutation_id LIMIT 1").fetchone()
    con.close()
    assert row is not None
    body = {"mutatie": str(row[0]), "soort": "taakstelling", "reden": "Kamerstuk 36 915 VII, nr. 2",
            "beoordelaar": "tester", "datum": "2026-11-30"}
    with TestClient(create_app(str(web_db), write_token="s3cret")) as c:
        assert c.post("/api/review/mutatie", json=body).status_code == 401
        group = c.post("/api/review/mutatie", json={**body, "soort": "onverklaard"},
                       headers={"X-Digibudget-Token": "s3cret"})
        assert group.status_code == 400  # a group is no type
        missing = c.post("/api/review/mutatie", json={**body, "mutatie": "999999999"},
                         headers={"X-Digibudget-Token": "s3cret"})
        assert missing.status_code == 404
        ok = c.post("/api/review/mutatie", json=body, headers={"X-Digibudget-Token": "s3cret"})
        assert ok.status_code == 201, ok.text
    text = (tmp_path / "decisions.toml").read_text(encoding="utf-8")
    assert text.count("[[mutation]]") == 1 and f'mutation_key = "{row[1]}"' in text


def test_draft_answers_for_pasted_and_uploaded_questions(client: TestClient) -> None:
    own = Path(__file__).parents[1] / "fixtures" / "parliament" / "eigen_vragen_2022_2025.txt"
    pasted = client.post("/concept", content=b"tekst=Vraag 1\nWat is de bijdrage aan ICTU in de 1e suppletoire "
                                             b"begroting 2024?\n", headers={"content-type": "text/plain"})
    assert pasted.status_code == 200 and "€ 14.009.000" in pasted.text and "Vraag 1" in pasted.text
    res = client.post("/api/concept", content=own.read_bytes(),
                      headers={"content-type": "application/octet-stream", "x-bestandsnaam": "eigen%20vragen.txt"})
    assert res.status_code == 200
    body = res.json()
    assert body["document"] == "eigen vragen.txt" and len(body["vragen"]) == 8
    assert body["vragen"][6]["status"] == "niet uit de data te beantwoorden"
    assert {"euro": "5395000", "jaar": 2022} .items() <= body["vragen"][0]["bedragen"][0].items()
    assert client.post("/api/concept", content=b"").status_code == 422
    assert client.post("/api/concept", content=b"x" * ((5 << 20) + 1)).status_code == 422
