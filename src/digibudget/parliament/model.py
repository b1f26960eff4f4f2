"""The typed model of a parsed parliamentary document (questions, answers, footnotes, tables, extractions).

Everything here is plain, immutable-by-convention data: readers and extractors build it, the CLI and the
ingest layer read it. Money is always :class:`decimal.Decimal` in euros, never a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ..findings import Finding


class Status(StrEnum):
    """How a question was dealt with. The value is the stable English code; :attr:`label` is for users."""

    ANSWERED_WITH_FIGURES = "answered_with_figures"
    ANSWERED_WITHOUT_FIGURES = "answered_without_figures"
    DEFERRED = "deferred"
    REFUSED = "refused"
    ANSWERABLE_FROM_DATA = "answerable_from_data"
    UNANSWERED = "unanswered"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.ANSWERED_WITH_FIGURES: "beantwoord met cijfers",
    Status.ANSWERED_WITHOUT_FIGURES: "beantwoord zonder cijfers",
    Status.DEFERRED: "uitgesteld",
    Status.REFUSED: "geweigerd",
    Status.ANSWERABLE_FROM_DATA: "beantwoordbaar uit de data",
    Status.UNANSWERED: "niet beantwoord",
}


@dataclass(frozen=True)
class Footnote:
    """A footnote of the document: its number as printed and its text (artefacts removed)."""

    n: str
    text: str


@dataclass(frozen=True)
class Amount:
    """A sum of money stated in a text, as exact euros.

    ``raw`` is the text as written ('circa € 64,3 mln.'), ``value`` the euros (64300000), ``approximate`` is set
    by words like 'circa', ``qualifiers`` keeps periodicity and time words next to it ('per jaar', 'tot 2028').
    """

    raw: str
    value: Decimal
    approximate: bool = False
    qualifiers: tuple[str, ...] = ()
    start: int = 0


@dataclass(frozen=True)
class Citation:
    """A Kamerstuk citation: dossier (+ chapter) and number, optionally year, articles and pages."""

    raw: str
    dossier: str
    chapter: str | None = None
    number: str | None = None
    year: str | None = None
    articles: tuple[str, ...] = ()
    pages: str | None = None
    via_footnote: str | None = None

    @property
    def key(self) -> str:
        """A normalised id in the style of officielebekendmakingen ('kst-36915-VII-2'); dossier only if no nr."""
        parts = [self.dossier]
        if self.chapter:
            parts.append(self.chapter)
        if self.number:
            parts.append(self.number)
            return "kst-" + "-".join(parts)
        return "-".join(parts)


@dataclass(frozen=True)
class BudgetLocation:
    """A place in the budget: chapter (Roman numeral, when known), article and sub-article."""

    raw: str
    artikel: str
    artikelonderdeel: str | None = None
    hoofdstuk: str | None = None


@dataclass(frozen=True)
class CrossReference:
    """'Zie antwoord vraag 8': a pointer from one answer (or question) to other questions."""

    raw: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Extraction:
    """Everything recognised in one text (a question or an answer)."""

    citations: tuple[Citation, ...] = ()
    budget_locations: tuple[BudgetLocation, ...] = ()
    cross_references: tuple[CrossReference, ...] = ()
    amounts: tuple[Amount, ...] = ()
    organisations: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class TableRow:
    """One row of a table in a document. ``value`` is in the table's unit; ``amount`` in euros."""

    label: str
    value: Decimal | None
    amount: Decimal | None
    group: str | None = None
    subgroup: str | None = None
    is_total: bool = False
    line: int | None = None


@dataclass
class Table:
    """A table found in an answer, with its unit (e.g. 'x € 1.000' → multiplier 1000)."""

    id: str
    answer_id: str
    caption: str | None
    unit: str | None
    multiplier: Decimal
    rows: list[TableRow] = field(default_factory=list)
    line: int | None = None

    @property
    def detail_rows(self) -> list[TableRow]:
        return [r for r in self.rows if not r.is_total and r.value is not None]

    @property
    def total_rows(self) -> list[TableRow]:
        return [r for r in self.rows if r.is_total and r.value is not None]


@dataclass
class Question:
    """A question. ``number`` is the first number of its heading ('22', '2a'); ``numbers`` all of them."""

    number: str
    text: str
    heading: str = ""
    numbers: tuple[str, ...] = ()
    answer_id: str | None = None
    grouped_with: tuple[str, ...] = ()
    footnote_refs: tuple[str, ...] = ()
    extraction: Extraction = field(default_factory=Extraction)
    status: Status = Status.UNANSWERED
    status_evidence: str | None = None
    data_view: str | None = None
    partly_deferred: bool = False
    line: int | None = None


@dataclass
class Answer:
    """An answer and the question numbers it answers (several when questions are answered together)."""

    id: str
    text: str
    question_numbers: tuple[str, ...]
    heading: str | None = None
    footnote_refs: tuple[str, ...] = ()
    table_ids: tuple[str, ...] = ()
    extraction: Extraction = field(default_factory=Extraction)
    line: int | None = None


@dataclass
class Document:
    """A parsed document: what precedes the first question, the questions, answers, footnotes and tables."""

    source: str | None
    format: str
    front_matter: str
    questions: list[Question] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def question(self, number: str) -> Question:
        for q in self.questions:
            if number in q.numbers or q.number == number:
                return q
        raise KeyError(number)

    def answer(self, answer_id: str) -> Answer:
        for a in self.answers:
            if a.id == answer_id:
                return a
        raise KeyError(answer_id)

    def answer_for(self, number: str) -> Answer | None:
        q = self.question(number)
        return self.answer(q.answer_id) if q.answer_id else None

    def footnote(self, n: str) -> Footnote | None:
        return next((f for f in self.footnotes if f.n == n), None)
