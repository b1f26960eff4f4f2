"""Reader for the ontwerpbegroting B-tabel records of rijksfinancien.nl as JSON (the data of its visual
'begroting vs miljoenennota', 2019 and 2020).

A file is one JSON array of flat records with 19 keys: one record per budget line of the ontwerpbegroting
(artikel -> artikelonderdeel -> financieel instrument -> uitsplitsing, V/U/O) with its amount for the budget year
only (`bedrag`, EUR x 1,000). data/README.md describes every field. What is not a line of the begroting is left
out, with a finding that counts it: the visual's `sub` records (parts of a `Main` record: counted twice
otherwise), premiegefinancierde records (not in the begrotingsstaten), the aanvullende posten (no chapter of the
begroting; hoofdstuk 60, 61, 80, 81, 83, 86, 999) and a 'waarvan' record at article level next to the article's
lines (IXB art. 1 'waarvan: Belastingontvangsten': a part, not a line). A line's row is its record number (1 =
the first record of the array), its column `bedrag`.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import Location, SourceError, ValueFormatError, reason
from ..findings import Finding
from ..settings import load_settings
from .contract import JsonReader
from .model import AmountRecord, LineRecord, ReadResult
from .normalise import amount_or_finding, normalise_hoofdstuk, normalise_instrument, normalise_vuo

KIND = "btabel_json"
KEYS = ("vuo", "jaar", "hoofdstuk", "artikel", "nr_onderverdeling", "beleidsmatige_clustering",
        "financieel_instrument", "uitsplitsing_financieel_instrument", "nadere_omschrijving_b_tabel", "bedrag",
        "bedrag_plus_min", "premie", "hgis", "uitsplitsing", "miljoenennota", "poster", "index", "hoofdstuk_naam",
        "artikel_naam")
AANVULLENDE_POSTEN = ("60", "61", "80", "81", "83", "86", "999")
_HOOFDSTUK_CODES = {"IIIA": ("III", "the begrotingsstaten call chapter III 'III'")}
_ARTIKEL_CODES = {("IXA", "11"): "1", ("IXA", "12"): "2"}  # Nationale Schuld: the begrotingsstaten use 1 and 2
_TOTAL_LABELS = {"verplichtingen", "uitgaven", "ontvangsten"}
_COMMIT = "de1d571f8b911d005ea80bb5caf570203a943688"
_ORIGIN = "drupal/modules/custom/rijksfinancien_visuals/assets/begroting_vs_miljoenennota/data/{year}.json"
# the published files, by sha256: their origin in the rijksfinancien.nl repository
KNOWN = {"e4a4dc9060af5c7e4c4f4e28cdf528f71ff2d28a87a28f660667f0c189826040": 2019,
         "e44334435dcc86b753e88b1054e41c7a62caffb1834042edb6f843ee052dde59": 2020}


def matches_json(data: object) -> bool:
    """A non-empty JSON array of objects that carry this layout's keys."""
    return (isinstance(data, list) and bool(data) and isinstance(data[0], dict)
            and all(k in data[0] for k in KEYS))


def load(path: Path) -> tuple[object, bytes]:
    """The parsed JSON of a file (and its bytes), or SourceError naming where it breaks."""
    limit = int(load_settings()["max_json_mb"])
    try:
        if path.stat().st_size > limit << 20:
            mb = f"{path.stat().st_size / (1 << 20):.1f}".replace(".", ",")
            raise SourceError(f"het bestand is {mb} MB, meer dan {limit} MB (instelling max_json_mb)",
                              location=Location(str(path)),
                              expected="een JSON-tabel; verhoog max_json_mb voor een grotere")
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"kan het bestand niet lezen: {reason(exc)}", location=Location(str(path))) from exc
    try:
        return json.loads(raw.decode("utf-8").removeprefix("\ufeff")), raw
    except UnicodeDecodeError as exc:
        raise SourceError(f"byte 0x{raw[exc.start]:02x} op positie {exc.start} is geen UTF-8",
                          location=Location(str(path), 1), expected="UTF-8 JSON") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(f"ongeldige JSON (regel {exc.lineno}, teken {exc.colno})",
                          location=Location(str(path), exc.lineno), expected="één JSON-lijst van records") from exc
    except RecursionError as exc:
        raise SourceError("de JSON is te diep genest", location=Location(str(path), 1),
                          expected="één JSON-lijst van platte records") from exc


@dataclass
class _Kept:
    row: int
    rec: dict[str, Any]
    line: LineRecord


