"""The set-based bulk path (sources/bulk_sql.py) gives exactly what the Python reader gives: every row of
budget_line, amount, finding and source (ids apart), and the same errors (file, physical row, column, expected)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import duckdb
import pytest

from digibudget import ingest, store
from digibudget.errors import DigibudgetError
from digibudget.sources import bulk_sql

FIXTURES = Path(__file__).parent / "fixtures"
BULK = FIXTURES / "fetch" / "Budgettaire_Tabellen_2024_O1_incl.csv"
REPO = Path(__file__).resolve().parents[1]


def _generated(tmp_path: Path, rows: int) -> list[Path]:
    spec = importlib.util.spec_from_file_location("bench_generate", REPO / "bench" / "generate.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = gen
    spec.loader.exec_module(gen)
    paths: list[Path] = gen.generate(rows, tmp_path, seed=7)
    return [p for p in paths if "_2020_" in p.name or "_2031_" in p.name]


def _python_reader_only(m: pytest.MonkeyPatch) -> None:
    """No file staged: ingest reads every file with the Python reader (ingest stages through stage_many)."""
    m.setattr(bulk_sql, "stage", lambda con, path: None)
    m.setattr(bulk_sql, "stage_many", lambda con, paths: {})


def _load(paths: list[Path], *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> duckdb.DuckDBPyConnection:
    con = store.connect(":memory:")
    with monkeypatch.context() as m:
        if not fast:
            _python_reader_only(m)
        ingest.ingest(con, paths)
    return con


def _rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[object, ...]]]:
    return {
        "budget_line": con.execute("SELECT * EXCLUDE (line_id, duplicate_of), duplicate_of IS NOT NULL "
                                   "FROM budget_line ORDER BY ALL").fetchall(),
        "amount": con.execute("SELECT a.* EXCLUDE (line_id), l.source_id, l.source_row FROM amount a "
                              "JOIN budget_line l USING (line_id) ORDER BY ALL").fetchall(),
        "finding": con.execute("SELECT * EXCLUDE (finding_id) FROM finding ORDER BY ALL").fetchall(),
        "source": con.execute("SELECT * EXCLUDE (loaded_at) FROM source ORDER BY ALL").fetchall(),
        # the ids too: line ids follow the file order, finding ids the sorted findings, in both paths
        "ids": con.execute("SELECT line_id, source_id, source_row FROM budget_line ORDER BY ALL").fetchall(),
        "finding_ids": con.execute("SELECT finding_id, code, message FROM finding ORDER BY ALL").fetchall(),
    }


def _same(paths: list[Path], monkeypatch: pytest.MonkeyPatch) -> dict[str, list[tuple[object, ...]]]:
    fast = _rows(_load(paths, fast=True, monkeypatch=monkeypatch))
    slow = _rows(_load(paths, fast=False, monkeypatch=monkeypatch))
    for table in fast:
        assert fast[table] == slow[table], table
    return fast


def test_fixture_and_generated_sample_identical_in_both_paths(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [BULK, *_generated(tmp_path, 6_000)]
    con = store.connect(":memory:")
    assert all(bulk_sql.stage(con, p) is not None for p in paths)  # the fast path really runs
    rows = _same(paths, monkeypatch)
    assert len(rows["budget_line"]) > 600 and len(rows["amount"]) > 2_000 and rows["finding"]


def test_staged_in_batches_gives_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Big loads are staged in batches of files (bounded memory); one file per batch gives the same rows and ids."""
    paths = [BULK, *_generated(tmp_path, 6_000)]
    whole = _rows(_load(paths, fast=True, monkeypatch=monkeypatch))
    monkeypatch.setattr(bulk_sql, "STAGE_BATCH_BYTES", 1)
    assert len(bulk_sql._batches([(p, None) for p in paths])) == len(paths)
    assert _rows(_load(paths, fast=True, monkeypatch=monkeypatch)) == whole


HEADER = ("IBOSnummer;Begrotingsjaar;Fase;VUO;Totaal;Hoofdstuknummer;Hoofdstuknaam;Artikelnummer;Artikelnaam;"
          "Artikelonderdeelnummer;Instrumentnummer;Instrumentnaam;Detailnummer;Detailnaam;StandOWB;StandO1;StandVB")
