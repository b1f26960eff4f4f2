"""The rijksfinancien.nl ontwerpbegroting JSON (B-tabel level, 2019 and 2020) on the real bundled files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from digibudget import ingest, pipeline, store
from digibudget.errors import SourceError, UnknownFormatError
from digibudget.sources import detect, owb_json, read

REPO = Path(__file__).resolve().parents[1]
JSON_DIR = REPO / "data" / "btabel_json"
STATEN = REPO / "data" / "begrotingsstaten" / "begrotingsstaten_rijksfinancien_nl_20200914.csv"


@pytest.fixture(scope="module")
def db() -> Iterator[duckdb.DuckDBPyConnection]:
    con = store.connect(":memory:")
    pipeline.build(con, [STATEN, JSON_DIR])
    yield con
    con.close()


def test_detection_and_folders(tmp_path: Path) -> None:
    assert detect(JSON_DIR / "owb_btabel_2019.json") is owb_json.READER
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"jaar": 2019, "bedrag": 1}]), encoding="utf-8")
    with pytest.raises(UnknownFormatError, match=r"geen lezer herkent deze JSON \(een lijst van records met de "
                                                 r"sleutels jaar, bedrag\)") as exc:
        detect(other)
    assert "B-tabel van een ontwerpbegroting" in str(exc.value.expected)
    (tmp_path / "obj.json").write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="een JSON-object"):
        detect(tmp_path / "obj.json")
    for name, text, message in (("cut.json", '[{"vuo": "U", ', "ongeldige JSON"),
                                ("deep.json", "[" * 100000 + "]" * 100000, "te diep genest")):
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(SourceError, match=message):
            read(tmp_path / name)
    # a folder gives its tables, never the JSON descriptions beside them
    names = [p.name for p in ingest.expand([REPO / "data" / "gevolgen", JSON_DIR])]
    assert names == ["budgettaire_gevolgen_van_beleid_long.csv", "owb_btabel_2019.json", "owb_btabel_2020.json"]


@pytest.mark.parametrize(("year", "sub", "premie", "aanvullend", "belasting"),
                         [(2019, 110, 42, 26, 153306358), (2020, 138, 54, 17, 155510240)])
def test_what_is_left_out_is_counted(year: int, sub: int, premie: int, aanvullend: int, belasting: int) -> None:
    path = JSON_DIR / f"owb_btabel_{year}.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    r = read(path)
    left = {f.figures["kind"]: f.figures["count"] for f in r.findings if f.code == "records-left-out"}
    assert left == {"sub": sub, "premie": premie, "aanvullend": aanvullend}
    part, = (f for f in r.findings if f.code == "record-is-part")
    assert part.figures["value"] == belasting and "IXB art. 1 O" in part.message
    assert len(r.lines) == len(records) - sub - premie - aanvullend - 1 == r.rows_read - sub - premie - aanvullend - 1
    assert {line.begrotingsjaar for line in r.lines} == {year}
    assert not {"IIIA", "60", "999"} & {line.hoofdstuk for line in r.lines}
    assert r.url and "rijksfinancien/drupal/blob/de1d571f" in r.url and f"data/{year}.json" in r.url


def test_lines_keep_their_record_and_the_mapping_is_told() -> None:
    r = read(JSON_DIR / "owb_btabel_2020.json")
    records = json.loads((JSON_DIR / "owb_btabel_2020.json").read_text(encoding="utf-8"))
    vii6 = [x for x in r.lines if x.hoofdstuk == "VII" and x.artikel == "6"]
    u = [x for x in vii6 if x.vuo == "U"]
    assert len(u) == 61 and sum(a.value for x in u for a in x.amounts) == Decimal(169975)
    v, = (x for x in vii6 if x.vuo == "V")
    assert v.is_total and v.niveau == "artikel" and v.amounts[0].value == 169975
    for line in u:
        rec = records[line.source_row - 1]  # the row is the record's number in the array
        assert line.amounts[0].value == rec["bedrag"] and line.amounts[0].source_column == "bedrag"
        assert line.regeling == (rec["uitsplitsing_financieel_instrument"].strip() or None)
        assert line.artikelonderdeel == ".".join(rec["nr_onderverdeling"].split(".")[:2])
        assert line.instrument_raw == rec["financieel_instrument"].strip() and not line.is_total
        a = line.amounts[0]
        assert (a.moment_jaar, a.fase, a.measure, a.jaar, a.unit) == (2020, "OWB", "stand", 2020, "EUR1000")
    assert {x.instrument for x in u} >= {"Bijdrage aan agentschappen", "Opdrachten", "Subsidies"}
    mapped = {(f.figures["raw"], f.figures["normalised"]) for f in r.findings if f.code == "code-mapped"}
    assert mapped == {("IIIA", "III"), ("11", "1"), ("12", "2")}
    assert {x.artikel for x in r.lines if x.hoofdstuk == "IXA"} == {"1", "2"}


def test_reconciliation_with_the_begrotingsstaten(db: duckdb.DuckDBPyConnection) -> None:
    """Measured on the loaded database: per year the common hoofdstuk x artikel x V/U/O keys, how many agree
    (the agreement finding's count) and how many differ (one finding each, naming both files, rows and figures)."""
    measured = {}
    for year in (2019, 2020):
        name = f"owb_btabel_{year}.json"
        agree = db.execute("SELECT sum(json_extract(figures, '$.count')::INTEGER) FROM finding "
                           "WHERE code = 'source-agreement' AND path = ? AND message LIKE 'article sums of lines%'",
                           [name]).fetchone()
        differ = db.execute("SELECT message, figures FROM finding WHERE code = 'lines-source-mismatch' AND path = ?",
                            [name]).fetchall()
        for message, figures in differ:
            f = json.loads(figures)
            assert name in f["source_a"] and STATEN.name in f["source_b"] and "rij " in f["source_b"]
            assert f["value_a"] in message and f["value_b"] in message
        assert agree is not None
        measured[year] = (int(agree[0]) + len(differ), int(agree[0]), len(differ))
    assert measured == {2019: (445, 435, 10), 2020: (450, 440, 10)}
    # a JSON file that parsed is complete, with or without a line break at its end
    assert db.execute("SELECT count(*) FROM finding WHERE code = 'file-may-be-truncated'").fetchone() == (0,)
    gemeentefonds = db.execute("SELECT message FROM finding WHERE code = 'lines-source-mismatch' "
                               "AND message LIKE 'B art. 3 U, ontwerpbegroting 2019%'").fetchone()
    assert gemeentefonds and "30146248" in gemeentefonds[0] and "25835515" in gemeentefonds[0] \
        and "Gemeentefonds" in gemeentefonds[0]


def test_selection_uses_the_json_detail_where_it_reconciles(db: duckdb.DuckDBPyConnection) -> None:
    for year in (2019, 2020):
        chapters = db.execute("""
            SELECT count(DISTINCT f.hoofdstuk) FROM fact f JOIN source s USING (source_id)
            WHERE s.kind = 'btabel_json' AND f.granularity = 'detail' AND f.moment_jaar = ? AND f.fase = 'OWB'""",
                              [year]).fetchone()
        assert chapters and chapters[0] >= 20
    # VII art. 6 U: the 61 lines of 2020, adding up to the begrotingsstaten's 169975
    rows = db.execute("""
        SELECT s.kind, f.granularity, count(*), sum(f.value_k) FROM fact f JOIN source s USING (source_id)
        WHERE f.hoofdstuk = 'VII' AND f.artikel = '6' AND f.vuo = 'U' AND f.moment_jaar = 2020 AND f.fase = 'OWB'
        GROUP BY ALL""").fetchall()
    assert rows == [("btabel_json", "detail", 61, Decimal(169975))]
    # B art. 3 U does not reconcile: the begrotingsstaten's article total counts, not the JSON lines
    rows = db.execute("""
        SELECT s.kind, f.granularity, sum(f.value_k) FROM fact f JOIN source s USING (source_id)
        WHERE f.hoofdstuk = 'B' AND f.artikel = '3' AND f.vuo = 'U' AND f.moment_jaar = 2019 AND f.fase = 'OWB'
        GROUP BY ALL""").fetchall()
    assert rows == [("begrotingsstaten", "artikel", Decimal(25835515))]
    # the chapter totals of the ontwerpbegroting are those of the begrotingsstaten (U, over the common chapters)
    totals = db.execute("""
        SELECT f.moment_jaar, sum(f.value_k) FROM fact f
        WHERE f.vuo = 'U' AND f.fase = 'OWB' AND f.moment_jaar IN (2019, 2020) AND f.measure = 'stand'
          AND NOT f.is_part GROUP BY 1 ORDER BY 1""").fetchall()
    staten = db.execute("""
        SELECT l.begrotingsjaar, sum(a.value_k) FROM budget_line l JOIN amount_k a USING (line_id)
        JOIN source s USING (source_id) WHERE s.kind = 'begrotingsstaten' AND l.niveau = 'artikel' AND l.vuo = 'U'
          AND a.fase = 'OWB' AND l.begrotingsjaar IN (2019, 2020) GROUP BY 1 ORDER BY 1""").fetchall()
    assert [(y, abs(t - s) <= 2) for (y, t), (_, s) in zip(totals, staten, strict=True)] == [(2019, True),
                                                                                                (2020, True)]


def test_moments_show_the_detail_of_both_ontwerpbegrotingen(db: duckdb.DuckDBPyConnection) -> None:
    from digibudget.analyze.moments import moments

    res = moments(db)
    by = {(r[0], r[1]): dict(zip(res.columns, r, strict=True)) for r in res.rows}
    for year in (2019, 2020):
        row = by[(year, "OWB")]
        assert row["detailregels"] > 1000 and row["hoofdstukken"] >= 24 and f"owb_btabel_{year}.json" in row["bronnen"]
    assert by[(2019, "VB")]["detailregels"] == 0  # the JSON holds the ontwerpbegroting only
