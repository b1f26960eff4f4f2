"""A real database for the web tests: the bundled public data plus one hostile B-tabel file (a description that is
HTML/JS, one that is a spreadsheet formula), built once per session."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import FORMULA, HOSTILE, HOSTILE_YEAR, TestClient

from digibudget import pipeline, store
from digibudget.bundled import bundled_budget_paths, bundled_documents
from digibudget.parliament.persist import ingest_documents

BTABEL = Path(__file__).parents[1] / "fixtures" / "budget" / "btabel_2015_excerpt.csv"


def write_hostile(folder: Path) -> Path:
    with BTABEL.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:4]
    for r in body:
        r[0] = str(HOSTILE_YEAR)
    body[1][17] = HOSTILE
    body[2][17] = FORMULA
    path = folder / "btabel_hostile_2012.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *body])
    return path


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("webdb")
    path = folder / "web.duckdb"
    con = store.connect(path)
    try:
        pipeline.build(con, [*bundled_budget_paths(), write_hostile(folder)], decisions=folder / "decisions.toml")
        ingest_documents(con, bundled_documents())
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def app(web_db: Path) -> Any:
    from digibudget.web.app import create_app

    return create_app(str(web_db))


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c


@pytest.fixture(scope="session")
def hostile_line(web_db: Path) -> int:
    con = store.connect(web_db, read_only=True)
    try:
        row = con.execute("SELECT min(line_id) FROM budget_line WHERE regeling = ?", [HOSTILE]).fetchone()
    finally:
        con.close()
    assert row and row[0] is not None
    return int(row[0])
