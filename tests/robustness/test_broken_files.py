"""A corpus of broken files (tests/fixtures/broken, see its README): each is refused with a clear error naming the
file, row and column, or loaded with a finding when the rest of the file is fine; a refused ingest leaves the
database exactly as it was (every row of every table compared), in the library and through the CLI.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from robustness_helpers import snapshot, write_bulk
from typer.testing import CliRunner

from digibudget import ingest, store
from digibudget.cli import app
from digibudget.errors import DigibudgetError, DocumentError, SchemaError, SourceError, ValueFormatError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BROKEN = FIXTURES / "broken"
BUDGET = FIXTURES / "budget"
STAATEN = BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv"
EENHEID = BUDGET / "begrotingsstaten_2016_met_eenheid.csv"
BTABEL = BUDGET / "btabel_2015_excerpt.csv"


@dataclass(frozen=True)
class Refused:
    error: type[DigibudgetError]
    row: int | None
    column: str | None
    says: str  # a fragment of the message that tells the user what is wrong


@dataclass(frozen=True)
class Finds:
    code: str
    row: int | None
    column: str | None
    original: Path | None = None  # the file it was derived from, to compare what loaded
    lines_lost: int = 0
    amounts_lost: int = 0


@dataclass(frozen=True)
class Value:
    row: int
    column: str
    value: Decimal


@dataclass(frozen=True)
class Same:
    original: Path  # loads with the same lines and amounts as this file


def _last_line(name: str) -> int:
    return (BROKEN / name).read_bytes().count(b"\n") + 1


CASES: dict[str, Refused | Finds | Value | Same] = {
    "truncated_mid_row.csv": Refused(ValueFormatError, 21, "Stand ontwerpbegroting", "afgebroken"),
    "truncated_mid_quoted_field.csv": Refused(SourceError, _last_line("truncated_mid_quoted_field.csv"), None,
                                              "eindigt midden in een cel"),
    "truncated_in_header.csv": Refused(SourceError, 1, None, "ongeldige CSV-kopregel"),
    "truncated_in_last_cell.csv": Finds("file-may-be-truncated", 21, None),
    "tab_separated.csv": Same(STAATEN),
    "mixed_separator.csv": Refused(ValueFormatError, 2, "Uitgaven Ontvangsten Verplichtingen", "1 cel"),
    "unquoted_separator_in_cell.csv": Refused(ValueFormatError, 5, None,
                                              "scheidingsteken in een cel zonder aanhalingstekens"),
    "windows1252.csv": Refused(SourceError, 8, None, "Windows-1252"),
    "utf8_bom.csv": Same(STAATEN),
    "utf16.csv": Refused(SourceError, 1, None, "UTF-16"),
    "header_rows_inside.csv": Finds("header-row-in-data", 11, None, STAATEN),
    "amount_nl_in_nl_file.csv": Value(28, "1ste suppletoire begroting", Decimal("1234.5")),
    "amount_nl_in_en_file.csv": Value(2, "Stand eerste suppletoire", Decimal("1234.5")),
    "amount_dutch_minus_in_en_file.csv": Finds("ambiguous-amount", 2, "Stand eerste suppletoire", STAATEN,
                                               amounts_lost=1),
    "amount_parenthesised_in_en_file.csv": Finds("ambiguous-amount", 2, "Stand eerste suppletoire", STAATEN,
                                                 amounts_lost=1),
    "amount_nl_grouped_in_en_file.csv": Value(2, "Stand eerste suppletoire", Decimal(-1234567)),
    "amount_dutch_minus.csv": Value(28, "1ste suppletoire begroting", Decimal(-1234)),
    "amount_parenthesised.csv": Value(28, "1ste suppletoire begroting", Decimal(-1234)),
    "amount_23_digits.csv": Value(2, "Stand eerste suppletoire", Decimal("12345678901234567890123")),
    "amount_out_of_range.csv": Finds("unreadable-amount", 2, "Stand eerste suppletoire", STAATEN, amounts_lost=1),
    "amount_out_of_range_millions.csv": Refused(ValueFormatError, 2, "ontwerpbegroting", "buiten het bereik"),
    "empty_amount_cells.csv": Finds("amount-missing", None, None, STAATEN, amounts_lost=1),
    "empty_year_cell.csv": Refused(ValueFormatError, 3, "Begrotingsjaar", "is onleesbaar"),
    "empty_hoofdstuk_cell.csv": Refused(ValueFormatError, 4, "Hoofdstuknummer", "de cel hoofdstuk is leeg"),
    "wrong_unit_x1.csv": Finds("unit-mismatch", 28, "eenheid", EENHEID, lines_lost=1, amounts_lost=5),
    "wrong_unit_miljard.csv": Finds("unit-mismatch", 6, "eenheid"),
    "xlsx_named.csv": Refused(SourceError, 1, None, "ZIP-container"),
    "pdf_named.csv": Refused(SourceError, 1, None, "PDF"),
    "json_named.csv": Refused(SourceError, 1, None, "JSON"),
    "html_named.csv": Refused(SourceError, 1, None, "HTML"),
    "html_leading_blank_line.csv": Refused(SourceError, 1, None, "HTML"),
    "missing_required_column.csv": Refused(SchemaError, 1, "VUO", "kolom 'VUO' ontbreekt"),
    "extra_columns.csv": Same(STAATEN),
    "row_too_few_cells.csv": Refused(ValueFormatError, 5, "Bedrag t+4", "25 cellen, de kopregel 28"),
    "empty.csv": Refused(SourceError, None, None, "leeg"),
    "header_only.csv": Refused(SourceError, 2, None, "geen gegevensrijen"),
}
LARGE_ROWS = 25_000  # generated at test time; test_very_large_bulk_file_200k does 200,000 on demand
# every broken file tried: the committed corpus, the generated large file (complete and cut) and the .docx
BROKEN_FILES_TRIED = len(CASES) + 2 + 1
REFUSED_CLEANLY = sum(isinstance(c, Refused) for c in CASES.values()) + 1 + 1
CLI_CASES = ("truncated_mid_row.csv", "xlsx_named.csv", "utf16.csv", "missing_required_column.csv",
             "empty_hoofdstuk_cell.csv", "header_only.csv", "truncated_in_header.csv", "row_too_few_cells.csv")


def test_the_corpus_is_complete() -> None:
    on_disk = {p.name for p in BROKEN.iterdir() if p.suffix == ".csv"}
    assert on_disk == set(CASES), "every committed broken file has an expected outcome (and the reverse)"
    assert BROKEN_FILES_TRIED >= 35


@pytest.fixture
def loaded() -> duckdb.DuckDBPyConnection:
    """A database that already holds one source, so 'unchanged' is not the trivial empty state."""
    con = store.connect(":memory:")
    ingest.ingest(con, [EENHEID])
    return con


def _semantic(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Lines and amounts without ids, rows and column names: what a reader understood, wherever it stood."""
    lines = con.execute("""SELECT begrotingsjaar, document_fase, hoofdstuk, hoofdstuk_naam, artikel, artikel_naam,
                                  artikelonderdeel, instrument, regeling, detail, niveau, vuo, is_total, line_key
                           FROM budget_line ORDER BY ALL""").fetchall()
    amounts = con.execute("""SELECT l.line_key, a.moment_jaar, a.fase, a.measure, a.mutatie_soort, a.jaar, a.value,
                                    a.unit FROM amount a JOIN budget_line l USING (line_id) ORDER BY ALL""").fetchall()
    return lines, amounts


