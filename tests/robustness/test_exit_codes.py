"""Exit codes scripts can trust (issue 18, smaller failures): a load with error-severity findings exits 9, not 0;
`--strict` refuses it whole (exit 3, the database unchanged); a clean load exits 0."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from robustness_helpers import fingerprint_of, write_bulk
from typer.testing import CliRunner

from digibudget.cli import app
from digibudget.errors import EXIT_LOADED_WITH_ERRORS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BROKEN = FIXTURES / "broken"
STAATEN = FIXTURES / "budget" / "begrotingsstaten_2019-2020_VI_VII.csv"
runner = CliRunner()


def _overflow(tmp_path: Path) -> Path:
    """An amount like 1e309 (an overflow in a float reader): an unreadable-amount finding, severity error."""
    path = tmp_path / "overflow.csv"
    path.write_text(STAATEN.read_text(encoding="utf-8").replace(",500,500,2942,", ",500,500,1e309,", 1),
                    encoding="utf-8")
    return path


def _bulk_with_bad_cell(tmp_path: Path) -> Path:
    path = write_bulk(tmp_path / "Budgettaire_Tabellen_2024_O1_incl.csv", 50)
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    cells = lines[5].split(";")
    cells[15] = "12x"  # StandO1: unreadable
    lines[5] = ";".join(cells)
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    return path


@pytest.mark.parametrize("make", [_overflow, lambda p: BROKEN / "amount_dutch_minus_in_en_file.csv",
                                  _bulk_with_bad_cell], ids=["1e309", "ambiguous", "bulk-sql-path"])
def test_a_load_with_error_findings_exits_9_and_strict_refuses_it(tmp_path: Path, make: object) -> None:
    assert callable(make)
    path: Path = make(tmp_path)
    db = tmp_path / "t.duckdb"
    out = runner.invoke(app, ["ingest", str(STAATEN.parent / "begrotingsstaten_2016_met_eenheid.csv"), "--db", str(db)])
    assert out.exit_code == 0, out.output
    before = fingerprint_of(db)
    out = runner.invoke(app, ["ingest", str(path), "--db", str(db), "--strict"])
    assert out.exit_code == 3, out.output
    assert "--strict" in out.output and path.name in out.output and "rij" in out.output, out.output
    assert fingerprint_of(db) == before  # refused whole
    out = runner.invoke(app, ["ingest", str(path), "--db", str(db)])
    assert out.exit_code == EXIT_LOADED_WITH_ERRORS == 9, out.output
    assert "geladen, 1 fout(en)" in out.output, out.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM finding WHERE severity = 'error'").fetchone() == (1,)
    finally:
        con.close()


def test_a_clean_load_exits_0_with_or_without_strict(tmp_path: Path) -> None:
    out = runner.invoke(app, ["ingest", str(STAATEN), "--db", str(tmp_path / "t.duckdb"), "--strict"])
    assert out.exit_code == 0, out.output
    assert "fout(en)" not in out.output
