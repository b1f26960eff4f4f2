"""Reader for 'Budgettaire gevolgen van beleid' tables (and related Miljoenennota tables) in long format.

One row per published cell: table id, source URL, hoofdstuk, artikel, begrotingsjaar, document (OWB, 1SUPP, 2SUPP,
SBS, MN), row number in the table, level, V/U/O, artikelonderdeel, instrument, description, the page's column
header, the year the amount is for, the value and its unit. The column header says which budget moment a value
belongs to and whether it is a stand or a mutation; percentages are 'waarvan juridisch verplicht' shares.
A `tables_meta.json` beside the file, when present, gives table titles and says which tables are incomplete.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Location, SchemaError, ValueFormatError
from ..findings import Finding
from . import textfile
from .contract import TableReader
from .model import AmountRecord, CommitmentRecord, LineRecord, ReadResult
from .normalise import (
    amount_or_finding,
    artikel_number,
    normalise_hoofdstuk,
    normalise_instrument,
    normalise_vuo,
    parse_percentage,
    parse_year,
)

KIND = "gevolgen"
COLUMNS = ("tabel_id", "bron_url", "hoofdstuk", "artikel", "begrotingsjaar", "document", "regel", "niveau", "vuo",
           "artikelonderdeel", "instrument", "omschrijving", "kolom", "jaar", "waarde", "eenheid")
_UNITS = {"x1000_eur": "EUR1000", "mln_eur": "EURMLN"}
_PLAIN_TOTALS = {"verplichtingen", "uitgaven", "ontvangsten"}
_STAND_NAME = re.compile(r"stand (miljoenennota|voorjaarsnota|najaarsnota) (\d{4})", re.I)
_NOTA_FASE = {"miljoenennota": "OWB", "voorjaarsnota": "O1", "najaarsnota": "O2"}


@dataclass(frozen=True)
class Column:
    moment_offset: int  # moment_jaar = begrotingsjaar + offset
    fase: str
    measure: str
    soort: str | None = None
    note: str | None = None


# The page column headers, by document, with what each means. First match wins.
_SUPP_COLUMNS: tuple[tuple[str, str, Column], ...] = (
    ("1SUPP", r"^ontwerpbegroting", Column(0, "OWB", "stand")),
    ("1SUPP", r"^mutaties via", Column(0, "VB", "mutatie", "nvw_isb_moties")),
    ("1SUPP", r"^vastgestelde begroting", Column(0, "VB", "stand")),
    ("1SUPP", r"^mutaties 1e suppletoire", Column(0, "O1", "mutatie", "suppletoire")),
    ("1SUPP", r"^stand 1e suppletoire", Column(0, "O1", "stand")),
    ("1SUPP", r"^mutatie \d{4}$", Column(0, "O1", "mutatie", "suppletoire")),
    ("2SUPP", r"^vastgestelde begroting \(incl\. suppletoire", Column(0, "O1", "stand", None,
                                                                     "vastgesteld incl. eerdere suppletoires")),
    ("2SUPP", r"^vastgestelde begroting", Column(0, "VB", "stand")),
    ("2SUPP", r"^stand 1e suppletoire", Column(0, "O1", "stand")),
    ("2SUPP", r"mutaties miljoen(en)?nota", Column(0, "O2", "mutatie", "miljoenennota")),
    ("2SUPP", r"overige mutaties", Column(0, "O2", "mutatie", "overig")),
    ("2SUPP", r"^mutaties 2e suppletoire begroting \(2\)", Column(0, "O2", "mutatie", "suppletoire")),
    ("2SUPP", r"^stand 2e suppletoire", Column(0, "O2", "stand")),
    ("SBS", r"^(verplichtingen|uitgaven|ontvangsten)$", Column(0, "SBS", "stand")),
)


def matches(header: list[str]) -> bool:
    return all(c in header for c in ("tabel_id", "kolom", "waarde", "eenheid"))


def _column(document: str, kolom: str, begrotingsjaar: int, jaar: int) -> Column | None:
    low = kolom.strip().lower()
    if document == "OWB" and re.fullmatch(r"\d{4}", low):
        return Column(0, "JV", "realisatie") if jaar <= begrotingsjaar - 2 else Column(0, "OWB", "stand")
    for doc, pattern, col in _SUPP_COLUMNS:
        if doc == document and re.search(pattern, low):
            return col
    return None


def read(path: Path) -> ReadResult:
    header, body, _ = textfile.rows(path)
    idx = {name: textfile.find_column(header, path, name) for name in COLUMNS}
    meta = _load_meta(path)
    styles = textfile.column_styles(path, [idx["waarde"]], default="en")  # the long form: '.' decimal points
    result = ReadResult(kind=KIND, licence="CC-0 (rijksfinancien.nl)", title="Budgettaire gevolgen van beleid")
    raw_rows = _raw_rows(path, header, body, idx, result)
    body.note_blank(result)

    def loc(lineno: int, name: str) -> Location:
        return Location(str(path), lineno, name)

    stands = _stands(raw_rows, path)
    lines: dict[tuple[str, str, str], LineRecord] = {}
    for lineno, r in raw_rows:
        begrotingsjaar = parse_year(r["begrotingsjaar"], location=loc(lineno, "begrotingsjaar"))
        jaar = parse_year(r["jaar"], location=loc(lineno, "jaar"))
        document = r["document"].upper()
        hoofdstuk = normalise_hoofdstuk(r["hoofdstuk"], location=loc(lineno, "hoofdstuk"), findings=result.findings)
        artikel = r["artikel"] if r["artikel"] not in {"", "alle"} else None
        if r["eenheid"] == "pct":
            _commitment(result, r, lineno, path, begrotingsjaar, jaar, document, hoofdstuk, artikel)
            continue
        unit = _UNITS.get(r["eenheid"])
        if unit is None:
            result.findings.append(Finding("unit-mismatch", loc(lineno, "eenheid"), what=r["tabel_id"],
                                           unit=r["eenheid"], expected="x1000_eur, mln_eur or pct"))
            continue
        niveau = r["niveau"]
        col = _row_column(r, lineno, path, document, begrotingsjaar, jaar, stands, result)
        # one line per row number and V/U/O: some tables give the V, U and O of an article as three rows with the
        # same number (the SBS tables of XIII, 2025)
        key = (r["tabel_id"], r["regel"], r["vuo"])
        line = lines.get(key)
        if line is None:
            line = _line(r, lineno, path, begrotingsjaar, document, hoofdstuk, artikel, result)
            lines[key] = line
        value = amount_or_finding(r["waarde"], style=styles[idx["waarde"] or 0], location=loc(lineno, "waarde"),
                                  findings=result.findings)
        if value is None:
            continue
        moment_jaar = begrotingsjaar + col.moment_offset
        if document == "MN" and niveau in {"stand", "mutatie", "mutatiecategorie"}:
            moment_jaar = col.moment_offset  # _mn_column stores the absolute year there
        if col.measure == "realisatie":
            moment_jaar = jaar  # a realisation belongs to the jaarverslag of its own year
        line.amounts.append(AmountRecord(moment_jaar, col.fase, col.measure, jaar, value, unit, r["kolom"],
                                         col.soort, lineno))
    result.lines = list(lines.values())
    _mark_totals(result.lines)
    for table_id, info in meta.items():
        notes = str(info.get("notes", ""))
        if re.search(r"excerpt ends|cut (after|before|at)|is missing", notes, re.I):
            result.findings.append(Finding("truncated-table", Location(str(path)), what=table_id,
                                           reason=notes[:240]))
    return result


def _raw_rows(path: Path, header: list[str], body: textfile.Body, idx: dict[str, int | None],
              result: ReadResult) -> list[tuple[int, dict[str, str]]]:
    """The data rows as {column: text}; empty and repeated header rows are findings."""
    raw_rows: list[tuple[int, dict[str, str]]] = []
    for lineno, cells in body:
        result.rows_read += 1
        if textfile.not_data(cells, header, path, lineno, result.findings):
            continue
        raw_rows.append((lineno, {n: (cells[i].strip() if i is not None and i < len(cells) else "")
                                  for n, i in idx.items()}))
    return raw_rows


def _stands(raw_rows: list[tuple[int, dict[str, str]]], path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Per table, the moments of the 'Stand ...' rows of Miljoenennota mutation tables (row, year, fase), to date
    the mutations before them."""
    stands: dict[str, list[tuple[int, int, str]]] = {}
    for lineno, r in raw_rows:
        m = _STAND_NAME.search(r["omschrijving"]) if r["niveau"] == "stand" else None
        if m:
            stands.setdefault(r["tabel_id"], []).append((_regel(r, lineno, path), int(m.group(2)),
                                                         _NOTA_FASE[m.group(1).lower()]))
    return stands


