"""What every reader produces: canonical records with their provenance, plus findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..findings import Finding
from ..vocab import COMMITMENT_CATEGORIES, FASES, UNITS

__all__ = ["COMMITMENT_CATEGORIES", "FASES", "MAX_AMOUNT", "MAX_PCT", "UNITS", "AmountRecord", "CommitmentRecord",
           "LineRecord", "ReadResult"]

# the largest absolute value the store holds: amounts are DECIMAL(38,10), shares DECIMAL(7,3); larger is a finding
MAX_AMOUNT = Decimal(10) ** 28
MAX_PCT = Decimal(10) ** 4


@dataclass(frozen=True)
class AmountRecord:
    moment_jaar: int
    fase: str
    measure: str  # stand | mutatie | realisatie | verschil
    jaar: int
    value: Decimal
    unit: str
    source_column: str
    mutatie_soort: str | None = None
    source_row: int | None = None  # when the amount has its own row (long formats); else the line's row


@dataclass
class LineRecord:
    source_row: int
    begrotingsjaar: int
    hoofdstuk: str
    vuo: str
    niveau: str
    is_total: bool
    document_fase: str | None = None
    hoofdstuk_naam: str | None = None
    artikel: str | None = None
    artikel_naam: str | None = None
    artikel_type: str | None = None
    artikelonderdeel: str | None = None
    artikelonderdeel_naam: str | None = None
    instrument: str | None = None
    instrument_raw: str | None = None
    regeling: str | None = None
    detail: str | None = None
    source_ref: str | None = None
    amounts: list[AmountRecord] = field(default_factory=list)


@dataclass(frozen=True)
class CommitmentRecord:
    source_row: int
    begrotingsjaar: int
    moment_jaar: int
    fase: str
    hoofdstuk: str
    artikel: str
    jaar: int
    category: str
    pct: Decimal
    source_column: str
    instrument: str | None = None  # None: the share of the whole article; else of this instrument (over the article)
    vuo: str = "U"  # a share of uitgaven, or 'V' where the source says verplichtingen; never 'O'
    source_text: str | None = None  # the label or sentence the share came from


@dataclass
class ReadResult:
    kind: str
    lines: list[LineRecord] = field(default_factory=list)
    commitments: list[CommitmentRecord] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    rows_read: int = 0
    blank_rows: int = 0  # of rows_read: rows without any content
    url: str | None = None
    title: str | None = None
    licence: str | None = None
