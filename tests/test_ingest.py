from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from digibudget import ingest, queries, store
from digibudget.errors import SourceError, ValueFormatError

BUDGET = Path(__file__).parent / "fixtures" / "budget"
REPO = Path(__file__).resolve().parents[1]


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
    return tuple(int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])  # type: ignore[index]
                 for t in ("source", "budget_line", "amount", "legal_commitment", "finding"))


def test_migrations_are_recorded_once(tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    con = store.connect(db)
    assert store.applied_migrations(con) == [m.name for m in store.MIGRATIONS]
    assert store.migrate(con) == []
    con.close()
    ro = store.connect(db, read_only=True)
    assert store.pending_migrations(ro) == []
    ro.close()


def test_read_only_open_of_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="bestaat niet"):
        store.connect(tmp_path / "none.duckdb", read_only=True)


def test_ingest_keeps_provenance_and_is_idempotent(con: duckdb.DuckDBPyConnection) -> None:
    report = ingest.ingest(con, [BUDGET])
    assert [f.status for f in report.files] == ["loaded"] * 4
    before = _counts(con)
    again = ingest.ingest(con, [BUDGET])
    assert [f.status for f in again.files] == ["unchanged"] * 4
    assert _counts(con) == before
    # every amount leads back to its file (sha256), row and column
    row = con.execute("""
        SELECT s.sha256, s.file_name, a.source_row, a.source_column, a.value, a.unit
        FROM amount a JOIN budget_line l USING (line_id) JOIN source s USING (source_id)
        WHERE l.regeling = 'Baten-lastenagentschap Logius' AND l.artikelonderdeel = '3' AND a.jaar = 2015""").fetchone()
    assert row is not None
    assert row[1] == "btabel_2015_excerpt.csv" and len(row[0]) == 64
    assert (row[2], row[3], row[4], row[5]) == (4, "Bedrag t", Decimal(30420), "EUR1000")


def test_reconciliation_between_sources_and_within_tables(con: duckdb.DuckDBPyConnection) -> None:
    report = ingest.ingest(con, [BUDGET])
    stats = report.reconciliation
    assert stats["cross_checked"] > 0 and stats["stands_checked"] > 0
    assert stats["stands_mismatch"] == 0  # the transcribed suppletoire tables are consistent
    # 2020 VII art. 6 verplichtingen: vastgesteld 169,975 and 1e suppletoire 181,069 in both sources
    agree = con.execute("""
        SELECT figures FROM finding WHERE code = 'source-agreement'
          AND message LIKE '%begrotingsstaten_2019-2020%' AND message LIKE '%gevolgen%'""").fetchall()
    assert agree and json.loads(agree[0][0])["count"] >= 4
    assert not con.execute("""SELECT * FROM finding WHERE code = 'source-mismatch'
                              AND message LIKE 'VII art. 6 V%2020%'""").fetchall()


_CROSS = ("SELECT code, message, path, figures FROM finding WHERE code IN ('source-mismatch', 'source-agreement', "
          "'lines-source-mismatch') ORDER BY ALL")


def test_cross_source_findings_of_one_load_equal_those_of_loads_file_by_file(tmp_path: Path) -> None:
    """A load checks only the pairs with a new source (reconcile._pairs_with): file by file, every pair is checked
    once, when its second source arrives, and the findings equal those of loading all files at once."""
    files = sorted(BUDGET.iterdir())
    together = store.connect(tmp_path / "together.duckdb")
    ingest.ingest(together, files)
    expected = together.execute(_CROSS).fetchall()
    one_by_one = store.connect(tmp_path / "one.duckdb")
    checked = 0
    for f in files:  # in the same order: a pair is named in the order its sources were loaded
        checked += ingest.ingest(one_by_one, [f]).reconciliation["cross_checked"]
    assert expected and {r[0] for r in expected} >= {"source-agreement"}
    assert one_by_one.execute(_CROSS).fetchall() == expected
    assert checked == ingest.ingest(store.connect(":memory:"), files).reconciliation["cross_checked"]