def _row_column(r: dict[str, str], lineno: int, path: Path, document: str, begrotingsjaar: int, jaar: int,
                stands: dict[str, list[tuple[int, int, str]]], result: ReadResult) -> Column:
    """The moment and measure of a row's figure: from the Miljoenennota's stand rows, or the column header."""
    niveau = r["niveau"]
    col: Column | None
    if document == "MN" and niveau in {"stand", "mutatie", "mutatiecategorie"}:
        col = _mn_column(stands.get(r["tabel_id"], []), _regel(r, lineno, path), r["omschrijving"], niveau,
                         Location(str(path), lineno, "omschrijving"))
    elif document == "MN":
        col = Column(0, "OWB", "stand")
    else:
        col = _column(document, r["kolom"], begrotingsjaar, jaar)
    if col is None:
        raise SchemaError(f"kolomkop {r['kolom']!r} van een tabel uit {document} niet begrepen",
                          location=Location(str(path), lineno, "kolom"),
                          expected="een stand- of mutatiekolom van een begrotingstabel (bv. 'Stand 1e "
                                       "suppletoire')")
    if col.note:
        result.findings.append(Finding("ambiguous-fase", Location(str(path), lineno, "kolom"), raw=r["kolom"],
                                       normalised=col.fase, reason=f"({col.note})"))
    return col


