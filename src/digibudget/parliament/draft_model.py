"""The data of a draft answer (parliament.draft): the rules' vocabulary, what a question names, the figures and the
draft itself. Its own module so that the analyses (parliament.draft_analyses) and the drafting (parliament.draft)
both use it without importing each other."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

ANALYSES = ("geen", "verplichtingen", "overlap", "integrale_tabel", "thema_per_hoofdstuk", "mutaties", "regel",
            "artikel")
NEEDS = ("post", "uitvoerder", "locatie", "hoofdstuk", "thema")
STATUS_NOT_ANSWERABLE = "niet uit de data te beantwoorden"
STATUS_WITH_FIGURES = "concept met cijfers"
STATUS_NO_FIGURES = "geen cijfers in de data"


def norm(text: str) -> str:
    """Lower case without accents, as the rules see it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@dataclass(frozen=True)
class DraftRule:
    id: str
    label: str
    analyse: str
    priority: int
    pattern: re.Pattern[str] | None
    unless: re.Pattern[str] | None
    needs: tuple[str, ...]


@dataclass
class Entities:
    posts: list[str] = field(default_factory=list)
    executors: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    locations: list[tuple[str | None, str, str | None]] = field(default_factory=list)  # (hoofdstuk, artikel, onderdeel)
    hoofdstukken: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    moment: tuple[int, str] | None = None

    def has(self, need: str) -> bool:
        return bool({"post": self.posts, "uitvoerder": self.executors, "locatie": self.locations,
                     "hoofdstuk": self.hoofdstukken, "thema": self.themes}[need])


@dataclass(frozen=True)
class Figure:
    value_eur: Decimal
    jaar: int
    moment: str
    source: str


@dataclass
class Draft:
    number: str
    question: str
    rule: DraftRule
    evidence: str
    entities: Entities
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    status: str = STATUS_NO_FIGURES
    published: list[tuple[str, Decimal]] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)
    remark: str = ""
