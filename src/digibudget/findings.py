"""Typed data-quality findings: a catalogue of stable codes, each with a title, a severity and a message template.

A finding is never an exception: it is recorded, stored and shown to users. Code that notices a problem creates
``Finding(code, location, **figures)``; the catalogue turns it into a message. Unknown codes are a programming error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb

from .errors import Location


@dataclass(frozen=True)
class FindingType:
    code: str
    title: str
    severity: str  # "info" | "warning" | "error"
    template: str


CATALOGUE: dict[str, FindingType] = {}


def register(code: str, title: str, severity: str, template: str) -> FindingType:
    if severity not in {"info", "warning", "error"}:
        raise ValueError(f"bad severity {severity!r}")
    if code in CATALOGUE:
        raise ValueError(f"finding code {code!r} registered twice")
    ft = FindingType(code, title, severity, template)
    CATALOGUE[code] = ft
    return ft


# --- budget tables -------------------------------------------------------------------------------------------
register("header-row-in-data", "Kopregel in de data", "info",
         "a repeated header row was skipped")
register("empty-row", "Lege regel", "info", "{count} empty rows were skipped")
register("unknown-instrument", "Onbekend financieel instrument", "warning",
         "instrument '{raw}' matches none of the published instrument types; kept as written")
register("instrument-normalised", "Instrumentnaam genormaliseerd", "info",
         "instrument '{raw}' read as '{normalised}'")
register("vuo-normalised", "V/U/O-code genormaliseerd", "info", "V/U/O code '{raw}' read as '{normalised}'")
register("unknown-hoofdstuk", "Onbekend begrotingshoofdstuk", "warning",
         "hoofdstuk '{raw}' is not a known chapter code")
register("duplicate-line", "Dubbele regel", "warning",
         "line {key} appears {count} times in this source for the same year and moment")
register("duplicate-total", "Dubbele totaalregel", "warning",
         "line {key} has two total rows: row {row_a} ({figures_a}) and row {row_b} ({figures_b}); {decision}{note}")
register("duplicate-line-differs", "Herhaalde regel met andere bedragen", "warning",
         "line {key} appears in {count} rows with different amounts ({rows}); all are counted, as separate lines "
         "that the source labels alike")
register("total-mismatch", "Totaal klopt niet", "warning",
         "{what}: detail rows add up to {detail_sum}, the total row says {total} (difference {difference})")
register("stand-mismatch", "Stand klopt niet met mutaties", "warning",
         "{what}: {previous} + {mutations} = {expected}, but the table says {stand}")
register("source-mismatch", "Bronnen spreken elkaar tegen", "warning",
         "{what}: {source_a} says {value_a}, {source_b} says {value_b} (difference {difference})")
register("lines-source-mismatch", "Regels wijken af van artikeltotaal andere bron", "warning",
         "{what}: the lines of {source_a} ({count}) add up to {value_a}, {source_b} says {value_b} "
         "(difference {difference}){note}")
register("source-agreement", "Bronnen komen overeen", "info",
         "{what}: {count} figures agree between {source_a} and {source_b}")
register("unit-mismatch", "Eenheid wijkt af", "warning",
         "{what}: unit '{unit}' differs from the expected '{expected}'")
register("float-artefact", "Afrondingsartefact", "info",
         "amount '{raw}' is a floating-point artefact; stored as {value}")
register("amount-missing", "Bedrag ontbreekt", "info",
         "{count} amount cells are empty (not yet known); no value was stored for them")
register("percentage-out-of-range", "Percentage buiten bereik", "warning",
         "percentage juridisch verplicht {value} is outside 0-100")
register("truncated-table", "Tabel onvolledig", "warning",
         "{what}: the source table is incomplete ({reason}); totals over its rows are partial")
register("total-flag-inferred", "Totaalindicatie afgeleid", "info",
         "the total flag of a {vuo} row is empty; read as '{flag}' from the level of the row")
register("unreadable-amount", "Onleesbaar bedrag", "error",
         "amount cell {raw!r} cannot be read (expected {expected}); no value was stored for it")
register("ambiguous-amount", "Dubbelzinnig bedrag", "error",
         "amount cell {raw!r} reads as {reading_a} ({style_a}) or as {reading_b} ({style_b}), and no other cell of "
         "its column tells which; no value was stored for it")
register("row-skipped", "Regel niet geladen", "warning", "{reason}; the row was not loaded")
register("pro-memorie", "Pro memorie", "info",
         "amount '{raw}' (pro memorie: not yet quantified); no value was stored")
register("filled-from-row-above", "Lege cel aangevuld", "info",
         "an empty cell was read as '{value}', the value of the row above")
register("ambiguous-fase", "Begrotingsfase onzeker", "info", "fase '{raw}' read as '{normalised}' {reason}")
register("code-mapped", "Code omgezet", "info", "{what} '{raw}' read as '{normalised}' ({reason})")
register("records-left-out", "Records niet geladen", "info",
         "{count} records {what} were not loaded ({total} in all): {reason}")
register("record-is-part", "Waarvan-regel niet apart geladen", "info",
         "{what} ({value}) is a part of the article's other lines, not a line of its own; it was not loaded")
register("commitment-split-mismatch", "Budgetflexibiliteit telt niet op tot 100%", "warning",
         "{what}: the categories add up to {total}% ({parts}), not 100% (1 point allowed for rounding)")
register("file-may-be-truncated", "Bestand mogelijk afgebroken", "warning",
         "the file does not end with a line break: its last row may have been cut short; check it against the "
         "published file")
register("source-replaced", "Nieuwe versie van een bestand", "info",
         "this file replaces an earlier version (source {old_source}) published at the same address: {changed} of "
         "{compared} amounts changed, {only_new} are new; the figures come from this version")
register("version-dropped-amounts", "Nieuwe versie mist bedragen", "warning",
         "this version lacks {only_old} amounts that the earlier version (source {old_source}) had; they are no "
         "longer in any figure")

# --- parliamentary documents ---------------------------------------------------------------------------------
register("document-table-total-agrees", "Tabeltotaal klopt", "info",
         "{what}: the rows add up to {detail_sum}, as the total row says ({unit})")
register("document-table-total-mismatch", "Tabeltotaal klopt niet", "warning",
         "{what}: the rows add up to {detail_sum}, the total row says {total} ({unit}; difference {difference})")
register("document-stated-total-agrees", "Genoemd bedrag klopt met tabel", "info",
         "{what}: the text names {stated_raw} ({stated} euro), the table gives {computed} euro")
register("document-stated-total-mismatch", "Genoemd bedrag wijkt af van tabel", "warning",
         "{what}: the text names {stated_raw} ({stated} euro), but the table adds up to {computed} euro "
         "(difference {difference} euro)")
register("document-unanswered-question", "Vraag zonder antwoord", "warning",
         "question {number} has no answer in the document")
register("document-unknown-cross-reference", "Verwijzing naar onbekende vraag", "warning",
         "{where} refers to question {target}, which is not in the document")
register("document-missing-footnote", "Voetnoot ontbreekt", "info",
         "footnote {n} is referenced but its text was not found")
register("document-no-questions", "Geen vragen gevonden", "warning",
         "no question headings ('Vraag 1', '1.') were found; the whole text was kept as front matter")
register("document-location-not-loaded", "Begrotingsplaats niet geladen", "info",
         "question {number} refers to {place}, for which no budget line is loaded")
register("document-figure-contradicts", "Genoemd bedrag spreekt data tegen", "warning",
         "question {number}: the document states {stated} euro for {what} ({year}); the loaded data gives "
         "{loaded} euro ({source}, rij {row}; difference {difference} euro)")
register("document-figures-unverifiable", "Bedragen niet te toetsen", "info",
         "{count} figures stated for {year} cannot be checked: no budget data for {year} is loaded")

@dataclass
class Finding:
    code: str
    location: Location = field(default_factory=Location)
    figures: dict[str, Any] = field(default_factory=dict)
    # one Finding may stand for several alike (the same message): how many, and the rows of the others
    occurrences: int = 1
    more_rows: tuple[int, ...] = ()

    def __init__(self, code: str, location: Location | None = None, **figures: Any) -> None:
        if code not in CATALOGUE:
            raise KeyError(f"unknown finding code {code!r}")
        self.code = code
        self.location = location or Location()
        self.figures = figures
        self.occurrences = 1
        self.more_rows = ()

    @property
    def type(self) -> FindingType:
        return CATALOGUE[self.code]

    @property
    def severity(self) -> str:
        return self.type.severity

    @property
    def message(self) -> str:
        try:
            return self.type.template.format(**{k: _fmt(v) for k, v in self.figures.items()})
        except (KeyError, IndexError):
            return f"{self.type.title}: {self.figures}"


def _fmt(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return value


# --- storing findings (ingest, reconcile, parliament) ------------------------------------------------------------

def store_findings(con: duckdb.DuckDBPyConnection, source_id: int | None, path: str | None,
                   findings: Sequence[Finding]) -> None:
    """Store findings; identical messages of one source become one finding with a count and their rows.

    They are numbered in a fixed order (file, row, column, code, message), whatever order the caller found them
    in, so the same input gives the same database however the queries that found them happened to run.
    """
    if not findings:
        return
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.location.path or "", -1 if f.location.row is None else f.location.row,
                                             f.location.column or "", f.code, f.message)):
        groups.setdefault((f.code, f.message), []).append(f)
    store_finding_groups(con, source_id, path, [
        (group[0], sum(g.occurrences for g in group),
         sorted({r for g in group for r in (g.location.row, *g.more_rows) if r is not None})[:50])
        for group in groups.values()])


def store_finding_groups(con: duckdb.DuckDBPyConnection, source_id: int | None, path: str | None,
                         groups: Sequence[tuple[Finding, int, list[int]]]) -> None:
    """Store findings already grouped by code and message, in their order: (first finding, occurrences, the first
    50 rows). ``store_findings`` groups a list; the set-based bulk path groups in SQL."""
    if not groups:
        return
    row = con.execute("SELECT coalesce(max(finding_id), 0) FROM finding").fetchone()
    start = int(row[0]) + 1 if row else 1
    records = []
    for i, (first, count, rows) in enumerate(groups):
        figures = dict(first.figures)
        message = first.message
        if count > 1:
            figures["occurrences"] = count
            figures["rows"] = rows
            message = f"{message} ({count}x)"
        records.append([start + i, source_id, first.code, first.severity, message, first.location.path or path,
                        first.location.row, first.location.column,
                        json.dumps(figures, default=_json_default, ensure_ascii=False)])
    for i in range(0, len(records), 500):  # one statement per 500 rows: executemany costs a round trip per row
        chunk = records[i:i + 500]
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
        con.execute(f"INSERT INTO finding VALUES {values}", [v for r in chunk for v in r])  # noqa: S608


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)