GOOD = "2024.VII.6.2.1.1;2024;O1;U;N;VII;BZK;6;Digitalisering;2;1;Subsidies (regelingen);1;Digid;1234;1300;1234"
MESSY = [
    "2024.VII.6.2.1.2;2024;O1;u;N;vii;BZK;6;Digitalisering;2;1; opdrachten ;2; Logius ;1.234,5;pm;(12)",
    "2024.VII.6.2.1.3;2024;o1;U;n;ZZ;BZK;6;Digitalisering;2;1;Onbekend ding;3;\"Regeling; met puntkomma\";````;;-",
    ";;;;;;;;;;;;;;;;",
    HEADER,
    "2024.VII.6.2.1.4;2024;O1;U;N;VII;BZK;6;Digitalisering;2;1;Opdrachten;4;Logius;1e3;12,12345678901;\u2012 5",
    "2024.VII.6.2.1.5;2024;O1;U;N;VII;BZK;6;Digitalisering;2;1;Opdrachten;5;Caf\u00e9 \u00df;  7 ;1 234;"
    "99999999999999999999999999999",
    "2024.VII.6;2024;O1;U;J;VII;BZK;6;Digitalisering;;;;;;1234;1300;1234",
    "2024.VII.6;2024;O1;U;J;VII;BZK;6;Digitalisering;;;;;;1234;1300;1234",
    # whitespace other than spaces at one end only (no-break before, ideographic after), an accent after one
    "2024.VII.6.2.1.6;2024;O1;U;N;VII;BZK;6;Digitalisering;2;1;\u00a0Opdrachten;6;Logius\u3000;\u0301 x;5;6",
]


def _file(tmp_path: Path, name: str, rows: list[str], *, end: str = "\r\n") -> Path:
    p = tmp_path / name
    p.write_text("\ufeff" + end.join([HEADER, *rows]) + end, encoding="utf-8")
    return p


def test_messy_cells_give_the_same_lines_amounts_and_findings(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, "Budgettaire_Tabellen_2024_O1_incl.csv", [GOOD, *MESSY, GOOD.replace(".1;2024", ".9;2024")])
    rows = _same([path], monkeypatch)
    codes = {r[1] for r in rows["finding"]}
    assert {"vuo-normalised", "unknown-hoofdstuk", "instrument-normalised", "unknown-instrument", "pro-memorie",
            "unreadable-amount", "float-artefact", "empty-row", "header-row-in-data", "amount-missing",
            "duplicate-line"} <= codes