def _load_alone(path: Path) -> duckdb.DuckDBPyConnection:
    con = store.connect(":memory:")
    ingest.ingest(con, [path])
    return con


def _check_refusal(exc: DigibudgetError, name: str, case: Refused) -> None:
    assert isinstance(exc, case.error), (type(exc), exc)
    text = exc.describe()
    assert name in text, text
    assert exc.location is not None and Path(str(exc.location.path)).name == name
    assert exc.location.row == case.row, text
    assert exc.location.column == case.column, text
    if case.row is not None:
        assert f"rij {case.row}" in text
    if case.column is not None:
        assert f"kolom '{case.column}'" in text
    assert case.says in text, text


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_file(name: str, loaded: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    case = CASES[name]
    path = BROKEN / name
    if isinstance(case, Refused):
        before = snapshot(loaded)
        good = tmp_path / "a_good_btabel.csv"
        shutil.copy(BTABEL, good)
        with pytest.raises(DigibudgetError) as info:
            ingest.ingest(loaded, [good, path])
        _check_refusal(info.value, name, case)
        assert snapshot(loaded) == before  # every row of every table, not only the counts
        return
    con = _load_alone(path)
    report_rows = con.execute("SELECT count(*) FROM source").fetchone()
    assert report_rows == (1,)
    if isinstance(case, Same):
        assert _semantic(con) == _semantic(_load_alone(case.original))
    elif isinstance(case, Value):
        got = con.execute("SELECT value FROM amount WHERE source_row = ? AND source_column = ?",
                          [case.row, case.column]).fetchall()
        assert got == [(case.value,)]
        assert not con.execute("SELECT * FROM finding WHERE code = 'unreadable-amount'").fetchall()
    else:
        found = con.execute("SELECT row_number, column_name, message, path FROM finding WHERE code = ?",
                            [case.code]).fetchall()
        assert found, f"no {case.code} finding"
        assert (found[0][0], found[0][1]) == (case.row, case.column)
        assert Path(found[0][3]).name == name
        if case.original is not None:
            lines, amounts = _semantic(con)
            orig_lines, orig_amounts = _semantic(_load_alone(case.original))
            assert len(orig_lines) - len(lines) == case.lines_lost
            assert len(orig_amounts) - len(amounts) == case.amounts_lost
            assert set(amounts) <= set(orig_amounts)  # nothing else changed


def test_a_failure_while_writing_rolls_back_every_table(loaded: duckdb.DuckDBPyConnection,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot(loaded)

    def refuse(*_: object) -> dict[str, int]:
        raise ValueFormatError("refused after the rows were written")

    monkeypatch.setattr(ingest.reconcile, "run", refuse)
    with pytest.raises(ValueFormatError):
        ingest.ingest(loaded, [BUDGET])
    assert snapshot(loaded) == before


def test_large_bulk_file_loads_whole_and_a_cut_one_is_refused(loaded: duckdb.DuckDBPyConnection,
                                                             tmp_path: Path) -> None:
    _large(loaded, tmp_path, LARGE_ROWS)


@pytest.mark.slow
def test_very_large_bulk_file_200k(loaded: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    _large(loaded, tmp_path, 200_000)


def _large(con: duckdb.DuckDBPyConnection, tmp_path: Path, rows: int) -> None:
    big = write_bulk(tmp_path / "Budgettaire_Tabellen_2024_O1_incl.csv", rows)
    data = big.read_bytes()
    cut = tmp_path / "Budgettaire_Tabellen_2024_O1_cut.csv"
    cut.write_bytes(data[: len(data) - 40])  # a download that stopped inside the last row
    before = snapshot(con)
    with pytest.raises(ValueFormatError) as info:
        ingest.ingest(con, [cut])
    assert info.value.location is not None and info.value.location.row == rows + 1
    assert "afgebroken" in str(info.value) and cut.name in str(info.value)
    assert snapshot(con) == before
    report = ingest.ingest(con, [big])
    assert (report.files[0].lines, report.files[0].amounts) == (rows, 3 * rows)
    source_id = con.execute("SELECT max(source_id) FROM source").fetchone()
    got = con.execute("SELECT count(*), max(source_row) FROM budget_line WHERE source_id = ?",
                      [source_id[0] if source_id else None]).fetchone()
    assert got == (rows, rows + 1)


def test_a_docx_that_is_really_a_pdf_is_refused() -> None:
    from digibudget import parliament

    path = BROKEN / "pdf_named.docx"
    with pytest.raises(DocumentError) as info:
        parliament.parse_file(path)
    assert path.name in str(info.value) and "pdf" in str(info.value).lower()


runner = CliRunner()


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    db = tmp_path / "t.duckdb"
    out = runner.invoke(app, ["ingest", str(EENHEID), "--db", str(db), "--format", "json"])
    assert out.exit_code == 0, out.output
    return db


def _snapshot_file(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return snapshot(con)
    finally:
        con.close()


@pytest.mark.parametrize("name", CLI_CASES)
def test_cli_refuses_with_one_line_and_an_exit_code(name: str, db_file: Path) -> None:
    before = _snapshot_file(db_file)
    out = runner.invoke(app, ["ingest", str(BTABEL), str(BROKEN / name), "--db", str(db_file)])
    assert out.exit_code == 3, out.output
    assert isinstance(out.exception, SystemExit)  # typer.Exit, not an escaped exception
    fout = [line for line in out.output.splitlines() if "Fout:" in line]
    assert len(fout) == 1 and name in fout[0], out.output
    assert "Traceback" not in out.output
    assert _snapshot_file(db_file) == before


def test_an_ambiguous_amount_names_both_readings() -> None:
    con = _load_alone(BROKEN / "amount_dutch_minus_in_en_file.csv")
    (message, severity), = con.execute("SELECT message, severity FROM finding WHERE code = 'ambiguous-amount'"
                                       ).fetchall()
    assert "-1.234" in message and "-1234" in message and severity == "error", message
