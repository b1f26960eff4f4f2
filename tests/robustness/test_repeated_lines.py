"""A repeated line with different amounts (issue 18, failure 2), in each reader path: the finding names both rows and
both amounts, and the rule of docs/findings.md says which counts (a total row: one, by evidence, or neither until
reviewed; a detail row: all, as separate lines)."""

from __future__ import annotations

from pathlib import Path

import duckdb
from robustness_helpers import write_bulk

from digibudget import ingest, store

STAATEN = Path(__file__).resolve().parents[1] / "fixtures" / "budget" / "begrotingsstaten_2019-2020_VI_VII.csv"


def _load(path: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect(":memory:")
    ingest.ingest(con, [path])
    return con


def test_a_repeated_total_row_with_other_amounts_names_both_and_the_rule(tmp_path: Path) -> None:
    lines = STAATEN.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "staten_repeated.csv"
    path.write_text("\n".join([*lines, lines[1].replace(",500,500,2942,", ",500,500,2943,")]) + "\n",
                    encoding="utf-8")
    last = len(lines) + 1
    con = _load(path)
    (message,), = con.execute("SELECT message FROM finding WHERE code = 'duplicate-total'"
                           ).fetchall()
    assert "row 2" in message and f"row {last}" in message, message
    assert "2942" in message and "2943" in message, message
    assert "counts" in message or "review" in message, message  # the rule's decision is stated


def test_a_repeated_detail_row_of_a_bulk_file_names_both_rows_and_amounts(tmp_path: Path) -> None:
    path = write_bulk(tmp_path / "Budgettaire_Tabellen_2024_O1_incl.csv", 20)
    rows = path.read_bytes().decode("utf-8").split("\r\n")
    cells = rows[5].split(";")
    cells[15] = "4242"  # StandO1 of the copy
    rows.insert(len(rows) - 1, ";".join(cells))
    path.write_bytes("\r\n".join(rows).encode("utf-8"))
    con = _load(path)  # the set-based (SQL) path
    (message,), = con.execute("SELECT message FROM finding WHERE code = 'duplicate-line-differs'").fetchall()
    original = rows[5].split(";")[15]
    assert "row 6" in message and f"row {len(rows) - 1}" in message, message
    assert original in message and "4242" in message and "all are counted" in message, message
