"""Bugs found by trying the dashboard as a new user (issue 13), each with a test that fails when it returns."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import openpyxl
from hostile import TestClient

from digibudget.web.deps import plotly_js_path


def _parquet(client: TestClient, query: str, tmp_path: Path, name: str) -> tuple[dict[str, str], dict[str, str]]:
    path = tmp_path / f"{name}.parquet"
    path.write_bytes(client.get(f"/api/tabel.parquet?{query}").content)
    con = duckdb.connect(":memory:")
    try:
        types = {str(n): str(t) for n, t, *_ in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()}
        kv = {k.decode(): v.decode() for k, v in
              con.execute(f"SELECT key, value FROM parquet_kv_metadata('{path}')").fetchall()}
    finally:
        con.close()
    return types, kv


def test_weight_and_confidence_carry_no_euro_unit(client: TestClient, tmp_path: Path) -> None:
    _, kv = _parquet(client, "moment=2017-OWB", tmp_path, "a")
    money = kv["eenheid_kolommen"].split(", ")
    assert "2017" in money and "mutatie_onverklaard" in money
    assert not {"gewicht", "zekerheid", "juridisch_verplicht_pct_artikel", "regels"} & set(money)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/api/tabel.xlsx?moment=2017-OWB").content), read_only=True)
    header = [str(c.value) for c in next(book.worksheets[0].iter_rows(max_row=1))]
    assert "gewicht" in header and "zekerheid" in header and "2017 (x € 1.000)" in header


def test_parquet_types_do_not_change_with_the_filter(client: TestClient, tmp_path: Path) -> None:
    wide, _ = _parquet(client, "moment=2017-OWB", tmp_path, "wide")
    narrow, _ = _parquet(client, "moment=2017-OWB&hoofdstuk=VII", tmp_path, "narrow")
    assert wide == narrow
    assert wide["2022"].startswith("DECIMAL") and wide["mutatie_kasschuif"].startswith("DECIMAL")  # all empty
    articles, _ = _parquet(client, "moment=2020-OWB&niveau=artikel", tmp_path, "art")
    chapter, _ = _parquet(client, "moment=2020-OWB&niveau=artikel&hoofdstuk=VII", tmp_path, "art_vii")
    assert articles == chapter


def test_a_source_row_that_does_not_exist_is_404(client: TestClient) -> None:
    assert client.get("/bron/1?rij=2").status_code == 200
    for url in ("/bron/1?rij=999999", "/api/bron/1?rij=999999", "/api/bron/1.csv?rij=999999"):
        r = client.get(url)
        assert r.status_code == 404, url


def test_plotly_is_served_compressed(client: TestClient) -> None:
    size = len(plotly_js_path().read_bytes())
    r = client.get("/static/plotly.min.js", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "Accept-Encoding" in r.headers["vary"]
    wire = int(r.headers["content-length"])
    assert wire < size / 3, (wire, size)
    assert len(r.content) == size
    plain = client.get("/static/plotly.min.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and len(plain.content) == size
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"


def test_a_cached_response_is_compressed_only_for_who_asks(client: TestClient) -> None:
    url = "/api/tabel?moment=2017-OWB&hoofdstuk=VI"
    first = client.get(url, headers={"Accept-Encoding": "gzip"}).json()
    again = client.get(url, headers={"Accept-Encoding": "gzip"})  # from the response cache
    assert again.headers["content-encoding"] == "gzip" and again.json() == first
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.json() == first


def test_a_source_without_its_own_url_shows_the_origin_its_rows_hold(client: TestClient) -> None:
    from digibudget.web.links import first_url, kamerstuk_url

    assert kamerstuk_url("kst-26643-1450") == "https://zoek.officielebekendmakingen.nl/kst-26643-1450.html"
    assert kamerstuk_url("javascript:alert(1)") is None
    assert first_url("https://www.rijksfinancien.nl/x/1 (tabel a, regel 1)") == "https://www.rijksfinancien.nl/x/1"
    sources = client.get("/api/bronnen").json()["rijen"]
    gevolgen = next(s for s in sources if str(s.get("bestand", s.get("file_name", ""))).startswith("budgettaire_gev"))
    sid = gevolgen.get("bron", gevolgen.get("source_id"))
    page = client.get(f"/bron/{sid}").text
    assert 'href="https://www.rijksfinancien.nl/memorie-van-toelichting/' in page and "niet vastgelegd" not in page
