"""The full commitment split (budgetflexibiliteit) on the real ontwerpbegroting 2025 table of BZK VII art. 6."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from digibudget import ingest, store
from digibudget.analyze.commitment import commitment_split
from digibudget.errors import ValueFormatError
from digibudget.sources.model import CommitmentRecord, ReadResult
from digibudget.vocab import publication_key
from migration_helpers import database_before

REPO = Path(__file__).resolve().parents[1]
GEVOLGEN = REPO / "data" / "gevolgen" / "budgettaire_gevolgen_van_beleid_long.csv"


def _owb2025_rows(tmp_path: Path, edit: dict[str, tuple[str, str]] | None = None) -> Path:
    """The real rows of table 2025_OWB_VII_art6 in a file of their own; `edit` replaces, in the row whose
    omschrijving (and instrument) is the key, one column by a value (to make the data wrong on purpose)."""
    lines = GEVOLGEN.read_text(encoding="utf-8").splitlines()
    header, body = lines[0], [x for x in lines[1:] if x.startswith("2025_OWB_VII_art6,")]
    out = tmp_path / "owb2025.csv"
    names = header.split(",")
    rows = []
    for line in body:
        cells = line.split(",")
        if edit and len(cells) == len(names):
            rec = dict(zip(names, cells, strict=True))
            key = f"{rec['instrument']}|{rec['omschrijving']}"
            if key in edit:
                column, value = edit[key]
                cells[names.index(column)] = value
        rows.append(",".join(cells))
    out.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return out


def test_all_four_categories_and_the_instrument_shares_are_stored(con: duckdb.DuckDBPyConnection) -> None:
    ingest.ingest(con, [GEVOLGEN])
    rows = con.execute("""
        SELECT category, instrument, vuo, pct, source_row, source_column, source_text FROM legal_commitment
        WHERE hoofdstuk = 'VII' AND artikel = '6' AND moment_jaar = 2025 AND fase = 'OWB' AND jaar = 2025
        ORDER BY instrument NULLS FIRST, category""").fetchall()
    assert [(r[0], r[1], r[3]) for r in rows] == [
        ("beleidsmatig_gereserveerd", None, Decimal(2)), ("bestuurlijk_gebonden", None, Decimal(86)),
        ("juridisch_verplicht", None, Decimal(10)), ("nog_niet_ingevuld", None, Decimal(2)),
        ("juridisch_verplicht", "Bijdrage aan ZBO's/RWT's", Decimal(62)),
        ("juridisch_verplicht", "Bijdrage aan agentschappen", Decimal(4))]
    assert {r[2] for r in rows} == {"U"}
    assert {r[5] for r in rows} == {"2025"}
    # the row numbers are the physical lines of the file, whose cells say what the share is
    text = GEVOLGEN.read_text(encoding="utf-8").splitlines()
    for _, instrument, _, pct, row, _, label in rows:
        cells = text[row - 1]
        assert f",{int(pct)},pct" in cells and label in cells and (instrument is None or "Bijdrage" in cells)
    assert con.execute("SELECT count(*) FROM finding WHERE code = 'commitment-split-mismatch'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM legal_commitment WHERE vuo = 'O'").fetchone() == (0,)


def test_the_library_query_gives_the_split_with_its_sources(con: duckdb.DuckDBPyConnection) -> None:
    ingest.ingest(con, [GEVOLGEN])
    res = commitment_split(con, 2025, "owb", 2025)
    by = {(r[0], r[1], r[2]): dict(zip(res.columns, r, strict=True)) for r in res.rows}
    art = by[("VII", "6", None)]
    assert (art["juridisch_verplicht"], art["bestuurlijk_gebonden"], art["beleidsmatig_gereserveerd"],
            art["nog_niet_ingevuld"], art["som_pct"]) == (10, 86, 2, 2, 100)
    assert art["complementair_noodzakelijk"] is None  # unknown stays unknown
    assert "budgettaire_gevolgen_van_beleid_long.csv rij 1856 kolom 2025" in art["bronnen"]
    assert by[("VII", "6", "Bijdrage aan agentschappen")]["juridisch_verplicht"] == 4
    assert commitment_split(con, 2024, "OWB", 2025).rows == []


def test_a_split_that_does_not_add_up_is_a_finding(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _owb2025_rows(tmp_path, {"|bestuurlijk gebonden": ("waarde", "80%")})
    report = ingest.ingest(con, [path])
    assert report.reconciliation["splits_checked"] == 1 and report.reconciliation["splits_mismatch"] == 1
    (msg, _row, figures), = con.execute("SELECT message, row_number, figures FROM finding "
                                       "WHERE code = 'commitment-split-mismatch'").fetchall()
    assert "VII art. 6 U" in msg and "94%" in msg and "bestuurlijk_gebonden 80.0" in msg
    assert json.loads(figures)["total"] == "94"
    # within one point of rounding is agreement
    con2 = store.connect(":memory:")
    ingest.ingest(con2, [_owb2025_rows(tmp_path, {"|bestuurlijk gebonden": ("waarde", "87%")})])
    assert con2.execute("SELECT count(*) FROM finding WHERE code = 'commitment-split-mismatch'").fetchone() == (0,)


def test_a_percentage_of_ontvangsten_is_never_stored(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _owb2025_rows(tmp_path, {"|juridisch verplicht": ("vuo", "O")})
    ingest.ingest(con, [path])
    assert con.execute("SELECT count(*) FROM legal_commitment WHERE instrument IS NULL "
                       "AND category = 'juridisch_verplicht'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM finding WHERE code = 'row-skipped' "
                       "AND message LIKE '%percentage of ''O''%'").fetchone() == (1,)
    # and the last line of defence refuses one from any reader
    bad = ReadResult(kind="gevolgen", rows_read=1, commitments=[CommitmentRecord(
        2, 2025, 2025, "OWB", "VII", "6", 2025, "juridisch_verplicht", Decimal(10), "2025", vuo="O")])
    with pytest.raises(ValueFormatError, match="alleen van uitgaven of verplichtingen"):
        ingest.check(path, bad)


def test_migration_0006_keeps_existing_shares(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = database_before(db, "0006")
    con.execute("INSERT INTO legal_commitment VALUES (1, 5, 2017, 2017, 'OWB', 'VII', '6', 2017, "
                "'juridisch_verplicht', 91.8, '% Juridisch verplicht')")
    con.close()
    con = store.connect(db)
    assert "0006_commitment_split" in store.applied_migrations(con)
    assert con.execute("SELECT instrument, vuo, source_text, pct FROM legal_commitment").fetchall() == [
        (None, "U", None, Decimal("91.800"))]
    con.close()


def test_the_owb_2025_table_is_read_in_its_layout_and_every_level_reconciles(
        con: duckdb.DuckDBPyConnection) -> None:
    report = ingest.ingest(con, [GEVOLGEN])
    first = next(i for i, x in enumerate(GEVOLGEN.read_text(encoding="utf-8").splitlines(), start=1)
                 if x.startswith("2025_OWB_VII_art6,"))
    lines = dict(con.execute("SELECT niveau || CASE WHEN is_total THEN ' total' ELSE '' END, count(*) "
                             "FROM budget_line WHERE source_row >= ? GROUP BY 1", [first]).fetchall())
    assert lines == {"artikel total": 3, "artikelonderdeel total": 4, "instrument total": 21, "regeling": 50}
    # 2023 = t-2: the realisatie (jaarverslag 2023); 2024 = t-1 and 2025-2029: stands of the ontwerpbegroting 2025
    moments = con.execute("""
        SELECT DISTINCT a.moment_jaar, a.fase, a.measure, a.jaar FROM amount a JOIN budget_line l USING (line_id)
        WHERE l.source_row >= ? ORDER BY a.jaar""", [first]).fetchall()
    assert moments == [(2023, "JV", "realisatie", 2023)] + [(2025, "OWB", "stand", j) for j in range(2024, 2030)]
    # the totals check covered every total row of the table in every year, and none differs
    checked = con.execute("SELECT count(*) FROM finding WHERE code = 'total-mismatch' AND row_number >= ?",
                          [first]).fetchone()
    assert checked == (0,) and report.reconciliation["totals_checked"] >= 26 * 7
    u = con.execute("""
        SELECT a.jaar, sum(a.value) FILTER (WHERE NOT l.is_total), max(a.value) FILTER (WHERE l.niveau = 'artikel')
        FROM budget_line l JOIN amount a USING (line_id)
        WHERE l.source_row >= ? AND l.vuo = 'U' GROUP BY 1 ORDER BY 1""", [first]).fetchall()
    assert [(j, d == t) for j, d, t in u] == [(j, True) for j in range(2023, 2030)]
    assert u[2][2] == Decimal(536888)


@pytest.mark.parametrize("edited_last", [True, False])
def test_the_newest_publication_states_the_share_in_any_load_order(tmp_path: Path, edited_last: bool) -> None:
    """Two sources state the share of VII art. 6 for the OWB 2025: an extract of that moment's table (edited to 12 %
    on purpose) and the whole file, which has later moments. The whole file's 10 % shows, loaded first or last."""
    extract = _owb2025_rows(tmp_path, {"|juridisch verplicht": ("waarde", "12%"),
                                       "|bestuurlijk gebonden": ("waarde", "84%")})
    con = store.connect(":memory:")
    ingest.ingest(con, [GEVOLGEN, extract] if edited_last else [extract, GEVOLGEN])
    latest = dict(con.execute("SELECT file_name, latest_moment FROM source").fetchall())
    assert latest[GEVOLGEN.name] > latest[extract.name] == publication_key(2025, "OWB")
    art = next(dict(zip(res.columns, r, strict=True)) for res in [commitment_split(con, 2025, "OWB", 2025)]
               for r in res.rows if r[:3] == ("VII", "6", None))
    assert (art["juridisch_verplicht"], art["bestuurlijk_gebonden"], art["som_pct"]) == (10, 86, 100)
    assert art["bronnen"].index(GEVOLGEN.name) < art["bronnen"].index("owb2025.csv")  # the other is named after it