def _regel(r: dict[str, str], lineno: int, path: Path) -> int:
    if not r["regel"].isdigit():
        raise ValueFormatError(f"rijnummer {r['regel']!r} is geen getal", location=Location(str(path), lineno,
                               "regel"), expected="het nummer van de rij in de tabel, bv. 3")
    return int(r["regel"])


def _mn_column(stands: list[tuple[int, int, str]], regel: int, omschrijving: str, niveau: str,
               location: Location) -> Column:
    if niveau == "stand":
        m = _STAND_NAME.search(omschrijving)
        if m is None:
            raise ValueFormatError(f"een 'stand'-rij moet het moment noemen, niet {omschrijving[:60]!r}",
                                   location=location, expected="'Stand Miljoenennota 2024' (of Voorjaarsnota, "
                                   "Najaarsnota)")
        return Column(int(m.group(2)), _NOTA_FASE[m.group(1).lower()], "stand")
    following = [s for s in stands if s[0] > regel]
    if not following:
        return Column(0, "OWB", "mutatie", omschrijving)
    _, year, fase = min(following)
    return Column(year, fase, "mutatie", omschrijving if niveau == "mutatiecategorie" else None)


def _line(r: dict[str, str], lineno: int, path: Path, begrotingsjaar: int, document: str, hoofdstuk: str,
          artikel: str | None, result: ReadResult) -> LineRecord:
    niveau = r["niveau"]
    omschrijving = r["omschrijving"]
    vuo_raw = r["vuo"] or ("U" if niveau in {"mutatie", "mutatiecategorie", "stand"} else "")
    vuo = normalise_vuo(vuo_raw, location=Location(str(path), lineno, "vuo"), findings=result.findings)
    ond = r["artikelonderdeel"] or None
    ond_nr = artikel_number(ond)
    ond_naam = ond[len(ond_nr):].strip() if ond and ond_nr else None
    instrument = normalise_instrument(r["instrument"] or None, location=Location(str(path), lineno, "instrument"),
                                      findings=result.findings) if niveau not in {"mutatie"} else None
    regeling: str | None = None
    canonical = {"detail": "regeling", "ontvangsten": "artikel", "mutatiecategorie": "mutatiecategorie"}
    out_niveau = canonical.get(niveau, niveau)
    if niveau == "detail" or niveau in {"mutatie", "mutatiecategorie", "stand", "totaal"}:
        regeling = omschrijving
    elif niveau in {"artikel", "ontvangsten"}:
        label = omschrijving.split(":")[-1].strip().lower() if artikel else omschrijving.lower()
        regeling = None if label in _PLAIN_TOTALS or omschrijving.lower().startswith("art.") else omschrijving
        if niveau == "artikel" and ":" in omschrijving:
            regeling = None
    elif niveau == "artikelonderdeel":
        ond_nr = artikel_number(omschrijving) or ond_nr
        ond_naam = omschrijving[len(ond_nr or ""):].strip() or ond_naam
    mutation_group = r["instrument"] if niveau == "mutatie" else None
    art_naam = None
    if artikel and niveau in {"artikel", "ontvangsten"} and ":" in omschrijving:
        art_naam = re.sub(r"^(art\.\s*)?\d+\s*", "", omschrijving.split(":")[0], flags=re.I).strip() or None
    return LineRecord(
        source_row=lineno, begrotingsjaar=begrotingsjaar, document_fase=_DOC_FASE.get(document),
        hoofdstuk=hoofdstuk, artikel=artikel, artikel_naam=art_naam, artikelonderdeel=ond_nr,
        artikelonderdeel_naam=ond_naam, instrument=instrument if niveau != "mutatie" else None,
        instrument_raw=r["instrument"] or mutation_group or None, regeling=regeling, niveau=out_niveau, vuo=vuo,
        is_total=niveau in {"artikel", "ontvangsten", "artikelonderdeel", "totaal", "stand", "mutatiecategorie"},
        source_ref=f"{r['bron_url']} (tabel {r['tabel_id']}, regel {r['regel']})",
    )