def test_a_stand_that_does_not_follow_from_its_mutations_is_a_finding(
        con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    text = (BUDGET / "gevolgen_excerpt.csv").read_text(encoding="utf-8")
    # 2020 VII art. 6, verplichtingen, stand 2e suppletoire: 196846 = 181069 + 4534 + 11243; publish a wrong one
    needle = "Stand 2e suppletoire begroting (4)=(2+3),2020,196846"
    assert needle in text
    broken = tmp_path / "gevolgen.csv"
    broken.write_text(text.replace(needle, needle.replace("196846", "196946"), 1), encoding="utf-8")
    report = ingest.ingest(con, [broken])
    assert report.reconciliation["stands_mismatch"] == 1
    figures = json.loads(con.execute("SELECT figures FROM finding WHERE code = 'stand-mismatch'").fetchone()[0])  # type: ignore[index]
    assert (figures["previous"], figures["mutations"], figures["stand"]) == ("181069", "15777", "196946")


def test_detail_rows_against_their_total(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = (BUDGET / "btabel_2015_excerpt.csv").read_text(encoding="utf-8").split("\n")
    # row 4 is a Logius detail line (2015: 30420) under the instrument total of row 2 (2015: 40135)
    assert ",30420," in lines[3]
    lines[3] = lines[3].replace(",30420,", ",30520,", 1)
    f = tmp_path / "btabel.csv"
    f.write_text("\n".join(lines), encoding="utf-8")
    ingest.ingest(con, [f])
    rows = con.execute("SELECT row_number, figures FROM finding WHERE code = 'total-mismatch'").fetchall()
    hit = [json.loads(r[1]) for r in rows if r[0] == 2 and "jaar 2015" in json.loads(r[1])["what"]]
    assert hit and (hit[0]["total"], hit[0]["detail_sum"], hit[0]["difference"]) == ("40135", "40235", "-100")


def test_duplicate_lines_are_kept_but_counted_once(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = (BUDGET / "btabel_2015_excerpt.csv").read_text(encoding="utf-8").split("\n")
    f = tmp_path / "dup.csv"
    f.write_text("\n".join([*lines[:5], lines[3], *lines[5:]]), encoding="utf-8")
    ingest.ingest(con, [f])
    dup = con.execute("SELECT row_number, figures FROM finding WHERE code = 'duplicate-line'").fetchall()
    assert len(dup) == 1 and dup[0][0] == 6 and json.loads(dup[0][1])["first_row"] == 4
    result = queries.lines(con, hoofdstuk="VII", artikel="6", jaar=2015, fase="OWB")
    logius = [r for r in result.rows if "Logius" in (r[6] or "") and r[4] == "3"]
    assert len(logius) == 1


def test_a_failing_file_leaves_the_database_exactly_as_it_was(
        con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    ingest.ingest(con, [BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv"])
    before = _counts(con)
    good = tmp_path / "a_good.csv"
    shutil.copy(BUDGET / "btabel_2015_excerpt.csv", good)
    bad = tmp_path / "b_bad.csv"
    bad.write_text((BUDGET / "begrotingsstaten_2016_met_eenheid.csv").read_text(encoding="utf-8")
                   .replace("2016;", "2O16;", 3), encoding="utf-8")
    with pytest.raises(ValueFormatError, match=r"b_bad\.csv, rij 2, kolom 'Begrotingsjaar'"):
        ingest.ingest(con, [good, bad])
    assert _counts(con) == before
    with pytest.raises(SourceError, match="bestaat niet"):
        ingest.ingest(con, [tmp_path / "missing.csv"])
    assert _counts(con) == before


def test_the_first_unreadable_file_in_file_order_is_named_and_nothing_changes(
        con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digests are taken two files at a time; the error raised is still that of the first unreadable file in
    the order of the files, after the readable ones before it, and the database keeps its state."""
    from digibudget.errors import Location

    ingest.ingest(con, [BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv"])
    before = _counts(con)
    names = ["a_good.csv", "b_locked.csv", "c_good.csv", "d_locked.csv"]
    for name in names:
        shutil.copy(BUDGET / "btabel_2015_excerpt.csv", tmp_path / name)
    real = ingest.sha256_of

    def locked(path: Path) -> str:
        if "locked" in path.name:
            raise SourceError("kan het bestand niet lezen: geen toegang", location=Location(str(path)))
        return real(path)

    monkeypatch.setattr(ingest, "sha256_of", locked)
    with pytest.raises(SourceError, match=r"b_locked\.csv"):
        ingest.ingest(con, [tmp_path / n for n in names])
    assert _counts(con) == before


def test_write_failure_rolls_back_everything(con: duckdb.DuckDBPyConnection,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    before = _counts(con)

    def boom(*_: object) -> dict[str, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest.reconcile, "run", boom)
    with pytest.raises(RuntimeError):
        ingest.ingest(con, [BUDGET])
    assert _counts(con) == before


def test_totals_and_details_are_never_summed_and_vuo_never_mixed(con: duckdb.DuckDBPyConnection) -> None:
    ingest.ingest(con, [BUDGET])
    details = queries.lines(con, include_totals=False)
    assert details.rows and all(r[details.columns.index("totaal")] is False for r in details.rows)
    vuo = con.execute("SELECT count(DISTINCT vuo) FROM budget_line GROUP BY line_id HAVING count(DISTINCT vuo) > 1")
    assert vuo.fetchall() == []


def test_totals_check_matches_a_plain_reference_on_the_real_btabellen() -> None:
    """The totals check sums details per level before the join (linear at national scale). Checked against the
    rule written out plainly in Python, on the three real B-tabellen, whose totals sit at all four levels."""
    from collections import defaultdict

    from digibudget import reconcile

    con = store.connect(":memory:")
    ingest.ingest(con, sorted((REPO / "data" / "btabel").glob("*.csv")))
    ids = [r[0] for r in con.execute("SELECT source_id FROM source").fetchall()]
    rows = con.execute("""
        SELECT l.source_id, l.source_row, l.begrotingsjaar, l.hoofdstuk, l.artikel, l.artikelonderdeel, l.instrument,
               l.regeling, l.vuo, l.niveau, l.is_total, a.moment_jaar, a.fase, a.measure, a.mutatie_soort, a.jaar,
               a.unit, a.value
        FROM budget_line l JOIN amount a USING (line_id) WHERE l.duplicate_of IS NULL AND l.artikel IS NOT NULL
    """).fetchall()
    sums: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for (sid, _, bj, h, art, ond, instr, reg, vuo, _, is_total, mj, fase, measure, soort, jaar, unit, value) in rows:
        if is_total:
            continue
        base = (sid, bj, h, art, vuo, mj, fase, measure, soort, jaar, unit)
        for level in ((), (ond,), ("*", instr), (ond, instr), ("*", instr, reg), (ond, instr, reg)):
            sums[(*base, level)][0] += value
            sums[(*base, level)][1] += 1
    expected = set()
    for (sid, row, bj, h, art, ond, instr, reg, vuo, niveau, is_total, mj, fase, measure, soort, jaar, unit,
         value) in rows:
        if not is_total or niveau not in ("artikel", "artikelonderdeel", "instrument", "regeling"):
            continue
        first = "*" if ond is None else ond
        level = {"artikel": (), "artikelonderdeel": (ond,), "instrument": (first, instr),
                 "regeling": (first, instr, reg)}[niveau]
        found = sums.get((sid, bj, h, art, vuo, mj, fase, measure, soort, jaar, unit, level))
        if found is not None:
            expected.add((sid, row, h, art, ond, instr, reg, vuo, bj, fase, measure, soort, jaar, unit, value,
                          found[0], found[1]))
    gids = [int(r[0]) for r in con.execute(f"SELECT DISTINCT gid FROM ({reconcile._TOTAL_ROWS})", [ids]).fetchall()]
    assert sorted(gids) == [0, 1, 3, 4, 5, 7]  # every level occurs
    got = con.execute(reconcile.totals_sql(gids), [ids, ids]).fetchall()
    assert len(got) > 10_000 and set(got) == expected and len(got) == len(expected)
