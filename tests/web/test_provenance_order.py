"""Provenance ids come in one order everywhere: numerically ('9 10 100'), made by the library, so the web API, the
CLI's CSV and the exports carry the same bytes (issue 15: the web used to re-sort what the library gave)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hostile import TestClient

from digibudget import output, pipeline, store
from digibudget.analyze.integral import integral_table
from digibudget.web.app import create_app

BUDGET = Path(__file__).resolve().parents[1] / "fixtures" / "budget"


def _ids(text: str) -> list[int]:
    return [int(x) for x in text.split()]


def test_line_ids_are_numeric_and_the_same_in_library_csv_and_api(tmp_path: Path) -> None:
    db = tmp_path / "ids.duckdb"  # small: line ids from 1, so their text order and numeric order differ
    with store.writing(db) as con:
        pipeline.build(con, [BUDGET / "btabel_2015_excerpt.csv"])
    con = store.connect(db, read_only=True)
    try:
        lib = integral_table(con, niveau="thema")
    finally:
        con.close()
    i = lib.columns.index("regel_ids")
    lib_ids = [str(r[i]) for r in lib.rows]
    # the check can fail: some row holds ids whose text order differs from their numeric order
    assert any(v.split() != sorted(v.split()) for v in lib_ids)
    assert all(_ids(v) == sorted(_ids(v)) for v in lib_ids)

    with TestClient(create_app(str(db))) as client:
        api = client.get("/api/tabel", params={"niveau": "thema"}).json()["rijen"]
        page = client.get("/tabel", params={"niveau": "thema"}).text
    assert [r["regel_ids"] for r in api] == lib_ids
    rows = list(csv.DictReader(io.StringIO(output.to_csv(lib))))
    assert [r["regel_ids"] for r in rows] == lib_ids
    first = lib_ids[0].split()
    assert page.index(f'href="/regel/{first[-2]}"') < page.index(f'href="/regel/{first[-1]}"')


def test_commitment_source_cells_are_in_file_row_order(web_db: Path) -> None:
    con = store.connect(web_db, read_only=True)
    try:
        res = integral_table(con, moment="2025-OWB", niveau="artikel")
    finally:
        con.close()
    i = res.columns.index("verplichtingen_bron")
    cells = [str(r[i]) for r in res.rows if r[i]]
    assert cells, "the bundled OWB 2025 table of BZK art. 6 carries a budgetflexibiliteit split"
    for text in cells:
        keys = [(p.split(" rij ")[0], int(p.split(" rij ")[1].split()[0])) for p in text.split("; ")]
        assert keys == sorted(keys)