_DOC_FASE = {"OWB": "OWB", "1SUPP": "O1", "2SUPP": "O2", "SBS": "SBS", "MN": "OWB"}


def _mark_totals(lines: list[LineRecord]) -> None:
    """An instrument row is a subtotal only when detail rows follow under it; otherwise it is itself a leaf."""
    for i, line in enumerate(lines):
        if line.niveau != "instrument":
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        line.is_total = bool(nxt and nxt.niveau == "regeling" and nxt.instrument == line.instrument)


# the categories of a budgetflexibiliteit table (Tabel 'Geschatte budgetflexibiliteit'), by their printed label
_CATEGORIES = (("juridisch verplicht", "juridisch_verplicht"), ("complementair", "complementair_noodzakelijk"),
               ("bestuurlijk gebonden", "bestuurlijk_gebonden"), ("beleidsmatig gereserveerd",
                                                                  "beleidsmatig_gereserveerd"),
               ("nog niet ingevuld", "nog_niet_ingevuld"), ("vrij te besteden", "nog_niet_ingevuld"))


def _commitment(result: ReadResult, r: dict[str, str], lineno: int, path: Path, begrotingsjaar: int, jaar: int,
                document: str, hoofdstuk: str, artikel: str | None) -> None:
    """A percentage row: 'waarvan juridisch verplicht', or one category of a budgetflexibiliteit table, for the
    whole article or (where the row names one) for one instrument. A share of ontvangsten is never stored."""
    col = _column(document, r["kolom"], begrotingsjaar, jaar)
    if col is None or artikel is None:
        raise SchemaError(f"percentage in kolom {r['kolom']!r} is niet te plaatsen", location=Location(
            str(path), lineno, "kolom"), expected="een standkolom van een artikeltabel")
    where = Location(str(path), lineno, "omschrijving")
    label = r["omschrijving"].lower().replace("verplichte", "verplicht")
    category = next((cat for text, cat in _CATEGORIES if text in label), None)
    if category is None:
        result.findings.append(Finding("row-skipped", where, reason=f"percentage row {r['omschrijving'][:60]!r} "
                                       "names no category of the budgetflexibiliteit"))
        return
    vuo = r["vuo"].strip().upper() or "U"
    if vuo not in {"U", "V"}:
        result.findings.append(Finding("row-skipped", Location(str(path), lineno, "vuo"),
                                       reason=f"a percentage of {vuo!r} is no share of uitgaven or verplichtingen"))
        return
    pct = parse_percentage(r["waarde"], location=Location(str(path), lineno, "waarde"), findings=result.findings)
    if pct is None:
        return
    instrument = normalise_instrument(r["instrument"] or None, location=Location(str(path), lineno, "instrument"),
                                      findings=result.findings)
    result.commitments.append(CommitmentRecord(
        lineno, begrotingsjaar, begrotingsjaar + col.moment_offset, col.fase, hoofdstuk, artikel, jaar, category,
        pct, r["kolom"], instrument=instrument, vuo=vuo, source_text=r["omschrijving"] or None))


def _load_meta(path: Path) -> dict[str, dict[str, object]]:
    meta_path = path.with_name("tables_meta.json")
    if not meta_path.is_file():
        return {}
    try:
        items = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(i.get("id")): i for i in items if isinstance(i, dict)}


# this format's reader (sources.contract): the registry in sources/__init__.py lists it
READER = TableReader(KIND, rank=2, header_matches=matches, reader=read)
