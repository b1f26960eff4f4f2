"""Repeated lines within one source, on the real B-tabel of the ontwerpbegroting 2015 (VII art. 6 U, rows 981/982)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from digibudget import ingest, pipeline, store

REPO = Path(__file__).resolve().parents[1]
BTABEL_2015 = REPO / "data" / "btabel" / "budgettaire_tabellen_owb_2015_origineel.csv"
BTABEL_2017 = REPO / "data" / "btabel" / "budgettaire_tabellen_owb_2017_origineel.csv"  # its t-2: realisatie 2015


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    con = store.connect(":memory:")
    pipeline.build(con, [BTABEL_2015, BTABEL_2017])
    yield con
    con.close()


def _line(con: duckdb.DuckDBPyConnection, row: int) -> tuple[int, int | None]:
    found = con.execute("SELECT line_id, duplicate_of FROM budget_line JOIN source USING (source_id) "
                        "WHERE source_row = ? AND file_name = ?", [row, BTABEL_2015.name]).fetchone()
    assert found
    return int(found[0]), found[1]


def test_a_second_total_row_of_fractions_does_not_count(db: duckdb.DuckDBPyConnection) -> None:
    real, real_dup = _line(db, 981)
    stray, stray_dup = _line(db, 982)
    assert real_dup is None and stray_dup == real
    # the figure analyses use: VII art. 6 U, ontwerpbegroting 2015, year 2015
    fact = db.execute("""
        SELECT sum(value_k), list(DISTINCT line_id) FROM fact
        WHERE hoofdstuk = 'VII' AND artikel = '6' AND vuo = 'U' AND moment_jaar = 2015 AND fase = 'OWB'
          AND jaar = 2015 AND measure = 'stand' AND NOT is_part""").fetchone()
    assert fact and fact[0] == Decimal(88885) and stray not in fact[1]
    assert db.execute("SELECT count(*) FROM fact WHERE line_id = ?", [stray]).fetchone() == (0,)
    # no change of the ledger is built on the 0.93, and the line does not drop to (almost) zero
    assert db.execute("SELECT count(*) FROM mutation WHERE line_id = ? OR van_line_id = ?",
                      [stray, stray]).fetchone() == (0,)
    # the change from the ontwerpbegroting 2015 to the realisatie 2015 starts from 88885 (it started from 0.93)
    (van, naar), = db.execute("""
        SELECT van_stand, naar_stand FROM mutation WHERE hoofdstuk = 'VII' AND artikel = '6' AND vuo = 'U'
          AND is_article_total AND jaar = 2015 AND van_moment_jaar = 2015 AND van_fase = 'OWB'""").fetchall()
    assert van == Decimal(88885) and naar == Decimal(178095)
    (message, figures), = db.execute("SELECT message, figures FROM finding WHERE code = 'duplicate-total' "
                                     "AND row_number = 982").fetchall()
    for text in ("row 981", "125526", "88885", "row 982", "0.93", "row 981 counts", "93 %", "percentage",
                 "0.93 x EUR 1,000", "no percentage is derived"):
        assert text in message, text
    assert json.loads(figures)["counted_row"] == 981
    # the stray fraction did not become a juridisch verplicht share
    assert db.execute("SELECT count(*) FROM legal_commitment WHERE hoofdstuk = 'VII' AND artikel = '6' "
                      "AND source_row = 982").fetchone() == (0,)


def test_the_rule_is_general_evidence_decides(db: duckdb.DuckDBPyConnection) -> None:
    """Every decided pair in the real file points the other row at the row that counts."""
    decided = db.execute("""
        SELECT figures FROM finding JOIN source USING (source_id) WHERE code = 'duplicate-total'
          AND message LIKE '%counts:%' AND file_name = ?""", [BTABEL_2015.name]).fetchall()
    assert len(decided) >= 5
    for (figures,) in decided:
        f = json.loads(figures)
        kept, dropped = _line(db, int(f["row_a"])), _line(db, int(f["row_b"]))
        assert kept[1] is None and dropped[1] == kept[0]


def _excerpt(tmp_path: Path, rows: list[int], replace: dict[int, tuple[str, str]] | None = None) -> Path:
    """Real rows of the 2015 B-tabel (by physical line number) in a file of their own, some edited on purpose."""
    lines = BTABEL_2015.read_text(encoding="utf-8").split("\n")
    out = [lines[0]]
    for n in rows:
        text = lines[n - 1]
        if replace and n in replace:
            text = text.replace(*replace[n])
        out.append(text)
    path = tmp_path / "excerpt.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def test_repeated_detail_with_other_amounts_is_named(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # row 976 (a detail row: 845 ...) appears again with another t-2 amount
    path = _excerpt(tmp_path, [975, 976, 976, 979])
    text = path.read_text(encoding="utf-8").split("\n")
    text[3] = text[3].replace(",845,343,160,", ",846,343,160,")
    path.write_text("\n".join(text), encoding="utf-8")
    ingest.ingest(con, [path])
    (message,), = con.execute("SELECT message FROM finding WHERE code = 'duplicate-line-differs'").fetchall()
    assert "row 3" in message and "row 4" in message and "845" in message and "846" in message
    assert "all are counted" in message
    assert con.execute("SELECT count(*) FROM budget_line WHERE duplicate_of IS NOT NULL").fetchone() == (0,)


def test_without_evidence_both_totals_stay(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # the O total of VII art. 6 twice, the second with other amounts and no detail rows to tell them apart
    path = _excerpt(tmp_path, [983, 983])
    text = path.read_text(encoding="utf-8").split("\n")
    text[2] = text[2].replace(",17480,4588,", ",17481,4588,")
    path.write_text("\n".join(text), encoding="utf-8")
    ingest.ingest(con, [path])
    (message,), = con.execute("SELECT message FROM finding WHERE code = 'duplicate-total'").fetchall()
    assert "no evidence" in message and "17480" in message and "17481" in message
    assert con.execute("SELECT count(*) FROM budget_line WHERE duplicate_of IS NOT NULL").fetchone() == (0,)