def read(path: Path) -> ReadResult:
    data, raw = load(path)
    if not matches_json(data):
        raise SourceError("de JSON is geen lijst van B-tabelrecords van rijksfinancien.nl",
                          location=Location(str(path), 1), expected="records met de sleutels " + ", ".join(KEYS))
    assert isinstance(data, list)
    result = ReadResult(kind=KIND, licence="CC-0 (MinFin open data, rijksfinancien.nl)")
    year = KNOWN.get(hashlib.sha256(raw).hexdigest())
    if year is not None:
        result.url = f"https://github.com/rijksfinancien/drupal/blob/{_COMMIT}/{_ORIGIN.format(year=year)}"
        result.title = (f"Ontwerpbegroting {year} op B-tabelniveau (rijksfinancien/drupal @ {_COMMIT[:8]}, "
                        f"{_ORIGIN.format(year=year)})")
    left_out: dict[str, list[tuple[int, Decimal]]] = defaultdict(list)
    kept: list[_Kept] = []
    for row, rec in enumerate(data, start=1):
        result.rows_read += 1
        if not isinstance(rec, dict) or any(k not in rec for k in KEYS):
            raise ValueFormatError("het record is geen object met de sleutels van de opmaak",
                                   location=Location(str(path), row), expected=", ".join(KEYS))
        value = _amount(rec, row, path, result)
        hfst = _text(rec["hoofdstuk"]).upper()
        if _text(rec["uitsplitsing"]).lower() == "sub":
            left_out["sub"].append((row, value or Decimal(0)))
        elif hfst in AANVULLENDE_POSTEN:
            left_out["aanvullend"].append((row, value or Decimal(0)))
        elif rec["premie"] is True:
            left_out["premie"].append((row, value or Decimal(0)))
        else:
            kept.append(_Kept(row, rec, _line(rec, row, path, value, result)))
    _left_out_findings(left_out, path, result)
    _place(kept, path, result)
    return result


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _amount(rec: dict[str, Any], row: int, path: Path, result: ReadResult) -> Decimal | None:
    raw = rec["bedrag"]
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, type(None))):
        raise ValueFormatError(f"bedrag {raw!r} is geen getal", location=Location(str(path), row, "bedrag"),
                               expected="een bedrag in euro x 1.000, zoals 8503")
    return amount_or_finding(_text(raw), style="en", location=Location(str(path), row, "bedrag"),
                             findings=result.findings)


def _line(rec: dict[str, Any], row: int, path: Path, value: Decimal | None, result: ReadResult) -> LineRecord:
    def loc(column: str) -> Location:
        return Location(str(path), row, column)

    jaar = rec["jaar"]
    if isinstance(jaar, bool) or not isinstance(jaar, int) or not 1900 <= jaar <= 2100:
        raise ValueFormatError(f"jaar {jaar!r} is geen jaartal", location=loc("jaar"), expected="een jaar zoals 2019")
    hfst_raw = _text(rec["hoofdstuk"]).upper()
    hoofdstuk, why = _HOOFDSTUK_CODES.get(hfst_raw, (hfst_raw, ""))
    if why:
        result.findings.append(Finding("code-mapped", loc("hoofdstuk"), what="hoofdstuk", raw=hfst_raw,
                                       normalised=hoofdstuk, reason=why))
    hoofdstuk = normalise_hoofdstuk(hoofdstuk, location=loc("hoofdstuk"), findings=result.findings)
    artikel = _text(rec["artikel"]) or None
    if artikel and (hoofdstuk, artikel) in _ARTIKEL_CODES:
        mapped = _ARTIKEL_CODES[(hoofdstuk, artikel)]
        result.findings.append(Finding("code-mapped", loc("artikel"), what=f"{hoofdstuk} artikel", raw=artikel,
                                       normalised=mapped, reason="Nationale Schuld: the begrotingsstaten number "
                                       "these articles 1 and 2, with the same amounts"))
        artikel = mapped
    vuo = normalise_vuo(_text(rec["vuo"]), location=loc("vuo"), findings=result.findings)
    nr = _text(rec["nr_onderverdeling"])
    onderdeel = _onderdeel(nr, artikel)
    instrument_raw = _text(rec["financieel_instrument"]) or None
    if instrument_raw and instrument_raw.lower() in _TOTAL_LABELS:
        instrument_raw = None  # 'Verplichtingen' written as the instrument of an article's verplichtingen
    instrument = normalise_instrument(instrument_raw, location=loc("financieel_instrument"),
                                      findings=result.findings)
    regeling = _text(rec["uitsplitsing_financieel_instrument"]) or None
    detail = _text(rec["nadere_omschrijving_b_tabel"]) or None
    niveau = ("detail" if detail else "regeling" if regeling else "instrument" if instrument
              else "artikelonderdeel" if onderdeel else "artikel")
    line = LineRecord(
        source_row=row, begrotingsjaar=jaar, document_fase="OWB", hoofdstuk=hoofdstuk,
        hoofdstuk_naam=_text(rec["hoofdstuk_naam"]) or None, artikel=artikel,
        artikel_naam=_text(rec["artikel_naam"]) or None, artikelonderdeel=onderdeel,
        artikelonderdeel_naam=(_text(rec["beleidsmatige_clustering"]) or None) if onderdeel else None,
        instrument=instrument, instrument_raw=_text(rec["financieel_instrument"]) or None, regeling=regeling,
        detail=detail, niveau=niveau, vuo=vuo, is_total=False,
        source_ref=f"record {row}" + (f", nr_onderverdeling {nr}" if nr else ""))
    if value is not None:
        line.amounts.append(AmountRecord(jaar, "OWB", "stand", jaar, value, "EUR1000", "bedrag", source_row=row))
    return line


