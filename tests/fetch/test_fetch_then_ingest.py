"""The whole path: download a bulk file from a (local) server, then load it; the URL and sha256 are provenance."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from fetch_server import FIXTURES, LocalServer, SleepRecorder, serve

from digibudget import ingest, store
from digibudget.fetch.rijksfinancien import fetch_budget_tables

NAME = "Budgettaire_Tabellen_2024_O1_incl.csv"


def test_fetched_file_loads_with_its_url_and_checksum(server: LocalServer, tmp_path: Path,
                                                       no_sleep: SleepRecorder) -> None:
    server.add("/open_data/" + NAME, serve((FIXTURES / NAME).read_bytes()))
    results, misses = fetch_budget_tables([2024], ["O1"], "incl", "csv", server.url("/open_data/"), tmp_path,
                                          timeout=5, retries=1, sleep=no_sleep)
    assert not misses
    con = store.connect(":memory:")
    report = ingest.ingest(con, [results[0].path])
    assert report.files[0].status == "loaded" and report.files[0].kind == "bulk"
    row = con.execute("SELECT url, sha256 FROM source").fetchone()
    assert row == (server.url("/open_data/" + NAME), results[0].sha256)
    stand = con.execute("""SELECT a.value FROM amount a JOIN budget_line l USING (line_id)
                           WHERE l.is_total AND l.vuo = 'U' AND a.fase = 'O1'""").fetchone()
    assert stand == (Decimal(534082),)
