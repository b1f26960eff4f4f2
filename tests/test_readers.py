from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from digibudget.errors import SchemaError, SourceError, UnknownFormatError, ValueFormatError
from digibudget.sources import begrotingsstaten, btabel, bulk, detect, gevolgen, read
from digibudget.sources.model import LineRecord

FIXTURES = Path(__file__).parent / "fixtures"
BUDGET = FIXTURES / "budget"


def _amount(line: LineRecord, fase: str, jaar: int, measure: str = "stand") -> Decimal:
    values = [a.value for a in line.amounts if a.fase == fase and a.jaar == jaar and a.measure == measure]
    assert len(values) == 1, (fase, jaar, measure, line.amounts)
    return values[0]


def test_detection_picks_the_reader_by_header() -> None:
    assert detect(BUDGET / "btabel_2015_excerpt.csv") is btabel.READER
    assert detect(BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv") is begrotingsstaten.READER
    assert detect(BUDGET / "begrotingsstaten_2016_met_eenheid.csv") is begrotingsstaten.READER
    assert detect(BUDGET / "gevolgen_excerpt.csv") is gevolgen.READER
    assert detect(FIXTURES / "fetch" / "Budgettaire_Tabellen_2024_O1_incl.csv") is bulk.READER


def test_btabel_real_rows_with_hierarchy_years_and_messy_cells() -> None:
    r = read(BUDGET / "btabel_2015_excerpt.csv")
    logius = next(line for line in r.lines if line.regeling == "Baten-lastenagentschap Logius")
    assert (logius.hoofdstuk, logius.artikel, logius.artikelonderdeel) == ("VII", "6", "3")
    assert logius.instrument == "Bijdrage aan agentschappen" and not logius.is_total
    # t-2 is the realisation of 2013; t .. t+4 are the ontwerpbegroting 2015 for 2015-2019
    assert _amount(logius, "JV", 2013, "realisatie") == Decimal(32897)
    assert _amount(logius, "OWB", 2015) == Decimal(30420)
    assert {a.jaar for a in logius.amounts} == set(range(2013, 2020))
    assert all(a.unit == "EUR1000" and a.source_row is None for a in logius.amounts)
    codes = {f.code: f for f in r.findings}
    assert codes["header-row-in-data"].location.row == 47
    assert codes["unreadable-amount"].location.row == 42 and codes["unreadable-amount"].figures["raw"] == "````"
    assert codes["empty-row"].figures["count"] == 1
    assert "total-flag-inferred" in codes
    assert r.commitments[0].pct == Decimal("89.4") and r.commitments[0].hoofdstuk == "V"


def test_begrotingsstaten_five_moments() -> None:
    r = read(BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv")
    art6v = next(line for line in r.lines
                 if (line.begrotingsjaar, line.hoofdstuk, line.artikel, line.vuo) == (2020, "VII", "6", "V"))
    assert _amount(art6v, "VB", 2020) == Decimal(169975)
    assert _amount(art6v, "O1", 2020) == Decimal(181069)
    assert not [a for a in art6v.amounts if a.fase == "O2"]  # not yet known in September 2020: no value invented


def test_begrotingsstaten_semicolon_variant_with_units() -> None:
    r = read(BUDGET / "begrotingsstaten_2016_met_eenheid.csv")
    totaal = next(line for line in r.lines if line.niveau == "totaal" and line.vuo == "O")
    assert totaal.hoofdstuk == "RIJK"
    assert {a.unit for a in totaal.amounts} == {"EURMLN"}
    assert _amount(totaal, "OWB", 2016) == Decimal("69420.30")
    vii = [line for line in r.lines if line.hoofdstuk == "VII" and line.niveau == "artikel"]
    assert vii and all(a.unit == "EUR1000" for line in vii for a in line.amounts)


def test_gevolgen_stands_mutations_and_percentages() -> None:
    r = read(BUDGET / "gevolgen_excerpt.csv")
    v = next(line for line in r.lines if line.source_ref and "2020_2SUPP_VII_art6" in line.source_ref
             and line.niveau == "artikel" and line.vuo == "V")
    assert _amount(v, "VB", 2020) == Decimal(169975)
    assert _amount(v, "O1", 2020) == Decimal(181069)
    assert _amount(v, "O2", 2020) == Decimal(196846)
    mutaties = {a.mutatie_soort: a.value for a in v.amounts if a.measure == "mutatie"}
    assert mutaties == {"miljoenennota": Decimal(4534), "overig": Decimal(11243)}
    assert v.source_ref.startswith("https://www.rijksfinancien.nl/memorie-van-toelichting/2020/2SUPP/VII/")
    pct = [c for c in r.commitments if c.hoofdstuk == "VII" and c.artikel == "6"]
    assert {(c.fase, c.pct) for c in pct} == {("O1", Decimal(74)), ("O2", Decimal(74))}
    gdi = next(line for line in r.lines if line.regeling == "Overboeking Investeringspost GDI")
    a2023 = next(a for a in gdi.amounts if a.jaar == 2023)
    assert (a2023.value, a2023.unit, a2023.moment_jaar, a2023.fase, a2023.measure) == (
        Decimal("62.2"), "EURMLN", 2023, "OWB", "mutatie")
    # the 1e suppletoire multi-year mutation columns belong to the O1 moment
    art36 = next(line for line in r.lines if line.source_ref and "2023_1SUPP_VI_art36" in line.source_ref
                 and line.niveau == "artikel" and line.vuo == "V")
    assert _amount(art36, "O1", 2024, "mutatie") == Decimal(126675)
    owb = next(line for line in r.lines if line.source_ref and "2022_OWB_XV_art99" in line.source_ref)
    assert {a.measure for a in owb.amounts if a.jaar == 2020} == {"realisatie"}


def test_bulk_layout_reader() -> None:
    r = read(FIXTURES / "fetch" / "Budgettaire_Tabellen_2024_O1_incl.csv")
    total_u = next(line for line in r.lines if line.is_total and line.vuo == "U" and line.artikel == "6")
    assert _amount(total_u, "O1", 2024) == Decimal(534082)
    assert _amount(total_u, "OWB", 2024) == Decimal(536087)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_broken_files_get_clear_errors(tmp_path: Path) -> None:
    good = (BUDGET / "begrotingsstaten_2019-2020_VI_VII.csv").read_bytes()
    cp1252 = good.replace(b"Binnenlandse", "Binnenl\u00e4ndse".encode("cp1252"), 1)
    with pytest.raises(SourceError, match=r"rij 2.*Windows-1252"):
        read(_write(tmp_path, "a.csv", cp1252))
    with pytest.raises(SourceError, match="PDF"):
        read(_write(tmp_path, "b.csv", b"%PDF-1.7\n..."))
    with pytest.raises(SourceError, match="leeg"):
        read(_write(tmp_path, "c.csv", b""))
    with pytest.raises(UnknownFormatError):
        read(_write(tmp_path, "d.csv", b"naam,waarde\nx,1\n"))
    semicolon = good.replace(b",", b";")
    assert read(_write(tmp_path, "e.csv", semicolon)).rows_read == 118  # the separator is sniffed
    header, *rows = good.decode().splitlines()
    missing = ",".join(header.split(",")[:-1]) + "\n" + "\n".join(rows)
    with pytest.raises(SchemaError, match="Realisatie"):
        read(_write(tmp_path, "f.csv", missing.replace("Begrotingsjaar", "Begrotingsjaar").encode()))
    bad_year = header + "\n" + rows[0].replace("2019", "20x9", 1)
    with pytest.raises(ValueFormatError, match=r"g.csv, rij 2, kolom 'Begrotingsjaar'"):
        read(_write(tmp_path, "g.csv", bad_year.encode()))
    with pytest.raises(SourceError, match=r"malformed CSV|rij"):
        read(_write(tmp_path, "h.csv", (header + '\n2019,U,VII,"Binnen').encode()))
