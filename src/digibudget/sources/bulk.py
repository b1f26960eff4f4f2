"""Reader for the current rijksfinancien.nl bulk layout: Budgettaire_Tabellen_{jaar}_{fase}_{incl|excl}.csv.

';'-separated, UTF-8 with BOM, amounts x 1,000 with a decimal comma. One row per line (IBOSnummer
jaar.hoofdstuk.artikel.onderdeel.instrument.detail) with the stand of each budget moment of that year.
Written from the published description (no real file was available offline); see data/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, ValueFormatError
from ..findings import Finding
from ..vocab import FASE_ALIASES, FASES
from . import textfile
from .contract import TableReader
from .model import AmountRecord, LineRecord, ReadResult
from .normalise import (
    amount_or_finding,
    normalise_hoofdstuk,
    normalise_instrument,
    normalise_vuo,
    parse_year,
)

KIND = "bulk"
_FASES = {**{f: f for f in FASES}, **FASE_ALIASES}  # every spelling of a fase (vocab), for bulk_sql too
# amount column -> (fase, measure); StandSBSupp is the older name of StandSBS
_AMOUNTS = (("StandOWB", "OWB", "stand"), ("StandVB", "VB", "stand"), ("StandO1", "O1", "stand"),
            ("StandSBS", "SBS", "stand"), ("StandSBSupp", "SBS", "stand"), ("StandO2", "O2", "stand"),
            ("Realisatie", "JV", "realisatie"), ("Verschil", "JV", "verschil"))
LICENCE = "CC-0 (rijksfinancien.nl open data)"
REQUIRED = ("Begrotingsjaar", "Fase", "VUO", "Totaal", "Hoofdstuknummer", "Artikelnummer")


def matches(header: list[str]) -> bool:
    return "IBOSnummer" in header or ("StandOWB" in header and "Hoofdstuknummer" in header)


@dataclass(frozen=True)
class Layout:
    """Where the columns of one bulk file are: required, optional and amount columns (name, fase, measure, index)."""

    header: list[str]
    col: dict[str, int]
    opt: dict[str, int | None]
    amount_cols: list[tuple[str, str, str, int]]


def layout(path: Path, header: list[str]) -> Layout:
    f = textfile.find_column
    col = {name: int(f(header, path, name) or 0) for name in REQUIRED}
    opt = {name: f(header, path, name, required=False)
           for name in ("IBOSnummer", "Hoofdstuknaam", "Artikelnaam", "Artikelonderdeelnummer", "Instrumentnummer",
                        "Instrumentnaam", "Detailnummer", "Detailnaam")}
    amount_cols = [(name, fase, measure, i) for name, fase, measure in _AMOUNTS
                   if (i := next((j for j, h in enumerate(header) if h.lower() == name.lower()), None)) is not None]
    if not amount_cols:
        f(header, path, "StandOWB")  # raises SchemaError naming the missing column
    return Layout(header, col, opt, amount_cols)


def read(path: Path) -> ReadResult:
    header, body, _ = textfile.rows(path, note="; een bulkbestand met lege regels, regeleinden in cellen of een "
                                    "losse CR wordt rij voor rij gelezen in plaats van in één keer: verwijder die, of "
                                    "verhoog max_cells")
    lay = layout(path, header)
    result = ReadResult(kind=KIND, licence=LICENCE)
    empty = 0
    for lineno, cells in body:
        result.rows_read += 1
        line, missing = parse_row(path, lay, lineno, cells, result.findings)
        empty += missing
        if line is not None:
            result.lines.append(line)
    body.note_blank(result)
    if empty:
        result.findings.append(Finding("amount-missing", Location(str(path)), count=empty))
    return result


def parse_row(path: Path, lay: Layout, lineno: int, cells: list[str],
              findings: list[Finding]) -> tuple[LineRecord | None, int]:
    """One data row: its line (None for an empty or repeated header row) and the number of empty amount cells.
    Raises ValueFormatError naming the row and column of the first cell that cannot be read."""
    header, col, opt = lay.header, lay.col, lay.opt
    if textfile.not_data(cells, header, path, lineno, findings):
        return None, 0
    if len(cells) < len(header):
        raise ValueFormatError(f"de rij heeft {len(cells)} cellen, de kopregel {len(header)}",
                               location=Location(str(path), lineno), expected="één cel per kolom van de kopregel")

    def get(i: int | None) -> str:
        return cells[i].strip() if i is not None else ""

    def loc(name: str) -> Location:
        return Location(str(path), lineno, name)

    jaar = parse_year(get(col["Begrotingsjaar"]), location=loc("Begrotingsjaar"))
    fase = _FASES.get(get(col["Fase"]).upper())
    if fase is None:
        raise ValueFormatError(f"onbekende fase {get(col['Fase'])!r}", location=loc("Fase"),
                               expected="OWB, VB, O1, SBS, O2, JV of SW")
    vuo = normalise_vuo(get(col["VUO"]), location=loc("VUO"), findings=findings)
    totaal = get(col["Totaal"]).upper()[:1]
    if totaal not in {"J", "N"}:
        raise ValueFormatError(f"totaalvlag {get(col['Totaal'])!r}", location=loc("Totaal"), expected="J of N")
    hoofdstuk = normalise_hoofdstuk(get(col["Hoofdstuknummer"]), location=loc("Hoofdstuknummer"), findings=findings)
    instrument_raw = get(opt["Instrumentnaam"]) or None
    instrument = normalise_instrument(instrument_raw, location=loc("Instrumentnaam"), findings=findings)
    detail = get(opt["Detailnaam"]) or None
    ond = get(opt["Artikelonderdeelnummer"]) or None
    niveau = "regeling" if detail else "instrument" if instrument else "artikelonderdeel" if ond else "artikel"
    line = LineRecord(
        source_row=lineno, begrotingsjaar=jaar, document_fase=fase, hoofdstuk=hoofdstuk,
        hoofdstuk_naam=get(opt["Hoofdstuknaam"]) or None, artikel=get(col["Artikelnummer"]) or None,
        artikel_naam=get(opt["Artikelnaam"]) or None, artikelonderdeel=ond, instrument=instrument,
        instrument_raw=instrument_raw, regeling=detail, niveau=niveau, vuo=vuo, is_total=totaal == "J",
        source_ref=get(opt["IBOSnummer"]) or None,
    )
    empty = 0
    for name, afase, measure, i in lay.amount_cols:
        value = amount_or_finding(cells[i], style="nl", location=loc(name), findings=findings)
        if value is None:
            empty += 1
            continue
        line.amounts.append(AmountRecord(jaar, afase, measure, jaar, value, "EUR1000", name))
    return line, empty


# this format's reader (sources.contract): the registry in sources/__init__.py lists it
READER = TableReader(KIND, rank=4, header_matches=matches, reader=read)