def test_a_finding_in_two_columns_of_many_rows_lists_each_row_once(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """More than 50 rows with the same finding in two cells each: the occurrences count both cells, the first 50
    rows are listed once each, as the Python reader lists them."""
    rows = [GOOD.replace(".1;2024", f".{i};2024").replace(";1234;1300;1234", ";pm;pm;1234") for i in range(1, 121)]
    found = _same([_file(tmp_path, "Budgettaire_Tabellen_2024_O1_incl.csv", rows)], monkeypatch)["finding"]
    figures = [json.loads(str(r[-1])) for r in found if r[1] == "pro-memorie"]
    assert [(f["occurrences"], f["rows"]) for f in figures] == [(240, list(range(2, 52)))]


def test_lf_endings_and_no_final_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lf = _file(tmp_path, "a.csv", [GOOD, *MESSY[:2]], end="\n")
    cut = tmp_path / "b.csv"
    cut.write_bytes(_file(tmp_path, "b.csv", [GOOD, MESSY[0]]).read_bytes().rstrip(b"\r\n"))
    rows = _same([lf, cut], monkeypatch)
    assert any(r[1] == "file-may-be-truncated" for r in rows["finding"])


BAD_ROWS = {
    "year": GOOD.replace(";2024;O1", ";20x4;O1"),
    "fase": GOOD.replace(";O1;", ";Q9;"),
    "vuo": GOOD.replace(";U;N;", ";X;N;"),
    "totaal": GOOD.replace(";U;N;", ";U;?;"),
    "hoofdstuk": GOOD.replace(";VII;BZK", "; ;BZK"),
    "too_few_cells": ";".join(GOOD.split(";")[:10]),
    "too_many_cells": GOOD + ";1;2",
    "huge_amount": GOOD.replace(";1234;1300", ";9999999999999999999999999999,99999999999;1300"),
    "unterminated_quote": GOOD.replace(";Digid;", ';"Digid;'),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_refusals_are_the_same_errors(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, f"{case}.csv", [GOOD, GOOD.replace(".1;2024", ".7;2024"), BAD_ROWS[case], GOOD])
    errors = []
    for fast in (True, False):
        con = store.connect(":memory:")
        before = con.execute("SELECT count(*) FROM budget_line").fetchone()
        with pytest.raises(DigibudgetError) as info, monkeypatch.context() as m:
            if not fast:
                _python_reader_only(m)
            ingest.ingest(con, [path])
        assert con.execute("SELECT count(*) FROM budget_line").fetchone() == before
        assert not con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'bulk_%'").fetchall()
        errors.append((type(info.value), info.value.describe(), info.value.location))
    assert errors[0] == errors[1]
    assert errors[0][2] is not None and errors[0][2].row == 4


def _outcome(paths: list[Path], *, fast: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    try:
        return _rows(_load(paths, fast=fast, monkeypatch=monkeypatch))
    except DigibudgetError as exc:
        return exc.describe()


def test_irregular_files_fall_back_to_the_python_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blank = _file(tmp_path, "blank.csv", [GOOD, "", GOOD.replace(".1;2024", ".2;2024")])
    multiline = _file(tmp_path, "multi.csv", [GOOD.replace(";Digid;", ';"Digid\nzin";')])
    multiline_crlf = _file(tmp_path, "multi2.csv", [GOOD, GOOD.replace(";Digid;", ';"Digid\r\nzin";')])
    lone_cr = _file(tmp_path, "cr.csv", [GOOD.replace(";Digid;", ";Digid\rzin;")])
    after_quote = _file(tmp_path, "q.csv", [GOOD.replace(";Digid;", ';"Digid"x;')])
    short_blank = _file(tmp_path, "s.csv", [GOOD, ";;", GOOD.replace(".1;2024", ".2;2024")])
    con = store.connect(":memory:")
    for p in (blank, multiline, multiline_crlf, lone_cr, after_quote, short_blank):
        st = bulk_sql.stage(con, p)
        assert st is None or not st.refuse(), p.name  # not staged, or handed back to the Python reader
        assert _outcome([p], fast=True, monkeypatch=monkeypatch) == _outcome([p], fast=False, monkeypatch=monkeypatch)


def _scan_reference(data: bytes) -> tuple[int, bool, list[tuple[int, bytes]]] | None:
    """What bulk_files.scan must say, computed over the whole file at once."""
    if data.count(b"\r") != data.count(b"\r\n"):
        return None
    lines = data.split(b"\n")
    ends = data.endswith(b"\n")
    if ends:
        lines = lines[:-1]
    quoted = [(i + 1, ln.removesuffix(b"\r")) for i, ln in enumerate(lines) if b'"' in ln]
    return (data.count(b"\n") + (0 if ends else 1), ends, quoted)


@pytest.mark.parametrize("chunk", [1, 3, 7, 1 << 24])
def test_the_file_scan_agrees_with_a_whole_file_count_across_chunk_borders(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """Line count, final line break, the lines holding a quote, and a lone CR (anywhere, also at a chunk's end or
    the file's end), for chunks smaller than a line as well as the real size."""
    import random

    from digibudget.sources import bulk_files

    monkeypatch.setattr(bulk_files, "CHUNK_BYTES", chunk)
    rng = random.Random(11)
    cases = [b"a;b\r\nc;d\r\n", b"a;b\r\nc;d", b"a;b\r\nc\r;d\r\n", b"a;b\r\nc;d\r", b'a;"b"\r\n"c;d"\r\ne\r\n',
             b"a\n\nb\n", b'"', b"x\r\r\n"]
    cases += [bytes(rng.choice(b'ab;"\r\n') for _ in range(rng.randint(1, 40))) for _ in range(300)]
    for i, data in enumerate(cases):
        path = tmp_path / f"c{i}.csv"
        path.write_bytes(data)
        assert bulk_files.scan(path) == _scan_reference(data), data