def _onderdeel(nr: str, artikel: str | None) -> str | None:
    """'6.2.17' -> '6.2'; '08.00.00' (the article itself) -> None; '3.10.06+3.12.06' names two onderdelen -> None."""
    middles = set()
    for part in nr.replace("/", "+").split("+"):
        pieces = [p.strip() for p in part.split(".")]
        if len(pieces) >= 2 and pieces[1].isdigit():
            middles.add(int(pieces[1]))
    if len(middles) != 1 or artikel is None:
        return None
    middle = middles.pop()
    return f"{artikel}.{middle}" if middle else None


def _place(kept: list[_Kept], path: Path, result: ReadResult) -> None:
    """Mark the article totals and leave out the article-level 'waarvan' parts, per hoofdstuk x artikel x V/U/O.

    A record is the article total when it is the only record of its article and V/U/O and names nothing below the
    article (most verplichtingen: `<art>.0.0`). A 'waarvan' record at article level next to lines at artikelonderdeel
    level is a part of those lines (IXB art. 1 O 'waarvan: Belastingontvangsten'): left out, with a finding.
    """
    by_key: dict[tuple[int, str, str | None, str], list[_Kept]] = defaultdict(list)
    for k in kept:
        by_key[(k.line.begrotingsjaar, k.line.hoofdstuk, k.line.artikel, k.line.vuo)].append(k)
    for group in by_key.values():
        below = any(k.line.artikelonderdeel for k in group)
        for k in group:
            line = k.line
            if len(group) == 1 and line.niveau == "artikel":
                line.is_total = True
            if below and not line.artikelonderdeel and (line.regeling or "").lower().startswith("waarvan"):
                value = line.amounts[0].value if line.amounts else None
                result.findings.append(Finding(
                    "record-is-part", Location(str(path), k.row, "uitsplitsing_financieel_instrument"),
                    what=f"{line.hoofdstuk} art. {line.artikel} {line.vuo} '{line.regeling}'", value=value))
                continue
            result.lines.append(line)
    result.lines.sort(key=lambda x: x.source_row)


_LEFT_OUT = {
    "sub": ("marked 'sub'", "they are parts of a 'Main' record (the visual splits a line over poster categories); "
                            "loading them would count that money twice"),
    "aanvullend": ("of the aanvullende posten (hoofdstuk " + ", ".join(AANVULLENDE_POSTEN) + ")",
                   "they are no chapter of the begroting and are never summed into its totals"),
    "premie": ("marked premie (premiegefinancierd)",
               "premium-financed amounts are not part of the begroting (not in the begrotingsstaten)"),
}


def _left_out_findings(left_out: dict[str, list[tuple[int, Decimal]]], path: Path, result: ReadResult) -> None:
    for what, items in left_out.items():
        label, reason = _LEFT_OUT[what]
        rows = [r for r, _ in items]
        result.findings.append(Finding(
            "records-left-out", Location(str(path), rows[0], "uitsplitsing" if what == "sub" else None),
            kind=what, count=len(items), what=label, total=sum((v for _, v in items), Decimal(0)), reason=reason,
            first_rows=rows[:20]))



# differences with the begrotingsstaten that data/README.md explains (the reconciliation still shows them)
_KNOWN_DIFFERENCES = {
    ("B", "2"): "Gemeentefonds: the JSON books the verplichtingen of the whole fund on art. 2",
    ("B", "3"): "Gemeentefonds: the JSON books the integratie-uitkeringen on art. 3, the begrotingsstaten on art. 4",
    ("B", "4"): "Gemeentefonds: the JSON books the integratie-uitkeringen on art. 3, the begrotingsstaten on art. 4",
}
_KNOWN_V_2019 = "the JSON has a second V record with the premiegefinancierde verplichtingen, not marked premie"


def known_difference(hoofdstuk: str, artikel: str, vuo: str, year: int) -> str | None:
    """The explanation data/README.md gives for a difference between these files and the begrotingsstaten."""
    if hoofdstuk == "XV" and vuo == "V" and year == 2019:
        return _KNOWN_V_2019
    if hoofdstuk == "XVI" and artikel in {"1", "4"} and vuo in {"U", "V"} and year == 2020:
        return "amounts moved between XVI art. 1 and 4 (297590 U, 121590 V) in one of the two files"
    if (hoofdstuk, artikel, vuo) == ("F", "1", "V") and year == 2020:
        return "the V record and its two parts are all in the JSON, none marked 'sub'"
    return _KNOWN_DIFFERENCES.get((hoofdstuk, artikel))


# this format's reader (sources.contract): the registry in sources/__init__.py lists it
READER = JsonReader(KIND, rank=3, data_matches=matches_json, reader=read, lines_only=True)
