"""Reader for the MinFin B-tabel open-data template (budgettaire tabellen, 2015-2017 layout).

One row per budget line: hoofdstuk → artikel → artikelonderdeel → instrument → uitsplitsing → nadere omschrijving,
V/U/O, a total flag, '% juridisch verplicht' and amounts for t-2 .. t+4 (EUR x 1,000).
Columns are found by their header names, which differ slightly between years.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Location, ValueFormatError
from ..findings import Finding
from ..vocab import fase_of
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

KIND = "btabel"
_TOTAL_LABELS = {"verplichtingen", "uitgaven", "ontvangsten", "totaal", "totale uitgaven", "totale verplichtingen"}
_VUO_LABELS = {"verplichtingen": "V", "uitgaven": "U", "ontvangsten": "O"}
_OFFSETS = (-2, -1, 0, 1, 2, 3, 4)


def matches(header: list[str]) -> bool:
    low = [h.lower() for h in header]
    return any(h.startswith("bedrag t-2") for h in low) and any(h.startswith("begrotingsjaar") for h in low)


_COLUMNS = {  # column -> the header names it goes by (find_column prefers exact matches)
    "jaar": ("Begrotingsjaar",), "hfst": ("Begrotings hoofdstuk", "Begroting"), "hfst_naam": ("Naam Begroting",),
    "fase": ("Begrotingsfase",), "artikel": ("Artikel nummer",), "pct": ("% Juridisch verplicht",),
    "artikel_naam": ("Omschrijving artikel",), "artikel_type": ("Type Artikel",), "vuo": ("V/U/O",),
    "totaal": ("Indicatie totaal regel",), "ond_nr": ("Nr. onderverdeling",),
    "ond_naam": ("Beleidsmatige clustering",), "instrument": ("Financieel instrument",),
    "regeling": ("Uitsplitsing",), "detail": ("Nadere omschrijving",),
}


def read(path: Path) -> ReadResult:
    """Read a B-tabel: every row becomes a line with its amounts for t-2 .. t+4, a 'waarvan juridisch verplicht'
    row becomes commitment shares; what cannot be read becomes a finding (or an error, for a broken layout)."""
    header, body, _ = textfile.rows(path)
    rows = _Rows(path, header)
    for lineno, cells in body:
        rows.row(lineno, cells)
    result = rows.result
    _infer_subtotals(result, path)
    body.note_blank(result, per_row=False)
    if rows.empty_rows:
        result.findings.append(Finding("empty-row", Location(str(path)), count=rows.empty_rows))
    if rows.empty_amounts:
        result.findings.append(Finding("amount-missing", Location(str(path)), count=rows.empty_amounts))
    return result


class _Rows:
    """The reading of one B-tabel, row by row: the columns found, what the rows above said (fase, hoofdstuk, the
    articles whose share is known) and the result so far."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path, self.header = path, header
        self.col = {name: textfile.find_column(header, path, *names) for name, names in _COLUMNS.items()}
        # "Bedrag t" must not pick up "Bedrag t-2": find_column prefers exact header matches
        self.amount_cols = [textfile.find_column(header, path, f"Bedrag t{o:+d}" if o else "Bedrag t")
                            for o in _OFFSETS]
        # the template documents '.' decimal points and ',' thousands (412955.78476, 50,736); a column that shows
        # the other convention (1.234,5) is read in it, one that contradicts itself decides nothing
        self.styles = textfile.column_styles(path, self.amount_cols, default="en")
        self.result = ReadResult(kind=KIND, licence="CC-0 (MinFin open data)")
        self.empty_rows = self.empty_amounts = 0
        self.seen_commitment: set[tuple[int, str, str]] = set()
        self.last_fase: str | None = None
        self.last_hoofdstuk: str | None = None
        self.cells: list[str] = []
        self.lineno = 0

    # --- one row -----------------------------------------------------------------------------------------------
    def row(self, lineno: int, cells: list[str]) -> None:
        self.result.rows_read += 1
        if not any(c.strip() for c in cells):
            self.empty_rows += 1
            return
        if textfile.is_header_row(cells, self.header):
            self.result.findings.append(Finding("header-row-in-data", Location(str(self.path), lineno)))
            return
        self.lineno, self.cells = lineno, cells + [""] * (len(self.header) - len(cells))
        if not self.cell("jaar") and not self.cell("vuo"):
            self.skip("jaar", "a fragment row without year or V/U/O")
            return
        jaar = parse_year(self.cell("jaar"), location=self.loc("jaar"))
        fase = self.fase()
        hoofdstuk = self.hoofdstuk()
        artikel = artikel_number(self.cell("artikel")) or self.cell("artikel") or None
        labels = " ".join(self.cell(n) for n in ("instrument", "regeling", "detail")).lower()
        if not self.cell("vuo") and "juridisch verplicht" in labels and artikel:
            self.commitment_row(jaar, fase, hoofdstuk, artikel, labels)
            return
        if not self.cell("vuo"):
            has_amount = any(idx is not None and self.cells[idx].strip() for idx in self.amount_cols)
            self.skip("vuo", "no V/U/O code" + (" but amounts" if has_amount else " and no amounts"))
            return
        vuo = self.vuo()
        if vuo is None:
            return
        line = self.line(jaar, fase, hoofdstuk, artikel, vuo)
        self.amounts(line, jaar, fase)
        self.result.lines.append(line)
        self.article_share(jaar, fase, hoofdstuk, artikel)

    def cell(self, name: str) -> str:
        idx = self.col[name]
        return self.cells[idx].strip() if idx is not None else ""

    def loc(self, name: str) -> Location:
        idx = self.col[name]
        return Location(str(self.path), self.lineno, self.header[idx] if idx is not None else name)

    def skip(self, name: str, reason: str) -> None:
        self.result.findings.append(Finding("row-skipped", self.loc(name), reason=reason))

    # --- the named steps -----------------------------------------------------------------------------------------
    def fase(self) -> str:
        """The row's fase; an empty cell repeats the row above's (a finding)."""
        fase_raw = self.cell("fase").upper()
        fase = fase_of(fase_raw)
        if fase is None and not fase_raw and self.last_fase:
            fase = self.last_fase
            self.result.findings.append(Finding("filled-from-row-above", self.loc("fase"), value=fase))
        if fase is None:
            raise ValueFormatError(f"onbekende begrotingsfase {self.cell('fase')!r}", location=self.loc("fase"),
                                   expected="OWB, VB, 1stesup, 2desup, JV of SW")
        self.last_fase = fase
        return fase

    def hoofdstuk(self) -> str:
        """The row's chapter, normalised; an empty cell repeats the row above's (a finding)."""
        hfst_raw = self.cell("hfst")
        if not hfst_raw and self.last_hoofdstuk:
            hfst_raw = self.last_hoofdstuk
            self.result.findings.append(Finding("filled-from-row-above", self.loc("hfst"), value=hfst_raw))
        hoofdstuk = normalise_hoofdstuk(hfst_raw, location=self.loc("hfst"), findings=self.result.findings)
        self.last_hoofdstuk = hoofdstuk
        return hoofdstuk

    def commitment_row(self, jaar: int, fase: str, hoofdstuk: str, artikel: str, labels: str) -> None:
        """A 'Waarvan juridisch verplicht' row: percentages per year in the amount columns."""
        for offset, idx in zip(_OFFSETS, self.amount_cols, strict=True):
            if idx is None or "%" not in self.cells[idx]:
                continue
            pct = parse_percentage(self.cells[idx], location=Location(str(self.path), self.lineno, self.header[idx]),
                                   findings=self.result.findings)
            if pct is not None:
                self.result.commitments.append(CommitmentRecord(
                    self.lineno, jaar, jaar, fase, hoofdstuk, artikel, jaar + offset, "juridisch_verplicht", pct,
                    self.header[idx], source_text=" ".join(labels.split())[:200] or None))

    def vuo(self) -> str | None:
        """V, U or O; a cell that is none of them, but a row whose label says which, is read from the label (a
        finding); otherwise the row is skipped (None)."""
        try:
            return normalise_vuo(self.cell("vuo"), location=self.loc("vuo"), findings=self.result.findings)
        except ValueFormatError:
            stated = {c.strip().lower() for c in self.cells} & set(_VUO_LABELS)
            if len(stated) != 1:
                self.skip("vuo", f"V/U/O cell holds {self.cell('vuo')[:40]!r}")
                return None
            vuo = _VUO_LABELS[stated.pop()]
            self.result.findings.append(Finding("vuo-normalised", self.loc("vuo"), raw=self.cell("vuo")[:40],
                                                normalised=f"{vuo} (from the row's label)"))
            return vuo

    def is_total(self, vuo: str) -> bool:
        """The total flag; an empty one is inferred: a row above regeling level is a (sub)total (a finding)."""
        totaal = self.cell("totaal").upper()[:1]
        if totaal not in {"J", "N"}:
            if totaal:
                raise ValueFormatError(f"totaalvlag {self.cell('totaal')!r}", location=self.loc("totaal"),
                                       expected="J of N")
            totaal = "N" if (self.cell("regeling") or self.cell("detail")) else "J"
            self.result.findings.append(Finding("total-flag-inferred", self.loc("totaal"), vuo=vuo, flag=totaal))
        return totaal == "J"

    def line(self, jaar: int, fase: str, hoofdstuk: str, artikel: str | None, vuo: str) -> LineRecord:
        """The budget line of the row, at the deepest level it fills."""
        ond_nr = self.cell("ond_nr") or None
        instrument_raw = self.cell("instrument") or None
        is_total = self.is_total(vuo)
        instrument = normalise_instrument(instrument_raw, location=self.loc("instrument"),
                                          findings=self.result.findings)
        regeling = self.cell("regeling") or None
        detail = self.cell("detail") or None
        if is_total and not instrument and not detail and (regeling or "").lower() in _TOTAL_LABELS:
            regeling = None  # 'Verplichtingen' / 'Uitgaven' written as a label on the article total
        niveau = ("detail" if detail else "regeling" if regeling else "instrument" if instrument
                  else "artikelonderdeel" if ond_nr or self.cell("ond_naam") else "artikel")
        return LineRecord(
            source_row=self.lineno, begrotingsjaar=jaar, document_fase=fase, hoofdstuk=hoofdstuk,
            hoofdstuk_naam=self.cell("hfst_naam") or None, artikel=artikel,
            artikel_naam=self.cell("artikel_naam") or None, artikel_type=self.cell("artikel_type") or None,
            artikelonderdeel=(artikel_number(ond_nr) or ond_nr) if ond_nr else None,
            artikelonderdeel_naam=self.cell("ond_naam") or None, instrument=instrument,
            instrument_raw=instrument_raw, regeling=regeling, detail=detail, niveau=niveau, vuo=vuo,
            is_total=is_total,
        )

    def amounts(self, line: LineRecord, jaar: int, fase: str) -> None:
        """The amounts t-2 .. t+4; in an ontwerpbegroting, t-2 is the realisation: it belongs to the jaarverslag
        of that year."""
        for offset, idx in zip(_OFFSETS, self.amount_cols, strict=True):
            if idx is None:
                continue
            value = amount_or_finding(self.cells[idx], style=self.styles[idx],
                                      location=Location(str(self.path), self.lineno, self.header[idx]),
                                      findings=self.result.findings)
            if value is None:
                self.empty_amounts += 1
                continue
            if offset == -2 and fase == "OWB":
                amount = AmountRecord(jaar + offset, "JV", "realisatie", jaar + offset, value, "EUR1000",
                                      self.header[idx])
            else:
                amount = AmountRecord(jaar, fase, "stand", jaar + offset, value, "EUR1000", self.header[idx])
            line.amounts.append(amount)

    def article_share(self, jaar: int, fase: str, hoofdstuk: str, artikel: str | None) -> None:
        """The article's '% juridisch verplicht' for year t, once per article."""
        pct_raw = self.cell("pct")
        if not pct_raw or not artikel:
            return
        pct = parse_percentage(pct_raw, location=self.loc("pct"), findings=self.result.findings)
        key = (jaar, hoofdstuk, artikel)
        if pct is not None and key not in self.seen_commitment:
            self.seen_commitment.add(key)
            column = self.header[self.col["pct"] or 0]
            self.result.commitments.append(CommitmentRecord(
                self.lineno, jaar, jaar, fase, hoofdstuk, artikel, jaar, "juridisch_verplicht", pct, column,
                source_text=column))


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


# this format's reader (sources.contract): the registry in sources/__init__.py lists it
READER = TableReader(KIND, rank=3, header_matches=matches, reader=read)
