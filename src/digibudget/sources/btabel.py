"""Reader for the MinFin B-tabel open-data template (budgettaire tabellen, 2015-2017 layout).

One row per budget line: hoofdstuk → artikel → artikelonderdeel → instrument → uitsplitsing → nadere omschrijving,
V/U/O, a total flag, '% juridisch verplicht' and amounts for t-2 .. t+4 (EUR x 1,000).
Columns are found by their header names, which differ slightly between years.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Location, ValueFormatError
from ..findings import Finding
from . import textfile
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

KIND = "btabel"
_FASE = {"OWB": "OWB", "VB": "VB", "1STESUP": "O1", "O1": "O1", "2DESUP": "O2", "O2": "O2", "JV": "JV", "SW": "SW",
         "SBS": "SBS"}
_TOTAL_LABELS = {"verplichtingen", "uitgaven", "ontvangsten", "totaal", "totale uitgaven", "totale verplichtingen"}
_VUO_LABELS = {"verplichtingen": "V", "uitgaven": "U", "ontvangsten": "O"}
_OFFSETS = (-2, -1, 0, 1, 2, 3, 4)


def matches(header: list[str]) -> bool:
    low = [h.lower() for h in header]
    return any(h.startswith("bedrag t-2") for h in low) and any(h.startswith("begrotingsjaar") for h in low)


def read(path: Path) -> ReadResult:
    header, body, _ = textfile.rows(path)
    col = {
        "jaar": textfile.find_column(header, path, "Begrotingsjaar"),
        "hfst": textfile.find_column(header, path, "Begrotings hoofdstuk", "Begroting"),
        "hfst_naam": textfile.find_column(header, path, "Naam Begroting"),
        "fase": textfile.find_column(header, path, "Begrotingsfase"),
        "artikel": textfile.find_column(header, path, "Artikel nummer"),
        "pct": textfile.find_column(header, path, "% Juridisch verplicht"),
        "artikel_naam": textfile.find_column(header, path, "Omschrijving artikel"),
        "artikel_type": textfile.find_column(header, path, "Type Artikel"),
        "vuo": textfile.find_column(header, path, "V/U/O"),
        "totaal": textfile.find_column(header, path, "Indicatie totaal regel"),
        "ond_nr": textfile.find_column(header, path, "Nr. onderverdeling"),
        "ond_naam": textfile.find_column(header, path, "Beleidsmatige clustering"),
        "instrument": textfile.find_column(header, path, "Financieel instrument"),
        "regeling": textfile.find_column(header, path, "Uitsplitsing"),
        "detail": textfile.find_column(header, path, "Nadere omschrijving"),
    }
    amount_cols = [textfile.find_column(header, path, f"Bedrag t{o:+d}" if o else "Bedrag t") for o in _OFFSETS]
    # find_column prefers exact header matches, so "Bedrag t" does not pick up "Bedrag t-2"
    # the template documents '.' decimal points and ',' thousands (412955.78476, 50,736); a column that shows the
    # other convention (1.234,5) is read in it, one that contradicts itself decides nothing
    styles = textfile.column_styles(path, amount_cols, default="en")
    result = ReadResult(kind=KIND, licence="CC-0 (MinFin open data)")
    empty_rows = 0
    empty_amounts = 0
    seen_commitment: set[tuple[int, str, str]] = set()
    width = len(header)
    last_fase: str | None = None
    last_hoofdstuk: str | None = None
    for lineno, cells in body:
        result.rows_read += 1
        if not any(c.strip() for c in cells):
            empty_rows += 1
            continue
        if textfile.is_header_row(cells, header):
            result.findings.append(Finding("header-row-in-data", Location(str(path), lineno)))
            continue
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))

        def cell(name: str, cells: list[str] = cells) -> str:
            idx = col[name]
            return cells[idx].strip() if idx is not None else ""

        def loc(name: str, lineno: int = lineno) -> Location:
            idx = col[name]
            return Location(str(path), lineno, header[idx] if idx is not None else name)

        if not cell("jaar") and not cell("vuo"):
            result.findings.append(Finding("row-skipped", loc("jaar"), reason="a fragment row without year or V/U/O"))
            continue
        jaar = parse_year(cell("jaar"), location=loc("jaar"))
        fase_raw = cell("fase").upper()
        fase = _FASE.get(fase_raw)
        if fase is None and not fase_raw and last_fase:
            fase = last_fase
            result.findings.append(Finding("filled-from-row-above", loc("fase"), value=fase))
        if fase is None:
            raise ValueFormatError(f"onbekende begrotingsfase {cell('fase')!r}", location=loc("fase"),
                                   expected="OWB, VB, 1stesup, 2desup, JV of SW")
        last_fase = fase
        hfst_raw = cell("hfst")
        if not hfst_raw and last_hoofdstuk:
            hfst_raw = last_hoofdstuk
            result.findings.append(Finding("filled-from-row-above", loc("hfst"), value=hfst_raw))
        hoofdstuk = normalise_hoofdstuk(hfst_raw, location=loc("hfst"), findings=result.findings)
        last_hoofdstuk = hoofdstuk
        artikel = artikel_number(cell("artikel")) or cell("artikel") or None
        labels = " ".join(cell(n) for n in ("instrument", "regeling", "detail")).lower()
        if not cell("vuo") and "juridisch verplicht" in labels and artikel:
            # a 'Waarvan juridisch verplicht' row: percentages per year in the amount columns
            for offset, idx in zip(_OFFSETS, amount_cols, strict=True):
                if idx is None or "%" not in cells[idx]:
                    continue
                pct = parse_percentage(cells[idx], location=Location(str(path), lineno, header[idx]),
                                       findings=result.findings)
                if pct is not None:
                    result.commitments.append(CommitmentRecord(
                        lineno, jaar, jaar, fase, hoofdstuk, artikel, jaar + offset, "juridisch_verplicht", pct,
                        header[idx], source_text=" ".join(labels.split())[:200] or None))
            continue
        if not cell("vuo"):
            has_amount = any(idx is not None and cells[idx].strip() for idx in amount_cols)
            result.findings.append(Finding(
                "row-skipped", loc("vuo"),
                reason="no V/U/O code" + (" but amounts" if has_amount else " and no amounts")))
            continue
        try:
            vuo = normalise_vuo(cell("vuo"), location=loc("vuo"), findings=result.findings)
        except ValueFormatError:
            stated = {c.strip().lower() for c in cells} & set(_VUO_LABELS)
            if len(stated) != 1:
                result.findings.append(Finding("row-skipped", loc("vuo"),
                                               reason=f"V/U/O cell holds {cell('vuo')[:40]!r}"))
                continue
            vuo = _VUO_LABELS[stated.pop()]
            result.findings.append(Finding("vuo-normalised", loc("vuo"), raw=cell("vuo")[:40],
                                           normalised=f"{vuo} (from the row's label)"))
        ond_nr = cell("ond_nr") or None
        instrument_raw = cell("instrument") or None
        totaal = cell("totaal").upper()[:1]
        if totaal not in {"J", "N"}:
            if totaal:
                raise ValueFormatError(f"totaalvlag {cell('totaal')!r}", location=loc("totaal"),
                                       expected="J of N")
            # empty flag: a row above regeling level is a (sub)total, as in the rows around it
            totaal = "N" if (cell("regeling") or cell("detail")) else "J"
            result.findings.append(Finding("total-flag-inferred", loc("totaal"), vuo=vuo, flag=totaal))
        is_total = totaal == "J"
        instrument = normalise_instrument(instrument_raw, location=loc("instrument"), findings=result.findings)
        regeling = cell("regeling") or None
        detail = cell("detail") or None
        if is_total and not instrument and not detail and (regeling or "").lower() in _TOTAL_LABELS:
            regeling = None  # 'Verplichtingen' / 'Uitgaven' written as a label on the article total
        if detail:
            niveau = "detail"
        elif regeling:
            niveau = "regeling"
        elif instrument:
            niveau = "instrument"
        elif ond_nr or cell("ond_naam"):
            niveau = "artikelonderdeel"
        else:
            niveau = "artikel"
        line = LineRecord(
            source_row=lineno, begrotingsjaar=jaar, document_fase=fase, hoofdstuk=hoofdstuk,
            hoofdstuk_naam=cell("hfst_naam") or None, artikel=artikel, artikel_naam=cell("artikel_naam") or None,
            artikel_type=cell("artikel_type") or None,
            artikelonderdeel=(artikel_number(ond_nr) or ond_nr) if ond_nr else None,
            artikelonderdeel_naam=cell("ond_naam") or None, instrument=instrument, instrument_raw=instrument_raw,
            regeling=regeling, detail=detail, niveau=niveau, vuo=vuo, is_total=is_total,
        )
        for offset, idx in zip(_OFFSETS, amount_cols, strict=True):
            if idx is None:
                continue
            value = amount_or_finding(cells[idx], style=styles[idx], location=Location(str(path), lineno, header[idx]),
                                 findings=result.findings)
            if value is None:
                empty_amounts += 1
                continue
            # in an ontwerpbegroting, t-2 is the realisation: it belongs to the jaarverslag of that year
            if offset == -2 and fase == "OWB":
                amount = AmountRecord(jaar + offset, "JV", "realisatie", jaar + offset, value, "EUR1000", header[idx])
            else:
                amount = AmountRecord(jaar, fase, "stand", jaar + offset, value, "EUR1000", header[idx])
            line.amounts.append(amount)
        result.lines.append(line)
        pct_raw = cell("pct")
        if pct_raw and artikel:
            pct = parse_percentage(pct_raw, location=loc("pct"), findings=result.findings)
            key = (jaar, hoofdstuk, artikel)
            if pct is not None and key not in seen_commitment:
                seen_commitment.add(key)
                result.commitments.append(CommitmentRecord(
                    lineno, jaar, jaar, fase, hoofdstuk, artikel, jaar, "juridisch_verplicht", pct,
                    header[col["pct"] or 0], source_text=header[col["pct"] or 0]))
    _infer_subtotals(result, path)
    body.note_blank(result, per_row=False)
    if empty_rows:
        result.findings.append(Finding("empty-row", Location(str(path)), count=empty_rows))
    if empty_amounts:
        result.findings.append(Finding("amount-missing", Location(str(path)), count=empty_amounts))
    return result



def _infer_subtotals(result: ReadResult, path: Path) -> None:
    """A row flagged N at instrument (or regeling) level, with rows below it that split it further, is a
    subtotal in fact: counting it with its split would count the money twice. Mark it as a total, with a finding."""
    deeper: set[tuple[object, ...]] = set()
    for line in result.lines:
        if line.is_total:
            continue
        base = (line.begrotingsjaar, line.hoofdstuk, line.artikel, line.vuo, line.artikelonderdeel, line.instrument)
        if line.niveau in {"regeling", "detail"}:
            deeper.add(base)
        if line.niveau == "detail":
            deeper.add((*base, line.regeling))
    for line in result.lines:
        if line.is_total:
            continue
        base = (line.begrotingsjaar, line.hoofdstuk, line.artikel, line.vuo, line.artikelonderdeel, line.instrument)
        if (line.niveau == "instrument" and base in deeper) or (
                line.niveau == "regeling" and (*base, line.regeling) in deeper):
            line.is_total = True
            result.findings.append(Finding("total-flag-inferred", Location(str(path), line.source_row, "Totaal"),
                                           vuo=line.vuo, flag="J (rows below split it further)"))
