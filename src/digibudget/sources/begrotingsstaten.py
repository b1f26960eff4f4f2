"""Reader for begrotingsstaten: one row per hoofdstuk x artikel x V/U/O with the stands of five budget moments.

Three published variants are recognised by their headers: the rijksfinancien.nl export (comma-separated), the Open
State cleaned file, and the ';'-separated variant with explicit 'Valuta' and 'eenheid' columns.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Location
from ..findings import Finding
from . import textfile
from .contract import TableReader
from .model import AmountRecord, LineRecord, ReadResult
from .normalise import amount_or_finding, artikel_number, normalise_hoofdstuk, normalise_vuo, parse_year

KIND = "begrotingsstaten"
_UNITS = {"": "EUR1000", "x1000": "EUR1000", "x1.000": "EUR1000", "miljoen": "EURMLN", "xmiljoen": "EURMLN"}
# (fase, measure, header candidates)
MOMENTS = (
    ("OWB", "stand", ("Stand ontwerpbegroting", "ontwerpbegroting")),
    ("VB", "stand", ("Stand vastgestelde begroting", "vastgestelde begroting")),
    ("O1", "stand", ("Stand eerste suppletoire", "1ste suppletoire begroting")),
    ("O2", "stand", ("Stand tweede suppletoire", "2de suppletoire begroting")),
    ("JV", "realisatie", ("Realisatie",)),
)


def matches(header: list[str]) -> bool:
    low = " ".join(h.lower() for h in header)
    return "ontwerpbegroting" in low and "begrotingsjaar" in low


def read(path: Path) -> ReadResult:
    header, body, sep = textfile.rows(path)
    f = textfile.find_column
    c_jaar = f(header, path, "Begrotingsjaar")
    c_vuo = f(header, path, "Uitgaven Ontvangsten Verplichtingen", "Uitgaven (U) Verplichtingen (V) Ontvangsten (O)")
    c_hfst = f(header, path, "Begrotingsnummer", "Begrotingsstaat")
    c_hfst_naam = f(header, path, "Naam Begroting", "Begrotingsstaat omschrijving", required=False)
    c_art = f(header, path, "Artikel nummer", "Onderdeel")
    c_art_naam = f(header, path, "Artikel", "Omschrijving")
    c_unit = f(header, path, "eenheid", required=False)
    c_url = f(header, path, "Url", required=False)
    moment_cols = [(fase, measure, f(header, path, *cands)) for fase, measure, cands in MOMENTS]
    # the ';' variant writes 1.573 for 1573 and 81032,9 for decimals; the ',' export's convention is read from
    # each whole column (a Dutch print form like '(1.234)' in a column of integers is ambiguous, not -1.234)
    styles: dict[int, str | None] = ({i: "nl" for _, _, i in moment_cols if i is not None} if sep == ";"
                                     else textfile.column_styles(path, [i for _, _, i in moment_cols], separator=sep))
    result = ReadResult(kind=KIND, licence="CC-0 (MinFin open data)")
    empty_amounts = 0
    for lineno, cells in body:
        result.rows_read += 1
        if textfile.not_data(cells, header, path, lineno, result.findings):
            continue

        def get(idx: int | None, cells: list[str] = cells) -> str:
            return cells[idx].strip() if idx is not None and idx < len(cells) else ""

        def loc(idx: int | None, lineno: int = lineno) -> Location:
            return Location(str(path), lineno, header[idx] if idx is not None else None)

        jaar = parse_year(get(c_jaar), location=loc(c_jaar))
        vuo = normalise_vuo(get(c_vuo), location=loc(c_vuo), findings=result.findings)
        hfst_raw = get(c_hfst)
        unit_raw = get(c_unit).lower().replace(" ", "")
        unit = _UNITS.get(unit_raw)
        if unit is None:
            result.findings.append(Finding("unit-mismatch", loc(c_unit), what=f"{hfst_raw} art. {get(c_art)}",
                                           unit=get(c_unit), expected="x1000 or miljoen"))
            continue
        niveau = "artikel"
        artikel: str | None = artikel_number(get(c_art)) or get(c_art)
        if hfst_raw.lower() == "rijk":
            # summary rows of the whole Rijksbegroting: the chapter total, or the grand total ('-')
            niveau = "totaal" if artikel in {"-", ""} else "hoofdstuk"
            hfst_raw = "RIJK" if niveau == "totaal" else str(artikel)
            artikel = None
        hoofdstuk = normalise_hoofdstuk(hfst_raw, location=loc(c_hfst), findings=result.findings)
        hfst_naam = get(c_hfst_naam) or (hfst_raw.split(",", 1)[1].strip() if "," in hfst_raw else None)
        line = LineRecord(
            source_row=lineno, begrotingsjaar=jaar, hoofdstuk=hoofdstuk, hoofdstuk_naam=hfst_naam,
            artikel=artikel, artikel_naam=get(c_art_naam) or None, niveau=niveau, vuo=vuo, is_total=True,
            source_ref=get(c_url) or None,
        )
        for fase, measure, idx in moment_cols:
            assert idx is not None
            value = amount_or_finding(get(idx), style=styles[idx], location=loc(idx), findings=result.findings)
            if value is None:
                empty_amounts += 1
                continue
            line.amounts.append(AmountRecord(jaar, fase, measure, jaar, value, unit, header[idx]))
        result.lines.append(line)
    body.note_blank(result)
    if empty_amounts:
        result.findings.append(Finding("amount-missing", Location(str(path)), count=empty_amounts))
    return result


# this format's reader (sources.contract): the registry in sources/__init__.py lists it
READER = TableReader(KIND, rank=1, header_matches=matches, reader=read)
